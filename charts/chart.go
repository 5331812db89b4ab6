package charts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	gecharts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/gkbench/gkbench/pipeline/metrics"
)

// assetsHost is go-echarts' AssetsHost: the site's own assets folder, relative to the pages (all pages sit
// in the site's root), so no page loads anything from another origin.
const assetsHost = "assets/"

// fontStack is the CJK-capable font list of the page CSS, repeated for the canvas text ECharts draws.
const fontStack = `"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif`

// chartSpec is one chart of a page: the ECharts option go-echarts built, serialised into the page as JSON
// that assets/site.js hands to echarts. Kind names site.js's tooltip and label formatters (functions cannot
// travel in JSON); Years holds one option per year for the year switch.
type chartSpec struct {
	ID     string                    `json:"id"`
	Kind   string                    `json:"kind"`
	Unit   string                    `json:"unit"`
	Option map[string]any            `json:"option,omitempty"`
	Years  map[string]map[string]any `json:"years,omitempty"`
	Year   string                    `json:"year,omitempty"`

	// Labels are the charts' descriptions (aria-label) by year, for the year switch.
	Labels map[string]string `json:"labels,omitempty"`
	Group  bool              `json:"group,omitempty"` // a further peer group's chart, hidden in years it lacks

	Height  int          `json:"-"` // pixels
	Heading string       `json:"-"`
	Caption string       `json:"-"`
	Label   string       `json:"-"` // aria-label: what the chart shows, with its key numbers
	Choices []yearChoice `json:"-"` // the year switch's entries, newest first
}

type yearChoice struct {
	Year     string
	Label    string
	Selected bool
}

// echartsChart is what the go-echarts chart types share.
type echartsChart interface {
	Validate()
	JSON() map[string]interface{}
	GetAssets() opts.Assets
}

// assetScripts are the script URLs go-echarts asks for once AssetsHost is the site's folder; Render puts
// them in every page's head.
func assetScripts() []string {
	b := gecharts.NewBar()
	b.SetGlobalOptions(gecharts.WithInitializationOpts(opts.Initialization{ChartID: "probe", AssetsHost: assetsHost}))
	b.Validate()
	return b.GetAssets().JSAssets.Values
}

// baseOpts are the options every chart shares: a fixed id (builds are reproducible), the local assets, a
// white background (saved PNGs are not transparent), a title that travels with a saved image, the
// save-as-image button, and no animation (charts are complete as soon as they are drawn, for print and
// tests).
func baseOpts(id, title, subtitle string) []gecharts.GlobalOpts {
	return []gecharts.GlobalOpts{
		gecharts.WithInitializationOpts(opts.Initialization{ChartID: id, AssetsHost: assetsHost,
			BackgroundColor: "#ffffff", PageTitle: title}),
		gecharts.WithTitleOpts(opts.Title{Title: title, Subtitle: subtitle, Left: "center", Top: "6",
			TitleStyle:    &opts.TextStyle{FontSize: 15, Color: "#1a1a1a"},
			SubtitleStyle: &opts.TextStyle{FontSize: 11, Color: "#666666"}}),
		gecharts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(true), Right: "10", Top: "4",
			Feature: &opts.ToolBoxFeature{SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true),
				Type: "png", Name: id, Title: "保存为图片"}}}),
		gecharts.WithAnimation(false),
	}
}

// finish validates a chart and returns its option as plain JSON data, with what go-echarts has no field
// for: the canvas font and the saved image's resolution.
func finish(c echartsChart) (map[string]any, error) {
	c.Validate()
	for _, a := range c.GetAssets().JSAssets.Values {
		if !strings.HasPrefix(a, assetsHost) {
			return nil, fmt.Errorf("图表资源 %q 不在站点的 assets 目录中", a)
		}
	}
	obj, err := plain(c.JSON())
	if err != nil {
		return nil, err
	}
	obj["textStyle"] = map[string]any{"fontFamily": fontStack}
	if tb, ok := obj["toolbox"].(map[string]any); ok {
		if f, ok := tb["feature"].(map[string]any); ok {
			if s, ok := f["saveAsImage"].(map[string]any); ok {
				s["pixelRatio"] = 2
				s["backgroundColor"] = "#ffffff"
			}
		}
	}
	return obj, nil
}

