package charts

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gkbench/gkbench/pipeline/metrics"
)

// district is one row of the hand-made data: not-held applications over processed ones, new applications.
type district struct {
	name           string
	year           int
	held, proc, nr float64
}

var small = []district{
	{"东城区", 2020, 30, 100, 120}, {"西城区", 2020, 10, 50, 60}, {"朝阳区", 2020, 1, 4, 8},
	{"东城区", 2021, 20, 100, 110}, {"西城区", 2021, 30, 60, 70}, {"朝阳区", 2021, 12, 40, 50},
}

func ptr[T any](v T) *T { return &v }

func entityKey(d string) string { return "district_government|北京市|" + d }

// smallData builds consistent exports by hand: values, rankings (lower is better), peer stats, trends and
// quality rows for three districts in 2020 (2019 template) and 2021. 朝阳区's 2020 rate has a denominator
// below the minimum (unreliable).
func smallData(issuerCity string) *Data {
	d := &Data{}
	versions := map[int]string{2020: "2019", 2021: "2021"}
	byYear := map[int][]district{}
	for _, x := range small {
		byYear[x.year] = append(byYear[x.year], x)
	}
	for _, x := range small {
		issuer := issuerCity + x.name + "人民政府"
		id := x.name + itoa(x.year)
		rate := x.held / x.proc
		reliable := x.proc >= 5
		flags, flagsZH := []string{}, ""
		if !reliable {
			flags, flagsZH = []string{"small_denominator"}, "分母过小(<5),仅供参考"
		}
		base := metrics.Value{ReportID: id, EntityKey: entityKey(x.name), EntityName: issuer, Issuer: issuer,
			Jurisdiction: x.name, Level: DefaultLevel, Parent: "北京市", Year: ptr(x.year), TemplateVersion: versions[x.year],
			IsPrimary: true, ReportStatus: "ok"}
		v := base
		v.MetricKey, v.Name, v.Category, v.Unit, v.Direction, v.Scale = "unable_not_held_rate", "不掌握率", "办理结果", metrics.UnitRatio, "lower_better", 1
		v.Numerator, v.Denominator, v.Value, v.Reliable, v.Flags, v.FlagsZH = ptr(x.held), ptr(x.proc), ptr(rate), reliable, flags, flagsZH
		c := base
		c.MetricKey, c.Name, c.Category, c.Unit, c.Direction, c.Scale = "new_received", "新收申请量", "申请量", metrics.UnitCount, "neutral", 1
		c.Numerator, c.Value, c.Reliable = ptr(x.nr), ptr(x.nr), true
		d.Values = append(d.Values, v, c)
		d.Reports = append(d.Reports, metrics.QualityReport{ReportID: id, EntityKey: entityKey(x.name), EntityName: issuer,
			Issuer: issuer, Jurisdiction: x.name, Level: DefaultLevel, Year: ptr(x.year), TemplateVersion: versions[x.year],
			Status: "ok", IsPrimary: true, FactCount: 200, URL: "https://www.example.gov.cn/" + id + ".html"})
		// Rank among the year's peers: ascending rates.
		rank := 1
		for _, o := range byYear[x.year] {
			if o.held/o.proc < rate {
				rank++
			}
		}
		d.Rankings = append(d.Rankings, metrics.Ranking{Year: x.year, MetricKey: "unable_not_held_rate", Name: "不掌握率",
			Unit: metrics.UnitRatio, Direction: "lower_better", Level: DefaultLevel, Parent: "北京市", EntityKey: entityKey(x.name),
			EntityName: issuer, Issuer: issuer, Jurisdiction: x.name, ReportID: id, TemplateVersion: versions[x.year],
			Value: rate, Numerator: ptr(x.held), Denominator: ptr(x.proc), Reliable: reliable, Flags: flags, FlagsZH: flagsZH,
			Ranked: reliable, Rank: ptr(rank), RankedCount: 3, PeerCount: 3, Position: rank, Percentile: ptr(float64(3-rank) * 50)})
	}
	d.PeerStats = []metrics.PeerStat{
		{Year: 2021, MetricKey: "unable_not_held_rate", Level: DefaultLevel, Parent: "北京市", Members: 3, MembersWithValue: 3,
			MembersReliable: 3, P50: ptr(0.3), Pooled: ptr(62.0 / 200)},
	}
	d.Trends = []metrics.Trend{{EntityKey: entityKey("东城区"), MetricKey: "unable_not_held_rate", Year: 2021,
		Value: ptr(0.2), PrevYear: ptr(2020), PrevValue: ptr(0.3), Change: ptr(-0.1), Flags: []string{"version_change"}, FlagsZH: "模板版本变化"}}
	d.Missing = []metrics.MissingReport{{EntityKey: entityKey("朝阳区"), EntityName: issuerCity + "朝阳区人民政府",
		Level: DefaultLevel, Parent: "北京市", Year: 2022, Reason: "未找到该年度的报告"}}
	d.Identity = []metrics.IdentityFailure{{ReportID: "西城区2021", EntityKey: entityKey("西城区"),
		EntityName: issuerCity + "西城区人民政府", Year: ptr(2021), TemplateVersion: "2021", IsPrimary: true,
		CheckName: "t3_applicant_sum", Title: "总计等于自然人与法人或其他组织各列之和", TableKey: "applications", Scope: "row",
		Key: "unable_not_held", Expected: ptr(30.0), Actual: ptr(23.0), Difference: ptr(-7.0), AffectedMetrics: []string{"unable_not_held_rate"}}}
	return d
}

