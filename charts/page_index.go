package charts

// 总览 (index.html): headline figures, coverage, the volume chart.

import (
	"fmt"
	"strconv"

	"github.com/gkbench/gkbench/pipeline/metrics"
)

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
			row.Cells = append(row.Cells, r.cell(e, mi, y))
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
			if groups, _ := m.peerGroups(mi.Key, y); len(groups) > 0 && groups[0].Main {
				g := groups[0]
				opt, h, err := m.rankingOption(mi, y, id, g, func(rid string) string { return r.sourceLink(rid, mi.Key) })
				if err != nil {
					return nil, err
				}
				t := r.rankingTable(mi, y, g)
				b.Volume = &chartSpec{ID: id, Kind: "ranking", Unit: mi.Unit, Option: opt, Height: h,
					Caption: "新收申请量为描述性指标,按数值排列,不排名;各区颜色在全站一致;历年走势见各指标页。",
					Label:   rankingAria(mi, m.yearLabel(y), g, t)}
				p.Charts = append(p.Charts, b.Volume)
			}
		}
	}
	return p, nil
}

// valuePoints are an entity's values of a metric over the years.
