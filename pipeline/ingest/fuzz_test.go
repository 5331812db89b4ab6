package ingest

import (
	"testing"

	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/template"
)

// FuzzParse runs whole documents through decode → extract → parse → validate: no input may panic, and
// whatever is read must name real template cells.
func FuzzParse(f *testing.F) {
	f.Add([]byte(table4Text), "a.txt")
	f.Add([]byte("三、收到和处理政府信息公开申请情况\n自然人 |\n总计 |\n一、本年新收政府信息公开申请数量 |\n1 |\n1 |\n"), "b.txt")
	f.Add([]byte("<table><tr><td rowspan=3>行政复议</td><td colspan=99999>结果<br>纠正</td></tr><tr><td>１,２</td></tr></table>"), "c.html")
	f.Add([]byte("第二十条第(一)项 | |||\n信息内容 |\n本年制发件数 |\n规章 |\n? 0 |\n"), "d.txt")
	f.Add([]byte{0xef, 0xbb, 0xbf, '<', 'p', '>', 0xb1, 0xbe, 0xc4, 0xea}, "e.html")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		r := Parse(Source{Path: name}, data, testNow)
		switch r.Status {
		case report.OK, report.Partial, report.Failed:
		default:
			t.Fatalf("status %q", r.Status)
		}
		if r.ID == "" {
			t.Fatal("no id")
		}
		if r.Status == report.Failed && r.Error == "" {
			t.Fatal("failed without a reason")
		}
		if len(r.Facts) == 0 {
			return
		}
		tpl := template.MustGet(template.Version(r.TemplateVersion))
		for _, fct := range r.Facts {
			tb := tpl.Table(fct.Table)
			if tb == nil || tb.Col(fct.Col) == nil || (fct.Row != "" && tb.Row(fct.Row) == nil) {
				t.Fatalf("fact names no template cell: %+v", fct)
			}
			if (fct.Value != nil) != (fct.Kind == report.Number || fct.Kind == report.Zero) {
				t.Fatalf("value and kind disagree: %+v", fct)
			}
		}
	})
}
