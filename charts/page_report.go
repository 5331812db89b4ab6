package charts

// 来源页 (report-<hash>.html): the source trail of every figure of one report. For each metric: its value,
// rank and flags, the numerator and denominator with the template cells that make each (as the template
// names them and as the report prints them), and the identity checks that cover those cells; above them the
// report (title, issuer, publication date, template version), its original address and raw snapshot, and
// for an edited report the figures that changed between versions. Every value on the site links here.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gkbench/gkbench/pipeline/metrics"
)

// reportPage is the file name of a report's source page (report ids are hashes; hashed again for a fixed,
// safe length).
func reportPage(id string) string { return "report-" + shortHash(id) + ".html" }

type sourceTerm struct {
	Part, Sign                  string // 分子 / 分母; "+" or "−"
	Table, Row, Col             string // the template's names
	Printed, Raw, Kind, Counted string // as printed; what the metric counts
	Checks                      string
	Failed                      bool
}

type sourceMetric struct {
	M          *metricInfo
	Anchor     string
	Value      valueCell
	Rank, Pct  string
	Group      string
	Formula    string // 1,305 ÷ 2,161 = 60.4%
	Flags      string
	Terms      []sourceTerm
	Unreliable bool
}

type editRow struct {
	Version, Table, Row, Col, Old, New string
	Metrics                            []*metricInfo
}

type reportBody struct {
	ID, Title, Issuer, Year, Version, Published, Status string
	E                                                   *entity
	Report                                              reportRow
	Edits                                               []editRow
	EditNote                                            string
	Metrics                                             []sourceMetric
	Facts                                               []*metrics.ReportFact
}

// reportIDs are the reports that get a source page: every primary report with metric rows.
func (m *model) reportIDs() []string {
	var out []string
	for i := range m.d.Values {
		if v := &m.d.Values[i]; v.IsPrimary && m.valuesOf[v.ReportID][0] == v {
			out = append(out, v.ReportID)
		}
	}
	return out
}

// indexReports groups the rows a source page needs by report id.
func (m *model) indexReports() {
	m.valuesOf, m.sourcesOf = map[string][]*metrics.Value{}, map[string][]*metrics.Source{}
	m.factsOf, m.editsOf = map[string][]*metrics.ReportFact{}, map[string][]*metrics.EditedFigure{}
	for i := range m.d.Values {
		v := &m.d.Values[i]
		m.valuesOf[v.ReportID] = append(m.valuesOf[v.ReportID], v)
	}
	for i := range m.d.Sources {
		s := &m.d.Sources[i]
		m.sourcesOf[s.ReportID] = append(m.sourcesOf[s.ReportID], s)
	}
	for i := range m.d.Facts {
		f := &m.d.Facts[i]
		m.factsOf[f.ReportID] = append(m.factsOf[f.ReportID], f)
	}
	for i := range m.d.EditedFigures {
		x := &m.d.EditedFigures[i]
		m.editsOf[x.NewReportID] = append(m.editsOf[x.NewReportID], x)
		if x.OldReportID != x.NewReportID {
			m.editsOf[x.OldReportID] = append(m.editsOf[x.OldReportID], x)
		}
	}
}

