// Package crawl finds, fetches and imports the annual reports of every source in the registry: it reads the
// sources' listing pages in the shapes portals use (plain links, TRS script pagers, Hanweb JCMS <datastore>
// records paged through dataproxy.jsp, lists a script fills from a JSON endpoint; see pager.go), picks the
// links that name an annual report with a year, follows them to the report pages and their attachments,
// keeps every body in the raw store and hands new or changed documents to the parser (ingest.Parse) and the
// warehouse.
//
// Discovery runs on colly (collector.go is the only file that touches it); robots.txt, politeness, retries,
// bounded bodies, the circuit breaker and dead hosts are the fetch package's, beneath it. Every URL is
// canonicalized before it is queued (canonical.go), so one document has one URL; the same bytes under two
// URLs of one source are one document. A run is incremental: every URL seen before is requested with its
// validators, a 304 or an unchanged body is not parsed again, and a changed one becomes a new version in
// the raw store. Runs are crash-safe (see rawstore for the write order) and one data directory admits one
// run at a time (a lock file).
//
// A run never passes a source silently: one whose start pages all fail, one whose listings hold no report
// link, and one that found less than half the reports of the previous run are each counted in the run
// record with their reason (Problems).
package crawl

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/gkbench/gkbench/pipeline/fetch"
	"github.com/gkbench/gkbench/pipeline/rawstore"
	"github.com/gkbench/gkbench/pipeline/registry"
	"github.com/gkbench/gkbench/pipeline/warehouse"
)

// Document kinds, as recorded in the raw store.
const (
	KindListing    = "listing"
	KindReport     = "report"
	KindAttachment = "attachment"
)

// Run statuses.
const (
	StatusRunning     = "running"
	StatusCompleted   = "completed"
	StatusInterrupted = "interrupted"
	StatusFailed      = "failed"
)

// Config is one crawl's settings.
type Config struct {
	Registry     *registry.Registry
	DataDir      string       // holds raw/ and warehouse/
	Fetch        fetch.Config // politeness, timeouts, retries, breaker, dead hosts
	UserAgent    string       // ASCII; default fetch.DefaultUserAgent
	MaxBody      int64        // largest body kept, decompressed bytes counted; default fetch.DefaultMaxBody
	MaxRedirects int          // default 5
	MaxPages     int          // listing pages per start URL when the source gives no hint; default 200
	// DropParams are the query parameters dropped from URLs before queueing, for sources whose registry
	// entry names none (nil: DefaultDropParams).
	DropParams []string
	Log        *slog.Logger
	Now        func() time.Time
	// OnFetch, when set, is called after each fetch outcome is recorded (tests count them; the CLI shows
	// progress). It must not block.
	OnFetch func(rawstore.Fetch)
	// OnProgress, when set, receives a source's counters whenever they change.
	OnProgress func(SourceStats)
	// Transport replaces the network beneath the politeness layer (nil: a standard one).
	Transport http.RoundTripper
}

// SourceStats counts one source's part of a run.
type SourceStats struct {
	ID          string
	Pages       int // listing pages read
	Links       int // links seen on them (anchors, Hanweb records, JSON items)
	Reports     int // distinct report documents found on them
	Documents   int // reports and attachments read
	New         int
	Changed     int
	Unchanged   int
	Duplicates  int // documents already known under another URL of the source
	Failed      int
	Blocked     int           // links robots.txt forbids: not requested
	Seconds     float64       // from the source's first request to its last answer
	Listings    []ListingPage // the listing pages read, with their links (the first few)
	StartErrors []string      // start URLs that could not be read, with why
	Errors      []string      // other failed fetches (the first few)
	Problems    []string      // why the source is a problem although its pages could be read

	dupLinks int // duplicates among the documents listings link to (Reports counts distinct documents)
}

// ListingPage is one listing page a source read, and how many links it held.
type ListingPage struct {
	URL     string // the request's key (a POST's includes its form)
	Links   int
	Reports int // of which name a report
}

// Result is what a run did.
type Result struct {
	Run     rawstore.Run
	Sources []SourceStats // in registry order
}

// ErrLocked is returned when another crawl holds the data directory.
var ErrLocked = errors.New("另一个抓取进程正在使用该数据目录")

// ProblemNoReports starts the problem of a source whose listing pages hold no report link.
const ProblemNoReports = "列表页未找到年度报告链接"

const (
	maxErrorsKept   = 20
	maxListingsKept = 20
)

type crawler struct {
	cfg    Config
	log    *slog.Logger
	ctx    context.Context
	raw    *rawstore.Store
	wh     *warehouse.Warehouse
	col    *colly.Collector
	tr     *fetch.Transport
	robots *fetch.Robots
	runID  string
	now    func() time.Time

	// work counts entries requested and not yet finished; Run waits for it to drain.
	work sync.WaitGroup

	mu      sync.Mutex
	entries map[string]*entry
	stats   map[string]*SourceStats
	started map[string]int           // source id → start URLs issued
	span    map[string][2]time.Time  // source id → first request, last answer
	claims  map[string]*docClaim     // source id + body sha256 → the URL that holds the document
	probes  map[string]chan struct{} // host → closed once its probe (a host dead last run) answered

	requests, retries atomic.Int64
}

