package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/gkbench/gkbench/pipeline/metrics"
)

// TestSiteContent builds the site from the fixture warehouse and reads its pages without a browser: titles,
// figures equal to the generated reports, the defects shown where they belong, every link resolving, nothing
// loaded from another origin and the script-carrying title shown as text.
func TestSiteContent(t *testing.T) {
	f := buildSiteFixture(t)
	nMetrics := len(metrics.All())
	// index, metrics, districts, quality, method, downloads, compare, and a source page per primary report
	// (4 districts × 4 years, 西城区 without 2021).
	if s := f.summary; s.Districts != len(fxDistricts) || s.Metrics != nMetrics || s.Pages != 1+nMetrics+len(fxDistricts)+3+1+15 ||
		s.Downloads != len(metrics.Outputs) || s.Snapshots != 4*4-1+1 || s.Sample {
		t.Errorf("summary %+v", s)
	}
	pages := sitePages(t, f.site)

	t.Run("index", func(t *testing.T) {
		doc := pages["index.html"]
		if got := text(find(doc, tag("title"))[0]); got != "总览 · 政府信息公开工作年度报告 比较分析" {
			t.Errorf("title %q", got)
		}
		if len(find(doc, class("banner"))) != 0 {
			t.Error("sample banner shown for Beijing data")
		}
		// Coverage: 西城区 has no 2021 report, 海淀区's 2022 report fails an identity.
		cov := tableRows(find(doc, class("coverage"))[0])
		years := []string{"2020", "2021", "2022", "2023"}
		want := map[string][]string{
			"北京市东城区人民政府": {"✓", "✓", "✓", "✓"},
			"北京市西城区人民政府": {"✓", "缺", "✓", "✓"},
			"北京市海淀区人民政府": {"✓", "✓", "✓!", "✓"},
			"北京市丰台区人民政府": {"✓", "✓", "✓", "✓"},
		}
		for name, cells := range want {
			if got := cov[name]; !slices.Equal(got, cells) {
				t.Errorf("coverage %s = %q, want %q (years %v)", name, got, cells, years)
			}
		}
		// Latest headline figures: 2023, new applications as printed in the report.
		latest := tableRows(find(doc, attrIs("id", "latest"))[0])
		for _, d := range fxDistricts {
			row := latest[d.name]
			if len(row) < 3 || row[0] != "2023" || row[1] != "2021版" {
				t.Errorf("latest %s: %q", d.name, row)
				continue
			}
			if want := fmt.Sprint(f.figure(t, d.name, 2023, "new_received", "total")); !strings.HasPrefix(row[2], want) {
				t.Errorf("latest %s new_received %q, want %s", d.name, row[2], want)
			}
		}
	})

	t.Run("metric", func(t *testing.T) {
		const key = "unable_not_held_rate"
		doc := pages["metric-"+key+".html"]
		if got := text(find(doc, tag("h1"))[0]); got != "不掌握率" {
			t.Errorf("h1 %q", got)
		}
		opts := find(doc, tag("option"))
		var labels []string
		for _, o := range opts {
			labels = append(labels, text(o))
		}
		if !slices.Equal(labels, []string{"2023 年(2021 版)", "2022 年(2021 版)", "2021 年(2021 版)", "2020 年(2019 试行版)"}) {
			t.Errorf("year switch %q", labels)
		}
		spec := chartSpecs(t, doc)["ranking-"+key]
		for year := fxFirst; year <= fxLast; year++ {
			tables := find(doc, func(n *html.Node) bool {
				return attr(n, "data-year-of") == "ranking-"+key && attr(n, "data-year") == fmt.Sprint(year)
			})
			if len(tables) != 1 {
				t.Fatalf("%d: %d ranking tables", year, len(tables))
			}
			rows := tableRows(tables[0])
			type entry struct {
				name string
				rate float64
			}
			var order []entry
			for _, d := range fxDistricts {
				if f.reports[d.name][year] == nil {
					if _, ok := rows[d.name]; ok {
						t.Errorf("%d: %s ranked without a report", year, d.name)
					}
					continue
				}
				held := f.figure(t, d.name, year, "unable_not_held", "total")
				proc := f.figure(t, d.name, year, "processed_total", "total")
				rate := held / proc
				order = append(order, entry{d.name, rate})
				row := rows[d.name] // rank, value, numerator, denominator, percentile, template, flags
				wantVal := fmt.Sprintf("%.1f%%", rate*100)
				broken := d.name == "海淀区" && year == 2022
				if broken {
					wantVal += "†"
				}
				if len(row) < 6 || row[1] != wantVal || row[2] != thousands(held) || row[3] != thousands(proc) {
					t.Errorf("%d %s: row %q, want %s (%v / %v)", year, d.name, row, wantVal, held, proc)
				}
				if broken && !strings.Contains(row[6], "勾稽") {
					t.Errorf("%d %s: flags %q", year, d.name, row[6])
				}
				if wantVer := map[bool]string{true: "2019试行版", false: "2021版"}[year == 2020]; len(row) > 5 && row[5] != wantVer {
					t.Errorf("%d %s: template %q", year, d.name, row[5])
				}
			}
			// The chart's data for this year: lower is better, so ascending, with numerator and denominator; the
			// unreliable value (海淀区 2022) listed after the ranked ones.
			slices.SortStableFunc(order, func(a, b entry) int {
				ua, ub := a.name == "海淀区" && year == 2022, b.name == "海淀区" && year == 2022
				if ua != ub {
					return map[bool]int{true: 1, false: -1}[ua]
				}
				return cmpFloat(a.rate, b.rate)
			})
			opt := spec.Years[fmt.Sprint(year)]
			if opt == nil {
				t.Fatalf("%d: no chart option", year)
			}
			var yAxis []struct {
				Data []string `json:"data"`
			}
			var series []struct {
				Data []struct {
					Value      float64 `json:"value"`
					Num, Den   float64
					Unreliable bool `json:"unreliable"`
				} `json:"data"`
			}
			decode(t, opt["yAxis"], &yAxis)
			decode(t, opt["series"], &series)
			if len(yAxis) != 1 || len(series) != 1 || len(yAxis[0].Data) != len(order) || len(series[0].Data) != len(order) {
				t.Fatalf("%d: chart axes %v, series %v", year, yAxis, series)
			}
			for i, e := range order {
				pt := series[0].Data[i]
				if yAxis[0].Data[i] != e.name || math.Abs(pt.Value-e.rate) > 1e-12 {
					t.Errorf("%d: bar %d = %s %v, want %s %v", year, i, yAxis[0].Data[i], pt.Value, e.name, e.rate)
				}
				if pt.Unreliable != (e.name == "海淀区" && year == 2022) {
					t.Errorf("%d %s: unreliable = %v", year, e.name, pt.Unreliable)
				}
			}
		}
		if spec.Year != "2023" || spec.Kind != "ranking" {
			t.Errorf("default year %q kind %q", spec.Year, spec.Kind)
		}
		if !strings.Contains(render(doc), "t3_unable_not_held__total / t3_processed_total__total") {
			t.Error("SQL of the formula missing")
		}
	})

	t.Run("template versions", func(t *testing.T) {
		// Table-2 metrics of one version never show years of the other.
		for key, want := range map[string][]string{
			"v2019_normative_docs_made": {"2020"},
			"normative_docs_issued":     {"2023", "2022", "2021"},
		} {
			spec := chartSpecs(t, pages["metric-"+key+".html"])["ranking-"+key]
			var got []string
			for _, o := range find(pages["metric-"+key+".html"], tag("option")) {
				got = append(got, attr(o, "value"))
			}
			if !slices.Equal(got, want) || len(spec.Years) != len(want) {
				t.Errorf("%s: years %q (chart %d), want %q", key, got, len(spec.Years), want)
			}
		}
		if !strings.Contains(render(pages["method.html"]), "国办公开办函〔2019〕60号") {
			t.Error("method page lacks the template versions")
		}
	})

	t.Run("districts", func(t *testing.T) {
		byName := map[string]*html.Node{}
		for name, doc := range pages {
			if strings.HasPrefix(name, "district-") {
				byName[text(find(doc, tag("h1"))[0])] = doc
			}
		}
		for _, d := range fxDistricts {
			doc := byName["北京市"+d.name+"人民政府"]
			if doc == nil {
				t.Fatalf("no page for %s (have %v)", d.name, keys(byName))
			}
			// Every report links its source page and its snapshot, which holds the exact bytes served.
			reports := find(doc, attrIs("id", "reports"))[0]
			srcs := find(reports, class("src"))
			snaps := find(reports, class("snap"))
			wantReports := len(f.reports[d.name])
			if d.name == "东城区" {
				wantReports++ // the edited version
			}
			if len(srcs) != wantReports || len(snaps) != wantReports {
				t.Errorf("%s: %d source links, %d snapshots, want %d", d.name, len(srcs), len(snaps), wantReports)
			}
			for year, u := range f.urls[d.name] {
				if !slices.ContainsFunc(srcs, func(n *html.Node) bool { return attr(n, "href") == u }) {
					t.Errorf("%s %d: no link to %s", d.name, year, u)
				}
			}
			for _, s := range snaps {
				b, err := os.ReadFile(filepath.Join(f.site, filepath.FromSlash(attr(s, "href"))))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Contains(b, []byte(d.name)) {
					t.Errorf("%s: snapshot %s is not its page", d.name, attr(s, "href"))
				}
			}
			// Metric rows: the 2023 new applications as printed.
			rows := tableRows(find(doc, class("metrics-table"))[0])
			if got, want := rows["新收申请量"], fmt.Sprint(f.figure(t, d.name, 2023, "new_received", "total")); len(got) < 4 || !strings.HasPrefix(got[3], want) {
				t.Errorf("%s: 新收申请量 %q, want 2023 = %s", d.name, got, want)
			}
		}
		page := render(byName["北京市丰台区人民政府"])
		if !strings.Contains(page, "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Error("丰台区: the script title is not shown as text")
		}
		if got := len(find(byName["北京市海淀区人民政府"], attrIs("id", "identity"))); got != 1 {
			t.Error("海淀区: no identity section")
		}
		if id := render(find(byName["北京市海淀区人民政府"], attrIs("id", "identity"))[0]); !strings.Contains(id, "2022") || !strings.Contains(id, "不掌握率") {
			t.Errorf("海淀区 identity section: %s", id)
		}
		if ed := find(byName["北京市东城区人民政府"], attrIs("id", "edited")); len(ed) != 1 || !strings.Contains(render(ed[0]), f.urls["东城区"][2022]) {
			t.Error("东城区: the edited 2022 page is not listed")
		}
		if !strings.Contains(render(byName["北京市西城区人民政府"]), "未找到以下年度的报告:2021") {
			t.Error("西城区: the missing 2021 report is not stated")
		}
	})

	t.Run("quality and downloads", func(t *testing.T) {
		ids, err := metrics.ReadIdentityFailures(f.out)
		if err != nil {
			t.Fatal(err)
		}
		q := find(pages["quality.html"], attrIs("id", "identity"))[0]
		if got := len(find(q, tag("tr"))) - 1; len(ids) == 0 || got != len(ids) {
			t.Errorf("quality page lists %d identity failures, analysis has %d", got, len(ids))
		}
		miss := render(find(pages["quality.html"], attrIs("id", "missing"))[0])
		if !strings.Contains(miss, "北京市西城区人民政府") || !strings.Contains(miss, "2021") {
			t.Error("missing report not listed")
		}
		for _, o := range metrics.Outputs {
			for _, ext := range []string{".csv", ".parquet"} {
				rel := "data/" + o.Name + ext
				if len(find(pages["downloads.html"], attrIs("href", rel))) != 1 {
					t.Errorf("downloads page does not link %s", rel)
				}
				a, _ := os.ReadFile(filepath.Join(f.out, o.Name+ext))
				b, _ := os.ReadFile(filepath.Join(f.site, filepath.FromSlash(rel)))
				if len(a) == 0 || !bytes.Equal(a, b) {
					t.Errorf("%s differs from the export", rel)
				}
			}
		}
	})

	t.Run("offline and links", func(t *testing.T) {
		for name, doc := range pages {
			checkPage(t, f.site, name, doc)
		}
		for _, a := range []string{"echarts.min.js", "echarts-LICENSE.txt", "echarts-NOTICE.txt", "site.js", "site.css"} {
			if _, err := os.Stat(filepath.Join(f.site, "assets", a)); err != nil {
				t.Error(err)
			}
		}
	})
}

