package parse

import (
	"testing"

	"github.com/gkbench/gkbench/pipeline/extract"
	"github.com/gkbench/gkbench/pipeline/report"
)

func TestMetadata(t *testing.T) {
	cases := []struct {
		name   string
		doc    extract.Document
		caller Meta
		issuer string
		juris  string
		year   int
		from   report.Found
	}{
		{"issuer first", extract.Document{Title: "北京市通州区信访办2019年政府信息公开工作年度报告"}, Meta{},
			"北京市通州区信访办", "通州区", 2019, report.FromTitle},
		{"year first", extract.Document{Blocks: []extract.Block{{Text: "2023年北京市丰台区政府信息公开工作年度报告"}}}, Meta{},
			"北京市丰台区人民政府", "丰台区", 2023, report.FromTitle},
		{"with portal suffix", extract.Document{Title: "北京市西城区人民政府2024年度政府信息公开工作年度报告_政府信息公开年报_北京市西城区人民政府"}, Meta{},
			"北京市西城区人民政府", "西城区", 2024, report.FromTitle},
		{"traditional", extract.Document{Title: "北京市東城區人民政府2021年政府信息公開工作年度報告"}, Meta{},
			"北京市东城区人民政府", "东城区", 2021, report.FromTitle},
		{"caller wins", extract.Document{Title: "北京市通州区信访办2019年政府信息公开工作年度报告"}, Meta{Issuer: "通州区信访办公室", Year: 2020},
			"通州区信访办公室", "通州区", 2020, report.FromCaller},
		{"year from overview", extract.Document{Blocks: []extract.Block{{Text: "一、总体情况"}, {Text: "2022年,本局认真贯彻……"}}}, Meta{},
			"", "", 2022, report.FromText},
		{"nothing known", extract.Document{Blocks: []extract.Block{{Text: "您访问的链接即将离开“海淀区人民政府”门户网站"}, {Text: "日期:2024-01-05"}}}, Meta{},
			"", "", 0, report.NotFound},
		{"年报 wording", extract.Document{Title: "北京市海淀区司法局2022年政府信息公开工作年报"}, Meta{},
			"北京市海淀区司法局", "海淀区", 2022, report.FromTitle},
		{"city government", extract.Document{Title: "淮安市人民政府2024年政府信息公开工作年度报告"}, Meta{},
			"淮安市人民政府", "淮安市", 2024, report.FromTitle},
	}
	for _, c := range cases {
		m := Metadata(&c.doc, c.caller)
		if m.Issuer != c.issuer || m.Jurisdiction != c.juris || m.Year != c.year || m.YearFrom != c.from {
			t.Errorf("%s: %q %q %d (%s), want %q %q %d (%s)", c.name, m.Issuer, m.Jurisdiction, m.Year, m.YearFrom, c.issuer, c.juris, c.year, c.from)
		}
	}
}

func TestPublishedOn(t *testing.T) {
	block := func(s ...string) extract.Document {
		var d extract.Document
		for _, x := range s {
			d.Blocks = append(d.Blocks, extract.Block{Text: x})
		}
		return d
	}
	cases := []struct {
		name   string
		doc    extract.Document
		caller string
		want   string
		from   report.Found
	}{
		{"chrome date", block("首页>>政府信息公开", "日期:2024-02-20 来源:北京市丰台区人民政府", "一、总体情况"), "", "2024-02-20", report.FromText},
		{"chinese date", block("发布时间：2024年3月5日", "一、总体情况"), "", "2024-03-05", report.FromText},
		{"listing wins", block("日期:2024-02-20"), "2024-02-19", "2024-02-19", report.FromCaller},
		{"not a date", block("日期:2024-02-30"), "", "", report.NotFound},
		{"date inside the report is not the publication", block("一、总体情况", "日期:2024-02-20"), "", "", report.NotFound},
	}
	for _, c := range cases {
		m := Metadata(&c.doc, Meta{PublishedOn: c.caller})
		if m.PublishedOn != c.want || m.PublishedFrom != c.from {
			t.Errorf("%s: %q (%s), want %q (%s)", c.name, m.PublishedOn, m.PublishedFrom, c.want, c.from)
		}
	}
}
