//go:build unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/gkbench/gkbench/pipeline/crawl"
	"github.com/gkbench/gkbench/pipeline/rawstore"
	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/template"
	"github.com/gkbench/gkbench/pipeline/testsite"
	"github.com/gkbench/gkbench/pipeline/warehouse"
)

// TestSignalStopsRun (#13 item 8): SIGTERM (and SIGINT) stop `crawl run` within a few seconds although a
// request is hanging, exit 1, record the run as interrupted, and leave the raw store and the warehouse
// consistent: the next run completes with every report stored once.
func TestSignalStopsRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts crawl processes")
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			srv, err := testsite.Listen("site")
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			var rows []testsite.Link
			hang := "/zwgk/gknb/202402/t20240301_9.html"
			want := map[string]bool{}
			for i, y := range []int{2019, 2020, 2021, 2022, 2023} {
				r := synth.Generate(int64(900+i), "北京市怀柔区人民政府", "怀柔区", y, template.ForYear(y), 1)
				p := fmt.Sprintf("/zwgk/gknb/%d03/t%d0310_%d.html", y+1, y+1, i)
				srv.Put("site", p, &testsite.Page{Body: synth.HTML(r, synth.Style{})})
				rows = append(rows, testsite.Link{Href: p, Text: synth.ReportTitle(r, synth.Style{})})
				want[srv.URL("site", p)] = true
			}
			hangRep := synth.Generate(999, "北京市怀柔区人民政府", "怀柔区", 2024, template.ForYear(2024), 1)
			srv.Put("site", hang, &testsite.Page{Hang: true})
			rows = append(rows, testsite.Link{Href: hang, Text: synth.ReportTitle(hangRep, synth.Style{})})
			want[srv.URL("site", hang)] = true
			srv.Put("site", "/zwgk/gknb/index.html", &testsite.Page{Body: testsite.Listing{Portal: "北京市怀柔区人民政府", Column: "年报"}.Pages(rows)[0]})
			reg := filepath.Join(t.TempDir(), "reg.yaml")
			os.WriteFile(reg, []byte(fmt.Sprintf(`version: 1
sources:
  - id: test-huairou
    issuer: 北京市怀柔区人民政府
    jurisdiction: 怀柔区
    division_code: "110116"
    level: district
    start_urls: [{url: "%s"}]
    allowed_hosts: ["%s"]
`, srv.URL("site", "/zwgk/gknb/"), srv.Addr("site"))), 0o644)
			data := filepath.Join(t.TempDir(), "data")
			args := []string{"run", "--registry", reg, "--data", data, "--quiet", "--delay", "0", "--jitter", "0", "--answer-timeout", "30s"}

			p := startCrawl(t, args...)
			deadline := time.Now().Add(10 * time.Second)
			for !hanging(srv, hang) {
				if time.Now().After(deadline) {
					t.Fatalf("the hanging page was not requested in 10 s\n%s", p.output())
				}
				time.Sleep(5 * time.Millisecond)
			}
			signalled := time.Now()
			if err := p.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			select {
			case <-p.exited:
			case <-time.After(10 * time.Second):
				t.Fatalf("%v: still running 10 s after the signal\n%s", sig, p.output())
			}
			took := time.Since(signalled)
			t.Logf("%v: exited %v after the signal", sig, took.Round(time.Millisecond))
			if took > 3*time.Second {
				t.Errorf("%v: took %v to stop, want a few seconds at most", sig, took)
			}
			if code := p.cmd.ProcessState.ExitCode(); code != exitIncomplete {
				t.Errorf("exit %d, want %d\n%s", code, exitIncomplete, p.output())
			}
			raw := filepath.Join(data, "raw")
			runs, err := rawstore.ReadRuns(raw)
			if err != nil || len(runs) != 2 || runs[1].Status != crawl.StatusInterrupted || runs[1].EndedAt == nil {
				t.Fatalf("runs after the signal: %+v %v", runs, err)
			}
			st, err := rawstore.Open(raw)
			if err != nil {
				t.Fatalf("raw store after the signal: %v", err)
			}
			st.Close()
			checkNoTemps(t, data)

			// The site recovers; the next run completes the job, nothing stored twice.
			srv.Put("site", hang, &testsite.Page{Body: synth.HTML(hangRep, synth.Style{})})
			second := startCrawl(t, args...)
			select {
			case <-second.exited:
			case <-time.After(15 * time.Second):
				t.Fatalf("the next run did not finish\n%s", second.output())
			}
			if second.err != nil {
				t.Fatalf("next run: %v\n%s", second.err, second.output())
			}
			reps, err := warehouse.ReadReports(filepath.Join(data, "warehouse"))
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]int{}
			for _, r := range reps {
				seen[r.URL]++
			}
			for u := range want {
				if seen[u] != 1 {
					t.Errorf("%s stored %d times", u, seen[u])
				}
			}
			vs, _ := rawstore.ReadVersions(raw)
			if len(vs) != len(want) {
				t.Errorf("%d versions, want %d", len(vs), len(want))
			}
		})
	}
}

// hanging says whether the page has been requested and not answered.
func hanging(srv *testsite.Server, path string) bool {
	for _, r := range srv.Log() {
		if r.Path == path && r.Status == 0 {
			return true
		}
	}
	return false
}
