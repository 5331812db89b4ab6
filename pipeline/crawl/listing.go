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
	reports, pages, links := p.sort(j.filter)
	for _, r := range reports {
		kind := KindReport
		if isAttachment(r.a.URL) {
			kind = KindAttachment
		}
		c.visit(job{src: j.src, kind: kind, filter: j.filter, link: r.info}, pageRequest{URL: r.a.URL.String()})
	}
	for _, r := range pages {
		c.visit(job{src: j.src, kind: KindListing, filter: j.filter, pages: j.pages, base: r.Base, first: r.First}, r)
	}
	c.update(j.src.ID, func(s *SourceStats) {
		s.Pages++
		s.Links += links
		if len(s.Listings) < maxListingsKept {
			s.Listings = append(s.Listings, ListingPage{URL: e.key, Links: links, Reports: len(reports)})
		}
	})
}

// foundReport is a report link of a listing and what its text says.
type foundReport struct {
	a    anchor
	info linkInfo
}

// sort runs the shapes over the page and sorts what they found: report links (named as an annual report
// with a year, or matching link_pattern; only those whose text has one of filter, when given), and the
// further listing pages (the shapes' own, follow_pattern links, pagination links). links counts every link
// seen.
func (p *listingPage) sort(filter []string) (reports []foundReport, pages []pageRequest, links int) {
	f := p.find()
	linkRE, followRE, pageRE := p.Hints.LinkRE(), p.Hints.FollowRE(), p.Hints.PaginationRE()
	seen := map[string]bool{}
	for _, a := range f.links {
		// A link the page shows twice (two shapes see it, or the page repeats it) is one link.
		if seen[a.URL.String()] {
			continue
		}
		seen[a.URL.String()] = true
		info, named := reportLink(a)
		switch {
		case named || linkRE != nil && linkRE.MatchString(a.URL.String()):
			if !named {
				info = linkInfo{Title: a.Text}
			}
			if matchesFilter(info.Title+" "+a.Text+" "+a.Title, filter) {
				reports = append(reports, foundReport{a, info})
			}
		case followRE != nil && followRE.MatchString(a.URL.String()):
			pages = append(pages, pageRequest{URL: a.URL.String()})
		case isPagination(a.URL, p.URL, pageRE):
			pages = append(pages, pageRequest{URL: a.URL.String()})
		}
	}
	return reports, append(pages, f.pages...), len(seen)
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
