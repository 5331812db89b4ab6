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
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/gkbench/gkbench/pipeline/decode"
	"github.com/gkbench/gkbench/pipeline/fetch"
	"github.com/gkbench/gkbench/pipeline/ingest"
	"github.com/gkbench/gkbench/pipeline/rawstore"
	"github.com/gkbench/gkbench/pipeline/registry"
	"github.com/gkbench/gkbench/pipeline/report"
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

// job is one source's interest in one URL.
type job struct {
	src       *registry.Source
	kind      string
	filter    []string // title_contains of the start URL the job descends from
	link      linkInfo
	reportURL string // for attachments: the report page
	start     bool   // a start URL of the source
	pages     *atomic.Int32
}

// entry is one URL in this run: fetched once, however many sources and links lead to it.
type entry struct {
	url  string
	mu   sync.Mutex
	done bool
	res  *result
	jobs []job
	seen map[string]bool // source ids whose job ran
}

// result is a fetch outcome.
type result struct {
	status                             int
	err                                string
	body                               []byte // the body (a 304's is the stored copy)
	contentType                        string // as the server sent it
	finalURL                           string
	sum                                string
	etag, lastModified                 string
	conditional, notModified, tooLarge bool
	blocked                            bool // refused by robots.txt before any request
	attempts                           int
	elapsed                            time.Duration
	fetchedAt                          time.Time
}

func (r *result) usable() bool {
	return r.err == "" && (r.status == http.StatusOK || r.notModified) && r.body != nil
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

// setup builds the collector: robots.txt obeyed, the polite transport beneath, every response (errors
// included) handed to us undecoded.
func (c *crawler) setup() {
	fc := c.cfg.Fetch
	observe := fc.Observe
	fc.Observe = func(a fetch.Attempt) {
		c.requests.Add(1)
		if a.Retrying {
			c.retries.Add(1)
			c.log.Warn("重试", "url", a.URL, "attempt", a.N, "status", a.Status, "err", a.Err)
		}
		if observe != nil {
			observe(a)
		}
	}
	tr := fetch.New(fc, c.cfg.Transport)
	var hosts []string
	seen := map[string]bool{}
	for _, h := range c.cfg.Registry.Hosts() {
		name := h
		if u, err := url.Parse("http://" + h); err == nil {
			name = u.Hostname()
		}
		if !seen[name] {
			seen[name] = true
			hosts = append(hosts, name)
		}
	}
	col := colly.NewCollector(
		colly.UserAgent(c.cfg.UserAgent),
		colly.Async(true),
		colly.AllowURLRevisit(), // this package dedupes, per run and across sources
		colly.ParseHTTPErrorResponse(),
		colly.MaxBodySize(int(c.cfg.MaxBody)+1), // one byte more tells a body at the limit from a larger one
		colly.StdlibContext(c.ctx),
		colly.AllowedDomains(hosts...),
	)
	col.IgnoreRobotsTxt = false
	col.WithTransport(tr)
	col.SetRequestTimeout(tr.ClientTimeout())
	col.SetRedirectHandler(fetch.RedirectPolicy(c.cfg.MaxRedirects))
	col.OnResponseHeaders(func(r *colly.Response) {
		// Colly would transcode the body by the header's charset, which is often wrong on these sites.
		// Keep the header for pipeline/decode and hide the charset from colly.
		ct := r.Headers.Get("Content-Type")
		r.Ctx.Put("content-type", ct)
		if mt, _, err := mime.ParseMediaType(ct); err == nil {
			r.Headers.Set("Content-Type", mt)
		}
		if n, err := strconv.ParseInt(r.Headers.Get("Content-Length"), 10, 64); err == nil && n > c.cfg.MaxBody {
			r.Ctx.Put("too-large", strconv.FormatInt(n, 10))
			r.Request.Abort()
		}
	})
	col.OnResponse(func(r *colly.Response) { c.onResponse(r) })
	col.OnError(func(r *colly.Response, err error) { c.onError(r, err) })
	c.col = col
}

// normalize gives the form a URL is known by in this run and in the raw store.
func normalize(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("不是 http(s) 地址: %q", raw)
	}
	u.Host = strings.ToLower(u.Host)
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path = "/"
	}
	return u, nil
}

