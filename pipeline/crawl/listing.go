package crawl

// Listings: run the shapes over a listing page, then sort what they found into report links, further
// listing pages and the rest.

import (
	"net/url"
	"strings"
)

// listing follows a listing page's report links, its further pages and the source's further listings.
func (c *crawler) listing(e *entry, j job, page *url.URL, text string) {
	p := &listingPage{URL: page, Base: page, Text: text, First: j.first, Hints: &j.src.Hints, Limit: max(int(j.pages.Load())+1, 1)}
	if j.base != nil {
		p.Base = j.base
	}
	if e.form != "" {
		p.Form, _ = url.ParseQuery(e.form)
	}
	f := p.find()
	more := func(r pageRequest) {
		if j.pages.Add(-1) < 0 {
			c.log.Warn("列表页数超过上限,停止翻页", "source", j.src.ID, "url", r.URL)
			return
		}
		c.visit(job{src: j.src, kind: KindListing, filter: j.filter, pages: j.pages, base: r.Base, first: r.First}, r)
	}
	linkRE, followRE, pageRE := j.src.Hints.LinkRE(), j.src.Hints.FollowRE(), j.src.Hints.PaginationRE()
	reports := 0
	for _, a := range f.links {
		info, named := reportLink(a)
		switch {
		case named || linkRE != nil && linkRE.MatchString(a.URL.String()):
			if !named {
				info = linkInfo{Title: a.Text}
			}
			if !matchesFilter(info.Title+" "+a.Text+" "+a.Title, j.filter) {
				continue
			}
			reports++
			kind := KindReport
			if isAttachment(a.URL) {
				kind = KindAttachment
			}
			c.visit(job{src: j.src, kind: kind, filter: j.filter, link: info}, pageRequest{URL: a.URL.String()})
		case followRE != nil && followRE.MatchString(a.URL.String()):
			more(pageRequest{URL: a.URL.String()})
		case isPagination(a.URL, page, pageRE):
			more(pageRequest{URL: a.URL.String()})
		}
	}
	for _, r := range f.pages {
		more(r)
	}
	c.update(j.src.ID, func(s *SourceStats) {
		s.Pages++
		s.Links += len(f.links)
		if len(s.Listings) < maxListingsKept {
			s.Listings = append(s.Listings, ListingPage{URL: e.key, Links: len(f.links), Reports: reports})
		}
	})
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
