//go:build unix

// Unix only: the test relies on the kernel releasing the flock of a killed crawl (lock_unix.go); elsewhere
// the lock file of a killed crawl stays behind by design.

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gkbench/gkbench/pipeline/crawl"
	"github.com/gkbench/gkbench/pipeline/rawstore"
	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/template"
	"github.com/gkbench/gkbench/pipeline/testsite"
	"github.com/gkbench/gkbench/pipeline/warehouse"
)

// mainEnv makes the test binary run the crawl command instead of the tests: the kill test re-executes
// itself as the crawler, which needs no Go toolchain at test time and compiles nothing.
const mainEnv = "GKBENCH_CRAWL_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// killLatency is how long the slowed site takes to answer each request: long enough that a SIGKILL sent on
// seeing the k-th report answered lands while later ones are still in flight, short enough for a quick test.
const killLatency = 50 * time.Millisecond

var killCell = template.Cell{Table: template.Applications, Row: "new_received", Col: "total"}

// killSite is two district portals behind a slow loopback proxy, and the reports they publish.
type killSite struct {
	srv      *testsite.Server
	registry string            // YAML file
	want     map[string]string // report URL (as the crawler knows it) → backend "host path"
	reports  map[string]*synth.Report
	paths    map[string]bool // backend "host path" of every report page
}

func newKillSite(t *testing.T) *killSite {
	t.Helper()
	srv, err := testsite.Listen("dongcheng", "xicheng")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	ks := &killSite{srv: srv, want: map[string]string{}, reports: map[string]*synth.Report{}, paths: map[string]bool{}}

	// The registry points at the proxies; the crawler never sees the backends.
	front := map[string]string{}
	for _, h := range srv.Hosts() {
		target, _ := url.Parse(srv.URL(h, ""))
		proxy := httputil.NewSingleHostReverseProxy(target)
		ps := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(killLatency):
			case <-r.Context().Done():
				return
			}
			proxy.ServeHTTP(w, r)
		}))
		t.Cleanup(ps.Close)
		front[h] = strings.TrimPrefix(ps.URL, "http://")
	}

	put := func(host, p string, body []byte) {
		t.Helper()
		if err := srv.Put(host, p, &testsite.Page{Body: body}); err != nil {
			t.Fatal(err)
		}
	}
	type portal struct {
		host, name, dir string
		style           synth.Style
		listing         testsite.Listing
	}
	portals := []portal{
		{host: "dongcheng", name: "东城区", dir: "/zfxxgk/gknb/",
			listing: testsite.Listing{Portal: "北京市东城区人民政府", Column: "政府信息公开年报", PerPage: 3, Pager: testsite.PagerLinks}},
		{host: "xicheng", name: "西城区", dir: "/xcq/gknb/", style: synth.Style{Encoding: synth.GBK},
			listing: testsite.Listing{Portal: "北京市西城区人民政府", Column: "政府信息公开年报", PerPage: 2, Pager: testsite.PagerScript, GBK: true}},
	}
	var yml strings.Builder
	yml.WriteString("version: 1\nsources:\n")
	for pi, p := range portals {
		issuer := "北京市" + p.name + "人民政府"
		var rows []testsite.Link
		for i, y := range []int{2019, 2020, 2021, 2022, 2023, 2024} {
			r := synth.Generate(int64(100*pi+i), issuer, p.name, y, template.ForYear(y), 1)
			path := fmt.Sprintf("%s%d03/t%d0310_%d.html", p.dir, y+1, y+1, 500+i)
			put(p.host, path, synth.HTML(r, p.style))
			rows = append(rows, testsite.Link{Href: path, Text: synth.ReportTitle(r, p.style), Date: fmt.Sprintf("%d-03-10", y+1)})
			u := "http://" + front[p.host] + path
			ks.want[u] = p.host + " " + path
			ks.reports[u] = r
			ks.paths[p.host+" "+path] = true
		}
		for i, b := range p.listing.Pages(rows) {
			put(p.host, p.dir+p.listing.PageName(i), b)
		}
		fmt.Fprintf(&yml, `  - id: kill-%s
    issuer: %s
    jurisdiction: %s
    division_code: "%d"
    level: district
    parent: "110000"
    start_urls:
      - url: http://%s%s
        verified: true
    allowed_hosts: ["%s"]
`, p.host, issuer, p.name, 110101+pi, front[p.host], p.dir, front[p.host])
	}
	ks.registry = filepath.Join(t.TempDir(), "kill.yaml")
	if err := os.WriteFile(ks.registry, []byte(yml.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return ks
}

// answered counts the report pages the site has answered in full.
func (ks *killSite) answered() int {
	done := map[string]bool{}
	for _, r := range ks.srv.Log() {
		if k := r.Host + " " + r.Path; ks.paths[k] && r.Status == http.StatusOK {
			done[k] = true
		}
	}
	return len(done)
}

// crawlProcess is `crawl run` as a child process.
type crawlProcess struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	exited         chan struct{}
	err            error // from Wait, once exited is closed
}

