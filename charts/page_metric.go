package charts

// 指标页 (metric-<key>.html): the ranking of each peer group per year (chart and table), the trend of the main
// group with highlightable lines, the district × year grid, the definition, every value and the peer
// statistics. The year and the highlighted districts are kept in the address (?year=2023&hl=东湖区,西山区).

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gkbench/gkbench/pipeline/metrics"
)

type rankingRow struct {
	Rank       string // "1", or "—" when not ranked
	E          *entity
	Value      valueCell
	Num, Den   string
	Percentile string
	Version    string
	Unreliable bool
	Flags      string
}

// rankingTable is one peer group's ranking in one year.
type rankingTable struct {
	Group    string // "示例市 各区(16 个)"
	Caption  string
	Ranked   bool // the metric is ranked (directed); a descriptive one has no rank or percentile column
	Rows     []rankingRow
	Median   string // the one median figure: caption and chart line
	Pooled   string
	Unranked int // values listed but not ranked (†)
}

// yearRanking holds a year's tables: one per peer group, and the bodies in no group of two or more.
type yearRanking struct {
	Year     string
	Label    string
	Selected bool
	Tables   []rankingTable
	Others   []rankingRow
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
	M                   *metricInfo
	DirectionZH, UnitZH string
	PercentileZH        string
	MinDen              string
	Comparable          bool
	ComparabilityNote   string
	RankingID           string
	Ranking             *chartSpec   // the main peer group's ranking, switchable by year
	GroupCharts         []*chartSpec // other peer groups of two or more (shown in their years)
	Trend, Heatmap      *chartSpec
	TrendEntities       []*entity // the lines a user can highlight
	Years               []yearRanking
	Definitions         []definition
	AllYears            []int
	Values              []valueRow
	Peers               []peerRow
	Prev, Next          *metricInfo
	NoData              bool
}

// percentileZH explains the percentile column.
const percentileZH = "百分位:100 = 同级最好,0 = 同级最差(同级其他参与排名的机关中数值不优于本机关者所占比例,已按指标方向换算)。"

