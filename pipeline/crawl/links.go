package crawl

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/gkbench/gkbench/pipeline/parse"
	"github.com/gkbench/gkbench/pipeline/template"
)

// anchor is one <a href> of a page, resolved against the page's URL (and <base>).
type anchor struct {
	URL   *url.URL
	Text  string // link text, whitespace collapsed
	Title string // title attribute
	Date  string // YYYY-MM-DD printed right after the link in its list row, "" when none
}

// anchors lists a page's links. text is the decoded page.
func anchors(text string, pageURL *url.URL) []anchor {
	base := pageURL
	z := html.NewTokenizer(strings.NewReader(text))
	var out []anchor
	var cur *anchor
	var buf strings.Builder
	// after is the text following the last closed link, up to the end of its list row: listings print the
	// publication date there (<li><a>…</a><span>2024-02-05</span></li>).
	var after strings.Builder
	trailing := -1 // index in out of the link whose row is being read, or -1
	closeRow := func() {
		if trailing >= 0 {
			out[trailing].Date = listDate(after.String())
		}
		trailing = -1
		after.Reset()
	}
	for {
		switch z.Next() {
		case html.ErrorToken:
			closeRow()
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			if tag != "a" && tag != "base" {
				continue
			}
			if tag == "a" {
				closeRow()
			}
			var href, title string
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				switch string(k) {
				case "href":
					href = strings.TrimSpace(string(v))
				case "title":
					title = strings.TrimSpace(string(v))
				}
			}
			if tag == "base" {
				if u, err := pageURL.Parse(href); err == nil && href != "" {
					base = u
				}
				continue
			}
			if cur != nil {
				cur.Text = squash(buf.String())
				out = append(out, *cur)
				cur = nil
			}
			u, ok := resolve(base, href)
			if !ok {
				continue
			}
			cur = &anchor{URL: u, Title: squash(title)}
			buf.Reset()
		case html.TextToken:
			if cur != nil {
				buf.Write(z.Text())
			} else if trailing >= 0 && after.Len() < 200 {
				after.Write(z.Text())
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "a":
				if cur != nil {
					cur.Text = squash(buf.String())
					out = append(out, *cur)
					cur = nil
					trailing = len(out) - 1
				}
			case "li", "tr", "dd", "p", "div", "ul", "table":
				closeRow()
			}
		}
	}
}

// resolve makes href absolute, keeping only http(s) links and dropping fragments.
func resolve(base *url.URL, href string) (*url.URL, bool) {
	if href == "" || strings.HasPrefix(href, "#") {
		return nil, false
	}
	low := strings.ToLower(href)
	if strings.HasPrefix(low, "javascript:") || strings.HasPrefix(low, "mailto:") || strings.HasPrefix(low, "tel:") {
		return nil, false
	}
	u, err := base.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, false
	}
	u.Fragment, u.RawFragment = "", ""
	u.Host = strings.ToLower(u.Host)
	return u, true
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

var attachmentExts = map[string]bool{".pdf": true, ".doc": true, ".docx": true, ".wps": true, ".xls": true,
	".xlsx": true, ".txt": true}

// isAttachment says whether a URL names a downloadable document rather than a page.
func isAttachment(u *url.URL) bool { return attachmentExts[strings.ToLower(path.Ext(u.Path))] }

var (
	yearRE    = regexp.MustCompile(`((?:19|20)\d\d)\s*年`)
	dateRE    = regexp.MustCompile(`((?:19|20)\d\d)\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})`)
	notReport = []string{"解读", "图解", "答记者问", "指南", "目录", "申请表", "工作要点"}
)

// linkInfo is what a report link's text says about the report.
type linkInfo struct {
	Title     string
	Issuer    string
	Year      int
	Published string // the date the listing prints beside the link
}

// reportLink says whether a link's text (or title attribute) names an annual report of government
// information disclosure with a year, and reads issuer and year from it.
func reportLink(a anchor) (linkInfo, bool) {
	for _, t := range []string{a.Title, a.Text} {
		if info, ok := reportTitle(t); ok {
			info.Published = a.Date
			return info, true
		}
	}
	return linkInfo{}, false
}

func reportTitle(t string) (linkInfo, bool) {
	s := strings.Join(strings.Fields(template.ToSimplified(t)), "")
	if s == "" || !yearRE.MatchString(s) {
		return linkInfo{}, false
	}
	named := strings.Contains(s, "信息公开") && (strings.Contains(s, "年度报告") || strings.Contains(s, "年报")) ||
		strings.Contains(s, "信息公开工作报告")
	if !named {
		return linkInfo{}, false
	}
	for _, w := range notReport {
		if strings.Contains(s, w) {
			return linkInfo{}, false
		}
	}
	info := linkInfo{Title: squash(t)}
	if issuer, year, ok := parse.TitleMeta(s); ok {
		info.Issuer, info.Year = issuer, year
	} else if m := yearRE.FindStringSubmatch(s); m != nil {
		info.Year, _ = strconv.Atoi(m[1])
	}
	if !plausibleIssuer(info.Issuer) {
		info.Issuer = ""
	}
	return info, true
}

func plausibleIssuer(s string) bool {
	n := utf8.RuneCountInString(s)
	if n < 2 || n > 40 {
		return false
	}
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) && !strings.ContainsRune("（）()·", r) {
			return false
		}
	}
	return true
}

// listDate reads a YYYY-MM-DD date from the text after a listing link; "" when there is none.
func listDate(s string) string {
	m := dateRE.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, mo, d)
}
