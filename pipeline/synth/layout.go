package synth

import (
	"strings"
	"sync"

	"github.com/longbridgeapp/opencc"

	"github.com/gkbench/gkbench/pipeline/template"
)

// gcell is one table cell of a page, before markup: HTML and Text print the same grids.
type gcell struct {
	lines            []string // text lines, <br> between them
	colspan, rowspan int      // 0 means 1
	cell             *template.Cell
	value            bool // a figure (SpanSoup never splits it)
	// fragile marks a label whose second line web-to-text copies lose (TextStyle.LostSecondLine).
	fragile bool
}

func (c gcell) span() (cols, rows int) {
	cols, rows = c.colspan, c.rowspan
	if cols < 1 {
		cols = 1
	}
	if rows < 1 {
		rows = 1
	}
	return cols, rows
}

// grid is one <table>.
type grid struct {
	table string
	rows  [][]gcell
}

// width is the number of grid columns: the first row has no cells spanning into it from above.
func (g *grid) width() int {
	if len(g.rows) == 0 {
		return 0
	}
	w := 0
	for _, c := range g.rows[0] {
		cs, _ := c.span()
		w += cs
	}
	return w
}

// covered returns, per row, how many grid positions hold no cell of their own (covered by a span).
func (g *grid) covered() []int {
	w := g.width()
	out := make([]int, len(g.rows))
	for i, row := range g.rows {
		out[i] = w - len(row)
	}
	return out
}

// labeler prints template labels in a style.
type labeler struct {
	s Style
}

var fullWidthPunct = strings.NewReplacer("(", "（", ")", "）", ":", "：", ",", "，", ";", "；")

// punct prints the template's ASCII punctuation the way official pages do (full-width), or leaves it
// half-width under LabelDrift.
func (l labeler) punct(s string) string {
	if l.s.LabelDrift {
		return s
	}
	return fullWidthPunct.Replace(s)
}

// top, sub and item number table-3 labels as the template does (一、 （一） 1.); LabelDrift drops them.
func (l labeler) top(n int, s string) string {
	if l.s.LabelDrift {
		return s
	}
	return template.Numeral(n) + "、" + s
}

func (l labeler) sub(n int, s string) string {
	if l.s.LabelDrift {
		return s
	}
	return "（" + template.Numeral(n) + "）" + s
}

func (l labeler) item(n int, s string) string {
	if l.s.LabelDrift {
		return s
	}
	return string(rune('0'+n)) + "." + s
}

// rowLabel is a row's printed label: the official long form where the template knows one
// (部分公开(区分处理的,…)); under LabelDrift the shorter alias reports drift to (规范性文件, 本年新收申请数量).
func (l labeler) rowLabel(r *template.Row) string {
	if l.s.LabelDrift {
		short := strings.Replace(r.Label, "政府信息公开", "", 1)
		for _, a := range r.Aliases {
			if a != r.Label && (strings.HasSuffix(r.Label, a) || a == short) {
				return a
			}
		}
	}
	for _, a := range r.Aliases {
		if strings.HasPrefix(a, r.Label+"(") {
			return l.punct(a)
		}
	}
	return l.punct(r.Label)
}

// colLabel is a column's printed label; under LabelDrift, the alias with a remark (现行有效件数(历史累计)).
func (l labeler) colLabel(c *template.Column) string {
	if l.s.LabelDrift {
		for _, a := range c.Aliases {
			if strings.HasPrefix(a, c.Label+"(") {
				return a
			}
		}
	}
	return l.punct(c.Label)
}

// lines breaks a label for printing. brk is where the template itself breaks it (0: nowhere); BrInLabels
// breaks any label of six or more characters in the middle.
func (l labeler) lines(s string, brk int) []string {
	rs := []rune(s)
	if brk <= 0 && l.s.BrInLabels && len(rs) >= 6 {
		brk = len(rs) / 2
	}
	if brk <= 0 || brk >= len(rs) {
		return []string{s}
	}
	return []string{string(rs[:brk]), string(rs[brk:])}
}