func startCrawl(t *testing.T, args ...string) *crawlProcess {
	t.Helper()
	p := &crawlProcess{exited: make(chan struct{})}
	p.cmd = exec.CommandContext(t.Context(), os.Args[0], args...)
	p.cmd.Env = append(os.Environ(), mainEnv+"=1")
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	// t.Context is cancelled before cleanups run, which kills the child; waiting here means no crawl
	// outlives the test even when it fails halfway.
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
	})
	return p
}

func (p *crawlProcess) output() string {
	return fmt.Sprintf("stdout:\n%s\nstderr:\n%s", p.stdout.String(), p.stderr.String())
}

// TestKillAndRestart kills `crawl run` with SIGKILL at several points while it fetches reports, then runs it
// again: the restart must find every report, store each once, and record the killed run as never finished.
func TestKillAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts crawl processes")
	}
	for _, tc := range []struct {
		name   string
		killAt int // reports answered by the site when the crawl is killed
	}{
		{"after the first report", 1},
		{"halfway", 6},
		{"near the end", 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ks := newKillSite(t)
			if tc.killAt <= 0 || tc.killAt >= len(ks.want) {
				t.Fatalf("kill point %d outside 1..%d", tc.killAt, len(ks.want)-1)
			}
			data := filepath.Join(t.TempDir(), "data")
			args := []string{"run", "--registry", ks.registry, "--data", data, "--quiet", "--delay", "0", "--jitter", "0", "--timeout", "5s"}

			// First run: killed once the site has answered killAt report pages.
			first := startCrawl(t, args...)
			deadline := time.Now().Add(10 * time.Second)
			for {
				select {
				case <-first.exited:
					t.Fatalf("the crawl ended by itself before the kill (%v); slow the site down\n%s", first.err, first.output())
				default:
				}
				if ks.answered() >= tc.killAt {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the site answered %d report pages in 10 s\n%s", ks.answered(), first.output())
				}
				time.Sleep(time.Millisecond)
			}
			if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatalf("kill: %v", err)
			}
			<-first.exited
			ws, ok := first.cmd.ProcessState.Sys().(syscall.WaitStatus)
			if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
				t.Fatalf("the crawl was not killed midway (%v)\n%s", first.cmd.ProcessState, first.output())
			}
			answeredAtKill := ks.answered()

			// The killed crawl's lock died with it.
			unlock, err := crawl.Lock(data)
			if err != nil {
				t.Fatalf("lock after the kill: %v", err)
			}
			unlock()
			raw := filepath.Join(data, "raw")
			runs, err := rawstore.ReadRuns(raw)
			if err != nil {
				t.Fatalf("runs.jsonl after the kill: %v", err)
			}
			if len(runs) != 1 || runs[0].Status != crawl.StatusRunning {
				t.Fatalf("runs after the kill: %+v (want one line, running)", runs)
			}
			killedID := runs[0].RunID
			versionsAtKill, err := rawstore.ReadVersions(raw)
			if err != nil {
				t.Fatalf("versions.jsonl after the kill: %v", err)
			}
			t.Logf("killed with %d of %d reports answered; %d versions recorded", answeredAtKill, len(ks.want), len(versionsAtKill))

			// Second run, to completion.
			second := startCrawl(t, args...)
			select {
			case <-second.exited:
			case <-time.After(15 * time.Second):
				t.Fatalf("the restarted crawl did not finish in 15 s\n%s", second.output())
			}
			if second.err != nil {
				t.Fatalf("restarted crawl: %v\n%s", second.err, second.output())
			}

			checkRuns(t, raw, killedID, len(ks.want)-len(versionsAtKill))
			checkVersions(t, raw, ks)
			checkWarehouse(t, data, ks)
			checkNoTemps(t, data)
			if t.Failed() {
				t.Logf("restarted crawl:\n%s", second.output())
			}
		})
	}
}

