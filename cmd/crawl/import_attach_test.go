package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/template"
	"github.com/gkbench/gkbench/pipeline/warehouse"
)

// TestImportMixedFolder imports a folder mixing an HTML page, a flattened text copy, a PDF, a DOCX, a scan
// and a truncated PDF in one batch: four reports read, the scan counted as needing OCR, the broken file
// failed with its reason, and every PDF figure with its page.
func TestImportMixedFolder(t *testing.T) {
	dir := t.TempDir()
	r := synth.Generate(21, "示例市长宁区人民政府", "长宁区", 2023, template.V2021, 1)
	files := map[string][]byte{
		"page.html": synth.HTML(r, synth.Style{}),
		"copy.txt":  synth.Text(r, synth.TextStyle{}),
	}
	for _, f := range []string{"lo-2021.pdf", "lo-2021.docx", "image-only.pdf", "truncated.pdf"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "pipeline", "ingest", "testdata", "attachments", f))
		if err != nil {
			t.Fatal(err)
		}
		files[f] = b
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wh := filepath.Join(t.TempDir(), "wh")
	var out, errb bytes.Buffer
	if code := run([]string{"import", "--quiet", "--warehouse", wh, dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	o := out.String()
	for _, want := range []string{
		"共 6 份报告 — 完整 4,部分 0,失败 1,需要 OCR 1;",
		"image-only.pdf: PDF 没有文字层(共 2 页,可能是扫描件或图片),需要 OCR 才能读取",
		"truncated.pdf: 读取 PDF 失败: extract: PDF 文件已损坏或不完整,无法读取",
	} {
		if !strings.Contains(o, want) {
			t.Errorf("summary lacks %q:\n%s", want, o)
		}
	}
	reports, err := warehouse.ReadReports(wh)
	if err != nil {
		t.Fatal(err)
	}
	formats := map[string]string{}
	for _, rep := range reports {
		formats[filepath.Base(rep.SourcePath)] = rep.Format + "/" + string(rep.Status)
		if rep.Format != "pdf" || rep.Status != "ok" {
			continue
		}
		facts, err := warehouse.ReadFacts(wh, rep.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range facts {
			if f.Page < 1 || len(f.BBox) != 4 {
				t.Fatalf("%s: fact %s.%s.%s without page/bbox", rep.SourcePath, f.Table, f.Row, f.Col)
			}
		}
	}
	want := map[string]string{"page.html": "html/ok", "copy.txt": "text/ok", "lo-2021.pdf": "pdf/ok",
		"lo-2021.docx": "docx/ok", "image-only.pdf": "pdf/needs_ocr", "truncated.pdf": "pdf/failed"}
	for f, w := range want {
		if formats[f] != w {
			t.Errorf("%s: %s, want %s", f, formats[f], w)
		}
	}
}