func (r *renderer) reportPage(id string) *page {
	m := r.m
	b := &reportBody{ID: id}
	for _, rep := range m.d.Reports {
		if rep.ReportID == id {
			b.Report = r.reportRow(rep)
			b.E = m.entities[rep.EntityKey]
			b.Issuer, b.Year, b.Version, b.Status = rep.Issuer, b.Report.Year, b.Report.Version, b.Report.Status
		}
	}
	b.Title = b.Report.Title
	if pub := r.pubs[id]; pub != nil && pub.PublishedOn != nil {
		b.Published = pub.PublishedOn.Format("2006-01-02")
	}
	for _, x := range m.editsOf[id] {
		b.Edits = append(b.Edits, m.editRow(x))
		if x.OldReportID == id {
			b.EditNote = "本页为修改前的版本;比较所用的是修改后的版本。"
		}
	}
	terms := map[string][]*metrics.Source{}
	for _, s := range m.sourcesOf[id] {
		terms[s.MetricKey] = append(terms[s.MetricKey], s)
	}
	values := map[string]*metrics.Value{}
	for _, v := range m.valuesOf[id] {
		values[v.MetricKey] = v
	}
	for _, mi := range m.metrics {
		v := values[mi.Key]
		if v == nil {
			continue
		}
		sm := sourceMetric{M: mi, Anchor: "m-" + chartKey(mi.Key), Flags: v.FlagsZH, Unreliable: v.Value != nil && !v.Reliable}
		sm.Value = valueCell{Text: "—", Class: "na"}
		if v.Value != nil {
			sm.Value = valueCell{Text: formatValue(*v.Value, mi.Unit), Unreliable: !v.Reliable}
		}
		if v.Year != nil {
			if rk := m.ranks[ey{v.EntityKey, mi.Key, *v.Year}]; rk != nil && rk.ReportID == id {
				sm.Rank = rankText(rk)
				if rk.Percentile != nil {
					sm.Pct = strconv.FormatFloat(*rk.Percentile, 'f', 0, 64)
				}
				sm.Group = fmt.Sprintf("%s %s,%d 个有数值", rk.Parent, levelZH(rk.Level), rk.PeerCount)
			}
		}
		sm.Formula = formula(mi, v)
		for _, s := range terms[mi.Key] {
			sm.Terms = append(sm.Terms, sourceTermOf(s))
		}
		b.Metrics = append(b.Metrics, sm)
	}
	b.Facts = m.factsOf[id]
	title := "来源:" + cmpText(b.Issuer) + " " + b.Year + " 年报告"
	return &page{File: reportPage(id), Title: title, Nav: "report", Body: b}
}

// editRow shows one changed figure.
func (m *model) editRow(x *metrics.EditedFigure) editRow {
	row := editRow{Version: fmt.Sprintf("第 %d 版 → 第 %d 版", x.VersionNo-1, x.VersionNo), Table: x.TableZH,
		Row: x.LabelRow, Col: x.LabelCol, Old: cmpText(x.OldText), New: cmpText(x.NewText)}
	for _, k := range x.AffectedMetrics {
		if mi := m.byKey[k]; mi != nil {
			row.Metrics = append(row.Metrics, mi)
		}
	}
	return row
}

func cmpText(s string) string {
	if s == "" {
		return "(无)"
	}
	return s
}

// formula spells a value's arithmetic: "1,305 ÷ 2,161 = 60.4%".
func formula(mi *metricInfo, v *metrics.Value) string {
	if v.Numerator == nil {
		return ""
	}
	out := "分子 " + formatNumber(v.Numerator)
	if v.Denominator != nil {
		out += " ÷ 分母 " + formatNumber(v.Denominator)
	}
	if v.Scale != 1 && v.Scale != 0 {
		out += " × " + strconv.FormatFloat(v.Scale, 'f', -1, 64)
	}
	if v.Value != nil {
		out += " = " + formatValue(*v.Value, mi.Unit)
	} else {
		out += ",无数值"
	}
	return out
}

func sourceTermOf(s *metrics.Source) sourceTerm {
	t := sourceTerm{Part: map[string]string{"numerator": "分子", "denominator": "分母"}[s.Part], Sign: "+",
		Table: s.TableZH, Row: s.LabelRow, Col: s.LabelCol, Raw: s.RawText, Kind: metrics.CellKindZH(s.CellKind)}
	if s.Sign < 0 {
		t.Sign = "−"
	}
	t.Printed = strings.TrimSpace(s.PrintedRow)
	if s.PrintedCol != "" && s.PrintedCol != s.PrintedRow {
		t.Printed += " · " + s.PrintedCol
	}
	if s.Value != nil {
		t.Counted = formatNumber(s.Value)
	} else {
		t.Counted = "—"
	}
	switch {
	case s.ChecksTotal == 0:
		t.Checks = "无勾稽关系涉及"
	case s.ChecksFailed == 0:
		t.Checks = fmt.Sprintf("%d 项勾稽关系均相符", s.ChecksTotal)
	default:
		t.Failed = true
		t.Checks = fmt.Sprintf("%d 项中 %d 项不符:%s", s.ChecksTotal, s.ChecksFailed, strings.Join(s.FailedChecks, ";"))
	}
	return t
}
