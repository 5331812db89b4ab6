// Package parse maps an extracted document onto the national template: it finds each table from its
// section heading or its own labels, matches rows and columns by label, and takes a figure only from the
// cell where its row and column meet. It never guesses a figure: a row whose values cannot be placed
// without doubt is left out with a warning.
package parse

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/gkbench/gkbench/pipeline/extract"
	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/template"
)

// Mapping values of report.Fact.
const (
	ByLabel = "label" // row and column matched by their labels
	ByOrder = "order" // column placed by the template's known order: the form lost the column labels
)

// Result is what the parser read from one document.
type Result struct {
	Version     template.Version
	VersionFrom report.Found
	Facts       []report.Fact
	Warnings    []string
	// TablesSeen lists the template tables whose heading or labels were found, in the order found.
	TablesSeen []string
	// HeadingsWithoutTables counts sections 二/三/四 whose heading appeared with no figures under it.
	HeadingsWithoutTables int
	// Truncated says a limit (maxFacts, maxGridRows) stopped the reading: the document is larger than any
	// report, and what was read may not be all of it (the reason is in Warnings).
	Truncated bool
}

// Limits on what one document may yield. A report has about 200 figures in tables of a few dozen rows; a
// page with a table of 50 000 rows is not one report, and reading it all would cost memory for nothing.
const (
	maxFacts    = 2000 // figures per document: ten reports' worth
	maxGridRows = 1000 // rows read from one table grid
)

// Parse reads the template's figures from doc. yearHint (0 when unknown) helps decide the template
// version when the document's labels do not.
func Parse(doc *extract.Document, yearHint int) *Result {
	res := &Result{Facts: make([]report.Fact, 0, factsCap(doc))}
	res.Version, res.VersionFrom = detectVersion(doc, yearHint)
	p := &parser{
		tpl:      template.MustGet(res.Version),
		res:      res,
		headers:  map[string]*header{},
		warned:   map[string]bool{},
		sections: map[int]bool{},
	}
	for _, b := range doc.Blocks {
		switch b.Kind {
		case extract.TableBlock:
			p.flushRow(false)
			p.grid(b.Table)
		default:
			p.token(b)
		}
	}
	p.flushRow(true)
	p.finish()
	return res
}

// factsCap guesses how many figures a document holds, to size the slice once: no more than its cells,
// and rarely more than one report's (200 in the 2021 template, 193 in 2019's).
func factsCap(doc *extract.Document) int {
	n := 0
	for _, b := range doc.Blocks {
		if b.Kind == extract.TableBlock {
			for _, row := range b.Table.Rows {
				n += len(row)
			}
		} else {
			n++
		}
	}
	return min(n, 224)
}

// versionMarkers holds the Loose form of each version's marker labels.
var versionMarkers = sync.OnceValue(func() map[template.Version]map[string]bool {
	markers := map[template.Version]map[string]bool{}
	for v, ls := range template.Markers {
		markers[v] = map[string]bool{}
		for _, l := range ls {
			markers[v][template.Loose(l)] = true
		}
	}
	return markers
})

// detectVersion counts labels only one version prints; the report year decides when they do not.
func detectVersion(doc *extract.Document, yearHint int) (template.Version, report.Found) {
	markers := versionMarkers()
	score := map[template.Version]int{}
	seen := func(text string) {
		if text == "" || template.Longer(text, 60) || isValue(text) { // markers are labels
			return
		}
		l := template.Loose(text)
		for v, m := range markers {
			if m[l] {
				score[v]++
			}
		}
	}
	for _, b := range doc.Blocks {
		if b.Kind == extract.TableBlock {
			for _, row := range b.Table.Rows {
				for _, c := range row {
					if !c.Copy {
						seen(c.Text)
					}
				}
			}
			continue
		}
		seen(b.Text)
	}
	switch {
	case score[template.V2021] > score[template.V2019]:
		return template.V2021, report.FromLabels
	case score[template.V2019] > score[template.V2021]:
		return template.V2019, report.FromLabels
	case yearHint > 0:
		return template.ForYear(yearHint), report.FromYear
	}
	return template.V2021, report.NotFound
}

// header maps value positions to template cells for the current table: grid columns for tables, or the
// order of values for the flattened form.
type header struct {
	cols    map[int]*template.Column // grid column → column
	rows    map[int]*template.Row    // grid column → row, for table 4 whose rows are header groups
	labels  map[int]string           // grid column → header label as found
	order   []*template.Column       // flattened form: columns in the order their labels appeared
	groups  []*template.Row          // flattened form: table-4 groups seen
	partial bool                     // some header labels were not recognised (lost second lines)
	closed  bool                     // a data row followed: the next header label starts a new header
	memo    columnsMemo              // the flattened form's last rowColumns answer
}

// columnsMemo remembers rowColumns for one kind of row and one state of the header.
type columnsMemo struct {
	valid   bool
	row     *template.Row // nil: a row with every column
	n       int           // len(header.order) when computed
	partial bool
	cols    []template.Column
	trusted bool
}

// labelOf is the label last seen for a column of the flattened form's header.
func (h *header) labelOf(key string) string {
	for i := len(h.order) - 1; i >= 0; i-- {
		if h.order[i].Key == key {
			return h.labels[i]
		}
	}
	return ""
}

