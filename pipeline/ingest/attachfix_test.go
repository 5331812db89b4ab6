package ingest

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gkbench/gkbench/internal/corpus"
	"github.com/gkbench/gkbench/pipeline/extract"
	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/template"
)

// Attachment fixtures, made the way publishers make them: the official blank 2021 DOCX filled in with known
// figures (synth.FillDOCX) and exported by LibreOffice to PDF and DOC, and the project's HTML pages printed
// to PDF by headless Chromium. The small results are committed under testdata/attachments/ (see its
// README); `go test ./pipeline/ingest -run TestAttachmentFixtures -update-attachments` makes them again
// (needs soffice, chromium and pdftoppm). Every fixture must give the figures of its HTML twin (the same
// synth report as an HTML page, through the HTML path), cell for cell, including cell kinds.

var updateAttachments = flag.Bool("update-attachments", false, "regenerate testdata/attachments with LibreOffice and Chromium")

const attachDir = "testdata/attachments"

type attachFixture struct {
	file    string
	seed    int64
	version template.Version
	style   synth.Style
	css     string // extra CSS for the Chromium print
	make    string // how it is made: "docx", "lo-pdf", "lo-doc", "chromium"
	// what the fixture must give: figures (the twin's) or a status and message
	status report.Status
	err    string
}

// An unruled table as Word prints one whose borders were removed: no lines, the cells' margins kept.
const unruledCSS = "table,td,th{border:none !important} td,th{padding:3px 7px !important}"

func attachFixtures() []attachFixture {
	return []attachFixture{
		{file: "lo-2021.docx", seed: 11, make: "docx", status: report.OK},
		{file: "lo-2021.pdf", seed: 11, make: "lo-pdf", status: report.OK},
		{file: "lo-2021.doc", seed: 11, make: "lo-doc", status: report.OK},
		{file: "chromium-ruled.pdf", seed: 12, make: "chromium", status: report.OK},
		{file: "chromium-unruled.pdf", seed: 13, make: "chromium", css: unruledCSS, status: report.OK},
		{file: "chromium-2019.pdf", seed: 14, version: template.V2019, make: "chromium", status: report.OK},
		{file: "chromium-subtotal-wrapped.pdf", seed: 15, style: synth.Style{Subtotal: true, BrInLabels: true},
			css: "body{width:150mm} td{font-size:15px}", make: "chromium", status: report.OK},
		{file: "image-only.pdf", make: "image", status: report.NeedsOCR, err: "PDF 没有文字层(共 2 页,可能是扫描件或图片),需要 OCR 才能读取"},
		{file: "encrypted.pdf", seed: 11, make: "lo-encrypted", status: report.Failed, err: "读取 PDF 失败: extract: PDF 已加密(需要密码),无法读取"},
		{file: "truncated.pdf", make: "truncated", status: report.Failed, err: "读取 PDF 失败: extract: PDF 文件已损坏或不完整,无法读取"},
	}
}

func (f attachFixture) report() *synth.Report {
	v := f.version
	if v == "" {
		v = template.V2021
	}
	year := 2023
	if v == template.V2019 {
		year = 2020
	}
	return synth.Generate(f.seed, "示例市长宁区人民政府", "长宁区", year, v, 1)
}

// twin parses the fixture's report as an HTML page.
func (f attachFixture) twin(t *testing.T) *report.Report {
	r := Parse(Source{Path: "twin.html"}, synth.HTML(f.report(), f.style), time.Unix(0, 0))
	if r.Status != report.OK {
		t.Fatalf("%s: HTML twin status %s: %s %v", f.file, r.Status, r.Error, r.Warnings)
	}
	return r
}

func TestAttachmentFixtures(t *testing.T) {
	if *updateAttachments {
		makeAttachments(t)
	}
	for _, f := range attachFixtures() {
		t.Run(f.file, func(t *testing.T) {
			if f.make == "lo-doc" && extract.Soffice() == "" {
				if os.Getenv("CI") != "" {
					t.Fatal("LibreOffice (soffice) not on the PATH: .ci/run must install libreoffice-writer-nogui")
				}
				t.Skip("needs LibreOffice (soffice) to read DOC")
			}
			b, err := os.ReadFile(filepath.Join(attachDir, f.file))
			if err != nil {
				t.Fatal(err)
			}
			r := Parse(Source{Path: f.file}, b, time.Unix(0, 0))
			if r.Status != f.status || !strings.HasPrefix(r.Error, f.err) {
				t.Fatalf("status %s error %q, want %s %q (warnings %v)", r.Status, r.Error, f.status, f.err, r.Warnings)
			}
			if f.status != report.OK {
				if len(r.Facts) != 0 {
					t.Errorf("%d facts from a document that cannot be read", len(r.Facts))
				}
				return
			}
			wantFormat := strings.TrimPrefix(filepath.Ext(f.file), ".")
			if r.Format != wantFormat || r.Issuer != "示例市长宁区人民政府" {
				t.Errorf("format %q issuer %q", r.Format, r.Issuer)
			}
			sameFacts(t, f.twin(t), r)
			for _, fc := range r.Facts {
				if (fc.Page > 0) != (wantFormat == "pdf") || (len(fc.BBox) == 4) != (wantFormat == "pdf") {
					t.Fatalf("%s.%s.%s: page %d bbox %v for a %s", fc.Table, fc.Row, fc.Col, fc.Page, fc.BBox, wantFormat)
				}
			}
		})
	}
}

