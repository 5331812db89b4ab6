package charts

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gkbench/gkbench/pipeline/decode"
	"github.com/gkbench/gkbench/pipeline/metrics"
	tpl "github.com/gkbench/gkbench/pipeline/template"
)

// siteInfo is what every page shows: name, sample notice, navigation.
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
	Body       any
}

// valueCell is a figure in a table, with its reliability mark and explanation.
type valueCell struct {
	Text       string
	Sub        string // a second line: rank, numerator/denominator
	Title      string // hover text: flags
	Unreliable bool
	Class      string
	Link       string
}

type renderer struct {
	m         *model
	opt       Options
	site      *siteInfo
	tmpl      map[string]*template.Template
	downloads []download
	snaps     map[string]snapshot
	pubs      map[string]*metrics.Publication
}

var funcs = template.FuncMap{
	"statusZH":  statusZH,
	"versionZH": versionZH,
	"levelZH":   levelZH,
	"fmtNum":    formatNumber,
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
	r := &renderer{m: m, opt: opt, site: site, tmpl: map[string]*template.Template{}, downloads: downloads,
		snaps: snaps, pubs: map[string]*metrics.Publication{}}
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
	return out, nil
}

// --- 总览 ---

type stat struct {
	Label, Value, Note, Link string
}

type coverageCell struct {
	Class, Text, Title, Link string
}

type coverageRow struct {
	E     *entity
	Cells []coverageCell
}

type headlineRow struct {
	E       *entity
	Year    int
	Version string
	Cells   []valueCell
}

type indexBody struct {
	Stats     []stat
	Years     []int
	Coverage  []coverageRow
	Others    int
	Headlines []*metricInfo
	Latest    []headlineRow
	Volume    *chartSpec // the latest comparable year's new applications
}

func (r *renderer) coverage(entities []*entity) []coverageRow {
	missing := map[ey]bool{}
	for _, x := range r.m.d.Missing {
		missing[ey{x.EntityKey, "", x.Year}] = true
	}
	var out []coverageRow
	for _, e := range entities {
		row := coverageRow{E: e}
		for _, y := range r.m.years {
			var prim *metrics.QualityReport
			n := 0
			for i := range e.Reports {
				rep := &e.Reports[i]
				if rep.Year != nil && *rep.Year == y {
					n++
					if rep.IsPrimary {
						prim = rep
					}
				}
			}
			c := coverageCell{Link: e.Page}
			switch {
			case prim != nil:
				c.Class = "cov-" + prim.Status
				c.Text = map[string]string{"ok": "✓", "partial": "◐", "failed": "✗", "needs_ocr": "◌"}[prim.Status]
				c.Title = fmt.Sprintf("%d 年报告:%s(%s 模板)", y, statusZH(prim.Status), versionZH(prim.TemplateVersion))
				if prim.ChecksFailed > 0 {
					c.Text += "!"
					c.Title += fmt.Sprintf(",勾稽关系不符 %d 处", prim.ChecksFailed)
				}
				if n > 1 {
					c.Title += fmt.Sprintf(";同年共 %d 份", n)
				}
			case missing[ey{e.Key, "", y}]:
				c.Class, c.Text, c.Title = "cov-missing", "缺", fmt.Sprintf("%d 年未找到报告", y)
			default:
				c.Class, c.Text = "cov-none", ""
			}
			row.Cells = append(row.Cells, c)
		}
		out = append(out, row)
	}
	return out
}

func (r *renderer) headlines() []*metricInfo {
	var out []*metricInfo
	for _, mi := range r.m.metrics {
		if mi.Def != nil && mi.Def.Headline {
			out = append(out, mi)
		}
	}
	return out
}

// latestYear is the entity's latest year with a primary report that gave values.
func (r *renderer) latestYear(e *entity) (int, string) {
	for i := len(r.m.years) - 1; i >= 0; i-- {
		y := r.m.years[i]
		for _, mi := range r.m.metrics {
			if v := r.m.values[ey{e.Key, mi.Key, y}]; v != nil && v.Value != nil {
				return y, v.TemplateVersion
			}
		}
	}
	return 0, ""
}

