package extract

import (
	"math"
	"sort"
	"strings"
)

// PDF tables. A ruled table is a connected set of ruling lines: its distinct vertical-line positions are
// the grid's column boundaries, its horizontal-line positions the row boundaries, and a boundary missing
// between two grid positions merges them into one spanning cell. An unruled table is found from text
// alignment: consecutive lines that split into several chunks at wide gaps, with columns where the chunks'
// horizontal extents leave a gap on every line. Both become pdfTables of rectangular cells, which are joined
// across page breaks and then laid out as Table grids with the Copy invariant of buildGrid.

const (
	ruleJoin  = 2.5 // ruling lines closer than this touch
	ruleMerge = 1.5 // line positions closer than this are one boundary
)

type pdfCell struct {
	r, c, rs, cs int
	chars        []pdfChar
	text         string
	page         int
	box          pdfBox
}

type pdfTable struct {
	page   int
	box    pdfBox
	xs     []float64 // column boundaries
	nrows  int
	cells  []*pdfCell
	ruled  bool
	bottom bool // nothing but page furniture follows it on its page
	top    bool // nothing but page furniture precedes it on its page
}

// ruledTables finds the ruled tables of a page and the characters inside them.
func ruledTables(p *pdfPage) []*pdfTable {
	rules := p.rules
	n := len(rules)
	if n < 4 {
		return nil
	}
	// Connected components of touching lines (union-find).
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return rules[idx[a]].x0 < rules[idx[b]].x0 })
	for a := 0; a < n; a++ {
		ra := rules[idx[a]]
		for b := a + 1; b < n; b++ {
			rb := rules[idx[b]]
			if rb.x0 > ra.x1+ruleJoin {
				break
			}
			if touches(ra, rb) {
				parent[find(idx[a])] = find(idx[b])
			}
		}
	}
	groups := map[int][]pdfRule{}
	var roots []int
	for i := range rules {
		r := find(i)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], rules[i])
	}
	var out []*pdfTable
	for _, root := range roots {
		if t := gridFromRules(p, groups[root]); t != nil {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].box.y0 < out[j].box.y0 })
	return out
}

func touches(a, b pdfRule) bool {
	return a.x0-ruleJoin <= b.x1 && b.x0-ruleJoin <= a.x1 && a.y0-ruleJoin <= b.y1 && b.y0-ruleJoin <= a.y1
}

// positions merges nearby coordinates into boundaries.
func positions(vs []float64) []float64 {
	sort.Float64s(vs)
	var out []float64
	for _, v := range vs {
		if len(out) > 0 && v-out[len(out)-1] < ruleMerge {
			continue
		}
		out = append(out, v)
	}
	return out
}

// covered reports whether the lines cover the span [a, b] at position pos (along the other axis) for at
// least half its length.
func covered(lines []pdfRule, horizontal bool, pos, a, b float64) bool {
	need := (b - a) / 2
	got := 0.0
	for _, l := range lines {
		if l.horizontal() != horizontal {
			continue
		}
		lp, la, lb := l.x0, l.y0, l.y1
		if horizontal {
			lp, la, lb = l.y0, l.x0, l.x1
		}
		if math.Abs(lp-pos) > ruleJoin {
			continue
		}
		got += math.Max(0, math.Min(b, lb)-math.Max(a, la))
	}
	return got >= need
}

