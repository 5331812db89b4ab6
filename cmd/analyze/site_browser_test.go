package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/gkbench/gkbench/charts"
)

// chromium returns the system browser (Debian's chromium package; GKBENCH_CHROMIUM overrides). Without
// one the test skips, except on CI (CI set), where the browser is part of the environment and its
// absence is a failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, c := range []string{os.Getenv("GKBENCH_CHROMIUM"), "chromium", "chromium-browser", "/usr/bin/chromium"} {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium 未安装:CI 上必须有浏览器(apt-get install chromium)")
	}
	t.Skip("跳过浏览器测试:未找到 chromium(apt-get install chromium fonts-noto-cjk;CI 上不会跳过)")
	return ""
}

// browserLog collects what the listener sees; the listener runs on chromedp's reader goroutine, so it only
// appends under the lock.
type browserLog struct {
	mu       sync.Mutex
	problems []string // console errors, exceptions, log errors, dialogs
	requests []string
	dialogs  chan struct{}
}

func (b *browserLog) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, e.Request.URL)
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range e.Args {
				var v string
				if json.Unmarshal(a.Value, &v) != nil {
					v = string(a.Value)
				}
				parts = append(parts, v+a.Description)
			}
			b.problems = append(b.problems, "console.error: "+strings.Join(parts, " "))
		}
	case *runtime.EventExceptionThrown:
		msg := e.ExceptionDetails.Text
		if e.ExceptionDetails.Exception != nil {
			msg += " " + e.ExceptionDetails.Exception.Description
		}
		b.problems = append(b.problems, "exception: "+msg)
	case *cdplog.EventEntryAdded:
		if e.Entry.Level == cdplog.EntryLevelError {
			b.problems = append(b.problems, "log: "+e.Entry.Text+" "+e.Entry.URL)
		}
	case *page.EventJavascriptDialogOpening:
		b.problems = append(b.problems, "dialog: "+e.Message)
		select {
		case b.dialogs <- struct{}{}:
		default:
		}
	}
}

func (b *browserLog) take() (problems, requests []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	problems, requests = b.problems, b.requests
	b.problems, b.requests = nil, nil
	return problems, requests
}

type chartState struct {
	ID     string `json:"id"`
	Canvas bool   `json:"canvas"`
	W      int    `json:"w"`
	H      int    `json:"h"`
	Ink    int    `json:"ink"`  // sampled pixels that are not background
	Sum    int    `json:"sum"`  // a checksum of the sampled pixels (tells two drawings apart)
	Data   int    `json:"data"` // data items in the chart's series
}

// inspectCharts reads every chart of the page: its canvas, how much of it is drawn, and its data.
const inspectCharts = `(() => Array.from(document.querySelectorAll('div.chart')).map(el => {
  const c = el.querySelector('canvas');
  const r = {id: el.id, canvas: !!c, w: 0, h: 0, ink: 0, sum: 0, data: 0};
  const inst = window.gkCharts && window.gkCharts[el.id];
  if (inst) r.data = (inst.getOption().series || []).reduce((n, s) => n + ((s.data || []).length), 0);
  if (!c || !c.width || !c.height) return r;
  r.w = c.width; r.h = c.height;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  for (let i = 0; i < d.length; i += 4 * 7) {
    if (d[i+3] > 0 && (d[i] < 235 || d[i+1] < 235 || d[i+2] < 235)) { r.ink++; r.sum = (r.sum * 31 + d[i] + 7 * d[i+1] + 13 * d[i+2]) % 1000000007; }
  }
  return r;
}))()`

// drawnPredicate is true once every chart container holds a drawn canvas.
const drawnPredicate = `(() => {
  const els = Array.from(document.querySelectorAll('div.chart'));
  if (!document.documentElement.hasAttribute('data-charts-ready')) return false;
  return els.every(el => { const c = el.querySelector('canvas'); return c && c.width > 0; });
})()`

// minInk: a chart with data covers far more than this many sampled pixels; a canvas with nothing but a
// background covers none.
const minInk = 150

// TestSiteInBrowser drives headless Chromium over the served fixture site: every page loads without a
// console error, every chart draws, the year switch re-ranks, nothing is requested outside 127.0.0.1, and
// the index and a metric page are kept as PNG screenshots.
func TestSiteInBrowser(t *testing.T) {
	exe := chromium(t)
	start := time.Now()
	f := buildSiteFixture(t)
	srv := httptest.NewServer(charts.Handler(f.site)) // listens on 127.0.0.1
	defer srv.Close()
	base, err := url.Parse(srv.URL)
	if err != nil || base.Hostname() != "127.0.0.1" {
		t.Fatalf("server address %s", srv.URL)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Second)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	defer cancelAlloc()
	tab, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	bl := &browserLog{dialogs: make(chan struct{}, 1)}
	if err := chromedp.Listen(tab, bl.listen); err != nil {
		t.Fatal(err)
	}
	// An alert would block the page; dismiss it (the listener has already recorded it as a failure).
	go func() {
		for range bl.dialogs {
			_, _ = chromedp.Call(tab, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	if _, err := chromedp.Call(tab, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(tab, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
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
			_, err = chromedp.Run(pctx, chromedp.Poll[bool](drawnPredicate, chromedp.WithPollingTimeout(10*time.Second)))
		}
		var states []chartState
		if err == nil {
			// A drawn canvas may still be blank until the next frame; wait until each has ink.
			_, _ = chromedp.Run(pctx, chromedp.Poll[bool](strings.Replace(inspectCharts, "))()", ")).every(r => r.ink >= "+fmt.Sprint(minInk)+")", 1),
				chromedp.WithPollingTimeout(3*time.Second)))
			states, err = chromedp.Run(pctx, chromedp.Evaluate[[]chartState](inspectCharts))
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
			if !s.Canvas || s.W == 0 || s.Ink < minInk || s.Data == 0 {
				t.Errorf("%s: chart %s not drawn: %+v", name, s.ID, s)
			}
		}
		problems, requests := bl.take()
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
		problems, _ := bl.take()
		for _, p := range problems {
			t.Error(p)
		}
	})
	t.Run("screenshots", func(t *testing.T) {
		dir := os.Getenv("GKBENCH_SCREENSHOTS")
		if dir == "" {
			dir = t.TempDir()
		} else if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
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
			if len(png) < 8 || string(png[1:4]) != "PNG" {
				t.Fatalf("%s: not a PNG", shot.file)
			}
			p := filepath.Join(dir, shot.file)
			if err := os.WriteFile(p, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot %s (%d KB)", p, len(png)/1024)
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
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](drawnPredicate)); err != nil {
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
	nd := fmt.Sprintf("分子 %v · 分母 %v", f.figure(t, top, 2021, "unable_not_held", "total"), f.figure(t, top, 2021, "processed_total", "total"))
	if !strings.Contains(tip, top) || !strings.Contains(tip, nd) || !strings.Contains(tip, "第 1 名") {
		t.Errorf("tooltip %q, want %s and %q", tip, top, nd)
	}
}
