// Package metrics is gkbench's metric dictionary: every metric the analysis computes, as data — key,
// Chinese name, numerator and denominator (as template cells, rendered to SQL), unit, direction and the
// template versions it applies to. It is the one definition: the SQL files sql/10_wide.sql,
// sql/12_identities.sql, sql/15_metric_dictionary.sql and sql/20_metric_formulas.sql are generated from it
// and from pipeline/template (go generate ./pipeline/metrics), and a test fails when they drift.
//
// The package does not link DuckDB: the charts package and anything else can read the dictionary and the
// exported result files (see Outputs and Read*) without it.
package metrics

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gkbench/gkbench/pipeline/template"
)

//go:generate go test -run TestGeneratedSQL -update .

// Direction says which way a metric is better.
type Direction string

const (
	HigherBetter Direction = "higher_better" // rank 1 = highest value
	LowerBetter  Direction = "lower_better"  // rank 1 = lowest value
	// Neutral metrics describe rather than judge (volumes, applicant mix). Rankings sort them from the
	// highest value down but give them no rank and no percentile, and displays do not colour them.
	Neutral Direction = "neutral"
)

// Units of a metric's value.
const (
	UnitRatio     = "比率"   // a share between 0 and 1; displays multiply by 100 and print %
	UnitCount     = "件"    // a count of applications, documents or decisions
	UnitPer10k    = "件/万人" // per 10 000 residents
	UnitPer100    = "件/百件" // per 100 processed applications
	UnitTenThouYu = "万元"   // an amount in 万元 (the template's unit)
	UnitItems     = "项"    // a count of items (2019 table 2)
)

// Term is one signed addend of a numerator or denominator: a template cell, or the resident population
// of the report's district (see the population table).
type Term struct {
	Cell       template.Cell
	Population bool
	Negative   bool
}

// Metric is one entry of the dictionary.
type Metric struct {
	Key         string // stable English identifier, e.g. "unable_not_held_rate"
	Name        string // Chinese name, e.g. "不掌握率"
	Category    string // Chinese group used for display, e.g. "办理结果"
	Description string // one Chinese sentence saying what it measures
	Num         []Term
	Den         []Term // nil for a count or an amount: the value is the numerator
	// Scale multiplies the quotient: 1 for ratios, 100 for "per 100 processed", 10000 for "per 10 000
	// residents".
	Scale     float64
	Unit      string
	Direction Direction
	// Versions are the template versions the metric is computed for. A term whose cell the version's
	// template does not have is left out for that version (2019 has one 其他处理 row where 2021 has three).
	Versions []template.Version
	// MinDen: a denominator above 0 but below it gives a value that is shown but marked unreliable
	// (flag small_denominator). 0 means no minimum.
	MinDen float64
	// Headline marks the metrics a summary shows first.
	Headline bool
}

// Ranked reports whether peers are ranked on the metric (it has a direction); neutral metrics are only
// sorted.
func (m *Metric) Ranked() bool { return m.Direction == HigherBetter || m.Direction == LowerBetter }

// IsRate reports whether the metric has a denominator.
func (m *Metric) IsRate() bool { return len(m.Den) > 0 }

// UsesPopulation reports whether a term is the resident population.
func (m *Metric) UsesPopulation() bool {
	for _, t := range append(slices.Clone(m.Num), m.Den...) {
		if t.Population {
			return true
		}
	}
	return false
}

// AppliesTo reports whether the metric is computed for reports of version v.
func (m *Metric) AppliesTo(v template.Version) bool { return slices.Contains(m.Versions, v) }

// Terms returns the numerator and denominator terms that exist in version v's template.
func (m *Metric) Terms(v template.Version) (num, den []Term) {
	tpl, err := template.Get(v)
	if err != nil {
		return nil, nil
	}
	keep := func(ts []Term) []Term {
		var out []Term
		for _, t := range ts {
			if t.Population || hasCell(tpl, t.Cell) {
				out = append(out, t)
			}
		}
		return out
	}
	return keep(m.Num), keep(m.Den)
}

