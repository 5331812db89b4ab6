package crawl

// Dead hosts across runs: a host that never answered is remembered in the raw store, and the next run
// probes it once (one attempt) before any of its pages is requested; if it still does not answer, its pages
// fail at once.

import (
	"net/url"
	"sync"

	"github.com/gkbench/gkbench/pipeline/rawstore"
)

// probeDeadHosts starts one probe for every registry host the raw store remembers as dead; requests to
// such a host wait for its probe (waitProbe).
func (c *crawler) probeDeadHosts() {
	inRegistry := map[string]string{} // host → scheme of its first start URL
	for _, s := range c.cfg.Registry.Sources {
		for _, st := range s.Starts() {
			if u, err := canonical(st.URL, nil); err == nil && inRegistry[u.Host] == "" {
				inRegistry[u.Host] = u.Scheme
			}
		}
	}
	for _, h := range c.raw.DeadHosts() {
		scheme := inRegistry[h.Host]
		if scheme == "" {
			continue
		}
		done := make(chan struct{})
		c.probes[h.Host] = done
		go func(h rawstore.Host) {
			defer close(done)
			u := (&url.URL{Scheme: scheme, Host: h.Host, Path: "/robots.txt"}).String()
			if err := c.tr.Probe(c.ctx, u, c.cfg.UserAgent); err != nil {
				c.log.Warn("上次无响应的主机仍无响应,本次不再请求", "host", h.Host, "err", err)
				return
			}
			c.log.Info("上次无响应的主机已恢复", "host", h.Host)
			if err := c.raw.RecordHost(rawstore.Host{Host: h.Host, Dead: false, At: c.now().UTC(), RunID: c.runID}); err != nil {
				c.log.Error("记录主机状态失败", "host", h.Host, "err", err)
			}
		}(h)
	}
}

// waitProbe returns once host's probe (if any) is over, or the run is cancelled.
func (c *crawler) waitProbe(host string) {
	c.mu.Lock()
	done := c.probes[host]
	c.mu.Unlock()
	if done == nil {
		return
	}
	select {
	case <-done:
	case <-c.ctx.Done():
	}
}

// recordHosts writes the hosts found dead in this run to the raw store.
func (c *crawler) recordHosts() {
	if c.ctx.Err() != nil {
		return // a cancelled attempt says nothing about the host
	}
	var once sync.Once
	for host, reason := range c.tr.DeadHosts() {
		if err := c.raw.RecordHost(rawstore.Host{Host: host, Dead: true, Reason: reason, At: c.now().UTC(), RunID: c.runID}); err != nil {
			once.Do(func() { c.log.Error("记录主机状态失败", "host", host, "err", err) })
		}
	}
}
