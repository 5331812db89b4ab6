package synth

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/gkbench/gkbench/pipeline/template"
)

const (
	issuer = "北京市丰台区人民政府"
	juris  = "北京市丰台区"
)

func gen(t testing.TB, seed int64, v template.Version, scale float64) *Report {
	t.Helper()
	year := 2023
	if v == template.V2019 {
		year = 2019
	}
	return Generate(seed, issuer, juris, year, v, scale)
}

// checkIdentities fails on every identity of r's template that does not hold; identities over cells the
// report lacks (the optional 小计) are skipped.
func checkIdentities(t *testing.T, r *Report) {
	t.Helper()
	for _, f := range identityFailures(r) {
		t.Error(f)
	}
}

func identityFailures(r *Report) []string {
	tp := template.MustGet(r.Version)
	var out []string
	for _, id := range tp.Identities() {
		tb := tp.Table(id.Table)
		var lines [][2][]template.Cell
		switch id.Scope {
		case template.ScopeColumn:
			for _, c := range tb.Cols {
				var l, rr []template.Cell
				for _, k := range id.Left {
					l = append(l, template.Cell{Table: tb.Key, Row: k, Col: c.Key})
				}
				for _, k := range id.Right {
					rr = append(rr, template.Cell{Table: tb.Key, Row: k, Col: c.Key})
				}
				lines = append(lines, [2][]template.Cell{l, rr})
			}
		case template.ScopeRow:
			for _, row := range tb.Rows {
				var l, rr []template.Cell
				for _, k := range id.Left {
					l = append(l, template.Cell{Table: tb.Key, Row: row.Key, Col: k})
				}
				for _, k := range id.Right {
					rr = append(rr, template.Cell{Table: tb.Key, Row: row.Key, Col: k})
				}
				lines = append(lines, [2][]template.Cell{l, rr})
			}
		}
	next:
		for _, ln := range lines {
			var sums [2]float64
			for side, cells := range ln {
				for _, c := range cells {
					n, ok := r.Number(c)
					if !ok {
						continue next
					}
					sums[side] += n
				}
			}
			if math.Abs(sums[0]-sums[1]) > 1e-9 {
				out = append(out, fmt.Sprintf("%s %s: %v ≠ %v (%v)", r.Version, id.Name, sums[0], sums[1], ln[0]))
			}
		}
	}
	return out
}

func TestGenerateSatisfiesIdentities(t *testing.T) {
	for _, v := range template.Versions() {
		for seed := int64(1); seed <= 12; seed++ {
			for _, scale := range []float64{0.05, 1, 20} {
				r := gen(t, seed, v, scale)
				checkIdentities(t, r)
				for _, c := range template.MustGet(v).Cells() {
					if _, ok := r.Number(c); !ok {
						t.Fatalf("%s seed %d: cell %s = %q is not a number", v, seed, c, r.Cells[c].Raw)
					}
				}
			}
		}
	}
}

func TestGeneratePlausible(t *testing.T) {
	var notHeld, done float64
	for seed := int64(1); seed <= 20; seed++ {
		r := gen(t, seed, template.V2021, 1)
		n, _ := r.Number(template.Cell{Table: template.Applications, Row: rowNotHeld, Col: colTotal})
		d, _ := r.Number(template.Cell{Table: template.Applications, Row: "processed_total", Col: colTotal})
		notHeld += n
		done += d
		nr, _ := r.Number(template.Cell{Table: template.Applications, Row: "new_received", Col: colTotal})
		if nr < 5 || nr > 5000 {
			t.Errorf("seed %d: %v new applications at scale 1", seed, nr)
		}
		for _, c := range template.MustGet(template.V2021).Table(template.ReviewLitigation).Cols {
			if n, _ := r.Number(template.Cell{Table: template.ReviewLitigation, Row: "review", Col: c.Key}); n > 100 {
				t.Errorf("seed %d: table 4 figure %v is not small", seed, n)
			}
		}
		fee := r.Cells[template.Cell{Table: template.Active, Row: "fees", Col: "amount_10k_yuan"}].Raw
		if i := strings.IndexByte(fee, '.'); i >= 0 && len(fee)-i-1 > 4 {
			t.Errorf("fee %q has more than four decimals", fee)
		}
	}
	if share := notHeld / done; share < 0.2 {
		t.Errorf("不掌握 share %.2f, want a large share", share)
	}
	big := gen(t, 3, template.V2021, 50)
	small := gen(t, 3, template.V2021, 0.02)
	b, _ := big.Number(template.Cell{Table: template.Applications, Row: "new_received", Col: colTotal})
	s, _ := small.Number(template.Cell{Table: template.Applications, Row: "new_received", Col: colTotal})
	if b <= s {
		t.Errorf("scale has no effect: %v vs %v", b, s)
	}
}