func hasCell(tpl *template.Template, c template.Cell) bool {
	tb := tpl.Table(c.Table)
	if tb == nil {
		return false
	}
	r := tb.Row(c.Row)
	if r == nil {
		return false
	}
	for _, col := range tb.RowCols(r) {
		if col.Key == c.Col {
			return true
		}
	}
	return false
}

// Template-cell helpers: the dictionary below names cells by the template's keys only.

const (
	colTotal   = "total"
	minClosed  = 5 // "closed < 5: shown, marked as unreliable" (issue 4)
	pctScale   = 1
	per100     = 100
	per10k     = 10000
	v2019, v21 = template.V2019, template.V2021
)

var both = []template.Version{template.V2019, template.V2021}

func cell(table, row, col string) Term {
	return Term{Cell: template.Cell{Table: table, Row: row, Col: col}}
}

// t3 is a table-3 figure in the 总计 column.
func t3(row string) Term { return cell(template.Applications, row, colTotal) }

// t3Rows is the 总计 column of every table-3 row (of any version) whose key starts with prefix, in template
// order; versions drop the rows they lack (see Metric.Terms).
func t3Rows(prefix string) []Term {
	var out []Term
	seen := map[string]bool{}
	for _, v := range template.Versions() {
		for _, r := range template.MustGet(v).Table(template.Applications).Rows {
			if strings.HasPrefix(r.Key, prefix) && !seen[r.Key] {
				seen[r.Key] = true
				out = append(out, t3(r.Key))
			}
		}
	}
	return out
}

// t4 is a table-4 figure.
func t4(row, col string) Term { return cell(template.ReviewLitigation, row, col) }

// closed is a table-4 group's concluded cases: 总计 − 尚未审结.
func closed(row string) []Term {
	return []Term{t4(row, "total"), neg(t4(row, "pending"))}
}

func neg(t Term) Term { t.Negative = true; return t }

func join(ts ...[]Term) []Term { return slices.Concat(ts...) }

func one(t Term) []Term { return []Term{t} }

// orgCols are the five 法人或其他组织 columns (the optional 小计 column is not used: not every report has it).
var orgCols = []string{"commercial", "research", "public_interest", "legal_service", "other_org"}

func newReceivedBy(cols ...string) []Term {
	var out []Term
	for _, c := range cols {
		out = append(out, cell(template.Applications, "new_received", c))
	}
	return out
}

func active(row, col string) Term { return cell(template.Active, row, col) }

var (
	processed = one(t3("processed_total"))
	disclosed = []Term{t3("granted"), t3("partly_granted")}
	withheld  = t3Rows("withheld_")
	unable    = t3Rows("unable_")
	rejected  = t3Rows("rejected_")
	other     = t3Rows("other")
	intake    = []Term{t3("new_received"), t3("carried_in")}
)

// withheldShares is the composition of 不予公开 reasons: each reason over Σ不予公开.
func withheldShares() []Metric {
	var out []Metric
	for _, r := range template.MustGet(v21).Table(template.Applications).Rows {
		if !strings.HasPrefix(r.Key, "withheld_") {
			continue
		}
		out = append(out, Metric{
			Key: "share_" + r.Key, Name: "不予公开理由占比:" + r.Label, Category: "不予公开理由构成",
			Description: "不予公开决定中“" + r.Label + "”所占比例。",
			Num:         one(t3(r.Key)), Den: withheld, Scale: pctScale, Unit: UnitRatio,
			Direction: Neutral, Versions: both, MinDen: minClosed,
		})
	}
	return out
}

func count(key, name, category, desc string, t Term, unit string, vs ...template.Version) Metric {
	return Metric{Key: key, Name: name, Category: category, Description: desc, Num: one(t), Scale: 1, Unit: unit,
		Direction: Neutral, Versions: vs}
}

