package charts

// Cells: how a figure appears in a table (value with its unit, rank, flags, change) and as chart points. Every
// value links to its source trail (the report page's section for the metric).

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/gkbench/gkbench/pipeline/metrics"
)

type valueCell struct {
	Text       string
	Sub        string // a second line: rank, change basis
	Title      string // hover text: flags, numerator and denominator (also on the source page)
	Unreliable bool
	Class      string
	Link       string // the source trail of the figure
	Arrow      string // ▲ or ▼ for a change, so it is not told by colour alone
}

// rankText is "第 n/m" for a ranked value, "未排名" for a listed but unreliable one, "" otherwise (a
// descriptive metric, or a peer group of one).
func rankText(rk *metrics.Ranking) string {
	switch {
	case rk == nil:
		return ""
	case rk.Rank != nil && rk.RankedCount > 1:
		return fmt.Sprintf("第 %d/%d", *rk.Rank, rk.RankedCount)
	case rk.Rank == nil && !rk.Reliable && metrics.Direction(rk.Direction) != metrics.Neutral:
		return "未排名"
	}
	return ""
}

// cell formats an entity's metric value for a year with its rank among peers, linked to its source trail.
func (r *renderer) cell(e *entity, mi *metricInfo, y int) valueCell {
	v := r.m.values[ey{e.Key, mi.Key, y}]
	if v == nil {
		return valueCell{Text: "", Class: "na"}
	}
	c := valueCell{Text: "—", Title: v.FlagsZH, Class: "na", Link: r.sourceLink(v.ReportID, mi.Key)}
	if v.Value == nil {
		return c
	}
	c.Text, c.Class, c.Unreliable = formatValue(*v.Value, mi.Unit), "", !v.Reliable
	c.Sub = rankText(r.m.ranks[ey{e.Key, mi.Key, y}])
	if mi.Def != nil && mi.Def.IsRate() && v.Numerator != nil && v.Denominator != nil {
		c.Title = strings.TrimPrefix(c.Title+";分子 "+formatNumber(v.Numerator)+",分母 "+formatNumber(v.Denominator), ";")
	}
	return c
}

// sourceLink is the address of a report's source trail for a metric ("" when the report has no page).
func (r *renderer) sourceLink(reportID, metric string) string {
	if !r.reportPages[reportID] {
		return ""
	}
	return reportPage(reportID) + "#m-" + chartKey(metric)
}

func (r *renderer) valuePoints(e *entity, mi *metricInfo) []point {
	return r.m.yearPoints(func(y int) *point {
		v := r.m.values[ey{e.Key, mi.Key, y}]
		if v == nil || v.Value == nil {
			return nil
		}
		p := &point{Value: *v.Value, Num: num(v.Numerator), Den: num(v.Denominator), Unreliable: !v.Reliable,
			Flags: v.FlagsZH, Version: versionZH(v.TemplateVersion), Link: r.sourceLink(v.ReportID, mi.Key)}
		if !v.Reliable {
			p.Symbol, p.SymbolSize = "emptyCircle", 9
		}
		return p
	})
}

// changeText prints a difference in the metric's unit: percentage points for shares.
func changeText(ch float64, unit string) string {
	text := ""
	if unit == metrics.UnitRatio {
		text = strconv.FormatFloat(ch*100, 'f', 1, 64) + " 个百分点"
	} else {
		text = formatValue(ch, unit)
	}
	if ch > 0 {
		text = "+" + text
	}
	return text
}

// judged sets a change cell's class and arrow: ▲ up, ▼ down, coloured by whether that is an improvement
// (descriptive metrics are not coloured).
func judged(c *valueCell, ch float64, direction string) {
	switch {
	case ch > 0:
		c.Arrow = "▲"
	case ch < 0:
		c.Arrow = "▼"
	}
	switch {
	case ch == 0 || metrics.Direction(direction) == metrics.Neutral:
		c.Class = "flat"
	case (ch > 0) == (metrics.Direction(direction) == metrics.HigherBetter):
		c.Class = "better"
	default:
		c.Class = "worse"
	}
}

// changeCell shows the change against the previous year.
func changeCell(mi *metricInfo, t *metrics.Trend) valueCell {
	ch := *t.Change
	c := valueCell{Text: changeText(ch, mi.Unit), Title: t.FlagsZH, Sub: "较 " + strconv.Itoa(deref(t.PrevYear)) + " 年"}
	judged(&c, ch, mi.Direction)
	if slices.Contains(t.Flags, "version_change") {
		c.Sub += " · 模板变化"
		c.Unreliable = true
	}
	if slices.Contains(t.Flags, "unreliable") {
		c.Unreliable = true
	}
	return c
}

// sinceCell shows the change since the entity's first year with a value: absolute and relative.
func sinceCell(mi *metricInfo, t *metrics.Trend) valueCell {
	if t == nil || t.ChangeSince == nil || t.BaseYear == nil {
		return valueCell{Text: "—", Class: "na"}
	}
	ch := *t.ChangeSince
	c := valueCell{Text: changeText(ch, mi.Unit), Sub: "自 " + strconv.Itoa(*t.BaseYear) + " 年以来"}
	if t.RatioSince != nil && !math.IsInf(*t.RatioSince, 0) {
		rel := (*t.RatioSince - 1) * 100
		sign := ""
		if rel > 0 {
			sign = "+"
		}
		c.Text += "(" + sign + strconv.FormatFloat(rel, 'f', 0, 64) + "%)"
	}
	judged(&c, ch, mi.Direction)
	if t.BaseTemplateVersion != "" && t.BaseTemplateVersion != t.TemplateVersion {
		c.Sub += " · 模板变化"
		c.Unreliable = true
	}
	return c
}
