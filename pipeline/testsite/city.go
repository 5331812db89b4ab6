package testsite

import (
	_ "embed"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/template"
)

// The bundled sample city: 示例市, a fictional city whose 16 districts publish their annual reports for
// 2019–2025 on portals of their own, in the variety real portals show, plus the real 丰台区 2023 report
// re-rendered from its published figures. The demo serves it on 127.0.0.1 and crawls it.

// CityFirstYear and CityLastYear bound the sample's report years.
const (
	CityFirstYear = 2019
	CityLastYear  = 2025
)

// CityDistrict is one district portal of the sample city.
type CityDistrict struct {
	Host  string // host name given to Listen, also the source id suffix
	Name  string // 东湖区
	Style synth.Style
	Pager Pager
	GBK   bool // listing pages in GBK
}

// CityReport is one report the sample publishes.
type CityReport struct {
	Host, Path   string
	SourceID     string
	Issuer       string
	Jurisdiction string
	Year         int
	Report       *synth.Report // the figures as generated
	Style        synth.Style   // how the page prints them (Report.Printed(Style) is what a parser must read)
	Broken       bool          // an identity fails on purpose
	Real         bool          // the real 丰台区 2023 report
	// Notice is set for the report published as a PDF attachment: Path is then the PDF's path and Notice
	// the short HTML page that links to it.
	Notice string
}

// CityEdit is the one report the demo edits after its first crawl: a correction published in place.
type CityEdit struct {
	Host, Path string
	Before     CityReport
	After      CityReport
	Body       []byte
}

// City is the generated sample: every host's files, the registry (with {{addr HOST}} placeholders for the
// loopback addresses), the reports it publishes and what is deliberately missing.
type City struct {
	Name      string
	Districts []CityDistrict
	Files     map[string]map[string][]byte // host → path → body
	Registry  string
	Reports   []CityReport
	Missing   []string // "区名 year" with no report
	Edit      CityEdit
}

// CityDistricts are the sample's districts: fictional names, each portal in its own style.
var CityDistricts = []CityDistrict{
	{Host: "donghu", Name: "东湖区"},
	{Host: "xishan", Name: "西山区", Style: synth.Style{Encoding: synth.GBK}, GBK: true, Pager: PagerScript},
	{Host: "nanan", Name: "南岸区", Style: synth.Style{SpanSoup: true}, Pager: PagerCountPage},
	{Host: "beitang", Name: "北塘区", Style: synth.Style{TitleYearFirst: true, ThousandsSep: synth.SepASCII}},
	{Host: "zhongxin", Name: "中心区", Style: synth.Style{NestedTables: true}, Pager: PagerScript},
	{Host: "hekou", Name: "河口区", Style: synth.Style{Encoding: synth.GB2312, MetaCharset: "utf-8"}, GBK: true},
	{Host: "xincheng", Name: "新城区", Style: synth.Style{SplitTable3: true}, Pager: PagerCountPage},
	{Host: "gaoxin", Name: "高新区", Style: synth.Style{LabelDrift: true, Encoding: synth.GBK}, GBK: true, Pager: PagerHanweb},
	{Host: "binjiang", Name: "滨江区", Style: synth.Style{BrInLabels: true, FullWidthDigits: true}, Pager: PagerScript},
	{Host: "longquan", Name: "龙泉区", Style: synth.Style{HeaderSpanMismatch: true}, Pager: PagerJSON},
	{Host: "fenghuang", Name: "凤凰区", Style: synth.Style{NBSPBlankZeros: true}, Pager: PagerCountPage},
	{Host: "qingshan", Name: "青山区", Style: synth.Style{Encoding: synth.GB18030, NoMeta: true}, GBK: true},
	{Host: "baiyun", Name: "白云区", Style: synth.Style{StrayPrefix: true}},
	{Host: "jinshui", Name: "金水区", Style: synth.Style{Subtotal: true}, Pager: PagerScript},
	{Host: "changning", Name: "长宁区", Style: synth.Style{ThousandsSep: synth.SepFullWidth}},
	{Host: "linjiang", Name: "临江县", Style: synth.Style{NoTitle: true}, Pager: PagerCountPage},
}