// plain round-trips v through JSON so options can be adjusted as maps.
func plain(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("图表选项: %w", err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("图表选项: %w", err)
	}
	return out, nil
}

// scriptJSON serialises chart specs for a <script type="application/json"> block. encoding/json escapes
// <, > and & (and U+2028/2029), so text from crawled documents cannot close the script element; the check
// after it guards that property.
func scriptJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("图表数据: %w", err)
	}
	if bytes.ContainsAny(b, "<>") {
		return "", fmt.Errorf("图表数据含未转义的尖括号")
	}
	return string(b), nil
}

// num returns a JSON-able number or nil.
func num(p *float64) any {
	if p == nil || math.IsNaN(*p) || math.IsInf(*p, 0) {
		return nil
	}
	return *p
}

// point is one data item with what the tooltips show besides the value. ECharts keeps unknown fields of a
// data item and hands them to formatters as params.data.
type point struct {
	Value      any            `json:"value"`
	Name       string         `json:"name,omitempty"`
	Num        any            `json:"num,omitempty"`
	Den        any            `json:"den,omitempty"`
	Rank       int            `json:"rank,omitempty"`
	Peers      int            `json:"peers,omitempty"`
	RankText   string         `json:"rankText,omitempty"` // "第 n/m", "未排名" or ""
	Pct        any            `json:"pct,omitempty"`
	Key        string         `json:"key,omitempty"`  // the entity's label, for highlighting
	Link       string         `json:"link,omitempty"` // the figure's source trail
	Unreliable bool           `json:"unreliable,omitempty"`
	Flags      string         `json:"flags,omitempty"`
	Version    string         `json:"version,omitempty"`
	Year       int            `json:"year,omitempty"`
	Symbol     string         `json:"symbol,omitempty"`
	SymbolSize int            `json:"symbolSize,omitempty"`
	ItemStyle  map[string]any `json:"itemStyle,omitempty"`
	Label      map[string]any `json:"label,omitempty"`
}

// missing is ECharts' marker for an absent value (a gap in a line, an empty heatmap cell).
const missing = "-"

func withData(items any) gecharts.SeriesOpts {
	return gecharts.WithSeriesOpts(func(s *gecharts.SingleSeries) { s.Data = items })
}

