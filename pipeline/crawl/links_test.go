package crawl

import (
	"net/url"
	"testing"
)

func TestAnchorDates(t *testing.T) {
	page := `<ul><li><a href="a.html">北京市东城区人民政府2023年政府信息公开工作年度报告</a><span class="date">2024-02-05</span></li>
<li><a href="b.html">无日期</a></li>
<li><span>[2023年3月1日]</span><a href="c.html">日期在前的不算</a></li></ul>
<table><tr><td><a href="d.html">表格行(日期在同一行的下一格,如海淀的 td.rq)</a></td><td class="rq"><span>2022/01/31</span></td></tr></table>
<p><a href="e.html">坏日期</a> 2024-13-40</p>`
	base, _ := url.Parse("http://127.0.0.1:1/list/")
	got := map[string]string{}
	for _, a := range anchors(page, base) {
		got[a.URL.Path] = a.Date
	}
	want := map[string]string{"/list/a.html": "2024-02-05", "/list/b.html": "", "/list/c.html": "",
		"/list/d.html": "2022-01-31", "/list/e.html": ""}
	for p, d := range want {
		if got[p] != d {
			t.Errorf("%s: date %q, want %q", p, got[p], d)
		}
	}
	info, ok := reportLink(anchors(page, base)[0])
	if !ok || info.Published != "2024-02-05" || info.Year != 2023 || info.Issuer != "北京市东城区人民政府" {
		t.Errorf("report link %+v %v", info, ok)
	}
}
