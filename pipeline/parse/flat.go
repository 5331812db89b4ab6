package parse

import (
	"regexp"
	"slices"
	"strings"

	"github.com/gkbench/gkbench/pipeline/extract"
	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/template"
)

// Reading the flattened form: cells arrive one by one with their row and column lost. A row label opens a
// row, the values after it belong to it, and the next label closes it. Column positions come from the
// header labels seen before the row, put in the template's order.

// pageNumber matches page numbers left by document converters: "- 3 -", "第3页", "第 3 页 共 6 页", "3/6".
var pageNumber = regexp.MustCompile(`^(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[,，]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$`)

// mayBePageNumber says whether pageNumber could match, before running it on every cell: each of its forms
// starts with a dash or 第, or is two numbers around a slash.
func mayBePageNumber(text string) bool {
	if c := text[0]; c >= '0' && c <= '9' {
		return strings.IndexByte(text, '/') >= 0
	}
	return text[0] == '-' || strings.HasPrefix(text, "—") || strings.HasPrefix(text, "–") || strings.HasPrefix(text, "第")
}

// isProse tells sentences apart from labels: prose never changes the parser's state.
func isProse(text string) bool {
	return template.Longer(text, 80) || template.Longer(text, 20) && strings.ContainsAny(text, "。;；")
}

func (p *parser) token(b extract.Block) {
	if b.Kind == extract.PipeBlock {
		if p.row != nil && len(p.row.values) > 0 && b.Text == "|" {
			p.row.bare++
		}
		return
	}
	text := trimSpace(b.Text)
	if text == "" {
		if b.Kind == extract.CellBlock && p.row != nil {
			p.row.values = append(p.row.values, valueToken{line: b.Line}) // an empty cell
		}
		return
	}
	value := isValue(text) // half the cells: asked first, since a value is never a heading
	if !value {
		if n, key, ok := template.Section(text); ok {
			p.flushRow(false)
			p.sections[n] = true
			p.setTable(key)
			return
		}
	}
	if mayBePageNumber(text) && pageNumber.MatchString(text) {
		return // page furniture of a converted document, wherever it falls
	}
	if value {
		if p.row != nil {
			p.row.values = append(p.row.values, valueToken{raw: text, line: b.Line})
			p.row.bare = 0
			return
		}
		if p.table != nil && p.table.RowsFromHeader {
			if h := p.hdr(); len(h.order) > 0 || len(h.groups) > 0 {
				p.row = &openRow{line: b.Line, values: []valueToken{{raw: text, line: b.Line}}}
				h.closed = true
			}
		}
		return // a number outside any row (page number, date part): never a figure
	}
	p.flushRow(false)
	if isProse(text) {
		return
	}
	if key := p.anchorTable(text); key != "" && (p.table == nil || p.table.Key != key) {
		p.setTable(key)
	}
	if p.table == nil {
		return
	}
	t := p.table
	h := p.hdr()
	if template.IsBlock(text) {
		p.resetHeader()
		return
	}
	if t.Key == template.Applications {
		if g, ok := p.tpl.IsGroup(text); ok {
			p.group = g
			return
		}
	}
	anchor := t.IsAnchor(text)
	if t.RowsFromHeader {
		if h.closed {
			h = p.resetHeader()
		}
		if r, _ := t.MatchRow(text, ""); r != nil {
			h.groups = append(h.groups, r)
			return
		}
		if c, _ := t.MatchCol(text); c != nil {
			h.order = append(h.order, c)
			h.labels[len(h.order)-1] = text
			return
		}
		if !anchor {
			h.partial = true // a header label the template does not know: a lost second line (结果 for 结果纠正)
		}
		return
	}
	row, _ := t.MatchRow(text, p.group)
	col, _ := t.MatchCol(text)
	switch {
	case col != nil && (row == nil || !h.closed):
		if h.closed {
			h = p.resetHeader()
		}
		h.order = append(h.order, col)
		h.labels[len(h.order)-1] = text
	case row != nil:
		h.closed = true
		p.row = &openRow{row: row, label: text, line: b.Line}
	case anchor:
	case !h.closed:
		if len(h.order) > 0 {
			h.partial = true
		}
	case !template.Longer(text, 30):
		// A label the template does not know, in the data part of a table: a row of its own if values follow.
		p.row = &openRow{label: text, line: b.Line}
	}
}

// wantCols are the columns a row of the current table has (all of them for a row the template does not know).
func (p *parser) wantCols(row *template.Row) []template.Column {
	if row == nil {
		return p.table.Cols
	}
	return p.table.RowCols(row)
}

// rowColumns is headerColumns for a row of the flattened form, remembered while the header stays the same:
// the rows of one table mostly share their columns.
func (p *parser) rowColumns(h *header, row *template.Row) ([]template.Column, bool) {
	var key *template.Row // nil: every column of the table
	if row != nil && row.Cols != nil {
		key = row
	}
	m := &h.memo
	if m.valid && m.row == key && m.n == len(h.order) && m.partial == h.partial {
		return m.cols, m.trusted
	}
	cols, trusted := p.headerColumns(h, p.wantCols(row))
	*m = columnsMemo{valid: true, row: key, n: len(h.order), partial: h.partial, cols: cols, trusted: trusted}
	return cols, trusted
}

