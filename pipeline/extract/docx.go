package extract

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// DOCX: the body of word/document.xml (paragraphs and tables, w:gridSpan and w:vMerge merged cells,
// tables nested in cells) read into the same Document the HTML path produces. Merged cells go through
// buildGrid, so a spanned position is a Copy of its top-left cell exactly as for HTML rowspan/colspan.

// Limits that keep a hostile archive from exhausting memory or time.
const (
	maxZipEntries  = 10_000
	maxDocumentXML = 64 << 20 // bytes of word/document.xml once decompressed
	maxTableDepth  = 32       // tables nested in cells
)

// ErrNotDOCX is returned (wrapped) for an archive that is not a readable Word document.
var ErrNotDOCX = errors.New("不是可读取的 DOCX 文件")

// DOCXDocument extracts a DOCX document from its bytes.
func DOCXDocument(b []byte) (*Document, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("extract: %w(压缩包已损坏或不完整: %v)", ErrNotDOCX, err)
	}
	if len(zr.File) > maxZipEntries {
		return nil, fmt.Errorf("extract: %w(压缩包有 %d 个条目,上限 %d)", ErrNotDOCX, len(zr.File), maxZipEntries)
	}
	var main *zip.File
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			main = f
			break
		}
	}
	if main == nil {
		return nil, fmt.Errorf("extract: %w(缺少 word/document.xml)", ErrNotDOCX)
	}
	rc, err := main.Open()
	if err != nil {
		return nil, fmt.Errorf("extract: %w(%v)", ErrNotDOCX, err)
	}
	defer rc.Close()
	// Read at most the limit plus one byte: the declared size in the archive may lie.
	xmlBytes, err := io.ReadAll(io.LimitReader(rc, maxDocumentXML+1))
	if err != nil {
		return nil, fmt.Errorf("extract: %w(解压 word/document.xml 失败: %v)", ErrNotDOCX, err)
	}
	if len(xmlBytes) > maxDocumentXML {
		return nil, fmt.Errorf("extract: %w(word/document.xml 解压后超过 %d MiB,可能是压缩炸弹)", ErrNotDOCX, maxDocumentXML>>20)
	}
	return docxBody(xmlBytes)
}

// docxTable is a table being read; pending holds the finished tables nested in its cells, emitted after
// it as HTML nested tables are.
type docxTable struct {
	rows    []docxRow
	pending []*docxTable
	grid    [][]Cell
	warns   []string
}

type docxRow struct {
	cells []docxCell
	after int // w:gridAfter
}

type docxCell struct {
	text   strings.Builder
	seg    strings.Builder // the current paragraph or line
	span   int             // w:gridSpan
	vmerge string          // "", "restart" or "continue"
	col    int             // grid column where the cell starts
}

type docxReader struct {
	doc    *Document
	f      folder
	tables []*docxTable // open tables, innermost last
	para   strings.Builder
	inText bool // inside w:t
	skip   int  // depth inside elements whose text is not shown (mc:Fallback, deleted runs)
	index  int  // TableBlocks emitted
}

func docxBody(b []byte) (*Document, error) {
	r := &docxReader{doc: &Document{}}
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("extract: %w(word/document.xml 不是有效的 XML: %v)", ErrNotDOCX, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := r.start(t); err != nil {
				return nil, err
			}
		case xml.EndElement:
			r.end(t)
		case xml.CharData:
			if r.inText && r.skip == 0 {
				r.write(string(t))
			}
		}
	}
	for len(r.tables) > 0 { // a truncated document: close what is open
		r.endTable()
	}
	r.flushPara()
	if len(r.doc.Blocks) == 0 {
		r.doc.Warnings = append(r.doc.Warnings, "文档中没有可提取的文字")
	}
	return r.doc, nil
}

