package crawl

// The collector: the only file that touches colly. Requests go out from here (after the robots.txt check
// and, for a host that was dead last run, its probe) and come back as results (frontier.go).

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/gkbench/gkbench/pipeline/fetch"
)

// Keys of the values a request carries through colly's context.
const (
	ctxKey           = "key"            // the entry's key
	ctxBegan         = "began"          // time.Time the request was issued
	ctxConditional   = "conditional"    // "1" when validators were sent
	ctxRetriedUncond = "retried-uncond" // "1" on the repeat of a 304 whose stored copy was missing
	ctxTooLarge      = "too-large"      // the Content-Length that made us abort
	ctxContentType   = "content-type"   // the Content-Type as the server sent it
)

// setup builds the transport, robots.txt and the collector: every response (errors included) is handed to
// us undecoded, and redirects are followed only to the registry's hosts.
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
	c.tr = fetch.New(fc, c.cfg.Transport)
	allowed := map[string]bool{}
	var names []string
	for _, h := range c.cfg.Registry.Hosts() {
		u := &url.URL{Scheme: "http", Host: h}
		allowed[fetch.HostPort(u)] = true
		if !allowed[u.Hostname()+"\x00"] {
			allowed[u.Hostname()+"\x00"] = true
			names = append(names, u.Hostname())
		}
	}
	redirect := fetch.RedirectPolicy(c.cfg.MaxRedirects, func(hostPort string) bool { return allowed[hostPort] })
	c.robots = fetch.NewRobots(c.tr, c.cfg.UserAgent, redirect)
	col := colly.NewCollector(
		colly.UserAgent(c.cfg.UserAgent),
		colly.Async(true),
		colly.AllowURLRevisit(), // this package dedupes, per run and across sources
		colly.ParseHTTPErrorResponse(),
		colly.MaxBodySize(int(c.cfg.MaxBody)+1), // one byte more tells a body at the limit from a larger one
		colly.StdlibContext(c.ctx),
		colly.AllowedDomains(names...),
	)
	// robots.txt is checked before each request (request below), once per site and bounded, instead of by
	// colly, which reads it whole, without the run's context, and again after every failure.
	col.IgnoreRobotsTxt = true
	col.WithTransport(c.tr)
	col.SetRequestTimeout(c.tr.ClientTimeout())
	col.SetRedirectHandler(redirect)
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

// request issues the entry's request, with validators when it was answered before and its body is still
// stored (GET only: a POST cannot be answered 304). It runs on its own goroutine: it may wait for a probe
// or robots.txt.
func (c *crawler) request(e *entry, unconditional bool) {
	u, err := url.Parse(e.url)
	if err != nil {
		c.finish(e, &result{err: err.Error(), fetchedAt: c.now().UTC()})
		return
	}
	c.waitProbe(u.Host)
	if c.ctx.Err() != nil {
		c.finish(e, &result{status: -1})
		return
	}
	allowed, note, err := c.robots.Allowed(c.ctx, u)
	if note != "" {
		c.log.Warn(note, "host", u.Host)
	}
	switch {
	case c.ctx.Err() != nil:
		c.finish(e, &result{status: -1})
		return
	case err != nil:
		c.finish(e, &result{err: err.Error(), fetchedAt: c.now().UTC()})
		return
	case !allowed:
		c.finish(e, &result{err: "robots.txt 禁止抓取,未请求", fetchedAt: c.now().UTC(), blocked: true})
		return
	}
	hdr := http.Header{}
	conditional := false
	if last, ok := c.raw.Last(e.key); ok && !unconditional && e.form == "" {
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
	var body io.Reader
	if e.form != "" {
		// As the portal's own script posts it (jQuery): a form, from the page.
		body = strings.NewReader(e.form)
		hdr.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
		hdr.Set("X-Requested-With", "XMLHttpRequest")
	}
	if e.referer != "" {
		hdr.Set("Referer", e.referer)
	}
	cctx := colly.NewContext()
	cctx.Put(ctxKey, e.key)
	cctx.Put(ctxBegan, time.Now())
	if conditional {
		cctx.Put(ctxConditional, "1")
	}
	err = c.col.Request(e.method(), e.url, body, cctx, hdr)
	if err == nil {
		return
	}
	// Refused before any request was made.
	msg := err.Error()
	if errors.Is(err, colly.ErrForbiddenDomain) {
		msg = "主机不在允许列表中,未请求"
	}
	c.finish(e, &result{err: msg, fetchedAt: c.now().UTC()})
}

func (c *crawler) entryOf(ctx *colly.Context) *entry {
	key := ctx.Get(ctxKey)
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
		res.decoded = r.Headers.Get(fetch.DecodedHeader)
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
		last, ok := c.raw.Last(e.key)
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
			res.err = fmt.Sprintf("内容超过 %s 上限,未保存", fetch.Size(c.cfg.MaxBody))
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

// requestUnconditional repeats a request whose 304 found no stored copy (robots.txt already allowed it).
func (c *crawler) requestUnconditional(e *entry) {
	cctx := colly.NewContext()
	cctx.Put(ctxKey, e.key)
	cctx.Put(ctxBegan, time.Now())
	cctx.Put(ctxRetriedUncond, "1")
	hdr := http.Header{}
	if e.referer != "" {
		hdr.Set("Referer", e.referer)
	}
	if err := c.col.Request(http.MethodGet, e.url, nil, cctx, hdr); err != nil {
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
	switch n := r.Ctx.Get(ctxTooLarge); {
	case n != "":
		res.tooLarge = true
		res.err = fmt.Sprintf("内容 %s 字节,超过 %s 上限,未下载", n, fetch.Size(c.cfg.MaxBody))
	case errors.Is(err, fetch.ErrTooLarge):
		res.tooLarge = true
		res.err = err.Error() + ",未保存"
	default:
		res.err = err.Error()
	}
	if c.ctx.Err() != nil {
		// Cancelled by us, not the site's fault: not recorded, so the next run fetches it again.
		res.err, res.status = "", -1
	}
	c.finish(e, res)
}
