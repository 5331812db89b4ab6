package crawl

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/gkbench/gkbench/pipeline/rawstore"
	"github.com/gkbench/gkbench/pipeline/registry"
	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/template"
	"github.com/gkbench/gkbench/pipeline/testsite"
)

// TestSharedListing: the municipal portal lists every district's reports on one page; each district's
// source takes only its own (title_contains), and the page is requested once for all of them.
func TestSharedListing(t *testing.T) {
	t.Parallel()
	srv, err := testsite.Listen("portal")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	districts := []string{"东城区", "西城区", "朝阳区"}
	var rows []testsite.Link
	want := map[string]string{} // url → source id
	for i, d := range districts {
		for _, y := range []int{2022, 2023} {
			r := synth.Generate(int64(i*10+y), "北京市"+d+"人民政府", d, y, template.ForYear(y), 1)
			p := fmt.Sprintf("/gongkai/zfxxgk/zfxxgknb/%dnb/qzf/%d03/t%d0310_%d.html", y, y+1, y+1, i)
			srv.Put("portal", p, &testsite.Page{Body: synth.HTML(r, synth.Style{})})
			rows = append(rows, testsite.Link{Href: p, Text: synth.ReportTitle(r, synth.Style{})})
			if i < 2 {
				want[srv.URL("portal", p)] = fmt.Sprintf("d%d", i)
			}
		}
	}
	l := testsite.Listing{Portal: "北京市人民政府", Column: "区政府年报", PerPage: 4, Pager: testsite.PagerScript}
	for i, b := range l.Pages(rows) {
		srv.Put("portal", "/gongkai/zfxxgk/zfxxgknb/qzf/"+l.PageName(i), &testsite.Page{Body: b})
	}
	yml := "version: 1\nsources:\n"
	for i, d := range districts[:2] {
		yml += fmt.Sprintf(`  - id: d%d
    issuer: 北京市%s人民政府
    jurisdiction: %s
    division_code: "11010%d"
    level: district
    start_urls:
      - url: %s
        title_contains: [%s]
    allowed_hosts: ["%s"]
`, i, d, d, i+1, srv.URL("portal", "/gongkai/zfxxgk/zfxxgknb/qzf/"), d, srv.Addr("portal"))
	}
	reg, err := registry.Parse("shared.yaml", []byte(yml))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	res := run(t, context.Background(), testConfig(&fixture{reg: reg}, dir))
	for k, n := range testsite.Counts(srv.Log()) {
		if n != 1 {
			t.Errorf("%s requested %d times", k, n)
		}
	}
	if res.Sources[0].New != 2 || res.Sources[1].New != 2 || res.Sources[0].Pages != 2 || res.Sources[1].Pages != 2 {
		t.Errorf("per source: %+v", res.Sources)
	}
	vs, err := rawstore.ReadVersions(filepath.Join(dir, "raw"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, v := range vs {
		got[v.URL] = v.SourceID
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("reports by source:\n got %v\nwant %v", got, want)
	}
}