// CityDivisionCode is the sample city's made-up division code (no real code starts with 99); its districts
// are numbered from it.
const CityDivisionCode = 990100

// RealHost serves the real report; RealSourceID is its registry source and RealYear its year.
const (
	RealHost     = "bjft"
	RealSourceID = "beijing-fengtai-2023"
	RealYear     = 2023
	// CityParent is the sample districts' parent in the analysis (their peers are each other).
	CityParent = "示例市"
)

// Sample quirks, named so tests and the demo can find them.
const (
	MissingHost = "linjiang" // publishes nothing for MissingYear
	MissingYear = 2021
	EditHost    = "nanan" // corrects its EditYear report after the first crawl
	EditYear    = 2024
	LateHost    = "fenghuang" // publishes its LateYear report after the 31 March deadline
	LateYear    = 2023
	LateDate    = "2024-04-18"
)

// The one report published as a PDF attachment on a short HTML notice page (as many district pages carry
// the signed report), so the demo reads a PDF end to end.
const (
	AttachHost = "changning"
	AttachYear = 2022
)

// cityAttachment is AttachHost's AttachYear report as a PDF: the official blank DOCX template filled with
// its figures (synth.FillDOCX) and exported by LibreOffice. TestCityAttachment checks it matches the report;
// `go test ./pipeline/testsite -run TestCityAttachment -update-attachment` makes it again.
//
//go:embed attach/changning-2022.pdf
var cityAttachment []byte

// BrokenReports are the reports that print a wrong number (host, year).
var BrokenReports = [][2]any{{"gaoxin", 2022}, {"baiyun", 2024}, {DaggerHost, DaggerYear}}

// Figures set on purpose so the site's rankings show each case (the browser test checks them in 不掌握率
// of TieYear): TieHost's 本机关不掌握 share equals TieWith's exactly (a tie: ranks 1, 2, 2, 4), and
// DaggerHost's report prints a 本机关不掌握 figure that breaks an identity, so its share is listed but not
// ranked (†).
const (
	TieYear    = 2023
	TieHost    = "xishan" // 72 / 168 after moving 9 applications to 予以公开
	TieWith    = "donghu" // 6 / 14: both 3/7
	TieMove    = 9
	DaggerHost = "linjiang"
	DaggerYear = 2023
)

const cityListing = "/zwgk/gknb/"

// HanwebColumn is the sample's Hanweb column (高新区): /col/col1229/, reports under /art/.
const HanwebColumn = 1229

// cityPaths are where a district's column and reports are: the TRS-style /zwgk/gknb/ tree, or Hanweb's
// /col/colNNN/ column with /art/Y/M/D/art_COL_ID.html reports.
func cityPaths(d CityDistrict, date string, id int) (column, report string) {
	if d.Pager == PagerHanweb {
		var y, m, day int
		fmt.Sscanf(date, "%d-%d-%d", &y, &m, &day)
		return fmt.Sprintf("/col/col%d/", HanwebColumn), fmt.Sprintf("/art/%d/%d/%d/art_%d_%d.html", y, m, day, HanwebColumn, id)
	}
	y, m := 0, 0
	fmt.Sscanf(date, "%d-%d", &y, &m)
	return cityListing, fmt.Sprintf("%s%d%02d/t%s_%d.html", cityListing, y, 2, strings.ReplaceAll(date, "-", ""), id)
}

func isBroken(host string, year int) bool {
	for _, b := range BrokenReports {
		if b[0] == host && b[1] == year {
			return true
		}
	}
	return false
}

