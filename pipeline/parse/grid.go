package parse

import (
	"strings"
	"unicode/utf8"

	"github.com/gkbench/gkbench/pipeline/extract"
	"github.com/gkbench/gkbench/pipeline/template"
)

// Reading table grids: header rows map grid columns to template columns (and, for table 4, to rows); a
// data row's label picks the row, and each figure is taken from the cell under its column's header.

func (p *parser) grid(t *extract.Table) {
	p.inGrid = t // facts from a grid name the document's own table index
	for ri, row := range t.Rows {
		p.gridRow(t, ri, row)
	}
	p.inGrid = nil
}

func (p *parser) gridRow(t *extract.Table, ri int, row []extract.Cell) {
	var origin []extract.Cell
	var nonEmpty []extract.Cell
	for _, c := range row {
		if c.Copy {
			continue
		}
		origin = append(origin, c)
		if strings.TrimSpace(c.Text) != "" {
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
	for _, c := range nonEmpty {
		if key := p.anchorTable(c.Text); key != "" && (p.table == nil || p.table.Key != key) {
			p.setTable(key)
			break
		}
	}
	if p.table == nil {
		return
	}
	hasValue := false
	for _, c := range nonEmpty {
		if valueLike(ParseValue(c.Text, false), c.Text) {
			hasValue = true
			break
		}
	}
	if !hasValue && !p.blankDataRow(nonEmpty) {
		p.gridHeaderRow(nonEmpty)
		return
	}
	p.gridDataRow(t, ri, row, origin)
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

// gridDataRow reads a row with figures.
func (p *parser) gridDataRow(t *extract.Table, ri int, row []extract.Cell, origin []extract.Cell) {
	tb := p.table
	h := p.hdr()
	h.closed = true
	// Labels: text cells that are not values. Spanned copies count for groups (三、本年度办理结果 and
	// (三)不予公开 span the rows under them).
	var label string
	labelEnd := -1
	seen := map[[2]int]bool{}
	for _, c := range row {
		text := strings.TrimSpace(c.Text)
		if text == "" || valueLike(ParseValue(text, false), text) {
			continue
		}
		if seen[[2]int{c.Row, c.Col}] {
			continue
		}
		seen[[2]int{c.Row, c.Col}] = true
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
	if rowT == nil && (label == "" || utf8.RuneCountInString(label) > 30) {
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
	for _, col := range want {
		c, found := cellsFor[col.Key]
		if !found {
			continue
		}
		p.addValue(rowKey, col, c.Text, label, cleanLabel(h.labels[c.headerCol]), ByLabel, ri, c.Col, &c.Cell)
	}
}

type placedCell struct {
	extract.Cell
	headerCol int
}

// cellsByHeader assigns the row's cells right of its labels to the header's columns. A cell belongs to the
// column headed at its own grid column, or else to the first headed column it spans; one cell never
// serves two columns. ok is false when the header names none of the wanted columns.
func (p *parser) cellsByHeader(h *header, origin []extract.Cell, labelEnd int, want []template.Column) (map[string]placedCell, bool) {
	wanted := map[string]bool{}
	for _, c := range want {
		wanted[c.Key] = true
	}
	named := false
	for _, c := range h.cols {
		if wanted[c.Key] {
			named = true
			break
		}
	}
	if !named {
		return nil, false
	}
	out := map[string]placedCell{}
	for _, c := range origin {
		if c.Col <= labelEnd {
			continue
		}
		hc := -1
		if col, ok := h.cols[c.Col]; ok && wanted[col.Key] {
			hc = c.Col
		} else {
			for g := c.Col; g < c.Col+max(c.ColSpan, 1); g++ {
				if col, ok := h.cols[g]; ok && wanted[col.Key] {
					hc = g
					break
				}
			}
		}
		if hc < 0 {
			continue
		}
		key := h.cols[hc].Key
		prev, dup := out[key]
		// Where two cells fall under one column (a header spanning two data columns), the first non-empty wins.
		if dup && strings.TrimSpace(prev.Text) != "" {
			continue
		}
		out[key] = placedCell{c, hc}
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