func TestGenerateSeries(t *testing.T) {
	rs := GenerateSeries(7, issuer, juris, 2019, 2025, 1)
	if len(rs) != 7 {
		t.Fatalf("got %d reports", len(rs))
	}
	for i, r := range rs {
		checkIdentities(t, r)
		if r.Version != template.ForYear(r.Year) {
			t.Errorf("%d: version %s", r.Year, r.Version)
		}
		if i == 0 {
			continue
		}
		for _, c := range template.MustGet(r.Version).Table(template.Applications).Cols {
			if c.Optional {
				continue
			}
			in := r.Cells[template.Cell{Table: template.Applications, Row: "carried_in", Col: c.Key}]
			out := rs[i-1].Cells[template.Cell{Table: template.Applications, Row: "carried_out", Col: c.Key}]
			if in != out {
				t.Errorf("%d %s: carried in %q, carried out the year before %q", r.Year, c.Key, in.Raw, out.Raw)
			}
		}
	}
}

func TestNumberAndBreaking(t *testing.T) {
	cases := map[string]float64{"92,486": 92486, "92，486": 92486, "９２４８６": 92486, "103.3879万元": 103.3879,
		"251000元": 25.1, "+3": 3, "-2": -2, "? 12": 12, " 0 ": 0, "5098.4139": 5098.4139}
	for raw, want := range cases {
		if got, ok := ParseNumber(raw); !ok || math.Abs(got-want) > 1e-9 {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v", raw, got, ok, want)
		}
	}
	for _, raw := range []string{"", "/", "—", "-", "无", "\u00a0"} {
		if _, ok := ParseNumber(raw); ok {
			t.Errorf("ParseNumber(%q) is a number", raw)
		}
	}
	r := gen(t, 5, template.V2021, 1)
	c := template.Cell{Table: template.Applications, Row: "granted", Col: "commercial"}
	b := r.Breaking(c, 3)
	before, _ := r.Number(c)
	after, _ := b.Number(c)
	if after != before+3 {
		t.Errorf("Breaking: %v → %v", before, after)
	}
	if len(identityFailures(r)) != 0 {
		t.Fatal("Breaking changed the original report")
	}
	fails := identityFailures(b)
	if len(fails) != 2 { // 总计 of its row, and 七 总计 of its column
		t.Errorf("want two failed identity lines, got %v", fails)
	}
	if !bytes.Contains(HTML(b, Style{}), []byte(fmt.Sprintf("<td>%d</td>", int(after)))) {
		t.Error("broken figure not printed")
	}
}

func TestDeterministic(t *testing.T) {
	styles := []Style{{}, {Encoding: GBK, Traditional: true, SpanSoup: true}, {LabelDrift: true, BrInLabels: true,
		HeaderSpanMismatch: true, Subtotal: true, SplitTable3: true, NestedTables: true}}
	for _, s := range styles {
		a := HTML(gen(t, 9, template.V2021, 1), s)
		b := HTML(gen(t, 9, template.V2021, 1), s)
		if !bytes.Equal(a, b) {
			t.Errorf("style %+v: same seed, different bytes", s)
		}
		ta := Text(gen(t, 9, template.V2019, 1), TextStyle{Style: s})
		tb := Text(gen(t, 9, template.V2019, 1), TextStyle{Style: s})
		if !bytes.Equal(ta, tb) {
			t.Errorf("style %+v: same seed, different text", s)
		}
	}
	if bytes.Equal(HTML(gen(t, 9, template.V2021, 1), Style{}), HTML(gen(t, 10, template.V2021, 1), Style{})) {
		t.Error("different seeds, same page")
	}
}

// ---- HTML structure: parse the page and read every figure back through the table grid ----

type pcell struct {
	text      string
	origin    bool
	originRow int
	originCol int
}

// parseTables returns the report tables of a page as expanded grids (layout tables skipped).
func parseTables(t *testing.T, page []byte) [][][]pcell {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out [][][]pcell
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Table && attr(n, "class") != "layout" {
			out = append(out, expand(rowsOf(n)))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func attr(n *html.Node, k string) string {
	for _, a := range n.Attr {
		if a.Key == k {
			return a.Val
		}
	}
	return ""
}

type rawCell struct {
	text   string
	cs, rs int
}

func rowsOf(tbl *html.Node) [][]rawCell {
	var rows [][]rawCell
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Table:
				continue // nested: its own grid
			case atom.Tr:
				var row []rawCell
				for td := c.FirstChild; td != nil; td = td.NextSibling {
					if td.Type == html.ElementNode && (td.DataAtom == atom.Td || td.DataAtom == atom.Th) {
						cs, rs := 1, 1
						fmt.Sscan(attr(td, "colspan"), &cs)
						fmt.Sscan(attr(td, "rowspan"), &rs)
						row = append(row, rawCell{text: textOf(td), cs: cs, rs: rs})
					}
				}
				rows = append(rows, row)
				continue
			}
			walk(c)
		}
	}
	walk(tbl)
	return rows
}

