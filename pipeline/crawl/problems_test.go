package crawl

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gkbench/gkbench/pipeline/fetch"
	"github.com/gkbench/gkbench/pipeline/rawstore"
	"github.com/gkbench/gkbench/pipeline/registry"
	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/template"
	"github.com/gkbench/gkbench/pipeline/testsite"
)

func oneSource(t *testing.T, id, start, host string) *registry.Registry {
	t.Helper()
	reg, err := registry.Parse(id+".yaml", []byte(fmt.Sprintf(`version: 1
sources:
  - id: %s
    issuer: 示例市%s区人民政府
    jurisdiction: %s区
    division_code: "990199"
    level: district
    start_urls: [{url: "%s"}]
    allowed_hosts: ["%s"]
`, id, id, id, start, host)))
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// TestSourceProblems (#10): a source whose listing pages hold no report link is a problem that names the
// pages read and their links; one that finds less than half the reports of the previous run (a redesign)
// is another. Both are counted in runs.jsonl.
func TestSourceProblems(t *testing.T) {
	t.Parallel()
	srv, err := testsite.Listen("site")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var rows []testsite.Link
	for i, y := range []int{2024, 2023, 2022, 2021, 2020, 2019} {
		r := synth.Generate(int64(700+i), "示例市北塘区人民政府", "北塘区", y, template.ForYear(y), 1)
		p := fmt.Sprintf("/zwgk/gknb/t%d_%d.html", y, i)
		srv.Put("site", p, &testsite.Page{Body: synth.HTML(r, synth.Style{})})
		rows = append(rows, testsite.Link{Href: p, Text: synth.ReportTitle(r, synth.Style{})})
	}
	l := testsite.Listing{Portal: "示例市北塘区人民政府", Column: "年报", PerPage: 10}
	srv.Put("site", "/zwgk/gknb/index.html", &testsite.Page{Body: l.Pages(rows)[0]})
	// The redesigned column: two reports left on the page, the others moved to a script nobody runs.
	srv.Put("site", "/zwgk/new/index.html", &testsite.Page{Body: l.Pages(rows[:2])[0]})
	// A column page with links, none to a report.
	srv.Put("site", "/zwgk/empty/index.html", &testsite.Page{Body: l.Pages([]testsite.Link{
		{Href: "/zwgk/tzgg/1.html", Text: "关于做好政务公开工作的通知"}, {Href: "/zwgk/jd/2.html", Text: "2023年政府信息公开工作年度报告解读"}})[0]})
	dir := t.TempDir()

	cfg := testConfig(&fixture{reg: oneSource(t, "empty", srv.URL("site", "/zwgk/empty/index.html"), srv.Addr("site"))}, dir)
	res := run(t, context.Background(), cfg)
	st := res.Sources[0]
	if len(st.Problems) != 1 || !strings.HasPrefix(st.Problems[0], ProblemNoReports) ||
		!strings.Contains(st.Problems[0], srv.URL("site", "/zwgk/empty/index.html")+"(链接 5 个)") || res.Run.SourcesEmpty != 1 {
		t.Errorf("empty listing: problems %q, run %+v", st.Problems, res.Run)
	}
	runs, _ := rawstore.ReadRuns(filepath.Join(dir, "raw"))
	if ps := runs[len(runs)-1].PerSource; len(ps) != 1 || len(ps[0].Problems) != 1 || runs[len(runs)-1].SourcesEmpty != 1 {
		t.Errorf("runs.jsonl: %+v", runs[len(runs)-1])
	}

	// Six reports, then the site is redesigned and shows two: a problem; then all six again: none.
	for i, tc := range []struct {
		start    string
		problems int
	}{{"/zwgk/gknb/index.html", 0}, {"/zwgk/new/index.html", 1}, {"/zwgk/gknb/index.html", 0}} {
		dir := filepath.Join(dir, "drop")
		reg := oneSource(t, "drop", srv.URL("site", tc.start), srv.Addr("site"))
		res := run(t, context.Background(), testConfig(&fixture{reg: reg}, dir))
		st := res.Sources[0]
		if len(st.Problems) != tc.problems || res.Run.SourcesDropped != tc.problems {
			t.Errorf("run %d (%s): %d reports, problems %q, dropped %d", i+1, tc.start, st.Reports, st.Problems, res.Run.SourcesDropped)
		}
		if tc.problems > 0 && (!strings.Contains(st.Problems[0], "从上次运行") || !strings.Contains(st.Problems[0], "的 6 份降到 2 份")) {
			t.Errorf("problem %q", st.Problems[0])
		}
	}
}

// TestDeadHosts (#10): with default settings, a host that accepts connections and never answers and one
// that refuses them each add at most ~20 s to a run (measured; their pages are asked DeadAfter times in
// all, then refused), are remembered in the raw store, and cost the next run one probe.
func TestDeadHosts(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for timeouts with the default settings (about 25 s)")
	}
	t.Parallel()
	silent, err := testsite.ListenSilent()
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	refused, err := testsite.RefusedAddr()
	if err != nil {
		t.Fatal(err)
	}
	reg, err := registry.Parse("dead.yaml", []byte(fmt.Sprintf(`version: 1
sources:
  - id: silent
    issuer: 示例市甲区人民政府
    jurisdiction: 甲区
    division_code: "990198"
    level: district
    start_urls: [{url: "http://%s/zwgk/gknb/"}, {url: "http://%s/zwgk/gknb/2023/"}]
    allowed_hosts: ["%s"]
  - id: refused
    issuer: 示例市乙区人民政府
    jurisdiction: 乙区
    division_code: "990197"
    level: district
    start_urls: [{url: "http://%s/zwgk/gknb/"}]
    allowed_hosts: ["%s"]
`, silent.Addr(), silent.Addr(), silent.Addr(), refused, refused)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := Config{Registry: reg, DataDir: dir, Log: testConfig(&fixture{}, dir).Log} // default fetch settings
	bound := fetch.Config{}.DeadHostBound()
	start := time.Now()
	res, err := Run(context.Background(), cfg)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("run 1 with a silent and a refusing host: %v (bound %v); silent host accepted %d connections", took.Round(10*time.Millisecond), bound, silent.Accepted())
	if took > bound+2*time.Second || took > 22*time.Second {
		t.Errorf("run 1 took %v, want at most the stated bound %v (~20 s)", took, bound)
	}
	if n := silent.Accepted(); n != 3 {
		t.Errorf("the silent host was tried %d times, want 3 in all", n)
	}
	if res.Run.SourcesBad != 2 || len(res.Sources[0].StartErrors) != 2 || !strings.Contains(res.Sources[0].StartErrors[1], "未响应") {
		t.Errorf("run 1: %+v %q", res.Run, res.Sources[0].StartErrors)
	}
	hosts, _ := rawstore.ReadHosts(filepath.Join(dir, "raw"))
	if len(hosts) != 2 || !hosts[0].Dead || !hosts[1].Dead {
		t.Errorf("hosts.jsonl: %+v", hosts)
	}

	// Run 2: each remembered host is probed once, and stays dead.
	silent.ResetCount()
	start = time.Now()
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	took = time.Since(start)
	t.Logf("run 2: %v; silent host accepted %d connections", took.Round(10*time.Millisecond), silent.Accepted())
	if n := silent.Accepted(); n != 1 {
		t.Errorf("run 2 tried the silent host %d times, want one probe", n)
	}
	if want := fetch.Defaults.AnswerTimeout + 2*time.Second; took > want {
		t.Errorf("run 2 took %v, want at most %v", took, want)
	}
}

// TestRedirectToOtherPort (#13 item 7): with 127.0.0.1:A allowed, a report link that redirects to
// 127.0.0.1:B is not followed (B is never asked) and nothing is stored; one that redirects to another
// source's host is fetched for that source only, not stored for this one.
func TestRedirectToOtherPort(t *testing.T) {
	t.Parallel()
	srv, err := testsite.Listen("a", "b", "c")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	rep := func(y int) *synth.Report {
		return synth.Generate(int64(800+y), "北京市平谷区人民政府", "平谷区", y, template.ForYear(y), 1)
	}
	for _, h := range []string{"b", "c"} {
		srv.Put(h, "/stolen.html", &testsite.Page{Body: synth.HTML(rep(2022), synth.Style{})})
	}
	srv.Put("a", "/r/2022.html", &testsite.Page{Status: 302, Location: srv.URL("b", "/stolen.html")})
	srv.Put("a", "/r/2021.html", &testsite.Page{Status: 302, Location: srv.URL("c", "/stolen.html")})
	srv.Put("a", "/r/2020.html", &testsite.Page{Body: synth.HTML(rep(2020), synth.Style{})})
	srv.Put("a", "/list/", &testsite.Page{Body: testsite.Listing{Portal: "北京市平谷区人民政府", Column: "年报"}.Pages([]testsite.Link{
		{Href: "/r/2022.html", Text: synth.ReportTitle(rep(2022), synth.Style{})},
		{Href: "/r/2021.html", Text: synth.ReportTitle(rep(2021), synth.Style{})},
		{Href: "/r/2020.html", Text: synth.ReportTitle(rep(2020), synth.Style{})}})[0]})
	reg, err := registry.Parse("r.yaml", []byte(fmt.Sprintf(`version: 1
sources:
  - id: pinggu
    issuer: 北京市平谷区人民政府
    jurisdiction: 平谷区
    division_code: "110117"
    level: district
    start_urls: [{url: "%s"}]
    allowed_hosts: ["%s"]
  - id: other
    issuer: 北京市怀柔区人民政府
    jurisdiction: 怀柔区
    division_code: "110116"
    level: district
    start_urls: [{url: "%s"}]
    allowed_hosts: ["%s"]
`, srv.URL("a", "/list/"), srv.Addr("a"), srv.URL("c", "/none/"), srv.Addr("c"))))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	res := run(t, context.Background(), testConfig(&fixture{reg: reg}, dir))
	for _, r := range srv.Log() {
		if r.Host == "b" {
			t.Errorf("the unlisted port was asked for %s", r.Path)
		}
	}
	got := byURL(t, dir)
	if len(got) != 1 || len(got[srv.URL("a", "/r/2020.html")]) != 1 {
		t.Errorf("warehouse: %v, want only the report on A", got)
	}
	errs := strings.Join(res.Sources[0].Errors, "\n")
	if !strings.Contains(errs, "不在允许列表中") || !strings.Contains(errs, "本来源不允许的主机") {
		t.Errorf("errors: %s", errs)
	}
}
