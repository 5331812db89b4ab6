package ingest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/template"
	"github.com/gkbench/gkbench/pipeline/warehouse"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Hostile and careless input (tracker issue #13, items 1, 9 and 11): every bad path or manifest row
// becomes one failed report with its reason, and the rest of the batch is imported.

// reportText is a complete report in the flattened text form.
func reportText(seed int64, issuer string) []byte {
	gen := synth.Generate(seed, issuer, "东城区", 2023, template.V2021, 1)
	return synth.Text(gen, synth.TextStyle{Form: synth.PipeCells})
}

func writeFile(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func importAll(t *testing.T, files []string, meta map[string]Source) (Summary, string) {
	t.Helper()
	whDir := t.TempDir()
	wh, err := warehouse.Open(whDir)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var sum Summary
	go func() {
		defer close(done)
		sum, err = (&Importer{Store: wh, Workers: 2, Now: func() time.Time { return testNow }}).Import(context.Background(), files, meta)
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("import did not finish in 60 s (blocked on a special file?)")
	}
	if err != nil || sum.StoreErrors > 0 {
		t.Fatalf("import: %v, %d store errors", err, sum.StoreErrors)
	}
	return sum, whDir
}

func byPath(rs []*report.Report) map[string]*report.Report {
	m := map[string]*report.Report{}
	for _, r := range rs {
		m[filepath.Base(r.SourcePath)] = r
	}
	return m
}

// TestManifestRows: bad rows fail one document each, with a reason naming the line; nothing outside the
// manifest's folder is read; the good rows are imported.
func TestManifestRows(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "reports")
	writeFile(t, filepath.Join(dir, "good.txt"), reportText(1, "北京市东城区人民政府"))
	writeFile(t, filepath.Join(dir, "same.txt"), reportText(2, "北京市西城区人民政府"))
	writeFile(t, filepath.Join(dir, "twice.txt"), reportText(3, "北京市朝阳区人民政府"))
	writeFile(t, filepath.Join(dir, "badyear.txt"), reportText(4, "北京市海淀区人民政府"))
	writeFile(t, filepath.Join(dir, "latin1.txt"), reportText(5, "北京市丰台区人民政府"))
	// A readable report outside the folder: importing it would prove the confinement broken.
	secret := filepath.Join(root, "secret.txt")
	writeFile(t, secret, reportText(6, "北京市石景山区人民政府"))
	if err := os.Symlink(secret, filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	manifest := "path,url,issuer,jurisdiction,year\n" + // line 1
		"good.txt,http://a.invalid/1,北京市东城区人民政府,,2023\n" + // 2
		"missing.txt,,北京市通州区人民政府,,2023\n" + // 3
		"../secret.txt,,,,\n" + // 4
		secret + ",,,,\n" + // 5
		"link.txt,,,,\n" + // 6
		"bad\x00name.txt,,,,\n" + // 7
		"same.txt,,北京市西城区人民政府,,2023\n" + // 8
		"twice.txt,,北京市朝阳区人民政府,,2023\n" + // 9
		"same.txt,,北京市西城区人民政府,,2023\n" + // 10: identical: a warning
		"twice.txt,,北京市朝阳区政府,,2023\n" + // 11: disagrees with 9
		"badyear.txt,,,,20x3\n" + // 12
		"latin1.txt,,北京市\xff丰台区人民政府,,2023\n" + // 13: not UTF-8
		",http://a.invalid/orphan,,,\n" + // 14: no path
		"../../etc/passwd,,,,\n" // 15
	mf := filepath.Join(dir, "manifest.csv")
	writeFile(t, mf, []byte(manifest))
	m, err := OpenManifest(mf, ManifestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	problems := map[string]string{
		"missing.txt":     "",
		"secret.txt":      "第 4 行的路径 ../secret.txt 在清单所在文件夹之外",
		"link.txt":        "第 6 行的路径 link.txt 经符号链接指向清单所在文件夹之外",
		`bad\x00name.txt`: "第 7 行的路径含有 NUL 字符",
		"twice.txt":       "第 9 行与第 11 行指向同一文件,但 issuer 不同(「北京市朝阳区人民政府」/「北京市朝阳区政府」)",
		"badyear.txt":     "第 12 行的年份「20x3」无效",
		"good.txt":        "", "same.txt": "", "latin1.txt": "",
		"passwd": "第 15 行的路径 ../../etc/passwd 在清单所在文件夹之外",
	}
	if len(m.Paths) != len(problems) {
		t.Errorf("paths %q, want %d", m.Paths, len(problems))
	}
	for _, p := range m.Paths {
		src := m.Sources[p]
		want, ok := problems[filepath.Base(p)]
		if !ok {
			t.Errorf("unexpected path %q", p)
			continue
		}
		if want == "" && src.Problem != "" || want != "" && !strings.Contains(src.Problem, want) {
			t.Errorf("%s: problem %q, want %q", filepath.Base(p), src.Problem, want)
		}
	}
	// The absolute path outside (line 5) names the same file as line 4: it must not slip through as a
	// second row either.
	if s := m.Sources[secret]; s.Problem == "" {
		t.Errorf("absolute path outside the folder accepted: %+v", s)
	}
	for _, w := range []string{"清单第 10 行与第 8 行重复", "清单第 14 行 path 为空"} {
		if !strings.Contains(strings.Join(m.Warnings, "\n"), w) {
			t.Errorf("warnings %q lack %q", m.Warnings, w)
		}
	}
	if w := m.Sources[filepath.Join(dir, "latin1.txt")].Warnings; len(w) != 1 || !strings.Contains(w[0], "第 13 行的 issuer 列含有无效字节") {
		t.Errorf("latin1.txt warnings %q", w)
	}

	files, meta, _ := Collect(nil, m)
	sum, whDir := importAll(t, files, meta)
	if sum.Reports != len(files) || sum.OK+sum.Partial != 3 || sum.Failed != len(files)-3 {
		t.Errorf("summary %d reports: %d ok, %d partial, %d failed; want 3 imported of %d", sum.Reports, sum.OK, sum.Partial, sum.Failed, len(files))
	}
	got := byPath(sum.Results)
	if r := got["missing.txt"]; r == nil || r.Status != report.Failed || !strings.Contains(r.Error, "文件不存在") || r.Issuer != "北京市通州区人民政府" {
		t.Errorf("missing.txt: %+v", r)
	}
	for _, name := range []string{"secret.txt", "link.txt"} {
		if r := got[name]; r == nil || r.Status != report.Failed || len(r.Facts) != 0 || r.Format != "" {
			t.Errorf("%s was read: %+v", name, r)
		}
	}
	if r := got["latin1.txt"]; r == nil || r.Issuer != "北京市\uFFFD丰台区人民政府" || !utf8.ValidString(r.Issuer) {
		t.Errorf("latin1.txt issuer %+v", r)
	}
	reports, err := warehouse.ReadReports(whDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != len(files) {
		t.Errorf("%d reports stored, want %d", len(reports), len(files))
	}
	for _, r := range reports {
		if strings.Contains(r.Issuer, "石景山") {
			t.Errorf("the file outside the folder was imported: %+v", r)
		}
	}

	// With --allow-outside the same rows read the file outside.
	m, err = OpenManifest(mf, ManifestOptions{AllowOutside: true})
	if err != nil {
		t.Fatal(err)
	}
	if s := m.Sources[secret]; s.Problem != "" {
		t.Errorf("allow-outside: %q", s.Problem)
	}
}

// TestGBKManifest: a manifest saved in GBK (Excel on Chinese Windows) naming a file whose name is GBK
// bytes is read as text, the file is found and imported, and everything stored is UTF-8.
func TestGBKManifest(t *testing.T) {
	dir := t.TempDir()
	name := "东城区2023年报.txt"
	gbkName, err := simplifiedchinese.GBK.NewEncoder().String(name)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, gbkName), reportText(7, "北京市东城区人民政府"))
	mf := filepath.Join(dir, "清单.csv")
	writeFile(t, mf, gbk(t, "path,url,issuer,jurisdiction,year\n"+name+",http://a.invalid/dc,北京市东城区人民政府,东城区,2023\n"))
	m, err := OpenManifest(mf, ManifestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Charset != "gb18030" || len(m.Warnings) != 1 || !strings.Contains(m.Warnings[0], "GB18030") {
		t.Errorf("charset %q, warnings %q", m.Charset, m.Warnings)
	}
	// Given the folder as well, the walk finds the file under the same (GBK byte) path the manifest has.
	files, meta, _ := Collect([]string{dir}, m)
	if len(files) != 1 || meta[files[0]].Issuer != "北京市东城区人民政府" {
		t.Fatalf("files %q, meta %+v", files, meta)
	}
	sum, whDir := importAll(t, files, meta)
	r := sum.Results[0]
	if r.Status != report.OK || r.Year != 2023 || r.Jurisdiction != "东城区" {
		t.Errorf("report %s %d %s: %s %v", r.Status, r.Year, r.Jurisdiction, r.Error, r.Warnings)
	}
	if r.SourcePath != filepath.Join(dir, name) || !strings.Contains(strings.Join(r.Warnings, "\n"), "文件名不是 UTF-8 编码,已按 GB18030 读作") {
		t.Errorf("source path %q, warnings %q", r.SourcePath, r.Warnings)
	}
	reports, err := warehouse.ReadReports(whDir)
	if err != nil || len(reports) != 1 || reports[0].SourcePath != filepath.Join(dir, name) {
		t.Fatalf("stored %+v, %v", reports, err)
	}
}

// TestWalk: folders with a document, a subfolder that cannot be listed, a link given without a trailing
// slash, paths that do not exist or hold NUL: one entry each, with its problem, and nothing aborts.
func TestWalk(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a", "one.html"), []byte("<p>x</p>"))
	writeFile(t, filepath.Join(root, "a", "locked", "two.html"), []byte("<p>x</p>"))
	writeFile(t, filepath.Join(root, "a", "notes.md"), []byte("skipped"))
	writeFile(t, filepath.Join(root, "real", "three.txt"), []byte("x"))
	if err := os.Symlink(filepath.Join(root, "real"), filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	locked := filepath.Join(root, "a", "locked")
	readDir = func(name string) ([]fs.DirEntry, error) {
		if name == locked {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
		}
		return os.ReadDir(name)
	}
	defer func() { readDir = os.ReadDir }()

	w := Walk([]string{filepath.Join(root, "a"), filepath.Join(root, "link"), filepath.Join(root, "gone.html"), "bad\x00.html"})
	want := []string{
		filepath.Join(root, "a", "locked"), filepath.Join(root, "a", "one.html"),
		filepath.Join(root, "link", "three.txt"), filepath.Join(root, "gone.html"), absClean("bad\x00.html"),
	}
	if strings.Join(w.Files, "\n") != strings.Join(want, "\n") {
		t.Errorf("files\n%s\nwant\n%s", strings.Join(w.Files, "\n"), strings.Join(want, "\n"))
	}
	for p, why := range map[string]string{
		locked: "没有读取权限", filepath.Join(root, "gone.html"): "文件不存在", absClean("bad\x00.html"): "NUL",
	} {
		if !strings.Contains(w.Problems[p], why) {
			t.Errorf("%s: problem %q, want %q", p, w.Problems[p], why)
		}
	}
	if _, err := Files([]string{filepath.Join(root, "gone.html")}); err == nil || !strings.Contains(err.Error(), "文件不存在") {
		t.Errorf("Files: %v", err)
	}
	files, meta, _ := Collect([]string{filepath.Join(root, "a")}, nil)
	sum, _ := importAll(t, files, meta)
	got := byPath(sum.Results)
	if r := got["locked"]; r == nil || r.Status != report.Failed || !strings.Contains(r.Error, "没有读取权限") {
		t.Errorf("locked folder: %+v", r)
	}
	if sum.Reports != 2 {
		t.Errorf("%d reports, want 2", sum.Reports)
	}
}

// TestLargeTable: a page whose table has 50 000 rows is read up to the limits and stored as partial, with
// the reason, in bounded time.
func TestLargeTable(t *testing.T) {
	gen := synth.Generate(9, "北京市东城区人民政府", "东城区", 2023, template.V2021, 1)
	page := string(synth.HTML(gen, synth.Style{}))
	var b strings.Builder
	b.WriteString("<table><tr><td>申请人情况</td><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td>" +
		"<td>法律服务机构</td><td>其他</td><td>总计</td></tr>")
	for i := 0; i < 50_000; i++ {
		fmt.Fprintf(&b, "<tr><td>（一）予以公开</td><td>%d</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>%d</td></tr>", i, i+1)
	}
	b.WriteString("</table>")
	i := strings.LastIndex(page, "</body>")
	data := []byte(page[:i] + b.String() + page[i:])
	start := time.Now()
	r := Parse(Source{Path: "big.html"}, data, testNow)
	el := time.Since(start)
	if r.Status != report.Partial || len(r.Facts) > 2000 {
		t.Errorf("status %s with %d facts, want partial with at most 2000", r.Status, len(r.Facts))
	}
	ws := strings.Join(r.Warnings, "\n")
	if !strings.Contains(ws, "超过上限 1000 行") || !strings.Contains(ws, "其余未读取") {
		t.Errorf("warnings lack the limits: %q", r.Warnings)
	}
	t.Logf("%.1f MB page with a 50 000-row table: %v, %d facts", float64(len(data))/1e6, el, len(r.Facts))
	if el > 20*time.Second {
		t.Errorf("took %v", el)
	}
}

// TestControlCharsShown: names with terminal escapes are shown escaped wherever they are printed.
func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"规章.html":           "规章.html",
		"a\x1b[31mred.html": `a\x1b[31mred.html`,
		"bell\a\r\n":        `bell\x07\x0d\x0a`,
		"rtl\u202egpj.html": `rtl\u202egpj.html`,
		"gbk\xb6\xab.html":  `gbk\xb6\xab.html`,
		"c1\u0085x":         `c1\u0085x`,
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
	r := Parse(Source{Path: "/tmp/a\x1b]0;pwned\x07.txt"}, nil, testNow)
	if strings.ContainsAny(displayName(r), "\x1b\x07") {
		t.Errorf("progress line shows raw control characters: %q", displayName(r))
	}
	if err := errors.New(describeOpenError("/x/\x1b[2J", fs.ErrNotExist)); strings.Contains(err.Error(), "\x1b") {
		t.Errorf("error shows raw escape: %q", err)
	}
}
