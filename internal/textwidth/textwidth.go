// Package textwidth aligns terminal tables that mix Chinese and ASCII text: a CJK character takes two
// columns, which fmt's padding (counting runes or bytes) does not know.
package textwidth

import (
	"io"
	"strings"

	"golang.org/x/text/width"
)

// Of is the display width of s in terminal columns.
func Of(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// Pad pads s with spaces to w columns: on the right, or on the left when right is true.
func Pad(s string, w int, right bool) string {
	gap := w - Of(s)
	if gap <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", gap) + s
	}
	return s + strings.Repeat(" ", gap)
}

// Table writes rows as aligned columns separated by two spaces. rightAlign marks numeric columns.
func Table(w io.Writer, indent string, rows [][]string, rightAlign []bool) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], Of(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		b.WriteString(indent)
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			right := i < len(rightAlign) && rightAlign[i]
			if i == len(r)-1 && !right {
				b.WriteString(c)
				continue
			}
			b.WriteString(Pad(c, widths[i], right))
		}
		b.WriteString("\n")
		io.WriteString(w, b.String())
	}
}