// visit makes sure rawURL is fetched once in this run and that j runs on it.
func (c *crawler) visit(j job, rawURL string) {
	if c.ctx.Err() != nil {
		return
	}
	u, err := normalize(rawURL)
	if err != nil {
		if j.start {
			c.startError(j.src.ID, rawURL, err.Error())
		}
		return
	}
	// The Traditional-Chinese gateway serves copies of the same pages.
	if strings.Contains(u.Path, "/gate/big5/") {
		return
	}
	if !j.src.Allows(u.Host) {
		c.log.Debug("跳过站外链接", "source", j.src.ID, "url", u)
		return
	}
	if j.start {
		c.mu.Lock()
		c.started[j.src.ID]++
		c.mu.Unlock()
	}
	key := u.String()
	c.mu.Lock()
	if alt := indexTwin(u); alt != "" && c.entries[alt] != nil {
		// dir/ and dir/index.html are one page on every CMS seen; fetch it once.
		key = alt
	}
	e := c.entries[key]
	created := e == nil
	if created {
		e = &entry{url: key, seen: map[string]bool{}}
		c.entries[key] = e
	}
	c.mu.Unlock()

	e.mu.Lock()
	if e.seen[j.src.ID] {
		e.mu.Unlock()
		return
	}
	e.seen[j.src.ID] = true
	if e.done {
		res := e.res
		e.mu.Unlock()
		c.handle(e, res, j, false)
		return
	}
	e.jobs = append(e.jobs, j)
	e.mu.Unlock()
	if created {
		c.request(e, false)
	}
}

// indexTwin is the other name of a directory's first page: dir/ for dir/index.html and back.
func indexTwin(u *url.URL) string {
	v := *u
	if u.RawQuery != "" {
		return ""
	}
	dir, file := path.Split(u.Path)
	switch file {
	case "":
		v.Path = dir + "index.html"
	case "index.html", "index.shtml", "index.htm":
		v.Path = dir
	default:
		return ""
	}
	v.RawPath = ""
	return v.String()
}

// request issues the GET, with validators when the URL was fetched before and its body is still stored.
func (c *crawler) request(e *entry, unconditional bool) {
	hdr := http.Header{}
	conditional := false
	if last, ok := c.raw.Last(e.url); ok && !unconditional {
		if _, err := os.Stat(c.raw.ObjectPath(last.SHA256)); err == nil {
			if last.ETag != "" {
				hdr.Set("If-None-Match", last.ETag)
				conditional = true
			}
			if last.LastModified != "" {
				hdr.Set("If-Modified-Since", last.LastModified)
				conditional = true
			}
		}
	}
	hdr.Set("Accept", "text/html,application/xhtml+xml,application/pdf,*/*;q=0.8")
	hdr.Set("Accept-Language", "zh-CN,zh;q=0.9")
	cctx := colly.NewContext()
	cctx.Put("url", e.url)
	cctx.Put("began", time.Now())
	if conditional {
		cctx.Put("conditional", "1")
	}
	err := c.col.Request(http.MethodGet, e.url, nil, cctx, hdr)
	if err == nil {
		return
	}
	// Refused before any request was made: robots.txt, a filtered host, or robots.txt unreachable.
	msg := err.Error()
	switch {
	case errors.Is(err, colly.ErrRobotsTxtBlocked):
		msg = "robots.txt 禁止抓取,未请求"
	case errors.Is(err, colly.ErrForbiddenDomain):
		msg = "主机不在允许列表中,未请求"
	}
	c.finish(e, &result{err: msg, fetchedAt: c.now().UTC(), blocked: errors.Is(err, colly.ErrRobotsTxtBlocked)})
}

func (c *crawler) entryOf(ctx *colly.Context) *entry {
	key := ctx.Get("url")
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries[key]
}