var dictionary = slices.Concat([]Metric{
	// 申请量
	{Key: "new_received", Name: "新收申请量", Category: "申请量", Description: "本年新收政府信息公开申请数量(表三第一项总计)。",
		Num: one(t3("new_received")), Scale: 1, Unit: UnitCount, Direction: Neutral, Versions: both, Headline: true},
	{Key: "new_received_per_10k", Name: "每万常住人口新收申请量", Category: "申请量",
		Description: "新收申请量除以所在区常住人口(第七次全国人口普查),乘以一万;仅对区人民政府计算,人口未知时为空。",
		Num:         one(t3("new_received")), Den: []Term{{Population: true}}, Scale: per10k, Unit: UnitPer10k,
		Direction: Neutral, Versions: both},
	{Key: "processed_total", Name: "办理总量", Category: "申请量", Description: "本年度办理结果总计(表三第三项(七))。",
		Num: processed, Scale: 1, Unit: UnitCount, Direction: Neutral, Versions: both},

	// 办理结果:各类结果占办理总量之比
	{Key: "granted_rate", Name: "予以公开率", Category: "办理结果", Description: "予以公开占办理总量的比例。",
		Num: one(t3("granted")), Den: processed, Scale: pctScale, Unit: UnitRatio, Direction: HigherBetter,
		Versions: both, MinDen: minClosed},
	{Key: "substantive_disclosure_rate", Name: "实质公开率", Category: "办理结果",
		Description: "予以公开与部分公开之和占办理总量的比例。",
		Num:         disclosed, Den: processed, Scale: pctScale, Unit: UnitRatio, Direction: HigherBetter,
		Versions: both, MinDen: minClosed, Headline: true},
	{Key: "decidable_disclosure_rate", Name: "可决定公开率", Category: "办理结果",
		Description: "在机关能够作出公开与否决定的申请(予以公开、部分公开、不予公开)中,予以公开与部分公开所占比例。",
		Num:         disclosed, Den: join(disclosed, withheld), Scale: pctScale, Unit: UnitRatio,
		Direction: HigherBetter, Versions: both, MinDen: minClosed},
	{Key: "unable_not_held_rate", Name: "不掌握率", Category: "办理结果",
		Description: "“本机关不掌握相关政府信息”占办理总量的比例。",
		Num:         one(t3("unable_not_held")), Den: processed, Scale: pctScale, Unit: UnitRatio,
		Direction: LowerBetter, Versions: both, MinDen: minClosed, Headline: true},
	{Key: "unable_rate", Name: "无法提供率", Category: "办理结果", Description: "无法提供(三项之和)占办理总量的比例。",
		Num: unable, Den: processed, Scale: pctScale, Unit: UnitRatio, Direction: LowerBetter, Versions: both,
		MinDen: minClosed},
	{Key: "withheld_rate", Name: "不予公开率", Category: "办理结果", Description: "不予公开(八项之和)占办理总量的比例。",
		Num: withheld, Den: processed, Scale: pctScale, Unit: UnitRatio, Direction: LowerBetter, Versions: both,
		MinDen: minClosed},
	{Key: "rejected_rate", Name: "不予处理率", Category: "办理结果", Description: "不予处理(五项之和)占办理总量的比例。",
		Num: rejected, Den: processed, Scale: pctScale, Unit: UnitRatio, Direction: Neutral, Versions: both,
		MinDen: minClosed},
	{Key: "other_rate", Name: "其他处理率", Category: "办理结果",
		Description: "其他处理占办理总量的比例(2021 年版为三项之和,2019 年版为一项)。",
		Num:         other, Den: processed, Scale: pctScale, Unit: UnitRatio, Direction: Neutral, Versions: both,
		MinDen: minClosed},
}, withheldShares(), []Metric{
	// 办理效率
	{Key: "completion_rate", Name: "办结率", Category: "办理效率",
		Description: "办理总量占(本年新收+上年结转)的比例。",
		Num:         processed, Den: intake, Scale: pctScale, Unit: UnitRatio, Direction: HigherBetter, Versions: both,
		MinDen: minClosed},
	{Key: "carryover_rate", Name: "结转率", Category: "办理效率",
		Description: "结转下年度继续办理占(本年新收+上年结转)的比例。",
		Num:         one(t3("carried_out")), Den: intake, Scale: pctScale, Unit: UnitRatio, Direction: LowerBetter,
		Versions: both, MinDen: minClosed},

	// 申请人构成
	{Key: "org_applicant_share", Name: "法人或其他组织申请占比", Category: "申请人构成",
		Description: "新收申请中法人或其他组织(五列之和)所占比例。",
		Num:         newReceivedBy(orgCols...), Den: one(t3("new_received")), Scale: pctScale, Unit: UnitRatio,
		Direction: Neutral, Versions: both, MinDen: minClosed},
	{Key: "legal_service_share", Name: "法律服务机构申请占比", Category: "申请人构成",
		Description: "新收申请中法律服务机构所占比例。",
		Num:         newReceivedBy("legal_service"), Den: one(t3("new_received")), Scale: pctScale, Unit: UnitRatio,
		Direction: Neutral, Versions: both, MinDen: minClosed},

	// 复议诉讼
	{Key: "review_correction_rate", Name: "复议纠错率", Category: "复议诉讼",
		Description: "行政复议结果纠正数占已审结复议案件(总计−尚未审结)的比例。",
		Num:         one(t4("review", "corrected")), Den: closed("review"), Scale: pctScale, Unit: UnitRatio,
		Direction: LowerBetter, Versions: both, MinDen: minClosed, Headline: true},
	{Key: "litigation_loss_rate", Name: "诉讼败诉率", Category: "复议诉讼",
		Description: "行政诉讼(未经复议直接起诉与复议后起诉)结果纠正数占已审结诉讼案件的比例。",
		Num:         []Term{t4("litigation_direct", "corrected"), t4("litigation_after_review", "corrected")},
		Den:         join(closed("litigation_direct"), closed("litigation_after_review")), Scale: pctScale,
		Unit: UnitRatio, Direction: LowerBetter, Versions: both, MinDen: minClosed, Headline: true},
	{Key: "overall_correction_rate", Name: "综合纠错率", Category: "复议诉讼",
		Description: "复议与诉讼结果纠正数之和占已审结复议、诉讼案件之和的比例。",
		Num: []Term{t4("review", "corrected"), t4("litigation_direct", "corrected"),
			t4("litigation_after_review", "corrected")},
		Den:   join(closed("review"), closed("litigation_direct"), closed("litigation_after_review")),
		Scale: pctScale, Unit: UnitRatio, Direction: LowerBetter, Versions: both, MinDen: minClosed},
	{Key: "dispute_rate", Name: "争议发生率", Category: "复议诉讼",
		Description: "行政复议总计与未经复议直接起诉总计之和,每百件办理申请的件数。",
		Num:         []Term{t4("review", "total"), t4("litigation_direct", "total")}, Den: processed, Scale: per100,
		Unit: UnitPer100, Direction: LowerBetter, Versions: both, MinDen: minClosed},

	// 主动公开(表二):2021 年版
	count("normative_docs_issued", "行政规范性文件制发件数", "主动公开", "表二(2021 年版)行政规范性文件本年制发件数。",
		active("normative_docs", "issued"), UnitCount, v21),
	count("normative_docs_repealed", "行政规范性文件废止件数", "主动公开", "表二(2021 年版)行政规范性文件本年废止件数。",
		active("normative_docs", "repealed"), UnitCount, v21),
	count("normative_docs_in_force", "行政规范性文件现行有效件数", "主动公开", "表二(2021 年版)行政规范性文件现行有效件数。",
		active("normative_docs", "in_force"), UnitCount, v21),
	count("licensing_decisions", "行政许可处理决定数", "主动公开", "表二(2021 年版)行政许可本年处理决定数量。",
		active("licensing", "decisions"), UnitCount, v21),
	count("penalty_decisions", "行政处罚处理决定数", "主动公开", "表二(2021 年版)行政处罚本年处理决定数量。",
		active("penalty", "decisions"), UnitCount, v21),
	count("coercion_decisions", "行政强制处理决定数", "主动公开", "表二(2021 年版)行政强制本年处理决定数量。",
		active("coercion", "decisions"), UnitCount, v21),
	count("fees_amount", "行政事业性收费金额", "主动公开", "表二(2021 年版)行政事业性收费本年收费金额,单位万元。",
		active("fees", "amount_10k_yuan"), UnitTenThouYu, v21),

	// 主动公开(表二):2019 年试行版。栏目含义与 2021 年版不同,单独成键,绝不与 2021 年版混用。
	count("v2019_normative_docs_made", "规范性文件本年新制作数量(2019版)", "主动公开(2019版)",
		"表二(2019 年试行版)规范性文件本年新制作数量。", active("normative_docs", "made"), UnitCount, v2019),
	count("v2019_normative_docs_published", "规范性文件本年新公开数量(2019版)", "主动公开(2019版)",
		"表二(2019 年试行版)规范性文件本年新公开数量。", active("normative_docs", "published"), UnitCount, v2019),
	count("v2019_normative_docs_public_total", "规范性文件对外公开总数量(2019版)", "主动公开(2019版)",
		"表二(2019 年试行版)规范性文件对外公开总数量。", active("normative_docs", "public_total"), UnitCount, v2019),
	count("v2019_licensing_decisions", "行政许可处理决定数量(2019版)", "主动公开(2019版)",
		"表二(2019 年试行版)行政许可处理决定数量。", active("licensing", "decisions"), UnitCount, v2019),
	count("v2019_penalty_decisions", "行政处罚处理决定数量(2019版)", "主动公开(2019版)",
		"表二(2019 年试行版)行政处罚处理决定数量。", active("penalty", "decisions"), UnitCount, v2019),
	count("v2019_coercion_decisions", "行政强制处理决定数量(2019版)", "主动公开(2019版)",
		"表二(2019 年试行版)行政强制处理决定数量。", active("coercion", "decisions"), UnitCount, v2019),
	count("v2019_fees_items", "行政事业性收费上一年项目数量(2019版)", "主动公开(2019版)",
		"表二(2019 年试行版)行政事业性收费上一年项目数量。", active("fees", "prev_items"), UnitItems, v2019),
})

