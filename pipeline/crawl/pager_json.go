package crawl

// Lists a script fills from a JSON endpoint the page names, as newer portals build their columns: the page
// holds an empty list and a script such as
//
//	$.ajax({url: "/api/cms/list", type: "get", dataType: "json",
//	        data: {channelId: "1520", pageNo: 1, pageSize: 10}, success: render});
//
// (or $.getJSON / $.get / $.post(url, data, …), fetch(url), axios.get(url, {params: …})). An endpoint
// with a page parameter (or a static .json file) is asked as the page names it; the answer is JSON whose items carry a title and a URL ({title, url,
// publishTime, …}, anywhere in the tree), and whose totals (totalPage, pages, or total with pageSize) name
// the other pages: the page parameter (pageNo, page, pageIndex, curPage, …) counted on from the value the
// page gives it, up to the last page, never beyond.

import (
	"encoding/json"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gkbench/gkbench/pipeline/fetch"
)

var (
	ajaxCallRE = regexp.MustCompile(`(?:\$|\bjQuery)\.(ajax|getJSON|get|post)\s*\(|\b(fetch)\s*\(|\baxios(?:\.(get|post))?\s*\(`)
	jsonpRE    = regexp.MustCompile(`^\s*[\w$.]+\s*\(`)
)

var (
	pageParams  = []string{"pageNo", "pageNum", "page", "pageIndex", "curPage", "currentPage", "current", "pn"}
	sizeParams  = []string{"pageSize", "size", "rows", "perPage", "limit", "pageRows"}
	urlKeys     = []string{"url", "link", "href", "linkUrl", "docUrl", "articleUrl", "postUrl", "post_url", "detailUrl", "pageUrl"}
	titleKeys   = []string{"title", "docTitle", "articleTitle", "showTitle", "mainTitle", "name"}
	dateKeys    = []string{"publishTime", "pubDate", "publishDate", "releaseTime", "releaseDate", "docRelTime", "date", "display_publish_time", "first_publish_time", "createTime", "create_time", "created_at", "time"}
	pagesKeys   = []string{"totalPage", "totalPages", "pages", "pageCount", "totalPageCount", "pageTotal"}
	recordsKeys = []string{"total", "totalCount", "totalRecord", "totalRecords", "totalNum", "recordCount", "totalElements", "totalSize"}
)

func findJSONList(p *listingPage, f *findings) {
	if body, ok := jsonBody(p.Text); ok {
		jsonAnswer(p, body, f)
		return
	}
	for _, m := range ajaxCallRE.FindAllStringSubmatchIndex(p.Text, -1) {
		call := ""
		for k := 2; k < len(m); k += 2 {
			if m[k] >= 0 {
				call = strings.ToLower(p.Text[m[k]:m[k+1]])
			}
		}
		if r, ok := jsonEndpoint(p, call, m[1]); ok {
			f.pages = append(f.pages, r)
		}
	}
}