func (c *crawler) base(r *colly.Response) *result {
	res := &result{status: r.StatusCode, fetchedAt: c.now().UTC(), conditional: r.Ctx.Get("conditional") == "1"}
	if r.Request != nil && r.Request.URL != nil {
		res.finalURL = r.Request.URL.String()
	}
	if began, ok := r.Ctx.GetAny("began").(time.Time); ok {
		res.elapsed = time.Since(began)
	}
	if r.Headers != nil {
		res.contentType = r.Ctx.Get("content-type")
		if res.contentType == "" {
			res.contentType = r.Headers.Get("Content-Type")
		}
		res.etag = r.Headers.Get("ETag")
		res.lastModified = r.Headers.Get("Last-Modified")
		res.attempts, _ = strconv.Atoi(r.Headers.Get(fetch.AttemptsHeader))
	}
	return res
}

func (c *crawler) onResponse(r *colly.Response) {
	e := c.entryOf(r.Ctx)
	if e == nil {
		return
	}
	res := c.base(r)
	switch {
	case r.StatusCode == http.StatusNotModified:
		last, ok := c.raw.Last(e.url)
		var err error
		if ok {
			res.body, err = c.raw.Get(last.SHA256)
		}
		if !ok || err != nil {
			// The stored copy is gone: ask again without validators.
			if r.Ctx.Get("retried-uncond") == "" {
				c.log.Warn("本地副本缺失,重新完整请求", "url", e.url, "err", err)
				c.requestUnconditional(e)
				return
			}
			res.err = "服务器返回 304 但本地没有副本"
			break
		}
		res.notModified, res.sum = true, last.SHA256
		if res.etag == "" {
			res.etag = last.ETag
		}
		if res.lastModified == "" {
			res.lastModified = last.LastModified
		}
		if res.contentType == "" {
			res.contentType = last.ContentType
		}
	case r.StatusCode == http.StatusOK:
		if int64(len(r.Body)) > c.cfg.MaxBody {
			res.tooLarge = true
			res.err = fmt.Sprintf("内容超过 %d MiB 上限,未保存", c.cfg.MaxBody>>20)
			break
		}
		sum, err := c.raw.Put(r.Body)
		if err != nil {
			res.err = err.Error()
			break
		}
		res.body, res.sum = r.Body, sum
	default:
		res.err = fmt.Sprintf("HTTP %d %s", r.StatusCode, http.StatusText(r.StatusCode))
	}
	c.finish(e, res)
}

func (c *crawler) requestUnconditional(e *entry) {
	cctx := colly.NewContext()
	cctx.Put("url", e.url)
	cctx.Put("began", time.Now())
	cctx.Put("retried-uncond", "1")
	if err := c.col.Request(http.MethodGet, e.url, nil, cctx, http.Header{}); err != nil {
		c.finish(e, &result{err: err.Error(), fetchedAt: c.now().UTC()})
	}
}

func (c *crawler) onError(r *colly.Response, err error) {
	if r == nil || r.Ctx == nil {
		return
	}
	e := c.entryOf(r.Ctx)
	if e == nil {
		return
	}
	res := c.base(r)
	if n := r.Ctx.Get("too-large"); n != "" {
		res.tooLarge = true
		res.err = fmt.Sprintf("内容 %s 字节,超过 %d MiB 上限,未下载", n, c.cfg.MaxBody>>20)
	} else {
		res.err = err.Error()
	}
	if c.ctx.Err() != nil {
		// Cancelled by us, not the site's fault: not recorded, so the next run fetches it again.
		res.err, res.status = "", -1
	}
	c.finish(e, res)
}

// finish stores the outcome and runs every job waiting on the entry; the first job (the source that found
// the URL first) also records the document.
func (c *crawler) finish(e *entry, res *result) {
	e.mu.Lock()
	e.res, e.done = res, true
	jobs := e.jobs
	e.jobs = nil
	e.mu.Unlock()
	for i, j := range jobs {
		c.handle(e, res, j, i == 0)
	}
}

