//go:build unix

package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gkbench/gkbench/pipeline/rawstore"
	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/template"
	"github.com/gkbench/gkbench/pipeline/testsite"
)

// bombMaxBody is the --max-body the test crawls with (MiB), and bombRSS the peak RSS it must stay under:
// the process's own few tens of MiB plus a few bodies at the limit being read at once.
const (
	bombMaxBody = 16
	bombRSS     = 192 << 20
)

// TestBombs (#13 item 2): from allowed hosts, 2 MiB gzip bodies that inflate to 2 GiB (a report link
// with a gzip Content-Type and a .gz name, a page with Content-Encoding: gzip), a gzipped robots.txt of
// 2 GiB and a plain robots.txt of 1.5 GB. The crawl completes, refuses each body past --max-body with the
// reason recorded, applies what the first 512 KiB of the robots.txt say, and its peak RSS (measured by the
// kernel for the child process) stays under bombRSS.
func TestBombs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a crawl process")
	}
	bomb := testsite.GzipBomb(2048)
	report := func(host string, y int) []byte {
		r := synth.Generate(int64(y), "北京市密云区人民政府", "密云区", y, template.ForYear(y), 1)
		return synth.HTML(r, synth.Style{})
	}
	title := func(y int) string {
		return fmt.Sprintf("北京市密云区人民政府%d年政府信息公开工作年度报告", y)
	}
	listing := func(links ...testsite.Link) []byte {
		return testsite.Listing{Portal: "北京市密云区人民政府", Column: "年报"}.Pages(links)[0]
	}
	var plainSent int64
	gz := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb)
		case "/list/":
			w.Write(listing(testsite.Link{Href: "/r/2023.pdf.gz", Text: title(2023)}, testsite.Link{Href: "/r/2022.html", Text: title(2022)},
				testsite.Link{Href: "/r/2021.html", Text: title(2021)}))
		case "/r/2023.pdf.gz":
			w.Header().Set("Content-Type", "application/x-gzip")
			w.Write(bomb)
		case "/r/2022.html":
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb)
		case "/r/2021.html":
			w.Write(report("gz", 2021))
		default:
			http.NotFound(w, r)
		}
	}))
	defer gz.Close()
	huge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			io.WriteString(w, "User-agent: *\nDisallow: /private/\n")
			line := []byte("# " + strings.Repeat("x", 1000) + "\n")
			for sent := 0; sent < 1500<<20; sent += len(line) {
				if _, err := w.Write(line); err != nil {
					plainSent = int64(sent)
					return
				}
			}
			io.WriteString(w, "Disallow: /r/\n") // never reached
		case "/list/":
			w.Write(listing(testsite.Link{Href: "/r/2020.html", Text: title(2020)}, testsite.Link{Href: "/private/2019.html", Text: title(2019)}))
		case "/r/2020.html":
			w.Write(report("huge", 2020))
		default:
			http.NotFound(w, r)
		}
	}))
	defer huge.Close()
	host := func(s *httptest.Server) string { return strings.TrimPrefix(s.URL, "http://") }
	reg := filepath.Join(t.TempDir(), "reg.yaml")
	os.WriteFile(reg, []byte(fmt.Sprintf(`version: 1
sources:
  - id: test-miyun
    issuer: 北京市密云区人民政府
    jurisdiction: 密云区
    division_code: "110118"
    level: district
    start_urls: [{url: "%s/list/"}, {url: "%s/list/"}]
    allowed_hosts: ["%s", "%s"]
`, gz.URL, huge.URL, host(gz), host(huge))), 0o644)
	data := filepath.Join(t.TempDir(), "data")
	start := time.Now()
	p := startCrawl(t, "run", "--registry", reg, "--data", data, "--quiet", "--delay", "0", "--jitter", "0",
		"--max-body", fmt.Sprint(bombMaxBody))
	select {
	case <-p.exited:
	case <-time.After(60 * time.Second):
		t.Fatalf("the crawl did not finish in 60 s\n%s", p.output())
	}
	if p.err != nil {
		t.Fatalf("crawl: %v\n%s", p.err, p.output())
	}
	rss := p.cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10 // KiB on Linux
	t.Logf("peak RSS %.0f MiB (bound %d MiB, --max-body %d MiB) in %v; the plain robots.txt server wrote %d MiB before the crawler hung up",
		float64(rss)/(1<<20), bombRSS>>20, bombMaxBody, time.Since(start).Round(time.Millisecond), plainSent>>20)
	if rss > bombRSS {
		t.Errorf("peak RSS %d MiB, want under %d MiB", rss>>20, bombRSS>>20)
	}
	fetches, err := rawstore.ReadFetches(filepath.Join(data, "raw"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]rawstore.Fetch{}
	for _, f := range fetches {
		got[strings.TrimPrefix(strings.TrimPrefix(f.URL, gz.URL), huge.URL)] = f
	}
	for _, path := range []string{"/r/2023.pdf.gz", "/r/2022.html"} {
		f := got[path]
		if !f.TooLarge || f.SHA256 != "" || !strings.Contains(f.Error, "解压后超过 16 MiB") {
			t.Errorf("%s recorded as %+v, want refused past the limit with the reason", path, f)
		}
	}
	for _, path := range []string{"/r/2021.html", "/r/2020.html"} {
		if f := got[path]; f.Status != 200 || f.ReportID == "" {
			t.Errorf("%s: %+v, want stored", path, f)
		}
	}
	if f, ok := got["/private/2019.html"]; !ok || !strings.Contains(f.Error, "robots.txt") {
		t.Errorf("the rule in the first 512 KiB of the huge robots.txt was not applied: %+v", f)
	}
	if plainSent > 256<<20 {
		t.Errorf("the crawler read %d MiB of robots.txt", plainSent>>20)
	}
}
