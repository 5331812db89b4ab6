package crawl

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gkbench/gkbench/pipeline/decode"
	"github.com/gkbench/gkbench/pipeline/registry"
)

// The frontier: which URLs a run fetches, once each, and which sources' jobs wait on them.

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
