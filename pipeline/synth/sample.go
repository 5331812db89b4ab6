package synth

import (
	"fmt"
	"strings"

	"github.com/gkbench/gkbench/pipeline/template"
)

// SampleDoc is one document of the bundled sample: a file and the manifest row a listing page would give.
type SampleDoc struct {
	Name   string // file name under the sample folder
	Data   []byte
	URL    string
	Issuer string // as the listing shows it; "" when the listing does not
	Year   int
}

// SampleCity is the fictional city the bundled sample describes; every page says it is sample data.
const SampleCity = "示例市"

// Sample returns the small bundled sample of report pages (data/sample): districts of 示例市 in both
// template versions and in the forms real portals publish — UTF-8 and GBK pages, Word span soup,
// Traditional-script mirrors, a flattened text copy — plus one report that breaks an identity, one cut off
// mid-table and one whose tables are images.
func Sample() []SampleDoc {
	type spec struct {
		district string
		year     int
		style    Style
		text     *TextStyle
		mutate   func(*Report) *Report
		listing  bool // the listing shows issuer and year
	}
	specs := []spec{
		{district: "东城区", year: 2023, listing: true},
		{district: "西城区", year: 2023, style: Style{Encoding: GBK, SpanSoup: true}},
		{district: "朝阳区", year: 2023, style: Style{TitleYearFirst: true, ThousandsSep: SepASCII}, listing: true},
		{district: "海淀区", year: 2023, style: Style{NoTitle: true}, listing: true},
		{district: "丰台区", year: 2022, text: &TextStyle{Form: PipeCells, LostSecondLine: true}},
		{district: "石景山区", year: 2022, style: Style{Traditional: true, NBSPBlankZeros: true}},
		{district: "门头沟区", year: 2020, style: Style{ExtraUnknownRows: true}, listing: true},
		{district: "房山区", year: 2019, style: Style{Encoding: GB2312, MetaCharset: "utf-8"}},
		{district: "通州区", year: 2023, mutate: func(r *Report) *Report {
			return r.Breaking(template.Cell{Table: template.Applications, Row: "unable_not_held", Col: "natural_person"}, 7)
		}},
		{district: "顺义区", year: 2023, style: Style{SplitTable3: true, LabelDrift: true}},
		{district: "昌平区", year: 2023, style: Style{TablesAsImages: true}},
	}
	var out []SampleDoc
	for i, s := range specs {
		issuer := SampleCity + s.district + "人民政府"
		r := Generate(int64(2026+i), issuer, s.district, s.year, template.ForYear(s.year), 2)
		if s.mutate != nil {
			r = s.mutate(r)
		}
		slug := fmt.Sprintf("%02d_%d", i+1, s.year)
		doc := SampleDoc{URL: fmt.Sprintf("http://sample.gkbench.invalid/%s/gknb/%d/t%d_%d.html", districtSlug(i), s.year, s.year+1, 1000+i)}
		if s.listing {
			doc.Issuer, doc.Year = issuer, s.year
		}
		if s.text != nil {
			doc.Name, doc.Data = slug+".txt", Text(r, *s.text)
		} else {
			doc.Name, doc.Data = slug+".html", HTML(r, s.style)
		}
		out = append(out, doc)
	}
	// A page cut off inside table 3, as a failed download leaves it.
	r := Generate(4040, SampleCity+"大兴区人民政府", "大兴区", 2024, template.V2021, 2)
	cut := HTMLCut(r, Style{}, template.Cell{Table: template.Applications, Row: "withheld_process_info", Col: "total"})
	out = append(out, SampleDoc{Name: "12_2024.html", Data: HTML(r, Style{Truncate: cut}),
		URL: "http://sample.gkbench.invalid/daxing/gknb/2024/t2025_1011.html", Issuer: SampleCity + "大兴区人民政府", Year: 2024})
	return out
}

func districtSlug(i int) string {
	return []string{"dongcheng", "xicheng", "chaoyang", "haidian", "fengtai", "shijingshan", "mentougou",
		"fangshan", "tongzhou", "shunyi", "changping"}[i]
}

// SampleManifest is the CSV manifest of the sample (path,url,issuer,jurisdiction,year).
func SampleManifest(docs []SampleDoc) []byte {
	var b strings.Builder
	b.WriteString("path,url,issuer,jurisdiction,year\n")
	for _, d := range docs {
		year := ""
		if d.Year != 0 {
			year = fmt.Sprint(d.Year)
		}
		fmt.Fprintf(&b, "reports/%s,%s,%s,,%s\n", d.Name, d.URL, d.Issuer, year)
	}
	return []byte(b.String())
}
