// Package validate evaluates the template's identities on a report's figures. It records every result
// and never changes a figure.
package validate

import (
	"math"

	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/template"
)

// tolerance absorbs floating-point noise in sums of decimals; counts are integers.
const tolerance = 1e-6

// Check evaluates the identities of the report's template version on its facts. An identity is evaluated
// on a row or column only when every cell it names is present; empty and not-applicable cells count as 0
// (reports print blanks for zero), text cells make it unevaluable.
func Check(v template.Version, facts []report.Fact) []report.Check {
	tpl, err := template.Get(v)
	if err != nil {
		return nil
	}
	type key struct{ table, row, col string }
	vals := map[key]float64{}
	unreadable := map[key]bool{}
	for _, f := range facts {
		if f.Row == "" {
			continue
		}
		k := key{f.Table, f.Row, f.Col}
		switch f.Kind {
		case report.Number, report.Zero:
			vals[k] = *f.Value
		case report.Empty, report.NotApplicable:
			vals[k] = 0
		default:
			unreadable[k] = true
		}
	}
	sum := func(table string, keys []string, other string, scope template.Scope) (float64, bool) {
		s := 0.0
		for _, x := range keys {
			k := key{table, x, other}
			if scope == template.ScopeRow {
				k = key{table, other, x}
			}
			v, ok := vals[k]
			if !ok || unreadable[k] {
				return 0, false
			}
			s += v
		}
		return s, true
	}
	var out []report.Check
	for _, id := range tpl.Identities() {
		tb := tpl.Table(id.Table)
		var along []string
		if id.Scope == template.ScopeColumn {
			for _, c := range tb.Cols {
				along = append(along, c.Key)
			}
		} else {
			for _, r := range tb.Rows {
				along = append(along, r.Key)
			}
		}
		for _, a := range along {
			left, ok1 := sum(id.Table, id.Left, a, id.Scope)
			right, ok2 := sum(id.Table, id.Right, a, id.Scope)
			if !ok1 || !ok2 {
				continue
			}
			out = append(out, report.Check{
				Name: id.Name, Table: id.Table, Scope: string(id.Scope), Key: a,
				Pass: math.Abs(left-right) <= tolerance, Expected: right, Actual: left,
			})
		}
	}
	return out
}

// Failed counts the failed checks.
func Failed(cs []report.Check) int {
	n := 0
	for _, c := range cs {
		if !c.Pass {
			n++
		}
	}
	return n
}