// cell formats an entity's metric value for a year with its rank among peers.
func (r *renderer) cell(e *entity, mi *metricInfo, y int, link bool) valueCell {
	v := r.m.values[ey{e.Key, mi.Key, y}]
	if v == nil {
		return valueCell{Text: "", Class: "na"}
	}
	if v.Value == nil {
		return valueCell{Text: "—", Title: v.FlagsZH, Class: "na"}
	}
	c := valueCell{Text: formatValue(*v.Value, mi.Unit), Unreliable: !v.Reliable, Title: v.FlagsZH}
	if rk := r.m.ranks[ey{e.Key, mi.Key, y}]; rk != nil && rk.PeerCount > 1 {
		c.Sub = fmt.Sprintf("第%d/%d", rk.Rank, rk.PeerCount)
	}
	if mi.Def != nil && mi.Def.IsRate() && v.Numerator != nil && v.Denominator != nil {
		c.Title = strings.TrimPrefix(c.Title+";分子 "+formatNumber(v.Numerator)+",分母 "+formatNumber(v.Denominator), ";")
	}
	if link {
		c.Link = mi.Page
	}
	return c
}

func (r *renderer) indexPage() (*page, error) {
	m := r.m
	b := &indexBody{Years: m.years, Headlines: r.headlines(), Coverage: r.coverage(m.compared), Others: len(m.others)}
	primary, failed := 0, 0
	for _, rep := range m.d.Reports {
		if rep.IsPrimary {
			primary++
		}
		if rep.Status == "failed" {
			failed++
		}
	}
	unreliable := 0
	for _, v := range m.d.Values {
		if v.IsPrimary && v.Value != nil && !v.Reliable {
			unreliable++
		}
	}
	yearSpan := "—"
	if len(m.years) > 0 {
		yearSpan = fmt.Sprintf("%d–%d", m.years[0], m.years[len(m.years)-1])
	}
	b.Stats = []stat{
		{Label: "报告", Value: strconv.Itoa(len(m.d.Reports)), Note: fmt.Sprintf("参与比较 %d 份,解析失败 %d 份", primary, failed), Link: "quality.html"},
		{Label: "比较对象", Value: strconv.Itoa(len(m.compared)), Note: levelZH(m.level) + ",年度 " + yearSpan},
		{Label: "指标", Value: strconv.Itoa(len(m.metrics)), Note: "定义见方法说明", Link: "method.html"},
		{Label: "勾稽关系不符", Value: strconv.Itoa(len(m.d.Identity)), Note: "处;相关数值仅供参考", Link: "quality.html#identity"},
		{Label: "缺失的年度报告", Value: strconv.Itoa(len(m.d.Missing)), Note: "个机关年度", Link: "quality.html#missing"},
		{Label: "仅供参考的数值", Value: strconv.Itoa(unreliable), Note: "分母过小或勾稽不符,标 †"},
	}
	for _, e := range m.compared {
		y, v := r.latestYear(e)
		row := headlineRow{E: e, Year: y, Version: v}
		for _, mi := range b.Headlines {
			row.Cells = append(row.Cells, r.cell(e, mi, y, true))
		}
		b.Latest = append(b.Latest, row)
	}
	p := &page{File: "index.html", Title: "总览", Nav: "index", Body: b}
	// One chart: the latest comparable year's volume of applications, district by district (the table
	// above holds the rates; metric pages hold every trend).
	if mi := m.byKey["new_received"]; mi != nil {
		if years := m.metricYears(mi); len(years) > 0 {
			y := m.defaultYear(mi, years)
			id := "overview-new_received"
			opt, h, err := m.rankingOption(mi, y, id)
			if err != nil {
				return nil, err
			}
			b.Volume = &chartSpec{ID: id, Kind: "ranking", Unit: mi.Unit, Option: opt, Height: h,
				Caption: "各区颜色在全站一致;历年走势见各指标页。"}
			p.Charts = append(p.Charts, b.Volume)
		}
	}
	return p, nil
}

// valuePoints are an entity's values of a metric over the years.
func (r *renderer) valuePoints(e *entity, mi *metricInfo) []point {
	return r.m.yearPoints(func(y int) *point {
		v := r.m.values[ey{e.Key, mi.Key, y}]
		if v == nil || v.Value == nil {
			return nil
		}
		p := &point{Value: *v.Value, Num: num(v.Numerator), Den: num(v.Denominator), Unreliable: !v.Reliable,
			Flags: v.FlagsZH, Version: versionZH(v.TemplateVersion)}
		if !v.Reliable {
			p.Symbol, p.SymbolSize = "emptyCircle", 9
		}
		return p
	})
}

// --- 指标页 ---

type rankingRow struct {
	Rank       int
	E          *entity
	Value      string
	Num, Den   string
	Percentile string
	Version    string
	Unreliable bool
	Flags      string
}

type rankingTable struct {
	Year     string
	Label    string
	Selected bool
	Rows     []rankingRow
	Median   string
	Pooled   string
}

type definition struct {
	Version, VersionZH                string
	Num, Den                          []string
	FormulaSQL, NumSQL, DenSQL, Scale string
}

