package ingest

import (
	"context"
	"encoding/csv"
	"github.com/gkbench/gkbench/internal/corpus"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gkbench/gkbench/pipeline/parse"
	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/template"
	"github.com/gkbench/gkbench/pipeline/warehouse"
)

type truthRow struct {
	file, table, row, col, kind, labelRow, labelCol, raw string
	value                                                float64
}

func readTruth(t *testing.T, path string) []truthRow {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []truthRow
	for _, r := range recs[1:] {
		v, err := strconv.ParseFloat(r[7], 64)
		if err != nil {
			t.Fatalf("truth value %q: %v", r[7], err)
		}
		out = append(out, truthRow{file: r[0], table: r[3], row: r[4], col: r[5], kind: r[6], value: v,
			labelRow: r[8], labelCol: r[9], raw: r[10]})
	}
	return out
}

// importTruthDir imports a corpus folder with its manifest into a fresh warehouse and reads back every
// report (by file name) and its keyed facts.
func importTruthDir(t *testing.T, dir string) (string, Summary, map[string]report.Report, map[string]map[template.Cell]report.Fact) {
	t.Helper()
	meta, err := ReadManifest(filepath.Join(dir, "manifest.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// The documents the manifest lists (the attachments folder also holds a blank template).
	files, err := Files([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	listed := files[:0]
	for _, f := range files {
		if _, ok := meta[f]; ok {
			listed = append(listed, f)
		}
	}
	files = listed
	if len(files) != len(meta) {
		t.Fatalf("found %d of the %d documents the manifest of %s lists", len(files), len(meta), dir)
	}
	whDir := t.TempDir()
	wh, err := warehouse.Open(whDir)
	if err != nil {
		t.Fatal(err)
	}
	im := &Importer{Store: wh, Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }}
	sum, err := im.Import(context.Background(), files, meta)
	if err != nil {
		t.Fatal(err)
	}
	reports, err := warehouse.ReadReports(whDir)
	if err != nil {
		t.Fatal(err)
	}
	byFile := map[string]report.Report{}
	facts := map[string]map[template.Cell]report.Fact{}
	for _, r := range reports {
		name := filepath.Base(r.SourcePath)
		byFile[name] = r
		fs, err := warehouse.ReadFacts(whDir, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		m := map[template.Cell]report.Fact{}
		for _, f := range fs {
			if f.Row == "" {
				continue
			}
			c := template.Cell{Table: f.Table, Row: f.Row, Col: f.Col}
			if _, dup := m[c]; dup {
				t.Errorf("%s: %s read twice", name, c)
			}
			m[c] = f
		}
		facts[name] = m
	}
	return whDir, sum, byFile, facts
}

// TestCorpusTruth imports the real reports with their manifest into a warehouse and compares every figure
// in truth.csv (value, cell kind, canonical labels) with what the warehouse holds.
func TestCorpusTruth(t *testing.T) {
	dir := corpus.Dir(t)
	whDir, sum, byFile, facts := importTruthDir(t, dir)
	truth := readTruth(t, filepath.Join(dir, "truth.csv"))
	matched := 0
	perFile := map[string]int{}
	for _, tr := range truth {
		r, ok := byFile[tr.file]
		if !ok {
			t.Fatalf("%s not imported", tr.file)
		}
		tpl := template.MustGet(template.Version(r.TemplateVersion))
		c := template.Cell{Table: tr.table, Row: tr.row, Col: tr.col}
		f, ok := facts[tr.file][c]
		if !ok {
			t.Errorf("%s: %s missing (want %s %v)", tr.file, c, tr.kind, tr.value)
			continue
		}
		if string(f.Kind) != tr.kind || f.Value == nil || *f.Value != tr.value {
			got := "nil"
			if f.Value != nil {
				got = strconv.FormatFloat(*f.Value, 'f', -1, 64)
			}
			t.Errorf("%s: %s = %s %s (raw %q), want %s %v", tr.file, c, f.Kind, got, f.Raw, tr.kind, tr.value)
			continue
		}
		if v := parse.ParseValue(f.Raw, false).Clean; v != tr.raw {
			t.Errorf("%s: %s raw %q reads %q, truth prints %q", tr.file, c, f.Raw, v, tr.raw)
		}
		tb := tpl.Table(tr.table)
		if got := tb.Path(tb.Row(tr.row)); got != tr.labelRow {
			t.Errorf("%s: %s row label %q, truth %q", tr.file, c, got, tr.labelRow)
		}
		if got := tb.Col(tr.col).Label; got != tr.labelCol {
			t.Errorf("%s: %s column label %q, truth %q", tr.file, c, got, tr.labelCol)
		}
		matched++
		perFile[tr.file]++
	}
	// Nothing invented: every keyed fact must be in the truth (the truth lists every visible figure).
	inTruth := map[string]map[template.Cell]bool{}
	for _, tr := range truth {
		if inTruth[tr.file] == nil {
			inTruth[tr.file] = map[template.Cell]bool{}
		}
		inTruth[tr.file][template.Cell{Table: tr.table, Row: tr.row, Col: tr.col}] = true
	}
	for file, m := range facts {
		for c, f := range m {
			if !inTruth[file][c] {
				t.Errorf("%s: %s = %q read but not in truth (invented?)", file, c, f.Raw)
			}
		}
	}
	t.Logf("truth: %d/%d figures reproduced exactly; %d reports: %d ok, %d partial, %d failed; per file %v",
		matched, len(truth), sum.Reports, sum.OK, sum.Partial, sum.Failed, perFile)

	// The complete report passes every identity; the cut-off ones are partial.
	for name, r := range byFile {
		want := report.Partial
		if name == "fengtai_2023.txt" {
			want = report.OK
		}
		if r.Status != want {
			t.Errorf("%s: status %s, want %s (warnings %v, error %q)", name, r.Status, want, r.Warnings, r.Error)
		}
	}
	ft := byFile["fengtai_2023.txt"]
	checks, err := warehouse.ReadChecks(whDir, ft.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) < 40 {
		t.Errorf("fengtai: only %d identity checks evaluated", len(checks))
	}
	for _, c := range checks {
		if !c.Pass {
			t.Errorf("fengtai: identity %s on %s fails: %v vs %v", c.Name, c.Key, c.Actual, c.Expected)
		}
	}
	// Metadata: the manifest wins; what it leaves out comes from the document or stays unknown.
	metaWant := []struct {
		file, issuer, jurisdiction string
		year                       int
		version                    string
	}{
		{"fengtai_2023.txt", "北京市丰台区人民政府", "丰台区", 2023, "2021"},
		{"tongzhou_2019_xinfangban.txt", "北京市通州区信访办", "通州区", 2019, "2019"},
		{"dongcheng_2021_dept-traditional-mirror.txt", "", "", 2021, "2021"},
		{"haidian_unknownyear_dept-auto4522.txt", "", "", 0, "2021"},
	}
	for _, m := range metaWant {
		r := byFile[m.file]
		if r.Issuer != m.issuer || r.Jurisdiction != m.jurisdiction || r.Year != m.year || r.TemplateVersion != m.version {
			t.Errorf("%s: issuer %q jurisdiction %q year %d version %s; want %q %q %d %s",
				m.file, r.Issuer, r.Jurisdiction, r.Year, r.TemplateVersion, m.issuer, m.jurisdiction, m.year, m.version)
		}
	}
}