// rankingOption is the horizontal bar chart of one peer group's ranking in a year: in the group's order
// (best first; a descriptive metric from the highest value), each district in its colour, unreliable values
// pale with a dashed outline and a dagger (listed after the ranked ones), the group's median as a line whose
// label is the same figure the caption prints.
func (m *model) rankingOption(mi *metricInfo, year int, id string, g peerGroup, link func(reportID string) string) (map[string]any, int, error) {
	rows := g.Rows
	mixed := len(m.versions[year]) > 1
	labels := make([]string, 0, len(rows))
	items := make([]point, 0, len(rows))
	for _, r := range rows {
		e := m.entities[r.EntityKey]
		label := e.Label
		if mixed {
			label += "(" + versionZH(r.TemplateVersion) + ")"
		}
		labels = append(labels, label)
		p := point{Value: r.Value, Name: e.Name, Num: num(r.Numerator), Den: num(r.Denominator), Rank: deref(r.Rank),
			Peers: r.RankedCount, RankText: rankText(r), Pct: num(r.Percentile), Unreliable: !r.Reliable, Flags: r.FlagsZH,
			Version: versionZH(r.TemplateVersion), Year: year, Key: e.Label, Link: link(r.ReportID),
			ItemStyle: map[string]any{"color": e.Color}}
		if !r.Reliable {
			p.ItemStyle = map[string]any{"color": e.Color, "opacity": 0.4, "borderColor": e.Color,
				"borderWidth": 1.5, "borderType": "dashed"}
		}
		items = append(items, p)
	}
	sub := m.yearLabel(year) + " · " + m.groupLabel(g) + " · " + directionZH(mi.Direction)
	sub += " · 单位:" + unitLabel(mi.Unit)
	b := gecharts.NewBar()
	b.SetGlobalOptions(append(baseOpts(id, mi.Name+" 同级排名", sub),
		gecharts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		gecharts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		gecharts.WithGridOpts(opts.Grid{Left: "12", Right: "90", Top: "64", Bottom: "40", ContainLabel: opts.Bool(true)}),
		gecharts.WithXAxisOpts(opts.XAxis{Type: "value", SplitLine: &opts.SplitLine{Show: opts.Bool(true)}}),
		gecharts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}),
	)...)
	b.SetXAxis(labels)
	var median []interface{}
	medianText := ""
	if g.Stat != nil && g.Stat.P50 != nil && g.Stat.MembersReliable > 1 {
		medianText = "中位数 " + formatValue(*g.Stat.P50, mi.Unit)
		median = append(median, map[string]any{"name": "同级中位数", "xAxis": *g.Stat.P50})
	}
	b.AddSeries(mi.Name, nil, withData(items),
		gecharts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "30%"}),
		gecharts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right"}),
		gecharts.WithSeriesOpts(func(s *gecharts.SingleSeries) {
			if len(median) > 0 {
				s.MarkLines = &opts.MarkLines{Data: median, MarkLineStyle: opts.MarkLineStyle{
					Symbol:    []string{"none", "none"},
					LineStyle: &opts.LineStyle{Color: "#444444", Type: "dashed", Width: 1},
					Label:     &opts.Label{Show: opts.Bool(true), Position: "end", Formatter: medianText}}}
			}
		}),
	)
	b.XYReversal()
	obj, err := finish(b)
	if err != nil {
		return nil, 0, err
	}
	// ECharts rounds a mark line's value to 2 decimals by default, which for a ratio is a whole percent.
	if series, ok := obj["series"].([]any); ok {
		for _, s := range series {
			if ml, ok := s.(map[string]any)["markLine"].(map[string]any); ok {
				ml["precision"] = 10
			}
		}
	}
	m.stamp(obj, itoa(year)+" 年")
	return obj, max(180, 26*len(rows)+130), nil
}

// stamp writes the source, the year(s) and, for the sample, the sample marking into the chart itself, so a
// saved PNG carries them.
func (m *model) stamp(obj map[string]any, years string) {
	text := "来源:各机关《政府信息公开工作年度报告》,gkbench 整理 · " + years
	if m.sample {
		text += " · 示例数据,非真实情况"
	}
	obj["graphic"] = []any{map[string]any{"type": "text", "left": 8, "bottom": 4, "silent": true,
		"style": map[string]any{"text": text, "fill": "#555555", "fontSize": 11, "fontFamily": fontStack}}}
}

