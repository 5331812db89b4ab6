// Package browsertest drives the system's headless Chromium (Debian's chromium package) for the site's
// browser tests: it starts a tab, records console errors, exceptions, dialogs and every request, and reads
// the charts a page drew. It is a test helper: only _test files import it.
package browsertest

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
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
)

// Chromium returns the system browser (GKBENCH_CHROMIUM overrides). Without one the test skips, except on CI
// (CI set), where the browser is part of the environment and its absence is a failure.
func Chromium(t *testing.T) string {
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

// Log collects what the listener sees; the listener runs on chromedp's reader goroutine, so it only appends
// under the lock.
type Log struct {
	mu       sync.Mutex
	problems []string // console errors, exceptions, log errors, dialogs
	requests []string
	dialogs  chan struct{}
}

func (b *Log) listen(ev any) {
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

// Take returns and forgets what was seen since the last call.
func (b *Log) Take() (problems, requests []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	problems, requests = b.problems, b.requests
	b.problems, b.requests = nil, nil
	return problems, requests
}

// Start launches the browser with a window of the given size and returns its tab (a chromedp context that
// ends with the test) and its log.
func Start(t *testing.T, width, height int, timeout time.Duration) (context.Context, *Log) {
	t.Helper()
	exe := Chromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
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
		chromedp.WindowSize(width, height),
	)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(cancelTab)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	bl := &Log{dialogs: make(chan struct{}, 1)}
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
	return tab, bl
}

// ChartState is what InspectCharts reads of one chart.
type ChartState struct {
	ID     string `json:"id"`
	Canvas bool   `json:"canvas"`
	W      int    `json:"w"`
	H      int    `json:"h"`
	CSSW   int    `json:"cssw"` // the canvas' width on the page, in CSS pixels
	Right  int    `json:"right"`
	Ink    int    `json:"ink"`  // sampled pixels that are not background
	Sum    int    `json:"sum"`  // a checksum of the sampled pixels (tells two drawings apart)
	Data   int    `json:"data"` // data items in the chart's series
}

// InspectCharts reads every visible chart of the page: its canvas, how much of it is drawn, and its data.
const InspectCharts = `(() => Array.from(document.querySelectorAll('div.chart')).filter(el => el.offsetParent !== null).map(el => {
  const c = el.querySelector('canvas');
  const r = {id: el.id, canvas: !!c, w: 0, h: 0, cssw: 0, right: 0, ink: 0, sum: 0, data: 0};
  const inst = window.gkCharts && window.gkCharts[el.id];
  if (inst) r.data = (inst.getOption().series || []).reduce((n, s) => n + ((s.data || []).length), 0);
  if (!c || !c.width || !c.height) return r;
  r.w = c.width; r.h = c.height;
  const b = c.getBoundingClientRect(); r.cssw = Math.round(b.width); r.right = Math.round(b.right);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  for (let i = 0; i < d.length; i += 4 * 7) {
    if (d[i+3] > 0 && (d[i] < 235 || d[i+1] < 235 || d[i+2] < 235)) { r.ink++; r.sum = (r.sum * 31 + d[i] + 7 * d[i+1] + 13 * d[i+2]) % 1000000007; }
  }
  return r;
}))()`

// DrawnPredicate is true once every visible chart container holds a drawn canvas.
const DrawnPredicate = `(() => {
  const els = Array.from(document.querySelectorAll('div.chart')).filter(el => el.offsetParent !== null);
  if (!document.documentElement.hasAttribute('data-charts-ready')) return false;
  return els.every(el => { const c = el.querySelector('canvas'); return c && c.width > 0; });
})()`

// MinInk: a chart with data covers far more than this many sampled pixels; a canvas with nothing but a
// background covers none.
const MinInk = 150

// ScreenshotDir is GKBENCH_SCREENSHOTS (which CI keeps), else a temporary folder.
func ScreenshotDir(t *testing.T) string {
	dir := os.Getenv("GKBENCH_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// SavePNG writes a screenshot and checks it is one.
func SavePNG(t *testing.T, dir, name string, png []byte) string {
	t.Helper()
	if len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Fatalf("%s: not a PNG", name)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s (%d KB)", p, len(png)/1024)
	return p
}
