package template

import "sync"

// CellNumber gives each cell of the template's tables (every row by every column, optional ones included)
// a dense number, for arrays indexed by cell where a map per report would cost more: 0 ≤ n < NumCells().
// ok is false for a cell the tables do not have.
func (t *Template) CellNumber(c Cell) (n int, ok bool) {
	n, ok = t.cellNumbers()[c]
	return n, ok
}

// NumCells is how many cells CellNumber numbers.
func (t *Template) NumCells() int { return len(t.cellNumbers()) }

var cellNumberings sync.Map // *Template → map[Cell]int

func (t *Template) cellNumbers() map[Cell]int {
	if m, ok := cellNumberings.Load(t); ok {
		return m.(map[Cell]int)
	}
	m := map[Cell]int{}
	for _, tb := range t.Tables {
		for _, r := range tb.Rows {
			for _, c := range tb.Cols {
				m[Cell{Table: tb.Key, Row: r.Key, Col: c.Key}] = len(m)
			}
		}
	}
	v, _ := cellNumberings.LoadOrStore(t, m)
	return v.(map[Cell]int)
}
