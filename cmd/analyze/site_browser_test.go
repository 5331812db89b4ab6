package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gkbench/gkbench/charts"
	"github.com/gkbench/gkbench/internal/browsertest"
)

// TestSiteInBrowser drives headless Chromium over the served fixture site: every page loads without a
// console error, every chart draws, the year switch re-ranks, nothing is requested outside 127.0.0.1, and
// the index and a metric page are kept as PNG screenshots.
func TestSiteInBrowser(t *testing.T) {
	browsertest.Chromium(t) // skips before the fixture is built when there is no browser
	start := time.Now()
	f := buildSiteFixture(t)
	srv := httptest.NewServer(charts.Handler(f.site)) // listens on 127.0.0.1
	defer srv.Close()
	base, err := url.Parse(srv.URL)
	if err != nil || base.Hostname() != "127.0.0.1" {
		t.Fatalf("server address %s", srv.URL)
	}

	tab, bl := browsertest.Start(t, 1280, 900, 150*time.Second)
	t.Logf("site and browser ready in %v", time.Since(start).Round(time.Millisecond))

	names, err := filepath.Glob(filepath.Join(f.site, "*.html"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	charts := 0
	for _, n := range names {
		name := filepath.Base(n)
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		hasCharts := strings.Contains(string(b), `id="gk-charts"`)
		pctx, cancel := context.WithTimeout(tab, 15*time.Second)
		err = chromedp.Do(pctx, chromedp.Navigate(srv.URL+"/"+name))
		if err == nil && hasCharts {
			_, err = chromedp.Run(pctx, chromedp.Poll[bool](browsertest.DrawnPredicate, chromedp.WithPollingTimeout(10*time.Second)))
		}
		var states []browsertest.ChartState
		if err == nil {
			// A drawn canvas may still be blank until the next frame; wait until each has ink.
			_, _ = chromedp.Run(pctx, chromedp.Poll[bool](strings.Replace(browsertest.InspectCharts, "))()", ")).every(r => r.ink >= "+fmt.Sprint(browsertest.MinInk)+")", 1),
				chromedp.WithPollingTimeout(3*time.Second)))
			states, err = chromedp.Run(pctx, chromedp.Evaluate[[]browsertest.ChartState](browsertest.InspectCharts))
		}
		cancel()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if hasCharts && len(states) == 0 {
			t.Errorf("%s: chart data but no chart", name)
		}
		for _, s := range states {
			charts++
			if !s.Canvas || s.W == 0 || s.Ink < browsertest.MinInk || s.Data == 0 {
				t.Errorf("%s: chart %s not drawn: %+v", name, s.ID, s)
			}
		}
		problems, requests := bl.Take()
		for _, p := range problems {
			t.Errorf("%s: %s", name, p)
		}
		for _, r := range requests {
			if u, err := url.Parse(r); err != nil || (u.Scheme != "data" && u.Scheme != "blob" && u.Host != base.Host) {
				t.Errorf("%s: request outside 127.0.0.1: %s", name, r)
			}
		}
		if len(requests) == 0 {
			t.Errorf("%s: no request seen (is the network listener working?)", name)
		}
	}
	if charts < 3*len(names)/2 {
		t.Errorf("only %d charts on %d pages", charts, len(names))
	}

	t.Run("year switch", func(t *testing.T) { yearSwitch(t, tab, srv.URL, f) })
	fengtai := ""
	for _, n := range names {
		b, _ := os.ReadFile(n)
		if strings.HasPrefix(filepath.Base(n), "district-") && strings.Contains(string(b), "北京市丰台区人民政府</h1>") {
			fengtai = filepath.Base(n)
		}
	}
	t.Run("script title", func(t *testing.T) {
		page := fengtai
		if page == "" {
			t.Fatal("丰台区 page not found")
		}
		err := chromedp.Do(tab, chromedp.Navigate(srv.URL+"/"+page))
		shown := false
		if err == nil {
			shown, err = chromedp.Run(tab, chromedp.Evaluate[bool](`document.querySelector('#reports').innerText.includes('`+scriptTitle+`')`))
		}
		if err != nil || !shown {
			t.Errorf("the title with a script tag is not shown as text (%v)", err)
		}
		problems, _ := bl.Take()
		for _, p := range problems {
			t.Error(p)
		}
	})
	t.Run("screenshots", func(t *testing.T) {
		dir := browsertest.ScreenshotDir(t)
		for _, shot := range []struct{ page, file string }{
			{"index.html", "index.png"},
			{"metric-unable_not_held_rate.html", "metric-unable_not_held_rate.png"},
			{fengtai, "district-fengtai.png"},
			{"quality.html", "quality.png"},
		} {
			if err := chromedp.Do(tab, chromedp.Navigate(srv.URL+"/"+shot.page), chromedp.Sleep(200*time.Millisecond)); err != nil {
				t.Fatal(err)
			}
			png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			browsertest.SavePNG(t, dir, shot.file, png)
		}
	})
	t.Logf("browser test took %v", time.Since(start).Round(time.Millisecond))
}

// yearSwitch changes the ranking chart of 不掌握率 from 2023 to 2021 and checks the chart and the table
// follow, in the order the fixture's figures give.
func yearSwitch(t *testing.T, tab context.Context, base string, f *siteFixture) {
	const id = "ranking-unable_not_held_rate"
	type ranking struct {
		Names  []string  `json:"names"`
		Values []float64 `json:"values"`
		Shown  string    `json:"shown"` // the year of the visible table
	}
	read := `(() => { const o = gkCharts['` + id + `'].getOption();
	  const t = Array.from(document.querySelectorAll('[data-year-of="` + id + `"]')).filter(e => !e.hidden);
	  return {names: o.yAxis[0].data, values: o.series[0].data.map(d => d.value), shown: t.length === 1 ? t[0].dataset.year : ''}; })()`
	pixels := `(() => { const c = document.querySelector('#` + id + ` canvas'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
	  let s = 0; for (let i = 0; i < d.length; i += 4 * 5) s = (s * 31 + d[i] + 7 * d[i+1] + 13 * d[i+2]) % 1000000007; return s; })()`
	if err := chromedp.Do(tab, chromedp.Navigate(base+"/metric-unable_not_held_rate.html")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](browsertest.DrawnPredicate)); err != nil {
		t.Fatal(err)
	}
	before, err := chromedp.Run(tab, chromedp.Evaluate[ranking](read))
	if err != nil {
		t.Fatal(err)
	}
	pixBefore, err := chromedp.Run(tab, chromedp.Evaluate[int](pixels))
	if err != nil {
		t.Fatal(err)
	}
	// As a user would: pick the year in the select, which fires its change event.
	sel := chromedp.CSS(`select[data-chart="` + id + `"]`)
	if err := chromedp.Do(tab, chromedp.SetValue(sel, "2021"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('select[data-chart="`+id+`"]').dispatchEvent(new Event('change'))`),
		chromedp.Sleep(150*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	after, err := chromedp.Run(tab, chromedp.Evaluate[ranking](read))
	if err != nil {
		t.Fatal(err)
	}
	pixAfter, err := chromedp.Run(tab, chromedp.Evaluate[int](pixels))
	if err != nil {
		t.Fatal(err)
	}
	want := func(year int) []string {
		type e struct {
			name string
			rate float64
		}
		var es []e
		for _, d := range fxDistricts {
			if f.reports[d.name][year] != nil {
				es = append(es, e{d.name, f.figure(t, d.name, year, "unable_not_held", "total") / f.figure(t, d.name, year, "processed_total", "total")})
			}
		}
		slices.SortStableFunc(es, func(a, b e) int { return cmpFloat(a.rate, b.rate) })
		var out []string
		for _, x := range es {
			out = append(out, x.name)
		}
		return out
	}
	if !slices.Equal(before.Names, want(2023)) || before.Shown != "2023" {
		t.Errorf("2023 ranking %v (table %s), want %v", before.Names, before.Shown, want(2023))
	}
	if !slices.Equal(after.Names, want(2021)) || after.Shown != "2021" {
		t.Errorf("after switching to 2021: %v (table %s), want %v", after.Names, after.Shown, want(2021))
	}
	if slices.Equal(before.Values, after.Values) {
		t.Error("the year switch did not change the values")
	}
	if pixBefore == pixAfter {
		t.Error("the year switch did not redraw the chart")
	}

	// The tooltip of the first bar (the best of 2021) shows its numerator and denominator.
	if len(after.Names) == 0 {
		return
	}
	top := after.Names[0]
	tip, err := chromedp.Run(tab, chromedp.Poll[string](`(() => {
	  gkCharts['`+id+`'].dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0});
	  const t = Array.from(document.querySelectorAll('#`+id+` div')).find(d => d.innerText && d.innerText.includes('分子'));
	  return t ? t.innerText : null; })()`, chromedp.WithPollingTimeout(3*time.Second)))
	if err != nil {
		t.Fatalf("no tooltip: %v", err)
	}
	nd := fmt.Sprintf("分子 %s · 分母 %s", thousands(f.figure(t, top, 2021, "unable_not_held", "total")), thousands(f.figure(t, top, 2021, "processed_total", "total")))
	if !strings.Contains(tip, top) || !strings.Contains(tip, nd) || !strings.Contains(tip, "第 1/") || !strings.Contains(tip, "百分位 100") {
		t.Errorf("tooltip %q, want %s and %q", tip, top, nd)
	}
}