// TestLegacyWithoutLibreOffice: where LibreOffice is missing, a DOC or WPS report fails with exactly that
// reason, never a guess.
func TestLegacyWithoutLibreOffice(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(attachDir, "lo-2021.doc"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	for _, name := range []string{"report.doc", "report.wps"} {
		r := Parse(Source{Path: name}, b, time.Unix(0, 0))
		if r.Status != report.Failed || r.Error != "需要 LibreOffice 才能读取 DOC/WPS 文件" || r.Format != strings.TrimPrefix(filepath.Ext(name), ".") {
			t.Errorf("%s: status %s format %s error %q", name, r.Status, r.Format, r.Error)
		}
	}
}

// TestWPSThroughLibreOffice: a WPS Writer file (an OLE Word binary under the .wps name) is converted by
// LibreOffice and gives its HTML twin's figures.
func TestWPSThroughLibreOffice(t *testing.T) {
	if extract.Soffice() == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("LibreOffice (soffice) not on the PATH")
		}
		t.Skip("needs LibreOffice")
	}
	b, err := os.ReadFile(filepath.Join(attachDir, "lo-2021.doc"))
	if err != nil {
		t.Fatal(err)
	}
	r := Parse(Source{Path: "http://x.gov.cn/gknb/2023.wps"}, b, time.Unix(0, 0))
	if r.Status != report.OK || r.Format != "wps" {
		t.Fatalf("status %s format %s: %s %v", r.Status, r.Format, r.Error, r.Warnings)
	}
	sameFacts(t, attachFixture{seed: 11, file: "lo-2021.wps"}.twin(t), r)
}

// sameFacts compares two reports' keyed facts: the same cells, values and kinds.
func sameFacts(t *testing.T, want, got *report.Report) {
	t.Helper()
	key := func(f report.Fact) string {
		v := "nil"
		if f.Value != nil {
			v = strconv.FormatFloat(*f.Value, 'f', -1, 64)
		}
		return fmt.Sprintf("%s.%s.%s=%s:%s", f.Table, f.Row, f.Col, f.Kind, v)
	}
	set := func(r *report.Report) []string {
		var out []string
		for _, f := range r.Facts {
			if f.Row != "" {
				out = append(out, key(f))
			}
		}
		sort.Strings(out)
		return out
	}
	w, g := set(want), set(got)
	if strings.Join(w, "\n") == strings.Join(g, "\n") {
		if len(w) < 100 {
			t.Errorf("only %d figures", len(w))
		}
		return
	}
	gm := map[string]bool{}
	for _, k := range g {
		gm[k] = true
	}
	wm := map[string]bool{}
	n := 0
	for _, k := range w {
		wm[k] = true
		if !gm[k] && n < 10 {
			t.Errorf("missing or different: %s", k)
			n++
		}
	}
	for _, k := range g {
		if !wm[k] && n < 20 {
			t.Errorf("not in the HTML twin: %s", k)
			n++
		}
	}
	t.Errorf("%d figures, HTML twin %d (warnings %v)", len(g), len(w), got.Warnings)
}

// makeAttachments regenerates the fixtures with LibreOffice and Chromium.
func makeAttachments(t *testing.T) {
	soffice := extract.Soffice()
	chromium, _ := exec.LookPath("chromium")
	if soffice == "" || chromium == "" {
		t.Fatal("-update-attachments needs soffice and chromium")
	}
	blank, err := os.ReadFile(filepath.Join(corpus.Attachments(t), "official-template-2021-blank.docx"))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), "HOME="+tmp)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	lo := func(in, to, out string) {
		t.Helper()
		run(soffice, "--headless", "-env:UserInstallation=file://"+tmp+"/lo", "--convert-to", to, "--outdir", tmp, in)
		base := strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))
		ext := to
		if i := strings.IndexByte(ext, ':'); i >= 0 {
			ext = ext[:i]
		}
		b, err := os.ReadFile(filepath.Join(tmp, base+"."+ext))
		if err != nil {
			t.Fatal(err)
		}
		write(t, out, b)
	}
	print := func(html []byte, css, out string) {
		t.Helper()
		if css != "" {
			html = bytes.Replace(html, []byte("</head>"), []byte("<style>"+css+"</style></head>"), 1)
		}
		in := filepath.Join(tmp, "page.html")
		if err := os.WriteFile(in, html, 0o644); err != nil {
			t.Fatal(err)
		}
		pdf := filepath.Join(tmp, "page.pdf")
		run(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
			"--print-to-pdf="+pdf, "file://"+in)
		b, err := os.ReadFile(pdf)
		if err != nil {
			t.Fatal(err)
		}
		write(t, out, b)
	}
	docx := filepath.Join(tmp, "lo-2021.docx")
	for _, f := range attachFixtures() {
		switch f.make {
		case "docx":
			b, err := synth.FillDOCX(blank, f.report())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(docx, b, 0o644); err != nil {
				t.Fatal(err)
			}
			write(t, f.file, b)
		case "lo-pdf":
			lo(docx, "pdf", f.file)
		case "lo-doc":
			lo(docx, "doc", f.file)
		case "lo-encrypted":
			lo(docx, `pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"gkbench"}}`, f.file)
		case "chromium":
			print(synth.HTML(f.report(), f.style), f.css, f.file)
		case "image":
			// A scan: page 1 of the LibreOffice export as a picture, printed to PDF.
			run("pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", filepath.Join(attachDir, "lo-2021.pdf"), filepath.Join(tmp, "scan"))
			page := []byte(`<!doctype html><html><head><style>@page{margin:0}body{margin:0}</style></head><body><img src="scan.png" style="width:210mm"></body></html>`)
			print(page, "", f.file)
		case "truncated":
			b, err := os.ReadFile(filepath.Join(attachDir, "lo-2021.pdf"))
			if err != nil {
				t.Fatal(err)
			}
			write(t, f.file, b[:len(b)/3])
		}
	}
}

func write(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(attachDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(attachDir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
