package testsite

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/gkbench/gkbench/internal/corpus"
	"github.com/gkbench/gkbench/pipeline/extract"
	"github.com/gkbench/gkbench/pipeline/ingest"
	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/template"
)

var updateAttachment = flag.Bool("update-attachment", false, "remake attach/changning-2022.pdf with LibreOffice")

// TestCityAttachment: the sample's PDF report reads as exactly the figures generated for its district-year
// (run with -update-attachment to make it again from the blank template, with LibreOffice).
func TestCityAttachment(t *testing.T) {
	city := SampleCity(nil)
	var cr *CityReport
	for i := range city.Reports {
		if r := &city.Reports[i]; r.Host == AttachHost && r.Year == AttachYear {
			cr = r
		}
	}
	if cr == nil || cr.Notice == "" || filepath.Ext(cr.Path) != ".pdf" {
		t.Fatalf("no attachment report: %+v", cr)
	}
	const file = "attach/changning-2022.pdf"
	if *updateAttachment {
		blank, err := os.ReadFile(filepath.Join(corpus.Attachments(t), "official-template-2021-blank.docx"))
		if err != nil {
			t.Fatal(err)
		}
		docx, err := synth.FillDOCX(blank, cr.Report)
		if err != nil {
			t.Fatal(err)
		}
		tmp := t.TempDir()
		in := filepath.Join(tmp, "changning-2022.docx")
		if err := os.WriteFile(in, docx, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(extract.Soffice(), "--headless", "-env:UserInstallation=file://"+tmp+"/lo", "--convert-to", "pdf", "--outdir", tmp, in)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice: %v\n%s", err, out)
		}
		b, err := os.ReadFile(filepath.Join(tmp, "changning-2022.pdf"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Log("wrote", file, "— embed it with make city")
		return
	}
	b := city.Files[AttachHost][cr.Path]
	r := ingest.Parse(ingest.Source{Path: cr.Path}, b, time.Unix(0, 0))
	if r.Status != report.OK || r.Format != "pdf" || r.Issuer != cr.Issuer || r.Year != cr.Year {
		t.Fatalf("status %s format %s issuer %q year %d: %s %v", r.Status, r.Format, r.Issuer, r.Year, r.Error, r.Warnings)
	}
	got := map[template.Cell]report.Fact{}
	for _, f := range r.Facts {
		got[template.Cell{Table: f.Table, Row: f.Row, Col: f.Col}] = f
	}
	printed := cr.Report.Printed(cr.Style)
	for c := range printed.Cells {
		n, isNum := printed.Number(c)
		f, ok := got[c]
		if !ok || isNum && (f.Value == nil || *f.Value != n) {
			t.Errorf("%s: %q, want %v (make it again with -update-attachment)", c, f.Raw, n)
		}
	}
}
