package charts

// Definitions: a metric's numerator and denominator as template cells in Chinese, and its SQL (metric and
// method pages).

import (
	"slices"
	"strconv"

	"github.com/gkbench/gkbench/pipeline/metrics"
	tpl "github.com/gkbench/gkbench/pipeline/template"
)

type definition struct {
	Version, VersionZH                string
	Num, Den                          []string
	FormulaSQL, NumSQL, DenSQL, Scale string
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