type peerRow struct {
	Year                            int
	Members, WithValue, Reliable    int
	Min, P25, P50, P75, Max, Pooled string
	SumNum, SumDen                  string
}

type valueRow struct {
	E     *entity
	Cells []valueCell
}

type metricBody struct {
	M                       *metricInfo
	DirectionZH, UnitZH     string
	MinDen                  string
	Comparable              bool
	ComparabilityNote       string
	Ranking, Trend, Heatmap *chartSpec
	Tables                  []rankingTable
	Definitions             []definition
	Years                   []int
	Values                  []valueRow
	Peers                   []peerRow
	Prev, Next              *metricInfo
	NoData                  bool
}

func (r *renderer) metricPage(i int, mi *metricInfo) (*page, error) {
	m := r.m
	b := &metricBody{M: mi, DirectionZH: directionZH(mi.Direction), UnitZH: mi.Unit, Years: m.years}
	if mi.Unit == metrics.UnitRatio {
		b.UnitZH = "比率(以百分数显示)"
	}
	if i > 0 {
		b.Prev = m.metrics[i-1]
	}
	if i+1 < len(m.metrics) {
		b.Next = m.metrics[i+1]
	}
	if mi.Def != nil && mi.Def.MinDen > 0 {
		b.MinDen = fmt.Sprintf("分母大于 0 但小于 %s 时,数值照常显示,但标 † 表示仅供参考。", formatNumber(&mi.Def.MinDen))
	}
	b.Comparable, b.ComparabilityNote = comparableAcrossVersions(mi.Def)
	if mi.Def != nil {
		for _, v := range mi.Def.Versions {
			b.Definitions = append(b.Definitions, definitionOf(mi.Def, v))
		}
	}
	p := &page{File: mi.Page, Title: mi.Name, Nav: "metric", Body: b}

	years := m.metricYears(mi)
	if len(years) == 0 {
		b.NoData = true
	} else {
		def := m.defaultYear(mi, years)
		spec := &chartSpec{ID: "ranking-" + chartKey(mi.Key), Kind: "ranking", Unit: mi.Unit, Year: itoa(def),
			Years:   map[string]map[string]any{},
			Heading: "同级排名", Caption: directionZH(mi.Direction) + "。虚线框浅色条与 † 表示数值仅供参考;悬停可见分子、分母、排名与百分位。"}
		for j := len(years) - 1; j >= 0; j-- {
			y := years[j]
			opt, h, err := m.rankingOption(mi, y, spec.ID)
			if err != nil {
				return nil, err
			}
			spec.Years[itoa(y)] = opt
			spec.Height = max(spec.Height, h)
			spec.Choices = append(spec.Choices, yearChoice{Year: itoa(y), Label: m.yearLabel(y), Selected: y == def})
			b.Tables = append(b.Tables, r.rankingTable(mi, y, y == def))
		}
		spec.Option = spec.Years[spec.Year]
		trend, err := m.trendOption(mi, "trend-"+chartKey(mi.Key))
		if err != nil {
			return nil, err
		}
		heat, hh, err := m.heatmapOption(mi, "heatmap-"+chartKey(mi.Key))
		if err != nil {
			return nil, err
		}
		b.Ranking = spec
		b.Trend = &chartSpec{ID: "trend-" + chartKey(mi.Key), Kind: "trend", Unit: mi.Unit, Option: trend, Height: 420,
			Heading: "历年走势", Caption: "每条线为一个区;断开处为该年无报告或无数值。"}
		b.Heatmap = &chartSpec{ID: "heatmap-" + chartKey(mi.Key), Kind: "heatmap", Unit: mi.Unit, Option: heat, Height: hh,
			Heading: "各区 × 年度"}
		p.Charts = []*chartSpec{b.Ranking, b.Trend, b.Heatmap}
	}
	for _, e := range m.compared {
		row := valueRow{E: e}
		for _, y := range m.years {
			c := r.cell(e, mi, y, false)
			row.Cells = append(row.Cells, c)
		}
		b.Values = append(b.Values, row)
	}
	for _, y := range m.years {
		ps := m.peers[peerKey{y, mi.Key, m.level, m.mainParent}]
		if ps == nil {
			continue
		}
		b.Peers = append(b.Peers, peerRow{Year: y, Members: ps.Members, WithValue: ps.MembersWithValue,
			Reliable: ps.MembersReliable, Min: formatPtr(ps.Min, mi.Unit), P25: formatPtr(ps.P25, mi.Unit),
			P50: formatPtr(ps.P50, mi.Unit), P75: formatPtr(ps.P75, mi.Unit), Max: formatPtr(ps.Max, mi.Unit),
			Pooled: formatPtr(ps.Pooled, mi.Unit), SumNum: formatNumber(ps.SumNumerator), SumDen: formatNumber(ps.SumDenominator)})
	}
	return p, nil
}

