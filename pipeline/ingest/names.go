package ingest

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// File names and manifest fields come from outside: they may be GBK bytes (a folder unzipped from a
// Chinese Windows machine), hold invalid bytes, or control characters that would drive a terminal. The
// warehouse only takes UTF-8, and the terminal only sees printable text.

// Printable shows s safely on a terminal: bytes that are not UTF-8 and control, format and bidirectional
// characters are written as Go escapes (\x1b, \u202e), everything else as it is.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unprintable(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x80 && unprintable(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unprintable(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// unprintable: C0 and C1 controls, DEL, and format characters (bidirectional overrides, zero-width).
func unprintable(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

// pathText is a file path as UTF-8 text for the warehouse, and a note when it was not: bytes that are not
// UTF-8 are read as GB18030 when they all decode so (a GBK-named file), or else replaced by U+FFFD.
func pathText(p string) (string, string) {
	if utf8.ValidString(p) {
		return p, ""
	}
	if s, err := simplifiedchinese.GB18030.NewDecoder().String(p); err == nil && utf8.ValidString(s) && !strings.ContainsRune(s, utf8.RuneError) {
		return s, fmt.Sprintf("文件名不是 UTF-8 编码,已按 GB18030 读作「%s」", Printable(s))
	}
	s := strings.ToValidUTF8(p, "\uFFFD")
	return s, fmt.Sprintf("文件名含有无效字节,已替换为 U+FFFD:「%s」", Printable(s))
}
