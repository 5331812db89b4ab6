package parse

import (
	"strings"
	"testing"

	"github.com/gkbench/gkbench/pipeline/extract"
	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/template"
)

const t3Head = `三、收到和处理政府信息公开申请情况
申请人情况 |
自然人 |
法人或其他组织 |
总计 |
商业企业 |
科研机构 |
社会公益组织 |
法律服务机构 |
其他 |
`

func textDoc(t *testing.T, s string) *extract.Document {
	t.Helper()
	d, err := extract.TextDocument(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func factMap(res *Result) map[string]report.Fact {
	m := map[string]report.Fact{}
	for _, f := range res.Facts {
		m[f.Table+"."+f.Row+"."+f.Col] = f
	}
	return m
}

// A number that is not in a cell of its row — a page number, a footnote mark, a date — never moves a
// figure: rows it falls into are left out with a warning, the others are read in place.
func TestStrayNumbersNeverShiftFigures(t *testing.T) {
	rows := "一、本年新收政府信息公开申请数量 |\n10 |\n1 |\n0 |\n0 |\n0 |\n0 |\n11 |\n" +
		"- 3 - \n" + // a page number between rows: outside any row after prose-like text
		"二、上年结转政府信息公开申请数量 |\n2 |\n" + "1 |\n" + // a footnote mark after the label
		"2 |\n0 |\n0 |\n0 |\n0 |\n2 |\n" +
		"三、本年度办理结果 |\n(一)予以公开 |\n5 |\n0 |\n0 |\n0 |\n0 |\n0 |\n5 |\n2024 |\n" // a trailing year
	res := Parse(textDoc(t, t3Head+rows), 2023)
	m := factMap(res)
	if f := m["applications.new_received.total"]; f.Value == nil || *f.Value != 11 {
		t.Errorf("new_received.total = %+v", f)
	}
	if f := m["applications.new_received.natural_person"]; f.Value == nil || *f.Value != 10 {
		t.Errorf("new_received.natural_person = %+v", f)
	}
	for _, k := range []string{"applications.carried_in.natural_person", "applications.granted.total"} {
		if f, ok := m[k]; ok {
			t.Errorf("%s read from a row with a stray number: %+v", k, f)
		}
	}
	warn := strings.Join(res.Warnings, "\n")
	for _, w := range []string{"上年结转政府信息公开申请数量」行有 8 个数值", "(一)予以公开」行有 8 个数值"} {
		if !strings.Contains(warn, w) {
			t.Errorf("warnings %q lack %q", warn, w)
		}
	}
}

// A row missing from a table leaves its figures missing and the others in place.
func TestMissingRow(t *testing.T) {
	rows := "一、本年新收政府信息公开申请数量 |\n10 |\n1 |\n0 |\n0 |\n0 |\n0 |\n11 |\n" +
		"四、结转下年度继续办理 |\n3 |\n0 |\n0 |\n0 |\n0 |\n0 |\n3 |\n"
	res := Parse(textDoc(t, t3Head+rows), 2023)
	m := factMap(res)
	if len(res.Facts) != 14 {
		t.Fatalf("%d facts, want 14", len(res.Facts))
	}
	if f := m["applications.carried_out.total"]; f.Value == nil || *f.Value != 3 || f.Mapping != ByLabel {
		t.Errorf("carried_out.total = %+v", f)
	}
}

func TestGridHeaderMapping(t *testing.T) {
	// Header over one column, data spanning two; and a 小计 column: placed by the grid, not by counting.
	page := `<p>二、主动公开政府信息情况</p><table>
<tr><td colspan=4>第二十条第(五)项</td></tr>
<tr><td>信息内容</td><td>本年处理决定数量</td><td></td><td></td></tr>
<tr><td>行政许可</td><td colspan=3>１,２３４</td></tr></table>
<p>四、政府信息公开行政复议、行政诉讼情况</p><table>
<tr><td colspan=5 rowspan=2>行政复议</td><td colspan=10>行政诉讼</td></tr>
<tr><td colspan=5>未经复议直接起诉</td><td colspan=5>复议后起诉</td></tr>
<tr><td>结果<br>维持</td><td>结果<br>纠正</td><td>其他<br>结果</td><td>尚未<br>审结</td><td>总计</td>
<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>
<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>
<tr><td>1</td><td>2</td><td>3</td><td>4</td><td>10</td><td>5</td><td>6</td><td>/</td><td></td><td>11</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
</table>`
	doc, err := extract.HTMLDocument(page)
	if err != nil {
		t.Fatal(err)
	}
	res := Parse(doc, 2022)
	m := factMap(res)
	want := []struct {
		key  string
		kind report.CellKind
		val  float64
	}{
		{"active.licensing.decisions", report.Number, 1234},
		{"review_litigation.review.corrected", report.Number, 2},
		{"review_litigation.review.total", report.Number, 10},
		{"review_litigation.litigation_direct.upheld", report.Number, 5},
		{"review_litigation.litigation_direct.other", report.NotApplicable, 0},
		{"review_litigation.litigation_direct.pending", report.Empty, 0},
		{"review_litigation.litigation_after_review.total", report.Zero, 0},
	}
	for _, w := range want {
		f, ok := m[w.key]
		if !ok {
			t.Errorf("%s missing", w.key)
			continue
		}
		if f.Kind != w.kind || (f.Value != nil && *f.Value != w.val) || f.Mapping != ByLabel {
			t.Errorf("%s = %s %v (%s)", w.key, f.Kind, deref(f.Value), f.Mapping)
		}
	}
	if f := m["review_litigation.review.corrected"]; f.LabelRow != "行政复议" || f.LabelCol != "结果纠正" {
		t.Errorf("labels as found: %q %q", f.LabelRow, f.LabelCol)
	}
	if len(res.Facts) != 16 {
		t.Errorf("%d facts, want 16", len(res.Facts))
	}
	// Provenance: the document's table index, grid row and grid column of each figure.
	if f := m["active.licensing.decisions"]; f.TableIdx != 0 || f.RowIdx != 2 || f.ColIdx != 1 {
		t.Errorf("licensing at table %d row %d col %d", f.TableIdx, f.RowIdx, f.ColIdx)
	}
	if f := m["review_litigation.litigation_direct.upheld"]; f.TableIdx != 1 || f.RowIdx != 3 || f.ColIdx != 5 {
		t.Errorf("litigation_direct.upheld at table %d row %d col %d", f.TableIdx, f.RowIdx, f.ColIdx)
	}
}

func TestDetectVersion(t *testing.T) {
	cases := []struct {
		text string
		year int
		want template.Version
		from report.Found
	}{
		{"本年新制作数量 |\n本年新公开数量 |\n", 2021, template.V2019, report.FromLabels},
		{"本年制发件数 |\n", 2020, template.V2021, report.FromLabels},
		{"自然人 |\n", 2020, template.V2019, report.FromYear},
		{"自然人 |\n", 0, template.V2021, report.NotFound},
	}
	for _, c := range cases {
		v, from := detectVersion(textDoc(t, c.text), c.year)
		if v != c.want || from != c.from {
			t.Errorf("detectVersion(%q, %d) = %s %s, want %s %s", c.text, c.year, v, from, c.want, c.from)
		}
	}
}

func TestDuplicateFiguresWarn(t *testing.T) {
	row := func(v string) string {
		return "一、本年新收政府信息公开申请数量 |\n" + strings.Repeat(v+" |\n", 7)
	}
	res := Parse(textDoc(t, t3Head+row("1")+t3Head+row("2")), 2023)
	if len(res.Facts) != 14 {
		t.Fatalf("%d facts, want 14 (both readings kept)", len(res.Facts))
	}
	if w := strings.Join(res.Warnings, "\n"); !strings.Contains(w, "有 7 个数据在文档中出现多次且数值不同") {
		t.Errorf("warnings %q", w)
	}
	same := Parse(textDoc(t, t3Head+row("1")+t3Head+row("1")), 2023)
	for _, w := range same.Warnings {
		if strings.Contains(w, "出现多次") {
			t.Errorf("identical repeats warned: %q", w)
		}
	}
}