func gridFromRules(p *pdfPage, rules []pdfRule) *pdfTable {
	var xv, yv []float64
	for _, r := range rules {
		if r.horizontal() {
			yv = append(yv, r.y0)
		} else {
			xv = append(xv, r.x0)
		}
	}
	xs, ys := positions(xv), positions(yv)
	if len(xs) < 2 || len(ys) < 2 {
		return nil // an underline, a frame or a rule between paragraphs
	}
	// Where a page break cuts a table, the row at the break may lack its closing border while the column
	// lines reach down (up) to it: the lines' ends close the grid.
	top, bottom, left, right := ys[0], ys[len(ys)-1], xs[0], xs[len(xs)-1]
	for _, r := range rules {
		if r.horizontal() {
			left, right = math.Min(left, r.x0), math.Max(right, r.x1)
		} else {
			top, bottom = math.Min(top, r.y0), math.Max(bottom, r.y1)
		}
	}
	if ys[0]-top > ruleMin {
		ys = append([]float64{top}, ys...)
	}
	if bottom-ys[len(ys)-1] > ruleMin {
		ys = append(ys, bottom)
	}
	if xs[0]-left > ruleMin {
		xs = append([]float64{left}, xs...)
	}
	if right-xs[len(xs)-1] > ruleMin {
		xs = append(xs, right)
	}
	if len(xs) < 2 || len(ys) < 2 {
		return nil // an underline, a frame or a rule between paragraphs
	}
	nr, nc := len(ys)-1, len(xs)-1
	if nr*nc > maxPositions {
		return nil
	}
	// open[r][c]: no vertical boundary between (r,c) and (r,c+1); down[r][c]: none between (r,c) and (r+1,c).
	open := make([][]bool, nr)
	down := make([][]bool, nr)
	for r := range nr {
		open[r] = make([]bool, nc)
		down[r] = make([]bool, nc)
		for c := range nc {
			if c+1 < nc {
				open[r][c] = !covered(rules, false, xs[c+1], ys[r], ys[r+1])
			}
			if r+1 < nr {
				down[r][c] = !covered(rules, true, ys[r+1], xs[c], xs[c+1])
			}
		}
	}
	t := &pdfTable{page: p.num, box: pdfBox{xs[0], ys[0], xs[nc], ys[nr]}, xs: xs, nrows: nr, ruled: true}
	taken := make([][]bool, nr)
	for r := range taken {
		taken[r] = make([]bool, nc)
	}
	for r := range nr {
		for c := range nc {
			if taken[r][c] {
				continue
			}
			cs := 1
			for c+cs < nc && open[r][c+cs-1] && !taken[r][c+cs] {
				cs++
			}
			rs := 1
		grow:
			for r+rs < nr {
				for k := range cs {
					if !down[r+rs-1][c+k] || taken[r+rs][c+k] {
						break grow
					}
				}
				rs++
			}
			for dr := range rs {
				for dc := range cs {
					taken[r+dr][c+dc] = true
				}
			}
			t.cells = append(t.cells, &pdfCell{r: r, c: c, rs: rs, cs: cs, page: p.num,
				box: pdfBox{xs[c], ys[r], xs[c+cs], ys[r+rs]}})
		}
	}
	return t
}

// fill moves the characters whose centre lies inside the table into its cells; it returns the rest.
func (t *pdfTable) fill(chars []pdfChar) []pdfChar {
	var rest []pdfChar
	for _, ch := range chars {
		x, y := (ch.x0+ch.x1)/2, (ch.y0+ch.y1)/2
		if x < t.box.x0 || x > t.box.x1 || y < t.box.y0 || y > t.box.y1 {
			rest = append(rest, ch)
			continue
		}
		for _, c := range t.cells {
			if x >= c.box.x0 && x <= c.box.x1 && y >= c.box.y0 && y <= c.box.y1 {
				c.chars = append(c.chars, ch)
				break
			}
		}
	}
	var f folder
	for _, c := range t.cells {
		c.text = cellText(c.chars, &f)
		c.chars = nil
	}
	return rest
}

// continues reports whether b, first on its page, continues a, last on the page before: same columns.
func (a *pdfTable) continues(b *pdfTable) bool {
	if !a.bottom || !b.top || b.page != a.page+1 || a.ruled != b.ruled || len(a.xs) != len(b.xs) {
		return false
	}
	for i := range a.xs {
		if math.Abs(a.xs[i]-b.xs[i]) > 3 {
			return false
		}
	}
	return true
}

// rowTexts returns the texts of row r's cells that start in it, in column order.
func (t *pdfTable) rowText(r int) string {
	var parts []string
	for _, c := range t.cells {
		if c.r == r {
			parts = append(parts, c.text)
		}
	}
	return strings.Join(parts, "|")
}