// moveApplications returns a copy of r with n applications of natural persons moved from one table-3 result
// row to another: every identity still holds (both rows' totals and the column sums change together).
func moveApplications(r *synth.Report, from, to string, n float64) *synth.Report {
	out := r.Clone()
	for _, c := range []struct {
		row, col string
		delta    float64
	}{{from, "natural_person", -n}, {from, "total", -n}, {to, "natural_person", n}, {to, "total", n}} {
		cell := template.Cell{Table: template.Applications, Row: c.row, Col: c.col}
		v, _ := out.Number(cell)
		out.Cells[cell] = synth.Value{Raw: strconv.FormatFloat(v+c.delta, 'f', -1, 64)}
	}
	return out
}

// SampleCity builds the sample. real is the real 丰台区 2023 report (synth.FromTruth); nil leaves it out.
func SampleCity(real *synth.Report) *City {
	c := &City{Name: synth.SampleCity, Districts: CityDistricts, Files: map[string]map[string][]byte{}}
	put := func(host, path string, body []byte) {
		if c.Files[host] == nil {
			c.Files[host] = map[string][]byte{}
		}
		c.Files[host][path] = body
	}
	var reg strings.Builder
	reg.WriteString("# 示例市(虚构)的来源登记表:gkbench 演示用的样例数据,由 pipeline/testsite/city.go 生成。\n")
	reg.WriteString("# {{addr 主机}} 在演示运行时替换为本机回环地址(127.0.0.1:端口)。\n")
	reg.WriteString("version: 1\nsources:\n")
	for di, d := range CityDistricts {
		issuer := synth.SampleCity + d.Name + "人民政府"
		put(d.Host, "/robots.txt", []byte("User-agent: *\nDisallow: /admin/\n"))
		series := synth.GenerateSeries(int64(7000+di*31), issuer, d.Name, CityFirstYear, CityLastYear, 0.5+float64(di%5)*0.6)
		var rows []Link
		for _, r := range series {
			if d.Host == MissingHost && r.Year == MissingYear {
				c.Missing = append(c.Missing, fmt.Sprintf("%s %d", d.Name, r.Year))
				continue
			}
			if d.Host == LateHost && r.Year == LateYear {
				r.Date = LateDate
			}
			if d.Host == TieHost && r.Year == TieYear {
				r = moveApplications(r, "unable_not_held", "granted", TieMove)
			}
			broken := isBroken(d.Host, r.Year)
			switch {
			case broken && d.Host == DaggerHost:
				r = r.Breaking(template.Cell{Table: template.Applications, Row: "unable_not_held", Col: "natural_person"}, 3)
			case broken:
				r = r.Breaking(template.Cell{Table: template.Applications, Row: "granted", Col: "natural_person"}, 9)
			}
			_, path := cityPaths(d, r.Date, 4000+di*10+r.Year-CityFirstYear)
			style := d.Style
			cr := CityReport{Host: d.Host, Path: path, SourceID: "sample-" + d.Host, Issuer: issuer, Jurisdiction: d.Name,
				Year: r.Year, Report: r, Style: style, Broken: broken}
			if d.Host == AttachHost && r.Year == AttachYear {
				// The page is a notice; the report is the PDF it links to, printed plainly by the template.
				pdf := fmt.Sprintf("%s%d%02d/P0%s%d.pdf", cityListing, r.Year+1, 2, strings.ReplaceAll(r.Date, "-", ""), 4000+di*10+r.Year-CityFirstYear)
				put(d.Host, path, noticePage(synth.ReportTitle(r, style), r.Date, pdf))
				put(d.Host, pdf, cityAttachment)
				cr.Notice, cr.Path, cr.Style = path, pdf, synth.Style{}
			} else {
				put(d.Host, path, synth.HTML(r, style))
			}
			c.Reports = append(c.Reports, cr)
			title := synth.ReportTitle(r, style)
			link := Link{Href: path, Text: title, Date: r.Date}
			if di%3 == 1 {
				// Long titles cut in the list, whole in the title attribute, as many CMSs print them.
				link.Text = string([]rune(title)[:18]) + "…"
				link.Title = title
			}
			rows = append(rows, link)
			if d.Host == EditHost && r.Year == EditYear {
				after := r.Breaking(template.Cell{Table: template.ReviewLitigation, Row: "review", Col: "upheld"}, 1)
				after = after.Breaking(template.Cell{Table: template.ReviewLitigation, Row: "review", Col: "total"}, 1)
				c.Edit = CityEdit{Host: d.Host, Path: path, Before: cr, Body: synth.HTML(after, style)}
				c.Edit.After = cr
				c.Edit.After.Report = after
			}
		}
		// Newest first, as portals list them, with links the crawler must pass over.
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].Date > rows[j].Date })
		rows = append(rows[:2:2], append([]Link{
			{Href: cityListing + "jd/t_jd.html", Text: fmt.Sprintf("图解:%s%d年政府信息公开工作年度报告", d.Name, CityLastYear), Date: fmt.Sprintf("%d-02-20", CityLastYear+1)},
			{Href: "/zwgk/tzgg/t_notice.html", Text: "关于做好政务公开工作的通知", Date: fmt.Sprintf("%d-01-05", CityLastYear+1)},
		}, rows[2:]...)...)
		l := Listing{Portal: issuer + "(示例数据)", Column: "政府信息公开年报", PerPage: 4, Pager: d.Pager, GBK: d.GBK}
		switch d.Pager {
		case PagerCountPage:
			l.Ext = "shtml"
		case PagerHanweb:
			// Three records a page; the tenth row makes the column four pages, three of them through
			// dataproxy.jsp.
			l.PerPage, l.ColumnID = 3, HanwebColumn
			rows = append(rows, Link{Href: fmt.Sprintf("/art/%d/1/10/art_%d_3999.html", CityLastYear+1, HanwebColumn),
				Text: fmt.Sprintf("%s%d年政务公开工作要点", issuer, CityLastYear+1), Date: fmt.Sprintf("%d-01-10", CityLastYear+1)})
		}
		column, _ := cityPaths(d, "", 0)
		for p, body := range l.Files(column, rows) {
			put(d.Host, p, body)
		}
		fmt.Fprintf(&reg, `  - id: sample-%s
    issuer: %s
    jurisdiction: %s
    division_code: "%d"
    level: district
    parent: "%d"
    start_urls:
      - url: http://{{addr %s}}%s%s
    allowed_hosts: ["{{addr %s}}"]
    note: 示例数据(虚构;99 开头的区划代码不存在)
`, d.Host, issuer, d.Name, CityDivisionCode+1+di, CityDivisionCode, d.Host, column, l.PageName(0), d.Host)
	}
	if real != nil {
		const path = "/ftq/c100059/202402/aa2bfecf3a6a43f7a0e7fca9272d642b.shtml"
		style := synth.Style{NoProse: true, TitleYearFirst: true}
		put(RealHost, "/robots.txt", []byte("User-agent: *\nAllow: /\n"))
		put(RealHost, path, synth.HTML(real, style))
		l := Listing{Portal: "北京市丰台区人民政府(据公开报告重排)", Column: "区政府年报", Ext: "shtml"}
		pages := l.Pages([]Link{{Href: path, Text: synth.ReportTitle(real, style), Date: real.Date}})
		put(RealHost, "/ftq/c100059/"+l.PageName(0), pages[0])
		c.Reports = append(c.Reports, CityReport{Host: RealHost, Path: path, SourceID: RealSourceID, Issuer: real.Issuer,
			Jurisdiction: real.Jurisdiction, Year: real.Year, Report: real, Style: style, Real: true})
		fmt.Fprintf(&reg, `  - id: `+RealSourceID+`
    issuer: 北京市丰台区人民政府
    jurisdiction: 丰台区
    division_code: "110106"
    level: district
    parent: "110000"
    start_urls:
      - url: http://{{addr %s}}/ftq/c100059/%s
    allowed_hosts: ["{{addr %s}}"]
    note: 真实报告(丰台区 2023 年),数据取自 ../shared/corpus/truth.csv,按本项目模板重排,正文从略
`, RealHost, l.PageName(0), RealHost)
	}
	c.Registry = reg.String()
	return c
}