// textOf is a cell's text with <br> removed: a label broken over lines reads as one.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func expand(rows [][]rawCell) [][]pcell {
	var g [][]pcell
	set := func(r, c int, v pcell) {
		for len(g) <= r {
			g = append(g, nil)
		}
		for len(g[r]) <= c {
			g[r] = append(g[r], pcell{originRow: -1})
		}
		g[r][c] = v
	}
	taken := func(r, c int) bool { return r < len(g) && c < len(g[r]) && g[r][c].originRow >= 0 }
	for ri, row := range rows {
		col := 0
		for _, rc := range row {
			for taken(ri, col) {
				col++
			}
			for dr := 0; dr < rc.rs; dr++ {
				for dc := 0; dc < rc.cs; dc++ {
					set(ri+dr, col+dc, pcell{text: rc.text, origin: dr == 0 && dc == 0, originRow: ri, originCol: col})
				}
			}
			col += rc.cs
		}
	}
	return g
}

func cellText(g [][]pcell, r, c int) string {
	if r < len(g) && c < len(g[r]) {
		return g[r][c].text
	}
	return ""
}

// checkPage reads every figure of page back through its grids and compares it with r.Printed(s).
func checkPage(t *testing.T, page []byte, r *Report, s Style) {
	t.Helper()
	p := r.Printed(s)
	tp := template.MustGet(r.Version)
	grids := parseTables(t, page)
	want := 3
	if s.SplitTable3 {
		want = 4
	}
	if len(grids) != want {
		t.Fatalf("%d report tables, want %d", len(grids), want)
	}
	seen := map[template.Cell]bool{}
	extraSeen := 0
	record := func(c template.Cell, got string) {
		if seen[c] {
			t.Errorf("%s read twice", c)
		}
		seen[c] = true
		if w := p.Cells[c].Raw; got != w {
			t.Errorf("%s: page prints %q, want %q", c, got, w)
		}
	}

	// Table 2: a data cell's column is the header at its grid position, whatever the spans.
	tb := tp.Table(template.Active)
	g := grids[0]
	var hdr []string
	var hdrOrigin []bool
	lw := 1
	for ri, row := range g {
		first := cellText(g, ri, 0)
		if template.IsBlock(first) {
			continue
		}
		if template.Norm(first) == "信息内容" {
			hdr = make([]string, len(row))
			hdrOrigin = make([]bool, len(row))
			lw = 0
			for c := range row {
				hdr[c] = row[c].text
				hdrOrigin[c] = row[c].originCol == c
				if row[c].originCol == 0 {
					lw++
				}
			}
			continue
		}
		lbl := cellText(g, ri, lw-1)
		tr, _ := tb.MatchRow(lbl, "")
		for c := lw; c < len(row); c++ {
			// A value belongs to the header whose first column it starts in; a cell starting inside a
			// wider header is padding.
			if !row[c].origin || row[c].originRow != ri || !hdrOrigin[c] {
				if row[c].origin && row[c].text != "" {
					t.Errorf("table 2 row %q: value %q off its header", lbl, row[c].text)
				}
				continue
			}
			col, _ := tb.MatchCol(hdr[c])
			if col == nil {
				if row[c].text != "" {
					t.Errorf("table 2 row %q: value %q under no header", lbl, row[c].text)
				}
				continue
			}
			if tr == nil {
				for _, e := range p.Extra {
					if e.Label == lbl && e.Cells[col.Key].Raw == row[c].text {
						extraSeen++
					}
				}
				continue
			}
			record(template.Cell{Table: tb.Key, Row: tr.Key, Col: col.Key}, row[c].text)
		}
	}
	if extraSeen != 3*len(p.Extra) {
		t.Errorf("unknown rows: %d cells read, want %d", extraSeen, 3*len(p.Extra))
	}

	// Table 3: column from the third header row, row from the rightmost label column and its group.
	tb = tp.Table(template.Applications)
	g = grids[1]
	if s.SplitTable3 {
		g = append(append([][]pcell{}, grids[1]...), grids[2]...)
	}
	for ri := 3; ri < len(g); ri++ {
		tr, _ := tb.MatchRow(cellText(g, ri, 2), cellText(g, ri, 1))
		if tr == nil {
			t.Errorf("table 3: no row for %q / %q", cellText(g, ri, 1), cellText(g, ri, 2))
			continue
		}
		for c := 3; c < len(g[ri]); c++ {
			col, _ := tb.MatchCol(cellText(g, 2, c))
			if col == nil {
				t.Errorf("table 3: no column for %q", cellText(g, 2, c))
				continue
			}
			record(template.Cell{Table: tb.Key, Row: tr.Key, Col: col.Key}, g[ri][c].text)
		}
	}

	// Table 4: row from the first two header rows, column from the third, figures in the fourth.
	tb = tp.Table(template.ReviewLitigation)
	g = grids[len(grids)-1]
	if len(g) != 4 {
		t.Fatalf("table 4 has %d rows", len(g))
	}
	for c := range g[3] {
		tr, _ := tb.MatchRow(cellText(g, 1, c), cellText(g, 0, c))
		col, _ := tb.MatchCol(cellText(g, 2, c))
		if tr == nil || col == nil {
			t.Errorf("table 4 position %d: %q/%q", c, cellText(g, 1, c), cellText(g, 2, c))
			continue
		}
		record(template.Cell{Table: tb.Key, Row: tr.Key, Col: col.Key}, g[3][c].text)
	}
	for c := range p.Cells {
		if !seen[c] {
			t.Errorf("%s = %q not found on the page", c, p.Cells[c].Raw)
		}
	}
}

