package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gkbench/gkbench/pipeline/crawl"
	"github.com/gkbench/gkbench/pipeline/fetch"
	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/template"
	"github.com/gkbench/gkbench/pipeline/testsite"
)

// TestRunCommand drives `crawl run` against a loopback portal.
func TestRunCommand(t *testing.T) {
	srv, err := testsite.Listen("portal")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var rows []testsite.Link
	for i, y := range []int{2022, 2023} {
		r := synth.Generate(int64(i), "北京市平谷区人民政府", "", y, template.ForYear(y), 1)
		p := fmt.Sprintf("/zwgk/gknb/t%d0301_%d.html", y+1, i)
		srv.Put("portal", p, &testsite.Page{Body: synth.HTML(r, synth.Style{})})
		rows = append(rows, testsite.Link{Href: p, Text: synth.ReportTitle(r, synth.Style{})})
	}
	l := testsite.Listing{Portal: "北京市平谷区人民政府", Column: "政府信息公开年报"}
	srv.Put("portal", "/zwgk/gknb/index.html", &testsite.Page{Body: l.Pages(rows)[0]})
	// A column without any report link (the portal moved its reports elsewhere).
	srv.Put("portal", "/zwgk/old/index.html", &testsite.Page{Body: l.Pages([]testsite.Link{{Href: "/zwgk/tzgg/1.html", Text: "通知公告"}})[0]})

	tmp := t.TempDir()
	reg := filepath.Join(tmp, "reg.yaml")
	os.WriteFile(reg, []byte(fmt.Sprintf(`version: 1
sources:
  - id: test-pinggu
    issuer: 北京市平谷区人民政府
    jurisdiction: 平谷区
    division_code: "110117"
    level: district
    start_urls:
      - url: %s
    allowed_hosts: ["%s"]
`, srv.URL("portal", "/zwgk/gknb/"), srv.Addr("portal"))), 0o644)
	empty := filepath.Join(tmp, "empty.yaml")
	os.WriteFile(empty, []byte(fmt.Sprintf(`version: 1
sources:
  - id: test-pinggu-old
    issuer: 北京市平谷区人民政府
    jurisdiction: 平谷区
    division_code: "110117"
    level: district
    start_urls:
      - url: %s
    allowed_hosts: ["%s"]
`, srv.URL("portal", "/zwgk/old/"), srv.Addr("portal"))), 0o644)
	bad := filepath.Join(tmp, "bad.yaml")
	os.WriteFile(bad, []byte("version: 1\nsources:\n  - id: x\n    level: city\n"), 0o644)
	data := filepath.Join(tmp, "data")
	fast := []string{"--data", data, "--delay", "0", "--jitter", "0", "--timeout", "2s", "--quiet"}

	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"first run", append([]string{"run", "--registry", reg, "--contact", "https://example.org/gk"}, fast...), 0, "新增 2", ""},
		{"second run", append([]string{"run", "--registry", reg}, fast...), 0, "未变 2", ""},
		{"no report link", append([]string{"run", "--registry", empty}, fast...), 0, "列表页未找到年度报告链接:读取列表页 1 个:" + srv.URL("portal", "/zwgk/old/") + "(链接", ""},
		{"no report link, strict", append([]string{"run", "--registry", empty, "--strict"}, fast...), 3, "× test-pinggu-old: 列表页未找到年度报告链接", ""},
		{"non-ASCII User-Agent", []string{"run", "--registry", reg, "--user-agent", "爬虫/1.0"}, 2, "", "非 ASCII"},
		{"check", []string{"run", "--registry", reg, "--check"}, 0, "1 个来源,校验通过", ""},
		{"shipped registry check", []string{"run", "--check"}, 0, "16 个来源,校验通过", ""},
		{"invalid registry", []string{"run", "--registry", bad}, 2, "", `bad.yaml:4: 来源 x: level "city" 无效`},
		{"every and cron", []string{"run", "--every", "1h", "--cron", "0 2 * * *"}, 2, "", "只能给出一个"},
		{"bad cron", []string{"run", "--cron", "61 * * * *"}, 2, "", "--cron"},
		{"help", []string{"run", "--help"}, 0, "一个始终无响应的来源最多使一次运行延长约 18s", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tc.args, &out, &errb)
			if code != tc.code || !strings.Contains(out.String(), tc.stdout) || !strings.Contains(errb.String(), tc.stderr) {
				t.Errorf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", code, tc.code, out.String(), errb.String())
			}
		})
	}

	for _, r := range srv.Log() {
		if r.UserAgent != "gkbench/"+fetch.Version+" (+https://example.org/gk)" && r.UserAgent != "gkbench/"+fetch.Version+" (+"+fetch.DefaultContact+")" {
			t.Errorf("%s sent with User-Agent %q", r.Path, r.UserAgent)
		}
	}

	// A second crawl on a locked data directory exits 1 without requesting anything.
	unlock, err := crawl.Lock(data)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	srv.ClearLog()
	var out, errb bytes.Buffer
	if code := run(append([]string{"run", "--registry", reg}, fast...), &out, &errb); code != 1 || !strings.Contains(errb.String(), "另一个抓取进程") {
		t.Errorf("locked: exit %d, stderr %s", code, errb.String())
	}
	if n := len(srv.Log()); n != 0 {
		t.Errorf("locked run made %d requests", n)
	}
}
