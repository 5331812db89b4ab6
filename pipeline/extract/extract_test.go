package extract

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// tables returns the document's tables in block order.
func tables(d *Document) []*Table {
	var ts []*Table
	for _, b := range d.Blocks {
		if b.Kind == TableBlock {
			ts = append(ts, b.Table)
		}
	}
	return ts
}

// texts returns the rows of a grid as text, copies marked with a leading "^".
func texts(t *Table) [][]string {
	out := make([][]string, len(t.Rows))
	for r, row := range t.Rows {
		for _, c := range row {
			s := c.Text
			if c.Copy {
				s = "^" + s
			}
			out[r] = append(out[r], s)
		}
	}
	return out
}

func mustHTML(t *testing.T, s string) *Document {
	t.Helper()
	d, err := HTMLDocument(s)
	if err != nil {
		t.Fatalf("HTMLDocument: %v", err)
	}
	checkDoc(t, d)
	return d
}

// checkDoc asserts the invariants every Document must satisfy.
func checkDoc(t testing.TB, d *Document) {
	t.Helper()
	checkBlocks(t, d, false)
}

// checkBlocks is checkDoc; emptyCells allows the flattened text form's empty cell (TextDocument's doc: a
// line of white space and one pipe).
func checkBlocks(t testing.TB, d *Document, emptyCells bool) {
	t.Helper()
	idx := 0
	for bi, b := range d.Blocks {
		switch b.Kind {
		case TextBlock, CellBlock:
			if b.Table != nil {
				t.Fatalf("block %d: stray table", bi)
			}
			if b.Text == "" {
				if b.Kind != CellBlock || !emptyCells {
					t.Fatalf("block %d: empty text", bi)
				}
				continue
			}
			checkFolded(t, b.Text)
		case PipeBlock:
			if b.Text == "" || strings.Trim(b.Text, "|") != "" || b.Table != nil {
				t.Fatalf("block %d: pipe block %q", bi, b.Text)
			}
		case TableBlock:
			if b.Table == nil {
				t.Fatalf("block %d: table block without table", bi)
			}
			if b.Table.Index != idx {
				t.Fatalf("block %d: table index %d, want %d", bi, b.Table.Index, idx)
			}
			idx++
			checkGrid(t, b.Table)
		default:
			t.Fatalf("block %d: bad kind %d", bi, b.Kind)
		}
	}
	if d.Title != "" {
		checkFolded(t, d.Title)
	}
}

func checkFolded(t testing.TB, s string) {
	t.Helper()
	if !utf8.ValidString(s) || strings.TrimSpace(s) != s || strings.Contains(s, "  ") || strings.ContainsAny(s, "\n\r\t\u00a0") {
		t.Fatalf("text not folded: %q", s)
	}
}

