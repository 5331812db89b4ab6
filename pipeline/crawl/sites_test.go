package crawl

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gkbench/gkbench/pipeline/rawstore"
	"github.com/gkbench/gkbench/pipeline/registry"
	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/template"
	"github.com/gkbench/gkbench/pipeline/testsite"
)

// shapeSite is three portals, one per listing shape, with ten reports each.
type shapeSite struct {
	srv   *testsite.Server
	reg   *registry.Registry
	want  map[string]string // report URL → source id
	alias string            // a second URL serving the same bytes as a report
}

func newShapeSite(t *testing.T) *shapeSite {
	t.Helper()
	srv, err := testsite.Listen("hanweb", "jsonlist", "trs")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	ss := &shapeSite{srv: srv, want: map[string]string{}}
	put := func(host, p string, b []byte) {
		t.Helper()
		if err := srv.Put(host, p, &testsite.Page{Body: b}); err != nil {
			t.Fatal(err)
		}
	}
	type portal struct {
		host, name, dir string
		listing         testsite.Listing
		reportPath      func(y, i int) string
		style           synth.Style
	}
	portals := []portal{
		{host: "hanweb", name: "高新区", dir: "/col/col1229/", style: synth.Style{Encoding: synth.GBK},
			listing:    testsite.Listing{Portal: "示例市高新区人民政府", Column: "政府信息公开年报", PerPage: 3, Pager: testsite.PagerHanweb, GBK: true},
			reportPath: func(y, i int) string { return fmt.Sprintf("/art/%d/2/%d/art_1229_%d.html", y+1, 3+i, 4070+i) }},
		{host: "jsonlist", name: "龙泉区", dir: "/zwgk/gknb/",
			listing:    testsite.Listing{Portal: "示例市龙泉区人民政府", Column: "政府信息公开年报", PerPage: 4, Pager: testsite.PagerJSON},
			reportPath: func(y, i int) string { return fmt.Sprintf("/zwgk/gknb/%d02/t%d0205_%d.html", y+1, y+1, 5000+i) }},
		{host: "trs", name: "东湖区", dir: "/zwgk/gknb/",
			listing:    testsite.Listing{Portal: "示例市东湖区人民政府", Column: "政府信息公开年报", PerPage: 4, Pager: testsite.PagerScript},
			reportPath: func(y, i int) string { return fmt.Sprintf("/zwgk/gknb/%d02/t%d0205_%d.html", y+1, y+1, 6000+i) }},
	}
	yml := "version: 1\nsources:\n"
	for pi, p := range portals {
		issuer := "示例市" + p.name + "人民政府"
		var rows []testsite.Link
		for i := range 10 {
			y := 2024 - i
			r := synth.Generate(int64(300+pi*20+i), issuer, p.name, y, template.ForYear(y), 1)
			path := p.reportPath(y, i)
			put(p.host, path, synth.HTML(r, p.style))
			href := path
			if p.host == "trs" && i == 0 {
				href += "?from=list" // a tracking parameter: the same document
			}
			rows = append(rows, testsite.Link{Href: href, Text: synth.ReportTitle(r, p.style), Date: fmt.Sprintf("%d-02-05", y+1)})
			ss.want[srv.URL(p.host, path)] = "shape-" + p.host
			if i == 1 {
				rows = append(rows,
					testsite.Link{Href: p.dir + "jd/t1.html", Text: "图解:" + synth.ReportTitle(r, p.style)},
					testsite.Link{Href: "/zwgk/tzgg/t2.html", Text: "关于做好政务公开工作的通知"})
			}
		}
		if p.host == "trs" {
			// The first report again, linked without the parameter, and under a second path (same bytes).
			first := p.reportPath(2024, 0)
			body, _ := srv.Page("trs", first)
			ss.alias = "/xxgk/" + strings.TrimPrefix(first, "/zwgk/")
			put("trs", ss.alias, body.Body)
			p.listing.Unlisted = []testsite.Link{{Href: first, Text: rows[0].Text}, {Href: ss.alias, Text: rows[0].Text}}
		}
		for fp, b := range p.listing.Files(p.dir, rows) {
			put(p.host, fp, b)
		}
		put(p.host, "/robots.txt", []byte("User-agent: *\nDisallow: /admin/\n"))
		yml += fmt.Sprintf(`  - id: shape-%s
    issuer: %s
    jurisdiction: %s
    division_code: "%d"
    level: district
    start_urls: [{url: "%s"}]
    allowed_hosts: ["%s"]
`, p.host, issuer, p.name, 990101+pi, srv.URL(p.host, p.dir+"index.html"), srv.Addr(p.host))
	}
	reg, err := registry.Parse("shapes.yaml", []byte(yml))
	if err != nil {
		t.Fatal(err)
	}
	ss.reg = reg
	return ss
}