// checkPage: every relative link and resource resolves to a file of the site; the only absolute http(s)
// addresses are links to source pages (a.src, which browse away and load nothing); chart data is valid
// JSON without a raw "<"; the script title never appears unescaped.
func checkPage(t *testing.T, site, name string, doc *html.Node) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(site, name))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(scriptTitle)) || bytes.Contains(raw, []byte("<script>alert")) {
		t.Errorf("%s: the script title appears unescaped", name)
	}
	var sources []*html.Node
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "a" && hasClass(n, "src") {
			sources = append(sources, n)
		}
	})
	inSource := func(n *html.Node) bool {
		for p := n; p != nil; p = p.Parent {
			if slices.Contains(sources, p) {
				return true
			}
		}
		return false
	}
	walk(doc, func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			if n.Parent != nil && n.Parent.Data == "script" {
				if attr(n.Parent, "type") != "application/json" {
					t.Errorf("%s: inline script", name)
				}
				var v any
				if err := json.Unmarshal([]byte(n.Data), &v); err != nil || strings.Contains(n.Data, "<") {
					t.Errorf("%s: chart data not plain JSON (%v)", name, err)
				}
			}
			if hasExternal(n.Data) && !inSource(n) {
				t.Errorf("%s: external address in text %q", name, strings.TrimSpace(n.Data))
			}
		case html.ElementNode:
			for _, a := range n.Attr {
				isLink := a.Key == "href" || a.Key == "src"
				if hasExternal(a.Val) && !(a.Key == "href" && slices.Contains(sources, n)) {
					t.Errorf("%s: <%s %s=%q> leaves the site", name, n.Data, a.Key, a.Val)
				}
				if a.Key == "href" && slices.Contains(sources, n) {
					if rel := attr(n, "rel"); !strings.Contains(rel, "noreferrer") {
						t.Errorf("%s: source link without noreferrer", name)
					}
					continue
				}
				if !isLink || strings.HasPrefix(a.Val, "#") || strings.HasPrefix(a.Val, "data:") {
					continue
				}
				u, err := url.Parse(a.Val)
				if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(u.Path, "/") {
					t.Errorf("%s: <%s %s=%q> is not a relative address", name, n.Data, a.Key, a.Val)
					continue
				}
				if _, err := os.Stat(filepath.Join(site, filepath.FromSlash(u.Path))); err != nil {
					t.Errorf("%s: broken link %q", name, a.Val)
				}
				if u.Fragment != "" && u.Path != "" && strings.HasSuffix(u.Path, ".html") {
					target, _ := os.ReadFile(filepath.Join(site, u.Path))
					if !bytes.Contains(target, []byte(`id="`+u.Fragment+`"`)) {
						t.Errorf("%s: link %q to a missing anchor", name, a.Val)
					}
				}
			}
		}
	})
}

