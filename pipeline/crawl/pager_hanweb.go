package crawl

// Hanweb (大汉) JCMS columns, /col/colNNN/index.html: the list is XML inside the page,
// <script type="text/xml"><datastore><nextgroup>…</nextgroup><recordset><record><![CDATA[<li><a href=…>…
// </a><span>2024-01-20</span></li>]]></record>…</recordset></datastore></script>, which the jpage script
// renders. The script's $('#UNIT').jpage({perPage, totalRecord, proxyUrl, ajaxParam: param_UNIT, …}) call
// and its var param_UNIT = {col, appid, webid, path, columnid, sourceContentType, unitid, webname,
// permissiontype} say how to get the other records: POST that form to
// /module/web/jpage/dataproxy.jsp?startrecord=N&endrecord=M&perpage=K, which answers the same <datastore>
// XML. The records after those in the page are asked for, up to the total the page states, never more.

import (
	"net/url"
	"regexp"
	"strconv"
)

var (
	datastoreRE = regexp.MustCompile(`(?is)<datastore>(.*?)</datastore>`)
	recordRE    = regexp.MustCompile(`(?is)<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>`)
	totalXMLRE  = regexp.MustCompile(`(?i)<totalrecord>\s*(\d+)\s*</totalrecord>`)
	nextgroupRE = regexp.MustCompile(`(?is)<nextgroup>\s*<!\[CDATA\[.*?href\s*=\s*["']([^"']+)["']`)
	jpageRE     = regexp.MustCompile(`\$\(\s*["']#([\w-]+)["']\s*\)\s*\.jpage\(\s*\{`)
	idRE        = regexp.MustCompile(`\bid\s*=\s*["']?([\w-]+)`)
)

// HanwebProxy is where Hanweb serves a column's records.
const HanwebProxy = "/module/web/jpage/dataproxy.jsp"

// hanwebStore is one <datastore> of a page.
type hanwebStore struct {
	unit    string // id of the element it sits in
	records int
	total   int    // <totalrecord>, when given
	next    string // the <nextgroup> link
}

func findHanweb(p *listingPage, f *findings) {
	var stores []hanwebStore
	for _, m := range datastoreRE.FindAllStringSubmatchIndex(p.Text, -1) {
		body := p.Text[m[2]:m[3]]
		st := hanwebStore{}
		for _, r := range recordRE.FindAllStringSubmatch(body, -1) {
			f.links = append(f.links, anchors(r[1], p.Base)...)
			st.records++
		}
		if t := totalXMLRE.FindStringSubmatch(body); t != nil {
			st.total, _ = strconv.Atoi(t[1])
		}
		if n := nextgroupRE.FindStringSubmatch(body); n != nil {
			st.next = n[1]
		}
		if ids := idRE.FindAllStringSubmatch(p.Text[max(0, m[0]-300):m[0]], -1); ids != nil {
			st.unit = ids[len(ids)-1][1]
		}
		stores = append(stores, st)
	}
	if len(stores) == 0 {
		return
	}
	budget := p.Limit
	for _, m := range jpageRE.FindAllStringSubmatchIndex(p.Text, -1) {
		unit := p.Text[m[2]:m[3]]
		cfg, _ := jsObject(p.Text, m[1]-1)
		st := stores[0]
		for _, s := range stores {
			if s.unit == unit {
				st = s
			}
		}
		perPage, ok := jsInt(cfg, "perPage")
		if !ok || perPage <= 0 {
			continue
		}
		group, ok := jsInt(cfg, "groupSize")
		if !ok || group <= 0 {
			group = 1
		}
		total, ok := jsInt(cfg, "totalRecord")
		if !ok {
			total = st.total
		}
		proxy := HanwebProxy
		if v, ok := member(cfg, "proxyUrl"); ok && v.Quoted && v.Value != "" {
			proxy = v.Value
		}
		pu, err := p.URL.Parse(proxy)
		if err != nil {
			continue
		}
		form := hanwebForm(p, cfg, st)
		for start := st.records + 1; start <= total && budget > 0; budget-- {
			end := min(start+perPage*group-1, total)
			u := *pu
			u.RawQuery = "startrecord=" + strconv.Itoa(start) + "&endrecord=" + strconv.Itoa(end) + "&perpage=" + strconv.Itoa(perPage)
			f.pages = append(f.pages, pageRequest{URL: u.String(), Form: form, Base: p.Base})
			start = end + 1
		}
	}
}

// hanwebForm is the form the jpage call posts: its ajaxParam (inline, or the var it names), else the
// parameters of the <nextgroup> link.
func hanwebForm(p *listingPage, cfg []jsMember, st hanwebStore) url.Values {
	form := url.Values{}
	if m, ok := member(cfg, "ajaxParam", "params"); ok && !m.Quoted {
		obj := m.Value
		if len(obj) == 0 || obj[0] != '{' {
			obj = jsVar(p.Text, obj)
		}
		if members, end := jsObject(obj, 0); end > 0 {
			for _, m := range members {
				if m.Literal() {
					form.Set(m.Key, m.Value)
				}
			}
		}
	}
	if len(form) == 0 && st.next != "" {
		if u, err := url.Parse(st.next); err == nil {
			for k, v := range u.Query() {
				if k != "page" && len(v) > 0 {
					form.Set(k, v[0])
				}
			}
		}
	}
	return form
}
