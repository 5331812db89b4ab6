package crawl

// Records: the per-source counters, the fetch lines, and what makes a source a problem.

import (
	"fmt"
	"strings"
	"time"

	"github.com/gkbench/gkbench/pipeline/rawstore"
)

func (c *crawler) update(id string, fn func(*SourceStats)) {
	c.mu.Lock()
	s := c.stats[id]
	fn(s)
	snap := *s
	snap.StartErrors = append([]string(nil), s.StartErrors...)
	snap.Errors = append([]string(nil), s.Errors...)
	snap.Listings = append([]ListingPage(nil), s.Listings...)
	snap.Problems = append([]string(nil), s.Problems...)
	c.mu.Unlock()
	if c.cfg.OnProgress != nil {
		c.cfg.OnProgress(snap)
	}
}

// mark notes a source's first request (begin) and its latest answer, for its seconds.
func (c *crawler) mark(id string, begin bool) {
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	sp := c.span[id]
	if begin && sp[0].IsZero() {
		sp[0] = now
	}
	if !begin {
		sp[1] = now
	}
	c.span[id] = sp
}

func (c *crawler) startError(id, u, msg string) {
	c.update(id, func(s *SourceStats) { s.StartErrors = append(s.StartErrors, u+": "+msg) })
}

// final is a source's figures at the end of the run, with its problems: listing pages read but no report
// link on them, or (comparing with the previous completed run) less than half the reports found before.
func (c *crawler) final(id string, previous rawstore.Run, completed bool) SourceStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := *c.stats[id]
	if sp := c.span[id]; !sp[0].IsZero() && sp[1].After(sp[0]) {
		st.Seconds = sp[1].Sub(sp[0]).Round(time.Millisecond).Seconds()
	}
	st.Reports -= st.dupLinks
	if !completed {
		return st
	}
	if st.Pages > 0 && st.Reports == 0 {
		var pages []string
		for _, l := range st.Listings {
			pages = append(pages, fmt.Sprintf("%s(链接 %d 个)", l.URL, l.Links))
		}
		if more := st.Pages - len(st.Listings); more > 0 {
			pages = append(pages, fmt.Sprintf("另 %d 页", more))
		}
		st.Problems = append(st.Problems, fmt.Sprintf("%s:读取列表页 %d 个:%s", ProblemNoReports, st.Pages, strings.Join(pages, ";")))
	}
	for _, p := range previous.PerSource {
		if p.SourceID == id && p.Reports >= 2 && st.Reports > 0 && st.Reports*2 < p.Reports {
			st.Problems = append(st.Problems, fmt.Sprintf("找到的年度报告从上次运行(%s)的 %d 份降到 %d 份,减少一半以上:网站可能已改版",
				previous.RunID, p.Reports, st.Reports))
		}
	}
	c.stats[id].Problems = st.Problems
	return st
}

func hasProblem(st SourceStats, prefix string) bool {
	for _, p := range st.Problems {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// record writes the fetch line; for documents it is the last write, so that a crash before it makes the
// next run fetch and process the document again.
func (c *crawler) record(e *entry, res *result, j job, charset string, doc ...docRef) {
	f := rawstore.Fetch{RunID: c.runID, SourceID: j.src.ID, Kind: j.kind, URL: e.url, FetchedAt: res.fetchedAt,
		Status: res.status, Conditional: res.conditional, NotModified: res.notModified, ContentType: res.contentType,
		Decoded: res.decoded, Charset: charset, ETag: res.etag, LastModified: res.lastModified, SHA256: res.sum,
		Size: int64(len(res.body)), Attempts: res.attempts, ElapsedMS: res.elapsed.Milliseconds(), TooLarge: res.tooLarge,
		Error: res.err, ReportURL: j.reportURL, Title: j.link.Title, Issuer: j.link.Issuer, Year: j.link.Year}
	if e.form != "" {
		f.Method, f.Form = e.method(), e.form
	}
	if res.finalURL != "" && res.finalURL != e.url {
		f.FinalURL = res.finalURL
	}
	if len(doc) > 0 {
		f.ReportID, f.DuplicateOf = doc[0].reportID, doc[0].duplicateOf
	}
	if res.tooLarge || !res.usable() {
		f.SHA256, f.Size = "", 0
	}
	if err := c.raw.RecordFetch(f); err != nil {
		c.log.Error("记录抓取失败", "url", e.key, "err", err)
		return
	}
	if c.cfg.OnFetch != nil {
		c.cfg.OnFetch(f)
	}
}

// docRef is what a document's fetch line points to: its report, and the URL it duplicates.
type docRef struct {
	reportID, duplicateOf string
}
