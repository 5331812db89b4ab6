package extract

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gkbench/gkbench/internal/corpus"
)

// The PDF fixtures are made by ingest's fixture generator (see ../ingest/testdata/attachments/README.md).
const attachments = "../ingest/testdata/attachments"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(attachments, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustPDF(t *testing.T, b []byte) *Document {
	t.Helper()
	d, err := PDFDocument(b)
	if err != nil {
		t.Fatalf("PDFDocument: %v", err)
	}
	checkDoc(t, d)
	return d
}

// cellTexts returns the texts of all origin cells of a document's tables.
func cellTexts(d *Document) map[string]bool {
	out := map[string]bool{}
	for _, tb := range tables(d) {
		for _, row := range tb.Rows {
			for _, c := range row {
				if !c.Copy {
					out[c.Text] = true
				}
			}
		}
	}
	return out
}

// TestPDFProducers reads the Chinese text of PDFs made by WPS (the real 淮安 report: CID TrueType fonts,
// Identity-H), LibreOffice (Type 1 CJK subsets) and Chromium (Type 3 glyph procedures): headings as text,
// labels as table cells, wrapped and vertical labels joined.
func TestPDFProducers(t *testing.T) {
	type want struct {
		pages  int
		texts  []string // in text blocks
		cells  []string // in table cells
		tables int
	}
	cases := []struct {
		name string
		data func(t *testing.T) []byte
		want want
	}{
		{"WPS huaian_2024.pdf", func(t *testing.T) []byte {
			b, err := os.ReadFile(filepath.Join(corpus.Attachments(t), "huaian_2024.pdf"))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}, want{pages: 6, tables: 4,
			texts: []string{"淮安市人民政府2024年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况"},
			cells: []string{"三、本年度办理结果", "（四）无法提供", "商业企业", "结果纠正", "1.本机关不掌握相关政府信息",
				"（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "3985758", "96171.6"}}},
		{"LibreOffice lo-2021.pdf", func(t *testing.T) []byte { return readFixture(t, "lo-2021.pdf") }, want{tables: 3,
			texts: []string{"示例市长宁区人民政府2023年政府信息公开工作年度报告", "四、政府信息公开行政复议、行政诉讼情况"},
			cells: []string{"第二十条第（一）项", "社会公益组织", "三、本年度办理结果", "5.要求行政机关确认或重新出具已获取信息"}}},
		{"Chromium chromium-ruled.pdf", func(t *testing.T) []byte { return readFixture(t, "chromium-ruled.pdf") }, want{tables: 3,
			texts: []string{"示例市长宁区人民政府2023年政府信息公开工作年度报告", "二、主动公开政府信息情况"},
			cells: []string{"行政规范性文件", "法律服务机构", "（七）总计", "未经复议直接起诉"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := mustPDF(t, tc.data(t))
			if tc.want.pages > 0 && d.Pages != tc.want.pages {
				t.Errorf("pages %d, want %d", d.Pages, tc.want.pages)
			}
			if n := len(tables(d)); n != tc.want.tables {
				t.Errorf("%d tables, want %d", n, tc.want.tables)
			}
			texts := map[string]bool{}
			for _, b := range d.Blocks {
				if b.Kind == TextBlock {
					texts[b.Text] = true
				}
			}
			for _, s := range tc.want.texts {
				if !texts[s] {
					t.Errorf("no text block %q", s)
				}
			}
			cells := cellTexts(d)
			for _, s := range tc.want.cells {
				if !cells[s] {
					t.Errorf("no cell %q", s)
				}
			}
			for _, tb := range tables(d) {
				for _, row := range tb.Rows {
					for _, c := range row {
						if c.Page < 1 || c.Box.X1 <= c.Box.X0 || c.Box.Y1 <= c.Box.Y0 {
							t.Fatalf("cell %q: page %d box %+v", c.Text, c.Page, c.Box)
						}
					}
				}
			}
		})
	}
}

// TestPDFUnreadable: every PDF that cannot be read ends with its own error, never a guess.
func TestPDFUnreadable(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"encrypted", readFixture(t, "encrypted.pdf"), ErrEncrypted},
		{"truncated", readFixture(t, "truncated.pdf"), ErrDamaged},
		{"garbage after the header", []byte("%PDF-1.7\n\x00\x01garbage garbage"), ErrDamaged},
		{"header only", []byte("%PDF-"), ErrDamaged},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := PDFDocument(tc.data)
			if !errors.Is(err, tc.want) || d != nil {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	_, err := PDFDocument(readFixture(t, "image-only.pdf"))
	var ocr *NeedsOCRError
	if !errors.As(err, &ocr) || ocr.Pages != 2 || !strings.Contains(err.Error(), "需要 OCR") {
		t.Fatalf("image-only: err = %v, want NeedsOCRError with 2 pages", err)
	}
}

// TestPDFDeadline: a document still being read when its time is up ends with ErrTimeout, and the runtime
// stays usable for the next one.
func TestPDFDeadline(t *testing.T) {
	b := readFixture(t, "lo-2021.pdf")
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	time.Sleep(time.Millisecond)
	if _, err := pdfDocument(ctx, b); !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	mustPDF(t, b)
}

// TestPDFConcurrent reads documents in parallel through the shared runtime.
func TestPDFConcurrent(t *testing.T) {
	files := []string{"lo-2021.pdf", "chromium-ruled.pdf", "chromium-2019.pdf", "lo-2021.pdf"}
	want := map[string]int{}
	for _, f := range files {
		d := mustPDF(t, readFixture(t, f))
		want[f] = len(d.Blocks)
	}
	errs := make(chan error, len(files))
	for _, f := range files {
		go func() {
			d, err := PDFDocument(readFixture(t, f))
			if err == nil && len(d.Blocks) != want[f] {
				err = errors.New(f + ": different blocks in parallel")
			}
			errs <- err
		}()
	}
	for range files {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func FuzzPDFDocument(f *testing.F) {
	for _, name := range []string{"lo-2021.pdf", "truncated.pdf", "image-only.pdf"} {
		b, err := os.ReadFile(filepath.Join(attachments, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 4 0 R>>endobj 4 0 obj<</Length 44>>stream\n0 0 m 100 0 l S 0 0 m 0 100 l S 10 10 90 90 re S\nendstream endobj\ntrailer<</Root 1 0 R>>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := PDFDocument(b)
		if err != nil {
			return
		}
		checkDoc(t, d)
	})
}
