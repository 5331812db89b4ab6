package testsite

// Hanweb (大汉) JCMS, as its column pages and its record proxy behave: the column page
// /col/colNNN/index.html carries the first page of records as XML in <script type="text/xml"><datastore>,
// with the jpage call that renders them (record count, page size, proxy, and the form in var param_UNIT);
// /module/web/jpage/dataproxy.jsp answers a POST of that form with ?startrecord=N&endrecord=M&perpage=K
// by the same <datastore> XML, in the site's encoding. Like the JSP it imitates, the proxy sends no
// validators, answers GET with 405, and an unknown column or a form that does not match it with an empty
// datastore.

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// HanwebProxy is the path Hanweb serves a column's records on.
const HanwebProxy = "/module/web/jpage/dataproxy.jsp"

// storePrefix holds the sites' data (the records an endpoint pages through); never served as a page.
const storePrefix = "/_store/"

// HanwebStore is where a Hanweb column's records are kept on its host.
func HanwebStore(columnID int) string {
	return fmt.Sprintf("%shanweb/col%d.xml", storePrefix, columnID)
}

func (l Listing) hanwebIDs() (col, web, unit int) {
	col, web, unit = l.ColumnID, l.WebID, l.UnitID
	if col == 0 {
		col = 1229
	}
	if web == 0 {
		web = 36
	}
	if unit == 0 {
		unit = 4890
	}
	return
}

func hanwebRecord(r Link) string {
	title := r.Title
	if title == "" {
		title = r.Text
	}
	rec := fmt.Sprintf("<li><a href=\"%s\" title=\"%s\" target=\"_blank\">%s</a>", esc(r.Href), esc(title), esc(r.Text))
	if r.Date != "" {
		rec += "<span>" + esc(r.Date) + "</span>"
	}
	return "<record><![CDATA[\n" + rec + "</li>\n]]></record>\n"
}

// hanwebFiles renders the column page (dir + index.html) and the column's record store.
func (l Listing) hanwebFiles(dir string, rows []Link) map[string][]byte {
	col, web, unit := l.hanwebIDs()
	per := l.perPage()
	rows = append(append([]Link(nil), rows...), l.Unlisted...)
	var b strings.Builder
	l.head(&b, "<script type=\"text/javascript\" src=\"/module/jslib/jquery/jquery.js\"></script>\n"+
		"<script type=\"text/javascript\" src=\"/module/jslib/jpage/jquery.jpage.js\"></script>\n")
	// In the order Hanweb writes them.
	next := fmt.Sprintf("page=1&appid=1&webid=%d&path=/&columnid=%d&unitid=%d&webname=%s&permissiontype=0",
		web, col, unit, url.QueryEscape(l.Portal))
	fmt.Fprintf(&b, "<div class=\"default_pgContainer\" id=\"%d\"><script type=\"text/xml\"><datastore>\n", unit)
	fmt.Fprintf(&b, "<nextgroup><![CDATA[<a href=\"%s?%s\"></a>]]></nextgroup>\n<recordset>\n", HanwebProxy, next)
	for _, r := range rows[:min(per, len(rows))] {
		b.WriteString(hanwebRecord(r))
	}
	b.WriteString("</recordset>\n</datastore></script></div>\n")
	fmt.Fprintf(&b, `<script type="text/javascript">
var param_%d = {col:1,appid:1,webid:%d,path:'/',columnid:%d,sourceContentType:1,unitid:'%d',webname:'%s',permissiontype:0};
$(document).ready(function(){
	$('#%d').jpage({
		dataStore: null,
		proxyUrl: '%s',
		perPage: %d,
		totalRecord: %d,
		groupSize: 1,
		barPosition: 'bottom',
		showMode: 'full',
		themeName: 'default',
		ajaxParam: param_%d
	});
});
</script>
`, unit, web, col, unit, strings.ReplaceAll(l.Portal, "'", "\\'"), unit, HanwebProxy, per, len(rows), unit)
	page := l.foot(&b)

	var st strings.Builder
	enc := "utf-8"
	if l.GBK {
		enc = "gbk"
	}
	fmt.Fprintf(&st, "<store encoding=\"%s\" webid=\"%d\" columnid=\"%d\" unitid=\"%d\">\n", enc, web, col, unit)
	for _, r := range rows {
		st.WriteString(hanwebRecord(r))
	}
	st.WriteString("</store>\n")
	return map[string][]byte{dir + "index.html": page, HanwebStore(col): l.encode(st.String())}
}

var (
	storeAttrRE  = regexp.MustCompile(`(\w+)="([^"]*)"`)
	storeRecords = regexp.MustCompile(`(?s)<record>.*?</record>`) // '<' is never a GBK trail byte
)

// hanwebProxy answers dataproxy.jsp.
func (s *Server) hanwebProxy(h *host, w http.ResponseWriter, r *http.Request) int {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return http.StatusMethodNotAllowed
	}
	col, _ := strconv.Atoi(r.PostForm.Get("columnid"))
	store, _ := s.lookup(h, HanwebStore(col))
	enc := "UTF-8"
	var records [][]byte
	if store != nil {
		head := store.Body[:max(bytes.IndexByte(store.Body, '>'), 0)]
		attrs := map[string]string{}
		for _, m := range storeAttrRE.FindAllSubmatch(head, -1) {
			attrs[string(m[1])] = string(m[2])
		}
		if attrs["encoding"] == "gbk" {
			enc = "GBK"
		}
		if r.PostForm.Get("webid") == attrs["webid"] && r.PostForm.Get("unitid") == attrs["unitid"] {
			records = storeRecords.FindAll(store.Body, -1)
		}
	}
	q := r.URL.Query()
	start, _ := strconv.Atoi(q.Get("startrecord"))
	end, _ := strconv.Atoi(q.Get("endrecord"))
	per, _ := strconv.Atoi(q.Get("perpage"))
	total := len(records)
	var b bytes.Buffer
	fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"%s\"?>\n<datastore>\n<recordset>\n", enc)
	for i := max(start, 1); i <= min(end, total); i++ {
		b.Write(records[i-1])
		b.WriteByte('\n')
	}
	pages := 0
	if per > 0 {
		pages = (total + per - 1) / per
	}
	fmt.Fprintf(&b, "</recordset>\n<totalrecord>%d</totalrecord>\n<totalpage>%d</totalpage>\n</datastore>\n", total, pages)
	w.Header().Set("Content-Type", "text/xml;charset="+enc)
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(b.Bytes())
	return http.StatusOK
}