// noticePage is a short report page that only links to the report's PDF.
func noticePage(title, date, pdf string) []byte {
	t := html.EscapeString(title)
	return []byte(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>` + t + `</title></head>
<body><div class="article"><h1>` + t + `</h1>
<p class="info">发布日期:` + date + `</p>
<p>根据《中华人民共和国政府信息公开条例》规定,现公布本机关政府信息公开工作年度报告,全文详见附件。</p>
<p>附件:<a href="` + html.EscapeString(pdf) + `">` + t + `.pdf</a></p>
</div></body></html>
`)
}

// Hosts lists the sample's hosts in a stable order.
func (c *City) Hosts() []string {
	var out []string
	for _, d := range c.Districts {
		out = append(out, d.Host)
	}
	if c.Files[RealHost] != nil {
		out = append(out, RealHost)
	}
	return out
}

// City folder layout: sites/<host>/<path> for every served file, edit/<host>/<path> for the corrected
// report, registry.yaml.tmpl for the registry.
const (
	citySites    = "sites"
	cityEdits    = "edit"
	cityRegistry = "registry.yaml.tmpl"
)

// WriteDir writes the sample under dir (replacing what was there).
func (c *City) WriteDir(dir string) error {
	for _, sub := range []string{citySites, cityEdits} {
		if err := os.RemoveAll(filepath.Join(dir, sub)); err != nil {
			return fmt.Errorf("write city: %w", err)
		}
	}
	files := c.DirFiles()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("write city: %w", err)
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			return fmt.Errorf("write city: %w", err)
		}
	}
	return nil
}

// DirFiles is what WriteDir writes, by slash-separated relative name.
func (c *City) DirFiles() map[string][]byte {
	out := map[string][]byte{cityRegistry: []byte(c.Registry)}
	for host, files := range c.Files {
		for p, body := range files {
			out[citySites+"/"+host+p] = body
		}
	}
	if c.Edit.Body != nil {
		out[cityEdits+"/"+c.Edit.Host+c.Edit.Path] = c.Edit.Body
	}
	return out
}

// ServeCity serves a sample written by WriteDir: one loopback host per folder under sites/. It returns the
// server, the registry with the hosts' addresses filled in, and a function that publishes the correction
// (the edited report) on its host.
func ServeCity(dir string) (srv *Server, registryYAML []byte, publishEdit func() error, err error) {
	entries, err := os.ReadDir(filepath.Join(dir, citySites))
	if err != nil {
		return nil, nil, nil, fmt.Errorf("sample city %s: %w", dir, err)
	}
	var hosts []string
	for _, e := range entries {
		if e.IsDir() {
			hosts = append(hosts, e.Name())
		}
	}
	tmpl, err := os.ReadFile(filepath.Join(dir, cityRegistry))
	if err != nil {
		return nil, nil, nil, fmt.Errorf("sample city %s: %w", dir, err)
	}
	srv, err = Listen(hosts...)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("sample city: %w", err)
	}
	reg := string(tmpl)
	for _, h := range hosts {
		if err := srv.LoadDir(h, filepath.Join(dir, citySites, h)); err != nil {
			srv.Close()
			return nil, nil, nil, fmt.Errorf("sample city: %w", err)
		}
		reg = strings.ReplaceAll(reg, "{{addr "+h+"}}", srv.Addr(h))
	}
	publishEdit = func() error {
		return filepath.WalkDir(filepath.Join(dir, cityEdits), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(filepath.Join(dir, cityEdits), p)
			host, path, _ := strings.Cut(filepath.ToSlash(rel), "/")
			body, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return srv.Edit(host, "/"+path, body)
		})
	}
	return srv, []byte(reg), publishEdit, nil
}