// chartKey makes a metric key safe for an element id and a file name.
func chartKey(k string) string {
	if safeName.MatchString(k) {
		return k
	}
	return shortHash(k)
}

func (r *renderer) rankingTable(mi *metricInfo, y int, selected bool) rankingTable {
	t := rankingTable{Year: itoa(y), Label: r.m.yearLabel(y), Selected: selected}
	for _, rk := range r.m.rankingRows(mi.Key, y) {
		pct := "—"
		if rk.Percentile != nil {
			pct = strconv.FormatFloat(*rk.Percentile, 'f', 0, 64)
		}
		t.Rows = append(t.Rows, rankingRow{Rank: rk.Rank, E: r.m.entities[rk.EntityKey], Value: formatValue(rk.Value, mi.Unit),
			Num: formatNumber(rk.Numerator), Den: formatNumber(rk.Denominator), Percentile: pct,
			Version: versionZH(rk.TemplateVersion), Unreliable: !rk.Reliable, Flags: rk.FlagsZH})
	}
	if ps := r.m.peers[peerKey{y, mi.Key, r.m.level, r.m.mainParent}]; ps != nil {
		t.Median, t.Pooled = formatPtr(ps.P50, mi.Unit), formatPtr(ps.Pooled, mi.Unit)
	}
	return t
}

var tableNames = map[int]string{2: "表二", 3: "表三", 4: "表四"}

// termLabel names a numerator or denominator term in Chinese: table, row path and column.
func termLabel(v tpl.Version, t metrics.Term) string {
	sign := ""
	if t.Negative {
		sign = "减去 "
	}
	if t.Population {
		return sign + "所在区常住人口(第七次全国人口普查)"
	}
	tp, err := tpl.Get(v)
	if err != nil {
		return sign + t.Cell.String()
	}
	tb := tp.Table(t.Cell.Table)
	if tb == nil {
		return sign + t.Cell.String()
	}
	label := tableNames[tb.Number]
	if row := tb.Row(t.Cell.Row); row != nil {
		path := tb.Path(row)
		// Table 3's result rows sit under 三、本年度办理结果; the bare "总计" would read as the whole table.
		if tb.Key == tpl.Applications && !slices.Contains([]string{"new_received", "carried_in", "carried_out"}, row.Key) {
			path = "本年度办理结果/" + path
		}
		label += " " + path
	}
	if col := tb.Col(t.Cell.Col); col != nil {
		label += " · " + col.Label
	}
	return sign + label
}

func definitionOf(def *metrics.Metric, v tpl.Version) definition {
	n, d := def.Terms(v)
	out := definition{Version: string(v), VersionZH: versionZH(string(v))}
	for _, t := range n {
		out.Num = append(out.Num, termLabel(v, t))
	}
	for _, t := range d {
		out.Den = append(out.Den, termLabel(v, t))
	}
	out.NumSQL, out.DenSQL, out.FormulaSQL = def.SQL(v)
	if def.Scale != 1 {
		out.Scale = strconv.FormatFloat(def.Scale, 'f', -1, 64)
	}
	return out
}

// --- 区页 ---

type districtRow struct {
	M      *metricInfo
	Cells  []valueCell
	Latest valueCell // percentile in the latest year
	Change valueCell
}

type districtGroup struct {
	Category string
	Rows     []districtRow
}

type reportRow struct {
	ID, Year, Version, Status, StatusClass string
	Title, URL, Snapshot, SnapshotKind     string
	SnapshotText, SnapshotNote             string // the UTF-8 rendering and which charset it was decoded from
	Facts, ChecksFailed                    int
	Publication, Error                     string
	Primary                                bool
	Warnings                               []string
}

type identityRow struct {
	Year, Version, Check, Where string
	Expected, Actual, Diff      string
	Metrics                     []*metricInfo
	Primary                     bool
	Entity                      *entity
	EntityName                  string
}

type districtBody struct {
	E         *entity
	Charts    []*chartSpec
	Years     []int
	Span      int // columns of the metrics table
	Groups    []districtGroup
	Reports   []reportRow
	Identity  []identityRow
	CrossYear []metrics.CrossYear
	Edited    []metrics.EditedReport
	Missing   []int
}

