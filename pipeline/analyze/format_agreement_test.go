package analyze

import (
	"slices"
	"testing"

	"github.com/gkbench/gkbench/pipeline/template"
)

// TestFormatAgreement: an issuer-year published as a web page and as a PDF keeps both reports and records
// whether their figures agree; a Word attachment that differs in one cell is listed with that cell.
func TestFormatAgreement(t *testing.T) {
	web := base("北京市丰台区人民政府", "丰台区", 2023)
	pdf := base("北京市丰台区人民政府", "丰台区", 2023)
	pdf.Variant, pdf.Format = "pdf", "pdf"
	web2 := base("北京市海淀区人民政府", "海淀区", 2023)
	docx := base("北京市海淀区人民政府", "海淀区", 2023)
	docx.Variant, docx.Format = "docx", "docx"
	docx.Set = map[template.Cell]float64{template.Cell{Table: template.Applications, Row: "granted", Col: "total"}: 61}
	alone := base("北京市西城区人民政府", "西城区", 2023) // a web page only: nothing to compare
	a := build(t, Options{}, web, pdf, web2, docx, alone)

	if n := count(t, a, `SELECT count(*) FROM reports WHERE issuer = '北京市丰台区人民政府' AND year = 2023`); n != 2 {
		t.Fatalf("丰台区 2023: %d reports, want both versions", n)
	}
	if n := count(t, a, `SELECT count(*) FROM quality_format_agreement`); n != 2 {
		t.Fatalf("%d comparisons, want 2", n)
	}
	if n := count(t, a, `SELECT count(*) FROM quality_format_agreement WHERE entity_name = '北京市丰台区人民政府'
		AND agree AND cells_differ = 0 AND cells_compared > 100 AND web_format = 'html' AND attachment_format = 'pdf'`); n != 1 {
		t.Error("丰台区: the PDF and the page should agree")
	}
	if n := count(t, a, `SELECT cells_differ FROM quality_format_agreement WHERE entity_name = '北京市海淀区人民政府' AND NOT agree`); n != 1 {
		t.Errorf("海淀区: %d cells differ, want 1", n)
	}
	diffs := queryStrings(t, a, `SELECT unnest(differences) FROM quality_format_agreement WHERE entity_name = '北京市海淀区人民政府'`)
	if !slices.Equal(diffs, []string{"applications.granted.total: 60 → 61"}) {
		t.Errorf("differences %q", diffs)
	}
}