func (c *crawler) handle(e *entry, res *result, j job, primary bool) {
	if res.status == -1 {
		return // cancelled
	}
	if !res.usable() {
		if primary {
			c.record(e, res, j, "")
		}
		c.update(j.src.ID, func(s *SourceStats) {
			if res.blocked {
				s.Blocked++
				return
			}
			s.Failed++
			if j.start {
				s.StartErrors = append(s.StartErrors, e.url+": "+res.err)
			} else if len(s.Errors) < maxErrorsKept {
				s.Errors = append(s.Errors, e.url+": "+res.err)
			}
		})
		c.log.Warn("抓取失败", "source", j.src.ID, "kind", j.kind, "url", e.url, "err", res.err)
		return
	}
	page := c.pageURL(e, res)
	text, charset := c.decode(res, j)
	switch j.kind {
	case KindListing:
		if primary {
			c.record(e, res, j, charset)
		}
		c.update(j.src.ID, func(s *SourceStats) { s.Pages++ })
		c.listing(j, page, text)
	default:
		if !primary {
			return // the document is the first source's
		}
		c.document(e, res, j, page, text, charset)
	}
}

func (c *crawler) update(id string, fn func(*SourceStats)) {
	c.mu.Lock()
	s := c.stats[id]
	fn(s)
	snap := *s
	snap.StartErrors = append([]string(nil), s.StartErrors...)
	snap.Errors = append([]string(nil), s.Errors...)
	c.mu.Unlock()
	if c.cfg.OnProgress != nil {
		c.cfg.OnProgress(snap)
	}
}

func (c *crawler) startError(id, u, msg string) {
	c.update(id, func(s *SourceStats) { s.StartErrors = append(s.StartErrors, u+": "+msg) })
}

func (c *crawler) pageURL(e *entry, res *result) *url.URL {
	s := res.finalURL
	if s == "" {
		s = e.url
	}
	u, err := url.Parse(s)
	if err != nil {
		u, _ = url.Parse(e.url)
	}
	return u
}

// contentType is the header to decode and parse with: the server's, plus the source's encoding hint
// when the server names no charset.
func contentType(res *result, j job) string {
	ct := res.contentType
	if enc := j.src.Hints.Encoding; enc != "" && !strings.Contains(strings.ToLower(ct), "charset") {
		if ct == "" {
			ct = "text/html"
		}
		ct += "; charset=" + enc
	}
	return ct
}

// decode turns an HTML or text body into UTF-8 with the parser's decoder; other formats give "".
func (c *crawler) decode(res *result, j job) (text, charset string) {
	switch decode.DetectFormat(res.finalURL, res.body) {
	case decode.FormatHTML, decode.FormatText:
	default:
		return "", ""
	}
	t, info, err := decode.Decode(res.body, contentType(res, j))
	if err != nil {
		return "", ""
	}
	return t, info.Charset
}

// listing follows a listing page's report links, its pagination and the source's further listings.
func (c *crawler) listing(j job, page *url.URL, text string) {
	if text == "" {
		return
	}
	h := j.src.Hints
	var linkRE, followRE *regexp.Regexp
	if h.LinkPattern != "" {
		linkRE, _ = regexp.Compile(h.LinkPattern)
	}
	if h.FollowPattern != "" {
		followRE, _ = regexp.Compile(h.FollowPattern)
	}
	pageRE := paginationRE(h.PaginationPattern)
	more := func(u string) {
		if j.pages.Add(-1) < 0 {
			c.log.Warn("列表页数超过上限,停止翻页", "source", j.src.ID, "url", u)
			return
		}
		c.visit(job{src: j.src, kind: KindListing, filter: j.filter, pages: j.pages}, u)
	}
	for _, a := range anchors(text, page) {
		info, named := reportLink(a)
		switch {
		case named || linkRE != nil && linkRE.MatchString(a.URL.String()):
			if !named {
				info = linkInfo{Title: a.Text}
			}
			if !matchesFilter(info.Title+" "+a.Text+" "+a.Title, j.filter) {
				continue
			}
			kind := KindReport
			if isAttachment(a.URL) {
				kind = KindAttachment
			}
			c.visit(job{src: j.src, kind: kind, filter: j.filter, link: info}, a.URL.String())
		case followRE != nil && followRE.MatchString(a.URL.String()):
			more(a.URL.String())
		case isPagination(a.URL, page, pageRE):
			more(a.URL.String())
		}
	}
	limit := int(j.pages.Load()) + 1
	for _, u := range scriptPages(text, page, h.PaginationPattern, max(limit, 1)) {
		more(u.String())
	}
}

