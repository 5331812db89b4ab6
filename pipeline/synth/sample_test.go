package synth

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the bundled sample under data/sample")

// TestBundledSample keeps data/sample equal to what the generator makes: run with -update after changing
// the generator or the sample's list.
func TestBundledSample(t *testing.T) {
	dir := filepath.Join("..", "..", "data", "sample")
	docs := Sample()
	files := map[string][]byte{"manifest.csv": SampleManifest(docs)}
	for _, d := range docs {
		files[filepath.Join("reports", d.Name)] = d.Data
	}
	if *update {
		if err := os.RemoveAll(filepath.Join(dir, "reports")); err != nil {
			t.Fatal(err)
		}
		for name, data := range files {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%v (run: go test ./pipeline/synth -run TestBundledSample -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("data/sample/%s differs from the generator (run with -update)", name)
		}
	}
	entries, err := os.ReadDir(filepath.Join(dir, "reports"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(docs) {
		t.Errorf("data/sample/reports holds %d files, the generator makes %d", len(entries), len(docs))
	}
}
