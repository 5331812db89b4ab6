package ingest

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gkbench/gkbench/pipeline/report"
)

// TestSpecialFiles: a FIFO in an imported folder is skipped with a warning (opening it would block the
// import forever); a FIFO or a device named by the manifest or reached through a link fails its own
// report without being opened.
func TestSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "good.txt"), reportText(1, "北京市东城区人民政府"))
	fifo := filepath.Join(dir, "pipe.html")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/null", filepath.Join(dir, "null.html")); err != nil {
		t.Fatal(err)
	}
	w := Walk([]string{dir, fifo})
	if len(w.Files) != 2 || filepath.Base(w.Files[0]) != "good.txt" || filepath.Base(w.Files[1]) != "null.html" {
		t.Errorf("files %q, want good.txt and null.html", w.Files)
	}
	if len(w.Warnings) != 2 || !strings.Contains(w.Warnings[0], "命名管道(FIFO)") {
		t.Errorf("warnings %q, want the FIFO skipped twice (in the folder, and named)", w.Warnings)
	}
	writeFile(t, filepath.Join(dir, "manifest.csv"), []byte("path,url,issuer,jurisdiction,year\ngood.txt,,,,\npipe.html,,,,\nnull.html,,,,\n"))
	// Allowed outside, so that the link to /dev/null is not refused for where it points, but for what it is.
	m, err := OpenManifest(filepath.Join(dir, "manifest.csv"), ManifestOptions{AllowOutside: true})
	if err != nil {
		t.Fatal(err)
	}
	files, meta, _ := Collect(nil, m)
	sum, _ := importAll(t, files, meta) // fails the test if it blocks
	got := byPath(sum.Results)
	if r := got["pipe.html"]; r == nil || r.Status != report.Failed || !strings.Contains(r.Error, "命名管道") {
		t.Errorf("pipe.html: %+v", r)
	}
	if r := got["null.html"]; r == nil || r.Status != report.Failed || !strings.Contains(r.Error, "设备文件") {
		t.Errorf("null.html: %+v", r)
	}
	if r := got["good.txt"]; r == nil || r.Status != report.OK {
		t.Errorf("good.txt: %+v", r)
	}
}

// childResult is what TestParseChild reports to its parent.
type childResult struct {
	Status   report.Status
	Facts    int
	Error    string
	Warnings []string
	Millis   int64
}

// TestParseChild parses one file and prints the result; TestHugeLine runs it in a process of its own so
// that the peak RSS it measures is the parse's. Without GKBENCH_PARSE_CHILD it has nothing to do.
func TestParseChild(t *testing.T) {
	p := os.Getenv("GKBENCH_PARSE_CHILD")
	if p == "" {
		return
	}
	start := time.Now()
	data, err := readSource(Source{Path: p})
	if err != nil {
		t.Fatal(err)
	}
	r := Parse(Source{Path: p}, data, testNow)
	out, _ := json.Marshal(childResult{r.Status, len(r.Facts), r.Error, r.Warnings, time.Since(start).Milliseconds()})
	os.Stdout.Write(append([]byte("RESULT "), append(out, '\n')...))
}

// runChild parses path in a child process and returns its result and peak RSS in bytes.
func runChild(t *testing.T, path string) (childResult, int64) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestParseChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "GKBENCH_PARSE_CHILD="+path)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\n%s", err, out.String())
	}
	var res childResult
	for _, line := range strings.Split(out.String(), "\n") {
		if s, ok := strings.CutPrefix(line, "RESULT "); ok {
			if err := json.Unmarshal([]byte(s), &res); err != nil {
				t.Fatal(err)
			}
		}
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		t.Fatal("no rusage")
	}
	return res, maxRSSBytes(ru)
}

// maxRSSBytes: Linux counts ru_maxrss in KiB.
func maxRSSBytes(ru *syscall.Rusage) int64 { return ru.Maxrss << 10 }

// TestHugeLine (issue #13, item 5): a 31 MB file on one line — flattened cells, or prose — parses in
// bounded memory and time. Before, metadata converted the whole line to Simplified script: 2.9 GB and 56 s.
func TestHugeLine(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and parses 31 MB files")
	}
	const size = 31 << 20
	dir := t.TempDir()
	one := strings.NewReplacer("\r\n", " ", "\n", " ").Replace(string(reportText(11, "北京市東城區人民政府")))
	prose := "本機關認真貫徹落實《中華人民共和國政府信息公開條例》,2023年度政府信息公開工作穩步推進,主動公開政府信息。"
	small := filepath.Join(dir, "small.txt")
	writeFile(t, small, reportText(12, "北京市东城区人民政府"))
	_, baseRSS := runChild(t, small)
	for _, c := range []struct{ name, unit string }{{"cells", one}, {"prose", prose}} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, c.name+".txt")
			writeFile(t, p, []byte(strings.Repeat(c.unit, size/len(c.unit)+1)[:size]))
			res, rss := runChild(t, p)
			t.Logf("%d MB one-line %s: %s, %d facts, %d ms, peak RSS %d MB (a small report: %d MB); %s %q",
				size>>20, c.name, res.Status, res.Facts, res.Millis, rss>>20, baseRSS>>20, res.Error, res.Warnings)
			if rss > 10*size {
				t.Errorf("peak RSS %d MB, more than 10× the %d MB file", rss>>20, size>>20)
			}
			if res.Millis > 30_000 {
				t.Errorf("took %d ms", res.Millis)
			}
			if res.Status == report.OK {
				t.Errorf("a 31 MB line stored as ok: %+v", res)
			}
		})
	}
}
