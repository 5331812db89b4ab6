package ingest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/template"
)

// The project's own fixtures: one generated page per variation seen in published reports, each parsed
// and compared figure by figure with what the page prints.

type fixture struct {
	name    string
	version template.Version
	html    *synth.Style     // an HTML page in this style
	text    *synth.TextStyle // or a flattened text copy
	caller  Source           // what a manifest would say
	status  report.Status
	failing []string // identities expected to fail (the style breaks them on purpose)
}

func fixtures() []fixture {
	st := func(s synth.Style) *synth.Style { return &s }
	tx := func(s synth.TextStyle) *synth.TextStyle { return &s }
	return []fixture{
		{name: "plain 2021", html: st(synth.Style{})},
		{name: "gbk", html: st(synth.Style{Encoding: synth.GBK})},
		{name: "gb2312 labelled utf-8", html: st(synth.Style{Encoding: synth.GB2312, MetaCharset: "utf-8"})},
		{name: "gb18030 without meta", html: st(synth.Style{Encoding: synth.GB18030, NoMeta: true})},
		{name: "utf-8 labelled gbk", html: st(synth.Style{MetaCharset: "gbk"})},
		{name: "traditional script", html: st(synth.Style{Traditional: true})},
		{name: "traditional gbk span soup", html: st(synth.Style{Traditional: true, Encoding: synth.GBK, SpanSoup: true})},
		{name: "full-width digits", html: st(synth.Style{FullWidthDigits: true})},
		{name: "thousands ascii", html: st(synth.Style{ThousandsSep: synth.SepASCII})},
		{name: "thousands full-width", html: st(synth.Style{ThousandsSep: synth.SepFullWidth, FullWidthDigits: true})},
		{name: "nbsp blank zeros", html: st(synth.Style{NBSPBlankZeros: true})},
		{name: "total column blank", html: st(synth.Style{TotalColumnBlank: true}), failing: []string{"t3_applicant_sum"}},
		{name: "stray prefix", html: st(synth.Style{StrayPrefix: true})},
		{name: "split table 3", html: st(synth.Style{SplitTable3: true})},
		{name: "nested tables", html: st(synth.Style{NestedTables: true})},
		{name: "span soup", html: st(synth.Style{SpanSoup: true})},
		{name: "br in labels", html: st(synth.Style{BrInLabels: true})},
		{name: "header span mismatch", html: st(synth.Style{HeaderSpanMismatch: true})},
		{name: "label drift", html: st(synth.Style{LabelDrift: true})},
		{name: "title year first", html: st(synth.Style{TitleYearFirst: true})},
		{name: "no title", html: st(synth.Style{NoTitle: true}),
			caller: Source{Issuer: "示例市东城区人民政府", Year: 2023}},
		{name: "subtotal column", html: st(synth.Style{Subtotal: true})},
		{name: "2019 plain", version: template.V2019, html: st(synth.Style{})},
		{name: "2019 unknown rows", version: template.V2019, html: st(synth.Style{ExtraUnknownRows: true})},
		{name: "2019 no procurement gbk", version: template.V2019, html: st(synth.Style{NoProcurement: true, Encoding: synth.GBK})},
		{name: "everything at once", html: st(synth.Style{Encoding: synth.GBK, MetaCharset: "utf-8", Traditional: true,
			SpanSoup: true, NestedTables: true, SplitTable3: true, LabelDrift: true, ThousandsSep: synth.SepFullWidth, StrayPrefix: true})},
		{name: "text pipe cells", text: tx(synth.TextStyle{Form: synth.PipeCells, NFKC: true})},
		{name: "text pipe cells inline", text: tx(synth.TextStyle{Form: synth.PipeCellsInline})},
		{name: "text one cell per line", text: tx(synth.TextStyle{Form: synth.OneCellPerLine})},
		{name: "text blank-line separated", text: tx(synth.TextStyle{Form: synth.BlankLineSeparated})},
		{name: "text row per line", text: tx(synth.TextStyle{Form: synth.RowPerLine})},
		{name: "text lost second line", text: tx(synth.TextStyle{Form: synth.PipeCells, LostSecondLine: true})},
		{name: "text traditional gbk", text: tx(synth.TextStyle{Form: synth.PipeCells, Style: synth.Style{Traditional: true, Encoding: synth.GBK}})},
		{name: "text 2019 lost second line", version: template.V2019, text: tx(synth.TextStyle{Form: synth.BlankLineSeparated, LostSecondLine: true})},
		{name: "text nbsp blank zeros", text: tx(synth.TextStyle{Form: synth.PipeCells, Style: synth.Style{NBSPBlankZeros: true}})},
	}
}

