// Package crawl finds, fetches and imports the annual reports of every source in the registry: it reads the
// sources' listing pages and their pagination (links and TRS/Hanweb script pagers), picks the links that
// name an annual report with a year, follows them to the report pages and their attachments, keeps every
// body in the raw store and hands new or changed documents to the parser (ingest.Parse) and the warehouse.
//
// Discovery runs on colly with robots.txt obeyed; politeness, retries and the circuit breaker are the
// fetch package's transport beneath it. A run is incremental: every URL seen before is requested with its
// validators, a 304 or an unchanged body is not parsed again, and a changed one becomes a new version in
// the raw store. Runs are crash-safe (see rawstore for the write order) and one data directory admits one
// run at a time (a lock file).
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
	Fetch        fetch.Config // politeness, timeouts, retries, breaker
	UserAgent    string       // default fetch.DefaultUserAgent
	MaxBody      int64        // largest body kept; default fetch.DefaultMaxBody
	MaxRedirects int          // default 5
	MaxPages     int          // listing pages per start URL when the source gives no hint; default 200
	Log          *slog.Logger
	Now          func() time.Time
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
	Documents   int // reports and attachments read
	New         int
	Changed     int
	Unchanged   int
	Failed      int
	Blocked     int      // links robots.txt forbids: not requested
	StartErrors []string // start URLs that could not be read, with why
	Errors      []string // other failed fetches (the first few)
}

// Result is what a run did.
type Result struct {
	Run     rawstore.Run
	Sources []SourceStats // in registry order
}

// ErrLocked is returned when another crawl holds the data directory.
var ErrLocked = errors.New("另一个抓取进程正在使用该数据目录")

const maxErrorsKept = 20

type crawler struct {
	cfg   Config
	log   *slog.Logger
	ctx   context.Context
	raw   *rawstore.Store
	wh    *warehouse.Warehouse
	col   *colly.Collector
	runID string
	now   func() time.Time

	mu      sync.Mutex
	entries map[string]*entry
	stats   map[string]*SourceStats
	started map[string]int // source id → start URLs issued

	requests, retries atomic.Int64
}

// Run crawls every source once. The error is for what stops a run as a whole (lock held, data directory
// unusable, cancelled); per-source problems are in the result.
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
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = fetch.DefaultMaxBody
	}
	if cfg.MaxRedirects <= 0 {
		cfg.MaxRedirects = 5
	}
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = 200
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
		entries: map[string]*entry{}, stats: map[string]*SourceStats{}, started: map[string]int{}}
	for _, s := range cfg.Registry.Sources {
		c.stats[s.ID] = &SourceStats{ID: s.ID}
	}
	run := rawstore.Run{RunID: c.runID, Status: StatusRunning, StartedAt: cfg.Now().UTC(),
		Registry: cfg.Registry.Name, Sources: len(cfg.Registry.Sources)}
	if err := raw.RecordRun(run); err != nil {
		return nil, err
	}
	c.log.Info("抓取开始", "run", c.runID, "sources", len(cfg.Registry.Sources), "data", cfg.DataDir)
	c.setup()
	for i := range cfg.Registry.Sources {
		src := &cfg.Registry.Sources[i]
		for _, st := range src.Starts() {
			pages := &atomic.Int32{}
			limit := src.Hints.MaxPages
			if limit <= 0 {
				limit = cfg.MaxPages
			}
			pages.Store(int32(limit))
			c.visit(job{src: src, kind: KindListing, filter: st.TitleContains, start: true, pages: pages}, st.URL)
		}
	}
	c.col.Wait()

	res := &Result{}
	end := cfg.Now().UTC()
	run.EndedAt = &end
	run.Requests, run.Retries = int(c.requests.Load()), int(c.retries.Load())
	for _, s := range cfg.Registry.Sources {
		st := *c.stats[s.ID]
		res.Sources = append(res.Sources, st)
		run.Pages += st.Pages
		run.Documents += st.Documents
		run.New += st.New
		run.Changed += st.Changed
		run.Unchanged += st.Unchanged
		run.Failed += st.Failed
		run.Blocked += st.Blocked
		if c.started[s.ID] > 0 && len(st.StartErrors) == c.started[s.ID] {
			run.SourcesBad++
		}
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
