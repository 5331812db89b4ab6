package crawl

import (
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Pagers: how a listing page leads to its other pages.

var (
	// TRS: createPageHTML(10, 0, "index", "html")
	trsPager = regexp.MustCompile(`createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*["']([\w-]+)["']\s*,\s*["'](\w+)["']`)
	// Hanweb and others: var countPage = 12//共多少页
	countPage = regexp.MustCompile(`\bvar\s+countPage\s*=\s*["']?(\d+)`)
	// index_3.html, list_2.shtml, index_bm_1.shtml
	pageName = regexp.MustCompile(`^([\w-]+?)_(\d+)\.(s?html?)$`)
)

// scriptPages lists the other pages of a listing whose pager is written by a script, up to limit pages.
// pattern, when set, is the site's page template ("index_{n}.html", {n} from 1).
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
	if link.Host != page.Host {
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

// paginationRE turns a pagination_pattern hint ("index_{n}.html") into a regexp on absolute URLs.
func paginationRE(p string) *regexp.Regexp {
	if p == "" {
		return nil
	}
	re, err := regexp.Compile(regexp.QuoteMeta(strings.ReplaceAll(p, "{n}", "\x00")) + "$")
	if err != nil {
		return nil
	}
	return regexp.MustCompile(strings.ReplaceAll(re.String(), "\x00", `\d+`))
}
