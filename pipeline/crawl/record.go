package crawl

import "github.com/gkbench/gkbench/pipeline/rawstore"

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
