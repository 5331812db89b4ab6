package analyze

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gkbench/gkbench/pipeline/analyze/fixture"
	"github.com/gkbench/gkbench/pipeline/warehouse"
)

// TestScale measures the analysis on a realistic warehouse: 16 districts × 7 years × GKBENCH_SCALE reports
// per district-year (60 is the realistic figure: the district government, departments, sub-districts).
// Skipped unless GKBENCH_SCALE is set; GKBENCH_SCALE_DIR keeps the warehouse between runs.
func TestScale(t *testing.T) {
	per, _ := strconv.Atoi(os.Getenv("GKBENCH_SCALE"))
	if per <= 0 {
		t.Skip("set GKBENCH_SCALE=60 to measure the analysis on 16 × 7 × 60 reports")
	}
	dir := os.Getenv("GKBENCH_SCALE_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	wh := filepath.Join(dir, "warehouse")
	if ids, _ := warehouse.ReadReports(wh); len(ids) == 0 {
		specs := fixture.Scale([]int{2019, 2020, 2021, 2022, 2023, 2024, 2025}, per, 1)
		w, err := warehouse.Open(wh)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		jobs := make(chan fixture.Spec)
		var wg sync.WaitGroup
		for i := 0; i < runtime.GOMAXPROCS(0)*2; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for s := range jobs {
					r, err := s.Report()
					if err == nil {
						err = w.Put(r)
					}
					if err != nil {
						t.Error(err)
					}
				}
			}()
		}
		for _, s := range specs {
			jobs <- s
		}
		close(jobs)
		wg.Wait()
		t.Logf("warehouse: %d reports written in %.1f s", len(specs), time.Since(start).Seconds())
	}
	start := time.Now()
	a, err := Build(context.Background(), Options{Warehouse: wh, DB: filepath.Join(dir, "out", "gkbench.duckdb"), Progress: testWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	built := time.Since(start)
	files, err := a.Export(context.Background(), filepath.Join(dir, "out"), testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	s, err := a.Summary(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("build %.1f s, export %.1f s (%d tables); %+v", built.Seconds(), time.Since(start).Seconds()-built.Seconds(), len(files), s)
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
