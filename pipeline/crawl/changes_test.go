package crawl

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gkbench/gkbench/pipeline/rawstore"
	"github.com/gkbench/gkbench/pipeline/registry"
	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/testsite"
)

// TestChangesThatAreNotEdits: a body that changes outside the figures, or that turns into an error page,
// is not an edit of the report; a body over the limit is recorded, not stored.
func TestChangesThatAreNotEdits(t *testing.T) {
	t.Parallel()
	srv, err := testsite.Listen("site")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	const limit = 48 << 10
	var rows []testsite.Link
	bodies := map[string][]byte{}
	for i, name := range []string{"chrome", "broken", "huge"} {
		r := gen(int64(100+i), "北京市延庆区人民政府", 2021+i)
		b := synth.HTML(r, synth.Style{})
		if name == "huge" {
			b = []byte(strings.Replace(string(b), "</body>", "<!--"+strings.Repeat("填充", limit/4)+"--></body>", 1))
		}
		if name != "huge" && len(b) >= limit || name == "huge" && len(b) <= limit {
			t.Fatalf("%s page is %d bytes; the test needs it on the other side of %d", name, len(b), limit)
		}
		p := "/zwgk/" + name + ".html"
		bodies[p] = b
		srv.Put("site", p, &testsite.Page{Body: b})
		rows = append(rows, testsite.Link{Href: p, Text: synth.ReportTitle(r, synth.Style{})})
	}
	srv.Put("site", "/zwgk/", &testsite.Page{Body: testsite.Listing{Portal: "北京市延庆区人民政府", Column: "年报"}.Pages(rows)[0]})
	reg, err := registry.Parse("t.yaml", []byte(fmt.Sprintf(`version: 1
sources:
  - id: yanqing
    issuer: 北京市延庆区人民政府
    jurisdiction: 延庆区
    division_code: "110119"
    level: district
    start_urls: [{url: "%s"}]
    allowed_hosts: ["%s"]
`, srv.URL("site", "/zwgk/"), srv.Addr("site"))))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := testConfig(&fixture{reg: reg}, dir)
	cfg.MaxBody = limit
	res := run(t, context.Background(), cfg)
	if res.Run.New != 2 || res.Run.Failed != 1 {
		t.Errorf("run 1: %+v, want 2 new and the huge page failed", res.Run)
	}
	fetches, _ := rawstore.ReadFetches(filepath.Join(dir, "raw"))
	huge := fetches[len(fetches)-1]
	for _, f := range fetches {
		if strings.HasSuffix(f.URL, "huge.html") {
			huge = f
		}
	}
	if !huge.TooLarge || huge.SHA256 != "" || !strings.Contains(huge.Error, "上限") {
		t.Errorf("huge page recorded as %+v", huge)
	}

	srv.Edit("site", "/zwgk/chrome.html", []byte(strings.Replace(string(bodies["/zwgk/chrome.html"]), "</body>", "<p>访问量:1024</p></body>", 1)))
	srv.Edit("site", "/zwgk/broken.html", []byte("<html><head><title>系统维护</title></head><body>系统维护中,请稍后访问</body></html>"))
	res = run(t, context.Background(), cfg)
	if res.Run.New != 0 || res.Run.Changed != 0 || res.Run.Unchanged != 1 || res.Run.Failed != 2 {
		t.Errorf("run 2: %+v, want 0 new, 0 changed, 1 unchanged (chrome), 2 failed (broken, huge)", res.Run)
	}
	if !hasPrefix(res.Sources[0].Errors, srv.URL("site", "/zwgk/broken.html")) {
		t.Errorf("broken page not reported: %q", res.Sources[0].Errors)
	}
	vs, _ := rawstore.ReadVersions(filepath.Join(dir, "raw"))
	if len(vs) != 2 {
		t.Errorf("%d versions, want 2 (no edit recorded)", len(vs))
	}
	// Run 3: the changed bodies were recorded, so nothing is fetched in full again but the huge page.
	srv.ClearLog()
	run(t, context.Background(), cfg)
	for _, r := range srv.Log() {
		if r.Status == 200 && r.Path != "/robots.txt" && r.Path != "/zwgk/huge.html" {
			t.Errorf("run 3: %s fetched in full", r.Path)
		}
	}
}
