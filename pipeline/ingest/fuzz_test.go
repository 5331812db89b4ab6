package ingest

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

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

// FuzzManifest reads any bytes as a manifest: no input may panic; whatever is read is UTF-8, each path is
// listed once and has its source, and a path outside the manifest's folder always carries a problem.
func FuzzManifest(f *testing.F) {
	f.Add([]byte("path,url,issuer,jurisdiction,year\na.txt,,北京市,,2023\n../b.txt,,,,\na.txt,,北京,,2023\n"))
	f.Add([]byte("\xef\xbb\xbfpath,year\n\"a\"\"b.txt\",2023\nc\x00.txt,abc\n"))
	f.Add([]byte("path,issuer\n\xb6\xab\xb3\xc7.txt,\xb1\xb1\xbe\xa9\n"))
	f.Add([]byte("\xff\xfep\x00a\x00t\x00h\x00\n\x00"))
	f.Add([]byte("issuer\nx\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		mf := filepath.Join(dir, "m.csv")
		if err := os.WriteFile(mf, data, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := OpenManifest(mf, ManifestOptions{})
		if err != nil {
			return
		}
		if len(m.Paths) != len(m.Sources) {
			t.Fatalf("%d paths, %d sources", len(m.Paths), len(m.Sources))
		}
		for _, p := range m.Paths {
			s, ok := m.Sources[p]
			if !ok || s.Path != p {
				t.Fatalf("path %q: source %+v", p, s)
			}
			for _, v := range []string{s.URL, s.Issuer, s.Jurisdiction, s.PublishedOn, s.Problem} {
				if !utf8.ValidString(v) {
					t.Fatalf("not UTF-8: %q", v)
				}
			}
			if !within(m.Dir, p) && s.Problem == "" {
				t.Fatalf("path %q outside %s accepted", p, m.Dir)
			}
		}
		for _, w := range m.Warnings {
			if !utf8.ValidString(w) {
				t.Fatalf("warning not UTF-8: %q", w)
			}
		}
	})
}
