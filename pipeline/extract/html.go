package extract

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Limits that keep a hostile or broken table from exhausting memory. The span limits are the HTML
// standard's; real report tables are a few dozen rows by at most ten columns.
const (
	maxColSpan   = 1000
	maxRowSpan   = 65534
	maxCols      = 1000
	maxPositions = 1 << 20 // grid positions per table
)

// HTMLDocument extracts an HTML page (already decoded to UTF-8).
//
// Reading order is document order. Text outside tables becomes one TextBlock per block element or <br>
// line. Each data table becomes a TableBlock; its caption, if any, a TextBlock just before it. A table nested
// in a cell of a data table is emitted as its own TableBlock right after the enclosing table's block (its
// text is not part of the outer cell), and Table.Index numbers tables in the order their start tags appear.
//
// Layout tables are not emitted: a table is taken for page layout, and its content read as ordinary text
// and tables in place, when one of its cells holds two or more tables, or a table beside paragraphs of
// text, or when it has a single cell that holds a table. Old portals wrap whole articles in such tables,
// and emitting them as grids would bury the section headings in one giant cell.
//
// Tables without any cell are skipped and not counted.
func HTMLDocument(text string) (*Document, error) {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	b := &htmlBuilder{doc: &Document{}}
	root, err := html.Parse(strings.NewReader(text))
	if err != nil {
		// x/net/html rejects markup nested deeper than 512 elements (unclosed <div> or <font> soup). Retry
		// with only the table structure kept, then with no structure at all.
		root, err = html.Parse(strings.NewReader(flatten(text, true)))
		if err == nil {
			b.doc.Warnings = append(b.doc.Warnings, "HTML 嵌套过深,已忽略表格以外的标签结构后提取")
		} else {
			root, err = html.Parse(strings.NewReader(flatten(text, false)))
			if err != nil {
				return nil, fmt.Errorf("extract: 解析 HTML 失败: %w", err)
			}
			b.doc.Warnings = append(b.doc.Warnings, "HTML 嵌套过深,已忽略全部标签结构,只提取了文字")
		}
	}
	walk(root, b.enterFlow, b.exitFlow)
	b.flush()
	if len(b.doc.Blocks) == 0 {
		b.doc.Warnings = append(b.doc.Warnings, "文档中没有可提取的文字")
	}
	return b.doc, nil
}

type htmlBuilder struct {
	doc    *Document
	f      folder
	line   strings.Builder // raw text of the current line outside tables
	pre    int             // depth of <pre> elements: their line breaks are kept
	tables int             // TableBlocks emitted so far
}

// walk visits the descendants of root in document order without recursion, so deeply nested markup cannot
// exhaust the stack. enter returns whether to visit a node's children; exit is called for every node enter
// was called for, after its children.
func walk(root *html.Node, enter func(*html.Node) bool, exit func(*html.Node)) {
	n := root.FirstChild
	for n != nil {
		if enter(n) && n.FirstChild != nil {
			n = n.FirstChild
			continue
		}
		for {
			exit(n)
			if n.NextSibling != nil {
				n = n.NextSibling
				break
			}
			n = n.Parent
			if n == root || n == nil {
				return
			}
		}
	}
}

// skipped elements hold no reader-visible text.
func skipped(n *html.Node) bool {
	if n.Namespace != "" { // SVG, MathML
		return true
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Select, atom.Textarea, atom.Iframe,
		atom.Object, atom.Embed, atom.Frameset, atom.Noframes, atom.Button, atom.Title:
		return true
	}
	return false
}

// block elements start and end a line.
func block(n *html.Node) bool { return blockAtom(n.DataAtom) }

func blockAtom(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Body, atom.Caption, atom.Center,
		atom.Dd, atom.Details, atom.Dialog, atom.Dir, atom.Div, atom.Dl, atom.Dt, atom.Fieldset,
		atom.Figcaption, atom.Figure, atom.Footer, atom.Form, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5,
		atom.H6, atom.Header, atom.Hgroup, atom.Hr, atom.Html, atom.Legend, atom.Li, atom.Listing, atom.Main,
		atom.Menu, atom.Nav, atom.Ol, atom.P, atom.Plaintext, atom.Pre, atom.Section, atom.Summary,
		atom.Table, atom.Tbody, atom.Td, atom.Tfoot, atom.Th, atom.Thead, atom.Tr, atom.Ul, atom.Xmp,
		atom.Head, atom.Option, atom.Optgroup:
		return true
	}
	return false
}

