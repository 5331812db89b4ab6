package charts

// 区页 (district-<hash>.html): every metric of one district over the years, its charts, reports and problems.

import (
	"slices"
	"strconv"

	"github.com/gkbench/gkbench/pipeline/metrics"
)

type districtRow struct {
	M      *metricInfo
	Cells  []valueCell
	Latest valueCell // percentile in the latest year (100 = best among peers)
	Change valueCell // against the year before
	Since  valueCell // since the first year with a value
}

type districtGroup struct {
	Category string
	Rows     []districtRow
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
	// EditedFigures are the figures the edits changed, old → new.
	EditedFigures []editedRow
	Missing       []int
}

type editedRow struct {
	editRow
	Year string
}

func (r *renderer) districtPage(e *entity) (*page, error) {
	m := r.m
	b := &districtBody{E: e, Years: m.years, Span: len(m.years) + 4}
	p := &page{File: e.Page, Title: e.Name, Nav: "district", Body: b}
	for _, mi := range m.metrics {
		row := districtRow{M: mi}
		has := false
		var lastY int
		for _, y := range m.years {
			c := r.cell(e, mi, y)
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
			if metrics.Direction(mi.Direction) == metrics.Neutral {
				row.Latest.Title = "描述性指标,不排名"
			}
		}
		t := m.trends[ey{e.Key, mi.Key, lastY}]
		row.Since = sinceCell(mi, t)
		if t != nil && t.Change != nil {
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
	for i := range m.d.EditedFigures {
		if x := &m.d.EditedFigures[i]; ids[x.NewReportID] {
			b.EditedFigures = append(b.EditedFigures, editedRow{editRow: m.editRow(x), Year: itoa(deref(x.Year))})
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

func (r *renderer) headlineRates() []*metricInfo {
	var out []*metricInfo
	for _, mi := range r.headlines() {
		if mi.Unit == metrics.UnitRatio {
			out = append(out, mi)
		}
	}
	return out
}

// metricColors tell metrics apart on a district page: hues far apart from each other (and each series also has
// its own point shape, metricSymbols), so two metrics never look alike.
var metricColors = []string{"#1f5fa8", "#c2185b", "#d97706", "#2e7d32", "#6a3d9a", "#4d4d4d"}

var metricSymbols = []string{"circle", "rect", "triangle", "diamond", "pin", "roundRect"}

// shaped gives a series' points its metric's shape (hollow circles stay: they mark unreliable values).
func shaped(pts []point, i int) []point {
	for j := range pts {
		if pts[j].Value != missing && !pts[j].Unreliable {
			pts[j].Symbol, pts[j].SymbolSize = metricSymbols[i%len(metricSymbols)], 8
		}
	}
	return pts
}

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
		rates = append(rates, seriesLine{Name: mi.Name, Color: metricColors[i%len(metricColors)], Points: shaped(pts, i)})
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
			return &point{Value: *rk.Percentile, Rank: deref(rk.Rank), Peers: rk.RankedCount, RankText: rankText(rk),
				Unreliable: !rk.Reliable, Link: r.sourceLink(rk.ReportID, mi.Key)}
		})
		if hasValue(pts) {
			pcts = append(pcts, seriesLine{Name: mi.Name, Color: metricColors[i%len(metricColors)], Points: shaped(pts, i)})
		}
	}
	if len(pcts) > 0 {
		opt, err := m.seriesOption(id+"-pct", e.Label+" 在同级中的百分位", "100 = 同级最好,0 = 同级最差(已按各指标的方向换算,越高越好)", "百分位", pcts, false)
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