// Run crawls every source once. The error is for what stops a run as a whole (lock held, data directory
// unusable, cancelled, a User-Agent that is not ASCII); per-source problems are in the result.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Registry == nil {
		return nil, errors.New("crawl: no registry")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = fetch.DefaultUserAgent
	}
	if err := fetch.CheckUserAgent(cfg.UserAgent); err != nil {
		return nil, fmt.Errorf("crawl: %w", err)
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = fetch.DefaultMaxBody
	}
	cfg.Fetch.MaxBody = cfg.MaxBody
	if cfg.MaxRedirects <= 0 {
		cfg.MaxRedirects = 5
	}
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = 200
	}
	if cfg.DropParams == nil {
		cfg.DropParams = DefaultDropParams
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("crawl: %w", err)
	}
	unlock, err := Lock(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	defer unlock()

	raw, err := rawstore.Open(filepath.Join(cfg.DataDir, "raw"))
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	wh, err := warehouse.Open(filepath.Join(cfg.DataDir, "warehouse"))
	if err != nil {
		return nil, err
	}
	c := &crawler{cfg: cfg, log: cfg.Log, ctx: ctx, raw: raw, wh: wh, runID: newRunID(cfg.Now()), now: cfg.Now,
		entries: map[string]*entry{}, stats: map[string]*SourceStats{}, started: map[string]int{},
		span: map[string][2]time.Time{}, claims: map[string]*docClaim{}, probes: map[string]chan struct{}{}}
	for _, s := range cfg.Registry.Sources {
		c.stats[s.ID] = &SourceStats{ID: s.ID}
	}
	run := rawstore.Run{RunID: c.runID, Status: StatusRunning, StartedAt: cfg.Now().UTC(),
		Registry: cfg.Registry.Name, Sources: len(cfg.Registry.Sources)}
	if err := raw.RecordRun(run); err != nil {
		return nil, err
	}
	previous, _ := raw.LastRun()
	c.log.Info("抓取开始", "run", c.runID, "sources", len(cfg.Registry.Sources), "data", cfg.DataDir)
	c.setup()
	c.probeDeadHosts()
	for i := range cfg.Registry.Sources {
		src := &cfg.Registry.Sources[i]
		for _, st := range src.Starts() {
			pages := &atomic.Int32{}
			limit := src.Hints.MaxPages
			if limit <= 0 {
				limit = cfg.MaxPages
			}
			pages.Store(int32(limit))
			c.visit(job{src: src, kind: KindListing, filter: st.TitleContains, start: true, pages: pages}, pageRequest{URL: st.URL})
		}
	}
	c.work.Wait()
	c.col.Wait()
	c.recordHosts()

	res := &Result{}
	end := cfg.Now().UTC()
	run.EndedAt = &end
	run.Requests, run.Retries = int(c.requests.Load()), int(c.retries.Load())
	completed := ctx.Err() == nil
	for _, s := range cfg.Registry.Sources {
		st := c.final(s.ID, previous, completed)
		res.Sources = append(res.Sources, st)
		run.Pages += st.Pages
		run.Documents += st.Documents
		run.New += st.New
		run.Changed += st.Changed
		run.Unchanged += st.Unchanged
		run.Failed += st.Failed
		run.Blocked += st.Blocked
		switch {
		case c.started[s.ID] > 0 && len(st.StartErrors) == c.started[s.ID]:
			run.SourcesBad++
		case hasProblem(st, ProblemNoReports):
			run.SourcesEmpty++
		case len(st.Problems) > 0:
			run.SourcesDropped++
		}
		run.PerSource = append(run.PerSource, rawstore.SourceRun{SourceID: st.ID, Pages: st.Pages, Links: st.Links,
			Reports: st.Reports, Documents: st.Documents, New: st.New, Changed: st.Changed, Unchanged: st.Unchanged,
			Duplicates: st.Duplicates, Failed: st.Failed, Seconds: st.Seconds, Problems: st.Problems})
	}
	run.Status = StatusCompleted
	var runErr error
	if err := ctx.Err(); err != nil {
		run.Status, run.Error, runErr = StatusInterrupted, "抓取被中断: "+err.Error(), fmt.Errorf("crawl: %w", err)
	}
	if err := raw.RecordRun(run); err != nil && runErr == nil {
		run.Status, runErr = StatusFailed, err
	}
	res.Run = run
	c.log.Info("抓取结束", "run", c.runID, "status", run.Status, "pages", run.Pages, "documents", run.Documents,
		"new", run.New, "changed", run.Changed, "unchanged", run.Unchanged, "failed", run.Failed,
		"requests", run.Requests, "retries", run.Retries)
	return res, runErr
}

func newRunID(t time.Time) string {
	var b [3]byte
	rand.Read(b[:])
	return t.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}