func (b *htmlBuilder) enterFlow(n *html.Node) bool {
	switch n.Type {
	case html.TextNode:
		if b.pre == 0 {
			b.line.WriteString(n.Data)
			return false
		}
		for i, l := range strings.Split(n.Data, "\n") {
			if i > 0 {
				b.flush()
			}
			b.line.WriteString(l)
		}
		return false
	case html.ElementNode:
	default:
		return false
	}
	if n.DataAtom == atom.Title && n.Namespace == "" {
		if b.doc.Title == "" {
			b.doc.Title = b.f.fold(textContent(n))
		}
		return false
	}
	if skipped(n) {
		return false
	}
	switch n.DataAtom {
	case atom.Br:
		b.flush()
		return false
	case atom.Table:
		b.flush()
		b.table(n)
		return false
	case atom.Pre, atom.Listing, atom.Xmp, atom.Plaintext:
		b.flush()
		b.pre++
		return true
	}
	if block(n) {
		b.flush()
	}
	return true
}

func (b *htmlBuilder) exitFlow(n *html.Node) {
	if n.Type != html.ElementNode || skipped(n) {
		return
	}
	switch n.DataAtom {
	case atom.Pre, atom.Listing, atom.Xmp, atom.Plaintext:
		b.pre--
	}
	if block(n) {
		b.flush()
	}
}

// flush ends the current line outside tables.
func (b *htmlBuilder) flush() {
	if b.line.Len() == 0 {
		return
	}
	t := b.f.fold(b.line.String())
	b.line.Reset()
	if t != "" {
		b.doc.Blocks = append(b.doc.Blocks, Block{Kind: TextBlock, Text: t})
	}
}

func textContent(n *html.Node) string {
	var sb strings.Builder
	walk(n, func(c *html.Node) bool {
		if c.Type == html.TextNode {
			sb.WriteString(c.Data)
		}
		return true
	}, func(*html.Node) {})
	return sb.String()
}

// rawTable is a table as read from the tree, before span expansion.
type rawTable struct {
	rows     []rawRow
	captions []*html.Node
	nested   []*html.Node // tables inside cells, in document order
	layout   bool
}

type rawRow struct {
	cells   []rawCell
	section int // rows of one thead/tbody/tfoot share it: a rowspan stops at the end of its section
}

type rawCell struct {
	text    string
	rowSpan int // 0: to the end of the section
	colSpan int
	header  bool
}

// table emits a table found in the flow (and, after it, the tables nested in its cells), or reads it as
// flow if it is a layout table.
func (b *htmlBuilder) table(n *html.Node) {
	rt := b.readTable(n)
	if rt.layout {
		walk(n, b.enterFlow, b.exitFlow)
		b.flush()
		return
	}
	for _, c := range rt.captions {
		walk(c, b.enterFlow, b.exitFlow)
		b.flush()
	}
	rows, warns := buildGrid(rt.rows)
	for _, w := range warns {
		b.doc.Warnings = append(b.doc.Warnings, fmt.Sprintf("第 %d 个表格%s", b.tables+1, w))
	}
	if len(rows) > 0 {
		b.doc.Blocks = append(b.doc.Blocks, Block{Kind: TableBlock, Table: &Table{Index: b.tables, Rows: rows}})
		b.tables++
	}
	for _, nt := range rt.nested {
		b.table(nt)
	}
}