func (r *renderer) districtPage(e *entity) (*page, error) {
	m := r.m
	b := &districtBody{E: e, Years: m.years, Span: len(m.years) + 3}
	p := &page{File: e.Page, Title: e.Name, Nav: "district", Body: b}
	for _, mi := range m.metrics {
		row := districtRow{M: mi}
		has := false
		var lastY int
		for _, y := range m.years {
			c := r.cell(e, mi, y, false)
			if c.Class != "na" || c.Text != "" {
				has = true
			}
			if v := m.values[ey{e.Key, mi.Key, y}]; v != nil && v.Value != nil {
				lastY = y
			}
			row.Cells = append(row.Cells, c)
		}
		if !has {
			continue
		}
		if rk := m.ranks[ey{e.Key, mi.Key, lastY}]; rk != nil && rk.Percentile != nil {
			row.Latest = valueCell{Text: strconv.FormatFloat(*rk.Percentile, 'f', 0, 64), Sub: itoa(lastY) + " 年"}
		} else {
			row.Latest = valueCell{Text: "—", Class: "na"}
		}
		if t := m.trends[ey{e.Key, mi.Key, lastY}]; t != nil && t.Change != nil {
			row.Change = changeCell(mi, t)
		} else {
			row.Change = valueCell{Text: "—", Class: "na"}
			if t != nil {
				row.Change.Title = t.FlagsZH
			}
		}
		if n := len(b.Groups); n > 0 && b.Groups[n-1].Category == mi.Category {
			b.Groups[n-1].Rows = append(b.Groups[n-1].Rows, row)
		} else {
			b.Groups = append(b.Groups, districtGroup{Category: mi.Category, Rows: []districtRow{row}})
		}
	}
	ids := map[string]bool{}
	for _, rep := range e.Reports {
		ids[rep.ReportID] = true
		b.Reports = append(b.Reports, r.reportRow(rep))
	}
	b.Identity = r.identityRows(func(f *metrics.IdentityFailure) bool { return f.EntityKey == e.Key })
	for _, c := range m.d.CrossYear {
		if c.EntityKey == e.Key && !c.Pass {
			b.CrossYear = append(b.CrossYear, c)
		}
	}
	for _, x := range m.d.Edited {
		if slices.ContainsFunc(x.ReportIDs, func(id string) bool { return ids[id] }) {
			b.Edited = append(b.Edited, x)
		}
	}
	for _, x := range m.d.Missing {
		if x.EntityKey == e.Key {
			b.Missing = append(b.Missing, x.Year)
		}
	}
	charts, err := r.districtCharts(e)
	if err != nil {
		return nil, err
	}
	b.Charts = charts
	p.Charts = charts
	return p, nil
}

// changeCell shows the change against the previous year, coloured by whether it is an improvement.
func changeCell(mi *metricInfo, t *metrics.Trend) valueCell {
	ch := *t.Change
	text := ""
	if mi.Unit == metrics.UnitRatio {
		text = strconv.FormatFloat(ch*100, 'f', 1, 64) + " 个百分点"
	} else {
		text = formatValue(ch, mi.Unit)
	}
	if ch > 0 {
		text = "+" + text
	}
	c := valueCell{Text: text, Title: t.FlagsZH, Sub: "较 " + strconv.Itoa(deref(t.PrevYear)) + " 年"}
	switch {
	case ch == 0 || metrics.Direction(mi.Direction) == metrics.Neutral:
		c.Class = "flat"
	case (ch > 0) == (metrics.Direction(mi.Direction) == metrics.HigherBetter):
		c.Class = "better"
	default:
		c.Class = "worse"
	}
	if slices.Contains(t.Flags, "version_change") {
		c.Sub += " · 模板变化"
		c.Unreliable = true
	}
	if slices.Contains(t.Flags, "unreliable") {
		c.Unreliable = true
	}
	return c
}

func (r *renderer) reportRow(rep metrics.QualityReport) reportRow {
	row := reportRow{ID: rep.ReportID, Year: "未知", Version: versionZH(rep.TemplateVersion), Status: statusZH(rep.Status),
		StatusClass: "st-" + rep.Status, URL: webURL(rep.URL), Facts: rep.FactCount, ChecksFailed: rep.ChecksFailed,
		Error: rep.Error, Primary: rep.IsPrimary, Warnings: rep.Warnings}
	if rep.Year != nil {
		row.Year = itoa(*rep.Year)
	}
	if doc, ok := r.m.d.Docs[rep.ReportID]; ok {
		row.Title = doc.Title
		if row.URL == "" {
			row.URL = webURL(doc.URL)
		}
	}
	if s := r.snaps[rep.ReportID]; s.Raw != "" {
		row.Snapshot = s.Raw
		row.SnapshotKind = map[string]string{".txt": "原始字节", ".pdf": "PDF", ".docx": "Word", ".doc": "Word"}[filepath.Ext(s.Raw)]
		if row.SnapshotKind == "" {
			row.SnapshotKind = "文件"
		}
		if s.Text != "" {
			row.SnapshotText = s.Text
			row.SnapshotNote = charsetNote(s.Charset, s.Source)
		}
	}
	if pub := r.pubs[rep.ReportID]; pub != nil {
		row.Publication = pub.StatusZH
		if pub.DaysLate != nil && *pub.DaysLate > 0 {
			row.Publication += fmt.Sprintf("(晚 %d 天)", *pub.DaysLate)
		}
	}
	return row
}