func expectKind(raw string) report.CellKind {
	v := strings.TrimSpace(strings.ReplaceAll(raw, "&nbsp;", ""))
	v = strings.Trim(v, "\u00a0 ")
	switch v {
	case "":
		return report.Empty
	case "/", "—", "-", "无":
		return report.NotApplicable
	}
	return ""
}

func TestFixtures(t *testing.T) {
	for i, fx := range fixtures() {
		t.Run(fx.name, func(t *testing.T) {
			v := fx.version
			if v == "" {
				v = template.V2021
			}
			year := 2023
			if v == template.V2019 {
				year = 2019
			}
			gen := synth.Generate(int64(100+i), "示例市东城区人民政府", "东城区", year, v, 1)
			var data []byte
			var want *synth.Report
			path := "fixture.html"
			if fx.html != nil {
				data, want = synth.HTML(gen, *fx.html), gen.Printed(*fx.html)
			} else {
				data, want, path = synth.Text(gen, *fx.text), gen.Printed(fx.text.Style), "fixture.txt"
			}
			src := fx.caller
			src.Path = path
			r := Parse(src, data, testNow)
			wantStatus := fx.status
			if wantStatus == "" {
				wantStatus = report.OK
			}
			if r.Status != wantStatus {
				t.Errorf("status %s, want %s; error %q; warnings %q", r.Status, wantStatus, r.Error, r.Warnings)
			}
			if r.TemplateVersion != string(v) {
				t.Errorf("template version %q, want %s", r.TemplateVersion, v)
			}
			if r.Issuer != "示例市东城区人民政府" || r.Year != year || r.Jurisdiction != "东城区" {
				t.Errorf("metadata issuer %q (%s) year %d (%s) jurisdiction %q; title %q", r.Issuer, r.IssuerFrom, r.Year, r.YearFrom, r.Jurisdiction, r.Title)
			}
			noChrome := (fx.html != nil && fx.html.NoTitle) || (fx.text != nil && fx.text.NoTitle)
			if !noChrome && (r.PublishedOn != gen.Date || r.PublishedFrom != report.FromText) {
				t.Errorf("published on %q (%s), the page says %s", r.PublishedOn, r.PublishedFrom, gen.Date)
			}
			got := map[template.Cell]report.Fact{}
			unknown := map[string]int{}
			for _, f := range r.Facts {
				if f.Row == "" {
					unknown[f.LabelRow]++
					continue
				}
				c := template.Cell{Table: f.Table, Row: f.Row, Col: f.Col}
				if _, dup := got[c]; dup {
					t.Errorf("%s read twice", c)
				}
				got[c] = f
			}
			for c, val := range want.Cells {
				f, ok := got[c]
				if !ok {
					t.Errorf("%s (printed %q) not read", c, val.Raw)
					continue
				}
				delete(got, c)
				if k := expectKind(val.Raw); k != "" {
					if f.Kind != k {
						t.Errorf("%s printed %q: kind %s, want %s", c, val.Raw, f.Kind, k)
					}
					continue
				}
				n, ok := want.Number(c)
				if !ok {
					t.Errorf("%s printed %q: the generator cannot read it back", c, val.Raw)
					continue
				}
				if f.Value == nil || *f.Value != n {
					t.Errorf("%s printed %q: read %s %v, want %v", c, val.Raw, f.Kind, deref(f.Value), n)
				}
			}
			for c, f := range got {
				t.Errorf("%s = %q read but not printed", c, f.Raw)
			}
			for _, x := range want.Extra {
				if unknown[x.Label] != len(x.Cells) {
					t.Errorf("unknown row %s: %d facts, want %d", x.Label, unknown[x.Label], len(x.Cells))
				}
			}
			failing := map[string]bool{}
			for _, c := range r.Checks {
				if !c.Pass {
					failing[c.Name] = true
				}
			}
			for _, name := range fx.failing {
				if !failing[name] {
					t.Errorf("identity %s should fail", name)
				}
				delete(failing, name)
			}
			for name := range failing {
				t.Errorf("identity %s fails unexpectedly", name)
			}
			if len(r.Checks) == 0 {
				t.Error("no identity evaluated")
			}
		})
	}
}

func deref(p *float64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}
