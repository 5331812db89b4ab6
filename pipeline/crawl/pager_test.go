package crawl

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/gkbench/gkbench/pipeline/decode"
	"github.com/gkbench/gkbench/pipeline/registry"
	"github.com/gkbench/gkbench/pipeline/testsite"
)

// shapeRows are the links a generated listing carries: seven reports and two links that are not reports.
func shapeRows(dir string) []testsite.Link {
	var rows []testsite.Link
	for i, y := range []int{2024, 2023, 2022, 2021, 2020, 2019, 2018} {
		rows = append(rows, testsite.Link{Href: fmt.Sprintf("%s%d02/t%d0205_%d.html", dir, y+1, y+1, 100+i),
			Text: fmt.Sprintf("示例市东湖区人民政府%d年政府信息公开工作年度报告", y), Date: fmt.Sprintf("%d-02-05", y+1)})
		if i == 1 {
			rows = append(rows,
				testsite.Link{Href: dir + "jd/t1.html", Text: "图解:示例市东湖区人民政府2023年政府信息公开工作年度报告"},
				testsite.Link{Href: "/zwgk/tzgg/t2.html", Text: "关于做好政务公开工作的通知"})
		}
	}
	return rows
}

// listingText renders one file of a generated listing as the crawler reads it (decoded to UTF-8).
func listingText(t *testing.T, l testsite.Listing, dir, file string) string {
	t.Helper()
	b, ok := l.Files(dir, shapeRows("/zwgk/gknb/"))[file]
	if !ok {
		t.Fatalf("listing has no %s", file)
	}
	text, _, err := decode.Decode(b, "")
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// hanwebAnswer is what dataproxy.jsp answers for records from..to of the generated Hanweb column.
func hanwebAnswer(t *testing.T, from, to int) string {
	t.Helper()
	srv, err := testsite.Listen("h")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	l := testsite.Listing{Portal: "示例市", Column: "年报", PerPage: 3, Pager: testsite.PagerHanweb, GBK: true}
	for p, b := range l.Files("/col/col1229/", shapeRows("/zwgk/gknb/")) {
		srv.Put("h", p, &testsite.Page{Body: b})
	}
	form := "col=1&appid=1&webid=36&path=/&columnid=1229&sourceContentType=1&unitid=4890&webname=x&permissiontype=0"
	return postText(t, srv.URL("h", fmt.Sprintf("%s?startrecord=%d&endrecord=%d&perpage=3", testsite.HanwebProxy, from, to)), form)
}

// TestShapes: each listing shape, page in → report links and further pages out (like x/net/html's token
// tests). Pages are listed as "GET url" or "POST url form", links as their paths.
func TestShapes(t *testing.T) {
	const site = "http://127.0.0.1:8080"
	hints := func(y string) *registry.Hints {
		reg, err := registry.Parse("t.yaml", []byte(`version: 1
sources:
  - id: t
    issuer: 示例
    jurisdiction: 东湖区
    division_code: "990101"
    level: district
    start_urls: [{url: "http://127.0.0.1:8080/"}]
    allowed_hosts: ["127.0.0.1:8080"]
`+y))
		if err != nil {
			t.Fatal(err)
		}
		return &reg.Sources[0].Hints
	}
	links := func(p testsite.Pager, per int) testsite.Listing {
		return testsite.Listing{Portal: "示例市东湖区人民政府", Column: "年报", PerPage: per, Pager: p}
	}
	hanwebForm := "appid=1&col=1&columnid=1229&path=%2F&permissiontype=0&sourceContentType=1&unitid=4890&webid=36&webname=%E7%A4%BA%E4%BE%8B%E5%B8%82"
	for _, tc := range []struct {
		name    string
		url     string // the page's URL
		base    string // what its links resolve against, when not its URL
		form    string // the form it was POSTed with
		first   bool
		text    string
		hints   string // registry hints, YAML
		limit   int
		reports []string
		pages   []string
	}{
		{name: "links: first page, pager links",
			url: site + "/zwgk/gknb/index.html", text: listingText(t, links(testsite.PagerLinks, 4), "/zwgk/gknb/", "/zwgk/gknb/index.html"),
			reports: []string{"/zwgk/gknb/202502/t20250205_100.html", "/zwgk/gknb/202402/t20240205_101.html"},
			pages:   []string{"GET /zwgk/gknb/index_1.html", "GET /zwgk/gknb/index_2.html"}}, // "下一页" repeats index_1
		{name: "links: last page",
			url: site + "/zwgk/gknb/index_2.html", text: listingText(t, links(testsite.PagerLinks, 4), "/zwgk/gknb/", "/zwgk/gknb/index_2.html"),
			reports: []string{"/zwgk/gknb/201902/t20190205_106.html"},
			pages:   []string{"GET /zwgk/gknb/index.html", "GET /zwgk/gknb/index_1.html"}},
		{name: "TRS createPageHTML: pages only from the script",
			url: site + "/zwgk/gknb/index_1.html", text: listingText(t, links(testsite.PagerScript, 4), "/zwgk/gknb/", "/zwgk/gknb/index_1.html"),
			reports: []string{"/zwgk/gknb/202302/t20230205_102.html", "/zwgk/gknb/202202/t20220205_103.html", "/zwgk/gknb/202102/t20210205_104.html", "/zwgk/gknb/202002/t20200205_105.html"},
			pages:   []string{"GET /zwgk/gknb/index.html", "GET /zwgk/gknb/index_1.html", "GET /zwgk/gknb/index_2.html"}},
		{name: "countPage with the site's pagination_pattern",
			url: site + "/zwgk/gknb/index.html", text: "<ul><li><a href=\"a.html\">无关</a></li></ul><script>var countPage = 3//共多少页</script>",
			hints: "    hints: {pagination_pattern: \"list_{n}.shtml\"}\n",
			pages: []string{"GET /zwgk/gknb/index.html", "GET /zwgk/gknb/list_1.shtml", "GET /zwgk/gknb/list_2.shtml"}},
		{name: "page budget: the script pager stops at the limit",
			url: site + "/zwgk/gknb/index.html", text: "<script>createPageHTML(50, 0, \"index\", \"html\");</script>", limit: 2,
			pages: []string{"GET /zwgk/gknb/index.html", "GET /zwgk/gknb/index_1.html"}},
		{name: "Hanweb column (GBK): records in the page, the rest POSTed to dataproxy.jsp up to the total",
			url:     site + "/col/col1229/index.html",
			text:    listingText(t, testsite.Listing{Portal: "示例市", Column: "年报", PerPage: 3, Pager: testsite.PagerHanweb, GBK: true}, "/col/col1229/", "/col/col1229/index.html"),
			reports: []string{"/zwgk/gknb/202502/t20250205_100.html", "/zwgk/gknb/202402/t20240205_101.html"},
			pages: []string{"POST " + testsite.HanwebProxy + "?startrecord=4&endrecord=6&perpage=3 " + hanwebForm,
				"POST " + testsite.HanwebProxy + "?startrecord=7&endrecord=9&perpage=3 " + hanwebForm}},
		{name: "Hanweb dataproxy.jsp answer: its records, no further pages",
			url: site + testsite.HanwebProxy + "?startrecord=4&endrecord=6&perpage=3", base: site + "/col/col1229/index.html",
			form: hanwebForm, text: hanwebAnswer(t, 4, 6),
			reports: []string{"/zwgk/gknb/202302/t20230205_102.html", "/zwgk/gknb/202202/t20220205_103.html"}},
		{name: "Hanweb as real portals print it: single quotes, param var, groups of pages, several units",
			url: site + "/col/col33718/index.html", text: `<div id="212860"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=33718&unitid=212860&webname=江苏省人民政府&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href='/art/2025/3/11/art_33718_1182.html' title='江苏省人民政府2024年政府信息公开工作年度报告'>江苏省人民政府2024年政府信息公开工作年度报告</a><span>2025-03-11</span></li>]]></record>
<record><![CDATA[<li><a href='/art/2025/1/15/art_33718_1169.html' title='徐州以产业集群培育赋能中小企业'>徐州以产业集群培育赋能中小企业</a><span>2025-01-15</span></li>]]></record>
</recordset></datastore></script></div>
<div id="3001"><script type="text/xml"><datastore><recordset><record><![CDATA[<li><a href="/art/2020/1/1/art_1_1.html">网站地图</a></li>]]></record></recordset></datastore></script></div>
<script>var param_212860={col:1,appid:1,webid:1,path:'/',columnid:33718,sourceContentType:1,unitid:'212860',webname:'江苏省人民政府',permissiontype:0};
$('#212860').jpage({dataStore:null,proxyUrl:'/module/web/jpage/dataproxy.jsp',perPage:2,groupSize:2,totalRecord:9,ajaxParam:param_212860});</script>`,
			reports: []string{"/art/2025/3/11/art_33718_1182.html"},
			pages: []string{
				"POST /module/web/jpage/dataproxy.jsp?startrecord=3&endrecord=6&perpage=2 appid=1&col=1&columnid=33718&path=%2F&permissiontype=0&sourceContentType=1&unitid=212860&webid=1&webname=%E6%B1%9F%E8%8B%8F%E7%9C%81%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C",
				"POST /module/web/jpage/dataproxy.jsp?startrecord=7&endrecord=9&perpage=2 appid=1&col=1&columnid=33718&path=%2F&permissiontype=0&sourceContentType=1&unitid=212860&webid=1&webname=%E6%B1%9F%E8%8B%8F%E7%9C%81%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C"}},
		{name: "Hanweb: form from <nextgroup>, total from <totalrecord>",
			url: site + "/col/col9/index.html", text: `<div id="77"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=5&columnid=9&unitid=77"></a>]]></nextgroup>
<recordset><record><![CDATA[<li><a href="/art/1.html">某区2023年政府信息公开工作年度报告</a></li>]]></record></recordset><totalrecord>2</totalrecord></datastore></script></div>
<script>$('#77').jpage({perPage:1});</script>`,
			reports: []string{"/art/1.html"},
			pages:   []string{"POST /module/web/jpage/dataproxy.jsp?startrecord=2&endrecord=2&perpage=1 columnid=9&unitid=77&webid=5"}},
		{name: "Hanweb without a record count: no page guessed",
			url: site + "/col/col9/index.html", text: `<div id="77"><script type="text/xml"><datastore><recordset><record><![CDATA[<li><a href="/art/1.html">某区2023年政府信息公开工作年度报告</a></li>]]></record></recordset></datastore></script></div>
<script>$('#77').jpage({perPage:1, ajaxParam: {columnid: 9}});</script>`,
			reports: []string{"/art/1.html"}},
		{name: "JSON list page: the endpoint it names, first page",
			url: site + "/zwgk/gknb/index.html", text: listingText(t, links(testsite.PagerJSON, 4), "/zwgk/gknb/", "/zwgk/gknb/index.html"),
			pages: []string{"GET /api/cms/list?channelId=1520&pageNo=1&pageSize=4 first"}},
		{name: "JSON answer, first page: items and the other pages by totalPage",
			url: site + "/api/cms/list?channelId=1520&pageNo=1&pageSize=4", base: site + "/zwgk/gknb/index.html", first: true,
			text: `{"code":200,"data":{"pageNo":1,"pageSize":4,"total":9,"totalPage":3,"list":[
{"id":1,"title":"示例市龙泉区人民政府2024年政府信息公开工作年度报告","url":"202502/t1.html","publishTime":"2025-02-05 09:30:00"},
{"id":2,"title":"图解:示例市龙泉区人民政府2024年政府信息公开工作年度报告","url":"jd/t2.html"},
{"id":3,"title":"示例市龙泉区人民政府2023年政府信息公开工作年度报告","url":"javascript:void(0)"}]}}`,
			reports: []string{"/zwgk/gknb/202502/t1.html"},
			pages:   []string{"GET /api/cms/list?channelId=1520&pageNo=2&pageSize=4", "GET /api/cms/list?channelId=1520&pageNo=3&pageSize=4"}},
		{name: "JSON answer, later page: items only",
			url: site + "/api/cms/list?channelId=1520&pageNo=3&pageSize=4", base: site + "/zwgk/gknb/index.html",
			text:    `{"data":{"totalPage":3,"list":[{"title":"示例市龙泉区人民政府2018年政府信息公开工作年度报告","url":"/zwgk/gknb/201902/t9.html"}]}}`,
			reports: []string{"/zwgk/gknb/201902/t9.html"}},
		{name: "JSON: $.getJSON, zero-based page, total over size",
			url: site + "/xxgk/nb/", text: `<script>$.getJSON('/xxgk/api/list.json', {cat: 'gknb', page: 0, size: 20}, draw);</script>`,
			pages: []string{"GET /xxgk/api/list.json?cat=gknb&page=0&size=20 first"}},
		{name: "JSON: zero-based answer, Unix dates, pages counted on from 0",
			url: site + "/xxgk/api/list.json?cat=gknb&page=0&size=20", base: site + "/xxgk/nb/", first: true,
			text:    `{"total":45,"articles":[{"title":"某区人民政府2023年政府信息公开工作年度报告","post_url":"http://127.0.0.1:8080/xxgk/post_7.html","create_time":1709602200}]}`,
			reports: []string{"/xxgk/post_7.html"},
			pages:   []string{"GET /xxgk/api/list.json?cat=gknb&page=1&size=20", "GET /xxgk/api/list.json?cat=gknb&page=2&size=20"}},
		{name: "JSON: a total without a page size: no page guessed",
			url: site + "/api/list?page=1", base: site + "/", first: true,
			text: `{"total":45,"rows":[{"title":"某区人民政府2023年政府信息公开工作年度报告","link":"/a.html"}]}`, reports: []string{"/a.html"}},
		{name: "JSON: $.post with the data in a var",
			url: site + "/gk/", text: `<script>var q = {columnId: 12, pageIndex: 1, rows: 10}; $.post("/gk/list.do", q, function(d){});</script>`,
			pages: []string{"POST /gk/list.do columnId=12&pageIndex=1&rows=10 first"}},
		{name: "JSON: JSONP answer to a POST, pages as forms",
			url: site + "/gk/list.do", form: "columnId=12&pageIndex=1&rows=10", base: site + "/gk/", first: true,
			text:    `cb({"pageCount":2,"data":[{"docTitle":"某区2022年政府信息公开工作年度报告","docUrl":"t1.html","pubDate":"2023/1/31"}]});`,
			reports: []string{"/gk/t1.html"},
			pages:   []string{"POST /gk/list.do columnId=12&pageIndex=2&rows=10"}},
		{name: "JSON: an endpoint on another host is not followed",
			url: site + "/gk/", text: `<script>fetch("http://other.example/api/list?page=1")</script>`},
		{name: "JSON: calls without a page parameter (a visit counter) are not lists",
			url: site + "/gk/", text: `<script>$.ajax({url: "/interface/visit.jsp", type: "post", data: {siteId: 3}}); $.get("/count.do?id=7");</script>`},
		{name: "JSON: a static .json file is",
			url: site + "/gk/", text: `<script>$.getJSON("data/gknb.json", function (d) {});</script>`,
			pages: []string{"GET /gk/data/gknb.json first"}},
		{name: "a page that lists no report",
			url: site + "/zwgk/", text: `<ul><li><a href="/zwgk/tzgg/a.html">关于做好政务公开工作的通知</a></li><li><a href="/zwgk/gknb/2023jd.html">2023年政府信息公开工作年度报告解读</a></li></ul>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, _ := url.Parse(tc.url)
			p := &listingPage{URL: u, Base: u, Text: tc.text, First: tc.first, Hints: hints(tc.hints), Limit: 200}
			if tc.base != "" {
				p.Base, _ = url.Parse(tc.base)
			}
			if tc.form != "" {
				p.Form, _ = url.ParseQuery(tc.form)
			}
			if tc.limit > 0 {
				p.Limit = tc.limit
			}
			reports, pages, _ := p.sort(nil)
			var gotR, gotP []string
			for _, r := range reports {
				gotR = append(gotR, r.a.URL.Path)
			}
			for _, r := range pages {
				ru, _ := url.Parse(r.URL)
				s := "GET " + ru.RequestURI()
				if r.Form != nil {
					s = "POST " + ru.RequestURI() + " " + r.Form.Encode()
				}
				if r.First {
					s += " first"
				}
				gotP = append(gotP, s)
			}
			if strings.Join(gotR, "\n") != strings.Join(tc.reports, "\n") {
				t.Errorf("reports:\n got %q\nwant %q", gotR, tc.reports)
			}
			sort.Strings(gotP)
			want := append([]string(nil), tc.pages...)
			sort.Strings(want)
			if strings.Join(gotP, "\n") != strings.Join(want, "\n") {
				t.Errorf("pages:\n got %q\nwant %q", gotP, want)
			}
		})
	}
}

// TestJSONItemDates: the date beside a JSON item, from text or a Unix time, becomes the report's
// publication date as a listing's does.
func TestJSONItemDates(t *testing.T) {
	base, _ := url.Parse("http://127.0.0.1/list/")
	for _, tc := range []struct {
		json, date string
	}{
		{`{"title":"t","url":"a.html","publishTime":"2024-02-05 09:30:00"}`, "2024-02-05"},
		{`{"title":"t","url":"a.html","create_time":1707096600}`, "2024-02-05"},
		{`{"title":"t","url":"a.html","pubDate":1707096600000}`, "2024-02-05"},
		{`{"title":"t","url":"a.html","date":"2024年2月5日"}`, "2024-02-05"},
		{`{"title":"t","url":"a.html"}`, ""},
	} {
		var f findings
		jsonAnswer(&listingPage{URL: base, Base: base}, "["+tc.json+"]", &f)
		if len(f.links) != 1 || f.links[0].Date != tc.date {
			t.Errorf("%s: %+v, want date %q", tc.json, f.links, tc.date)
		}
	}
}

// postText POSTs form to u and returns the answer decoded.
func postText(t *testing.T, u, form string) string {
	t.Helper()
	resp, err := http.Post(u, "application/x-www-form-urlencoded", strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST %s: %d %v", u, resp.StatusCode, err)
	}
	text, _, err := decode.Decode(b, resp.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	return text
}
