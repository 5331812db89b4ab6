package ingest

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gkbench/gkbench/internal/corpus"
	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/template"
	"github.com/gkbench/gkbench/pipeline/warehouse"
)

// TestAttachmentTruth imports the real PDF attachments (huaian_2024.pdf: a WPS export with CID fonts, table
// 3 across a page break, vertical row-group labels, wrapped labels and headers) through the same import as
// every other document, and compares every figure of truth.csv (value and cell kind) with the warehouse;
// each figure keeps the page and box it was read from.
func TestAttachmentTruth(t *testing.T) {
	dir := corpus.Attachments(t)
	whDir, sum, byFile, facts := importTruthDir(t, dir)
	truth := readTruth(t, filepath.Join(dir, "truth.csv"))
	if len(truth) != 200 {
		t.Fatalf("truth has %d figures, want 200", len(truth))
	}
	matched := 0
	for _, tr := range truth {
		r, ok := byFile[tr.file]
		if !ok {
			t.Fatalf("%s not imported (summary %+v)", tr.file, sum)
		}
		c := template.Cell{Table: tr.table, Row: tr.row, Col: tr.col}
		f, ok := facts[tr.file][c]
		if !ok {
			t.Errorf("%s: %s missing (want %s %v)", tr.file, c, tr.kind, tr.value)
			continue
		}
		if string(f.Kind) != tr.kind || f.Value == nil || *f.Value != tr.value || f.Raw != tr.raw {
			got := "nil"
			if f.Value != nil {
				got = strconv.FormatFloat(*f.Value, 'f', -1, 64)
			}
			t.Errorf("%s: %s = %s %s (raw %q), want %s %v (raw %q)", tr.file, c, f.Kind, got, f.Raw, tr.kind, tr.value, tr.raw)
			continue
		}
		if f.Page < 1 || f.Page > r.Pages || len(f.BBox) != 4 || f.BBox[0] >= f.BBox[2] || f.BBox[1] >= f.BBox[3] {
			t.Errorf("%s: %s page %d of %d, bbox %v", tr.file, c, f.Page, r.Pages, f.BBox)
		}
		matched++
	}
	for file, m := range facts {
		if len(m) != len(truth) {
			t.Errorf("%s: %d keyed facts, truth has %d", file, len(m), len(truth))
		}
	}
	r := byFile["huaian_2024.pdf"]
	if r.Status != report.OK || r.Format != "pdf" || r.Pages != 6 || r.Issuer != "淮安市人民政府" || r.Year != 2024 || r.TemplateVersion != "2021" {
		t.Errorf("huaian: status %s format %s pages %d issuer %q year %d version %s; warnings %v error %q",
			r.Status, r.Format, r.Pages, r.Issuer, r.Year, r.TemplateVersion, r.Warnings, r.Error)
	}
	checks, err := warehouse.ReadChecks(whDir, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		if !c.Pass {
			t.Errorf("huaian: identity %s on %s fails: %v vs %v", c.Name, c.Key, c.Actual, c.Expected)
		}
	}
	// Where the figures are: 新收 申请 (table 3's first data row) on page 4, 行政许可 on page 3, and the rows
	// after the page break on page 5.
	where := map[template.Cell]int{
		{Table: "active", Row: "licensing", Col: "decisions"}:                        3,
		{Table: "applications", Row: "new_received", Col: "total"}:                   4,
		{Table: "applications", Row: "unable_needs_creation", Col: "natural_person"}: 5,
		{Table: "review_litigation", Row: "review", Col: "total"}:                    5,
	}
	for c, page := range where {
		if f := facts["huaian_2024.pdf"][c]; f.Page != page {
			t.Errorf("huaian: %s on page %d, want %d", c, f.Page, page)
		}
	}
	t.Logf("huaian: %d/%d figures exact", matched, len(truth))
}