// charsetNote says how a snapshot's bytes were decoded for its UTF-8 rendering.
func charsetNote(charset, source string) string {
	name := strings.ToUpper(charset)
	if charset == "gb18030" {
		// pipeline/decode reads GBK and GB2312 pages as GB18030, their superset; say so, since the page
		// itself usually declares gbk or gb2312.
		name = "GB18030(兼容 GBK、GB2312)"
	}
	why := map[string]string{decode.SourceBOM: "依据字节顺序标记", decode.SourceMeta: "依据网页 <meta> 声明",
		decode.SourceHeader: "依据 HTTP 头声明", decode.SourceSniff: "未声明字符集,按内容判断",
		decode.SourceDefault: "未声明字符集,按默认"}[source]
	note := "按 " + name + " 解码"
	if strings.HasSuffix(name, ")") {
		note = "按 " + name + "解码" // no space after a full-width bracket
	}
	if why == "" {
		return note
	}
	return note + "(" + why + ")"
}

// keyLabel names the row or column an identity check is about.
func keyLabel(version, table, scope, key string) string {
	tp, err := tpl.Get(tpl.Version(version))
	if err != nil {
		return key
	}
	tb := tp.Table(table)
	if tb == nil {
		return key
	}
	if scope == "column" {
		if c := tb.Col(key); c != nil {
			return tableNames[tb.Number] + " “" + c.Label + "”列"
		}
	}
	if row := tb.Row(key); row != nil {
		return tableNames[tb.Number] + " “" + tb.Path(row) + "”行"
	}
	if c := tb.Col(key); c != nil {
		return tableNames[tb.Number] + " “" + c.Label + "”列"
	}
	return tableNames[tb.Number] + " " + key
}

func (r *renderer) identityRows(keep func(*metrics.IdentityFailure) bool) []identityRow {
	var out []identityRow
	for i := range r.m.d.Identity {
		f := &r.m.d.Identity[i]
		if !keep(f) {
			continue
		}
		row := identityRow{Year: "未知", Version: versionZH(f.TemplateVersion), Check: f.Title,
			Where: keyLabel(f.TemplateVersion, f.TableKey, f.Scope, f.Key), Expected: formatNumber(f.Expected),
			Actual: formatNumber(f.Actual), Diff: formatNumber(f.Difference), Primary: f.IsPrimary,
			Entity: r.m.entities[f.EntityKey], EntityName: f.EntityName}
		if row.Check == "" {
			row.Check = f.CheckName
		}
		if f.Difference != nil && *f.Difference > 0 {
			row.Diff = "+" + row.Diff
		}
		if f.Year != nil {
			row.Year = itoa(*f.Year)
		}
		for _, k := range f.AffectedMetrics {
			if mi := r.m.byKey[k]; mi != nil {
				row.Metrics = append(row.Metrics, mi)
			}
		}
		out = append(out, row)
	}
	return out
}

// headlineRates are the ratio metrics a district page follows over the years.
func (r *renderer) headlineRates() []*metricInfo {
	var out []*metricInfo
	for _, mi := range r.headlines() {
		if mi.Unit == metrics.UnitRatio {
			out = append(out, mi)
		}
	}
	return out
}

// metricColors tell metrics apart on a district page; they are greys and muted tones so they are not
// mistaken for district colours.
var metricColors = []string{"#2f4b7c", "#d45087", "#ff7c43", "#665191", "#003f5c", "#a05195"}

