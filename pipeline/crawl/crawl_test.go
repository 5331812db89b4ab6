package crawl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gkbench/gkbench/pipeline/fetch"
	"github.com/gkbench/gkbench/pipeline/rawstore"
	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/testsite"
	"github.com/gkbench/gkbench/pipeline/warehouse"
)

const testUA = "gkbench-crawler-test/1.0"

// retries is the test crawler's retry budget: each failing URL is tried 1+retries times.
const retries = 2

func testConfig(f *fixture, dir string) Config {
	return Config{
		Registry:  f.reg,
		DataDir:   dir,
		UserAgent: testUA,
		Log:       slog.New(slog.NewTextHandler(logOut, nil)),
		Fetch: fetch.Config{
			Timeout: 2 * time.Second, Retries: retries, BackoffBase: 10 * time.Millisecond,
			BackoffMax: 40 * time.Millisecond, Delay: -1, Jitter: -1, Parallelism: 4,
			BreakerThreshold: 50, BreakerCooldown: time.Second,
		},
	}
}

func run(t *testing.T, ctx context.Context, cfg Config) *Result {
	t.Helper()
	start := time.Now()
	res, err := Run(ctx, cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("run took %v; the fixture's worst case (dead page, %d retries) is about 6 s", d, retries)
	}
	return res
}

