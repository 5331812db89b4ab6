package crawl

// Listing shapes: the ways portals list their reports and lead to further pages. Each shape is one
// recognizer; every listing page goes through all of them, in order (a TRS column has plain links and a
// script pager; a Hanweb column has both its links and its pager in script). A shape adds the links it sees
// and the further pages it is sure exist: every further page is named by the page (a link, a pager call, a
// record count), never guessed beyond the last one.
//
// To add a shape: write its recognizer (here, or in pager_<cms>.go past ~50 lines), add it to shapes, give
// the test site a testsite.Pager that serves it, and add a row to TestShapes (page in → links and pages out).

import (
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/gkbench/gkbench/pipeline/fetch"
	"github.com/gkbench/gkbench/pipeline/registry"
)

// listingPage is a listing page as the shapes see it.
type listingPage struct {
	URL   *url.URL   // where it came from (after redirects)
	Base  *url.URL   // what its links resolve against: URL itself, or, for data a page's script loads, that page
	Text  string     // decoded body (HTML, or the XML or JSON a script loads)
	First bool       // the first answer of a series a page's script loads: its pager count names the others
	Form  url.Values // the form it was POSTed with (nil for a GET)
	Hints *registry.Hints
	Limit int // pages the start URL's budget still allows
}

// pageRequest is a further listing page: a URL to GET, or to POST with a form.
type pageRequest struct {
	URL   string
	Form  url.Values // POST when not nil
	Base  *url.URL   // what the answer's links resolve against; nil: the answer's own URL
	First bool       // see listingPage.First
}

// findings is what the shapes found on one page.
type findings struct {
	links []anchor      // every link; listing() sorts report links from the rest
	pages []pageRequest // further listing pages the page names
}

// shape recognizes one way of listing.
type shape struct {
	name string
	find func(p *listingPage, f *findings)
}

// shapes run on every listing page, in this order.
var shapes = []shape{
	{"links", findAnchors},            // <a href> in the HTML, with link pagers (index_1.html…)
	{"script-pager", findScriptPager}, // TRS createPageHTML(n, …) and var countPage = n: index_N.html
	{"hanweb", findHanweb},            // Hanweb JCMS <datastore> records, dataproxy.jsp paging (pager_hanweb.go)
	{"json", findJSONList},            // a list a script fills from a JSON endpoint the page names (pager_json.go)
}

// find runs every shape over the page.
func (p *listingPage) find() findings {
	var f findings
	for _, s := range shapes {
		s.find(p, &f)
	}
	return f
}

// findAnchors is the plain shape: the page's <a href> links. Which of them are further pages (index_1.html,
// a pagination_pattern, a follow_pattern) listing() decides with isPagination.
func findAnchors(p *listingPage, f *findings) {
	f.links = append(f.links, anchors(p.Text, p.Base)...)
}

var (
	// TRS: createPageHTML(10, 0, "index", "html")
	trsPager = regexp.MustCompile(`createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*["']([\w-]+)["']\s*,\s*["'](\w+)["']`)
	// Older Hanweb and others: var countPage = 12//共多少页
	countPage = regexp.MustCompile(`\bvar\s+countPage\s*=\s*["']?(\d+)`)
	// index_3.html, list_2.shtml, index_bm_1.shtml
	pageName = regexp.MustCompile(`^([\w-]+?)_(\d+)\.(s?html?)$`)
)

// findScriptPager reads a pager a script writes (TRS createPageHTML, countPage) into the pages it names.
func findScriptPager(p *listingPage, f *findings) {
	for _, u := range scriptPages(p.Text, p.URL, p.Hints.PaginationPattern, p.Limit) {
		f.pages = append(f.pages, pageRequest{URL: u.String()})
	}
}

// scriptPages lists the pages of a listing whose pager is written by a script, up to limit pages (the
// first is the page itself). pattern, when set, is the site's page template ("index_{n}.html", {n} from 1).
func scriptPages(text string, page *url.URL, pattern string, limit int) []*url.URL {
	n := 0
	stem, ext := "", ""
	if m := trsPager.FindStringSubmatch(text); m != nil {
		n, _ = strconv.Atoi(m[1])
		stem, ext = m[3], m[4]
	} else if m := countPage.FindStringSubmatch(text); m != nil {
		n, _ = strconv.Atoi(m[1])
	}
	if n <= 1 {
		return nil
	}
	n = min(n, limit)
	dir, file := path.Split(page.Path)
	if stem == "" {
		stem, ext = "index", "html"
		if m := pageName.FindStringSubmatch(file); m != nil {
			stem, ext = m[1], m[3]
		} else if e := path.Ext(file); file != "" && e != "" {
			stem, ext = strings.TrimSuffix(file, e), strings.TrimPrefix(e, ".")
		}
	}
	var out []*url.URL
	for i := 0; i < n; i++ {
		var name string
		switch {
		case pattern != "" && i > 0:
			name = strings.ReplaceAll(pattern, "{n}", strconv.Itoa(i))
		case i == 0:
			name = stem + "." + ext
		default:
			name = stem + "_" + strconv.Itoa(i) + "." + ext
		}
		u := *page
		u.Path = dir + name
		u.RawPath, u.RawQuery, u.Fragment = "", "", ""
		out = append(out, &u)
	}
	return out
}

// isPagination says whether link is another page of the listing at page: same directory, named like
// index_3.html (or by the site's pattern), or the directory's first page.
func isPagination(link, page *url.URL, pattern *regexp.Regexp) bool {
	if fetch.HostPort(link) != fetch.HostPort(page) {
		return false
	}
	if pattern != nil && pattern.MatchString(link.String()) {
		return true
	}
	ldir, lfile := path.Split(link.Path)
	pdir, _ := path.Split(page.Path)
	if ldir != pdir {
		return false
	}
	return pageName.MatchString(lfile) || lfile == "" || lfile == "index.html" || lfile == "index.shtml" || lfile == "index.htm"
}
