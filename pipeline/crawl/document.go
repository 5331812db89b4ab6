package crawl

import (
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/gkbench/gkbench/pipeline/fetch"
	"github.com/gkbench/gkbench/pipeline/ingest"
	"github.com/gkbench/gkbench/pipeline/rawstore"
	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/warehouse"
)

// outcome is what handling one document came to.
type outcome int

const (
	outUnchanged outcome = iota // the same body as last time, or a version recorded before a crash
	outNew                      // seen for the first time: stored, version 1
	outChanged                  // the figures changed: stored as a new version (edited after publication)
	outWrapper                  // a report page whose report is its attachment: nothing to store itself
	outCosmetic                 // the body changed outside the figures: no new version
	outDegraded                 // the page no longer parses: the readable version stays current
	outFailed                   // not stored (warehouse or raw store error): the next run tries again
	outDuplicate                // the same bytes as a document of the source under another URL: not stored again
)

// document imports a report page or attachment: parse it unless this exact body was handled before, store
// the report, record a new version when the figures changed, and follow a report page's attachments.
func (c *crawler) document(e *entry, res *result, j job, page *url.URL, text, charset string) {
	var attachments []anchor
	if j.kind == KindReport && text != "" {
		for _, a := range anchors(text, page) {
			if isAttachment(a.URL) && j.src.Allows(fetch.HostPort(a.URL)) {
				attachments = append(attachments, a)
			}
		}
	}
	ref := docRef{}
	out := outUnchanged
	last, seen := c.raw.Last(e.key)
	if seen && last.SHA256 == res.sum && (last.ReportID == "" || c.wh.Has(last.ReportID)) {
		ref = docRef{reportID: last.ReportID, duplicateOf: last.DuplicateOf}
	} else if cl, mine := c.claim(j.src.ID, res.sum, e.url); !mine {
		// One document under two URLs (a tracking parameter the registry does not know, a second path to
		// the same file): both URLs are recorded, the document is stored once.
		<-cl.done
		out, ref = outDuplicate, docRef{reportID: cl.reportID, duplicateOf: cl.url}
		c.log.Info("同一文档的另一个地址", "url", e.url, "same_as", cl.url)
	} else {
		defer close(cl.done)
		r := c.parse(e, res, j)
		switch {
		case r.Status == report.Failed && len(attachments) > 0 && j.kind == KindReport:
			out = outWrapper // the report is in the attachment
		default:
			ref.reportID = r.ID
			out = c.store(e, res, j, r)
			cl.reportID = r.ID
		}
	}
	c.update(j.src.ID, func(s *SourceStats) {
		s.Documents++
		switch out {
		case outNew:
			s.New++
		case outChanged:
			s.Changed++
		case outUnchanged, outWrapper, outCosmetic:
			s.Unchanged++
		case outFailed, outDegraded:
			s.Failed++
		case outDuplicate:
			s.Duplicates++
			if j.reportURL == "" {
				s.dupLinks++
			}
		}
	})
	if out == outDegraded {
		// The fetch is recorded with the readable version's report, so the broken body is not parsed again
		// until it changes once more.
		if cur, ok := c.raw.Current(e.url); ok {
			ref.reportID = cur.ReportID
		}
	}
	if out != outFailed {
		c.record(e, res, j, charset, ref)
	}
	for _, a := range attachments {
		info := j.link
		info.Title = a.Text
		c.visit(job{src: j.src, kind: KindAttachment, filter: j.filter, link: info, reportURL: e.url}, pageRequest{URL: a.URL.String()})
	}
}

// docClaim is the URL that holds a source's document with a given body; done is closed once its report is
// known.
type docClaim struct {
	url      string
	reportID string
	done     chan struct{}
}

// claim makes url the holder of the source's document with body sum (mine: the caller must close done
// when its report is stored), unless another URL holds it already, in this run or an earlier one.
func (c *crawler) claim(sourceID, sum, url string) (cl *docClaim, mine bool) {
	key := sourceID + " " + sum
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl := c.claims[key]; cl != nil {
		return cl, cl.url == url
	}
	cl = &docClaim{url: url, done: make(chan struct{})}
	if v, ok := c.raw.Document(sourceID, sum); ok && v.URL != url {
		cl.url, cl.reportID = v.URL, v.ReportID
		close(cl.done)
	}
	c.claims[key] = cl
	return cl, cl.url == url
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

// store puts a parsed report in the warehouse and records its version.
func (c *crawler) store(e *entry, res *result, j job, r *report.Report) outcome {
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
			return outDegraded
		case err == nil && sameFacts(old, r.Facts):
			// Page chrome changed (a visit counter, a date), the figures did not: no new facts, no edit.
			c.log.Info("页面有变化但报告数据未变", "url", e.url)
			return outCosmetic
		}
	}
	if err := c.wh.Put(r); err != nil {
		c.log.Error("写入数据仓库失败", "url", e.url, "err", err)
		c.update(j.src.ID, func(s *SourceStats) {
			if len(s.Errors) < maxErrorsKept {
				s.Errors = append(s.Errors, e.url+": "+err.Error())
			}
		})
		return outFailed
	}
	v, added, err := c.raw.AddVersion(rawstore.Version{URL: e.url, SourceID: j.src.ID, Kind: j.kind, SHA256: res.sum,
		ReportID: r.ID, SeenAt: res.fetchedAt, RunID: c.runID, Issuer: r.Issuer, Year: r.Year, Title: r.Title,
		PublishedOn: r.PublishedOn})
	if err != nil {
		c.log.Error("记录版本失败", "url", e.url, "err", err)
		return outFailed
	}
	switch {
	case !added:
		return outUnchanged
	case v.Edited:
		c.log.Info("报告发布后被修改", "url", e.url, "version", v.Version, "report", r.ID, "previous", v.PreviousReportID)
		return outChanged
	}
	c.log.Debug("新报告", "url", e.url, "report", r.ID, "status", r.Status, "issuer", r.Issuer, "year", r.Year)
	return outNew
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