func attr(t xml.StartElement, local string) (string, bool) {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

func (r *docxReader) cell() *docxCell {
	if len(r.tables) == 0 {
		return nil
	}
	t := r.tables[len(r.tables)-1]
	if len(t.rows) == 0 {
		return nil
	}
	row := &t.rows[len(t.rows)-1]
	if len(row.cells) == 0 {
		return nil
	}
	return &row.cells[len(row.cells)-1]
}

func (r *docxReader) write(s string) {
	if c := r.cell(); c != nil {
		c.seg.WriteString(s)
		return
	}
	if len(r.tables) == 0 {
		r.para.WriteString(s)
	}
}

// boundary ends a paragraph or line.
func (r *docxReader) boundary() {
	if len(r.tables) > 0 {
		if c := r.cell(); c != nil && c.seg.Len() > 0 {
			joinPieces(&c.text, r.f.fold(c.seg.String()))
			c.seg.Reset()
		}
		return
	}
	r.flushPara()
}

func (r *docxReader) flushPara() {
	if r.para.Len() == 0 {
		return
	}
	t := r.f.fold(r.para.String())
	r.para.Reset()
	if t != "" {
		r.doc.Blocks = append(r.doc.Blocks, Block{Kind: TextBlock, Text: t})
	}
}

func (r *docxReader) start(t xml.StartElement) error {
	if r.skip > 0 {
		r.skip++
		return nil
	}
	switch t.Name.Local {
	case "Fallback", "del", "instrText", "delText":
		r.skip = 1
	case "t":
		r.inText = true
	case "tab":
		r.write(" ")
	case "br", "cr":
		r.boundary()
	case "tbl":
		if len(r.tables) >= maxTableDepth {
			return fmt.Errorf("extract: %w(表格嵌套超过 %d 层)", ErrNotDOCX, maxTableDepth)
		}
		r.boundary()
		r.flushPara()
		r.tables = append(r.tables, &docxTable{})
	case "tr":
		if tb := r.top(); tb != nil {
			tb.rows = append(tb.rows, docxRow{})
		}
	case "gridBefore", "gridAfter":
		// Grid positions a row leaves empty before (after) its cells; w:trPr comes before the cells.
		if tb := r.top(); tb != nil && len(tb.rows) > 0 && r.cell() == nil {
			if n, ok := spanVal(t); ok {
				row := &tb.rows[len(tb.rows)-1]
				if t.Name.Local == "gridBefore" {
					row.cells = append(row.cells, docxCell{span: n})
				} else {
					row.after = n
				}
			}
		}
	case "tc":
		if tb := r.top(); tb != nil {
			if len(tb.rows) == 0 {
				tb.rows = append(tb.rows, docxRow{})
			}
			row := &tb.rows[len(tb.rows)-1]
			row.cells = append(row.cells, docxCell{span: 1})
		}
	case "gridSpan":
		if c := r.cell(); c != nil {
			if n, ok := spanVal(t); ok {
				c.span = n
			}
		}
	case "vMerge":
		if c := r.cell(); c != nil {
			v, _ := attr(t, "val")
			if v == "restart" {
				c.vmerge = "restart"
			} else {
				c.vmerge = "continue"
			}
		}
	}
	return nil
}

func spanVal(t xml.StartElement) (int, bool) {
	v, ok := attr(t, "val")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 {
		return 0, false
	}
	return min(n, maxColSpan), true
}

func (r *docxReader) top() *docxTable {
	if len(r.tables) == 0 {
		return nil
	}
	return r.tables[len(r.tables)-1]
}

func (r *docxReader) end(t xml.EndElement) {
	if r.skip > 0 {
		r.skip--
		return
	}
	switch t.Name.Local {
	case "t":
		r.inText = false
	case "p":
		r.boundary()
	case "tc":
		r.boundary()
	case "tr":
		if tb := r.top(); tb != nil && len(tb.rows) > 0 {
			if row := &tb.rows[len(tb.rows)-1]; row.after > 0 {
				row.cells = append(row.cells, docxCell{span: row.after})
				row.after = 0
			}
		}
	case "tbl":
		r.endTable()
	}
}

// endTable closes the innermost table: nested in a cell, it waits for its parent; else it is emitted,
// followed by the tables nested in it.
func (r *docxReader) endTable() {
	tb := r.tables[len(r.tables)-1]
	r.tables = r.tables[:len(r.tables)-1]
	tb.build()
	if p := r.top(); p != nil {
		p.pending = append(p.pending, tb)
		return
	}
	r.emit(tb)
}

func (r *docxReader) emit(tb *docxTable) {
	for _, w := range tb.warns {
		r.doc.Warnings = append(r.doc.Warnings, fmt.Sprintf("第 %d 个表格%s", r.index+1, w))
	}
	if len(tb.grid) > 0 {
		r.doc.Blocks = append(r.doc.Blocks, Block{Kind: TableBlock, Table: &Table{Index: r.index, Rows: tb.grid}})
		r.index++
	}
	for _, n := range tb.pending {
		r.emit(n)
	}
}

// build turns the rows into a grid: vMerge runs become row spans (the continuing cells are dropped, as
// the positions a rowspan covers are absent from HTML rows), then buildGrid expands the spans.
func (tb *docxTable) build() {
	var f folder
	for i := range tb.rows {
		col := 0
		for j := range tb.rows[i].cells {
			c := &tb.rows[i].cells[j]
			c.col = col
			col += c.span
			if c.seg.Len() > 0 {
				joinPieces(&c.text, f.fold(c.seg.String()))
				c.seg.Reset()
			}
		}
	}
	raw := make([]rawRow, len(tb.rows))
	for i, row := range tb.rows {
		raw[i].section = 1
		for j := range row.cells {
			c := &row.cells[j]
			if c.vmerge == "continue" && continues(tb.rows[:i], c.col) {
				continue
			}
			rs := 1
			if c.vmerge == "restart" {
				for k := i + 1; k < len(tb.rows); k++ {
					if !hasContinue(tb.rows[k], c.col) {
						break
					}
					rs++
				}
			}
			raw[i].cells = append(raw[i].cells, rawCell{text: c.text.String(), colSpan: c.span, rowSpan: rs})
		}
	}
	tb.grid, tb.warns = buildGrid(raw)
}

// continues reports whether the rows above end, at column col, in a cell that a vMerge continue extends:
// going up through continuing cells, the first other cell at col must be a restart.
func continues(above []docxRow, col int) bool {
	for k := len(above) - 1; k >= 0; k-- {
		c := cellAt(above[k], col)
		if c == nil {
			return false
		}
		switch c.vmerge {
		case "restart":
			return true
		case "continue":
			continue
		}
		return false
	}
	return false
}

func cellAt(row docxRow, col int) *docxCell {
	for i := range row.cells {
		if row.cells[i].col == col {
			return &row.cells[i]
		}
	}
	return nil
}

func hasContinue(row docxRow, col int) bool {
	c := cellAt(row, col)
	return c != nil && c.vmerge == "continue"
}