func TestHTMLGrids(t *testing.T) {
	styles := map[string]Style{
		"plain":      {},
		"mismatch":   {HeaderSpanMismatch: true},
		"drift":      {LabelDrift: true},
		"soup":       {SpanSoup: true, BrInLabels: true},
		"nested":     {NestedTables: true, SplitTable3: true},
		"subtotal":   {Subtotal: true, TotalColumnBlank: true},
		"numbers":    {FullWidthDigits: true, ThousandsSep: SepFullWidth, NBSPBlankZeros: true},
		"unknown":    {ExtraUnknownRows: true, HeaderSpanMismatch: true},
		"noprocure":  {NoProcurement: true},
		"stray":      {StrayPrefix: true, ThousandsSep: SepASCII},
		"all-labels": {LabelDrift: true, BrInLabels: true, SpanSoup: true, HeaderSpanMismatch: true, Subtotal: true},
	}
	for name, s := range styles {
		for _, v := range template.Versions() {
			t.Run(name+"/"+string(v), func(t *testing.T) {
				r := gen(t, 11, v, 2)
				checkPage(t, HTML(r, s), r, s)
			})
		}
	}
}

func TestHTMLContainsLabels(t *testing.T) {
	r := gen(t, 2, template.V2021, 1)
	page := string(HTML(r, Style{}))
	for _, want := range []string{
		`<meta charset="utf-8">`, "<title>北京市丰台区人民政府2023年政府信息公开工作年度报告_北京市丰台区人民政府</title>",
		"首页</a>&gt;&gt;<a", "政府信息公开年报", "日期：", "来源：北京市丰台区人民政府", "分享：", "字号：",
		"您访问的链接即将离开“北京市丰台区人民政府”门户网站", "是否继续？",
		`<h1 class="article-title">北京市丰台区人民政府2023年政府信息公开工作年度报告</h1>`,
		"一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
		"五、存在的主要问题及改进情况", "六、其他需要报告的事项", "收费通知",
		`<td colspan="4">第二十条第（一）项</td>`, `<td colspan="3">本年处理决定数量</td>`,
		`<td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan="7">申请人情况</td>`,
		`<td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td>`,
		"<td>商业<br>企业</td>", `<td colspan="3">一、本年新收政府信息公开申请数量</td>`,
		`<td rowspan="22">三、本年度办理结果</td><td colspan="2">（一）予以公开</td>`,
		`<td rowspan="8">（三）不予公开</td><td>1.属于国家秘密</td>`, `<td rowspan="3">（六）其他处理</td>`,
		`<td colspan="2">（七）总计</td>`, `<td colspan="3">四、结转下年度继续办理</td>`,
		`<td colspan="5" rowspan="2">行政复议</td><td colspan="10">行政诉讼</td>`,
		`<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td>`, "<td>结果<br>维持</td>", "<td>尚未<br>审结</td>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	licensing := r.Cells[template.Cell{Table: template.Active, Row: "licensing", Col: "decisions"}].Raw
	if !strings.Contains(page, `<td colspan="3">`+licensing+"</td>") {
		t.Errorf("licensing figure %s not printed", licensing)
	}
	if n, _ := r.Number(template.Cell{Table: template.Applications, Row: "new_received", Col: colTotal}); !strings.Contains(page, fmt.Sprintf("收到政府信息公开申请%d件", int(n))) {
		t.Error("overview does not state the applications received")
	}
}

func TestV2019Layout(t *testing.T) {
	r := gen(t, 4, template.V2019, 1)
	page := string(HTML(r, Style{}))
	for _, want := range []string{"本年新制作数量", "<td>其他对外管理服务事项</td>", "上一年项目数量",
		"本年增/<br>减", "第二十条第（九）项", "政府集中采购", `<td colspan="2">（六）其他处理</td>`, `<td rowspan="20">三、本年度办理结果</td>`} {
		if !strings.Contains(page, want) {
			t.Errorf("2019 page lacks %q", want)
		}
	}
	for _, bad := range []string{"本年制发件数", "申请人无正当理由"} {
		if strings.Contains(page, bad) {
			t.Errorf("2019 page prints 2021 label %q", bad)
		}
	}
	// The fee block has two columns: the second spans the third.
	fees := r.Cells[template.Cell{Table: template.Active, Row: "fees", Col: "change"}].Raw
	if !strings.Contains(page, `<td colspan="2">`+fees+`</td></tr>`) {
		t.Errorf("fee change %s not spanning two columns", fees)
	}
}

func TestEncodings(t *testing.T) {
	r := gen(t, 3, template.V2021, 1)
	for _, enc := range []string{GBK, GB2312, GB18030} {
		page := HTML(r, Style{Encoding: enc})
		if utf8.Valid(page) {
			t.Errorf("%s page is valid UTF-8", enc)
		}
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(page)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(dec, []byte("本年新收")) || !bytes.Contains(dec, []byte("charset="+enc)) {
			t.Errorf("%s page does not decode to the report", enc)
		}
	}
	gbk, _ := simplifiedchinese.GBK.NewDecoder().Bytes(HTML(r, Style{Encoding: GBK}))
	if !bytes.Contains(gbk, []byte("本年新收政府信息公开申请数量")) {
		t.Error("GBK page lacks 本年新收")
	}
	wrong := HTML(r, Style{Encoding: GBK, MetaCharset: "utf-8"})
	if utf8.Valid(wrong) || !bytes.Contains(wrong, []byte("charset=utf-8")) {
		t.Error("MetaCharset: want GBK bytes labelled utf-8")
	}
	if bytes.Contains(HTML(r, Style{NoMeta: true}), []byte("charset")) {
		t.Error("NoMeta page declares a charset")
	}
	trGBK, _ := simplifiedchinese.GBK.NewDecoder().Bytes(HTML(r, Style{Encoding: GBK, Traditional: true}))
	if !bytes.Contains(trGBK, []byte("總計")) {
		t.Error("Traditional GBK page lacks 總計")
	}
	txt := Text(r, TextStyle{Style: Style{Encoding: GBK, NBSPBlankZeros: true}})
	if utf8.Valid(txt) {
		t.Error("GBK text is valid UTF-8")
	}
	dtxt, _ := simplifiedchinese.GBK.NewDecoder().Bytes(txt)
	if bytes.ContainsAny(dtxt, "\x1a\ufffd") || !bytes.Contains(dtxt, []byte("\n  |\n")) {
		t.Error("GBK text: a no-break space should become a plain space")
	}
}

func TestTraditional(t *testing.T) {
	r := gen(t, 3, template.V2021, 1)
	page := string(HTML(r, Style{Traditional: true}))
	for _, want := range []string{"總計", "規章", "數量", "政府信息公開", "申請人情況"} {
		if !strings.Contains(page, want) {
			t.Errorf("Traditional page lacks %q", want)
		}
	}
	if strings.Contains(page, "总计") {
		t.Error("Traditional page keeps 总计")
	}
	// The parser folds Traditional back with the template's Norm: every label must survive the round trip.
	checkPage(t, []byte(page), r, Style{Traditional: true})
	if !strings.Contains(string(Text(r, TextStyle{Style: Style{Traditional: true}})), "總計 |") {
		t.Error("Traditional text lacks 總計")
	}
}

func TestStyleFlags(t *testing.T) {
	r := gen(t, 6, template.V2021, 30) // large enough for four-digit figures
	plain := string(HTML(r, Style{}))
	lic := r.Cells[template.Cell{Table: template.Active, Row: "licensing", Col: "decisions"}].Raw
	if len(lic) < 4 {
		t.Fatalf("licensing %s too small for the separator tests", lic)
	}
	page := func(s Style) string { return string(HTML(r, s)) }
	has := func(name, page string, subs ...string) {
		t.Helper()
		for _, s := range subs {
			if !strings.Contains(page, s) {
				t.Errorf("%s: page lacks %q", name, s)
			}
		}
	}
	lacks := func(name, page string, subs ...string) {
		t.Helper()
		for _, s := range subs {
			if strings.Contains(page, s) {
				t.Errorf("%s: page has %q", name, s)
			}
		}
	}

	fw := page(Style{FullWidthDigits: true})
	has("FullWidthDigits", fw, ">"+strings.Map(func(r rune) rune { return r - '0' + '０' }, lic)+"</td>")
	lacks("FullWidthDigits", fw, ">"+lic+"</td>")

	sep := page(Style{ThousandsSep: SepASCII})
	has("ThousandsSep", sep, ">"+groupThousands(lic, ",")+"</td>")
	if !regexp.MustCompile(`<td[^>]*>\d{1,3}(,\d{3})+</td>`).MatchString(sep) {
		t.Error("ThousandsSep: no grouped number")
	}
	has("ThousandsSep full-width", page(Style{ThousandsSep: SepFullWidth}), ">"+groupThousands(lic, "，")+"</td>")

	nb := page(Style{NBSPBlankZeros: true})
	has("NBSPBlankZeros", nb, "<td>&nbsp;</td>")
	lacks("NBSPBlankZeros", nb, "<td>0</td>")
	has("plain zero", plain, "<td>0</td>")

	tot := page(Style{TotalColumnBlank: true})
	n := r.Cells[template.Cell{Table: template.Applications, Row: "new_received", Col: "other_org"}].Raw
	has("TotalColumnBlank", tot, "<td>"+n+"</td><td></td></tr>")
	lacks("TotalColumnBlank", tot, "<td>"+r.Cells[template.Cell{Table: template.Applications, Row: "processed_total", Col: colTotal}].Raw+"</td></tr>")

	has("StrayPrefix", page(Style{StrayPrefix: true}), "<td>? 0</td>", ">? "+lic+"</td>")

	split := page(Style{SplitTable3: true})
	if strings.Count(split, "<table") != strings.Count(plain, "<table")+1 {
		t.Error("SplitTable3: want one more table")
	}
	has("SplitTable3", split, "</table>\n<table border=\"1\" cellspacing=\"0\" cellpadding=\"0\" width=\"100%\" style=\"border-collapse:collapse\">\n<tbody>\n<tr><td rowspan=\"22\">三、本年度办理结果</td>")

	nested := page(Style{NestedTables: true})
	has("NestedTables", nested, `class="layout"><tbody><tr><td class="content-cell">`)
	if strings.Index(nested, `class="layout"`) > strings.Index(nested, "第二十条") || strings.LastIndex(nested, "</td></tr></tbody></table>") < strings.LastIndex(nested, "行政诉讼") {
		t.Error("NestedTables: report tables not inside the layout table")
	}

	soup := page(Style{SpanSoup: true})
	has("SpanSoup", soup, "<p class=MsoNormal", "<font face=\"宋体\">一、本年新收</font></span><span", "colspan=3")
	lacks("SpanSoup", soup, "一、本年新收政府信息公开申请数量")

	br := page(Style{BrInLabels: true})
	has("BrInLabels", br, "一、本年新收政府<br>信息公开申请数量", "社会公<br>益组织")
	lacks("BrInLabels", br, "一、本年新收政府信息公开申请数量")

	mm := page(Style{HeaderSpanMismatch: true})
	has("HeaderSpanMismatch", mm,
		"<td>本年处理决定数量</td><td colspan=\"2\"></td></tr>\n<tr><td>行政许可</td><td colspan=\"3\">"+lic+"</td></tr>",
		"<td colspan=\"3\">本年处理决定数量</td></tr>\n<tr><td>行政处罚</td><td>")

	drift := page(Style{LabelDrift: true})
	has("LabelDrift", drift, "<td>规范性文件</td>", "<td>现行有效件数(历史累计)</td>", "第二十条第(一)项",
		`<td colspan="3">本年新收申请数量</td>`, `<td colspan="2">部分公开(区分处理的,只计这一情形,不计其他情形)</td>`,
		`<td rowspan="8">不予公开</td><td>属于国家秘密</td>`, "(本列数据的勾稽关系为:")
	lacks("LabelDrift", drift, "行政规范性文件", "一、本年新收", "（一）予以公开", "1.属于", "第二十条第（")

	img := page(Style{TablesAsImages: true})
	if strings.Contains(img, "<table") || strings.Count(img, "<img") != 3 {
		t.Error("TablesAsImages: want three images and no table")
	}
	has("TablesAsImages", img, "二、主动公开政府信息情况</strong></p>\n<p style=\"text-align:center\"><img src=")

	nt := page(Style{NoTitle: true})
	lacks("NoTitle", nt, "年度报告", "2023", "一、总体情况", "二、主动公开", "<h1", "来源：")
	has("NoTitle", nt, "<title>北京市丰台区人民政府</title>")
	if strings.Index(nt, "您访问的链接即将离开") > strings.Index(nt, "<table") {
		t.Error("NoTitle: popup should come before the tables")
	}

	om := page(Style{OmitTable: template.ReviewLitigation})
	has("OmitTable", om, "四、政府信息公开行政复议、行政诉讼情况")
	lacks("OmitTable", om, "未经复议直接起诉")
	if strings.Count(om, "<table") != 2 {
		t.Error("OmitTable: want two tables")
	}

	sub := page(Style{Subtotal: true})
	has("Subtotal", sub, "<td>其他</td><td>小计</td></tr>", `<td colspan="6">法人或其他组织</td>`, `<td colspan="8">申请人情况</td>`)
	p := r.Printed(Style{Subtotal: true})
	checkIdentities(t, p)
	if _, ok := p.Cells[template.Cell{Table: template.Applications, Row: "granted", Col: colSubtotal}]; !ok {
		t.Error("Subtotal: Printed lacks 小计 figures")
	}

	yf := page(Style{TitleYearFirst: true})
	has("TitleYearFirst", yf, "<h1 class=\"article-title\">2023年北京市丰台区人民政府政府信息公开工作年度报告</h1>")

	r19 := gen(t, 6, template.V2019, 1)
	unk := string(HTML(r19, Style{ExtraUnknownRows: true}))
	has("ExtraUnknownRows", unk, `<td rowspan="2">其他对外管理服务事项</td><td>行政检查</td>`, "<td>行政确认</td>", `<td colspan="2">信息内容</td>`)
	ex := UnknownRows(r19)
	for _, col := range []string{"prev_items", "change", "decisions"} {
		want, _ := r19.Number(template.Cell{Table: template.Active, Row: rowOtherSvc, Col: col})
		a, _ := ParseNumber(ex[0].Cells[col].Raw)
		b, _ := ParseNumber(ex[1].Cells[col].Raw)
		if a+b != want {
			t.Errorf("unknown rows %s: %v + %v ≠ %v", col, a, b, want)
		}
	}
	lacks("NoProcurement", string(HTML(r19, Style{NoProcurement: true})), "政府集中采购", "第二十条第（九）项")
}

func TestTruncate(t *testing.T) {
	r := gen(t, 8, template.V2021, 1)
	c := template.Cell{Table: template.Applications, Row: "withheld_third_party", Col: "research"}
	for _, s := range []Style{{}, {Encoding: GBK}, {Traditional: true, SpanSoup: true}} {
		full := HTML(r, s)
		s.Truncate = HTMLCut(r, s, c)
		cut := HTML(r, s)
		if len(cut) != s.Truncate || !bytes.HasPrefix(full, cut) || !bytes.HasSuffix(cut, []byte("</td>")) {
			t.Errorf("%+v: cut page of %d bytes does not end after a cell", s, len(cut))
		}
		if bytes.Contains(cut, []byte("（四）无法")) || bytes.Contains(cut, []byte("（四）無法")) {
			t.Error("cut page goes past the cell")
		}
	}
	s := Style{Truncate: 1000}
	if got := len(HTML(r, s)); got != 1000 {
		t.Errorf("Truncate 1000: %d bytes", got)
	}
	ts := TextStyle{}
	ts.Truncate = TextCut(r, ts, c)
	txt := string(Text(r, ts))
	if !strings.HasSuffix(txt, r.Cells[c].Raw+" |\n") || !strings.Contains(txt, "4.保护第三方合法权益 |") {
		t.Errorf("text cut ends %q", txt[max(0, len(txt)-40):])
	}
	if HTMLCut(r, Style{OmitTable: template.Applications}, c) != -1 {
		t.Error("HTMLCut of an omitted cell")
	}
}

func TestTextForms(t *testing.T) {
	r := gen(t, 1, template.V2021, 1)
	cell := func(row, col string) string {
		return r.Cells[template.Cell{Table: template.Applications, Row: row, Col: col}].Raw
	}
	txt := func(s TextStyle) string { return string(Text(r, s)) }
	has := func(name, page string, subs ...string) {
		t.Helper()
		for _, s := range subs {
			if !strings.Contains(page, s) {
				t.Errorf("%s: text lacks %q", name, s)
			}
		}
	}

	pipes := txt(TextStyle{})
	has("PipeCells", pipes,
		"首页>>政府信息公开>>政府信息公开年报\n北京市丰台区人民政府2023年政府信息公开工作年度报告\n日期：",
		"二、主动公开政府信息情况\n第二十条第（一）项 |\n|||\n信息内容 |\n本年制发件数 |\n",
		"本年处理决定数量 |\n||\n行政许可 |\n",
		"申请人情况 |\n||||||||\n自然人 |\n法人或其他组织 |\n总计 |\n|||||||\n商业 企业 |\n科研 机构 |\n社会公益组织 |\n法律服务机构 |\n其他 |\n|||||\n一、本年新收政府信息公开申请数量 |\n"+cell("new_received", "natural_person")+" |\n",
		"三、本年度办理结果 |\n（一）予以公开 |\n"+cell("granted", "natural_person")+" |\n",
		cell("granted", colTotal)+" |\n|\n（二）部分公开",
		"四、结转下年度继续办理 |\n", cell("carried_out", colTotal)+" |\n四、政府信息公开行政复议、行政诉讼情况\n行政复议 |\n行政诉讼 |\n|||||||||||||\n未经复议直接起诉 |\n复议后起诉 |\n|||||||||||||\n结果 维持 |\n",
		"您访问的链接即将离开“北京市丰台区人民政府”门户网站\n是否继续？\n")

	has("PipeCellsInline", txt(TextStyle{Form: PipeCellsInline}), "第二十条第（一）项 | |||\n信息内容 |", "总计 | |||||||\n商业 企业 |")

	one := txt(TextStyle{Form: OneCellPerLine})
	has("OneCellPerLine", one, "申请人情况\n自然人\n法人或其他组织\n总计\n商业 企业\n")
	if strings.Contains(one, " |") {
		t.Error("OneCellPerLine has pipes")
	}

	blank := txt(TextStyle{Form: BlankLineSeparated})
	has("BlankLineSeparated", blank, "分享：\n\n字号：大 中 小\n\n", "信息内容\n\n本年制发件数\n\n")

	rows := txt(TextStyle{Form: RowPerLine})
	line := "一、本年新收政府信息公开申请数量 |"
	for _, c := range []string{"natural_person", "commercial", "research", "public_interest", "legal_service", "other_org", colTotal} {
		line += " " + cell("new_received", c) + " |"
	}
	has("RowPerLine", rows, "\n"+line+"\n", "\n规章 | 0 | 0 | 0 |\n")

	lost := txt(TextStyle{LostSecondLine: true})
	has("LostSecondLine", lost, "|||||||||||||\n结果 |\n结果 |\n其他 |\n尚未 |\n总计 |\n结果 |\n")
	if strings.Contains(lost, "结果 维持") {
		t.Error("LostSecondLine keeps the second line")
	}
	has("LostSecondLine 2019", string(Text(gen(t, 1, template.V2019, 1), TextStyle{LostSecondLine: true})), "上一年项目数量 |\n本年增/ |\n")

	nf := txt(TextStyle{NFKC: true})
	has("NFKC", nf, "第二十条第(一)项 |", "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) |")
	if strings.Contains(nf, "（") {
		t.Error("NFKC keeps full-width brackets")
	}

	nt := txt(TextStyle{Style: Style{NoTitle: true}})
	if !strings.HasPrefix(nt, "您访问的链接即将离开“北京市丰台区人民政府”门户网站\n是否继续？\n第二十条第（一）项 |\n") {
		t.Errorf("NoTitle text starts %q", nt[:100])
	}
	has("images", txt(TextStyle{Style: Style{TablesAsImages: true}}), "二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n")
	has("stray", txt(TextStyle{Style: Style{StrayPrefix: true}}), "\n? 0 |\n")
}

// TestLabelsRoundTrip guards the parser's assumption that every printed label, in every script and drift
// form, still matches its template row or column.
func TestLabelsRoundTrip(t *testing.T) {
	for _, v := range template.Versions() {
		tp := template.MustGet(v)
		for _, s := range []Style{{}, {LabelDrift: true}, {Traditional: true}, {LabelDrift: true, Traditional: true}} {
			l := labeler{s}
			conv := func(x string) string {
				if s.Traditional {
					return traditional(x)
				}
				return x
			}
			for _, tb := range tp.Tables {
				for i := range tb.Rows {
					row := &tb.Rows[i]
					if got, _ := tb.MatchRow(conv(l.rowLabel(row)), row.Group); got == nil || got.Key != row.Key {
						t.Errorf("%s %+v: row label %q does not match %s", v, s, l.rowLabel(row), row.Key)
					}
				}
				for i := range tb.Cols {
					c := &tb.Cols[i]
					if got, _ := tb.MatchCol(conv(l.colLabel(c))); got == nil || got.Key != c.Key {
						t.Errorf("%s %+v: column label %q does not match %s", v, s, l.colLabel(c), c.Key)
					}
				}
			}
		}
	}
}

func BenchmarkHTML(b *testing.B) {
	r := Generate(1, issuer, juris, 2023, template.V2021, 1)
	for b.Loop() {
		HTML(r, Style{})
	}
}

func BenchmarkText(b *testing.B) {
	r := Generate(1, issuer, juris, 2023, template.V2021, 1)
	for b.Loop() {
		Text(r, TextStyle{})
	}
}
