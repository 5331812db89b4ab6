package extract

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gkbench/gkbench/internal/corpus"
)

// hundredPages returns a PDF of about 100 pages: the filled template (lo-2021.docx) 34 times over (three pages each), each copy
// on new pages, exported by LibreOffice. It is made once per machine (in the temporary folder) and skips
// where LibreOffice is missing.
func hundredPages(tb testing.TB) []byte {
	tb.Helper()
	out := filepath.Join(os.TempDir(), "gkbench-100-pages.pdf")
	if b, err := os.ReadFile(out); err == nil {
		return b
	}
	soffice := Soffice()
	if soffice == "" {
		tb.Skip("needs LibreOffice (soffice) to make the 100-page PDF")
	}
	src := readFixture(tb, "lo-2021.docx")
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == "word/document.xml" {
			s := string(b)
			i, j := strings.Index(s, "<w:body>")+len("<w:body>"), strings.LastIndex(s, "<w:sectPr")
			body := s[i:j] + `<w:p><w:r><w:br w:type="page"/></w:r></w:p>`
			b = []byte(s[:i] + strings.Repeat(body, 34) + s[j:])
		}
		w, _ := zw.Create(f.Name)
		w.Write(b)
	}
	zw.Close()
	tmp := tb.TempDir()
	in := filepath.Join(tmp, "big.docx")
	if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+tmp+"/lo", "--convert-to", "pdf", "--outdir", tmp, in)
	if o, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("soffice: %v\n%s", err, o)
	}
	b, err := os.ReadFile(filepath.Join(tmp, "big.pdf"))
	if err != nil {
		tb.Fatal(err)
	}
	os.WriteFile(out, b, 0o644)
	return b
}

// TestPDF100Pages: a 100-page report is read whole, well within the time bound.
func TestPDF100Pages(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	b := hundredPages(t)
	start := time.Now()
	d := mustPDF(t, b)
	el := time.Since(start)
	if d.Pages < 100 || len(tables(d)) < 100 {
		t.Fatalf("%d pages, %d tables", d.Pages, len(tables(d)))
	}
	if el > PDFTimeout/2 {
		t.Errorf("%d pages took %s (bound %s)", d.Pages, el, PDFTimeout)
	}
	t.Logf("%d pages, %d tables in %s", d.Pages, len(tables(d)), el)
}

func benchPDF(b *testing.B, data []byte) {
	d, err := PDFDocument(data) // warm the runtime: its start is measured apart
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := PDFDocument(data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(d.Pages)/1e6, "ms/page")
}

func BenchmarkPDFDocument(b *testing.B) {
	b.Run("huaian-6p-WPS", func(b *testing.B) {
		data, err := os.ReadFile(filepath.Join(corpus.Attachments(b), "huaian_2024.pdf"))
		if err != nil {
			b.Fatal(err)
		}
		benchPDF(b, data)
	})
	b.Run("lo-2021-LibreOffice", func(b *testing.B) { benchPDF(b, readFixture(b, "lo-2021.pdf")) })
	b.Run("chromium-unruled", func(b *testing.B) { benchPDF(b, readFixture(b, "chromium-unruled.pdf")) })
	b.Run("100-pages", func(b *testing.B) { benchPDF(b, hundredPages(b)) })
}

func BenchmarkDOCXDocument(b *testing.B) {
	data := readFixture(b, "lo-2021.docx")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := DOCXDocument(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPDFRuntimeStart is the first PDF of a process: the WebAssembly module is compiled (or loaded
// from the compilation cache) and instantiated.
func BenchmarkPDFRuntimeStart(b *testing.B) {
	data := readFixture(b, "lo-2021.pdf")
	for b.Loop() {
		b.StopTimer()
		if pdfiumRT.pool != nil {
			pdfiumRT.pool.Close()
		}
		pdfiumRT.once = sync.Once{}
		pdfiumRT.pool, pdfiumRT.err = nil, nil
		b.StartTimer()
		if _, err := PDFDocument(data); err != nil {
			b.Fatal(err)
		}
	}
}
