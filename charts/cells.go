package charts

// Cells: how a figure appears in a table (value, rank, flags, change) and as chart points.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gkbench/gkbench/pipeline/metrics"
)

type valueCell struct {
	Text       string
	Sub        string // a second line: rank, numerator/denominator
	Title      string // hover text: flags
	Unreliable bool
	Class      string
	Link       string
}

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
		c.Sub = fmt.Sprintf("第%d/%d", deref(rk.Rank), rk.RankedCount)
	}
	if mi.Def != nil && mi.Def.IsRate() && v.Numerator != nil && v.Denominator != nil {
		c.Title = strings.TrimPrefix(c.Title+";分子 "+formatNumber(v.Numerator)+",分母 "+formatNumber(v.Denominator), ";")
	}
	if link {
		c.Link = mi.Page
	}
	return c
}

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