// TestListingShapes (#10): a Hanweb source (GBK, <datastore>, three more pages through dataproxy.jsp), a
// JSON-list source and a TRS source: every report found and stored exactly once (a tracking parameter and
// a second URL with the same bytes included), no duplicate raw versions; the second run makes only
// conditional requests (bar robots.txt and dataproxy.jsp's POSTs, which HTTP cannot make conditional) and
// writes nothing.
func TestListingShapes(t *testing.T) {
	t.Parallel()
	ss := newShapeSite(t)
	dir := t.TempDir()
	res := run(t, context.Background(), testConfig(&fixture{reg: ss.reg}, dir))
	got := byURL(t, dir)
	// The report served under two paths is stored under whichever was fetched first.
	aliasURL, aliasOf := ss.srv.URL("trs", ss.alias), ss.srv.URL("trs", "/zwgk/"+strings.TrimPrefix(ss.alias, "/xxgk/"))
	if len(got[aliasURL]) == 1 {
		aliasURL, aliasOf = aliasOf, aliasURL
		delete(ss.want, aliasURL)
		ss.want[aliasOf] = "shape-trs"
	}
	for u, src := range ss.want {
		if rs := got[u]; len(rs) != 1 || rs[0].Status != "ok" {
			t.Errorf("%s (%s): %d reports in the warehouse", u, src, len(rs))
		}
	}
	for u := range got {
		if ss.want[u] == "" {
			t.Errorf("unexpected report %s", u)
		}
	}
	vs, err := rawstore.ReadVersions(filepath.Join(dir, "raw"))
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]string{}
	for _, v := range vs {
		if prev, dup := sums[v.SourceID+v.SHA256]; dup {
			t.Errorf("two versions with the same bytes: %s and %s", prev, v.URL)
		}
		sums[v.SourceID+v.SHA256] = v.URL
	}
	if len(vs) != len(ss.want) {
		t.Errorf("%d versions, want %d", len(vs), len(ss.want))
	}
	for _, s := range res.Sources {
		if s.Reports != 10 || s.New != 10 || len(s.Problems) > 0 || s.Seconds <= 0 {
			t.Errorf("%s: %+v, want 10 reports found and new, no problem", s.ID, s)
		}
	}
	if st := res.Sources[2]; st.Duplicates != 1 {
		t.Errorf("trs: %d duplicates, want 1 (the second path)", st.Duplicates)
	}
	// Hanweb: the column page, then three POSTs with the page's form; JSON: the page, then three endpoint pages.
	var posts []string
	for _, r := range ss.srv.Log() {
		if r.Method == "POST" {
			posts = append(posts, r.Path)
			form, _ := url.ParseQuery(r.Form)
			for _, k := range []string{"col", "webid", "path", "columnid", "sourceContentType", "unitid", "webname", "permissiontype"} {
				if form.Get(k) == "" {
					t.Errorf("POST %s without %s: %s", r.Path, k, r.Form)
				}
			}
		}
	}
	wantPosts := []string{"?startrecord=4&endrecord=6&perpage=3", "?startrecord=7&endrecord=9&perpage=3", "?startrecord=10&endrecord=12&perpage=3"}
	if len(posts) != 3 {
		t.Errorf("POSTs to dataproxy.jsp: %q, want 3 (%v)", posts, wantPosts)
	}
	for _, w := range wantPosts {
		if !hasSub(posts, w) {
			t.Errorf("no POST for %s among %q", w, posts)
		}
	}
	counts := testsite.Counts(ss.srv.Log())
	for _, p := range []string{"/api/cms/list?channelId=1520&pageNo=1&pageSize=4", "/api/cms/list?channelId=1520&pageNo=3&pageSize=4"} {
		if counts["jsonlist "+p] != 1 {
			t.Errorf("jsonlist %s requested %d times", p, counts["jsonlist "+p])
		}
	}
	if n := counts["jsonlist /api/cms/list?channelId=1520&pageNo=4&pageSize=4"]; n != 0 {
		t.Error("a page past the last was requested")
	}
	for k, n := range counts {
		if n > 1 {
			t.Errorf("%s requested %d times", k, n)
		}
		if strings.Contains(k, "from=list") {
			t.Errorf("tracking parameter sent: %s", k)
		}
	}
	fetches, _ := rawstore.ReadFetches(filepath.Join(dir, "raw"))
	aliased := false
	for _, f := range fetches {
		if f.URL == aliasURL {
			aliased = f.DuplicateOf == aliasOf && f.ReportID != ""
		}
	}
	if !aliased {
		t.Error("the second URL's fetch does not name the document it duplicates")
	}

	// Run 2: nothing changed.
	ss.srv.ClearLog()
	res = run(t, context.Background(), testConfig(&fixture{reg: ss.reg}, dir))
	for _, r := range ss.srv.Log() {
		switch {
		case r.Path == "/robots.txt":
		case r.Method == "POST":
			if !strings.HasPrefix(r.Path, testsite.HanwebProxy) {
				t.Errorf("run 2: POST %s", r.Path)
			}
		case !r.Conditional() || r.Status != 304:
			t.Errorf("run 2: %s %s %s answered %d, conditional %v", r.Method, r.Host, r.Path, r.Status, r.Conditional())
		}
	}
	if res.Run.New != 0 || res.Run.Changed != 0 || res.Run.Failed != 0 || res.Run.Unchanged != 31 {
		t.Errorf("run 2: %+v, want 31 unchanged (30 reports and the second URL)", res.Run)
	}
	vs2, _ := rawstore.ReadVersions(filepath.Join(dir, "raw"))
	if len(vs2) != len(vs) {
		t.Errorf("run 2 wrote %d versions", len(vs2)-len(vs))
	}
	runs, _ := rawstore.ReadRuns(filepath.Join(dir, "raw"))
	last := runs[len(runs)-1]
	if len(last.PerSource) != 3 || last.PerSource[0].Pages != 4 || last.PerSource[1].Pages != 4 || last.PerSource[0].Reports != 10 ||
		last.PerSource[0].Links == 0 || last.PerSource[0].Seconds <= 0 {
		t.Errorf("runs.jsonl per source: %+v", last.PerSource)
	}
}

func hasSub(ss []string, sub string) bool {
	for _, s := range ss {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