// headerBreak is where the official template breaks a short header label: 商业<br>企业, 结果<br>维持,
// 本年增/<br>减.
func headerBreak(s string) int {
	rs := []rune(s)
	if i := strings.IndexRune(s, '/'); i >= 0 && i < len(s)-1 {
		return len([]rune(s[:i])) + 1
	}
	if len(rs) == 4 {
		return 2
	}
	return 0
}

// anchor returns the table anchor containing part: the template model keeps header-only labels (申请人情况,
// 信息内容, the identity note) among the anchors.
func anchor(tb *template.Table, part string) string {
	for _, a := range tb.Anchors {
		if strings.Contains(a, part) {
			return a
		}
	}
	panic("synth: template table " + tb.Key + " lacks anchor " + part)
}

func label(lines ...string) gcell { return gcell{lines: lines} }

func valueCell(p *Report, c template.Cell) gcell {
	cc := c
	g := gcell{cell: &cc, value: true}
	if v := p.Cells[c].Raw; v != "" {
		g.lines = []string{v}
	}
	return g
}

func extraCell(e ExtraRow, col string) gcell {
	g := gcell{value: true}
	if v := e.Cells[col].Raw; v != "" {
		g.lines = []string{v}
	}
	return g
}

// activeGrid lays out table 2 as four (2019: five) 第二十条 blocks, each a block row, a header row and its
// data rows, over one label column and three value columns.
func activeGrid(tp *template.Template, p *Report, s Style) *grid {
	l := labeler{s}
	tb := tp.Table(template.Active)
	g := &grid{table: tb.Key}
	vw := 0
	for i := range tb.Rows {
		vw = max(vw, len(tb.RowCols(&tb.Rows[i])))
	}
	var extra []ExtraRow
	for _, e := range p.Extra {
		if e.Table == tb.Key {
			extra = append(extra, e)
		}
	}
	lw := 1
	if len(extra) > 0 {
		lw = 2 // the unknown rows need a second label column beside their group cell
	}
	infoLabel := anchor(tb, "信息内容")
	mismatch := 0
	for i := 0; i < len(tb.Rows); {
		block := tb.Rows[i].Block
		j := i
		for j < len(tb.Rows) && tb.Rows[j].Block == block {
			j++
		}
		rows := tb.Rows[i:j]
		i = j
		if s.NoProcurement && rows[0].Key == rowProcure {
			continue
		}
		cols := tb.RowCols(&rows[0])
		last := vw - len(cols) + 1 // the last column spans what the block leaves free
		form := -1
		if s.HeaderSpanMismatch && last > 1 {
			form = mismatch % 2
			mismatch++
		}
		g.rows = append(g.rows, []gcell{{lines: l.lines(l.punct(block), 0), colspan: lw + vw}})
		hdr := []gcell{{lines: []string{infoLabel}, colspan: lw}}
		for k := range cols {
			c := gcell{lines: l.lines(l.colLabel(&cols[k]), headerBreak(cols[k].Label))}
			c.fragile = len(c.lines) > 1 && strings.HasSuffix(c.lines[0], "/")
			if k == len(cols)-1 {
				switch form {
				case 0: // header over one column, data below spanning all
					hdr = append(hdr, c, gcell{colspan: last - 1})
					continue
				default:
					c.colspan = last
				}
			}
			hdr = append(hdr, c)
		}
		g.rows = append(g.rows, hdr)
		for ri := range rows {
			row := &rows[ri]
			if len(extra) > 0 && row.Key == rowOtherSvc {
				for k, e := range extra {
					var cells []gcell
					if k == 0 {
						cells = append(cells, gcell{lines: l.lines(l.rowLabel(row), 0), rowspan: len(extra)})
					}
					cells = append(cells, label(e.Label))
					for ci, c := range cols {
						v := extraCell(e, c.Key)
						cells = appendValue(cells, v, ci == len(cols)-1, last, form)
					}
					g.rows = append(g.rows, cells)
				}
				continue
			}
			cells := []gcell{{lines: l.lines(l.rowLabel(row), 0), colspan: lw}}
			for ci, c := range cols {
				v := valueCell(p, template.Cell{Table: tb.Key, Row: row.Key, Col: c.Key})
				cells = appendValue(cells, v, ci == len(cols)-1, last, form)
			}
			g.rows = append(g.rows, cells)
		}
	}
	return g
}

