package analyze

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gkbench/gkbench/pipeline/analyze/fixture"
	"github.com/gkbench/gkbench/pipeline/metrics"
)

// TestBuildFileAndExport writes the DuckDB file, reopens it read-only, exports every output and reads the
// files back (Parquet through DuckDB and pipeline/metrics, CSV as Excel would).
func TestBuildFileAndExport(t *testing.T) {
	dir := t.TempDir()
	wh := filepath.Join(dir, "warehouse")
	if _, err := fixture.Put(wh, append(rankingFixture(), dongcheng()...)...); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "out", "gkbench.duckdb")
	// An old file is replaced only by a successful build.
	if err := os.MkdirAll(filepath.Dir(db), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(context.Background(), Options{Warehouse: filepath.Join(dir, "empty"), DB: db}); err == nil {
		t.Fatal("empty warehouse built")
	}
	if b, _ := os.ReadFile(db); string(b) != "old" {
		t.Fatal("a failed build touched the existing database")
	}
	a, err := Build(context.Background(), Options{Warehouse: wh, DB: db})
	if err != nil {
		t.Fatal(err)
	}
	if a.Path() != db {
		t.Errorf("path %q", a.Path())
	}
	out := filepath.Join(dir, "out")
	var progress bytes.Buffer
	files, err := a.Export(context.Background(), out, &progress)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	if len(files) != len(metrics.Outputs) {
		t.Fatalf("exported %d tables, want %d", len(files), len(metrics.Outputs))
	}
	if _, err := os.Stat(db + ".building"); err == nil {
		t.Error("temporary database left behind")
	}

	r, err := Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.DB().Exec(`CREATE TABLE x (a INT)`); err == nil {
		t.Error("Open is not read-only")
	}
	for _, f := range files {
		// Parquet: same rows as the table.
		if n := count(t, r, `SELECT count(*) FROM read_parquet(?)`, f.Parquet); int64(n) != f.Rows {
			t.Errorf("%s: %d parquet rows, table has %d", f.Table, n, f.Rows)
		}
		// CSV: BOM, header = table columns, same rows, lists joined by ";".
		b, err := os.ReadFile(f.CSV)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("\ufeff")) {
			t.Errorf("%s.csv has no BOM", f.Table)
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
		if err != nil {
			t.Fatalf("%s.csv: %v", f.Table, err)
		}
		if int64(len(recs)-1) != f.Rows {
			t.Errorf("%s.csv has %d rows, want %d", f.Table, len(recs)-1, f.Rows)
		}
		cols, err := r.columns(context.Background(), f.Table)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs[0]) != len(cols) || recs[0][0] != cols[0].name {
			t.Errorf("%s.csv header %v", f.Table, recs[0])
		}
		// The documented columns exist.
		for _, o := range metrics.Outputs {
			if o.Name != f.Table {
				continue
			}
			for _, c := range strings.Split(o.Columns, ", ") {
				c = strings.TrimSuffix(c, "[]")
				found := false
				for _, x := range cols {
					found = found || x.name == c
				}
				if !found {
					t.Errorf("%s: documented column %s missing", f.Table, c)
				}
			}
			if len(strings.Split(o.Columns, ", ")) != len(cols) {
				t.Errorf("%s: %d columns documented, table has %d", f.Table, len(strings.Split(o.Columns, ", ")), len(cols))
			}
		}
	}
	// The Go readers of pipeline/metrics (for charts, without DuckDB) read the same rows and values.
	rows := map[string]int64{}
	for _, f := range files {
		rows[f.Table] = f.Rows
	}
	vals, err := metrics.ReadValues(out)
	if err != nil || int64(len(vals)) != rows["metric_values"] {
		t.Fatalf("ReadValues: %d rows, %v", len(vals), err)
	}
	ranks, err := metrics.ReadRankings(out)
	if err != nil || int64(len(ranks)) != rows["rankings"] {
		t.Fatalf("ReadRankings: %d rows, %v", len(ranks), err)
	}
	stats, err := metrics.ReadPeerStats(out)
	if err != nil || int64(len(stats)) != rows["peer_stats"] {
		t.Fatalf("ReadPeerStats: %d rows, %v", len(stats), err)
	}
	trends, err := metrics.ReadTrends(out)
	if err != nil || int64(len(trends)) != rows["trends"] {
		t.Fatalf("ReadTrends: %d rows, %v", len(trends), err)
	}
	found := 0
	for _, r := range ranks {
		if r.Year == 2022 && r.MetricKey == "unable_not_held_rate" && r.EntityName == "北京市西城区人民政府" {
			found++
			if r.Rank == nil || *r.Rank != 4 || r.RankedCount != 4 || r.PeerCount != 5 || r.UnreliableCount != 1 ||
				r.Position != 4 || !r.Ranked || r.Percentile == nil || *r.Percentile != 0 || !near(r.P50, 0.15) ||
				r.Numerator == nil || *r.Numerator != 30 || !r.Reliable || r.Level != "district_government" {
				t.Errorf("ranking read back: %+v", r)
			}
		}
	}
	for _, v := range vals {
		if v.Year != nil && *v.Year == 2022 && v.MetricKey == "unable_not_held_rate" && v.EntityName == "北京市石景山区人民政府" {
			found++
			if v.Value != nil || v.Denominator == nil || *v.Denominator != 100 || len(v.Flags) != 1 || v.Flags[0] != "missing_input" ||
				len(v.MissingCells) != 1 || v.Name != "不掌握率" {
				t.Errorf("value read back: %+v", v)
			}
		}
	}
	for _, tr := range trends {
		if tr.EntityName == "北京市东城区人民政府" && tr.MetricKey == "new_received" && tr.Year == 2021 {
			found++
			if tr.PrevYear == nil || *tr.PrevYear != 2020 || tr.Ratio == nil || *tr.Ratio != 6 || len(tr.Flags) != 2 {
				t.Errorf("trend read back: %+v", tr)
			}
		}
	}
	if found != 3 {
		t.Errorf("found %d of the 3 rows checked", found)
	}
	// A Chinese cell and a joined list survive the CSV round trip.
	b, _ := os.ReadFile(filepath.Join(out, "trends.csv"))
	if !strings.Contains(string(b), "北京市东城区人民政府") || !strings.Contains(string(b), "version_change;jump_up") {
		t.Error("trends.csv lacks Chinese names or joined flags")
	}
	if !strings.Contains(progress.String(), "metric_values") {
		t.Errorf("no progress output: %q", progress.String())
	}
	// No temp files remain.
	ents, _ := os.ReadDir(out)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temp file %s left", e.Name())
		}
	}
}