// trendOption is the line chart of a metric over the years for the main peer group: one line per district in
// its colour, the group's median dashed; hollow points are unreliable values, and template changes are
// marked on the year axis (see versionMarks). The legend is the page's list of district buttons: site.js
// highlights the chosen lines (kept in the URL) and greys the others. Each line's colour travels as
// gkColor for that.
func (m *model) trendOption(mi *metricInfo, id string, link func(reportID string) string) (map[string]any, []*entity, error) {
	years := m.yearLabels()
	l := gecharts.NewLine()
	l.SetGlobalOptions(append(baseOpts(id, mi.Name+" 历年走势", "单位:"+unitLabel(mi.Unit)+" · 空心点:数值仅供参考 · 竖虚线:模板版本变更 · 黑色虚线:同级中位数"),
		gecharts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		gecharts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		gecharts.WithGridOpts(opts.Grid{Left: "12", Right: "70", Top: "80", Bottom: "40", ContainLabel: opts.Bool(true)}),
		gecharts.WithXAxisOpts(opts.XAxis{Type: "category", Name: "年度"}),
		gecharts.WithYAxisOpts(opts.YAxis{Type: "value", Name: unitLabel(mi.Unit), Scale: opts.Bool(mi.Unit != metrics.UnitRatio)}),
	)...)
	l.SetXAxis(years)
	first := true
	var drawn []*entity
	for _, e := range m.compared {
		if e.Parent != m.mainParent {
			continue // another peer group: its own district page shows it
		}
		items := make([]point, len(m.years))
		has := false
		for i, y := range m.years {
			items[i] = point{Value: missing, Year: y}
			v := m.values[ey{e.Key, mi.Key, y}]
			if v == nil || v.Value == nil {
				continue
			}
			has = true
			items[i] = point{Value: *v.Value, Name: e.Label, Num: num(v.Numerator), Den: num(v.Denominator),
				Unreliable: !v.Reliable, Flags: v.FlagsZH, Version: versionZH(v.TemplateVersion), Year: y,
				Symbol: "circle", SymbolSize: 6, Key: e.Label, Link: link(v.ReportID)}
			if !v.Reliable {
				items[i].Symbol, items[i].SymbolSize = "emptyCircle", 9
			}
		}
		if !has {
			continue
		}
		drawn = append(drawn, e)
		color := e.Color
		marks := first // the marks go on one series only
		first = false
		l.AddSeries(e.Label, nil, withData(items),
			gecharts.WithLineChartOpts(opts.LineChart{ConnectNulls: opts.Bool(false), ShowSymbol: opts.Bool(true)}),
			gecharts.WithItemStyleOpts(opts.ItemStyle{Color: color}),
			gecharts.WithLineStyleOpts(opts.LineStyle{Color: color, Width: 2}),
			gecharts.WithSeriesOpts(func(s *gecharts.SingleSeries) {
				if marks {
					s.MarkAreas, s.MarkLines = m.versionMarks()
				}
			}),
		)
	}
	med := m.yearPoints(func(y int) *point {
		ps := m.peers[peerKey{y, mi.Key, m.level, m.mainParent}]
		if ps == nil || ps.P50 == nil || ps.MembersReliable < 2 {
			return nil
		}
		return &point{Value: *ps.P50, Name: "同级中位数"}
	})
	if hasValue(med) {
		l.AddSeries("同级中位数", nil, withData(med),
			gecharts.WithLineChartOpts(opts.LineChart{ConnectNulls: opts.Bool(false), ShowSymbol: opts.Bool(false)}),
			gecharts.WithItemStyleOpts(opts.ItemStyle{Color: "#222222"}),
			gecharts.WithLineStyleOpts(opts.LineStyle{Color: "#222222", Width: 2.5, Type: "dashed"}))
	}
	obj, err := finish(l)
	if err != nil {
		return nil, nil, err
	}
	if series, ok := obj["series"].([]any); ok {
		for i, s := range series {
			if i < len(drawn) {
				s.(map[string]any)["gkColor"] = drawn[i].Color
			} else {
				s.(map[string]any)["gkMedian"] = true
			}
		}
	}
	m.stamp(obj, m.yearSpan())
	return obj, drawn, nil
}

// yearSpan is "2019–2025 年".
func (m *model) yearSpan() string {
	if len(m.years) == 0 {
		return ""
	}
	return fmt.Sprintf("%d–%d 年", m.years[0], m.years[len(m.years)-1])
}

// yearLabels are the category labels of year axes: the year, with the template version when it is the
// 2019 trial one or mixed.
func (m *model) yearLabels() []string {
	out := make([]string, len(m.years))
	for i, y := range m.years {
		out[i] = m.yearAxisLabel(y)
	}
	return out
}