// hasExternal reports an http(s) address whose host is not 127.0.0.1.
func hasExternal(s string) bool {
	for _, scheme := range []string{"http://", "https://"} {
		rest := s
		for {
			i := strings.Index(rest, scheme)
			if i < 0 {
				break
			}
			rest = rest[i+len(scheme):]
			if !strings.HasPrefix(rest, "127.0.0.1") {
				return true
			}
		}
	}
	return false
}

// --- HTML helpers ---

func sitePages(t *testing.T, site string) map[string]*html.Node {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(site, "*.html"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no pages in %s: %v", site, err)
	}
	out := map[string]*html.Node{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		out[filepath.Base(n)] = doc
	}
	return out
}

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func find(n *html.Node, pred func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	walk(n, func(x *html.Node) {
		if x.Type == html.ElementNode && pred(x) {
			out = append(out, x)
		}
	})
	return out
}

func tag(name string) func(*html.Node) bool { return func(n *html.Node) bool { return n.Data == name } }

func class(c string) func(*html.Node) bool { return func(n *html.Node) bool { return hasClass(n, c) } }

func attrIs(k, v string) func(*html.Node) bool {
	return func(n *html.Node) bool { return attr(n, k) == v }
}

func hasClass(n *html.Node, c string) bool {
	return slices.Contains(strings.Fields(attr(n, "class")), c)
}