func checkGrid(t testing.TB, tb *Table) {
	t.Helper()
	if len(tb.Rows) == 0 {
		t.Fatalf("table %d has no rows", tb.Index)
	}
	w := len(tb.Rows[0])
	for r, row := range tb.Rows {
		if len(row) != w || w == 0 {
			t.Fatalf("table %d row %d: width %d, want %d", tb.Index, r, len(row), w)
		}
		hasOrigin := false
		for c, cell := range row {
			if cell.RowSpan < 1 || cell.ColSpan < 1 {
				t.Fatalf("table %d (%d,%d): spans %d×%d", tb.Index, r, c, cell.RowSpan, cell.ColSpan)
			}
			if cell.Text != "" {
				checkFolded(t, cell.Text)
			}
			if !cell.Copy {
				hasOrigin = true
				if cell.Row != r || cell.Col != c {
					t.Fatalf("table %d (%d,%d): origin says (%d,%d)", tb.Index, r, c, cell.Row, cell.Col)
				}
				if r+cell.RowSpan > len(tb.Rows) || c+cell.ColSpan > w {
					t.Fatalf("table %d (%d,%d): span %d×%d leaves the grid", tb.Index, r, c, cell.RowSpan, cell.ColSpan)
				}
				for dr := range cell.RowSpan {
					for dc := range cell.ColSpan {
						if dr == 0 && dc == 0 {
							continue
						}
						cp := tb.Rows[r+dr][c+dc]
						if !cp.Copy || cp.Row != r || cp.Col != c {
							t.Fatalf("table %d (%d,%d): not a copy of (%d,%d)", tb.Index, r+dr, c+dc, r, c)
						}
					}
				}
				continue
			}
			if cell.Row < 0 || cell.Row > r || cell.Col < 0 || cell.Col > c || (cell.Row == r && cell.Col == c) {
				t.Fatalf("table %d (%d,%d): copy of bad origin (%d,%d)", tb.Index, r, c, cell.Row, cell.Col)
			}
			o := tb.Rows[cell.Row][cell.Col]
			if o.Copy || o.Text != cell.Text || o.RowSpan != cell.RowSpan || o.ColSpan != cell.ColSpan || o.Header != cell.Header {
				t.Fatalf("table %d (%d,%d): copy differs from origin %+v", tb.Index, r, c, o)
			}
			if r >= o.Row+o.RowSpan || c >= o.Col+o.ColSpan {
				t.Fatalf("table %d (%d,%d): outside its origin's span", tb.Index, r, c)
			}
		}
		if !hasOrigin {
			t.Fatalf("table %d row %d has no cell of its own", tb.Index, r)
		}
	}
}

func equalRows(t *testing.T, got, want [][]string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("grid:\n got %q\nwant %q", got, want)
	}
}