// jsonEndpoint reads the call whose arguments start at s[i]: the endpoint, its method and its parameters.
func jsonEndpoint(p *listingPage, call string, i int) (pageRequest, bool) {
	s := p.Text
	i = skipSpace(s, i)
	var endpoint, method string
	var data []jsMember
	if i < len(s) && s[i] == '{' { // $.ajax({url: …, type: …, data: {…}}), axios({…})
		opts, _ := jsObject(s, i)
		u, ok := member(opts, "url")
		if !ok || !u.Quoted {
			return pageRequest{}, false
		}
		endpoint = u.Value
		if m, ok := member(opts, "type", "method"); ok && m.Quoted {
			method = strings.ToUpper(m.Value)
		}
		data = jsData(s, opts, "data", "params")
	} else { // $.get(url, data), fetch(url, {method}), axios.get(url, {params})
		if i >= len(s) || s[i] != '\'' && s[i] != '"' {
			return pageRequest{}, false
		}
		v, j, ok := jsString(s, i)
		if !ok {
			return pageRequest{}, false
		}
		endpoint = v
		if call == "post" {
			method = "POST"
		}
		if j = skipSpace(s, j); j < len(s) && s[j] == ',' {
			j = skipSpace(s, j+1)
			obj := s[j:]
			if k := j; k < len(s) && isIdent(s[k]) && !strings.HasPrefix(s[k:], "function") {
				for k < len(s) && isIdent(s[k]) {
					k++
				}
				obj = jsVar(s, s[j:k]) // $.post(url, params, …) with var params = {…}
			}
			if strings.HasPrefix(obj, "{") {
				arg, _ := jsObject(obj, 0)
				switch call {
				case "fetch":
					if m, ok := member(arg, "method"); ok && m.Quoted {
						method = strings.ToUpper(m.Value)
					}
				case "get", "post", "getjson":
					data = arg
					if len(arg) > 0 && call != "getjson" && (arg[0].Key == "params" || arg[0].Key == "data") {
						data = jsData(s, arg, "params", "data") // axios.get(url, {params: {…}})
					}
				}
			}
		}
	}
	u, err := p.URL.Parse(endpoint)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || fetch.HostPort(u) != fetch.HostPort(p.URL) {
		return pageRequest{}, false
	}
	switch strings.ToLower(u.Path[strings.LastIndexByte(u.Path, '.')+1:]) {
	case "html", "htm", "shtml", "js", "css", "png", "jpg", "gif":
		return pageRequest{}, false // not data
	}
	params := url.Values{}
	paged := false
	for _, m := range data {
		switch {
		case m.Literal():
			params.Set(m.Key, m.Value)
		case isOneOf(m.Key, pageParams):
			params.Set(m.Key, "1") // the page the running script would ask first; pages count from 1
		}
		paged = paged || isOneOf(m.Key, pageParams)
	}
	for k := range u.Query() {
		paged = paged || isOneOf(k, pageParams)
	}
	// Only a paged endpoint, or a static .json file, is taken for a list: page scripts also call visit
	// counters and the like, which a crawler has no business asking (let alone POSTing to).
	if !paged && !(method != "POST" && strings.HasSuffix(strings.ToLower(u.Path), ".json")) {
		return pageRequest{}, false
	}
	r := pageRequest{Base: p.URL, First: true}
	if method == "POST" {
		r.Form = params
	} else {
		q := u.Query()
		for k, v := range params {
			q[k] = v
		}
		u.RawQuery = q.Encode()
	}
	r.URL = u.String()
	return r, true
}

// jsData is the object a call's option names (inline, or the var it names).
func jsData(s string, opts []jsMember, names ...string) []jsMember {
	m, ok := member(opts, names...)
	if !ok || m.Quoted {
		return nil
	}
	obj := m.Value
	if !strings.HasPrefix(obj, "{") {
		obj = jsVar(s, obj)
	}
	members, _ := jsObject(obj, 0)
	return members
}

// jsonBody says whether text is JSON (or JSONP) and returns the JSON.
func jsonBody(text string) (string, bool) {
	t := strings.TrimSpace(text)
	if loc := jsonpRE.FindStringIndex(t); loc != nil && strings.HasSuffix(strings.TrimRight(t, "; \n"), ")") {
		t = strings.TrimRight(t, "; \n")
		t = strings.TrimSpace(t[loc[1] : len(t)-1])
	}
	if t == "" || t[0] != '{' && t[0] != '[' {
		return "", false
	}
	return t, true
}

