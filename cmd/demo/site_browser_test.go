package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/gkbench/gkbench/charts"
	"github.com/gkbench/gkbench/internal/browsertest"
	"github.com/gkbench/gkbench/pipeline/testsite"
)

// printWidth is A4's printable width at 96 px per inch: 210 mm less the 12 mm margins of site.css's @page.
const printWidth = 703

// TestDemoSiteInBrowser runs the demo and reads its site in headless Chromium the way an analyst would:
// rankings hold one peer group each (the real 丰台区, of 北京市, is never drawn among 示例市's districts); the
// sample's deliberate tie and its unreliable value render as specified; the best value of a lower-is-better
// metric has percentile 100; an address with a year and two districts reopens that view after a reload; the
// source trail of 丰台区 2023 不掌握率 shows 1305 and 2161 with their cells and the report's URL; no page
// scrolls sideways at 360 px; in print emulation no chart is wider than an A4 page and the toolbox is gone
// (screenshots kept under GKBENCH_SCREENSHOTS).
func TestDemoSiteInBrowser(t *testing.T) {
	browsertest.Chromium(t)
	dir := t.TempDir()
	var out bytes.Buffer
	log := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if err := demo(context.Background(), filepath.Join("..", "..", "data", "sample-city"), dir, &out, log); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	site := filepath.Join(dir, "site")
	srv := httptest.NewServer(charts.Handler(site))
	defer srv.Close()
	tab, bl := browsertest.Start(t, 1280, 900, 300*time.Second)
	shots := browsertest.ScreenshotDir(t)
	const metric = "metric-unable_not_held_rate.html"

	open := func(t *testing.T, path string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(tab, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"+path)); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		drawn := `(!document.getElementById('gk-charts') && !document.getElementById('gk-data')) || ` + browsertest.DrawnPredicate
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](drawn, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
			t.Fatalf("%s: charts not drawn: %v", path, err)
		}
	}
	eval := func(t *testing.T, js string, into any) {
		t.Helper()
		switch p := into.(type) {
		case *string:
			v, err := chromedp.Run(tab, chromedp.Evaluate[string](js))
			if err != nil {
				t.Fatalf("%s: %v", js, err)
			}
			*p = v
		case *bool:
			v, err := chromedp.Run(tab, chromedp.Evaluate[bool](js))
			if err != nil {
				t.Fatalf("%s: %v", js, err)
			}
			*p = v
		case *[]string:
			v, err := chromedp.Run(tab, chromedp.Evaluate[[]string](js))
			if err != nil {
				t.Fatalf("%s: %v", js, err)
			}
			*p = v
		case *[][]string:
			v, err := chromedp.Run(tab, chromedp.Evaluate[[][]string](js))
			if err != nil {
				t.Fatalf("%s: %v", js, err)
			}
			*p = v
		default:
			t.Fatalf("eval into %T", into)
		}
	}
	quiet := func(t *testing.T) {
		t.Helper()
		problems, requests := bl.Take()
		for _, p := range problems {
			t.Error(p)
		}
		for _, r := range requests {
			if u, err := url.Parse(r); err != nil || (u.Scheme != "data" && u.Scheme != "blob" && !strings.HasPrefix(r, srv.URL)) {
				t.Errorf("request outside the site: %s", r)
			}
		}
	}
	var sample []string
	for _, d := range testsite.CityDistricts {
		sample = append(sample, d.Name)
	}

	t.Run("peer groups", func(t *testing.T) {
		for _, page := range []string{metric, "metric-new_received.html", "metric-litigation_loss_rate.html"} {
			open(t, page)
			// Every year's ranking chart and table: 示例市's districts only.
			var labels []string
			eval(t, `(() => { const s = JSON.parse(document.getElementById('gk-charts').textContent).find(c => c.kind === 'ranking');
			  return Object.values(s.years).flatMap(o => o.yAxis[0].data); })()`, &labels)
			var rows []string
			eval(t, `Array.from(document.querySelectorAll('table.ranking tbody th')).map(th => th.innerText.trim())`, &rows)
			if len(labels) < 16 || len(rows) < 16 {
				t.Fatalf("%s: %d chart bars, %d table rows", page, len(labels), len(rows))
			}
			for _, l := range append(labels, rows...) {
				if !slices.Contains(sample, l) {
					t.Errorf("%s: %q drawn in 示例市's ranking", page, l)
				}
			}
			// 丰台区 2023 is listed apart, not ranked.
			var others []string
			eval(t, `Array.from(document.querySelectorAll('.year-table[data-year="2023"] .others li')).map(li => li.innerText)`, &others)
			if len(others) != 1 || !strings.Contains(others[0], "丰台区") || !strings.Contains(others[0], "北京市") {
				t.Errorf("%s: 其他地区(不参与排名) in 2023: %q", page, others)
			}
		}
		quiet(t)
	})

	t.Run("tie, dagger and percentile", func(t *testing.T) {
		open(t, metric+"?year=2023")
		var rows [][]string // rank, district, value, percentile
		eval(t, `Array.from(document.querySelectorAll('.year-table[data-year="2023"] table.ranking tbody tr')).map(tr =>
		  [tr.querySelector('td.rank').innerText, tr.querySelector('th').innerText.trim(), tr.querySelectorAll('td')[1].innerText.trim(), tr.querySelector('td.pct').innerText])`, &rows)
		if len(rows) != 16 {
			t.Fatalf("2023 ranking: %d rows %q", len(rows), rows)
		}
		rank := map[string][]string{}
		for i, r := range rows {
			rank[r[1]] = append(r, fmt.Sprint(i))
		}
		tie, with := name(testsite.TieHost), name(testsite.TieWith)
		if a, b := rank[tie], rank[with]; a == nil || b == nil || a[0] != b[0] || a[2] != b[2] || a[3] != b[3] {
			t.Errorf("tie: %s %q, %s %q", tie, a, with, b)
		} else {
			// The next rank skips: 1, 2, 2, 4.
			n := 0
			fmt.Sscan(a[0], &n)
			next := rows[max(atoi(a[4]), atoi(b[4]))+1]
			if next[0] != fmt.Sprint(n+2) {
				t.Errorf("after the tie at %d comes rank %s, want %d", n, next[0], n+2)
			}
		}
		dag := rank[name(testsite.DaggerHost)]
		if dag == nil || dag[0] != "未排名" || !strings.HasSuffix(dag[2], "†") || dag[3] != "—" || dag[4] != "15" {
			t.Errorf("unreliable value row %q, want last, 未排名, † and no percentile", dag)
		}
		var note string
		eval(t, `document.querySelector('.year-table[data-year="2023"] .unranked').innerText`, &note)
		if !strings.Contains(note, "另有 1 个区数值仅供参考,未排名") {
			t.Errorf("note %q", note)
		}
		// 不掌握率 is lower-is-better: the lowest value ranks first with percentile 100, the highest ranked has 0.
		if rows[0][0] != "1" || rows[0][3] != "100" || rows[14][3] != "0" {
			t.Errorf("first %q, last ranked %q", rows[0], rows[14])
		}
		var texts []string
		eval(t, `gkCharts['ranking-unable_not_held_rate'].getOption().series[0].data.map(d => d.key + ' ' + d.rankText + (d.unreliable ? ' †' : ''))`, &texts)
		if !slices.Contains(texts, tie+" 第 "+rank[tie][0]+"/15") || !slices.Contains(texts, name(testsite.DaggerHost)+" 未排名 †") {
			t.Errorf("chart points %q", texts)
		}
		quiet(t)
	})

	t.Run("a link keeps the view", func(t *testing.T) {
		a, b := name(testsite.TieWith), name(testsite.TieHost)
		open(t, metric+"?year=2021&hl="+url.QueryEscape(a+","+b))
		if err := chromedp.Do(tab, chromedp.Reload()); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(tab, chromedp.Poll[bool](browsertest.DrawnPredicate)); err != nil {
			t.Fatal(err)
		}
		var state []string
		eval(t, `[document.querySelector('select.year-select').value,
		  Array.from(document.querySelectorAll('.year-table')).filter(e => !e.hidden).map(e => e.dataset.year).join(),
		  Array.from(document.querySelectorAll('.chip[aria-pressed="true"]')).map(b => b.dataset.key).join(),
		  gkCharts['trend-unable_not_held_rate'].getOption().series.filter(s => s.lineStyle.width > 3).map(s => s.name).join()]`, &state)
		if want := []string{"2021", "2021", a + "," + b, a + "," + b}; !slices.Equal(state, want) {
			t.Errorf("reloaded view %q, want %q", state, want)
		}
		// Choosing another year writes it into the address.
		var loc string
		eval(t, `(() => { const s = document.querySelector('select.year-select'); s.value = '2022'; s.dispatchEvent(new Event('change')); return location.search; })()`, &loc)
		if q, _ := url.ParseQuery(strings.TrimPrefix(loc, "?")); q.Get("year") != "2022" || q.Get("hl") != a+","+b {
			t.Errorf("address after choosing 2022: %s", loc)
		}
		// The comparison page: two districts and a year, after a reload.
		open(t, "compare.html?d="+url.QueryEscape(a+","+b)+"&year=2021&metric=unable_not_held_rate")
		if err := chromedp.Do(tab, chromedp.Reload()); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(tab, chromedp.Poll[bool](browsertest.DrawnPredicate)); err != nil {
			t.Fatal(err)
		}
		eval(t, `[Array.from(document.querySelectorAll('#compare-table thead th')).slice(1).map(th => th.innerText.trim()).join(),
		  document.querySelector('#compare-table caption').innerText,
		  Array.from(document.querySelectorAll('input[name="d"]:checked')).map(i => i.value).join(),
		  gkCharts['compare-trend'].getOption().series.map(s => s.name).join(),
		  String(document.querySelectorAll('#compare-table tbody td').length)]`, &state)
		if state[0] != a+","+b || !strings.Contains(state[1], "2021") || state[2] != a+","+b || state[3] != a+","+b || atoi(state[4]) < 40 {
			t.Errorf("comparison after reload %q", state)
		}
		png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		browsertest.SavePNG(t, shots, "demo-compare.png", png)
		if png, err = chromedp.Run(tab, chromedp.CaptureScreenshot()); err != nil {
			t.Fatal(err)
		}
		browsertest.SavePNG(t, shots, "demo-compare-view.png", png) // README's picture
		quiet(t)
	})

	t.Run("source trail", func(t *testing.T) {
		open(t, metric+"?year=2023")
		// Keyboard: focus 丰台区's value and press Enter.
		sel := `.year-table[data-year="2023"] .others li a.src-link`
		if err := chromedp.Do(tab, chromedp.Focus(chromedp.CSS(sel)), chromedp.KeyEvent("\r"), chromedp.Sleep(300*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(tab, chromedp.Poll[bool](`location.pathname.startsWith('/report-') && document.readyState === 'complete'`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
			t.Fatalf("Enter on the value did not open its source: %v", err)
		}
		var trail, report, loc string
		eval(t, `location.hash`, &loc)
		eval(t, `document.getElementById('m-unable_not_held_rate').innerText`, &trail)
		eval(t, `document.getElementById('report').innerText`, &report)
		if loc != "#m-unable_not_held_rate" {
			t.Errorf("opened %s", loc)
		}
		for _, want := range []string{"1305", "2161", "表三", "无法提供/本机关不掌握相关政府信息", "总计", "分子", "分母", "60.4%", "勾稽关系均相符"} {
			if !strings.Contains(trail, want) {
				t.Errorf("source trail lacks %q:\n%s", want, trail)
			}
		}
		for _, want := range []string{"北京市丰台区人民政府", "2023", "2021 版", "/ftq/c100059/202402/aa2bfecf3a6a43f7a0e7fca9272d642b.shtml", "原始字节"} {
			if !strings.Contains(report, want) {
				t.Errorf("report header lacks %q:\n%s", want, report)
			}
		}
		png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		browsertest.SavePNG(t, shots, "demo-source-trail.png", png)
		if err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](`document.getElementById('m-unable_not_held_rate').scrollIntoView()`)); err != nil {
			t.Fatal(err)
		}
		if png, err = chromedp.Run(tab, chromedp.CaptureScreenshot()); err != nil {
			t.Fatal(err)
		}
		browsertest.SavePNG(t, shots, "demo-source-trail-view.png", png) // README's picture
		quiet(t)
	})

	t.Run("360 px", func(t *testing.T) {
		if _, err := chromedp.Call(tab, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 360, Height: 760, DeviceScaleFactor: 1, Mobile: true}); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(tab, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
		for _, page := range sitePages(t, site, 4) {
			open(t, page)
			var wide string
			eval(t, `(() => { const w = document.documentElement.clientWidth;
			  if (document.documentElement.scrollWidth <= w) return '';
			  const el = Array.from(document.querySelectorAll('body *')).find(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-scroll'));
			  return document.documentElement.scrollWidth + ' > ' + w + ': ' + (el ? el.tagName + '.' + el.className : '?'); })()`, &wide)
			if wide != "" {
				t.Errorf("%s scrolls sideways at 360 px: %s", page, wide)
			}
			if page == "index.html" || page == metric {
				png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				browsertest.SavePNG(t, shots, "mobile-360-"+strings.TrimSuffix(page, ".html")+".png", png)
			}
		}
		quiet(t)
	})

	t.Run("print A4", func(t *testing.T) {
		if _, err := chromedp.Call(tab, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: printWidth, Height: 1000, DeviceScaleFactor: 1}); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		defer chromedp.Call(tab, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
		pages := []string{"index.html", metric, "compare.html"}
		for _, p := range sitePages(t, site, 1) {
			if strings.HasPrefix(p, "district-") || strings.HasPrefix(p, "report-") {
				pages = append(pages, p)
			}
		}
		for _, page := range pages {
			open(t, page)
			states, err := chromedp.Run(tab, chromedp.Evaluate[[]browsertest.ChartState](browsertest.InspectCharts))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range states {
				if s.CSSW == 0 || s.CSSW > printWidth || s.Right > printWidth || s.Ink < browsertest.MinInk {
					t.Errorf("%s: chart %s in print: %+v (page %d px)", page, s.ID, s, printWidth)
				}
			}
			var ok bool
			eval(t, `matchMedia('print').matches && Object.values(window.gkCharts || {}).every(c => c.getOption().toolbox.every(tb => tb.show === false)) &&
			  getComputedStyle(document.querySelector('.print-header')).display !== 'none' && document.querySelector('.print-header').innerText.includes('示例数据')`, &ok)
			if !ok {
				t.Errorf("%s: in print the toolbox shows or the page header with source, date and sample marking is missing", page)
			}
			png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			short := strings.TrimSuffix(page, ".html")
			if strings.HasPrefix(short, "district-") || strings.HasPrefix(short, "report-") {
				short = strings.SplitN(short, "-", 2)[0]
			}
			browsertest.SavePNG(t, shots, "print-a4-"+short+".png", png)
		}
		quiet(t)
	})
}

// name is a sample district's name by host.
func name(host string) string {
	for _, d := range testsite.CityDistricts {
		if d.Host == host {
			return d.Name
		}
	}
	return host
}

func atoi(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}

// sitePages lists the site's pages: every page but the per-report source pages, of which it keeps reports.
func sitePages(t *testing.T, site string, reports int) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(site, "*.html"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no pages in %s: %v", site, err)
	}
	slices.Sort(names)
	var out []string
	for _, n := range names {
		b := filepath.Base(n)
		if strings.HasPrefix(b, "report-") {
			if reports == 0 {
				continue
			}
			reports--
		}
		if _, err := os.Stat(n); err == nil {
			out = append(out, b)
		}
	}
	return out
}
