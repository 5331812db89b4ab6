package extract

import (
	"strings"
	"testing"
	"time"
)

// TestPathologicalInput feeds broken and hostile markup: extraction must finish quickly, keep the grid
// invariants and say what it gave up.
func TestPathologicalInput(t *testing.T) {
	tests := []struct {
		name   string
		html   string
		tables int // -1: any
		warn   bool
	}{
		// Single-cell tables around a table are layout: only the innermost is data.
		{"nested tables", strings.Repeat("<table><tr><td>x", 100), 1, false},
		{"nested tables past the parser's depth limit", strings.Repeat("<table><tr><td>x", 1000), 0, true},
		{"nested layout tables", strings.Repeat("<table><tr><td><p>a</p><p>b</p><table><tr><td>y</td></tr></table>", 100), 100, false},
		{"wide row", "<table><tr>" + strings.Repeat("<td>1</td>", 20000) + "</tr></table>", 1, true},
		{"tall rowspans", "<table>" + strings.Repeat("<tr><td rowspan=60000>1</td><td>2</td></tr>", 20000) + "</table>", 1, true},
		{"unclosed div", strings.Repeat("<div>a", 20000) + "<table><tr><td>规章</td></tr></table>", 1, true},
		{"unclosed font", strings.Repeat("<font color=red>a<p>", 20000), 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			d, err := HTMLDocument(tc.html)
			if err != nil {
				t.Fatal(err)
			}
			if el := time.Since(start); el > 2*time.Second {
				t.Errorf("took %v", el)
			}
			checkDoc(t, d)
			if n := len(tables(d)); tc.tables >= 0 && n != tc.tables {
				t.Errorf("got %d tables, want %d", n, tc.tables)
			}
			if (len(d.Warnings) > 0) != tc.warn {
				t.Errorf("warnings %q", d.Warnings)
			}
		})
	}
}
