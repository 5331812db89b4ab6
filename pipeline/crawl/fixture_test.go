package crawl

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gkbench/gkbench/pipeline/registry"
	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/template"
	"github.com/gkbench/gkbench/pipeline/testsite"
)

// expected is one report the crawl must find.
type expected struct {
	host, path   string
	issuer, year string
	rep          *synth.Report // nil for the PDF attachment
	status       string        // warehouse status
	published    string        // the date the listing prints beside the link ("" to not check)
}

// fixture is two district portals and a mirror on 127.0.0.1, with every behaviour the crawler must handle.
type fixture struct {
	srv      *testsite.Server
	reg      *registry.Registry
	want     []expected
	flaky    string // "host path"
	dead     string
	missing  string
	decoy    string
	jiedu    string
	redirect string
	wrapper  string
	edit     expected // the report a test edits
}

var cellReceived = template.Cell{Table: "applications", Row: "new_received", Col: "total"}

func gen(seed int64, issuer string, year int) *synth.Report {
	return synth.Generate(seed, issuer, "", year, template.ForYear(year), 1)
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	srv, err := testsite.Listen("dongcheng", "fengtai", "mirror")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	f := &fixture{srv: srv}
	put := func(host, path string, p *testsite.Page) {
		t.Helper()
		if err := srv.Put(host, path, p); err != nil {
			t.Fatal(err)
		}
	}

	// 东城: link pager, UTF-8 and GBK pages, one GBK page labelled UTF-8 by the server, a flaky page, a
	// dead page, a 404, a redirect, a report in attachments, a robots-disallowed decoy, an interpretation
	// page, an off-host copy and a duplicate link.
	const dc = "/zfxxgkzl/zfxxgknb/"
	put("dongcheng", "/robots.txt", &testsite.Page{Body: []byte("User-agent: *\nDisallow: /private/\n")})
	type doc struct {
		path  string
		rep   *synth.Report
		style synth.Style
		page  testsite.Page
	}
	docs := []doc{
		{path: dc + "2023nb/202403/t20240305_3580286.html", rep: gen(1, "北京市东城区人民政府", 2023)},
		{path: dc + "2022nb/202303/t20230310_3001.html", rep: gen(2, "北京市东城区人民政府", 2022), style: synth.Style{Encoding: synth.GBK}},
		{path: dc + "2021nb/202203/t20220311_2002.html", rep: gen(3, "北京市东城区人民政府", 2021), style: synth.Style{Encoding: synth.GBK},
			page: testsite.Page{ContentType: "text/html; charset=utf-8"}},
		{path: dc + "2023nb/202403/t20240306_3580300.html", rep: gen(4, "北京市东城区发展和改革委员会", 2023), page: testsite.Page{FailFirst: 2}},
		{path: dc + "2020nb/202103/t20210310_2994413.html", rep: gen(5, "北京市东城区人民政府", 2020)},
	}
	var rows []testsite.Link
	for i, d := range docs {
		p := d.page
		p.Body = synth.HTML(d.rep, d.style)
		put("dongcheng", d.path, &p)
		e := expected{host: "dongcheng", path: d.path, issuer: d.rep.Issuer, year: fmt.Sprint(d.rep.Year), rep: d.rep, status: "ok",
			published: "2024-03-05"}
		f.want = append(f.want, e)
		href := d.path
		if i == 4 {
			// Listed under its old address, which redirects.
			href = "/old/2020.html"
			f.redirect = "dongcheng /old/2020.html"
			put("dongcheng", href, &testsite.Page{Status: 301, Location: d.path})
		}
		rows = append(rows, testsite.Link{Href: href, Text: synth.ReportTitle(d.rep, d.style), Date: "2024-03-05"})
	}
	f.edit = f.want[0]
	f.flaky = "dongcheng " + docs[3].path

	// A street office publishing its report as a Word attachment (HTML saved as .doc) and a scanned PDF.
	street := gen(6, "北京市东城区东华门街道办事处", 2023)
	wrapper := dc + "2023nb/dcqjd2023/202401/t20240119_4446470.html"
	docPath := dc + "2023nb/dcqjd2023/202401/P020240119.doc"
	pdfPath := dc + "2023nb/dcqjd2023/202401/P020240119_scan.pdf"
	title := synth.ReportTitle(street, synth.Style{})
	wb := testsite.WrapperPage("北京市东城区人民政府", title, "P020240119.doc", title+".doc")
	wb = []byte(strings.Replace(string(wb), "</div>\n</body>", `<p>附件2:<a href="P020240119_scan.pdf">扫描件.pdf</a></p></div>
</body>`, 1))
	put("dongcheng", wrapper, &testsite.Page{Body: wb})
	put("dongcheng", docPath, &testsite.Page{Body: synth.HTML(street, synth.Style{SpanSoup: true})})
	put("dongcheng", pdfPath, &testsite.Page{Body: []byte("%PDF-1.4\n% 扫描件\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")})
	f.wrapper = "dongcheng " + wrapper
	f.want = append(f.want,
		expected{host: "dongcheng", path: docPath, issuer: street.Issuer, year: "2023", rep: street, status: "ok"},
		expected{host: "dongcheng", path: pdfPath, issuer: street.Issuer, year: "2023", status: "failed"})
	rows = append(rows, testsite.Link{Href: wrapper, Text: title, Date: "2024-01-19"})

	// Links that must not become reports in the warehouse.
	decoy := gen(7, "北京市东城区人民政府", 2019)
	put("dongcheng", "/private/decoy.html", &testsite.Page{Body: synth.HTML(decoy, synth.Style{})})
	f.decoy = "dongcheng /private/decoy.html"
	dead := dc + "2023nb/202403/t20240301_9.html"
	put("dongcheng", dead, &testsite.Page{Hang: true})
	f.dead = "dongcheng " + dead
	f.missing = "dongcheng " + dc + "2023nb/202403/missing.html"
	put("dongcheng", "/jiedu/2023.html", &testsite.Page{Body: synth.HTML(gen(8, "北京市东城区人民政府", 2023), synth.Style{})})
	f.jiedu = "dongcheng /jiedu/2023.html"
	put("mirror", "/copy.html", &testsite.Page{Body: synth.HTML(docs[0].rep, synth.Style{Traditional: true})})
	rows = append(rows,
		testsite.Link{Href: "/private/decoy.html", Text: synth.ReportTitle(decoy, synth.Style{})},
		testsite.Link{Href: dead, Text: "北京市东城区城市管理委员会2023年政府信息公开工作年度报告"},
		testsite.Link{Href: dc + "2023nb/202403/missing.html", Text: "北京市东城区卫生健康委员会2023年政府信息公开工作年度报告"},
		testsite.Link{Href: "/jiedu/2023.html", Text: "图解:北京市东城区人民政府2023年政府信息公开工作年度报告解读"},
		testsite.Link{Href: srv.URL("mirror", "/copy.html"), Text: "北京市东城区人民政府2023年政府信息公开工作年度报告(转载)"},
		testsite.Link{Href: docs[0].path, Text: synth.ReportTitle(docs[0].rep, synth.Style{})}, // duplicate
	)
	dl := testsite.Listing{Portal: "北京市东城区人民政府", Column: "政府信息公开工作年度报告", PerPage: 4, Pager: testsite.PagerLinks,
		Unlisted: []testsite.Link{{Href: docs[1].path, Text: synth.ReportTitle(docs[1].rep, synth.Style{})}}}
	for i, b := range dl.Pages(rows) {
		put("dongcheng", dc+dl.PageName(i), &testsite.Page{Body: b})
	}

	// 丰台: GBK listing whose pages are reachable only through the TRS script pager; no ETag, only
	// Last-Modified; titles in the year-first form.
	srv.Options("fengtai", testsite.HostOptions{NoETag: true})
	const ft = "/ftq/c100059/"
	var frows []testsite.Link
	for i, y := range []int{2019, 2020, 2021, 2022, 2023} {
		r := gen(int64(20+i), "北京市丰台区人民政府", y)
		st := synth.Style{TitleYearFirst: true, Encoding: synth.GBK}
		p := fmt.Sprintf("%s%d03/%032x.shtml", ft, y+1, 0xabc0+i)
		put("fengtai", p, &testsite.Page{Body: synth.HTML(r, st)})
		frows = append(frows, testsite.Link{Href: p, Text: synth.ReportTitle(r, st)})
		f.want = append(f.want, expected{host: "fengtai", path: p, issuer: r.Issuer, year: fmt.Sprint(y), rep: r, status: "ok"})
	}
	fl := testsite.Listing{Portal: "北京市丰台区人民政府", Column: "区政府年报", PerPage: 2, Pager: testsite.PagerScript, GBK: true}
	for i, b := range fl.Pages(frows) {
		put("fengtai", ft+fl.PageName(i), &testsite.Page{Body: b})
	}

	yml := fmt.Sprintf(`version: 1
sources:
  - id: test-dongcheng
    issuer: 北京市东城区人民政府
    jurisdiction: 东城区
    division_code: "110101"
    level: district
    parent: "110000"
    start_urls:
      - url: %s
        verified: true
    allowed_hosts: [%s]
  - id: test-fengtai
    issuer: 北京市丰台区人民政府
    jurisdiction: 丰台区
    division_code: "110106"
    level: district
    parent: "110000"
    start_urls:
      - url: %s
        verified: true
    allowed_hosts: [%s]
`, srv.URL("dongcheng", dc), srv.Addr("dongcheng"), srv.URL("fengtai", ft), srv.Addr("fengtai"))
	reg, err := registry.Parse("test.yaml", []byte(yml))
	if err != nil {
		t.Fatal(err)
	}
	f.reg = reg
	return f
}
