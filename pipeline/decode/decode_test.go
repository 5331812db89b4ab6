package decode

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

const body = `<table><tr><td>一、本年新收政府信息公开申请数量</td><td>1,234</td></tr>` +
	`<tr><td>行政复议</td><td>结果<br>纠正</td></tr></table><p>二、主动公开政府信息情况</p>`

func page(meta string) string {
	m := ""
	if meta != "" {
		m = `<meta http-equiv="Content-Type" content="text/html; charset=` + meta + `">`
	}
	return "<!DOCTYPE html><html><head>" + m + "<title>2023年政府信息公开工作年度报告</title></head><body>" +
		body + "</body></html>"
}

func enc(t testing.TB, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return b
}

func TestDecode(t *testing.T) {
	gbkPage := page("gb2312")
	utf8Page := page("utf-8")
	le := append([]byte{0xFF, 0xFE}, enc(t, xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM), "规章 12\n")...)
	be := append([]byte{0xFE, 0xFF}, enc(t, xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM), "规章 12\n")...)
	// The meta tag comes after 2 KiB of comment, past the standard 1024-byte prescan.
	lateMeta := "<html><head><!-- " + strings.Repeat("x", 2048) + ` --><meta charset="gbk"></head><body>` + body

	tests := []struct {
		name        string
		in          []byte
		contentType string
		want        string // expected text (or substring when contains is set)
		contains    bool
		charset     string
		source      string
		conflict    bool
	}{
		{"utf8 with utf8 header", []byte(utf8Page), "text/html; charset=UTF-8", utf8Page, false, "utf-8", "header", false},
		{"utf8 with utf8 meta", []byte(utf8Page), "text/html", utf8Page, false, "utf-8", "meta", false},
		{"utf8 bytes, meta gb2312", []byte(gbkPage), "", gbkPage, false, "utf-8", "sniff", true},
		{"utf8 bytes, header gbk", []byte(utf8Page), "text/html;charset=gbk", utf8Page, false, "utf-8", "sniff", true},
		{"gbk bytes, meta gb2312", enc(t, simplifiedchinese.GBK, gbkPage), "", gbkPage, false, "gb18030", "meta", false},
		{"gbk bytes, header gbk trailing semicolon", enc(t, simplifiedchinese.GBK, gbkPage), "text/html; charset=GBK;", gbkPage, false, "gb18030", "header", false},
		{"gbk bytes, header utf-8 lies", enc(t, simplifiedchinese.GBK, gbkPage), "text/html; charset=utf-8", gbkPage, false, "gb18030", "sniff", true},
		{"gbk bytes, meta utf-8 lies", enc(t, simplifiedchinese.GBK, utf8Page), "", utf8Page, false, "gb18030", "sniff", true},
		{"gbk bytes, no label", enc(t, simplifiedchinese.GBK, page("")), "", page(""), false, "gb18030", "sniff", false},
		{"gbk bytes, iso-8859-1 server default", enc(t, simplifiedchinese.GBK, page("")), "text/html; charset=ISO-8859-1", page(""), false, "gb18030", "sniff", true},
		{"gbk bytes, late meta", enc(t, simplifiedchinese.GBK, lateMeta), "", lateMeta, false, "gb18030", "meta", false},
		{"gb18030-only character under gb2312 label", enc(t, simplifiedchinese.GB18030, page("gb2312")+"𠮷"), "", page("gb2312") + "𠮷", false, "gb18030", "meta", false},
		{"header gbk and meta utf-8 disagree", enc(t, simplifiedchinese.GBK, utf8Page), "text/html; charset=gbk", utf8Page, false, "gb18030", "header", true},
		{"big5 declared", enc(t, traditionalchinese.Big5, "<meta charset=big5>規章 總計 數量"), "", "<meta charset=big5>規章 總計 數量", false, "big5", "meta", false},
		{"utf-8 bom", append([]byte{0xEF, 0xBB, 0xBF}, "规章 |\n0 |\n"...), "", "规章 |\n0 |\n", false, "utf-8", "bom", false},
		{"utf-8 bom beats header", append([]byte{0xEF, 0xBB, 0xBF}, "规章 |\n0 |\n"...), "text/plain; charset=gbk", "规章 |\n0 |\n", false, "utf-8", "bom", true},
		{"utf-8 bom on gbk bytes", append([]byte{0xEF, 0xBB, 0xBF}, enc(t, simplifiedchinese.GBK, gbkPage)...), "", gbkPage, false, "gb18030", "sniff", true},
		{"utf-16le bom", le, "", "规章 12\n", false, "utf-16le", "bom", false},
		{"utf-16be bom", be, "text/plain; charset=utf-8", "规章 12\n", false, "utf-16be", "bom", true},
		{"ascii no label", []byte("<p>2023</p>"), "", "<p>2023</p>", false, "utf-8", "default", false},
		{"ascii with gbk label", []byte("<p>2023</p>"), "text/html; charset=gb2312", "<p>2023</p>", false, "gb18030", "header", false},
		{"truncated utf-8 under gbk meta", []byte(gbkPage + "规"[:2]), "", gbkPage + "\uFFFD\uFFFD", false, "utf-8", "sniff", true},
		{"unknown label", enc(t, simplifiedchinese.GBK, page("")), "text/html; charset=x-nonsense", page(""), false, "gb18030", "sniff", true},
		{"utf-16 label without nuls", []byte(utf8Page), "text/html; charset=utf-16", utf8Page, false, "utf-8", "meta", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, info, err := Decode(tc.in, tc.contentType)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if tc.contains && !strings.Contains(got, tc.want) || !tc.contains && got != tc.want {
				t.Errorf("text = %q, want %q", got, tc.want)
			}
			if info.Charset != tc.charset || info.Source != tc.source {
				t.Errorf("info = %+v, want charset %s source %s", info, tc.charset, tc.source)
			}
			if (info.Conflict != "") != tc.conflict {
				t.Errorf("conflict = %q, want conflict %v", info.Conflict, tc.conflict)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	if _, _, err := Decode(nil, ""); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: err = %v, want ErrEmpty", err)
	}
	garbage := []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R'}
	if _, _, err := Decode(garbage, "text/html"); !errors.Is(err, ErrBinary) {
		t.Errorf("png: err = %v, want ErrBinary", err)
	}
	ctrl := bytes.Repeat([]byte{0x01, 0x02, 'a', 0x1B, 0x7F, 0x03}, 100)
	if _, _, err := Decode(ctrl, ""); !errors.Is(err, ErrBinary) {
		t.Errorf("control soup: err = %v, want ErrBinary", err)
	}
	// High bytes that are neither UTF-8 nor GB18030 text.
	junk := bytes.Repeat([]byte{0xFF, 0x80, 0xFE, 0x20}, 200)
	if _, _, err := Decode(junk, ""); !errors.Is(err, ErrBinary) {
		t.Errorf("junk: err = %v, want ErrBinary", err)
	}
}

func TestDetectFormat(t *testing.T) {
	var docx bytes.Buffer
	zw := zip.NewWriter(&docx)
	w, _ := zw.Create("word/document.xml")
	w.Write([]byte("<w:document/>"))
	zw.Close()
	var xlsx bytes.Buffer
	zw = zip.NewWriter(&xlsx)
	w, _ = zw.Create("xl/workbook.xml")
	w.Write([]byte("<workbook/>"))
	zw.Close()
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 64)...)
	utf16html := append([]byte{0xFF, 0xFE}, enc(t, xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM), "<HTML><body>规章</body>")...)

	tests := []struct {
		name string
		file string
		in   []byte
		want Format
	}{
		{"pdf magic", "a.html", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), "pdf"},
		{"docx", "report.doc", docx.Bytes(), "docx"},
		{"truncated docx", "", docx.Bytes()[:60], "docx"},
		{"other zip", "a.zip", xlsx.Bytes(), "binary"},
		{"ole named wps", "a.wps", ole, "wps"},
		{"ole", "http://x.gov.cn/a.DOC", ole, "doc"},
		{"doctype", "", []byte("\n  <!DOCTYPE html><p>规章</p>"), "html"},
		{"table fragment", "a.txt", []byte("<TABLE><tr><td>规章</td></tr></TABLE>"), "html"},
		{"meta after bom", "", append([]byte{0xEF, 0xBB, 0xBF}, `<Meta charset="utf-8">`...), "html"},
		{"utf-16 html", "", utf16html, "html"},
		{"html error page named pdf", "http://x.gov.cn/a.pdf?id=1", []byte("<html><body>404</body></html>"), "html"},
		{"text by extension", "/x/y.TXT", []byte("第二十条第(一)项 |\n|||\n"), "text"},
		{"shtml saved as text (no markup)", "http://x.gov.cn/t2022.shtml#top", []byte("规章 0 0 0"), "text"},
		{"shtml with a fragment of markup", "http://x.gov.cn/t2022.shtml", []byte("<p>规章</p>"), "html"},
		{"plain text, no extension", "", []byte("规章 |\n0 |\n"), "text"},
		{"nul bytes", "a.txt", []byte("ab\x00\x00cd"), "binary"},
		{"control bytes", "", bytes.Repeat([]byte{1, 2, 3, 'a'}, 10), "binary"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := DetectFormat(tc.file, tc.in); got != tc.want {
				t.Errorf("DetectFormat(%q) = %q, want %q", tc.file, got, tc.want)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(page("utf-8")), "text/html; charset=utf-8")
	f.Add(enc(f, simplifiedchinese.GBK, page("utf-8")), "")
	f.Add(enc(f, simplifiedchinese.GBK, page("gb2312")), "text/html; charset=utf-8")
	f.Add([]byte(page("gb2312")), "text/html;charset=GBK;")
	f.Add(append([]byte{0xEF, 0xBB, 0xBF}, "规章 |\n0 |\n|||\n"...), "")
	f.Add(append([]byte{0xFF, 0xFE}, enc(f, xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM), "总计 5")...), "text/plain")
	f.Add(enc(f, traditionalchinese.Big5, "<meta charset=big5>總計"), "")
	f.Add([]byte{0x89, 'P', 'N', 'G', 0, 0, 0xFF, 0xFE, 0x81}, "image/png")
	f.Add([]byte("\x81\x30\x81\x30\xFE"), "text/html; charset=utf-16")
	f.Add([]byte("plain ascii"), "text/plain; charset=\"")
	f.Fuzz(func(t *testing.T, b []byte, contentType string) {
		s, info, err := Decode(b, contentType)
		if err != nil {
			return
		}
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 output for %q (%+v)", b, info)
		}
		switch info.Source {
		case SourceBOM, SourceHeader, SourceMeta, SourceSniff, SourceDefault:
		default:
			t.Fatalf("bad source %q", info.Source)
		}
		if info.Charset == "" {
			t.Fatalf("empty charset")
		}
		if strings.HasPrefix(s, "\uFEFF") && bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) && !bytes.HasPrefix(b[3:], []byte{0xEF, 0xBB, 0xBF}) {
			t.Fatalf("BOM kept")
		}
		_ = DetectFormat("", b)
	})
}
