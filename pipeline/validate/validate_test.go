package validate

import (
	"testing"

	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/template"
)

func fact(table, row, col string, kind report.CellKind, v float64) report.Fact {
	f := report.Fact{Table: table, Row: row, Col: col, Kind: kind}
	if kind == report.Number || kind == report.Zero {
		f.Value = &v
	}
	return f
}

func TestTable4(t *testing.T) {
	rl := template.ReviewLitigation
	facts := []report.Fact{
		fact(rl, "review", "upheld", report.Number, 75), fact(rl, "review", "corrected", report.Number, 5),
		fact(rl, "review", "other", report.Number, 8), fact(rl, "review", "pending", report.Number, 18),
		fact(rl, "review", "total", report.Number, 106),
		fact(rl, "litigation_direct", "upheld", report.Number, 14), fact(rl, "litigation_direct", "corrected", report.Empty, 0),
		fact(rl, "litigation_direct", "other", report.NotApplicable, 0), fact(rl, "litigation_direct", "pending", report.Number, 13),
		fact(rl, "litigation_direct", "total", report.Number, 41),        // 14+0+0+13 = 27: fails
		fact(rl, "litigation_after_review", "upheld", report.Number, 10), // incomplete: not evaluated
	}
	cs := Check(template.V2021, facts)
	if len(cs) != 2 {
		t.Fatalf("%d checks, want 2: %+v", len(cs), cs)
	}
	want := map[string]report.Check{
		"review":            {Name: "t4_group_sum", Table: rl, Scope: "row", Key: "review", Pass: true, Expected: 106, Actual: 106},
		"litigation_direct": {Name: "t4_group_sum", Table: rl, Scope: "row", Key: "litigation_direct", Pass: false, Expected: 27, Actual: 41},
	}
	for _, c := range cs {
		if c != want[c.Key] {
			t.Errorf("check %+v, want %+v", c, want[c.Key])
		}
	}
	if Failed(cs) != 1 {
		t.Errorf("Failed = %d", Failed(cs))
	}
}

func TestTextCellMakesCheckUnevaluable(t *testing.T) {
	rl := template.ReviewLitigation
	facts := []report.Fact{
		fact(rl, "review", "upheld", report.Text, 0), fact(rl, "review", "corrected", report.Number, 5),
		fact(rl, "review", "other", report.Number, 8), fact(rl, "review", "pending", report.Number, 18),
		fact(rl, "review", "total", report.Number, 106),
	}
	if cs := Check(template.V2021, facts); len(cs) != 0 {
		t.Errorf("checks %+v, want none", cs)
	}
}
