package charts

// Rendering: the templates, what every page shares (siteInfo, page) and the list of pages a site has.

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gkbench/gkbench/pipeline/metrics"
	tpl "github.com/gkbench/gkbench/pipeline/template"
)

type siteInfo struct {
	Title     string
	Banner    string
	Generated string
	Scripts   []string // script URLs go-echarts asks for (assets/echarts.min.js)
	Groups    []metricGroup
	Districts []*entity
}

type metricGroup struct {
	Category string
	Metrics  []*metricInfo
}

// page is one HTML file.
type page struct {
	File       string
	Title      string
	Nav        string // index, metric, district, quality, method, downloads
	Site       *siteInfo
	Charts     []*chartSpec
	ChartsJSON template.JS // escaped JSON (see scriptJSON)
	DataJSON   template.JS // a page's own data for site.js (the comparison), escaped the same way
	Scripts    bool        // load ECharts and site.js although the page has no chart of its own
	Body       any
}

// valueCell is a figure in a table, with its reliability mark and explanation.

type renderer struct {
	m         *model
	opt       Options
	site      *siteInfo
	tmpl      map[string]*template.Template
	downloads []download
	snaps     map[string]snapshot
	pubs      map[string]*metrics.Publication
	// reportPages are the reports with a source page (report-<hash>.html).
	reportPages map[string]bool
	workbook    copiedFile
}

var funcs = template.FuncMap{
	"statusZH":   statusZH,
	"versionZH":  versionZH,
	"levelZH":    levelZH,
	"cellKindZH": metrics.CellKindZH,
	"fmtNum":     formatNumber,
	"fmtPlain": func(v *float64) string {
		if v == nil {
			return "—"
		}
		return formatNumber(v)
	},
	"year": func(p *int) string {
		if p == nil {
			return "未知"
		}
		return strconv.Itoa(*p)
	},
	"date": func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return "—"
		}
		return t.Format("2006-01-02")
	},
	"join":   strings.Join,
	"webURL": webURL,
	// colLabel names a table-3 column (the cross-year check is per applicant column).
	"colLabel": func(key string) string {
		if c := tpl.MustGet(tpl.V2021).Table(tpl.Applications).Col(key); c != nil {
			return c.Label
		}
		return key
	},
}

func newRenderer(m *model, opt Options, downloads []download, snaps map[string]snapshot) (*renderer, error) {
	gen := opt.Generated
	if gen.IsZero() {
		gen = time.Now()
	}
	site := &siteInfo{Title: cmp.Or(opt.Title, DefaultTitle), Generated: gen.Format("2006-01-02 15:04"),
		Scripts: assetScripts(), Districts: m.compared}
	switch {
	case opt.SampleBanner != "":
		site.Banner = opt.SampleBanner
	case m.sample:
		site.Banner = DefaultSampleBanner
	}
	for _, s := range site.Scripts {
		if strings.Contains(s, "://") || strings.HasPrefix(s, "//") {
			return nil, fmt.Errorf("脚本地址 %q 不在本站", s)
		}
	}
	for _, mi := range m.metrics {
		if n := len(site.Groups); n > 0 && site.Groups[n-1].Category == mi.Category {
			site.Groups[n-1].Metrics = append(site.Groups[n-1].Metrics, mi)
			continue
		}
		site.Groups = append(site.Groups, metricGroup{Category: mi.Category, Metrics: []*metricInfo{mi}})
	}
	if site.Banner != "" {
		m.sample = true // the charts carry the sample marking too
	}
	r := &renderer{m: m, opt: opt, site: site, tmpl: map[string]*template.Template{}, downloads: downloads,
		snaps: snaps, pubs: map[string]*metrics.Publication{}, reportPages: map[string]bool{}}
	for _, id := range m.reportIDs() {
		r.reportPages[id] = true
	}
	for i := range m.d.Publication {
		r.pubs[m.d.Publication[i].ReportID] = &m.d.Publication[i]
	}
	base, err := template.New("layout").Funcs(funcs).ParseFS(templatesFS, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("页面模板: %w", err)
	}
	names, err := fs.Glob(templatesFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		name := strings.TrimSuffix(filepath.Base(n), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templatesFS, n)
		if err != nil {
			return nil, fmt.Errorf("页面模板 %s: %w", n, err)
		}
		r.tmpl[name] = t
	}
	return r, nil
}

func (r *renderer) write(dir string, p *page) error {
	t := r.tmpl[p.Nav]
	if t == nil {
		return fmt.Errorf("页面模板 %s 不存在", p.Nav)
	}
	if len(p.Charts) > 0 {
		js, err := scriptJSON(p.Charts)
		if err != nil {
			return fmt.Errorf("%s: %w", p.File, err)
		}
		p.ChartsJSON = template.JS(js)
	}
	p.Site = r.site
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("生成 %s: %w", p.File, err)
	}
	if err := os.WriteFile(filepath.Join(dir, p.File), buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("写入 %s: %w", p.File, err)
	}
	return nil
}

func (r *renderer) pages() ([]*page, error) {
	var out []*page
	idx, err := r.indexPage()
	if err != nil {
		return nil, err
	}
	out = append(out, idx)
	for i, mi := range r.m.metrics {
		p, err := r.metricPage(i, mi)
		if err != nil {
			return nil, fmt.Errorf("指标 %s: %w", mi.Key, err)
		}
		out = append(out, p)
	}
	for _, e := range r.m.compared {
		p, err := r.districtPage(e)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name, err)
		}
		out = append(out, p)
	}
	q, err := r.qualityPage()
	if err != nil {
		return nil, err
	}
	out = append(out, q, r.methodPage(), r.downloadsPage())
	cmpPage, err := r.comparePage()
	if err != nil {
		return nil, err
	}
	out = append(out, cmpPage)
	for _, id := range r.m.reportIDs() {
		out = append(out, r.reportPage(id))
	}
	return out, nil
}