func matchesFilter(s string, filter []string) bool {
	if len(filter) == 0 {
		return true
	}
	for _, f := range filter {
		if strings.Contains(s, f) {
			return true
		}
	}
	return false
}

// document imports a report page or attachment: parse it unless this exact body was handled before, store
// the report, record a new version when the figures changed, and follow a report page's attachments.
func (c *crawler) document(e *entry, res *result, j job, page *url.URL, text, charset string) {
	var attachments []anchor
	if j.kind == KindReport && text != "" {
		for _, a := range anchors(text, page) {
			if isAttachment(a.URL) && j.src.Allows(a.URL.Host) {
				attachments = append(attachments, a)
			}
		}
	}
	reportID := ""
	outcome := "unchanged"
	last, seen := c.raw.Last(e.url)
	if seen && last.SHA256 == res.sum && (last.ReportID == "" || c.wh.Has(last.ReportID)) {
		reportID = last.ReportID
	} else {
		r := c.parse(e, res, j)
		switch {
		case r.Status == report.Failed && len(attachments) > 0 && j.kind == KindReport:
			outcome = "wrapper" // the report is in the attachment
		default:
			reportID = r.ID
			outcome = c.store(e, res, j, r)
		}
	}
	c.update(j.src.ID, func(s *SourceStats) {
		s.Documents++
		switch outcome {
		case "new":
			s.New++
		case "changed":
			s.Changed++
		case "unchanged", "wrapper", "cosmetic":
			s.Unchanged++
		case "failed", "degraded":
			s.Failed++
		}
	})
	if outcome == "degraded" {
		// The fetch is recorded with the readable version's report, so the broken body is not parsed again
		// until it changes once more.
		if cur, ok := c.raw.Current(e.url); ok {
			reportID = cur.ReportID
		}
	}
	if outcome != "failed" {
		c.record(e, res, j, charset, reportID)
	}
	for _, a := range attachments {
		info := j.link
		info.Title = a.Text
		c.visit(job{src: j.src, kind: KindAttachment, filter: j.filter, link: info, reportURL: e.url}, a.URL.String())
	}
}

func (c *crawler) parse(e *entry, res *result, j job) *report.Report {
	final := res.finalURL
	if final == "" {
		final = e.url
	}
	rel, err := filepath.Rel(c.cfg.DataDir, c.raw.ObjectPath(res.sum))
	if err != nil {
		rel = c.raw.ObjectPath(res.sum)
	}
	src := ingest.Source{Path: filepath.ToSlash(rel), URL: final, ContentType: contentType(res, j),
		Issuer: j.link.Issuer, Jurisdiction: j.src.Jurisdiction, Year: j.link.Year, PublishedOn: j.link.Published}
	if j.kind == KindAttachment {
		// The attachment's extension tells a plain-text report from a binary; the object name has none.
		src.Path = final
	}
	return ingest.Parse(src, res.body, c.now())
}

