package main

import (
	"bytes"
	"context"
	"fmt"
	"github.com/gkbench/gkbench/internal/corpus"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gkbench/gkbench/pipeline/metrics"
	"github.com/gkbench/gkbench/pipeline/rawstore"
	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/template"
	"github.com/gkbench/gkbench/pipeline/testsite"
	"github.com/gkbench/gkbench/pipeline/warehouse"
)

// TestDemo runs the whole demo on the bundled sample city and checks that the warehouse holds every
// sample district and year with the generated figures, the real report with its truth, the correction as
// a second version, and that the analysis and site were written.
func TestDemo(t *testing.T) {
	truth := corpus.Truth(t)
	real, err := synth.FromTruth(truth, "fengtai_2023.txt", "北京市丰台区人民政府", "丰台区")
	if err != nil {
		t.Fatal(err)
	}
	city := testsite.SampleCity(real)
	dir := t.TempDir()
	var out bytes.Buffer
	log := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if err := demo(context.Background(), filepath.Join("..", "..", "data", "sample-city"), dir, &out, log); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	t.Log(out.String())

	whDir := filepath.Join(dir, "warehouse")
	reports, err := warehouse.ReadReports(whDir)
	if err != nil {
		t.Fatal(err)
	}
	versions, err := rawstore.ReadVersions(filepath.Join(dir, "raw"))
	if err != nil {
		t.Fatal(err)
	}
	// The current report of each page is its newest version.
	current := map[string]string{} // url path → report id
	latest := map[string]int{}
	edited := 0
	for _, v := range versions {
		p := urlPath(v.URL)
		if v.Version > latest[p] {
			latest[p], current[p] = v.Version, v.ReportID
		}
		if v.Edited {
			edited++
		}
	}
	if edited != 1 {
		t.Errorf("%d edited versions, want 1", edited)
	}
	byID := map[string]report.Report{}
	for _, r := range reports {
		byID[r.ID] = r
	}
	checked, attached := 0, 0
	for _, cr := range city.Reports {
		want := cr.Report
		if cr.Host == city.Edit.Host && cr.Path == city.Edit.Path {
			want = city.Edit.After.Report
		}
		id, ok := current[cr.Path]
		if !ok {
			t.Errorf("%s %d (%s%s) not crawled", cr.Jurisdiction, cr.Year, cr.Host, cr.Path)
			continue
		}
		r := byID[id]
		if r.Issuer != cr.Issuer || r.Year != cr.Year || r.Status != report.OK {
			t.Errorf("%s: issuer %q year %d status %s; want %q %d ok (%v)", cr.Path, r.Issuer, r.Year, r.Status, cr.Issuer, cr.Year, r.Warnings)
		}
		facts, err := warehouse.ReadFacts(whDir, id)
		if err != nil {
			t.Fatal(err)
		}
		if cr.Notice != "" {
			// The report published as a PDF on a notice page: read from the PDF, each figure with its page.
			if r.Format != "pdf" || r.Pages < 1 || len(facts) == 0 || facts[0].Page < 1 || len(facts[0].BBox) != 4 {
				t.Errorf("%s %d: format %s pages %d, %d facts", cr.Jurisdiction, cr.Year, r.Format, r.Pages, len(facts))
			}
			attached++
		}
		got := map[template.Cell]report.Fact{}
		for _, f := range facts {
			got[template.Cell{Table: f.Table, Row: f.Row, Col: f.Col}] = f
		}
		printed := want.Printed(cr.Style)
		for c := range printed.Cells {
			n, isNum := printed.Number(c)
			f, ok := got[c]
			switch {
			case !ok:
				t.Errorf("%s %d: %s missing", cr.Jurisdiction, cr.Year, c)
			case isNum && (f.Value == nil || *f.Value != n):
				t.Errorf("%s %d: %s = %v, want %v", cr.Jurisdiction, cr.Year, c, f.Raw, n)
			default:
				checked++
			}
		}
	}
	if attached != 1 {
		t.Errorf("%d reports read from a PDF attachment, want 1", attached)
	}
	if checked < 100*200 {
		t.Errorf("only %d figures checked", checked)
	}
	t.Logf("%d figures of %d reports equal the generated ones (and the real report its truth)", checked, len(city.Reports))

	// The analysis flags the planted problems.
	outDir := filepath.Join(dir, "out")
	vals, err := metrics.ReadValues(outDir)
	if err != nil {
		t.Fatal(err)
	}
	var fengtai float64
	for _, v := range vals {
		if v.MetricKey == "unable_not_held_rate" && strings.Contains(v.EntityName, "丰台区") && v.Value != nil {
			fengtai = *v.Value
		}
	}
	if fengtai != 1305.0/2161.0 {
		t.Errorf("丰台区 不掌握率 = %v, want 1305/2161", fengtai)
	}
	for _, f := range []string{"metric_values.csv", "rankings.parquet", "quality_identity.csv", "gkbench.duckdb"} {
		if _, err := os.Stat(filepath.Join(outDir, f)); err != nil {
			t.Error(err)
		}
	}
	// The one report published after the deadline, by the date its listing and page print.
	pubs, err := metrics.ReadPublication(outDir)
	if err != nil {
		t.Fatal(err)
	}
	var late []string
	for _, p := range pubs {
		if p.Status == "late" {
			late = append(late, fmt.Sprintf("%s %d %s %d", p.EntityName, *p.Year, p.PublishedOn.Format("2006-01-02"), *p.DaysLate))
		}
	}
	if want := fmt.Sprintf("示例市凤凰区人民政府 %d %s 18", testsite.LateYear, testsite.LateDate); len(late) != 1 || late[0] != want {
		t.Errorf("late reports %q, want [%s]", late, want)
	}
	checkSite(t, filepath.Join(dir, "site"), city)
}