// versionMarks mark template changes on a year axis: a dashed vertical line at each year whose reports use
// another template version than the year before, and shading over runs of two or more 2019-template
// years.
func (m *model) versionMarks() (*opts.MarkAreas, *opts.MarkLines) {
	var areas *opts.MarkAreas
	var data []interface{}
	for _, s := range m.versionSpans("2019") {
		if s[0] == s[1] {
			continue // a single category has no width to shade; the axis label says 2019版
		}
		data = append(data, []any{
			map[string]any{"name": "2019 试行版模板", "xAxis": m.yearAxisLabel(s[0])},
			map[string]any{"xAxis": m.yearAxisLabel(s[1])},
		})
	}
	if len(data) > 0 {
		areas = &opts.MarkAreas{Data: data, MarkAreaStyle: opts.MarkAreaStyle{
			ItemStyle: &opts.ItemStyle{Color: "rgba(110,110,110,0.08)"},
			Label:     &opts.Label{Show: opts.Bool(true), Position: "insideTop", Color: "#666666", FontSize: 11}}}
	}
	var lines []interface{}
	key := func(y int) string { return strings.Join(m.yearVersions(y), "+") }
	for i := 1; i < len(m.years); i++ {
		prev, cur := key(m.years[i-1]), key(m.years[i])
		if prev != "" && cur != "" && prev != cur {
			lines = append(lines, map[string]any{"name": "模板变更", "xAxis": m.yearAxisLabel(m.years[i])})
		}
	}
	if len(lines) == 0 {
		return areas, nil
	}
	return areas, &opts.MarkLines{Data: lines, MarkLineStyle: opts.MarkLineStyle{
		Symbol:    []string{"none", "none"},
		LineStyle: &opts.LineStyle{Color: "#9e9e9e", Type: "dashed", Width: 1},
		Label:     &opts.Label{Show: opts.Bool(true), Position: "end", Formatter: "模板变更", Color: "#666666", FontSize: 11}}}
}