func (r *renderer) metricPage(i int, mi *metricInfo) (*page, error) {
	m := r.m
	b := &metricBody{M: mi, DirectionZH: directionZH(mi.Direction), UnitZH: mi.Unit, AllYears: m.years,
		PercentileZH: percentileZH}
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
		b.MinDen = fmt.Sprintf("分母大于 0 但小于 %s 时,数值照常显示,但标 † 表示仅供参考,不参与排名。", formatNumber(&mi.Def.MinDen))
	}
	b.Comparable, b.ComparabilityNote = comparableAcrossVersions(mi.Def)
	if mi.Def != nil {
		for _, v := range mi.Def.Versions {
			b.Definitions = append(b.Definitions, definitionOf(mi.Def, v))
		}
	}
	p := &page{File: mi.Page, Title: mi.Name, Nav: "metric", Body: b}
	link := func(id string) string { return r.sourceLink(id, mi.Key) }

	years := m.metricYears(mi)
	if len(years) == 0 {
		b.NoData = true
	} else {
		def := m.defaultYear(mi, years)
		b.RankingID = "ranking-" + chartKey(mi.Key)
		main := &chartSpec{ID: b.RankingID, Kind: "ranking", Unit: mi.Unit, Year: itoa(def),
			Years: map[string]map[string]any{}, Heading: "同级排名", Labels: map[string]string{}}
		groups := map[string]*chartSpec{}
		for j := len(years) - 1; j >= 0; j-- {
			y := years[j]
			yr := yearRanking{Year: itoa(y), Label: m.yearLabel(y), Selected: y == def}
			gs, others := m.peerGroups(mi.Key, y)
			for _, g := range gs {
				spec := main
				if !g.Main {
					if spec = groups[g.Parent]; spec == nil {
						spec = &chartSpec{ID: "ranking-" + chartKey(mi.Key) + "-" + shortHash(g.Parent), Kind: "ranking",
							Unit: mi.Unit, Years: map[string]map[string]any{}, Labels: map[string]string{}, Group: true}
						groups[g.Parent] = spec
						b.GroupCharts = append(b.GroupCharts, spec)
					}
				}
				opt, h, err := m.rankingOption(mi, y, spec.ID, g, link)
				if err != nil {
					return nil, err
				}
				t := r.rankingTable(mi, y, g)
				spec.Years[itoa(y)] = opt
				spec.Labels[itoa(y)] = rankingAria(mi, yr.Label, g, t)
				spec.Height = max(spec.Height, h)
				yr.Tables = append(yr.Tables, t)
			}
			for _, o := range others {
				yr.Others = append(yr.Others, r.rankingRow(mi, o))
			}
			main.Choices = append(main.Choices, yearChoice{Year: itoa(y), Label: yr.Label, Selected: y == def})
			b.Years = append(b.Years, yr)
		}
		if main.Years[main.Year] == nil {
			// No peer group of two in the default year: show the year's list, draw nothing.
			for y := range main.Years {
				main.Year = y
				break
			}
		}
		main.Option = main.Years[main.Year]
		main.Label = main.Labels[main.Year]
		for _, g := range b.GroupCharts {
			for y := range g.Years {
				g.Year = cmpMaxYear(g.Year, y)
			}
			g.Option, g.Label = g.Years[g.Year], g.Labels[g.Year]
		}
		trend, drawn, err := m.trendOption(mi, "trend-"+chartKey(mi.Key), link)
		if err != nil {
			return nil, err
		}
		heat, hh, err := m.heatmapOption(mi, "heatmap-"+chartKey(mi.Key))
		if err != nil {
			return nil, err
		}
		if len(main.Years) > 0 {
			b.Ranking = main
			p.Charts = append(p.Charts, main)
		}
		p.Charts = append(p.Charts, b.GroupCharts...)
		b.TrendEntities = drawn
		b.Trend = &chartSpec{ID: "trend-" + chartKey(mi.Key), Kind: "trend", Unit: mi.Unit, Option: trend, Height: 420,
			Heading: "历年走势", Caption: "每条线为同级组的一个区,黑色虚线为同级中位数;点选上方区名可突出显示(可多选,写入网址,便于分享);断开处为该年无报告或无数值。",
			Label: fmt.Sprintf("%s历年走势图:%s,%d 个区", mi.Name, m.yearSpan(), len(drawn))}
		b.Heatmap = &chartSpec{ID: "heatmap-" + chartKey(mi.Key), Kind: "heatmap", Unit: mi.Unit, Option: heat, Height: hh,
			Heading: "各区 × 年度", Label: mi.Name + "各区历年数值热力图,数值见下方表格"}
		p.Charts = append(p.Charts, b.Trend, b.Heatmap)
	}
	for _, e := range m.compared {
		row := valueRow{E: e}
		for _, y := range m.years {
			row.Cells = append(row.Cells, r.cell(e, mi, y))
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

func cmpMaxYear(a, b string) string {
	if b > a {
		return b
	}
	return a
}

// chartKey makes a metric key safe for an element id and a file name.
func chartKey(k string) string {
	if safeName.MatchString(k) {
		return k
	}
	return shortHash(k)
}

func (r *renderer) rankingRow(mi *metricInfo, rk *metrics.Ranking) rankingRow {
	e := r.m.entities[rk.EntityKey]
	pct, rank := "—", "—"
	if rk.Percentile != nil {
		pct = strconv.FormatFloat(*rk.Percentile, 'f', 0, 64)
	}
	switch {
	case rk.Rank != nil:
		rank = strconv.Itoa(*rk.Rank)
	case !rk.Reliable && rk.Ranked == false && metrics.Direction(mi.Direction) != metrics.Neutral:
		rank = "未排名"
	}
	v := valueCell{Text: formatValue(rk.Value, mi.Unit), Unreliable: !rk.Reliable, Link: r.sourceLink(rk.ReportID, mi.Key),
		Title: rk.FlagsZH}
	return rankingRow{Rank: rank, E: e, Value: v, Num: formatNumber(rk.Numerator), Den: formatNumber(rk.Denominator),
		Percentile: pct, Version: versionZH(rk.TemplateVersion), Unreliable: !rk.Reliable, Flags: rk.FlagsZH}
}

func (r *renderer) rankingTable(mi *metricInfo, y int, g peerGroup) rankingTable {
	t := rankingTable{Group: r.m.groupLabel(g), Ranked: metrics.Direction(mi.Direction) != metrics.Neutral}
	for _, rk := range g.Rows {
		t.Rows = append(t.Rows, r.rankingRow(mi, rk))
		if t.Ranked && rk.Rank == nil {
			t.Unranked++
		}
	}
	if g.Stat != nil {
		if g.Stat.MembersReliable > 1 {
			t.Median = formatPtr(g.Stat.P50, mi.Unit)
		}
		t.Pooled = formatPtr(g.Stat.Pooled, mi.Unit)
	}
	parts := []string{r.m.yearLabel(y), t.Group}
	if t.Ranked {
		parts = append(parts, fmt.Sprintf("参与排名 %d 个", len(g.Rows)-t.Unranked))
	} else {
		parts = append(parts, "描述性指标,按数值从高到低排列,不排名")
	}
	if t.Median != "" {
		parts = append(parts, "同级中位数 "+t.Median)
	}
	if t.Pooled != "" && t.Pooled != "—" {
		parts = append(parts, "合计口径 "+t.Pooled)
	}
	t.Caption = strings.Join(parts, " · ")
	return t
}

// rankingAria describes a ranking chart for screen readers: who is first and last, and the median.
func rankingAria(mi *metricInfo, year string, g peerGroup, t rankingTable) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s排名条形图。", mi.Name, year, t.Group)
	if len(t.Rows) > 0 {
		first, last := t.Rows[0], t.Rows[len(t.Rows)-1]
		if t.Ranked {
			for i := len(t.Rows) - 1; i >= 0; i-- {
				if t.Rows[i].Rank != "未排名" {
					last = t.Rows[i]
					break
				}
			}
			fmt.Fprintf(&b, "最好:%s %s;最差:%s %s。", first.E.Label, first.Value.Text, last.E.Label, last.Value.Text)
		} else {
			fmt.Fprintf(&b, "最高:%s %s;最低:%s %s。", first.E.Label, first.Value.Text, last.E.Label, last.Value.Text)
		}
	}
	if t.Median != "" {
		fmt.Fprintf(&b, "同级中位数 %s。", t.Median)
	}
	if t.Unranked > 0 {
		fmt.Fprintf(&b, "另有 %d 个区数值仅供参考,未排名。", t.Unranked)
	}
	return b.String()
}
