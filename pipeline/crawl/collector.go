package crawl

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/gkbench/gkbench/pipeline/fetch"
	"github.com/gocolly/colly/v2"
)

// The collector: the only file that touches colly. Requests, responses and errors come through here and
// leave as results (frontier.go).

// Keys of the values a request carries through colly's context.
const (
	ctxURL           = "url"            // the entry's key
	ctxBegan         = "began"          // time.Time the request was issued
	ctxConditional   = "conditional"    // "1" when validators were sent
	ctxRetriedUncond = "retried-uncond" // "1" on the repeat of a 304 whose stored copy was missing
	ctxTooLarge      = "too-large"      // the Content-Length that made us abort
	ctxContentType   = "content-type"   // the Content-Type as the server sent it
)

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
		r.Ctx.Put(ctxContentType, ct)
		if mt, _, err := mime.ParseMediaType(ct); err == nil {
			r.Headers.Set("Content-Type", mt)
		}
		if n, err := strconv.ParseInt(r.Headers.Get("Content-Length"), 10, 64); err == nil && n > c.cfg.MaxBody {
			r.Ctx.Put(ctxTooLarge, strconv.FormatInt(n, 10))
			r.Request.Abort()
		}
	})
	col.OnResponse(func(r *colly.Response) { c.onResponse(r) })
	col.OnError(func(r *colly.Response, err error) { c.onError(r, err) })
	c.col = col
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
	cctx.Put(ctxURL, e.url)
	cctx.Put(ctxBegan, time.Now())
	if conditional {
		cctx.Put(ctxConditional, "1")
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
	key := ctx.Get(ctxURL)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries[key]
}

func (c *crawler) base(r *colly.Response) *result {
	res := &result{status: r.StatusCode, fetchedAt: c.now().UTC(), conditional: r.Ctx.Get(ctxConditional) == "1"}
	if r.Request != nil && r.Request.URL != nil {
		res.finalURL = r.Request.URL.String()
	}
	if began, ok := r.Ctx.GetAny(ctxBegan).(time.Time); ok {
		res.elapsed = time.Since(began)
	}
	if r.Headers != nil {
		res.contentType = r.Ctx.Get(ctxContentType)
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
			if r.Ctx.Get(ctxRetriedUncond) == "" {
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
	cctx.Put(ctxURL, e.url)
	cctx.Put(ctxBegan, time.Now())
	cctx.Put(ctxRetriedUncond, "1")
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
	if n := r.Ctx.Get(ctxTooLarge); n != "" {
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