// heatmapOption is the district × year grid of a metric: darker is higher (a green scale when higher is
// better, an orange one when lower is better, blue for descriptive metrics), the value printed in each
// cell, unreliable cells outlined with a dagger.
func (m *model) heatmapOption(mi *metricInfo, id string) (map[string]any, int, error) {
	years := make([]string, len(m.years))
	for i, y := range m.years {
		years[i] = m.yearAxisLabel(y)
	}
	labels := make([]string, 0, len(m.compared))
	var items []point
	lo, hi := math.Inf(1), math.Inf(-1)
	yi := -1
	for _, e := range m.compared {
		if e.Parent != m.mainParent {
			continue // one peer group per chart
		}
		yi++
		labels = append(labels, e.Label)
		for xi, y := range m.years {
			v := m.values[ey{e.Key, mi.Key, y}]
			if v == nil || v.Value == nil {
				items = append(items, point{Value: []any{xi, yi, missing}, Name: e.Label, Year: y})
				continue
			}
			lo, hi = math.Min(lo, *v.Value), math.Max(hi, *v.Value)
			p := point{Value: []any{xi, yi, *v.Value}, Name: e.Label, Num: num(v.Numerator), Den: num(v.Denominator),
				Unreliable: !v.Reliable, Flags: v.FlagsZH, Version: versionZH(v.TemplateVersion), Year: y}
			if !v.Reliable {
				p.ItemStyle = map[string]any{"borderColor": "#222222", "borderWidth": 1.5, "borderType": "dashed"}
			}
			items = append(items, p)
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 0, 1
	}
	if lo == hi {
		hi = lo + 1
	}
	colors := []string{"#eff3ff", "#9ecae1", "#3182bd", "#08306b"}
	switch metrics.Direction(mi.Direction) {
	case metrics.LowerBetter:
		colors = []string{"#fff5eb", "#fdae6b", "#e6550d", "#7f2704"}
	case metrics.HigherBetter:
		colors = []string{"#f7fcf5", "#a1d99b", "#31a354", "#00441b"}
	}
	h := gecharts.NewHeatMap()
	h.SetGlobalOptions(append(baseOpts(id, mi.Name+" 各区历年一览", "颜色越深数值越高 · 虚线框与 † :数值仅供参考"),
		gecharts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		gecharts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		gecharts.WithGridOpts(opts.Grid{Left: "12", Right: "24", Top: "64", Bottom: "64", ContainLabel: opts.Bool(true)}),
		gecharts.WithXAxisOpts(opts.XAxis{Type: "category", Data: years, SplitArea: &opts.SplitArea{Show: opts.Bool(true)}}),
		gecharts.WithYAxisOpts(opts.YAxis{Type: "category", Data: labels, Inverse: opts.Bool(true), SplitArea: &opts.SplitArea{Show: opts.Bool(true)}}),
		gecharts.WithVisualMapOpts(opts.VisualMap{Type: "continuous", Calculable: opts.Bool(false), Min: float32(lo), Max: float32(hi),
			Orient: "horizontal", Right: "10", Bottom: "2", Text: []string{"高", "低"},
			InRange: &opts.VisualMapInRange{Color: colors}}),
	)...)
	h.AddSeries(mi.Name, nil, withData(items), gecharts.WithLabelOpts(opts.Label{Show: opts.Bool(true), FontSize: 11}))
	obj, err := finish(h)
	if err != nil {
		return nil, 0, err
	}
	// go-echarts omits a zero minimum (omitempty); state it so the colour scale starts where the data does.
	if vms, ok := obj["visualMap"].([]any); ok && len(vms) == 1 {
		if vm, ok := vms[0].(map[string]any); ok {
			vm["min"], vm["max"] = lo, hi
		}
	}
	m.stamp(obj, m.yearSpan())
	return obj, max(200, 30*len(labels)+150), nil
}

// yearAxisLabel is a year with a note when its reports use the 2019 trial template.
func (m *model) yearAxisLabel(y int) string {
	vs := m.yearVersions(y)
	if len(vs) == 1 && vs[0] == "2019" {
		return itoa(y) + "\n(2019版)"
	}
	if len(vs) > 1 {
		return itoa(y) + "\n(两版混用)"
	}
	return itoa(y)
}

// seriesLine is one line or bar of a generic chart.
type seriesLine struct {
	Name   string
	Color  string
	Dashed bool
	Bar    bool
	Points []point
}

// seriesOption draws generic series over the years (district pages and the quality page).
func (m *model) seriesOption(id, title, subtitle, unit string, series []seriesLine, stacked bool) (map[string]any, error) {
	years := m.yearLabels()
	yName := unitLabel(unit)
	var yMax any
	if unit == "百分位" {
		yMax = 100
	}
	l := gecharts.NewLine()
	l.SetGlobalOptions(append(baseOpts(id, title, subtitle),
		gecharts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "22"}),
		gecharts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		gecharts.WithGridOpts(opts.Grid{Left: "12", Right: "52", Top: "80", Bottom: "64", ContainLabel: opts.Bool(true)}),
		gecharts.WithXAxisOpts(opts.XAxis{Type: "category", Name: "年度"}),
		gecharts.WithYAxisOpts(opts.YAxis{Type: "value", Name: yName, Max: yMax}),
	)...)
	l.SetXAxis(years)
	for si, s := range series {
		s := s
		first := si == 0
		for i := range s.Points {
			p := &s.Points[i]
			if p.Value == missing || p.Symbol != "" || s.Bar {
				continue
			}
			p.Symbol, p.SymbolSize = "circle", 6
			if p.Unreliable {
				p.Symbol, p.SymbolSize = "emptyCircle", 9
			}
		}
		so := []gecharts.SeriesOpts{withData(s.Points), gecharts.WithItemStyleOpts(opts.ItemStyle{Color: s.Color}),
			gecharts.WithSeriesOpts(func(ss *gecharts.SingleSeries) {
				if first {
					ss.MarkAreas, ss.MarkLines = m.versionMarks()
				}
			})}
		if s.Bar {
			so = append(so, gecharts.WithSeriesOpts(func(ss *gecharts.SingleSeries) {
				ss.Type = "bar"
				ss.BarMaxWidth = "36"
				if stacked {
					ss.Stack = "total"
				}
			}))
		} else {
			lt := "solid"
			if s.Dashed {
				lt = "dashed"
			}
			so = append(so, gecharts.WithLineStyleOpts(opts.LineStyle{Color: s.Color, Width: 2, Type: lt}),
				gecharts.WithLineChartOpts(opts.LineChart{ConnectNulls: opts.Bool(false), ShowSymbol: opts.Bool(true)}))
		}
		l.AddSeries(s.Name, nil, so...)
	}
	obj, err := finish(l)
	if err != nil {
		return nil, err
	}
	m.stamp(obj, m.yearSpan())
	return obj, nil
}

// yearPoints turns per-year values into points, "-" where absent.
func (m *model) yearPoints(get func(y int) *point) []point {
	out := make([]point, len(m.years))
	for i, y := range m.years {
		if p := get(y); p != nil {
			p.Year = y
			out[i] = *p
			continue
		}
		out[i] = point{Value: missing, Year: y}
	}
	return out
}
