//go:build unix

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/template"
)

// TestImportHostileFolder (issue #13, items 8, 9 and 11) runs `crawl import` on a folder a careless
// operator could hand it: a FIFO, a file whose name carries terminal escapes, a link to a folder given
// without a trailing slash, and a manifest with a missing file, a NUL, a path outside its folder and two
// rows in conflict. The import finishes, imports the good reports, lists every failure with its reason and
// never prints a raw control character.
func TestImportHostileFolder(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "in")
	report := func(seed int64, issuer string) []byte {
		return synth.Text(synth.Generate(seed, issuer, "", 2023, template.V2021, 1), synth.TextStyle{Form: synth.PipeCells})
	}
	write := func(p string, b []byte) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "东城区.txt"), report(1, "北京市东城区人民政府"))
	write(filepath.Join(dir, "evil\x1b]0;owned\x07\x1b[2J.txt"), report(2, "北京市西城区人民政府"))
	write(filepath.Join(dir, "twice.txt"), report(3, "北京市朝阳区人民政府"))
	write(filepath.Join(root, "passwd"), []byte("root:x:0:0:root:/root:/bin/bash\n"))
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(dir, "manifest.csv"), []byte("path,url,issuer,jurisdiction,year\n"+
		"东城区.txt,,北京市东城区人民政府,,2023\n"+
		"missing.txt,,,,\n"+
		"nul\x00.txt,,,,\n"+
		"../passwd,,,,\n"+
		"twice.txt,,北京市朝阳区人民政府,,2023\n"+
		"twice.txt,,北京市朝阳区人民政府,,2022\n"))
	link := filepath.Join(root, "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	wh := filepath.Join(root, "wh")

	// The folder through a link without a trailing slash, with the manifest's metadata.
	var out, errOut bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run([]string{"import", "--warehouse", wh, "--manifest", filepath.Join(dir, "manifest.csv"), link}, &out, &errOut)
	}()
	var code int
	select {
	case code = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("crawl import blocked (on the FIFO?)")
	}
	all := out.String() + errOut.String()
	t.Logf("exit %d\n%s", code, all)
	if code != 0 {
		t.Errorf("exit %d, want 0: good reports were imported", code)
	}
	if strings.ContainsAny(all, "\x1b\x07\x00") {
		t.Errorf("raw control characters printed: %q", all)
	}
	for _, want := range []string{
		"共 3 份报告 — 完整 2,部分 0,失败 1", // 东城区 and evil ok; twice in conflict; the FIFO skipped
		`evil\x1b]0;owned\x07\x1b[2J.txt`,
		"跳过 " + filepath.Join(link, "pipe.txt") + ":命名管道(FIFO),不是普通文件",
		"清单第 6 行与第 7 行指向同一文件,但 year 不同(「2023」/「2022」)",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("output lacks %q", want)
		}
	}

	// Only the manifest: its bad rows fail one by one; the file outside is not read.
	out.Reset()
	errOut.Reset()
	code = run([]string{"import", "--warehouse", wh, "--quiet", "--manifest", filepath.Join(dir, "manifest.csv")}, &out, &errOut)
	all = out.String() + errOut.String()
	if code != 0 {
		t.Errorf("manifest only: exit %d\n%s", code, all)
	}
	for _, want := range []string{"文件不存在", `第 4 行的路径含有 NUL 字符`, "第 5 行的路径 ../passwd 在清单所在文件夹之外,未读取(确需导入请加 --allow-outside)"} {
		if !strings.Contains(all, want) {
			t.Errorf("manifest only: output lacks %q\n%s", want, all)
		}
	}
	if strings.Contains(all, "root:x:0") {
		t.Errorf("the file outside was read")
	}
}