// All returns the dictionary in its display order. The slice is a copy; the metrics' term slices are
// shared and must not be modified.
func All() []Metric { return slices.Clone(dictionary) }

// Lookup returns the metric with the given key.
func Lookup(key string) (Metric, bool) {
	for _, m := range dictionary {
		if m.Key == key {
			return m, true
		}
	}
	return Metric{}, false
}

// Validate checks the dictionary against the template: unique keys, known cells, a non-empty numerator
// (and denominator, for rates) in every version a metric applies to. It is what the tests run; it returns
// every problem found.
func Validate() []error {
	var errs []error
	seen := map[string]bool{}
	for _, m := range dictionary {
		if m.Key == "" || m.Name == "" || m.Unit == "" || len(m.Versions) == 0 || m.Scale == 0 {
			errs = append(errs, fmt.Errorf("metric %q: key, name, unit, versions and scale are required", m.Key))
		}
		if seen[m.Key] {
			errs = append(errs, fmt.Errorf("metric %q defined twice", m.Key))
		}
		seen[m.Key] = true
		switch m.Direction {
		case HigherBetter, LowerBetter, Neutral:
		default:
			errs = append(errs, fmt.Errorf("metric %q: unknown direction %q", m.Key, m.Direction))
		}
		// Every cell must exist in at least one version the metric applies to (catches typos that
		// Terms would otherwise drop silently).
		for _, t := range append(slices.Clone(m.Num), m.Den...) {
			if t.Population {
				continue
			}
			found := false
			for _, v := range m.Versions {
				if hasCell(template.MustGet(v), t.Cell) {
					found = true
				}
			}
			if !found {
				errs = append(errs, fmt.Errorf("metric %q: cell %s is in no template version it applies to", m.Key, t.Cell))
			}
		}
		for _, v := range m.Versions {
			num, den := m.Terms(v)
			if len(num) == 0 || (m.IsRate() && len(den) == 0) {
				errs = append(errs, fmt.Errorf("metric %q: empty numerator or denominator in version %s", m.Key, v))
			}
		}
	}
	return errs
}