// headerColumns returns the header's columns in template order, and whether they can be trusted. It runs
// for every row of the flattened form: a handful of columns, so loops instead of maps.
func (p *parser) headerColumns(h *header, want []template.Column) ([]template.Column, bool) {
	out := make([]template.Column, 0, len(h.order))
	for _, c := range h.order {
		if slices.ContainsFunc(out, func(o template.Column) bool { return o.Key == c.Key }) {
			continue
		}
		if !slices.ContainsFunc(want, func(w template.Column) bool { return w.Key == c.Key }) {
			return nil, false
		}
		out = append(out, *c)
	}
	pos := func(c template.Column) int {
		return slices.IndexFunc(p.table.Cols, func(t template.Column) bool { return t.Key == c.Key })
	}
	slices.SortStableFunc(out, func(a, b template.Column) int { return pos(a) - pos(b) })
	return out, len(out) > 0 && !h.partial
}

func requiredCols(cols []template.Column) []template.Column {
	var out []template.Column
	for _, c := range cols {
		if !c.Optional {
			out = append(out, c)
		}
	}
	return out
}

// flushRow places the values of the open row of the flattened form. eof says the document ended inside
// it (a truncated page): the values present are then the row's first ones.
func (p *parser) flushRow(eof bool) {
	r := p.row
	p.row = nil
	if r == nil || len(r.values) == 0 || p.table == nil {
		return
	}
	t := p.table
	h := p.hdr()
	if t.RowsFromHeader {
		p.flushHeaderRows(r, h, eof)
		return
	}
	cols, trusted := p.rowColumns(h, r.row)
	mapping := ByLabel
	if !trusted {
		if r.row == nil {
			p.warn("表%s中未知行「%s」的列标题无法识别,未取该行数据", template.Numeral(t.Number), r.label)
			return
		}
		cols = requiredCols(p.wantCols(r.row))
		mapping = ByOrder
		p.warn("表%s的列标题缺失或不完整,按模板列顺序取数", template.Numeral(t.Number))
	}
	label := r.label
	if len(r.values) == len(cols)-1 && r.bare == 2 {
		// 规章 | 0 | 0 | then "|" and "|": the first bare pipe is the blank last cell, the second ends the
		// row (a full row ends with one). One bare pipe alone could be a span marker: that stays a misfit.
		r.values = append(r.values, valueToken{line: r.values[len(r.values)-1].line + 1})
	}
	if !p.fitValues(label, len(r.values), len(cols), eof) {
		return
	}
	rowKey := ""
	if r.row != nil {
		rowKey = r.row.Key
	} else {
		p.warn("表%s中有模板未列出的行「%s」,已保留为无行键的数据", template.Numeral(t.Number), label)
	}
	for i, v := range r.values[:min(len(r.values), len(cols))] {
		lc := ""
		if mapping == ByLabel {
			lc = cleanLabel(h.labelOf(cols[i].Key))
		}
		p.addValue(rowKey, cols[i], v.raw, label, lc, mapping, v.line, i, nil)
	}
}

// fitValues decides whether n values can be placed in m columns without doubt.
func (p *parser) fitValues(label string, n, m int, eof bool) bool {
	switch {
	case n == m:
		return true
	case n < m && eof:
		p.warn("文档在「%s」行中断,该行只读到 %d/%d 个数值", label, n, m)
		return true
	}
	p.warn("「%s」行有 %d 个数值而应有 %d 列,无法确定对应关系,未取该行数据", label, n, m)
	return false
}

// flushHeaderRows places the values of table 4, whose rows are header groups: in the flattened form the
// fifteen values follow the header in the template's order.
func (p *parser) flushHeaderRows(r *openRow, h *header, eof bool) {
	t := p.table
	type slot struct {
		row *template.Row
		col template.Column
	}
	var slots []slot
	for i := range t.Rows {
		for _, c := range t.Cols {
			slots = append(slots, slot{&t.Rows[i], c})
		}
	}
	mapping := ByLabel
	if h.partial || len(h.order) != len(slots) || len(h.groups) != len(t.Rows) {
		mapping = ByOrder
		p.warn("表%s的列标题缺失或不完整(如「结果纠正」只剩「结果」),按模板列顺序取数", template.Numeral(t.Number))
	}
	if !p.fitValues(t.Heading, len(r.values), len(slots), eof) {
		return
	}
	for i, v := range r.values[:min(len(r.values), len(slots))] {
		lc := ""
		if mapping == ByLabel {
			lc = cleanLabel(h.labels[i])
		}
		p.addValue(slots[i].row.Key, slots[i].col, v.raw, t.Path(slots[i].row), lc, mapping, v.line, i, nil)
	}
}

// addValue stores one figure; at is the grid cell it came from (nil for the flattened form), whose page
// and box a PDF's figures keep.
func (p *parser) addValue(rowKey string, col template.Column, raw, labelRow, labelCol, mapping string, rowIdx, colIdx int, at *extract.Cell) {
	val := ParseValue(raw, col.Money)
	if val.Kind == report.Text {
		p.warn("无法读取的数值「%s」(行「%s」,列「%s」)", trimSpace(raw), cleanLabel(labelRow), col.Label)
	}
	tableIdx := p.tableIdx
	if p.inGrid != nil {
		tableIdx = p.inGrid.Index
	}
	f := report.Fact{
		Row: rowKey, Col: col.Key, Value: val.Num, Kind: val.Kind, Raw: trimSpace(raw),
		LabelRow: cleanLabel(labelRow), LabelCol: labelCol, Mapping: mapping,
		TableIdx: tableIdx, RowIdx: rowIdx, ColIdx: colIdx,
	}
	if at != nil && at.Page > 0 {
		f.Page = at.Page
		f.BBox = []float64{at.Box.X0, at.Box.Y0, at.Box.X1, at.Box.Y1}
	}
	p.addFact(f)
}
