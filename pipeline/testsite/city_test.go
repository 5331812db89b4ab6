package testsite

import (
	"bytes"
	"flag"
	"github.com/gkbench/gkbench/internal/corpus"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/template"
)

var update = flag.Bool("update", false, "rewrite the bundled sample city under data/sample-city")

// RealFengtai is the real 丰台区 2023 report from the corpus truth.
func realFengtai(t *testing.T) *synth.Report {
	r, err := synth.FromTruth(corpus.Truth(t), "fengtai_2023.txt", "北京市丰台区人民政府", "丰台区")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestBundledCity keeps data/sample-city equal to what the generator makes (run with -update to rewrite).
func TestBundledCity(t *testing.T) {
	city := SampleCity(realFengtai(t))
	dir := filepath.Join("..", "..", "data", "sample-city")
	if *update {
		if err := city.WriteDir(dir); err != nil {
			t.Fatal(err)
		}
	}
	want := city.DirFiles()
	var got []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "README.md" {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		got = append(got, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatalf("%v (run: go test ./pipeline/testsite -run TestBundledCity -update)", err)
	}
	sort.Strings(got)
	if len(got) != len(want) {
		t.Errorf("data/sample-city holds %d files, the generator makes %d (run with -update)", len(got), len(want))
	}
	for _, name := range got {
		body, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(body, want[name]) {
			t.Errorf("data/sample-city/%s differs from the generator (run with -update)", name)
		}
	}
}

func TestSampleCityShape(t *testing.T) {
	city := SampleCity(realFengtai(t))
	if len(city.Districts) != 16 {
		t.Fatalf("%d districts", len(city.Districts))
	}
	// 16 districts × 7 years, one year missing, plus the real report.
	if n := len(city.Reports); n != 16*7-1+1 {
		t.Errorf("%d reports", n)
	}
	if len(city.Missing) != 1 || city.Edit.Body == nil {
		t.Errorf("missing %v, edit %v", city.Missing, city.Edit.Path)
	}
	broken, real := 0, 0
	for _, r := range city.Reports {
		if r.Broken {
			broken++
		}
		if r.Real {
			real++
			if v, _ := r.Report.Number(cellUnableNotHeld); v != 1305 {
				t.Errorf("real report 不掌握 = %v", v)
			}
		}
	}
	if broken != len(BrokenReports) || real != 1 {
		t.Errorf("broken %d, real %d", broken, real)
	}
	if !strings.Contains(city.Registry, "{{addr donghu}}") || strings.Count(city.Registry, "- id:") != 17 {
		t.Errorf("registry:\n%s", city.Registry)
	}
}

var cellUnableNotHeld = template.Cell{Table: "applications", Row: "unable_not_held", Col: "total"}