// byURL maps the warehouse's reports by URL.
func byURL(t *testing.T, dir string) map[string][]report.Report {
	t.Helper()
	rs, err := warehouse.ReadReports(filepath.Join(dir, "warehouse"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]report.Report{}
	for _, r := range rs {
		out[r.URL] = append(out[r.URL], r)
	}
	return out
}

func received(t *testing.T, dir, id string) float64 {
	t.Helper()
	facts, err := warehouse.ReadFacts(filepath.Join(dir, "warehouse"), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range facts {
		if f.Table == cellReceived.Table && f.Row == cellReceived.Row && f.Col == cellReceived.Col && f.Value != nil {
			return *f.Value
		}
	}
	return -1
}

// checkWarehouse asserts that the warehouse holds exactly the expected reports, with their figures.
func checkWarehouse(t *testing.T, f *fixture, dir string) map[string][]report.Report {
	t.Helper()
	got := byURL(t, dir)
	want := map[string]bool{}
	for _, w := range f.want {
		u := f.srv.URL(w.host, w.path)
		want[u] = true
		rs := got[u]
		if len(rs) != 1 {
			t.Errorf("%s: %d reports in the warehouse, want 1", w.path, len(rs))
			continue
		}
		r := rs[0]
		if w.published != "" && (r.PublishedOn != w.published || r.PublishedFrom != report.FromCaller) {
			t.Errorf("%s: published on %q (%s), the listing says %s", w.path, r.PublishedOn, r.PublishedFrom, w.published)
		}
		if string(r.Status) != w.status || r.Issuer != w.issuer || fmt.Sprint(r.Year) != w.year {
			t.Errorf("%s: status %s issuer %q year %d (%s), want %s %q %s", w.path, r.Status, r.Issuer, r.Year, r.Error, w.status, w.issuer, w.year)
		}
		if w.rep != nil {
			n, _ := w.rep.Number(cellReceived)
			if v := received(t, dir, r.ID); v != n {
				t.Errorf("%s: 新收申请 %v, want %v", w.path, v, n)
			}
		}
	}
	for u := range got {
		if !want[u] {
			t.Errorf("unexpected report in the warehouse: %s", u)
		}
	}
	return got
}

func TestCrawl(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := t.TempDir()
	ctx := context.Background()

	// Run 1: everything found, fetched, parsed and stored.
	res := run(t, ctx, testConfig(f, dir))
	log := f.srv.Log()
	checkWarehouse(t, f, dir)
	if res.Run.Status != StatusCompleted || res.Run.New != len(f.want) || res.Run.Changed != 0 ||
		res.Run.Failed != 2 || res.Run.Blocked != 1 {
		t.Errorf("run 1: %+v, want completed with %d new", res.Run, len(f.want))
	}
	counts := testsite.Counts(log)
	for _, r := range log {
		if r.UserAgent != testUA {
			t.Errorf("%s %s sent User-Agent %q", r.Host, r.Path, r.UserAgent)
		}
		if r.Host == "mirror" {
			t.Errorf("off-host copy requested: %s", r.Path)
		}
	}
	for _, tc := range []struct {
		name, key string
		want      int
	}{
		{"robots.txt decoy never requested", f.decoy, 0},
		{"interpretation page not taken for a report", f.jiedu, 0},
		{"flaky page: 503, 503, 200", f.flaky, 3},
		{"dead page tried 1+retries times, no more", f.dead, 1 + retries},
		{"404 not retried", f.missing, 1},
		{"redirect followed once", f.redirect, 1},
		{"duplicate link fetched once", "dongcheng " + f.want[0].path, 1},
		{"GBK-listed duplicate fetched once", "dongcheng " + f.want[1].path, 1},
		{"listing's first page fetched once", "dongcheng /zfxxgkzl/zfxxgknb/", 1},
		{"listing's index.html is the same page", "dongcheng /zfxxgkzl/zfxxgknb/index.html", 0},
		{"script-paged listing page 3 found", "fengtai /ftq/c100059/index_2.html", 1},
		{"robots.txt read once per host", "dongcheng /robots.txt", 1},
		{"robots.txt read once per host (fengtai)", "fengtai /robots.txt", 1},
	} {
		if got := counts[tc.key]; got != tc.want {
			t.Errorf("%s: %s requested %d times, want %d", tc.name, tc.key, got, tc.want)
		}
	}
	for k, n := range counts {
		if n > 1 && k != f.flaky && k != f.dead {
			t.Errorf("%s requested %d times", k, n)
		}
	}
	st := res.Sources[0]
	if !hasPrefix(st.Errors, f.srv.URL("dongcheng", strings.TrimPrefix(f.dead, "dongcheng "))) ||
		!hasPrefix(st.Errors, f.srv.URL("dongcheng", strings.TrimPrefix(f.missing, "dongcheng "))) {
		t.Errorf("dead and missing pages not reported: %q", st.Errors)
	}
	fetches, err := rawstore.ReadFetches(filepath.Join(dir, "raw"))
	if err != nil {
		t.Fatal(err)
	}
	for _, fe := range fetches {
		switch fe.URL {
		case f.srv.URL("dongcheng", strings.TrimPrefix(f.flaky, "dongcheng ")):
			if fe.Status != 200 || fe.Attempts != 3 {
				t.Errorf("flaky page recorded as status %d after %d attempts, want 200 after 3", fe.Status, fe.Attempts)
			}
		case f.srv.URL("dongcheng", "/private/decoy.html"):
			if !strings.Contains(fe.Error, "robots.txt") {
				t.Errorf("decoy recorded with %q, want a robots.txt refusal", fe.Error)
			}
		case f.srv.URL("dongcheng", f.want[2].path):
			// Served as UTF-8 by the header, GBK in fact: the decoder's charset is what is recorded.
			if fe.Charset != "gb18030" || fe.ContentType != "text/html; charset=utf-8" {
				t.Errorf("wrong-header page recorded as charset %q content type %q", fe.Charset, fe.ContentType)
			}
			if fe.SHA256 != rawstore.Sum(synth.HTML(f.want[2].rep, synth.Style{Encoding: synth.GBK})) {
				t.Error("stored body differs from the bytes served (transcoded?)")
			}
		}
	}
	ids1, _ := warehouseIDs(t, dir)
	versions1, _ := rawstore.ReadVersions(filepath.Join(dir, "raw"))

	// Run 2: nothing changed: only conditional requests (bar robots.txt and the URLs that never worked),
	// all answered 304, nothing new written.
	f.srv.ClearLog()
	res = run(t, ctx, testConfig(f, dir))
	log = f.srv.Log()
	notModified := 0
	for _, r := range log {
		k := r.Host + " " + r.Path
		switch {
		case r.Path == "/robots.txt", k == f.dead, k == f.missing:
			continue
		case !r.Conditional():
			t.Errorf("run 2: unconditional request for %s", k)
		case r.Host == "fengtai" && r.IfNoneMatch != "":
			t.Errorf("run 2: If-None-Match sent to a host that gives no ETag: %s", k)
		}
		if r.Status == 304 {
			notModified++
		}
	}
	// Every page that worked in run 1: listing pages (3 + 3), reports, the wrapper; the redirect's 301
	// is conditional but answered by its target.
	if want := 6 + len(f.want) + 1; notModified != want {
		t.Errorf("run 2: %d responses 304, want %d", notModified, want)
	}
	if res.Run.New != 0 || res.Run.Changed != 0 || res.Run.Unchanged != len(f.want)+1 || res.Run.Blocked != 1 || res.Run.Failed != 2 {
		t.Errorf("run 2: %+v, want 0 new, 0 changed, %d unchanged", res.Run, len(f.want)+1)
	}
	ids2, _ := warehouseIDs(t, dir)
	versions2, _ := rawstore.ReadVersions(filepath.Join(dir, "raw"))
	if strings.Join(ids1, ",") != strings.Join(ids2, ",") || len(versions2) != len(versions1) {
		t.Errorf("run 2 wrote reports or versions: %d → %d reports, %d → %d versions", len(ids1), len(ids2), len(versions1), len(versions2))
	}

	// Run 3: one report edited after publication: it alone is fetched in full, re-parsed, and recorded
	// as version 2.
	e := f.edit
	edited := e.rep.Breaking(cellReceived, 7)
	if err := f.srv.Edit(e.host, e.path, synth.HTML(edited, synth.Style{})); err != nil {
		t.Fatal(err)
	}
	f.srv.ClearLog()
	res = run(t, ctx, testConfig(f, dir))
	full := 0
	for _, r := range f.srv.Log() {
		if r.Status == 200 && r.Path != "/robots.txt" {
			full++
			if r.Path != e.path {
				t.Errorf("run 3: %s fetched in full", r.Path)
			}
		}
	}
	if full != 1 || res.Run.Changed != 1 || res.Run.New != 0 {
		t.Errorf("run 3: %d full fetches, %+v; want 1 and 1 changed", full, res.Run)
	}
	versions3, _ := rawstore.ReadVersions(filepath.Join(dir, "raw"))
	if len(versions3) != len(versions1)+1 {
		t.Fatalf("run 3: %d versions, want %d", len(versions3), len(versions1)+1)
	}
	v := versions3[len(versions3)-1]
	u := f.srv.URL(e.host, e.path)
	if v.URL != u || v.Version != 2 || !v.Edited || v.PreviousReportID == "" || v.PreviousReportID == v.ReportID {
		t.Errorf("edit recorded as %+v", v)
	}
	want, _ := edited.Number(cellReceived)
	if got := received(t, dir, v.ReportID); got != want {
		t.Errorf("edited report: 新收申请 %v, want %v", got, want)
	}
	if ids3, _ := warehouseIDs(t, dir); len(ids3) != len(ids1)+1 {
		t.Errorf("run 3: %d reports, want %d (both versions kept)", len(ids3), len(ids1)+1)
	}
	runs, _ := rawstore.ReadRuns(filepath.Join(dir, "raw"))
	if len(runs) != 6 || runs[5].Status != StatusCompleted || runs[5].EndedAt == nil {
		t.Errorf("runs.jsonl: %d lines, last %+v", len(runs), runs[len(runs)-1])
	}
}

func hasPrefix(ss []string, p string) bool {
	for _, s := range ss {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func warehouseIDs(t *testing.T, dir string) ([]string, error) {
	t.Helper()
	w, err := warehouse.Open(filepath.Join(dir, "warehouse"))
	if err != nil {
		t.Fatal(err)
	}
	ids, err := w.IDs()
	sort.Strings(ids)
	return ids, err
}

// TestCrawlKilledMidway cancels a crawl after a few documents and starts it again: the second run
// completes the job with nothing lost and nothing stored twice.
func TestCrawlKilledMidway(t *testing.T) {
	t.Parallel()
	for _, after := range []int32{1, 4, 8} {
		t.Run(fmt.Sprintf("after %d documents", after), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			dir := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			cfg := testConfig(f, dir)
			// One request per host at a time, so that few are in flight when the crawl is cancelled.
			cfg.Fetch.Parallelism = 1
			var docs atomic.Int32
			cfg.OnFetch = func(fe rawstore.Fetch) {
				if fe.Kind != KindListing && docs.Add(1) == after {
					cancel()
				}
			}
			res, err := Run(ctx, cfg)
			if !errors.Is(err, context.Canceled) || res.Run.Status != StatusInterrupted {
				t.Fatalf("interrupted run: err %v, status %s", err, res.Run.Status)
			}
			if n := len(byURL(t, dir)); n >= len(f.want) {
				t.Fatalf("the crawl was not interrupted midway: %d of %d reports stored", n, len(f.want))
			}
			res = run(t, context.Background(), testConfig(f, dir))
			if res.Run.Status != StatusCompleted {
				t.Fatalf("restart: %+v", res.Run)
			}
			checkWarehouse(t, f, dir)
			vs, err := rawstore.ReadVersions(filepath.Join(dir, "raw"))
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]int{}
			for _, v := range vs {
				seen[v.URL]++
				if v.Version != 1 || v.Edited {
					t.Errorf("%s: version %d edited %v after a restart", v.URL, v.Version, v.Edited)
				}
			}
			if len(seen) != len(f.want) {
				t.Errorf("%d documents have versions, want %d", len(seen), len(f.want))
			}
			for u, n := range seen {
				if n != 1 {
					t.Errorf("%s recorded %d times", u, n)
				}
			}
			// Documents finished before the kill are not fetched in full again.
			full := 0
			for _, r := range f.srv.Log() {
				if r.Status == 200 && strings.HasSuffix(r.Path, "l") && !strings.Contains(r.Path, "index") && r.Path != "/zfxxgkzl/zfxxgknb/" && r.Path != "/ftq/c100059/" {
					full++
				}
			}
			if max := len(f.want) + 1 + int(after); full > max {
				t.Errorf("%d full fetches of documents over both runs, want at most %d", full, max)
			}
		})
	}
}

func TestLock(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dir := t.TempDir()
	unlock, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), testConfig(f, dir)); !errors.Is(err, ErrLocked) {
		t.Errorf("second crawl on a locked directory: %v, want ErrLocked", err)
	}
	if len(f.srv.Log()) != 0 {
		t.Error("a crawl refused by the lock made requests")
	}
	unlock()
	if _, err := Lock(dir); err != nil {
		t.Errorf("lock after unlock: %v", err)
	}
}

// logOut receives the crawler's logs in tests: CRAWL_TEST_LOG=1 shows them.
var logOut io.Writer = io.Discard

func init() {
	if os.Getenv("CRAWL_TEST_LOG") != "" {
		logOut = os.Stderr
	}
}