// jsonAnswer reads an endpoint's answer: its items as links and, for the first answer, its other pages.
func jsonAnswer(p *listingPage, body string, f *findings) {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if a, ok := jsonItem(x, p.Base); ok {
				f.links = append(f.links, a)
				return
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(doc)
	if p.First {
		f.pages = append(f.pages, jsonPages(p, doc)...)
	}
}

// jsonItem reads an object that is a list item: a title and a URL (relative to the page that loads it).
func jsonItem(obj map[string]any, base *url.URL) (anchor, bool) {
	href, ok := jsonString(obj, urlKeys)
	if !ok {
		return anchor{}, false
	}
	title, ok := jsonString(obj, titleKeys)
	if !ok {
		return anchor{}, false
	}
	u, ok := resolve(base, href)
	if !ok {
		return anchor{}, false
	}
	a := anchor{URL: u, Text: squash(title), Title: squash(title)}
	for _, k := range dateKeys {
		if v, ok := jsonField(obj, k); ok {
			if a.Date = jsonDate(v); a.Date != "" {
				break
			}
		}
	}
	return a, true
}

// jsonPages lists the pages after the first, from the answer's totals and the request's page parameter.
func jsonPages(p *listingPage, doc any) []pageRequest {
	params := p.URL.Query()
	if p.Form != nil {
		params = p.Form
	}
	name, first := "", 0
	for _, k := range pageParams {
		for have, v := range params {
			if strings.EqualFold(have, k) && len(v) > 0 {
				if n, err := strconv.Atoi(v[0]); err == nil && name == "" {
					name, first = have, n
				}
			}
		}
	}
	if name == "" {
		return nil // no page parameter to count on: one page
	}
	pages := jsonTotalPages(doc, params)
	var out []pageRequest
	for k := 1; k < pages && len(out) < p.Limit; k++ {
		r := pageRequest{Base: p.Base}
		if p.Form != nil {
			form := url.Values{}
			for key, v := range p.Form {
				form[key] = v
			}
			form.Set(name, strconv.Itoa(first+k))
			r.URL, r.Form = p.URL.String(), form
		} else {
			u := *p.URL
			q := u.Query()
			q.Set(name, strconv.Itoa(first+k))
			u.RawQuery = q.Encode()
			r.URL = u.String()
		}
		out = append(out, r)
	}
	return out
}

// jsonTotalPages finds the page count: stated, or records over page size (the answer's or the request's);
// 0 when the answer states neither.
func jsonTotalPages(doc any, params url.Values) int {
	queue := []any{doc}
	for len(queue) > 0 {
		obj, ok := queue[0].(map[string]any)
		queue = queue[1:]
		if !ok {
			continue
		}
		if n, ok := jsonInt(obj, pagesKeys); ok {
			return n
		}
		if total, ok := jsonInt(obj, recordsKeys); ok {
			size, ok := jsonInt(obj, sizeParams)
			if !ok {
				for _, k := range sizeParams {
					for have, v := range params {
						if strings.EqualFold(have, k) && len(v) > 0 {
							size, _ = strconv.Atoi(v[0])
						}
					}
				}
			}
			if size > 0 {
				return int(math.Ceil(float64(total) / float64(size)))
			}
		}
		for _, v := range obj {
			if _, isObj := v.(map[string]any); isObj {
				queue = append(queue, v)
			}
		}
	}
	return 0
}

func jsonField(obj map[string]any, key string) (any, bool) {
	if v, ok := obj[key]; ok {
		return v, true
	}
	for k, v := range obj {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

func jsonString(obj map[string]any, keys []string) (string, bool) {
	for _, k := range keys {
		if v, ok := jsonField(obj, k); ok {
			if s, ok := v.(string); ok && strings.TrimSpace(s) != "" {
				return strings.TrimSpace(s), true
			}
		}
	}
	return "", false
}

func jsonInt(obj map[string]any, keys []string) (int, bool) {
	for _, k := range keys {
		v, ok := jsonField(obj, k)
		if !ok {
			continue
		}
		switch x := v.(type) {
		case json.Number:
			if n, err := x.Int64(); err == nil && n >= 0 && n < 1<<31 {
				return int(n), true
			}
		case string:
			if n, err := strconv.Atoi(strings.TrimSpace(x)); err == nil && n >= 0 {
				return n, true
			}
		}
	}
	return 0, false
}

// jsonDate reads a date field: text with a date in it, or a Unix time in seconds or milliseconds (dates
// in China Standard Time).
func jsonDate(v any) string {
	switch x := v.(type) {
	case string:
		return listDate(x)
	case json.Number:
		n, err := x.Int64()
		if err != nil {
			return ""
		}
		if n > 1e11 {
			n /= 1000
		}
		if n < 631152000 || n > 4102444800 { // 1990–2100
			return ""
		}
		return time.Unix(n, 0).In(chinaTime).Format("2006-01-02")
	}
	return ""
}

var chinaTime = time.FixedZone("CST", 8*3600)

func isOneOf(s string, list []string) bool {
	for _, l := range list {
		if strings.EqualFold(s, l) {
			return true
		}
	}
	return false
}