func newHeader() *header {
	return &header{cols: map[int]*template.Column{}, rows: map[int]*template.Row{}, labels: map[int]string{}}
}

// openRow is a row of the flattened form whose values are still being read.
type openRow struct {
	row    *template.Row // nil for a row the template does not know
	label  string
	line   int
	values []valueToken
	bare   int // lines holding a single "|" right after the last value
}

type valueToken struct {
	raw  string
	line int
}

type parser struct {
	tpl      *template.Template
	res      *Result
	table    *template.Table
	group    string
	headers  map[string]*header // per table key: the header in force
	row      *openRow
	warned   map[string]bool
	sections map[int]bool   // sections whose heading was seen
	tableIdx int            // flattened form: count of table sections read, for provenance
	inGrid   *extract.Table // the grid being read, if any
	// Scratch slices reused from row to row of a grid.
	origin, nonEmpty []extract.Cell
	placed           []placedCell
	rowValues        []bool
}

func (p *parser) warn(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if p.warned[msg] {
		return
	}
	p.warned[msg] = true
	p.res.Warnings = append(p.res.Warnings, msg)
}

func (p *parser) setTable(key string) {
	if p.table != nil && p.table.Key == key {
		return
	}
	p.flushRow(false)
	p.table = p.tpl.Table(key)
	p.group = ""
	if p.table != nil {
		p.tableIdx++
		seen := false
		for _, k := range p.res.TablesSeen {
			if k == key {
				seen = true
			}
		}
		if !seen {
			p.res.TablesSeen = append(p.res.TablesSeen, key)
		}
	}
}

// anchorTable returns the table whose own label text is, or "".
func (p *parser) anchorTable(text string) string {
	if template.IsBlock(text) {
		return template.Active
	}
	return p.tpl.AnchorTable(text)
}

func (p *parser) hdr() *header {
	if p.table == nil {
		return nil
	}
	h := p.headers[p.table.Key]
	if h == nil {
		h = newHeader()
		p.headers[p.table.Key] = h
	}
	return h
}

// resetHeader starts a new header for the current table (a new 第二十条 block, or a header after data).
func (p *parser) resetHeader() *header {
	h := newHeader()
	p.headers[p.table.Key] = h
	return h
}

func (p *parser) addFact(f report.Fact) {
	if len(p.res.Facts) >= maxFacts {
		p.res.Truncated = true
		p.warn("文档中的数据超过 %d 个(约十份报告),其余未读取", maxFacts) // once: warn keeps no duplicates
		return
	}
	f.Table = p.table.Key
	p.res.Facts = append(p.res.Facts, f)
}

// finish reports sections that had a heading but no figures.
func (p *parser) finish() {
	have := map[string]bool{}
	for _, f := range p.res.Facts {
		have[f.Table] = true
	}
	for n := 2; n <= 4; n++ {
		if !p.sections[n] {
			continue
		}
		key := template.SectionHeadings[n-1].Table
		if !have[key] {
			p.res.HeadingsWithoutTables++
			p.warn("第%s部分有标题但没有表格数据(表格可能是图片或被删除)", template.Numeral(n))
		}
	}
	sort.SliceStable(p.res.Facts, func(i, j int) bool { return tableOrder(p.res.Facts[i].Table) < tableOrder(p.res.Facts[j].Table) })
	p.warnDuplicates()
}

// warnDuplicates says when a figure was read more than once with different values (a page holding two
// reports, or 全区 and 本级 tables side by side): every reading is kept, and the analysis shows them.
func (p *parser) warnDuplicates() {
	first := make([]int32, p.tpl.NumCells()) // per template cell: 1 + the index of its first fact, 0 for none
	differ := 0
	var example report.Fact
	for i, f := range p.res.Facts {
		if f.Row == "" {
			continue
		}
		n, ok := p.tpl.CellNumber(template.Cell{Table: f.Table, Row: f.Row, Col: f.Col})
		if !ok {
			continue
		}
		switch j := first[n]; {
		case j == 0:
			first[n] = int32(i + 1)
		case j > 0 && p.res.Facts[j-1].Raw != f.Raw:
			if differ == 0 {
				example = f
			}
			differ++
			first[n] = -1 // counted once
		}
	}
	if differ > 0 {
		p.warn("有 %d 个数据在文档中出现多次且数值不同(如 %s.%s.%s),可能一页中有多份报告或多套表格", differ, example.Table, example.Row, example.Col)
	}
}

func tableOrder(key string) int {
	switch key {
	case template.Active:
		return 2
	case template.Applications:
		return 3
	}
	return 4
}

// cleanLabel trims a label for storage as found.
func cleanLabel(s string) string {
	if s == "" {
		return s
	}
	// Labels come folded from the extractor: nearly always clean already, and checking costs less than trimming.
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if !isSpace(first) && !isSpace(last) && last != '|' {
		return s
	}
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "|"))
}

// trimSpace is strings.TrimSpace, answering at once for text that has nothing to trim (folded cells).
func trimSpace(s string) string {
	if s == "" {
		return s
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if !isSpace(first) && !isSpace(last) {
		return s
	}
	return strings.TrimSpace(s)
}

// isSpace is unicode.IsSpace without its table search for CJK text: no white space lies above U+3000.
func isSpace(r rune) bool { return r <= 0x3000 && unicode.IsSpace(r) }
