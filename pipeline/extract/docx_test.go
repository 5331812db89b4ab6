package extract

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gkbench/gkbench/internal/corpus"
)

// docx zips a word/document.xml body (and extra entries) into a DOCX.
func docx(t testing.TB, body string, extra ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>%s</w:body></w:document>`, body)
	for _, name := range extra {
		if _, err := zw.Create(name); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func p(text string) string {
	return `<w:p><w:r><w:t xml:space="preserve">` + text + `</w:t></w:r></w:p>`
}

func tc(props, content string) string {
	return `<w:tc><w:tcPr>` + props + `</w:tcPr>` + content + `</w:tc>`
}

func TestDOCXDocument(t *testing.T) {
	cases := []struct {
		name   string
		body   string
		texts  []string
		tables [][][]string
	}{
		{
			name: "paragraphs, runs split mid-word, tab and break",
			body: `<w:p><w:r><w:t>政府信息</w:t></w:r><w:r><w:t>公开</w:t></w:r></w:p>` +
				`<w:p><w:r><w:t>一、</w:t></w:r><w:r><w:tab/><w:t>总体情况</w:t><w:br/><w:t>第二行</w:t></w:r></w:p>` +
				`<w:p><w:del><w:r><w:delText>删去</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText><w:t>留下</w:t></w:r></w:p>` +
				`<w:p><mc:AlternateContent><mc:Choice><w:r><w:t>文本框</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>文本框</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>`,
			texts: []string{"政府信息公开", "一、 总体情况", "第二行", "留下", "文本框"},
		},
		{
			name: "gridSpan and vMerge become copies",
			body: `<w:tbl><w:tr>` + tc(`<w:vMerge w:val="restart"/>`, p("三、本年度办理结果")) + tc(`<w:gridSpan w:val="2"/>`, p("（一）予以公开")) + tc("", p("5")) + `</w:tr>` +
				`<w:tr>` + tc(`<w:vMerge/>`, `<w:p/>`) + tc("", p("（三）不予")+p("公开")) + tc("", p("1.属于国家秘密")) + tc("", p("0")) + `</w:tr>` +
				`<w:tr>` + tc(`<w:vMerge w:val="continue"/>`, `<w:p/>`) + tc(`<w:vMerge w:val="restart"/>`, p("x")) + tc("", p("2.其他")) + tc("", p("1")) + `</w:tr>` +
				`<w:tr>` + tc("", p("四、结转")) + tc(`<w:vMerge/>`, "") + tc("", p("")) + tc("", p("2")) + `</w:tr></w:tbl>`,
			tables: [][][]string{{
				{"三、本年度办理结果", "（一）予以公开", "^（一）予以公开", "5"},
				{"^三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "0"},
				{"^三、本年度办理结果", "x", "2.其他", "1"},
				{"四、结转", "^x", "", "2"},
			}},
		},
		{
			name: "gridBefore, gridAfter and a vMerge continue without a start",
			body: `<w:tbl><w:tr><w:trPr><w:gridBefore w:val="1"/><w:gridAfter w:val="1"/></w:trPr>` + tc("", p("a")) + `</w:tr>` +
				`<w:tr>` + tc(`<w:vMerge/>`, p("b")) + tc("", p("c")) + tc("", p("d")) + `</w:tr></w:tbl>`,
			tables: [][][]string{{{"", "a", ""}, {"b", "c", "d"}}},
		},
		{
			name: "nested table after its parent",
			body: p("前") + `<w:tbl><w:tr>` + tc("", p("外")+`<w:tbl><w:tr>`+tc("", p("内"))+`</w:tr></w:tbl>`) + `</w:tr></w:tbl>` +
				`<w:tbl><w:tr>` + tc("", p("后")) + `</w:tr></w:tbl>` + p("尾"),
			texts:  []string{"前", "尾"},
			tables: [][][]string{{{"外"}}, {{"内"}}, {{"后"}}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := DOCXDocument(docx(t, tc.body))
			if err != nil {
				t.Fatal(err)
			}
			checkDoc(t, d)
			var texts []string
			for _, b := range d.Blocks {
				if b.Kind == TextBlock {
					texts = append(texts, b.Text)
				}
			}
			if fmt.Sprint(texts) != fmt.Sprint(tc.texts) {
				t.Errorf("texts %q, want %q", texts, tc.texts)
			}
			ts := tables(d)
			if len(ts) != len(tc.tables) {
				t.Fatalf("%d tables, want %d", len(ts), len(tc.tables))
			}
			for i, tb := range ts {
				if got := texts2(tb); fmt.Sprint(got) != fmt.Sprint(tc.tables[i]) {
					t.Errorf("table %d:\n got %q\nwant %q", i, got, tc.tables[i])
				}
			}
		})
	}
}

func texts2(tb *Table) [][]string { return texts(tb) }

// TestDOCXTemplate reads the official blank 2021 template: three tables with its 26 gridSpan and 58 vMerge
// cells expanded into copies.
func TestDOCXTemplate(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(corpus.Attachments(t), "official-template-2021-blank.docx"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := DOCXDocument(b)
	if err != nil {
		t.Fatal(err)
	}
	checkDoc(t, d)
	ts := tables(d)
	if len(ts) != 3 {
		t.Fatalf("%d tables", len(ts))
	}
	sizes := [][2]int{{len(ts[0].Rows), len(ts[0].Rows[0])}, {len(ts[1].Rows), len(ts[1].Rows[0])}, {len(ts[2].Rows), len(ts[2].Rows[0])}}
	if fmt.Sprint(sizes) != "[[14 4] [28 10] [4 15]]" {
		t.Errorf("table sizes %v", sizes)
	}
	g := texts(ts[1])
	if g[27][0] != "四、结转下年度继续办理" || g[18][0] != "^三、本年度办理结果" || g[18][1] != "（五）不予处理" || g[19][1] != "^（五）不予处理" || g[2][4] != "商业企业" {
		t.Errorf("table 3: %q %q %q %q", g[27][0], g[18][0], g[18][1], g[2][4])
	}
}

// TestDOCXBounds: hostile archives are per-document errors, not out-of-memory.
func TestDOCXBounds(t *testing.T) {
	many := make([]string, maxZipEntries)
	for i := range many {
		many[i] = fmt.Sprintf("x/%d", i)
	}
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.Create("word/document.xml")
	w.Write([]byte("<w:document><w:body><w:p><w:r><w:t>"))
	zeros := make([]byte, 1<<20)
	for range maxDocumentXML>>20 + 1 {
		w.Write(zeros)
	}
	zw.Close()
	deep := strings.Repeat("<w:tbl><w:tr><w:tc>", maxTableDepth+1)
	cases := []struct {
		name string
		data []byte
		msg  string
	}{
		{"10k entries", docx(t, p("x"), many...), "条目"},
		{"zip bomb", bomb.Bytes(), "压缩炸弹"},
		{"not a zip", []byte("PK\x03\x04 broken"), "压缩包已损坏"},
		{"no document.xml", func() []byte {
			var b bytes.Buffer
			zw := zip.NewWriter(&b)
			zw.Create("xl/workbook.xml")
			zw.Close()
			return b.Bytes()
		}(), "缺少 word/document.xml"},
		{"bad xml", docx(t, "<w:p><w:t>a</w:x>"), "不是有效的 XML"},
		{"deep nesting", docx(t, deep), "嵌套"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := DOCXDocument(tc.data)
			if !errors.Is(err, ErrNotDOCX) || !strings.Contains(err.Error(), tc.msg) || d != nil {
				t.Fatalf("err = %v, want ErrNotDOCX with %q", err, tc.msg)
			}
		})
	}
	t.Logf("bomb: %d bytes compressed", bomb.Len())
}

// TestConvertLegacyWithoutLibreOffice: without LibreOffice a DOC or WPS file fails with the exact reason.
func TestConvertLegacyWithoutLibreOffice(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := ConvertLegacy([]byte("\xD0\xCF\x11\xE0"), "wps")
	if !errors.Is(err, ErrNoLibreOffice) || err.Error() != "需要 LibreOffice 才能读取 DOC/WPS 文件" {
		t.Fatalf("err = %v", err)
	}
}

func FuzzDOCXDocument(f *testing.F) {
	f.Add(readFixture(f, "lo-2021.docx"))
	f.Add(docx(f, `<w:tbl><w:tr>`+tc(`<w:vMerge w:val="restart"/><w:gridSpan w:val="3"/>`, p("a"))+`</w:tr><w:tr>`+tc(`<w:vMerge/>`, "")+`</w:tr></w:tbl>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := DOCXDocument(b)
		if err != nil {
			return
		}
		checkDoc(t, d)
	})
}