func attr(n *html.Node, k string) string {
	for _, a := range n.Attr {
		if a.Key == k {
			return a.Val
		}
	}
	return ""
}

// text is a node's text with runs of white space collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	walk(n, func(x *html.Node) {
		if x.Type == html.TextNode {
			b.WriteString(x.Data)
		}
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

func render(n *html.Node) string {
	var b bytes.Buffer
	_ = html.Render(&b, n)
	return b.String()
}

// tableRows maps the text of each row's header cell (<th>) to the texts of its other cells, spaces removed
// (ranking tables lead with the rank, a <td>, which stays first).
func tableRows(n *html.Node) map[string][]string {
	out := map[string][]string{}
	for _, tr := range find(n, tag("tr")) {
		var th string
		var cells []string
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch {
			case c.Data == "th" && th == "":
				th = text(c)
			case c.Data == "td" || c.Data == "th":
				cells = append(cells, strings.ReplaceAll(text(c), " ", ""))
			}
		}
		if th != "" {
			out[th] = cells
		}
	}
	return out
}

type siteChart struct {
	ID    string                    `json:"id"`
	Kind  string                    `json:"kind"`
	Unit  string                    `json:"unit"`
	Year  string                    `json:"year"`
	Years map[string]map[string]any `json:"years"`
}

func chartSpecs(t *testing.T, doc *html.Node) map[string]siteChart {
	t.Helper()
	s := find(doc, attrIs("id", "gk-charts"))
	if len(s) != 1 {
		t.Fatal("no chart data")
	}
	var specs []siteChart
	if err := json.Unmarshal([]byte(text(s[0])), &specs); err != nil {
		t.Fatal(err)
	}
	out := map[string]siteChart{}
	for _, c := range specs {
		out[c.ID] = c
	}
	return out
}

func decode(t *testing.T, v any, into any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, into); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
}

// thousands prints a whole number with thousands separators, as the site does.
func thousands(v float64) string {
	s := fmt.Sprint(v)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