func (r *renderer) districtCharts(e *entity) ([]*chartSpec, error) {
	m := r.m
	var out []*chartSpec
	id := "d" + shortHash(e.Key)
	// 1. Headline rates over the years.
	var rates []seriesLine
	for i, mi := range r.headlineRates() {
		pts := r.valuePoints(e, mi)
		if !hasValue(pts) {
			continue
		}
		rates = append(rates, seriesLine{Name: mi.Name, Color: metricColors[i%len(metricColors)], Points: pts})
	}
	if len(rates) > 0 {
		opt, err := m.seriesOption(id+"-rates", e.Label+" 主要比率指标", "单位:% · 空心点:仅供参考", metrics.UnitRatio, rates, false)
		if err != nil {
			return nil, err
		}
		out = append(out, &chartSpec{ID: id + "-rates", Kind: "series", Unit: metrics.UnitRatio, Option: opt, Height: 340,
			Heading: "主要比率指标走势"})
	}
	// 2. Volume against the peer median, in the district's colour.
	if mi := m.byKey["new_received"]; mi != nil {
		pts := r.valuePoints(e, mi)
		if hasValue(pts) {
			for i := range pts {
				if pts[i].Value != missing {
					pts[i].ItemStyle = map[string]any{"color": e.Color}
				}
			}
			med := m.yearPoints(func(y int) *point {
				ps := m.peers[peerKey{y, mi.Key, m.level, e.Parent}]
				if ps == nil || ps.P50 == nil || ps.MembersWithValue < 2 {
					return nil
				}
				return &point{Value: *ps.P50}
			})
			series := []seriesLine{{Name: e.Label, Color: e.Color, Bar: true, Points: pts}}
			if hasValue(med) {
				series = append(series, seriesLine{Name: "同级中位数", Color: "#555555", Dashed: true, Points: med})
			}
			opt, err := m.seriesOption(id+"-volume", e.Label+" 新收申请量与同级中位数", "单位:件", metrics.UnitCount, series, false)
			if err != nil {
				return nil, err
			}
			out = append(out, &chartSpec{ID: id + "-volume", Kind: "series", Unit: metrics.UnitCount, Option: opt, Height: 320,
				Heading: "新收申请量"})
		}
	}
	// 3. Percentile among peers for the headline rates.
	var pcts []seriesLine
	for i, mi := range r.headlineRates() {
		pts := m.yearPoints(func(y int) *point {
			rk := m.ranks[ey{e.Key, mi.Key, y}]
			if rk == nil || rk.Percentile == nil {
				return nil
			}
			return &point{Value: *rk.Percentile, Rank: rk.Rank, Peers: rk.PeerCount, Unreliable: !rk.Reliable}
		})
		if hasValue(pts) {
			pcts = append(pcts, seriesLine{Name: mi.Name, Color: metricColors[i%len(metricColors)], Points: pts})
		}
	}
	if len(pcts) > 0 {
		opt, err := m.seriesOption(id+"-pct", e.Label+" 在同级中的百分位", "0 = 同级最低值,100 = 同级最高值(高低好坏见各指标方向)", "百分位", pcts, false)
		if err != nil {
			return nil, err
		}
		out = append(out, &chartSpec{ID: id + "-pct", Kind: "series", Unit: "百分位", Option: opt, Height: 320,
			Heading: "同级百分位"})
	}
	return out, nil
}

func hasValue(pts []point) bool {
	return slices.ContainsFunc(pts, func(p point) bool { return p.Value != missing })
}

// --- 数据质量 ---

type qualityBody struct {
	Stats      []stat
	Coverage   *chartSpec
	Problems   []reportRow
	ProblemsOf map[string]*entity
	Identity   []identityRow
	CrossYear  []metrics.CrossYear
	CrossTotal int
	Missing    []metrics.MissingReport
	Late       []metrics.Publication
	Unknown    int
	OnTime     int
	Edited     []metrics.EditedReport
	Duplicates []metrics.DuplicateCell
	Years      []int
	Others     []coverageRow
}

