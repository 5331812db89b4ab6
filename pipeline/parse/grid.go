package parse

import (
	"slices"

	"github.com/gkbench/gkbench/pipeline/extract"
	"github.com/gkbench/gkbench/pipeline/template"
)

// Reading table grids: header rows map grid columns to template columns (and, for table 4, to rows); a
// data row's label picks the row, and each figure is taken from the cell under its column's header.

func (p *parser) grid(t *extract.Table) {
	p.inGrid = t // facts from a grid name the document's own table index
	rows := t.Rows
	if len(rows) > maxGridRows {
		p.res.Truncated = true
		p.warn("第 %d 个表格有 %d 行,超过上限 %d 行,只读取了前 %d 行", t.Index+1, len(rows), maxGridRows, maxGridRows)
		rows = rows[:maxGridRows]
	}
	for ri, row := range rows {
		p.gridRow(t, ri, row)
	}
	p.inGrid = nil
}

func (p *parser) gridRow(t *extract.Table, ri int, row []extract.Cell) {
	origin, nonEmpty := p.origin[:0], p.nonEmpty[:0]
	defer func() { p.origin, p.nonEmpty = origin[:0], nonEmpty[:0] }()
	for _, c := range row {
		if c.Copy {
			continue
		}
		origin = append(origin, c)
		if trimSpace(c.Text) != "" {
			nonEmpty = append(nonEmpty, c)
		}
	}
	if len(nonEmpty) == 0 {
		return
	}
	if len(nonEmpty) == 1 {
		if n, key, ok := template.Section(nonEmpty[0].Text); ok {
			p.sections[n] = true
			p.setTable(key)
			return
		}
	}
	// Which cells are values, asked once per row (copies included: gridDataRow reads them).
	vals := slices.Grow(p.rowValues[:0], len(row))[:len(row)]
	p.rowValues = vals
	for i, c := range row {
		vals[i] = isValue(c.Text)
	}
	hasValue := false
	anchored := false
	for i, c := range row {
		if c.Copy || trimSpace(c.Text) == "" {
			continue
		}
		if vals[i] {
			hasValue = true // a value is never a table's own label
			continue
		}
		if anchored {
			continue
		}
		if key := p.anchorTable(c.Text); key != "" && (p.table == nil || p.table.Key != key) {
			p.setTable(key)
			anchored = true
		}
	}
	if p.table == nil {
		return
	}
	if !hasValue && !p.blankDataRow(nonEmpty) {
		p.gridHeaderRow(nonEmpty)
		return
	}
	p.gridDataRow(t, ri, row, origin, vals)
}

// blankDataRow tells a data row whose cells are all blank (zeros printed as &nbsp;) from a header row:
// its label names a row of the current table and no cell names a column.
func (p *parser) blankDataRow(cells []extract.Cell) bool {
	tb := p.table
	if tb.RowsFromHeader {
		return false
	}
	row := false
	for _, c := range cells {
		if col, _ := tb.MatchCol(c.Text); col != nil {
			return false
		}
		if r, _ := tb.MatchRow(c.Text, p.group); r != nil {
			row = true
		}
	}
	return row
}

// gridHeaderRow reads a row without figures: block titles, group labels and column headers.
func (p *parser) gridHeaderRow(cells []extract.Cell) {
	tb := p.table
	h := p.hdr()
	for _, c := range cells {
		text := c.Text
		if template.IsBlock(text) {
			h = p.resetHeader()
			continue
		}
		if tb.Key == template.Applications {
			if g, ok := p.tpl.IsGroup(text); ok {
				p.group = g
				continue
			}
		}
		if isProse(text) {
			continue
		}
		var r *template.Row
		if tb.RowsFromHeader {
			r, _ = tb.MatchRow(text, "")
		}
		col, _ := tb.MatchCol(text)
		if r == nil && col == nil {
			continue
		}
		if h.closed {
			h = p.resetHeader()
		}
		for g := c.Col; g < c.Col+max(c.ColSpan, 1); g++ {
			if r != nil {
				h.rows[g] = r
			}
			if col != nil {
				h.cols[g] = col
				h.labels[g] = text
			}
		}
	}
}