// store puts a parsed report in the warehouse and records its version; it returns new, changed,
// unchanged (recorded before a crash), cosmetic (the body changed outside the figures), degraded (the
// page no longer parses) or failed (not stored; the next run tries again).
func (c *crawler) store(e *entry, res *result, j job, r *report.Report) string {
	cur, had := c.raw.Current(e.url)
	if had && cur.ReportID != r.ID {
		old, err := warehouse.ReadFacts(c.wh.Dir(), cur.ReportID)
		switch {
		case err == nil && len(old) > 0 && len(r.Facts) == 0:
			// A report page that now yields nothing (an error page served as 200, a broken CMS) is a
			// site problem, not an edit: the readable version stays current.
			c.log.Warn("报告页面变得无法解析,保留原版本", "url", e.url, "err", r.Error)
			c.update(j.src.ID, func(s *SourceStats) {
				if len(s.Errors) < maxErrorsKept {
					s.Errors = append(s.Errors, e.url+": 页面变得无法解析(保留原版本): "+r.Error)
				}
			})
			return "degraded"
		case err == nil && sameFacts(old, r.Facts):
			// Page chrome changed (a visit counter, a date), the figures did not: no new facts, no edit.
			c.log.Info("页面有变化但报告数据未变", "url", e.url)
			return "cosmetic"
		}
	}
	if err := c.wh.Put(r); err != nil {
		c.log.Error("写入数据仓库失败", "url", e.url, "err", err)
		c.update(j.src.ID, func(s *SourceStats) {
			if len(s.Errors) < maxErrorsKept {
				s.Errors = append(s.Errors, e.url+": "+err.Error())
			}
		})
		return "failed"
	}
	v, added, err := c.raw.AddVersion(rawstore.Version{URL: e.url, SourceID: j.src.ID, Kind: j.kind, SHA256: res.sum,
		ReportID: r.ID, SeenAt: res.fetchedAt, RunID: c.runID, Issuer: r.Issuer, Year: r.Year, Title: r.Title,
		PublishedOn: r.PublishedOn})
	if err != nil {
		c.log.Error("记录版本失败", "url", e.url, "err", err)
		return "failed"
	}
	switch {
	case !added:
		return "unchanged"
	case v.Edited:
		c.log.Info("报告发布后被修改", "url", e.url, "version", v.Version, "report", r.ID, "previous", v.PreviousReportID)
		return "changed"
	}
	c.log.Debug("新报告", "url", e.url, "report", r.ID, "status", r.Status, "issuer", r.Issuer, "year", r.Year)
	return "new"
}

// sameFacts says whether two parses read the same figures.
func sameFacts(old, new []report.Fact) bool {
	if len(old) != len(new) {
		return false
	}
	key := func(f report.Fact) string {
		v := "nil"
		if f.Value != nil {
			v = strconv.FormatFloat(*f.Value, 'g', -1, 64)
		}
		return strings.Join([]string{f.Table, f.Row, f.Col, v, string(f.Kind), f.Raw}, "\x00")
	}
	a := make([]string, len(old))
	b := make([]string, len(new))
	for i := range old {
		a[i], b[i] = key(old[i]), key(new[i])
	}
	sort.Strings(a)
	sort.Strings(b)
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// record writes the fetch line; for documents it is the last write, so that a crash before it makes the
// next run fetch and process the document again.
func (c *crawler) record(e *entry, res *result, j job, charset string, reportID ...string) {
	f := rawstore.Fetch{RunID: c.runID, SourceID: j.src.ID, Kind: j.kind, URL: e.url, FetchedAt: res.fetchedAt,
		Status: res.status, Conditional: res.conditional, NotModified: res.notModified, ContentType: res.contentType,
		Charset: charset, ETag: res.etag, LastModified: res.lastModified, SHA256: res.sum, Size: int64(len(res.body)),
		Attempts: res.attempts, ElapsedMS: res.elapsed.Milliseconds(), TooLarge: res.tooLarge, Error: res.err,
		ReportURL: j.reportURL, Title: j.link.Title, Issuer: j.link.Issuer, Year: j.link.Year}
	if res.finalURL != e.url {
		f.FinalURL = res.finalURL
	}
	if len(reportID) > 0 {
		f.ReportID = reportID[0]
	}
	if res.tooLarge || !res.usable() {
		f.SHA256, f.Size = "", 0
	}
	if err := c.raw.RecordFetch(f); err != nil {
		c.log.Error("记录抓取失败", "url", e.url, "err", err)
		return
	}
	if c.cfg.OnFetch != nil {
		c.cfg.OnFetch(f)
	}
}