func (r *renderer) qualityPage() (*page, error) {
	m := r.m
	b := &qualityBody{Years: m.years, ProblemsOf: map[string]*entity{}, Missing: m.d.Missing, Edited: m.d.Edited,
		Duplicates: m.d.Duplicates, CrossTotal: len(m.d.CrossYear), Others: r.coverage(m.others)}
	for _, rep := range m.d.Reports {
		if rep.Status != "ok" || len(rep.Warnings) > 0 {
			row := r.reportRow(rep)
			b.Problems = append(b.Problems, row)
			b.ProblemsOf[rep.ReportID] = m.entities[rep.EntityKey]
		}
	}
	b.Identity = r.identityRows(func(*metrics.IdentityFailure) bool { return true })
	for _, c := range m.d.CrossYear {
		if !c.Pass {
			b.CrossYear = append(b.CrossYear, c)
		}
	}
	for _, p := range m.d.Publication {
		switch p.Status {
		case "late":
			b.Late = append(b.Late, p)
		case "on_time":
			b.OnTime++
		default:
			b.Unknown++
		}
	}
	b.Stats = []stat{
		{Label: "勾稽关系不符", Value: strconv.Itoa(len(b.Identity)), Link: "#identity"},
		{Label: "跨年结转不一致", Value: strconv.Itoa(len(b.CrossYear)), Note: fmt.Sprintf("共核对 %d 项", b.CrossTotal), Link: "#crossyear"},
		{Label: "缺失的年度报告", Value: strconv.Itoa(len(b.Missing)), Link: "#missing"},
		{Label: "逾期发布", Value: strconv.Itoa(len(b.Late)), Note: fmt.Sprintf("发布日期未知 %d 份", b.Unknown), Link: "#publication"},
		{Label: "发布后修改", Value: strconv.Itoa(len(b.Edited)), Note: "个网址", Link: "#edited"},
		{Label: "解析不完整或失败", Value: strconv.Itoa(countStatus(m.d.Reports)), Link: "#reports"},
		{Label: "需要 OCR", Value: strconv.Itoa(countOnly(m.d.Reports, "needs_ocr")), Note: "扫描件或图片 PDF", Link: "#reports"},
	}
	p := &page{File: "quality.html", Title: "数据质量", Nav: "quality", Body: b}
	if len(m.years) > 0 {
		counts := map[string][]point{}
		for _, st := range []string{"ok", "partial", "failed", "needs_ocr", "missing"} {
			counts[st] = make([]point, len(m.years))
		}
		for i, y := range m.years {
			n := map[string]float64{}
			for _, rep := range m.d.Reports {
				if rep.IsPrimary && rep.Year != nil && *rep.Year == y {
					n[rep.Status]++
				}
			}
			for _, x := range m.d.Missing {
				if x.Year == y {
					n["missing"]++
				}
			}
			for st := range counts {
				counts[st][i] = point{Value: n[st], Year: y}
			}
		}
		series := []seriesLine{
			{Name: "完整", Color: "#2e7d32", Bar: true, Points: counts["ok"]},
			{Name: "部分", Color: "#f9a825", Bar: true, Points: counts["partial"]},
			{Name: "解析失败", Color: "#c62828", Bar: true, Points: counts["failed"]},
			{Name: "需要 OCR", Color: "#6a1b9a", Bar: true, Points: counts["needs_ocr"]},
			{Name: "缺失", Color: "#9e9e9e", Bar: true, Points: counts["missing"]},
		}
		opt, err := m.seriesOption("quality-coverage", "各年度报告收集与解析情况", "单位:份(每个机关每年计一份)", "份", series, true)
		if err != nil {
			return nil, err
		}
		b.Coverage = &chartSpec{ID: "quality-coverage", Kind: "series", Unit: "份", Option: opt, Height: 340}
		p.Charts = append(p.Charts, b.Coverage)
	}
	return p, nil
}

func countStatus(reps []metrics.QualityReport) int {
	n := 0
	for _, r := range reps {
		if r.Status != "ok" {
			n++
		}
	}
	return n
}

// countOnly counts the reports with one status.
func countOnly(reps []metrics.QualityReport, status string) int {
	n := 0
	for _, r := range reps {
		if r.Status == status {
			n++
		}
	}
	return n
}

// --- 方法说明 ---

type methodRow struct {
	M           *metricInfo
	Definitions []definition
	Direction   string
	MinDen      string
	Note        string
}

type methodBody struct {
	Groups []struct {
		Category string
		Rows     []methodRow
	}
	NotComparable []methodRow
	Level         string
}

func (r *renderer) methodPage() *page {
	b := &methodBody{Level: levelZH(r.m.level)}
	for _, g := range r.site.Groups {
		grp := struct {
			Category string
			Rows     []methodRow
		}{Category: g.Category}
		for _, mi := range g.Metrics {
			row := methodRow{M: mi, Direction: directionZH(mi.Direction)}
			if mi.Def != nil {
				for _, v := range mi.Def.Versions {
					row.Definitions = append(row.Definitions, definitionOf(mi.Def, v))
				}
				if mi.Def.MinDen > 0 {
					row.MinDen = formatNumber(&mi.Def.MinDen)
				}
			}
			ok, note := comparableAcrossVersions(mi.Def)
			row.Note = note
			grp.Rows = append(grp.Rows, row)
			if !ok {
				b.NotComparable = append(b.NotComparable, row)
			}
		}
		b.Groups = append(b.Groups, grp)
	}
	return &page{File: "method.html", Title: "方法说明", Nav: "method", Body: b}
}

// --- 下载 ---

type downloadsBody struct {
	Files []download
}

func (r *renderer) downloadsPage() *page {
	return &page{File: "downloads.html", Title: "数据下载", Nav: "downloads", Body: &downloadsBody{Files: r.downloads}}
}