// gridDataRow reads a row with figures; vals says which of the row's cells are values.
func (p *parser) gridDataRow(t *extract.Table, ri int, row []extract.Cell, origin []extract.Cell, vals []bool) {
	tb := p.table
	h := p.hdr()
	h.closed = true
	// Labels: text cells that are not values. Spanned copies count for groups (三、本年度办理结果 and
	// (三)不予公开 span the rows under them).
	var label string
	labelEnd := -1
	var seen [][2]int // spanned cells met already; a row has few
	for i, c := range row {
		text := trimSpace(c.Text)
		if text == "" || vals[i] {
			continue
		}
		at := [2]int{c.Row, c.Col}
		if slices.Contains(seen, at) {
			continue
		}
		seen = append(seen, at)
		if tb.Key == template.Applications {
			if g, ok := p.tpl.IsGroup(text); ok {
				p.group = g
				labelEnd = max(labelEnd, c.Col+c.ColSpan-1)
				continue
			}
		}
		if c.Copy && c.Row != ri {
			continue // a row label spanning rows names the first row only
		}
		if label == "" || c.Col > labelEnd {
			label = text
		}
		labelEnd = max(labelEnd, c.Col+c.ColSpan-1)
	}
	if tb.RowsFromHeader {
		p.gridHeaderRows(ri, origin, labelEnd, h)
		return
	}
	var rowT *template.Row
	if label != "" {
		rowT, _ = tb.MatchRow(label, p.group)
	}
	if rowT == nil && (label == "" || template.Longer(label, 30)) {
		return
	}
	want := tb.Cols
	if rowT != nil {
		want = tb.RowCols(rowT)
	}
	rowKey := ""
	if rowT != nil {
		rowKey = rowT.Key
	}
	cellsFor, ok := p.cellsByHeader(h, origin, labelEnd, want)
	if !ok {
		if rowT == nil {
			p.warn("表%s中未知行「%s」的列标题无法识别,未取该行数据", template.Numeral(tb.Number), label)
			return
		}
		// No header in force: place the values after the label in the template's order, if they fit.
		var vals []extract.Cell
		for _, c := range origin {
			if c.Col > labelEnd {
				vals = append(vals, c)
			}
		}
		cols := requiredCols(want)
		p.warn("表%s的列标题缺失或不完整,按模板列顺序取数", template.Numeral(tb.Number))
		if !p.fitValues(label, len(vals), len(cols), false) {
			return
		}
		for i, c := range vals {
			p.addValue(rowKey, cols[i], c.Text, label, "", ByOrder, ri, c.Col, &c)
		}
		return
	}
	if rowT == nil {
		p.warn("表%s中有模板未列出的行「%s」,已保留为无行键的数据", template.Numeral(tb.Number), label)
	}
	for i, col := range want {
		c := cellsFor[i]
		if !c.found {
			continue
		}
		p.addValue(rowKey, col, c.Text, label, cleanLabel(h.labels[c.headerCol]), ByLabel, ri, c.Col, &c.Cell)
	}
}

type placedCell struct {
	extract.Cell
	headerCol int
	found     bool
}

// cellsByHeader assigns the row's cells right of its labels to the header's columns, as a slice aligned
// with want. A cell belongs to the column headed at its own grid column, or else to the first headed
// column it spans; one cell never serves two columns. ok is false when the header names none of the
// wanted columns. The slice is the parser's scratch, valid until the next row.
func (p *parser) cellsByHeader(h *header, origin []extract.Cell, labelEnd int, want []template.Column) ([]placedCell, bool) {
	wantedAt := func(col *template.Column) int {
		return slices.IndexFunc(want, func(w template.Column) bool { return w.Key == col.Key })
	}
	named := false
	for _, c := range h.cols {
		if wantedAt(c) >= 0 {
			named = true
			break
		}
	}
	if !named {
		return nil, false
	}
	out := slices.Grow(p.placed[:0], len(want))[:len(want)]
	clear(out)
	p.placed = out
	for _, c := range origin {
		if c.Col <= labelEnd {
			continue
		}
		hc, at := -1, -1
		if col, ok := h.cols[c.Col]; ok {
			if at = wantedAt(col); at >= 0 {
				hc = c.Col
			}
		}
		if hc < 0 {
			for g := c.Col; g < c.Col+max(c.ColSpan, 1); g++ {
				if col, ok := h.cols[g]; ok {
					if at = wantedAt(col); at >= 0 {
						hc = g
						break
					}
				}
			}
		}
		if hc < 0 {
			continue
		}
		// Where two cells fall under one column (a header spanning two data columns), the first non-empty wins.
		if out[at].found && trimSpace(out[at].Text) != "" {
			continue
		}
		out[at] = placedCell{c, hc, true}
	}
	return out, true
}

// gridHeaderRows reads table 4's data row: row and column both come from the header above each cell.
func (p *parser) gridHeaderRows(ri int, origin []extract.Cell, labelEnd int, h *header) {
	tb := p.table
	complete := true
	var vals []extract.Cell
	for _, c := range origin {
		if c.Col <= labelEnd {
			continue
		}
		vals = append(vals, c)
		if h.rows[c.Col] == nil || h.cols[c.Col] == nil {
			complete = false
		}
	}
	if complete && len(vals) > 0 {
		for _, c := range vals {
			r := h.rows[c.Col]
			p.addValue(r.Key, *h.cols[c.Col], c.Text, tb.Path(r), cleanLabel(h.labels[c.Col]), ByLabel, ri, c.Col, &c)
		}
		return
	}
	// Labels lost or unknown: the template's order, when the count fits exactly.
	var slots [][2]int
	for i := range tb.Rows {
		for j := range tb.Cols {
			slots = append(slots, [2]int{i, j})
		}
	}
	p.warn("表%s的列标题缺失或不完整,按模板列顺序取数", template.Numeral(tb.Number))
	if !p.fitValues(tb.Heading, len(vals), len(slots), false) {
		return
	}
	for i, c := range vals {
		r := &tb.Rows[slots[i][0]]
		p.addValue(r.Key, tb.Cols[slots[i][1]], c.Text, tb.Path(r), "", ByOrder, ri, c.Col, &c)
	}
}
