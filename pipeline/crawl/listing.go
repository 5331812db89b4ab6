package crawl

import (
	"net/url"
	"regexp"
	"strings"
)

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
