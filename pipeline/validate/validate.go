// Package validate evaluates the template's identities on a report's figures. It records every result
// and never changes a figure.
package validate

import (
	"math"
	"sync"

	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/template"
)

// tolerance absorbs floating-point noise in sums of decimals; counts are integers.
const tolerance = 1e-6

// Check evaluates the identities of the report's template version on its facts. An identity is evaluated
// on a row or column only when every cell it names is present; empty and not-applicable cells count as 0
// (reports print blanks for zero), text cells make it unevaluable.
func Check(v template.Version, facts []report.Fact) []report.Check {
	pl := planFor(v)
	if pl == nil {
		return nil
	}
	const (
		absent = iota
		present
		unreadable // text where a figure should be: sticky
	)
	vals := make([]float64, pl.tpl.NumCells())
	state := make([]uint8, pl.tpl.NumCells())
	for _, f := range facts {
		if f.Row == "" {
			continue
		}
		i, ok := pl.tpl.CellNumber(template.Cell{Table: f.Table, Row: f.Row, Col: f.Col})
		if !ok {
			continue // not a cell of the template's tables
		}
		switch f.Kind {
		case report.Number, report.Zero:
			vals[i] = *f.Value
		case report.Empty, report.NotApplicable:
			vals[i] = 0
		default:
			state[i] = unreadable
			continue
		}
		if state[i] == absent {
			state[i] = present
		}
	}
	sum := func(cells []int) (float64, bool) {
		s := 0.0
		for _, i := range cells {
			if i < 0 || state[i] != present {
				return 0, false
			}
			s += vals[i]
		}
		return s, true
	}
	out := make([]report.Check, 0, len(pl.terms))
	for _, t := range pl.terms {
		left, ok1 := sum(t.left)
		right, ok2 := sum(t.right)
		if !ok1 || !ok2 {
			continue
		}
		id := t.id
		out = append(out, report.Check{
			Name: id.Name, Table: id.Table, Scope: string(id.Scope), Key: t.along,
			Pass: math.Abs(left-right) <= tolerance, Expected: right, Actual: left,
		})
	}
	return out
}

// plan is a version's identities compiled once: every (identity, row or column) it is evaluated on, with
// its cells numbered (template.CellNumber; -1 for a cell the tables lack), so that checking a report
// indexes slices instead of hashing keys.
type plan struct {
	tpl   *template.Template
	terms []term
}

type term struct {
	id          *template.Identity
	along       string
	left, right []int
}

var plans sync.Map // template.Version → *plan

func planFor(v template.Version) *plan {
	if pl, ok := plans.Load(v); ok {
		return pl.(*plan)
	}
	tpl, err := template.Get(v)
	if err != nil {
		return nil
	}
	pl := &plan{tpl: tpl}
	number := func(keys []string, table, other string, scope template.Scope) []int {
		out := make([]int, len(keys))
		for i, x := range keys {
			c := template.Cell{Table: table, Row: x, Col: other}
			if scope == template.ScopeRow {
				c = template.Cell{Table: table, Row: other, Col: x}
			}
			n, ok := tpl.CellNumber(c)
			if !ok {
				n = -1
			}
			out[i] = n
		}
		return out
	}
	ids := tpl.Identities()
	for k := range ids {
		id := &ids[k]
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
			pl.terms = append(pl.terms, term{id: id, along: a,
				left: number(id.Left, id.Table, a, id.Scope), right: number(id.Right, id.Table, a, id.Scope)})
		}
	}
	v2, _ := plans.LoadOrStore(v, pl)
	return v2.(*plan)
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