// appendValue adds a table-2 value cell; the block's last one spans `last` columns, or mismatches its
// header (form 1: data in one column, padded, under a header spanning all).
func appendValue(cells []gcell, v gcell, isLast bool, last, form int) []gcell {
	if !isLast || last <= 1 {
		return append(cells, v)
	}
	if form == 1 {
		return append(cells, v, gcell{colspan: last - 1})
	}
	v.colspan = last
	return append(cells, v)
}

// t3Shape is table 3's row structure, read from the template's identities rather than restated.
type t3Shape struct {
	newKey, inKey, doneKey, outKey string
	parts                          []string // result rows, in order
	resultsLabel                   string   // 本年度办理结果
}

func applicationsShape(tp *template.Template) t3Shape {
	tb := tp.Table(template.Applications)
	bal := identity(tp, tb.Key, template.ScopeColumn, 2, "")
	res := identity(tp, tb.Key, template.ScopeColumn, 1, "")
	sh := t3Shape{newKey: bal.Left[0], inKey: bal.Left[1], doneKey: bal.Right[0], outKey: bal.Right[1], parts: res.Right}
	used := map[string]bool{}
	for _, r := range tb.Rows {
		used[r.Group] = true
	}
	for _, gl := range tp.GroupLabels() {
		if !used[gl] {
			sh.resultsLabel = gl // the one group no row names: it heads all result rows
		}
	}
	return sh
}

// applicationsGrids lays out table 3: the three-row header and the result rows in two or three label
// columns. SplitTable3 returns two grids, the second without header.
func applicationsGrids(tp *template.Template, p *Report, s Style) []*grid {
	l := labeler{s}
	tb := tp.Table(template.Applications)
	sh := applicationsShape(tp)
	var cols []template.Column
	for _, c := range tb.Cols {
		if !c.Optional || s.Subtotal {
			cols = append(cols, c)
		}
	}
	g := &grid{table: tb.Key}
	note := anchor(tb, "勾稽")
	if s.LabelDrift {
		note = "(" + note + ")"
	} else {
		note = "（" + l.punct(note) + "）"
	}
	g.rows = append(g.rows, []gcell{
		{lines: l.lines(note, 0), colspan: 3, rowspan: 3},
		{lines: []string{anchor(tb, "申请人")}, colspan: len(cols)},
	})
	var r2, r3 []gcell
	grouped := 0
	for _, c := range cols {
		if c.Group != "" {
			grouped++
		}
	}
	for _, c := range cols {
		lines := l.lines(l.colLabel(&c), headerBreak(c.Label))
		if c.Group == "" {
			r2 = append(r2, gcell{lines: lines, rowspan: 2})
			continue
		}
		if len(r3) == 0 {
			r2 = append(r2, gcell{lines: l.lines(c.Group, 0), colspan: grouped})
		}
		r3 = append(r3, gcell{lines: lines})
	}
	g.rows = append(g.rows, r2, r3)

	values := func(cells []gcell, key string) []gcell {
		for _, c := range cols {
			cells = append(cells, valueCell(p, template.Cell{Table: tb.Key, Row: key, Col: c.Key}))
		}
		return cells
	}
	topRow := func(n int, key string) []gcell {
		return values([]gcell{{lines: l.lines(l.top(n, l.rowLabel(tb.Row(key))), 0), colspan: 3}}, key)
	}
	g.rows = append(g.rows, topRow(1, sh.newKey), topRow(2, sh.inKey))
	out := []*grid{g}
	if s.SplitTable3 {
		g = &grid{table: tb.Key}
		out = append(out, g)
	}

	// Result items: single rows, or runs of rows sharing a group, then the total.
	type item struct {
		group string
		rows  []*template.Row
	}
	var items []item
	for _, k := range sh.parts {
		r := tb.Row(k)
		if r.Group != "" && len(items) > 0 && items[len(items)-1].group == r.Group {
			items[len(items)-1].rows = append(items[len(items)-1].rows, r)
			continue
		}
		items = append(items, item{group: r.Group, rows: []*template.Row{r}})
	}
	items = append(items, item{rows: []*template.Row{tb.Row(sh.doneKey)}})
	first := true
	for n, it := range items {
		for k, r := range it.rows {
			var cells []gcell
			if first {
				cells = append(cells, gcell{lines: l.lines(l.top(3, sh.resultsLabel), 0), rowspan: len(sh.parts) + 1})
				first = false
			}
			switch {
			case it.group == "":
				cells = append(cells, gcell{lines: l.lines(l.sub(n+1, l.rowLabel(r)), 0), colspan: 2})
			case k == 0:
				cells = append(cells, gcell{lines: l.lines(l.sub(n+1, it.group), 0), rowspan: len(it.rows)})
				fallthrough
			default:
				cells = append(cells, label(l.lines(l.item(k+1, l.rowLabel(r)), 0)...))
			}
			g.rows = append(g.rows, values(cells, r.Key))
		}
	}
	g.rows = append(g.rows, topRow(4, sh.outKey))
	return out
}

