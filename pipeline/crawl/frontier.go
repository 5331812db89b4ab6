package crawl

// The frontier: which requests a run makes, once each, and which sources' jobs wait on them.

import (
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gkbench/gkbench/pipeline/decode"
	"github.com/gkbench/gkbench/pipeline/fetch"
	"github.com/gkbench/gkbench/pipeline/rawstore"
	"github.com/gkbench/gkbench/pipeline/registry"
)

// job is one source's interest in one request.
type job struct {
	src       *registry.Source
	kind      string
	filter    []string // title_contains of the start URL the job descends from
	link      linkInfo
	reportURL string // for attachments: the report page
	start     bool   // a start URL of the source
	pages     *atomic.Int32
	// For a listing a page's script loads: what its links resolve against, and whether it is the first
	// answer of the series (whose pager names the others).
	base  *url.URL
	first bool
}

// entry is one request in this run: made once, however many sources and links lead to it.
type entry struct {
	key     string // rawstore.RequestKey: the URL, or method, URL and form
	url     string // canonical URL
	form    string // a POST's form, URL-encoded; "" for a GET
	referer string
	mu      sync.Mutex
	done    bool
	res     *result
	jobs    []job
	seen    map[string]bool // source ids whose job ran
}

func (e *entry) method() string { return methodOf(e.form) }

// result is a fetch outcome.
type result struct {
	status                             int
	err                                string
	body                               []byte // the body (a 304's is the stored copy)
	contentType                        string // as the server sent it
	decoded                            string // "gzip" when the transport inflated the body
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

// visit makes sure the request is made once in this run and that j runs on its answer.
func (c *crawler) visit(j job, req pageRequest) {
	if c.ctx.Err() != nil {
		return
	}
	u, err := canonical(req.URL, c.dropParams(j.src))
	if err != nil {
		if j.start {
			c.startError(j.src.ID, req.URL, err.Error())
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
	form := ""
	if req.Form != nil {
		form = req.Form.Encode()
	}
	key := rawstore.RequestKey(methodOf(form), u.String(), form)
	c.mu.Lock()
	if alt := indexTwin(u); alt != "" && form == "" && c.entries[alt] != nil {
		// dir/ and dir/index.html are one page on every CMS seen; fetch it once.
		key = alt
	}
	e := c.entries[key]
	created := e == nil
	if created && j.kind == KindListing && !j.start && j.pages.Add(-1) < 0 {
		// Pages already queued cost nothing; a new one spends the start URL's page budget.
		c.mu.Unlock()
		c.log.Warn("列表页数超过上限,停止翻页", "source", j.src.ID, "url", key)
		return
	}
	if created {
		e = &entry{key: key, url: u.String(), form: form, seen: map[string]bool{}}
		if req.Base != nil {
			e.referer = req.Base.String()
		}
		c.entries[key] = e
	}
	c.mu.Unlock()

	e.mu.Lock()
	if e.seen[j.src.ID] {
		e.mu.Unlock()
		return
	}
	e.seen[j.src.ID] = true
	if j.kind != KindListing && j.reportURL == "" {
		c.update(j.src.ID, func(s *SourceStats) { s.Reports++ })
	}
	if e.done {
		res := e.res
		e.mu.Unlock()
		c.handle(e, res, j, false)
		return
	}
	e.jobs = append(e.jobs, j)
	e.mu.Unlock()
	if created {
		c.work.Add(1)
		c.mark(j.src.ID, true)
		go c.request(e, false)
	}
}

func methodOf(form string) string {
	if form != "" {
		return http.MethodPost
	}
	return http.MethodGet
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

// finish stores the outcome and runs every job waiting on the entry; the first job (the source that found
// the URL first) also records the document.
func (c *crawler) finish(e *entry, res *result) {
	defer c.work.Done()
	e.mu.Lock()
	e.res, e.done = res, true
	jobs := e.jobs
	e.jobs = nil
	e.mu.Unlock()
	for i, j := range jobs {
		c.mark(j.src.ID, false)
		c.handle(e, res, j, i == 0)
	}
}

func (c *crawler) handle(e *entry, res *result, j job, primary bool) {
	if res.status == -1 {
		return // cancelled
	}
	if host := fetch.HostPort(c.pageURL(e, res)); res.usable() && !j.src.Allows(host) {
		// Redirected to another source's host: the registry allows it, this source does not.
		res = &result{status: res.status, err: "重定向到本来源不允许的主机 " + host + ",未保存",
			fetchedAt: res.fetchedAt, finalURL: res.finalURL, attempts: res.attempts, elapsed: res.elapsed}
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
				s.StartErrors = append(s.StartErrors, e.key+": "+res.err)
			} else if len(s.Errors) < maxErrorsKept {
				s.Errors = append(s.Errors, e.key+": "+res.err)
			}
		})
		c.log.Warn("抓取失败", "source", j.src.ID, "kind", j.kind, "url", e.key, "err", res.err)
		return
	}
	page := c.pageURL(e, res)
	text, charset := c.decode(res, j)
	switch j.kind {
	case KindListing:
		if primary {
			c.record(e, res, j, charset)
		}
		c.listing(e, j, page, text)
	default:
		if !primary {
			return // the document is the first source's
		}
		c.document(e, res, j, page, text, charset)
	}
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

// decode turns an HTML or text body (JSON and XML included) into UTF-8 with the parser's decoder; other
// formats give "".
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