var (
	yearTable = regexp.MustCompile(`(?s)<div class="year-table" data-year-of="ranking-unable_not_held_rate" data-year="(\d+)"[^>]*>(.*?)</table>`)
	rankRow   = regexp.MustCompile(`(?s)</span>([^<]+)</a></th>\s*<td class="num">.*?</td>\s*<td class="num">([^<]*)</td><td class="num">([^<]*)</td>`)
	// A body of another peer group, listed apart: <li data-key="北京市·丰台区">…分子 1,305,分母 2,161</span></li>
	otherRow = regexp.MustCompile(`(?s)<li data-key="([^"]+)">.*?分子 ([0-9,.]+),分母 ([0-9,.]+)</span></li>`)
)

// checkSite reads the 不掌握率 page's ranking tables: every sample district appears in every year it
// published, with the numerator and denominator its report prints; the real report, of another peer group
// (北京市), with its truth in the list of bodies not ranked with them.
func checkSite(t *testing.T, site string, city *testsite.City) {
	page, err := os.ReadFile(filepath.Join(site, "metric-unable_not_held_rate.html"))
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string][2]string{} // "区 year" → numerator, denominator
	for _, m := range yearTable.FindAllStringSubmatch(string(page), -1) {
		for _, r := range rankRow.FindAllStringSubmatch(m[2], -1) {
			shown[strings.TrimSpace(r[1])+" "+m[1]] = [2]string{plain(r[2]), plain(r[3])}
		}
	}
	others := map[string][2]string{}
	for _, m := range regexp.MustCompile(`(?s)data-year="(\d+)"[^>]*>(.*?)</div>\s*(?:<div class="year-table"|</section>)`).FindAllStringSubmatch(string(page), -1) {
		for _, r := range otherRow.FindAllStringSubmatch(m[2], -1) {
			others[r[1]+" "+m[1]] = [2]string{plain(r[2]), plain(r[3])}
		}
	}
	num := template.Cell{Table: template.Applications, Row: "unable_not_held", Col: "total"}
	den := template.Cell{Table: template.Applications, Row: "processed_total", Col: "total"}
	rows := 0
	for _, cr := range city.Reports {
		rep := cr.Report
		if cr.Host == city.Edit.Host && cr.Path == city.Edit.Path {
			rep = city.Edit.After.Report
		}
		p := rep.Printed(cr.Style)
		n, _ := p.Number(num)
		d, _ := p.Number(den)
		want := [2]string{strconv.FormatFloat(n, 'f', -1, 64), strconv.FormatFloat(d, 'f', -1, 64)}
		name := cr.Jurisdiction
		if cr.Real {
			name = "北京市·丰台区"
		}
		got, ok := shown[fmt.Sprintf("%s %d", name, cr.Year)]
		if cr.Real {
			if ok {
				t.Errorf("site: %s %d ranked among 示例市's districts", name, cr.Year)
			}
			got, ok = others[fmt.Sprintf("%s %d", name, cr.Year)]
		}
		if !ok {
			t.Errorf("site: %s %d not in the 不掌握率 ranking", name, cr.Year)
			continue
		}
		if got != want {
			t.Errorf("site: %s %d shows %v, the report prints %v", name, cr.Year, got, want)
		}
		rows++
	}
	index, err := os.ReadFile(filepath.Join(site, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(index), "示例数据") {
		t.Error("index does not say it shows sample data")
	}
	t.Logf("site: %d district-years shown with their reports' figures", rows)
}

// plain drops thousands separators.
func plain(s string) string { return strings.ReplaceAll(s, ",", "") }

func urlPath(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.Index(u, "/"); i >= 0 {
		return u[i:]
	}
	return "/"
}
