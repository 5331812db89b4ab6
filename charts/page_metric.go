package charts

// 指标页 (metric-<key>.html): ranking per year, trend, district × year grid, definition, values, peers.

import (
	"fmt"
	"strconv"

	"github.com/gkbench/gkbench/pipeline/metrics"
)

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
		t.Rows = append(t.Rows, rankingRow{Rank: deref(rk.Rank), E: r.m.entities[rk.EntityKey], Value: formatValue(rk.Value, mi.Unit),
			Num: formatNumber(rk.Numerator), Den: formatNumber(rk.Denominator), Percentile: pct,
			Version: versionZH(rk.TemplateVersion), Unreliable: !rk.Reliable, Flags: rk.FlagsZH})
	}
	if ps := r.m.peers[peerKey{y, mi.Key, r.m.level, r.m.mainParent}]; ps != nil {
		t.Median, t.Pooled = formatPtr(ps.P50, mi.Unit), formatPtr(ps.Pooled, mi.Unit)
	}
	return t
}