// readTable collects the rows and cells of table n (not of tables nested in it) and decides whether it is
// a layout table.
func (b *htmlBuilder) readTable(n *html.Node) rawTable {
	var rt rawTable
	section := 0
	cells := 0
	readRow := func(tr *html.Node) {
		row := rawRow{section: section}
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || c.Namespace != "" || c.DataAtom != atom.Td && c.DataAtom != atom.Th {
				continue
			}
			cell, nested, pieces := b.readCell(c)
			if len(nested) >= 2 || len(nested) == 1 && pieces >= 2 {
				rt.layout = true
			}
			rt.nested = append(rt.nested, nested...)
			row.cells = append(row.cells, cell)
			cells++
		}
		rt.rows = append(rt.rows, row)
	}
	direct := false // the previous child was a <tr> directly under <table>
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || c.Namespace != "" {
			continue
		}
		switch c.DataAtom {
		case atom.Caption:
			rt.captions = append(rt.captions, c)
		case atom.Thead, atom.Tbody, atom.Tfoot:
			section++
			for tr := c.FirstChild; tr != nil; tr = tr.NextSibling {
				if tr.Type == html.ElementNode && tr.DataAtom == atom.Tr && tr.Namespace == "" {
					readRow(tr)
				}
			}
		case atom.Tr:
			if !direct {
				section++
			}
			readRow(c)
			direct = true
			continue
		}
		direct = false
	}
	if cells == 1 && len(rt.nested) > 0 {
		rt.layout = true
	}
	return rt
}

// readCell returns a cell's text, the tables nested in it and how many non-empty pieces (lines) its text
// had.
func (b *htmlBuilder) readCell(td *html.Node) (cell rawCell, nested []*html.Node, pieces int) {
	var seg, out strings.Builder
	boundary := func() {
		if seg.Len() == 0 {
			return
		}
		p := b.f.fold(seg.String())
		seg.Reset()
		if p != "" {
			pieces++
			joinPieces(&out, p)
		}
	}
	walk(td, func(n *html.Node) bool {
		switch n.Type {
		case html.TextNode:
			seg.WriteString(n.Data)
			return false
		case html.ElementNode:
		default:
			return false
		}
		if skipped(n) {
			return false
		}
		switch n.DataAtom {
		case atom.Br:
			boundary()
			return false
		case atom.Table:
			boundary()
			nested = append(nested, n)
			return false
		}
		if block(n) {
			boundary()
		}
		return true
	}, func(n *html.Node) {
		if n.Type == html.ElementNode && !skipped(n) && block(n) {
			boundary()
		}
	})
	boundary()

	cell = rawCell{text: out.String(), colSpan: 1, rowSpan: 1, header: td.DataAtom == atom.Th}
	for _, a := range td.Attr {
		if a.Namespace != "" {
			continue
		}
		switch a.Key {
		case "colspan":
			if v, ok := parseSpan(a.Val); ok && v > 0 {
				cell.colSpan = min(v, maxColSpan)
			}
		case "rowspan":
			if v, ok := parseSpan(a.Val); ok {
				cell.rowSpan = min(v, maxRowSpan)
			}
		}
	}
	return cell, nested, pieces
}

// parseSpan reads a span attribute as browsers do: leading white space, an optional +, then digits up to
// the first non-digit ("2px" is 2). ok is false when there are no digits.
func parseSpan(s string) (int, bool) {
	s = strings.TrimLeft(s, " \t\n\f\r")
	s = strings.TrimPrefix(s, "+")
	v, digits := 0, 0
	for ; digits < len(s) && '0' <= s[digits] && s[digits] <= '9'; digits++ {
		if v < 1<<20 {
			v = v*10 + int(s[digits]-'0')
		}
	}
	return v, digits > 0
}