func TestTable4Header(t *testing.T) {
	d := mustHTML(t, `<table border=1>
<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>
<tr><td rowspan="2">结果<br>维持</td><td rowspan="2">结果<br/>纠正</td><td rowspan="2">其他<br>结果</td>
<td rowspan="2">尚未<br>审结</td><td rowspan="2">总计</td><td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>
<tr><td>结果维持</td><td>结果<br>纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>
<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>
<tr><td>3</td><td>1</td><td>0</td><td>2</td><td>6</td><td>4</td><td>0</td><td>1</td><td>0</td><td>5</td>
<td>0</td><td>0</td><td>0</td><td>1</td><td>1</td></tr>
</table>`)
	ts := tables(d)
	if len(ts) != 1 {
		t.Fatalf("got %d tables", len(ts))
	}
	tb := ts[0]
	equalRows(t, texts(tb), [][]string{
		{"行政复议", "^行政复议", "^行政复议", "^行政复议", "^行政复议", "行政诉讼", "^行政诉讼", "^行政诉讼", "^行政诉讼", "^行政诉讼", "^行政诉讼", "^行政诉讼", "^行政诉讼", "^行政诉讼", "^行政诉讼"},
		{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "^未经复议直接起诉", "^未经复议直接起诉", "^未经复议直接起诉", "^未经复议直接起诉", "复议后起诉", "^复议后起诉", "^复议后起诉", "^复议后起诉", "^复议后起诉"},
		{"^结果维持", "^结果纠正", "^其他结果", "^尚未审结", "^总计", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"},
		{"3", "1", "0", "2", "6", "4", "0", "1", "0", "5", "0", "0", "0", "1", "1"},
	})
	c := tb.Rows[2][1]
	if !c.Copy || c.Row != 1 || c.Col != 1 || c.RowSpan != 2 || c.ColSpan != 1 {
		t.Errorf("(2,1) = %+v, want copy of (1,1) spanning 2 rows", c)
	}
	c = tb.Rows[0][14]
	if !c.Copy || c.Row != 0 || c.Col != 5 || c.ColSpan != 10 {
		t.Errorf("(0,14) = %+v, want copy of (0,5) spanning 10 columns", c)
	}
}

func TestTable3Header(t *testing.T) {
	d := mustHTML(t, reportPage(1))
	ts := tables(d)
	if len(ts) != 3 {
		t.Fatalf("got %d tables, want 3", len(ts))
	}
	tb := ts[1]
	if len(tb.Rows) != 3+25 || len(tb.Rows[0]) != 10 {
		t.Fatalf("table 3 is %d×%d, want 28×10", len(tb.Rows), len(tb.Rows[0]))
	}
	if got := tb.Rows[2][4].Text; got != "商业企业" {
		t.Errorf("(2,4) = %q, want 商业企业", got)
	}
	if c := tb.Rows[2][9]; !c.Copy || c.Text != "总计" || c.Row != 1 {
		t.Errorf("(2,9) = %+v, want copy of 总计", c)
	}
	if c := tb.Rows[3][2]; c.Text != "一、本年新收政府信息公开申请数量" || !c.Copy || c.Col != 0 {
		t.Errorf("(3,2) = %+v", c)
	}
	if got := d.Blocks[0].Text; got != "一、总体情况" {
		t.Errorf("first block %q", got)
	}
	// A line wrapped in the source between two Chinese characters reads as one.
	if got := d.Blocks[1].Text; !strings.HasSuffix(got, "件,按时答复率100%。") {
		t.Errorf("prose %q", got)
	}
	if d.Title != "2023年政府信息公开工作年度报告" {
		t.Errorf("title %q", d.Title)
	}
}

func TestCellText(t *testing.T) {
	tests := []struct {
		name, cell, want string
	}{
		{"br inside label", `<td>结果<br>纠正</td>`, "结果纠正"},
		{"word soup number", `<td width=60 style='width:45pt'><p class=MsoNormal align=center><span lang=EN-US style='font-size:10.5pt'>92,</span></p><p class=MsoNormal><span>486<o:p></o:p></span></p></td>`, "92,486"},
		{"spans in one paragraph", `<td><p><span>本年新收政府信息</span><span>公开申请数量</span></p></td>`, "本年新收政府信息公开申请数量"},
		{"source line wrap", "<td><span>本年新收政府信息公开申请\r\n  数量</span></td>", "本年新收政府信息公开申请数量"},
		{"divs", `<td><div>复议后</div><div> 起诉 </div></td>`, "复议后起诉"},
		{"literal space kept", `<td><span>商业</span> <span>企业</span></td>`, "商业 企业"},
		{"latin words", `<td>Total<br>count</td>`, "Total count"},
		{"nbsp only", `<td>&nbsp;</td>`, ""},
		{"nbsp around number", `<td>&nbsp;12&nbsp;</td>`, "12"},
		{"nbsp inside number", `<td>92&nbsp;486</td>`, "92 486"},
		{"ideographic space", "<td>\u3000\u300012</td>", "12"},
		{"zero-width space", "<td>1\u200b0</td>", "10"},
		{"script in cell", `<td><script>var a=1;</script>规章</td>`, "规章"},
		{"full-width digits kept", `<td>１２</td>`, "１２"},
		{"comment", `<td>规<!-- x -->章</td>`, "规章"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustHTML(t, "<table><tr>"+tc.cell+"</tr></table>")
			ts := tables(d)
			if len(ts) != 1 || len(ts[0].Rows) != 1 || len(ts[0].Rows[0]) != 1 {
				t.Fatalf("unexpected tables %+v", ts)
			}
			if got := ts[0].Rows[0][0].Text; got != tc.want {
				t.Errorf("text = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestHeaderCells(t *testing.T) {
	d := mustHTML(t, `<table><thead><tr><th colspan=2>信息内容</th></tr></thead><tbody><tr><td>规章</td><td>3</td></tr></tbody></table>`)
	tb := tables(d)[0]
	if !tb.Rows[0][0].Header || !tb.Rows[0][1].Header || !tb.Rows[0][1].Copy || tb.Rows[1][0].Header {
		t.Errorf("header flags wrong: %+v", tb.Rows)
	}
}

func TestNestedTables(t *testing.T) {
	d := mustHTML(t, `<p>前言</p><table>
<tr><td>行政许可</td><td><table><tr><td>本年处理决定数量</td></tr><tr><td>15</td></tr></table></td></tr>
<tr><td>行政处罚</td><td>46</td></tr>
</table><table><tr><td>行政强制</td><td>0</td></tr></table><p>结尾</p>`)
	var kinds []string
	for _, b := range d.Blocks {
		switch b.Kind {
		case TextBlock:
			kinds = append(kinds, "text:"+b.Text)
		case TableBlock:
			kinds = append(kinds, fmt.Sprintf("table%d", b.Table.Index))
		}
	}
	if got, want := strings.Join(kinds, " "), "text:前言 table0 table1 table2 text:结尾"; got != want {
		t.Fatalf("blocks = %s, want %s", got, want)
	}
	ts := tables(d)
	equalRows(t, texts(ts[0]), [][]string{{"行政许可", ""}, {"行政处罚", "46"}})
	equalRows(t, texts(ts[1]), [][]string{{"本年处理决定数量"}, {"15"}})
	equalRows(t, texts(ts[2]), [][]string{{"行政强制", "0"}})
}

func TestLayoutTable(t *testing.T) {
	d := mustHTML(t, `<html><head><title> 某区
 2021年报 </title></head><body>
<table width="100%"><tr><td class="nav">首页 &gt; 政府信息公开</td></tr>
<tr><td><h2>2021年政府信息公开工作年度报告</h2><p>一、总体情况</p><p>本年度工作有序开展。</p>
<p>二、主动公开政府信息情况</p><table><tr><td>规章</td><td>0</td></tr></table>
<p>三、收到和处理政府信息公开申请情况</p><table><tr><td>总计</td><td>12</td></tr></table></td></tr></table>
</body></html>`)
	var got []string
	for _, b := range d.Blocks {
		if b.Kind == TableBlock {
			got = append(got, fmt.Sprintf("table%d:%s", b.Table.Index, b.Table.Rows[0][0].Text))
		} else {
			got = append(got, b.Text)
		}
	}
	want := []string{"首页 > 政府信息公开", "2021年政府信息公开工作年度报告", "一、总体情况", "本年度工作有序开展。",
		"二、主动公开政府信息情况", "table0:规章", "三、收到和处理政府信息公开申请情况", "table1:总计"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("blocks:\n got %q\nwant %q", got, want)
	}
	if d.Title != "某区 2021年报" {
		t.Errorf("title %q", d.Title)
	}
}

func TestTextOutsideTables(t *testing.T) {
	d := mustHTML(t, `<html><head><title>年报</title><style>p{}</style><script>document.write("<p>x</p>")</script></head>
<body><noscript>请启用脚本</noscript><div>发布日期:2022-01-20<br>来源:区政府办</div>
<p>一、总体\n情况</p><p>The annual<br/>report</p><ul><li>第一条</li><li>第<b>二</b>条</li></ul>
<pre>行一
行二</pre>
<table><caption>表一 主动公开</caption><tr><td>规章</td></tr></table>
<span>尾部</span> 文字</body></html>`)
	var got []string
	for _, b := range d.Blocks {
		if b.Kind == TableBlock {
			got = append(got, "TABLE")
			continue
		}
		got = append(got, b.Text)
	}
	want := []string{"发布日期:2022-01-20", "来源:区政府办", `一、总体\n情况`, "The annual", "report",
		"第一条", "第二条", "行一", "行二", "表一 主动公开", "TABLE", "尾部 文字"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("blocks:\n got %q\nwant %q", got, want)
	}
	if d.Title != "年报" {
		t.Errorf("title %q", d.Title)
	}
}

func TestSpans(t *testing.T) {
	tests := []struct {
		name string
		html string
		want [][]string
		warn bool
	}{
		{"ragged rows padded", `<table><tr><td>a</td><td>b</td><td>c</td></tr><tr><td>d</td></tr></table>`,
			[][]string{{"a", "b", "c"}, {"d", "", ""}}, false},
		{"empty tr dropped, rowspan across it", `<table><tr><td rowspan=3>A</td><td>B</td></tr><tr></tr><tr><td>C</td></tr></table>`,
			[][]string{{"A", "B"}, {"^A", "C"}}, false},
		{"rowspan beyond table clipped", `<table><tr><td rowspan=9>A</td><td>B</td></tr><tr><td>C</td></tr></table>`,
			[][]string{{"A", "B"}, {"^A", "C"}}, false},
		{"rowspan=0 to end of section", `<table><tbody><tr><td rowspan=0>A</td><td>B</td></tr><tr><td>C</td></tr></tbody><tbody><tr><td>D</td><td>E</td></tr></tbody></table>`,
			[][]string{{"A", "B"}, {"^A", "C"}, {"D", "E"}}, false},
		{"rowspan stops at section end", `<table><thead><tr><td rowspan=5>H</td><td>I</td></tr></thead><tbody><tr><td>D</td><td>E</td></tr></tbody></table>`,
			[][]string{{"H", "I"}, {"D", "E"}}, false},
		{"thead tbody tfoot in source order", `<table><tfoot><tr><td>F</td></tr></tfoot><thead><tr><td>H</td></tr></thead><tbody><tr><td>B</td></tr></tbody></table>`,
			[][]string{{"F"}, {"H"}, {"B"}}, false},
		{"colspan 0 and junk", `<table><tr><td colspan=0>a</td><td colspan="2px">b</td><td colspan=x>c</td></tr></table>`,
			[][]string{{"a", "b", "^b", "c"}}, false},
		{"overlap clipped", `<table><tr><td>A</td><td rowspan=2>B</td></tr><tr><td colspan=2>X</td><td>Y</td></tr></table>`,
			[][]string{{"A", "B", ""}, {"X", "^B", "Y"}}, false},
		{"hole padded", `<table><tr><td rowspan=2>A</td><td>B</td><td rowspan=2>C</td></tr><tr></tr></table>`,
			[][]string{{"A", "B", "C"}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustHTML(t, tc.html)
			ts := tables(d)
			if len(ts) != 1 {
				t.Fatalf("got %d tables", len(ts))
			}
			equalRows(t, texts(ts[0]), tc.want)
			if (len(d.Warnings) > 0) != tc.warn {
				t.Errorf("warnings %q", d.Warnings)
			}
		})
	}
}

func TestAbsurdSpans(t *testing.T) {
	d := mustHTML(t, `<table><tr><td colspan=99999 rowspan=99999>A</td></tr><tr><td>B</td></tr></table>`)
	tb := tables(d)[0]
	// B found no free position in the first 1000 columns, which left its row without a cell of its own.
	if len(tb.Rows) != 1 || len(tb.Rows[0]) != maxColSpan || tb.Rows[0][0].RowSpan != 1 {
		t.Fatalf("grid %d×%d, want 1×%d", len(tb.Rows), len(tb.Rows[0]), maxColSpan)
	}
	if len(d.Warnings) != 1 {
		t.Errorf("warnings %q", d.Warnings)
	}
	d = mustHTML(t, `<table><tr><td colspan=5000>A</td></tr><tr><td>B</td></tr></table>`)
	tb = tables(d)[0]
	if len(tb.Rows) != 2 || len(tb.Rows[0]) != maxColSpan || tb.Rows[1][0].Text != "B" || tb.Rows[1][1].Copy {
		t.Fatalf("grid %d×%d", len(tb.Rows), len(tb.Rows[0]))
	}

	// A grid too large for memory is cut, with a warning.
	var sb strings.Builder
	sb.WriteString("<table>")
	for range 2000 {
		sb.WriteString("<tr><td colspan=1000>x</td></tr>")
	}
	sb.WriteString("</table>")
	d = mustHTML(t, sb.String())
	tb = tables(d)[0]
	if n := len(tb.Rows) * len(tb.Rows[0]); n > maxPositions || len(d.Warnings) == 0 {
		t.Errorf("grid of %d positions, warnings %q", n, d.Warnings)
	}
}

func TestEmptyAndOddInput(t *testing.T) {
	for _, s := range []string{"", "   ", "<table></table>", "<table><tr></tr></table>", "\xff\xfe<p>\x00</p>", "<svg><title>x</title><text>y</text></svg>"} {
		d := mustHTML(t, s)
		if len(tables(d)) != 0 {
			t.Errorf("%q: tables %+v", s, tables(d))
		}
	}
}

func TestTextDocument(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // kind:line:text
	}{
		{"pipe ends", "\uFEFF二、主动公开政府信息情况\r\n第二十条第(一)项 | |||\r\n信息内容 |\r\n本年制发件数 |\r\n规章 |\r\n5 |\r\n? 0 |\r\n|||\r\n信息内容 | 本年处理决定数量 | |\r\n行政许可 |\r\n1,234 |\r\n||\r\n",
			[]string{"T:1:二、主动公开政府信息情况", "C:2:第二十条第(一)项", "C:3:信息内容", "C:4:本年制发件数", "C:5:规章", "C:6:5",
				"C:7:? 0", "P:8:|||", "C:9:信息内容", "C:9:本年处理决定数量", "C:10:行政许可", "C:11:1,234", "P:12:||"}},
		{"one cell per line", "三、收到和处理政府信息公开申请情况\n申请人情况\n自然人\n商业 企业\n一、本年新收政府信息公开申请数量\n79\n4\n",
			[]string{"T:1:三、收到和处理政府信息公开申请情况", "T:2:申请人情况", "T:3:自然人", "T:4:商业 企业",
				"T:5:一、本年新收政府信息公开申请数量", "T:6:79", "T:7:4"}},
		{"blank-line separated", "第二十条第(一)项\n\n信息内容\n\n规章\n\n 0\n\n\u00a00 \n\n行政许可\n\n0 \n",
			[]string{"T:1:第二十条第(一)项", "T:3:信息内容", "T:5:规章", "T:7:0", "T:9:0", "T:11:行政许可", "T:13:0"}},
		{"lone CR and tabs", "规章\t|\r5\t|\r\r总计   12", []string{"C:1:规章", "C:2:5", "T:4:总计 12"}},
		{"empty", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := TextDocument(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			checkDoc(t, d)
			var got []string
			for _, b := range d.Blocks {
				k := map[Kind]string{TextBlock: "T", CellBlock: "C", PipeBlock: "P"}[b.Kind]
				got = append(got, fmt.Sprintf("%s:%d:%s", k, b.Line, b.Text))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("blocks:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestLargeDocument guards against quadratic behaviour: a 5 MB page must extract quickly.
func TestLargeDocument(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	page := reportPage(160)
	start := time.Now()
	d, err := HTMLDocument(page)
	el := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(tables(d)); n != 3*160 {
		t.Errorf("got %d tables", n)
	}
	t.Logf("%.1f MB in %v", float64(len(page))/1e6, el)
	if el > 3*time.Second {
		t.Errorf("%.1f MB took %v", float64(len(page))/1e6, el)
	}
}

func BenchmarkHTMLDocument(b *testing.B) {
	page := reportPage(1)
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		if _, err := HTMLDocument(page); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHTMLDocument5MB(b *testing.B) {
	page := reportPage(160)
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		if _, err := HTMLDocument(page); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzHTMLDocument(f *testing.F) {
	// Seeds stay small: the fuzzer minimizes every input that finds new coverage, and minimizing a
	// whole report page stalls it.
	f.Add(`<p>四、政府信息公开行政复议、行政诉讼情况</p><table border=1><tr><td colspan=5>行政复议</td><td colspan=10>行政诉讼</td></tr>` +
		`<tr><td rowspan=2><p class=MsoNormal><span>结果</span></p><p><span>纠正<o:p></o:p></span></p></td>` +
		`<td rowspan=2>总计</td><td colspan=5>未经复议直接起诉</td></tr><tr><td>结果<br>维持</td></tr><tr><td>92,<br>486</td><td>&nbsp;</td></tr></table>`)
	f.Add(`<table><tr><td rowspan=0 colspan=3>A</td></tr><tr></tr><tr><td rowspan=2>B<table><tr><td>n</td></tr></table></td></tr></table>`)
	f.Add(`<table><tr><td>A</td><td rowspan=2>B</td></tr><tr><td colspan=2>X</td><td>Y</td></tr></table>`)
	f.Add(`<table><caption>c</caption><tfoot><tr><th>F&nbsp;</th></tr></tfoot><tr><td colspan=1001>x</td></tr></table>`)
	f.Add("<html><head><title>t</title></head><body><pre>a\nb</pre><p>结果<br>纠正</p></body></html>")
	f.Add(`<table><tr><td><p>一</p><p>二</p><table><tr><td>x</td></tr></table></td></tr></table>`)
	f.Add("<td>92,<br>486</td><table><tr><td>&nbsp;</td><td rowspan=\"+2\">1</td></tr><tr><td>2</td></tr></table>")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := HTMLDocument(s)
		if err != nil {
			return
		}
		checkDoc(t, d)
	})
}

func FuzzTextDocument(f *testing.F) {
	f.Add("第二十条第(一)项 | |||\n信息内容 |\n规章 |\n0 |\n? 0 |\n")
	f.Add("\uFEFF行政复议\r\n结果 |\r\n||\r\n")
	f.Add("规章\n\n 0\n\n\u00a00\n")
	f.Add("a|b|c\rd||e\r\n|")
	f.Add("\xff\xfe|\x00|")
	f.Add(" |") // an empty cell, as documented
	f.Add("规章 |\n\u00a0 |\n| |\n")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := TextDocument(s)
		if err != nil {
			t.Fatal(err)
		}
		checkBlocks(t, d, true)
		prev := 0
		perLine := map[int]int{}
		for _, b := range d.Blocks {
			if b.Kind == TableBlock || b.Line < 1 || b.Line < prev || b.Kind != PipeBlock && strings.Contains(b.Text, "|") {
				t.Fatalf("bad block %+v", b)
			}
			prev = b.Line
			perLine[b.Line]++
		}
		for _, b := range d.Blocks {
			// An empty cell is a line of its own (white space and one pipe), never a gap between pipes.
			if b.Text == "" && perLine[b.Line] != 1 {
				t.Fatalf("empty cell on line %d beside %d other blocks", b.Line, perLine[b.Line]-1)
			}
		}
	})
}

func TestTextEntities(t *testing.T) {
	doc, err := TextDocument("行政许可 |\n&nbsp; |\n1&#44;234 |\n危及&ldquo;三安全一稳定&rdquo; |\n")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range doc.Blocks {
		got = append(got, fmt.Sprintf("%d:%q", b.Kind, b.Text))
	}
	want := []string{`1:"行政许可"`, `1:""`, `1:"1,234"`, `1:"危及“三安全一稳定”"`}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("blocks %v, want %v", got, want)
	}
}

// FuzzFold: the byte-level shortcut for text that is already folded gives what folding rune by rune gives.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"规章", " 0 ", "本年 新收", "a  b", "结果\n纠正", "x\u3000y", "\u00a0", "a\u200bb", "“三安全”", "\xff", "\ufeff1", "1 ", " ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var a, b folder
		if got, want := a.fold(s), b.foldRunes(s); got != want {
			t.Fatalf("fold(%q) = %q, rune by rune %q", s, got, want)
		}
	})
}
