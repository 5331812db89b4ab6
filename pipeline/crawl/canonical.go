package crawl

// Canonical URLs: one URL per document, decided before anything is queued.

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/gkbench/gkbench/pipeline/fetch"
	"github.com/gkbench/gkbench/pipeline/registry"
)

// DefaultDropParams are the query parameters dropped from every URL before it is queued, unless the
// source's hints.drop_params says otherwise: tracking (from=list, utm_*, spm, source) and cache busters
// (timestamp, t, _ and the like), which portals append to links to the same page. A name ending in * is a
// prefix.
var DefaultDropParams = []string{"from", "utm_*", "spm", "source", "timestamp", "t", "ts", "_", "_t", "nocache", "rnd", "random"}

// canonical gives the form a URL is known by in this run and in the raw store: http(s) only, lower-case
// host without the scheme's default port, no fragment, "/" for an empty path, and the query's parameters
// the ones in drop removed (the others stay in the site's order: the request is the one the site wrote).
func canonical(raw string, drop []string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("不是 http(s) 地址: %q", raw)
	}
	u.Host = fetch.HostPort(u)
	u.Fragment, u.RawFragment = "", ""
	u.User = nil
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	}
	if u.RawQuery != "" {
		u.RawQuery = canonicalQuery(u.RawQuery, drop)
	}
	u.ForceQuery = false
	return u, nil
}

// canonicalQuery drops the listed parameters. A query that is not name=value pairs is left as it is.
func canonicalQuery(q string, drop []string) string {
	type pair struct {
		k, v string
		eq   bool
	}
	var pairs []pair
	for _, part := range strings.Split(q, "&") {
		if part == "" {
			continue
		}
		k, v, eq := strings.Cut(part, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			return q
		}
		if dropped(name, drop) {
			continue
		}
		pairs = append(pairs, pair{k, v, eq})
	}
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		if p.eq {
			b.WriteByte('=')
			b.WriteString(p.v)
		}
	}
	return b.String()
}

func dropped(name string, drop []string) bool {
	name = strings.ToLower(name)
	for _, d := range drop {
		d = strings.ToLower(d)
		if p, ok := strings.CutSuffix(d, "*"); ok && strings.HasPrefix(name, p) || name == d {
			return true
		}
	}
	return false
}

// dropParams is the list a source's URLs are canonicalized with.
func (c *crawler) dropParams(src *registry.Source) []string {
	if src.Hints.DropParamsGiven() {
		return src.Hints.DropParams
	}
	return c.cfg.DropParams
}