// buildGrid expands spans with an occupancy grid (a position is free while its RowSpan is 0), drops rows
// that hold no cell of their own, and pads rows to one width. It returns warnings for limits hit.
func buildGrid(rows []rawRow) ([][]Cell, []string) {
	var warns []string
	nr := len(rows)
	secEnd := make([]int, nr) // one past the last row of each row's section
	for r := nr - 1; r >= 0; r-- {
		if r == nr-1 || rows[r+1].section != rows[r].section {
			secEnd[r] = r + 1
		} else {
			secEnd[r] = secEnd[r+1]
		}
	}

	grid := make([][]Cell, nr)
	positions := 0
	tooWide := false
	cut := nr
place:
	for r, row := range rows {
		c := 0
		for _, rc := range row.cells {
			for c < len(grid[r]) && grid[r][c].RowSpan != 0 {
				c++
			}
			if c >= maxCols {
				tooWide = true
				break
			}
			cs := min(rc.colSpan, maxCols-c)
			// Overlapping spans are a table model error; the earlier cell keeps the position.
			for k := 1; k < cs; k++ {
				if c+k < len(grid[r]) && grid[r][c+k].RowSpan != 0 {
					cs = k
					break
				}
			}
			rs := rc.rowSpan
			if rs == 0 || rs > secEnd[r]-r {
				rs = secEnd[r] - r
			}
			if positions+rs*cs > maxPositions {
				warns = append(warns, fmt.Sprintf("过大(超过 %d 个单元格位置),从第 %d 行起已截断", maxPositions, r+1))
				cut = r
				break place
			}
			positions += rs * cs
			origin := Cell{Text: rc.text, Row: r, Col: c, RowSpan: rs, ColSpan: cs, Header: rc.header}
			for dr := range rs {
				g := grid[r+dr]
				if len(g) < c+cs {
					g = append(g, make([]Cell, c+cs-len(g))...)
					grid[r+dr] = g
				}
				for dc := range cs {
					g[c+dc] = origin
					g[c+dc].Copy = dr != 0 || dc != 0
				}
			}
			c += cs
		}
	}
	if tooWide {
		warns = append(warns, fmt.Sprintf("超过 %d 列,多出的单元格已忽略", maxCols))
	}
	if cut < nr {
		grid = grid[:cut]
		clipRows(grid, cut)
	}

	// Drop rows without an origin cell (empty <tr>, or rows covered entirely by rowspans from above) and
	// renumber; kept[i] counts kept rows before row i, so a span's new height is a difference of two entries.
	kept := make([]int, len(grid)+1)
	for r, g := range grid {
		kept[r+1] = kept[r]
		for i := range g {
			if g[i].RowSpan != 0 && !g[i].Copy {
				kept[r+1]++
				break
			}
		}
	}
	out := make([][]Cell, 0, kept[len(grid)])
	width := 0
	for r, g := range grid {
		if kept[r+1] == kept[r] {
			continue
		}
		for i := range g {
			if g[i].RowSpan == 0 {
				continue
			}
			o := g[i].Row
			g[i].RowSpan = kept[o+g[i].RowSpan] - kept[o]
			g[i].Row = kept[o]
		}
		out = append(out, g)
		width = max(width, len(g))
	}
	if width > 0 && len(out)*width > maxPositions {
		n := maxPositions / width
		warns = append(warns, fmt.Sprintf("过大(超过 %d 个单元格位置),从第 %d 行起已截断", maxPositions, n+1))
		out = out[:n]
		clipRows(out, n)
	}
	for r, g := range out {
		if len(g) < width {
			g = append(g, make([]Cell, width-len(g))...)
			out[r] = g
		}
		for i := range g {
			if g[i].RowSpan == 0 {
				g[i] = Cell{Row: r, Col: i, RowSpan: 1, ColSpan: 1}
			}
		}
	}
	return out, warns
}

// clipRows shortens the row spans of cells in grid so that none reaches row n or beyond.
func clipRows(grid [][]Cell, n int) {
	for _, g := range grid {
		for i := range g {
			if g[i].RowSpan != 0 && g[i].Row+g[i].RowSpan > n {
				g[i].RowSpan = n - g[i].Row
			}
		}
	}
}

// flatten rewrites markup without the elements that nest: block elements become <br> (a line boundary
// both in and out of cells), inline ones disappear. Table structure is kept when keepTables is set.
// Elements whose content is not text (script, style, …) are kept so that their content stays hidden.
func flatten(text string, keepTables bool) string {
	var sb strings.Builder
	sb.Grow(len(text))
	z := html.NewTokenizer(strings.NewReader(text))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return sb.String()
		case html.TextToken:
			sb.Write(z.Raw())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch a := atom.Lookup(name); a {
			case atom.Table, atom.Thead, atom.Tbody, atom.Tfoot, atom.Tr, atom.Td, atom.Th, atom.Caption:
				if keepTables {
					sb.Write(z.Raw())
				} else {
					sb.WriteString("<br>")
				}
			case atom.Html, atom.Head, atom.Body, atom.Title, atom.Script, atom.Style, atom.Noscript,
				atom.Template, atom.Textarea, atom.Iframe, atom.Noframes, atom.Xmp, atom.Plaintext, atom.Br:
				sb.Write(z.Raw())
			default:
				if blockAtom(a) {
					sb.WriteString("<br>")
				}
			}
		}
	}
}