func renderSmall(t *testing.T, d *Data, opt Options) (string, Summary) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	if opt.Generated.IsZero() {
		opt.Generated = time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s, err := Render(d, dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	return dir, s
}

func readPage(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// pageCharts decodes a page's chart data.
func pageCharts(t *testing.T, page string) map[string]chartSpec {
	t.Helper()
	re := regexp.MustCompile(`(?s)<script type="application/json" id="gk-charts">(.*?)</script>`)
	m := re.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no chart data in page")
	}
	var specs []chartSpec
	if err := json.Unmarshal([]byte(m[1]), &specs); err != nil {
		t.Fatal(err)
	}
	out := map[string]chartSpec{}
	for _, s := range specs {
		out[s.ID] = s
	}
	return out
}

func TestFormatValue(t *testing.T) {
	for _, c := range []struct {
		v    float64
		unit string
		want string
	}{
		{0.518, metrics.UnitRatio, "51.8%"},
		{0, metrics.UnitRatio, "0.0%"},
		{1, metrics.UnitRatio, "100.0%"},
		{5472, metrics.UnitCount, "5,472 件"},
		{2.5, metrics.UnitCount, "2.5 件"},
		{1234567, metrics.UnitCount, "1,234,567 件"},
		{5098.4139, metrics.UnitTenThouYu, "5,098.4139 万元"},
		{25.1, metrics.UnitTenThouYu, "25.1 万元"},
		{28.514, metrics.UnitPer10k, "28.51 件/万人"},
		{6.8, metrics.UnitPer100, "6.80 件/百件"},
		{3, metrics.UnitItems, "3 项"},
	} {
		if got := formatValue(c.v, c.unit); got != c.want {
			t.Errorf("formatValue(%v, %s) = %q, want %q", c.v, c.unit, got, c.want)
		}
	}
	if got := formatNumber(nil); got != "—" {
		t.Errorf("nil number %q", got)
	}
	if got := formatNumber(ptr(-7.0)); got != "-7" {
		t.Errorf("formatNumber(-7) = %q", got)
	}
	for in, want := range map[string]string{"1305": "1,305", "-12345.6": "-12,345.6", "999": "999", "1000000": "1,000,000"} {
		if got := group(in); got != want {
			t.Errorf("group(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestAssignColors(t *testing.T) {
	keys := []string{"c", "a", "b", "d"}
	got := assignColors(keys, map[string]int{"a": 1})
	if got["a"] != palette[1] {
		t.Errorf("fixed slot ignored: %s", got["a"])
	}
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[got[k]] {
			t.Errorf("colour %s given twice", got[k])
		}
		seen[got[k]] = true
	}
	again := assignColors([]string{"d", "b", "a", "c"}, map[string]int{"a": 1})
	for _, k := range keys {
		if got[k] != again[k] {
			t.Errorf("%s: colour depends on input order (%s, %s)", k, got[k], again[k])
		}
	}
	// More keys than colours share colours without failing.
	var many []string
	for i := range 3 * len(palette) {
		many = append(many, "k"+itoa(i))
	}
	if m := assignColors(many, nil); len(m) != len(many) {
		t.Errorf("%d colours for %d keys", len(m), len(many))
	}
	// Beijing districts keep their GB/T 2260 slot: 东城区 first, 西城区 second, whatever else is present.
	if divisionSlot["东城区"] != 0 || divisionSlot["西城区"] != 1 || len(divisionSlot) != 16 {
		t.Errorf("division slots %v", divisionSlot)
	}
	m := newModel(smallData("北京市"), Options{})
	if c := m.entities[entityKey("西城区")].Color; c != palette[1] {
		t.Errorf("西城区 colour %s, want %s", c, palette[1])
	}
	var order []string
	for _, e := range m.compared {
		order = append(order, e.Label)
	}
	if !slices.Equal(order, []string{"东城区", "西城区", "朝阳区"}) {
		t.Errorf("district order %v", order)
	}
}

// TestRenderSmall checks the pages of the hand-made data: what is written, the ranking tables and chart
// data of both years, the unreliable mark and the template version of each year.
func TestRenderSmall(t *testing.T) {
	dir, sum := renderSmall(t, smallData("北京市"), Options{})
	nm := len(metrics.All())
	reports := map[string]bool{}
	for _, v := range smallData("北京市").Values {
		if v.IsPrimary {
			reports[v.ReportID] = true
		}
	}
	// index, metrics, districts, quality, method, downloads, compare, one source page per report
	if sum.Pages != 1+nm+3+3+1+len(reports) || sum.Metrics != nm || sum.Districts != 3 || sum.Sample || !slices.Equal(sum.Years, []int{2020, 2021, 2022}) {
		t.Errorf("summary %+v", sum)
	}
	page := readPage(t, dir, "metric-unable_not_held_rate.html")
	for _, want := range []string{
		`<option value="2021" selected>2021 年(2021 版)</option>`,
		`<option value="2020">2020 年(2019 试行版)</option>`,
		`2021 年(2021 版) · 北京市 各区(3 个) · 参与排名 3 个 · 同级中位数 30.0% · 合计口径 31.0%`,
		`"formatter":"中位数 30.0%"`, // the chart's median line prints the caption's figure
		// 朝阳区 2020: 1 of 4, unreliable, linked to its source.
		`<span class="v unreliable">25.0%<sup class="dagger" title="仅供参考">†</sup></span></a>`,
		`href="` + reportPage("朝阳区2020") + `#m-unable_not_held_rate"`,
		`<td class="num">1</td><td class="num">4</td>`,
		"t3_unable_not_held__total / t3_processed_total__total",
		"表三 本年度办理结果/无法提供/本机关不掌握相关政府信息 · 总计",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("metric page lacks %q", want)
		}
	}
	spec := pageCharts(t, page)["ranking-unable_not_held_rate"]
	if spec.Year != "2021" || len(spec.Years) != 2 || spec.Kind != "ranking" || spec.Unit != metrics.UnitRatio {
		t.Fatalf("ranking spec: year %q, %d years, kind %s", spec.Year, len(spec.Years), spec.Kind)
	}
	for year, want := range map[string][]string{"2020": {"西城区", "朝阳区", "东城区"}, "2021": {"东城区", "朝阳区", "西城区"}} {
		opt := spec.Years[year]
		b, _ := json.Marshal(opt)
		var o struct {
			YAxis []struct {
				Data    []string `json:"data"`
				Inverse bool     `json:"inverse"`
			} `json:"yAxis"`
			Series []struct {
				Data []point `json:"data"`
			} `json:"series"`
			Toolbox struct {
				Feature struct {
					SaveAsImage struct {
						Show bool   `json:"show"`
						Type string `json:"type"`
					} `json:"saveAsImage"`
				} `json:"feature"`
			} `json:"toolbox"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			t.Fatal(err)
		}
		if len(o.YAxis) != 1 || !slices.Equal(o.YAxis[0].Data, want) || !o.YAxis[0].Inverse {
			t.Errorf("%s: categories %+v, want %v", year, o.YAxis, want)
		}
		if !o.Toolbox.Feature.SaveAsImage.Show || o.Toolbox.Feature.SaveAsImage.Type != "png" {
			t.Errorf("%s: no save-as-image button", year)
		}
		for i, p := range o.Series[0].Data {
			x := find(small, want[i], year)
			if p.Value.(float64) != x.held/x.proc || p.Num.(float64) != x.held || p.Den.(float64) != x.proc || p.Unreliable != (x.proc < 5) {
				t.Errorf("%s %s: point %+v", year, want[i], p)
			}
		}
	}
	// Trend and heatmap carry every district.
	specs := pageCharts(t, page)
	if tr := specs["trend-unable_not_held_rate"]; len(tr.Option["series"].([]any)) != 3+1 { // and the median
		t.Errorf("trend series %v", tr.Option["series"])
	}
	// District page: the version-change note and the identity failure.
	dpage := readPage(t, dir, entityPage(entityKey("东城区")))
	if !strings.Contains(dpage, "-10.0 个百分点") || !strings.Contains(dpage, "模板变化") {
		t.Error("东城区 page lacks the change against 2020 and its template note")
	}
	xpage := readPage(t, dir, entityPage(entityKey("西城区")))
	if !strings.Contains(xpage, "总计等于自然人与法人或其他组织各列之和") || !strings.Contains(xpage, `表三 “无法提供/本机关不掌握相关政府信息”行`) {
		t.Error("西城区 page lacks its identity failure")
	}
	if !strings.Contains(readPage(t, dir, entityPage(entityKey("朝阳区"))), "未找到以下年度的报告:2022") {
		t.Error("朝阳区 page lacks the missing year")
	}
	// The index links every district and metric page.
	index := readPage(t, dir, "index.html")
	for _, e := range []string{"东城区", "西城区", "朝阳区"} {
		if !strings.Contains(index, `href="`+entityPage(entityKey(e))+`"`) {
			t.Errorf("index does not link %s", e)
		}
	}
	for _, m := range metrics.All() {
		if !strings.Contains(index, `href="`+metricPage(m.Key)+`"`) {
			t.Errorf("index does not link %s", m.Key)
		}
	}
}

func find(ds []district, name, year string) district {
	for _, d := range ds {
		if d.name == name && itoa(d.year) == year {
			return d
		}
	}
	return district{}
}

// TestUntrustedText: names and titles from crawled pages cannot inject markup or script anywhere, and a
// non-web URL is not linked.
func TestUntrustedText(t *testing.T) {
	const evil = `</script><script>alert(1)</script>`
	d := smallData("北京市")
	for i := range d.Values {
		if d.Values[i].Jurisdiction == "东城区" {
			d.Values[i].EntityName += evil
			d.Values[i].Jurisdiction += evil
		}
	}
	for i := range d.Rankings {
		if d.Rankings[i].Jurisdiction == "东城区" {
			d.Rankings[i].EntityName += evil
			d.Rankings[i].Jurisdiction += evil
		}
	}
	d.Reports[0].URL = "javascript:alert(2)"
	d.Docs = map[string]Doc{d.Reports[0].ReportID: {Title: "标题" + evil}}
	dir, _ := renderSmall(t, d, Options{})
	names, _ := filepath.Glob(filepath.Join(dir, "*.html"))
	for _, n := range names {
		page := readPage(t, dir, filepath.Base(n))
		if strings.Contains(page, "<script>alert") || strings.Contains(page, "javascript:") {
			t.Errorf("%s: untrusted text breaks out", filepath.Base(n))
		}
		if strings.Count(page, "<script") != strings.Count(page, "</script>") {
			t.Errorf("%s: unbalanced script tags", filepath.Base(n))
		}
	}
	metric := readPage(t, dir, "metric-unable_not_held_rate.html")
	if !strings.Contains(metric, `\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e`) {
		t.Error("chart data does not carry the name escaped")
	}
	// The chart JSON still decodes to the original text: escaping changed nothing a chart shows.
	spec := pageCharts(t, metric)["ranking-unable_not_held_rate"]
	if b, _ := json.Marshal(spec.Years["2021"]["yAxis"]); !strings.Contains(string(b), `东城区\u003c/script\u003e`) {
		t.Errorf("chart label lost: %s", b)
	}
	dpage := readPage(t, dir, entityPage(entityKey("东城区")))
	if !strings.Contains(dpage, "标题&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the report title is not shown as text")
	}
}

func TestSampleBanner(t *testing.T) {
	for _, c := range []struct {
		city, banner, want string
	}{
		{"北京市", "", ""},
		{"示例市", "", DefaultSampleBanner},
		{"北京市", "测试数据,请勿引用", "测试数据,请勿引用"},
	} {
		dir, sum := renderSmall(t, smallData(c.city), Options{SampleBanner: c.banner})
		for _, name := range []string{"index.html", "method.html", "metric-new_received.html", entityPage(entityKey("东城区"))} {
			page := readPage(t, dir, name)
			has := strings.Contains(page, `<div class="banner"`)
			if has != (c.want != "") || (c.want != "" && !strings.Contains(page, c.want)) {
				t.Errorf("%s %q, %s: banner %v", c.city, c.banner, name, has)
			}
		}
		if sum.Sample != (c.want != "") {
			t.Errorf("%s: Summary.Sample = %v", c.city, sum.Sample)
		}
	}
}

// TestAssetsOffline: go-echarts is pointed at the site's assets folder, ECharts and its licence are
// written there from the binary, and nothing in the CSS or pages fetches from elsewhere.
func TestAssetsOffline(t *testing.T) {
	if got := assetScripts(); !slices.Equal(got, []string{"assets/echarts.min.js"}) {
		t.Errorf("go-echarts assets %v", got)
	}
	dir, _ := renderSmall(t, smallData("北京市"), Options{})
	js, err := os.ReadFile(filepath.Join(dir, "assets", "echarts.min.js"))
	if err != nil || len(js) < 500_000 || !bytes.Contains(js[:1000], []byte("Apache Software Foundation")) {
		t.Errorf("echarts.min.js missing or not ECharts (%d bytes, %v)", len(js), err)
	}
	for _, f := range []string{"echarts-LICENSE.txt", "echarts-NOTICE.txt", "site.js", "site.css"} {
		if _, err := os.Stat(filepath.Join(dir, "assets", f)); err != nil {
			t.Error(err)
		}
	}
	css := readPage(t, dir, "assets/site.css")
	if !strings.Contains(css, `"Noto Sans CJK SC"`) || !strings.Contains(css, "@media print") || strings.Contains(css, "url(") {
		t.Error("site.css: CJK font stack, print rules, no external resources")
	}
	page := readPage(t, dir, "metric-unable_not_held_rate.html")
	for _, want := range []string{`<script src="assets/echarts.min.js"></script>`, `Content-Security-Policy`, `script-src 'self'`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if regexp.MustCompile(`(src|href)="(https?:)?//`).MatchString(page) {
		t.Error("a page resource is absolute")
	}
}

func TestRenderReplaceSafety(t *testing.T) {
	d := smallData("北京市")
	foreign := t.TempDir()
	if err := os.WriteFile(filepath.Join(foreign, "notes.txt"), []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Render(d, foreign, Options{}); err == nil || !strings.Contains(err.Error(), "不是本程序生成的网站") {
		t.Errorf("rendering over a foreign folder: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(foreign, "notes.txt")); string(b) != "keep" {
		t.Error("foreign folder touched")
	}
	dir, _ := renderSmall(t, d, Options{})
	if err := os.WriteFile(filepath.Join(dir, "stale.html"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Render(d, dir, Options{}); err != nil {
		t.Fatalf("rebuild over its own site: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "stale.html")); err == nil {
		t.Error("stale page survived a rebuild")
	}
	if _, err := Render(nil, dir, Options{}); err == nil {
		t.Error("nil data accepted")
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".site.build-*"))
	if len(left) != 0 {
		t.Errorf("temporary folders left: %v", left)
	}
}

// TestEmptyData: a site without values still builds, and metric pages say there is nothing to chart.
func TestEmptyData(t *testing.T) {
	dir, sum := renderSmall(t, &Data{}, Options{})
	if sum.Districts != 0 || sum.Charts != 0 || sum.Metrics != len(metrics.All()) {
		t.Errorf("summary %+v", sum)
	}
	if page := readPage(t, dir, "metric-granted_rate.html"); !strings.Contains(page, "同级机关均无此指标的数值") || strings.Contains(page, "gk-charts") {
		t.Error("empty metric page")
	}
}

func TestSnapshots(t *testing.T) {
	d := smallData("北京市")
	src := t.TempDir()
	body := []byte("<html><script>alert(3)</script>东城区</html>")
	sum := sha256.Sum256(body)
	good := filepath.Join(src, "good.html")
	bad := filepath.Join(src, "bad.html")
	os.WriteFile(good, body, 0o644)
	os.WriteFile(bad, append(body, '!'), 0o644)
	h := hex.EncodeToString(sum[:])
	d.Docs = map[string]Doc{
		"东城区2020": {Format: "html", SHA256: h, Snapshot: good},
		"西城区2020": {Format: "html", SHA256: h[:63] + "0", Snapshot: bad}, // bytes changed since import
	}
	dir, s := renderSmall(t, d, Options{})
	if s.Snapshots != 1 {
		t.Errorf("%d snapshots copied, want 1", s.Snapshots)
	}
	got, err := os.ReadFile(filepath.Join(dir, "raw", h+".txt"))
	if err != nil || !bytes.Equal(got, body) {
		t.Errorf("snapshot: %v", err)
	}
	if !strings.Contains(readPage(t, dir, entityPage(entityKey("东城区"))), `href="raw/`+h+`.txt"`) {
		t.Error("东城区 page does not link its snapshot")
	}
	if strings.Contains(readPage(t, dir, entityPage(entityKey("西城区"))), `class="snap"`) {
		t.Error("a snapshot whose bytes changed is linked")
	}
}

func TestHandler(t *testing.T) {
	d := smallData("北京市")
	src := filepath.Join(t.TempDir(), "a.html")
	body := []byte("<html><script>alert(3)</script></html>")
	os.WriteFile(src, body, 0o644)
	sum := sha256.Sum256(body)
	h := hex.EncodeToString(sum[:])
	d.Docs = map[string]Doc{"东城区2020": {Format: "html", SHA256: h, Snapshot: src}}
	dir, _ := renderSmall(t, d, Options{})
	srv := httptest.NewServer(Handler(dir))
	defer srv.Close()
	for _, c := range []struct {
		method, path string
		code         int
		ctype        string
	}{
		{"GET", "/", 200, "text/html; charset=utf-8"},
		{"GET", "/index.html", 200, "text/html; charset=utf-8"},
		{"HEAD", "/method.html", 200, "text/html; charset=utf-8"},
		{"GET", "/raw/" + h + ".txt", 200, "text/plain"},
		{"GET", "/data/", 404, ""},
		{"GET", "/raw/", 404, ""},
		{"GET", "/" + marker, 404, ""},
		{"GET", "/../go.mod", 404, ""},
		{"POST", "/index.html", 405, ""},
	} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.code {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, resp.StatusCode, c.code)
		}
		if c.ctype != "" && resp.Header.Get("Content-Type") != c.ctype {
			t.Errorf("%s: Content-Type %q", c.path, resp.Header.Get("Content-Type"))
		}
		if c.code == 200 && (resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'")) {
			t.Errorf("%s: security headers missing", c.path)
		}
	}
}

func TestLoopbackAddr(t *testing.T) {
	for _, c := range []struct {
		in     string
		remote bool
		want   string
		ok     bool
	}{
		{"", false, "127.0.0.1:8080", true},
		{":9000", false, "127.0.0.1:9000", true},
		{"127.0.0.1:0", false, "127.0.0.1:0", true},
		{"localhost:8080", false, "localhost:8080", true},
		{"[::1]:8080", false, "[::1]:8080", true},
		{"0.0.0.0:8080", false, "", false},
		{"192.168.1.2:80", false, "", false},
		{"192.168.1.2:80", true, "192.168.1.2:80", true},
		{"8080", false, "", false},
	} {
		got, err := loopbackAddr(c.in, c.remote)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("loopbackAddr(%q, %v) = %q, %v", c.in, c.remote, got, err)
		}
	}
}

func TestServe(t *testing.T) {
	dir, _ := renderSmall(t, smallData("北京市"), Options{})
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, dir, ServeOptions{Addr: "127.0.0.1:0", Ready: func(u string) { urls <- u }})
	}()
	var u string
	select {
	case u = <-urls:
	case err := <-done:
		t.Fatal(err)
	case <-time.After(5 * time.Second):
		t.Fatal("server did not start")
	}
	resp, err := http.Get(u + "index.html")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(u, "http://127.0.0.1:") || !bytes.Contains(b, []byte("<title>总览")) {
		t.Errorf("%s: %.100s", u, b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if err := Serve(context.Background(), t.TempDir(), ServeOptions{}); err == nil || !strings.Contains(err.Error(), "没有网站") {
		t.Errorf("serving an empty folder: %v", err)
	}
	if err := Serve(context.Background(), dir, ServeOptions{Addr: "0.0.0.0:0"}); err == nil {
		t.Error("served on all interfaces")
	}
}

func TestComparableAcrossVersions(t *testing.T) {
	for key, want := range map[string]bool{
		"unable_not_held_rate":      true,
		"other_rate":                false, // one 其他处理 row in 2019, three in 2021
		"v2019_normative_docs_made": false,
		"normative_docs_issued":     false,
	} {
		m, ok := metrics.Lookup(key)
		if !ok {
			t.Fatalf("no metric %s", key)
		}
		if got, note := comparableAcrossVersions(&m); got != want || (!got && note == "") {
			t.Errorf("%s: comparable %v (%q), want %v", key, got, note, want)
		}
	}
}

// TestBadNumbers: non-finite numbers and nameless entities from a damaged file still give a site.
func TestBadNumbers(t *testing.T) {
	d := smallData("北京市")
	nan, inf := math.NaN(), math.Inf(1)
	d.Values[0].Value, d.Values[0].Denominator = &nan, &inf
	d.Rankings[1].Value = inf
	d.PeerStats[0].P50 = &nan
	d.Values[2].EntityName, d.Values[2].Jurisdiction = "", ""
	dir, sum := renderSmall(t, d, Options{})
	if sum.Pages == 0 {
		t.Fatal("no pages")
	}
	page := readPage(t, dir, "metric-unable_not_held_rate.html")
	specs := pageCharts(t, page) // decodes: no NaN in the JSON
	if len(specs) != 3 || strings.Contains(page, "NaN") || strings.Contains(page, "+Inf") {
		t.Errorf("%d charts; non-finite numbers printed", len(specs))
	}
}