// join appends b's rows to a. A header repeated at the top of b is dropped; a cell cut by the page break
// (its upper part ends a's last row, its lower part starts b's first row in the same columns) becomes one
// cell again when the lower part is empty or reads as the rest of a label (no numbering of its own).
func (a *pdfTable) join(b *pdfTable) {
	skip := 0
	for skip < b.nrows && skip < a.nrows && b.rowText(skip) == a.rowText(skip) && strings.Trim(b.rowText(skip), "|") != "" {
		skip++
	}
	last := map[[2]int]*pdfCell{} // (col, span) of a's cells that end at its last row
	for _, c := range a.cells {
		if c.r+c.rs == a.nrows {
			last[[2]int{c.c, c.cs}] = c
		}
	}
	off := a.nrows - skip
	for _, c := range b.cells {
		if c.r < skip {
			continue
		}
		if c.r == skip {
			if up := last[[2]int{c.c, c.cs}]; up != nil && cutCell(up, c) {
				up.rs += c.rs
				up.text = joinedText(up.text, c.text)
				continue
			}
		}
		c.r += off
		a.cells = append(a.cells, c)
	}
	a.nrows += b.nrows - skip
	a.bottom = b.bottom
	a.page = b.page
}

// cutCell tells whether lower continues upper across a page break: upper is a label, and lower is empty
// (the rest of a cell spanning rows) or the rest of its words in a cell that spans rows on either side
// (a row-group label such as （四）无 / 法提供). Two one-row labels are two rows.
func cutCell(upper, lower *pdfCell) bool {
	if upper.text == "" || looksNumeric(upper.text) {
		return false
	}
	if lower.text == "" {
		return true
	}
	return (upper.rs > 1 || lower.rs > 1) && !looksNumeric(lower.text) && !numbered(lower.text)
}

func joinedText(a, b string) string {
	var sb strings.Builder
	joinPieces(&sb, a)
	joinPieces(&sb, b)
	return sb.String()
}

// looksNumeric reports whether s is a figure rather than words: digits, separators and signs only.
func looksNumeric(s string) bool {
	digit := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune(".,-+% /—–", r):
		default:
			return false
		}
	}
	return digit || s == "/" || s == "-" || s == "—"
}

// numbered reports whether s starts with list numbering (一、 （二） 3. 4、 (5)), which begins a label of
// its own.
func numbered(s string) bool {
	rs := []rune(s)
	if len(rs) < 2 {
		return false
	}
	isNum := func(r rune) bool {
		return r >= '0' && r <= '9' || strings.ContainsRune("一二三四五六七八九十", r)
	}
	switch {
	case rs[0] == '（' || rs[0] == '(':
		return isNum(rs[1])
	case isNum(rs[0]):
		i := 0
		for i < len(rs) && isNum(rs[i]) {
			i++
		}
		return i < len(rs) && strings.ContainsRune("、.．,，", rs[i])
	}
	return false
}

// grid lays the table out as a Table grid: every position holds its cell, Copy at all but the top-left.
func (t *pdfTable) grid(index int) *Table {
	nc := len(t.xs) - 1
	rows := make([][]Cell, t.nrows)
	for r := range rows {
		rows[r] = make([]Cell, nc)
	}
	for _, c := range t.cells {
		origin := Cell{Text: c.text, Row: c.r, Col: c.c, RowSpan: c.rs, ColSpan: c.cs, Page: c.page,
			Box: Box{X0: round1(c.box.x0), Y0: round1(c.box.y0), X1: round1(c.box.x1), Y1: round1(c.box.y1)}}
		for dr := range c.rs {
			for dc := range c.cs {
				if c.r+dr >= t.nrows || c.c+dc >= nc {
					continue
				}
				cell := origin
				cell.Copy = dr != 0 || dc != 0
				rows[c.r+dr][c.c+dc] = cell
			}
		}
	}
	for r, row := range rows {
		for c := range row {
			if row[c].RowSpan == 0 {
				row[c] = Cell{Row: r, Col: c, RowSpan: 1, ColSpan: 1}
			}
		}
	}
	return &Table{Index: index, Rows: rows}
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
