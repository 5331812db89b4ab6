package charts

// 数据质量 (quality.html): coverage, parse problems, identity failures, cross-year checks, missing, late
// and edited reports.

import (
	"fmt"
	"strconv"

	"github.com/gkbench/gkbench/pipeline/metrics"
)

type qualityBody struct {
	Stats      []stat
	Coverage   *chartSpec
	Problems   []reportRow
	ProblemsOf map[string]*entity
	Identity   []identityRow
	CrossYear  []metrics.CrossYear
	CrossTotal int
	Missing    []metrics.MissingReport
	Late       []metrics.Publication
	Unknown    int
	OnTime     int
	Edited     []metrics.EditedReport
	Duplicates []metrics.DuplicateCell
	Years      []int
	Others     []coverageRow
}

func (r *renderer) qualityPage() (*page, error) {
	m := r.m
	b := &qualityBody{Years: m.years, ProblemsOf: map[string]*entity{}, Missing: m.d.Missing, Edited: m.d.Edited,
		Duplicates: m.d.Duplicates, CrossTotal: len(m.d.CrossYear), Others: r.coverage(m.others)}
	for _, rep := range m.d.Reports {
		if rep.Status != "ok" || len(rep.Warnings) > 0 {
			row := r.reportRow(rep)
			b.Problems = append(b.Problems, row)
			b.ProblemsOf[rep.ReportID] = m.entities[rep.EntityKey]
		}
	}
	b.Identity = r.identityRows(func(*metrics.IdentityFailure) bool { return true })
	for _, c := range m.d.CrossYear {
		if !c.Pass {
			b.CrossYear = append(b.CrossYear, c)
		}
	}
	for _, p := range m.d.Publication {
		switch p.Status {
		case "late":
			b.Late = append(b.Late, p)
		case "on_time":
			b.OnTime++
		default:
			b.Unknown++
		}
	}
	b.Stats = []stat{
		{Label: "勾稽关系不符", Value: strconv.Itoa(len(b.Identity)), Link: "#identity"},
		{Label: "跨年结转不一致", Value: strconv.Itoa(len(b.CrossYear)), Note: fmt.Sprintf("共核对 %d 项", b.CrossTotal), Link: "#crossyear"},
		{Label: "缺失的年度报告", Value: strconv.Itoa(len(b.Missing)), Link: "#missing"},
		{Label: "逾期发布", Value: strconv.Itoa(len(b.Late)), Note: fmt.Sprintf("发布日期未知 %d 份", b.Unknown), Link: "#publication"},
		{Label: "发布后修改", Value: strconv.Itoa(len(b.Edited)), Note: "个网址", Link: "#edited"},
		{Label: "解析不完整或失败", Value: strconv.Itoa(countStatus(m.d.Reports)), Link: "#reports"},
		{Label: "需要 OCR", Value: strconv.Itoa(countOnly(m.d.Reports, "needs_ocr")), Note: "扫描件或图片 PDF", Link: "#reports"},
	}
	p := &page{File: "quality.html", Title: "数据质量", Nav: "quality", Body: b}
	if len(m.years) > 0 {
		counts := map[string][]point{}
		for _, st := range []string{"ok", "partial", "failed", "needs_ocr", "missing"} {
			counts[st] = make([]point, len(m.years))
		}
		for i, y := range m.years {
			n := map[string]float64{}
			for _, rep := range m.d.Reports {
				if rep.IsPrimary && rep.Year != nil && *rep.Year == y {
					n[rep.Status]++
				}
			}
			for _, x := range m.d.Missing {
				if x.Year == y {
					n["missing"]++
				}
			}
			for st := range counts {
				counts[st][i] = point{Value: n[st], Year: y}
			}
		}
		series := []seriesLine{
			{Name: "完整", Color: "#2e7d32", Bar: true, Points: counts["ok"]},
			{Name: "部分", Color: "#f9a825", Bar: true, Points: counts["partial"]},
			{Name: "解析失败", Color: "#c62828", Bar: true, Points: counts["failed"]},
			{Name: "需要 OCR", Color: "#6a1b9a", Bar: true, Points: counts["needs_ocr"]},
			{Name: "缺失", Color: "#9e9e9e", Bar: true, Points: counts["missing"]},
		}
		opt, err := m.seriesOption("quality-coverage", "各年度报告收集与解析情况", "单位:份(每个机关每年计一份)", "份", series, true)
		if err != nil {
			return nil, err
		}
		b.Coverage = &chartSpec{ID: "quality-coverage", Kind: "series", Unit: "份", Option: opt, Height: 340}
		p.Charts = append(p.Charts, b.Coverage)
	}
	return p, nil
}

func countStatus(reps []metrics.QualityReport) int {
	n := 0
	for _, r := range reps {
		if r.Status != "ok" {
			n++
		}
	}
	return n
}

// countOnly counts the reports with one status.
func countOnly(reps []metrics.QualityReport, status string) int {
	n := 0
	for _, r := range reps {
		if r.Status == status {
			n++
		}
	}
	return n
}