// reviewGrid lays out table 4: 行政复议 over five columns and two header rows, 行政诉讼 over its two
// sub-groups, the fifteen leaf labels, and one row of fifteen figures.
func reviewGrid(tp *template.Template, p *Report, s Style) *grid {
	l := labeler{s}
	tb := tp.Table(template.ReviewLitigation)
	n := len(tb.Cols)
	g := &grid{table: tb.Key}
	var r1, r2, r3, r4 []gcell
	for i, r := range tb.Rows {
		if r.Group == "" {
			r1 = append(r1, gcell{lines: l.lines(r.Label, 0), colspan: n, rowspan: 2})
		} else {
			if i == 0 || tb.Rows[i-1].Group != r.Group {
				span := 0
				for _, o := range tb.Rows {
					if o.Group == r.Group {
						span += n
					}
				}
				r1 = append(r1, gcell{lines: l.lines(r.Group, 0), colspan: span})
			}
			r2 = append(r2, gcell{lines: l.lines(r.Label, 0), colspan: n})
		}
		for _, c := range tb.Cols {
			lines := l.lines(l.colLabel(&c), headerBreak(c.Label))
			r3 = append(r3, gcell{lines: lines, fragile: len(lines) > 1})
			r4 = append(r4, valueCell(p, template.Cell{Table: tb.Key, Row: r.Key, Col: c.Key}))
		}
	}
	g.rows = [][]gcell{r1, r2, r3, r4}
	return g
}

// Traditional-script conversion. The converter is loaded once; conversions are cached because pages repeat
// the same labels many times.
var (
	s2tOnce  sync.Once
	s2t      *opencc.OpenCC
	s2tMu    sync.Mutex
	s2tCache = map[string]string{}
)

func traditional(s string) string {
	if isASCII(s) {
		return s
	}
	s2tOnce.Do(func() {
		c, err := opencc.New("s2t")
		if err != nil {
			panic("synth: loading opencc s2t: " + err.Error())
		}
		s2t = c
	})
	s2tMu.Lock()
	defer s2tMu.Unlock()
	if t, ok := s2tCache[s]; ok {
		return t
	}
	t, err := s2t.Convert(s)
	if err != nil {
		t = s
	}
	if len(s2tCache) > 20000 { // prose carries figures, so a long benchmark run would grow it without end
		clear(s2tCache)
	}
	s2tCache[s] = t
	return t
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
