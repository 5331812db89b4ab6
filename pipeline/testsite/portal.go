package testsite

import (
	"fmt"
	"html"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Pager is how a listing page leads to its other pages.
type Pager int

const (
	// PagerLinks prints <a href="index_1.html"> links to every page.
	PagerLinks Pager = iota
	// PagerScript prints no page links, only the TRS script call createPageHTML(N, i, "index", "html").
	PagerScript
	// PagerCountPage prints only older-Hanweb-style "var countPage = N//共多少页" with the _{n} scheme.
	PagerCountPage
	// PagerHanweb is a Hanweb (大汉) JCMS column, /col/colNNN/index.html: the first PerPage records in a
	// <datastore> inside the page, a jpage call with the record count and a var param_UNIT form; the other
	// records only from /module/web/jpage/dataproxy.jsp by POST (hanweb.go).
	PagerHanweb
	// PagerJSON is a column a script fills from a JSON endpoint the page names ($.ajax with data
	// {channelId, pageNo, pageSize}); the endpoint answers PerPage items a page with the totals (jsonlist.go).
	PagerJSON
)

// Link is one row of a listing.
type Link struct {
	Href  string // as printed (relative or absolute)
	Text  string
	Title string // title attribute; empty: none
	Date  string
}

// Listing describes a column of annual reports spread over pages.
type Listing struct {
	Portal   string // site name printed in the chrome: 北京市东城区人民政府
	Column   string // column name: 政府信息公开年报
	PerPage  int    // rows per page (default 10)
	Pager    Pager
	GBK      bool     // encode the pages in GBK (with a matching <meta>)
	Extra    []string // more HTML put on every page (links off the list, e.g. to other sites)
	Base     string   // for PagerCountPage: page name stem ("index" → index.html, index_1.html)
	Ext      string   // page extension without dot (default html)
	Unlisted []Link   // rows added to page 0 only, after the list (e.g. a duplicate)
	// For PagerHanweb: the column, site and unit ids the page's script posts (defaults 1229, 36, 4890);
	// for PagerJSON: the channel id (default 1520) and the endpoint's path (default /api/cms/list).
	ColumnID, WebID, UnitID int
	API                     string
}

// Files renders the listing's files for the rows: its pages under dir (a path ending in "/"), and for the
// script-loaded shapes the data their endpoints serve from (the site's "database", under /_store/, which
// the server never serves as a page).
func (l Listing) Files(dir string, rows []Link) map[string][]byte {
	switch l.Pager {
	case PagerHanweb:
		return l.hanwebFiles(dir, rows)
	case PagerJSON:
		return l.jsonFiles(dir, rows)
	}
	out := map[string][]byte{}
	for i, pg := range l.Pages(rows) {
		out[dir+l.PageName(i)] = pg
	}
	return out
}

// perPage is the rows per page, default 10.
func (l Listing) perPage() int {
	if l.PerPage <= 0 {
		return 10
	}
	return l.PerPage
}

// head writes the page's start: doctype, charset, title, site header and breadcrumb.
func (l Listing) head(b *strings.Builder, extraHead string) {
	charset := "utf-8"
	if l.GBK {
		charset = "gbk"
	}
	fmt.Fprintf(b, "<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=%s\">\n", charset)
	fmt.Fprintf(b, "<title>%s_%s</title>\n%s</head>\n<body>\n", esc(l.Column), esc(l.Portal), extraHead)
	fmt.Fprintf(b, "<div class=\"header\"><a href=\"/\">%s</a></div>\n", esc(l.Portal))
	fmt.Fprintf(b, "<div class=\"crumb\">当前位置:<a href=\"/\">首页</a> &gt; <a href=\"../\">政府信息公开</a> &gt; %s</div>\n", esc(l.Column))
}

// foot writes the page's end and encodes it.
func (l Listing) foot(b *strings.Builder) []byte {
	for _, x := range l.Extra {
		b.WriteString(x)
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "<div class=\"footer\">主办:%s办公室 <a href=\"/wzdt/\">网站地图</a></div>\n</body>\n</html>\n", esc(l.Portal))
	return l.encode(b.String())
}

// encode turns UTF-8 text into the listing's encoding.
func (l Listing) encode(s string) []byte {
	if l.GBK {
		if enc, err := simplifiedchinese.GBK.NewEncoder().String(s); err == nil {
			return []byte(enc)
		}
	}
	return []byte(s)
}

// PageName is the file name of page i (0-based): index.html, index_1.html, …
func (l Listing) PageName(i int) string {
	base, ext := l.Base, l.Ext
	if base == "" {
		base = "index"
	}
	if ext == "" {
		ext = "html"
	}
	if i == 0 {
		return base + "." + ext
	}
	return fmt.Sprintf("%s_%d.%s", base, i, ext)
}

// Pages renders the pages of a listing paged by links or a script pager (PagerLinks, PagerScript,
// PagerCountPage) for the rows, in order; Files renders every shape.
func (l Listing) Pages(rows []Link) [][]byte {
	per := l.perPage()
	n := max(1, (len(rows)+per-1)/per)
	out := make([][]byte, n)
	for i := range n {
		var b strings.Builder
		l.head(&b, "")
		b.WriteString("<div class=\"list\"><ul>\n")
		for _, r := range rows[min(i*per, len(rows)):min((i+1)*per, len(rows))] {
			writeRow(&b, r)
		}
		if i == 0 {
			for _, r := range l.Unlisted {
				writeRow(&b, r)
			}
		}
		b.WriteString("</ul></div>\n")
		switch l.Pager {
		case PagerLinks:
			b.WriteString("<div class=\"page\">")
			for j := range n {
				if j == i {
					fmt.Fprintf(&b, "<span>%d</span> ", j+1)
				} else {
					fmt.Fprintf(&b, "<a href=\"%s\">%d</a> ", l.PageName(j), j+1)
				}
			}
			if i+1 < n {
				fmt.Fprintf(&b, "<a href=\"%s\">下一页</a>", l.PageName(i+1))
			}
			b.WriteString("</div>\n")
		case PagerScript:
			fmt.Fprintf(&b, "<div class=\"page\"><script type=\"text/javascript\">\nvar currentPage = %d;//所在页从0开始\nvar countPage = %d//共多少页\ncreatePageHTML(%d, %d, %q, %q);\n</script></div>\n",
				i, n, n, i, strings.TrimSuffix(l.PageName(0), "."+ext(l)), ext(l))
		case PagerCountPage:
			fmt.Fprintf(&b, "<script language=\"javascript\">\nvar countPage = %d//共多少页\nvar currentPage = %d\n</script>\n", n, i)
		}
		out[i] = l.foot(&b)
	}
	return out
}

func ext(l Listing) string {
	if l.Ext == "" {
		return "html"
	}
	return l.Ext
}

func writeRow(b *strings.Builder, r Link) {
	b.WriteString("<li><a href=\"")
	b.WriteString(esc(r.Href))
	b.WriteString("\"")
	if r.Title != "" {
		fmt.Fprintf(b, " title=\"%s\"", esc(r.Title))
	}
	fmt.Fprintf(b, " target=\"_blank\">%s</a>", esc(r.Text))
	if r.Date != "" {
		fmt.Fprintf(b, "<span class=\"date\">%s</span>", esc(r.Date))
	}
	b.WriteString("</li>\n")
}

// WrapperPage is a report page whose report is an attachment ("详见附件"), as some portals publish.
func WrapperPage(portal, title, attachHref, attachName string) []byte {
	return []byte(fmt.Sprintf(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>%s_%s</title></head>
<body><div class="header">%s</div>
<h1>%s</h1><div class="info">发布时间:2024-03-20 来源:%s</div>
<div class="content"><p>%s全文详见附件。</p>
<p>附件:<a href="%s">%s</a></p></div>
</body></html>
`, esc(title), esc(portal), esc(portal), esc(title), esc(portal), esc(title), esc(attachHref), esc(attachName)))
}

func esc(s string) string { return html.EscapeString(s) }
