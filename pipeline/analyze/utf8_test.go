package analyze

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gkbench/gkbench/pipeline/ingest"
	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/template"
	"github.com/gkbench/gkbench/pipeline/warehouse"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestNonUTF8Names (issue #13, item 1): a file named in GBK bytes, a file whose name is not text in any
// encoding, and a manifest saved in GBK are imported, and the analysis then runs on the warehouse. Before,
// one such name imported "ok" and every later analysis failed: "Invalid string encoding found in Parquet
// file … is not valid UTF8!".
func TestNonUTF8Names(t *testing.T) {
	dir := t.TempDir()
	enc := simplifiedchinese.GBK.NewEncoder()
	name := "东城区2023年度报告.txt"
	gbkName, err := enc.String(name)
	if err != nil {
		t.Fatal(err)
	}
	write := func(p string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, p), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text := func(seed int64, issuer, juris string) []byte {
		return synth.Text(synth.Generate(seed, issuer, juris, 2023, template.V2021, 1), synth.TextStyle{Form: synth.PipeCells})
	}
	write(gbkName, text(1, "北京市东城区人民政府", "东城区"))
	write("bad\xff\xfe名.txt", text(2, "北京市西城区人民政府", "西城区")) // 0xFF starts nothing in GB18030
	manifest, err := enc.String("path,url,issuer,jurisdiction,year\n" + name + ",http://a.invalid/dc,北京市东城区人民政府,东城区,2023\n")
	if err != nil {
		t.Fatal(err)
	}
	write("清单.csv", []byte(manifest))

	m, err := ingest.OpenManifest(filepath.Join(dir, "清单.csv"), ingest.ManifestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	files, meta, _ := ingest.Collect([]string{dir}, m)
	whDir := t.TempDir()
	wh, err := warehouse.Open(whDir)
	if err != nil {
		t.Fatal(err)
	}
	im := &ingest.Importer{Store: wh, Now: func() time.Time { return time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC) }}
	sum, err := im.Import(context.Background(), files, meta)
	if err != nil || sum.Reports != 2 || sum.OK != 2 || sum.StoreErrors != 0 {
		t.Fatalf("import: %v, %d reports, %d ok, %d store errors", err, sum.Reports, sum.OK, sum.StoreErrors)
	}

	a, err := Build(context.Background(), Options{Warehouse: whDir})
	if err != nil {
		t.Fatalf("analysis of a warehouse holding non-UTF-8 names: %v", err)
	}
	defer a.Close()
	rows, err := a.DB().Query(`SELECT issuer, source_path, array_to_string(warnings, '|') FROM report_base ORDER BY issuer`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var issuer, path, warnings string
		if err := rows.Scan(&issuer, &path, &warnings); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(warnings, "文件名") {
			t.Errorf("%s: no warning about the file name: %q", issuer, warnings)
		}
		got[issuer] = filepath.Base(path)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if got["北京市东城区人民政府"] != name || got["北京市西城区人民政府"] != "bad\uFFFD名.txt" {
		t.Errorf("stored names %q", got)
	}
	var held float64
	if err := a.DB().QueryRow(`SELECT count(*) FROM metric_values WHERE metric_key = 'unable_not_held_rate' AND value IS NOT NULL`).Scan(&held); err != nil || held != 2 {
		t.Errorf("不掌握率 computed for %v reports (%v), want 2", held, err)
	}
}
