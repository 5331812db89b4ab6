// Package corpus finds the shared corpus of real reports for tests: GKBENCH_CORPUS, or ../shared/corpus
// beside the repository. Users' machines may not have it (tests then skip, saying so); CI always does, so
// with CI set a missing corpus fails the test.
package corpus

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Dir returns the corpus folder, or skips (fails under CI) when it holds no truth.csv.
func Dir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("GKBENCH_CORPUS")
	if dir == "" {
		_, file, _, _ := runtime.Caller(0)
		// internal/corpus/corpus.go → the repository's parent holds shared/.
		dir = filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "corpus")
	}
	if _, err := os.Stat(filepath.Join(dir, "truth.csv")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("corpus not found at %s (CI must have it): %v", dir, err)
		}
		t.Skipf("corpus not found at %s: set GKBENCH_CORPUS to run this test", dir)
	}
	return dir
}

// Truth returns the contents of the corpus's truth.csv.
func Truth(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Dir(t), "truth.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Attachments returns the folder of real PDF and Word attachments (huaian_2024.pdf with its truth.csv, the
// blank 2021 template): GKBENCH_ATTACHMENTS, or corpus-attachments beside the corpus folder. It skips (fails
// under CI) like Dir when the folder holds no truth.csv.
func Attachments(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("GKBENCH_ATTACHMENTS")
	if dir == "" {
		base := os.Getenv("GKBENCH_CORPUS")
		if base == "" {
			_, file, _, _ := runtime.Caller(0)
			base = filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "corpus")
		}
		dir = filepath.Join(filepath.Dir(filepath.Clean(base)), "corpus-attachments")
	}
	if _, err := os.Stat(filepath.Join(dir, "truth.csv")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("corpus attachments not found at %s (CI must have them): %v", dir, err)
		}
		t.Skipf("corpus attachments not found at %s: set GKBENCH_ATTACHMENTS to run this test", dir)
	}
	return dir
}