// checkRuns: the killed run keeps only its "running" line, the restart has "running" then "completed", and
// the restart found as new exactly the reports the killed run had not recorded.
func checkRuns(t *testing.T, raw, killedID string, wantNew int) {
	t.Helper()
	runs, err := rawstore.ReadRuns(raw)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string][]rawstore.Run{}
	var order []string
	for _, r := range runs {
		if byID[r.RunID] == nil {
			order = append(order, r.RunID)
		}
		byID[r.RunID] = append(byID[r.RunID], r)
	}
	if len(order) != 2 || order[0] != killedID {
		t.Fatalf("runs.jsonl holds runs %v, want the killed %s and one more", order, killedID)
	}
	if k := byID[killedID]; len(k) != 1 || k[0].Status != crawl.StatusRunning || k[0].EndedAt != nil {
		t.Errorf("killed run: %+v (want only its running line)", k)
	}
	s := byID[order[1]]
	if len(s) != 2 || s[0].Status != crawl.StatusRunning || s[1].Status != crawl.StatusCompleted {
		t.Fatalf("restarted run: %+v (want running, completed)", s)
	}
	end := s[1]
	if end.New != wantNew || end.Changed != 0 || end.Failed != 0 {
		t.Errorf("restarted run: new %d (want %d), changed %d, failed %d", end.New, wantNew, end.Changed, end.Failed)
	}
}

// checkVersions: one version line per report URL, none an edit.
func checkVersions(t *testing.T, raw string, ks *killSite) {
	t.Helper()
	vs, err := rawstore.ReadVersions(raw)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, v := range vs {
		seen[v.URL]++
		if v.Edited || v.Version != 1 {
			t.Errorf("version %d of %s, edited %v: a restart must not make a new version", v.Version, v.URL, v.Edited)
		}
		if ks.want[v.URL] == "" {
			t.Errorf("version line for unexpected URL %s", v.URL)
		}
	}
	for u := range ks.want {
		if seen[u] != 1 {
			t.Errorf("%s: %d version lines, want 1", u, seen[u])
		}
	}
}

// checkWarehouse: every report once, committed, with its figures, and the fetch line that lets the next run
// skip it names that same report.
func checkWarehouse(t *testing.T, data string, ks *killSite) {
	t.Helper()
	wh := filepath.Join(data, "warehouse")
	reps, err := warehouse.ReadReports(wh)
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != len(ks.want) {
		t.Errorf("warehouse holds %d reports, want %d", len(reps), len(ks.want))
	}
	ids := map[string]string{}
	for _, r := range reps {
		if ks.want[r.URL] == "" {
			t.Errorf("unexpected report %s from %s", r.ID, r.URL)
			continue
		}
		if prev, dup := ids[r.URL]; dup {
			t.Errorf("%s stored twice: %s and %s", r.URL, prev, r.ID)
		}
		ids[r.URL] = r.ID
		want := ks.reports[r.URL]
		if r.Status != "ok" || r.Year != want.Year || r.Issuer != want.Issuer {
			t.Errorf("%s: status %s, issuer %q, year %d (want ok, %q, %d)", r.URL, r.Status, r.Issuer, r.Year, want.Issuer, want.Year)
		}
		facts, err := warehouse.ReadFacts(wh, r.ID)
		if err != nil {
			t.Errorf("%s: facts: %v", r.URL, err)
			continue
		}
		wantV, _ := want.Number(killCell)
		got := -1.0
		for _, f := range facts {
			if f.Table == killCell.Table && f.Row == killCell.Row && f.Col == killCell.Col && f.Value != nil {
				got = *f.Value
			}
		}
		if got != wantV {
			t.Errorf("%s: 本年新收 %v, want %v", r.URL, got, wantV)
		}
	}
	for u := range ks.want {
		if ids[u] == "" {
			t.Errorf("%s: not in the warehouse", u)
		}
	}
	fetches, err := rawstore.ReadFetches(filepath.Join(data, "raw"))
	if err != nil {
		t.Fatal(err)
	}
	last := map[string]rawstore.Fetch{}
	for _, f := range fetches {
		if f.SHA256 != "" {
			last[f.URL] = f
		}
	}
	for u, id := range ids {
		if f := last[u]; f.ReportID != id {
			t.Errorf("%s: last fetch names report %q, the warehouse holds %q", u, f.ReportID, id)
		}
	}
}

// checkNoTemps: no temp file left anywhere under the data folder (the warehouse's and the raw store's are
// both named .tmp-*).
func checkNoTemps(t *testing.T, data string) {
	t.Helper()
	err := filepath.WalkDir(data, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".tmp-") {
			t.Errorf("temp file left behind: %s", p)
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
}
