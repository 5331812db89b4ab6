// Package decode turns fetched bytes into UTF-8 text. Report pages are UTF-8 or GBK/GB2312/GB18030, and the
// HTTP header, the <meta> tag and the bytes themselves often disagree, so the bytes have the last word: a BOM
// wins, valid UTF-8 is UTF-8 whatever the labels say, and a declared label is only trusted when the bytes do
// not contradict it. Every overridden label is reported in Info.Conflict.
package decode

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

var (
	// ErrEmpty is returned for empty input.
	ErrEmpty = errors.New("内容为空")
	// ErrBinary is returned for bytes that are not text in any supported charset.
	ErrBinary = errors.New("内容是二进制数据,不是文本")
)

// Sources of the charset decision, for Info.Source.
const (
	SourceBOM     = "bom"
	SourceHeader  = "header"
	SourceMeta    = "meta"
	SourceSniff   = "sniff"
	SourceDefault = "default"
)

// Info says how the bytes were decoded.
type Info struct {
	Charset  string // canonical name of the decoder used: utf-8, utf-16le, utf-16be, gb18030, big5, …
	Source   string // bom, header, meta, sniff or default
	Conflict string // Chinese note when BOM, header, meta and bytes disagree; empty when they agree
}

// Canonical charset names used in Info.Charset.
const (
	utf8Name    = "utf-8"
	utf16LEName = "utf-16le"
	utf16BEName = "utf-16be"
	gb18030Name = "gb18030"
)

// binaryWindow is how much of the input is checked for NUL bytes.
const binaryWindow = 8 << 10

// Decode converts b to UTF-8. contentType is the HTTP Content-Type header value, possibly empty. A BOM is
// not part of the result. Errors: ErrEmpty, or ErrBinary (wrapped) for NUL bytes or a decoded text made
// largely of control or replacement characters.
func Decode(b []byte, contentType string) (string, Info, error) {
	if len(b) == 0 {
		return "", Info{}, ErrEmpty
	}
	var notes []string
	header := declared(headerCharset(contentType), "HTTP 头", &notes)
	meta := declared(metaCharset(b), "<meta>", &notes)
	if header.ok() && meta.ok() && family(header.name) != family(meta.name) {
		notes = append(notes, fmt.Sprintf("HTTP 头声明字符集 %s,<meta> 声明 %s,二者不一致", header.label, meta.label))
	}

	text, info, err := decide(b, header, meta, &notes)
	info.Conflict = strings.Join(notes, ";")
	if err != nil {
		return "", info, err
	}
	if bad, total := garbage(text); bad > 0 && bad*20 > total {
		return "", info, fmt.Errorf("%w(按 %s 解码后 %d/%d 个字符是控制符或替换符)", ErrBinary, info.Charset, bad, total)
	}
	return text, info, nil
}

// label is a charset declaration as found in the header or the meta tag.
type label struct {
	where string            // "HTTP 头" or "<meta>", for notes
	label string            // as written
	name  string            // canonical WHATWG name, empty if unknown or absent
	enc   encoding.Encoding // decoder for name
}

func (l label) ok() bool { return l.enc != nil }

// declared resolves a raw label; an unknown one is noted and treated as absent.
func declared(raw, where string, notes *[]string) label {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return label{}
	}
	enc, name := lookup(raw)
	if enc == nil {
		*notes = append(*notes, fmt.Sprintf("%s声明了无法识别的字符集 %q,已忽略", where, raw))
		return label{}
	}
	return label{where: where, label: raw, name: name, enc: enc}
}

// lookup maps a label to a decoder; GBK and GB2312 are decoded as GB18030, their superset, because pages
// labelled gb2312 routinely contain characters only GBK or GB18030 has.
func lookup(raw string) (encoding.Encoding, string) {
	enc, name := charset.Lookup(raw)
	if enc == nil {
		// Labels seen on real servers that the WHATWG table does not list.
		switch strings.Map(keepAlnum, strings.ToLower(raw)) {
		case "utf8":
			return xunicode.UTF8, utf8Name
		case "gb2312", "gbk", "gb231280", "cp936", "ms936", "windows936":
			return simplifiedchinese.GB18030, gb18030Name
		case "gb18030":
			return simplifiedchinese.GB18030, gb18030Name
		}
		return nil, ""
	}
	switch name {
	case "gbk", gb18030Name:
		return simplifiedchinese.GB18030, gb18030Name
	case "replacement", "x-user-defined":
		// The WHATWG "replacement" decoder turns a whole document into one U+FFFD: never useful here.
		return nil, ""
	}
	return enc, name
}

func keepAlnum(r rune) rune {
	if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
		return r
	}
	return -1
}

// family groups names that decode the same way, so gbk vs gb2312 is not reported as a disagreement.
func family(name string) string {
	switch name {
	case "gbk", "gb2312", gb18030Name:
		return gb18030Name
	}
	return name
}

var headerCharsetRE = regexp.MustCompile(`(?i)charset\s*=\s*["']?([^"';,\s]+)`)

// headerCharset takes the charset parameter of a Content-Type value, tolerating the malformed values real
// servers send (trailing semicolons, unquoted junk) that mime.ParseMediaType rejects.
func headerCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		if cs, ok := params["charset"]; ok {
			return cs
		}
		return ""
	}
	if m := headerCharsetRE.FindStringSubmatch(contentType); m != nil {
		return m[1]
	}
	return ""
}

// metaCharset returns the charset a <meta> tag declares, using the HTML prescan of x/net/html/charset. The
// prescan is not exported on its own, so DetermineEncoding is run on two ASCII-only probes that differ only in
// what its fallback would return: when both answers agree, they came from a meta tag. Meta tags are ASCII, so
// masking the other bytes loses nothing, and it keeps a BOM or the UTF-8 test from answering instead.
func metaCharset(b []byte) string {
	b = stripBOM(b)
	if name := prescan(b); name != "" {
		return name
	}
	// Some pages put long comments or scripts before the meta tag, past the 1024 bytes the prescan reads.
	lim := min(len(b), binaryWindow)
	for from := 1; from < lim; {
		i := indexFold(b[from:lim], "<meta")
		if i < 0 {
			break
		}
		from += i
		if from >= 1000 {
			if name := prescan(b[from:]); name != "" {
				return name
			}
		}
		from += len("<meta")
	}
	return ""
}

func prescan(b []byte) string {
	const n = 1024
	if bytes.IndexByte(b[:min(len(b), n)], '<') < 0 {
		return "" // no tag, no meta: the two probes below would disagree (text files end here)
	}
	probe := make([]byte, min(len(b), n))
	for i := range probe {
		if c := b[i]; c < utf8.RuneSelf && c != 0 {
			probe[i] = c
		} else {
			probe[i] = ' '
		}
	}
	_, name1, _ := charset.DetermineEncoding(probe, "")
	// Same probe after a valid two-byte UTF-8 rune: the fallback now says utf-8 instead of windows-1252. (At
	// the end the rune would be dropped as possibly truncated.)
	p2 := append([]byte("é"), probe[:min(len(probe), n-2)]...)
	_, name2, _ := charset.DetermineEncoding(p2, "")
	if name1 != name2 {
		return ""
	}
	return name1
}

func indexFold(b []byte, sub string) int {
	for i := 0; i+len(sub) <= len(b); i++ {
		j := bytes.IndexByte(b[i:len(b)-len(sub)+1], '<') // sub starts with '<'
		if j < 0 {
			return -1
		}
		i += j
		if bytes.EqualFold(b[i:i+len(sub)], []byte(sub)) {
			return i
		}
	}
	return -1
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

func stripBOM(b []byte) []byte {
	switch {
	case bytes.HasPrefix(b, bomUTF8):
		return b[3:]
	case bytes.HasPrefix(b, bomUTF16LE), bytes.HasPrefix(b, bomUTF16BE):
		return b[2:]
	}
	return b
}

func decide(b []byte, header, meta label, notes *[]string) (string, Info, error) {
	// The first declaration that exists; the header outranks the meta tag.
	decl := header
	src := SourceHeader
	if !decl.ok() {
		decl, src = meta, SourceMeta
	}
	overridden := func(used string) {
		for _, l := range []label{header, meta} {
			if l.ok() && family(l.name) != family(used) {
				*notes = append(*notes, fmt.Sprintf("%s声明字符集 %s,但内容按 %s 解码", l.where, l.label, used))
			}
		}
	}

	// 1. A BOM wins.
	switch {
	case bytes.HasPrefix(b, bomUTF8):
		rest := b[3:]
		if !utf8.Valid(rest) && !mostlyUTF8(rest) {
			// A BOM stuck in front of GB bytes (editors and concatenating scripts do this).
			if s, ok := sniffGB18030(rest); ok {
				*notes = append(*notes, "有 UTF-8 字节顺序标记(BOM),但内容不是 UTF-8,按 GB18030 解码")
				return s, Info{Charset: gb18030Name, Source: SourceSniff}, nil
			}
		}
		s, bad := utf8Lossy(rest)
		if bad > 0 {
			*notes = append(*notes, fmt.Sprintf("内容含 %d 处非法 UTF-8 字节,已替换为 U+FFFD", bad))
		}
		overridden(utf8Name)
		return s, Info{Charset: utf8Name, Source: SourceBOM}, nil
	case bytes.HasPrefix(b, bomUTF16LE):
		overridden(utf16LEName)
		return decodeWith(xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM), b[2:]),
			Info{Charset: utf16LEName, Source: SourceBOM}, nil
	case bytes.HasPrefix(b, bomUTF16BE):
		overridden(utf16BEName)
		return decodeWith(xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM), b[2:]),
			Info{Charset: utf16BEName, Source: SourceBOM}, nil
	}

	// A UTF-16 label without a BOM is only believed when the bytes have the NULs UTF-16 text must have.
	hasNUL := bytes.IndexByte(b[:min(len(b), binaryWindow)], 0) >= 0
	if decl.ok() && (decl.name == utf16LEName || decl.name == utf16BEName) {
		if hasNUL && len(b)%2 == 0 {
			return decodeWith(decl.enc, b), Info{Charset: decl.name, Source: src}, nil
		}
		*notes = append(*notes, fmt.Sprintf("%s声明字符集 %s,但内容不是 UTF-16,已忽略该声明", decl.where, decl.label))
		header, meta, decl = dropUTF16(header), dropUTF16(meta), label{}
		if header.ok() {
			decl, src = header, SourceHeader
		} else if meta.ok() {
			decl, src = meta, SourceMeta
		}
	}
	if hasNUL {
		return "", Info{}, fmt.Errorf("%w(前 8 KiB 中有 NUL 字节)", ErrBinary)
	}

	// 2. Valid UTF-8 with non-ASCII bytes is UTF-8, whatever the labels say.
	// A rune cut off at the end (a truncated download) does not make the rest any less UTF-8.
	ascii := isASCII(b)
	if !ascii && (utf8.Valid(b) || utf8.Valid(trimPartialRune(b))) {
		info := Info{Charset: utf8Name, Source: SourceSniff}
		if decl.ok() && decl.name == utf8Name {
			info.Source = src
		}
		overridden(utf8Name)
		s, bad := utf8Lossy(b)
		if bad > 0 {
			*notes = append(*notes, "末尾有不完整的 UTF-8 字符,已替换为 U+FFFD")
		}
		return s, info, nil
	}
	if ascii {
		// Every ASCII-compatible charset reads ASCII the same; keep the label for the record.
		if decl.ok() {
			return decodeWith(decl.enc, b), Info{Charset: decl.name, Source: src}, nil
		}
		return string(b), Info{Charset: utf8Name, Source: SourceDefault}, nil
	}

	// 3. Invalid UTF-8. A few bad bytes in otherwise UTF-8 text (a truncated download, one pasted GBK
	// fragment) is still UTF-8; GB18030 would read UTF-8 bytes as plausible-looking Han characters.
	if mostlyUTF8(b) {
		s, bad := utf8Lossy(b)
		info := Info{Charset: utf8Name, Source: SourceSniff}
		if decl.ok() && decl.name == utf8Name {
			info.Source = src
		}
		overridden(utf8Name)
		*notes = append(*notes, fmt.Sprintf("内容含 %d 处非法 UTF-8 字节,已替换为 U+FFFD", bad))
		return s, info, nil
	}

	// 4. A declared non-UTF-8 charset is used unless the bytes contradict it.
	if decl.ok() && decl.name != utf8Name {
		s := decodeWith(decl.enc, b)
		if decl.name == gb18030Name {
			return s, Info{Charset: gb18030Name, Source: src}, nil
		}
		// Servers default to iso-8859-1: a clean GB18030 reading of mostly Chinese text beats a label that
		// is not a Chinese charset. A Big5 label is only overridden when Big5 decoding yields garbage (GB2312
		// bytes are mostly valid Big5 too, so a wrong Big5 label on them cannot be caught).
		chinese := decl.name == "big5"
		bad, _ := garbage(s)
		if !chinese || bad*100 > nonASCIIRunes(s) {
			if gs, ok := sniffGB18030(b); ok {
				overridden(gb18030Name)
				return gs, Info{Charset: gb18030Name, Source: SourceSniff}, nil
			}
		}
		return s, Info{Charset: decl.name, Source: src}, nil
	}

	// 5. No usable label, or a UTF-8 label the bytes contradict: sniff GB18030.
	if s, ok := sniffGB18030(b); ok {
		overridden(gb18030Name)
		return s, Info{Charset: gb18030Name, Source: SourceSniff}, nil
	}
	s, bad := utf8Lossy(b)
	*notes = append(*notes, fmt.Sprintf("无法确定字符集,按 UTF-8 解码,%d 处非法字节已替换为 U+FFFD", bad))
	info := Info{Charset: utf8Name, Source: SourceDefault}
	if decl.ok() {
		info.Source = src
	}
	return s, info, nil
}

// trimPartialRune drops an incomplete UTF-8 sequence from the end of b.
func trimPartialRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-3; i-- {
		if utf8.RuneStart(b[i]) {
			if b[i] >= utf8.RuneSelf && !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

func dropUTF16(l label) label {
	if l.name == utf16LEName || l.name == utf16BEName {
		return label{}
	}
	return l
}

func decodeWith(enc encoding.Encoding, b []byte) string {
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		// x/text decoders replace invalid input rather than fail; fall back to a lossy UTF-8 reading anyway.
		s, _ := utf8Lossy(b)
		return s
	}
	if !utf8.Valid(out) {
		out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
	}
	return string(out)
}

// sniffGB18030 decodes b as GB18030 and accepts the result when it has almost no invalid sequences and its
// non-ASCII characters are mostly Chinese.
func sniffGB18030(b []byte) (string, bool) {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil || !utf8.Valid(out) {
		return "", false
	}
	s := string(out)
	var nonASCII, cjk, bad int
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			continue
		case r == utf8.RuneError:
			bad++
		case isCJK(r):
			cjk++
		}
		nonASCII++
	}
	if nonASCII == 0 || bad > max(2, nonASCII/100) || cjk*2 < nonASCII {
		return "", false
	}
	return s, true
}

func isCJK(r rune) bool {
	switch {
	case r >= 0x3000 && r <= 0x303F, // CJK punctuation
		r >= 0xFF00 && r <= 0xFFEF, // full-width forms
		r >= 0x2E80 && r <= 0x2FDF, // radicals
		r >= 0x3200 && r <= 0x33FF: // enclosed and compatibility
		return true
	}
	return unicode.Is(unicode.Han, r)
}

// mostlyUTF8 reports whether b is UTF-8 text with at most 1% invalid bytes among its non-ASCII runes.
func mostlyUTF8(b []byte) bool {
	var mb, bad int
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			bad++
		} else {
			mb++
		}
		i += size
	}
	return mb >= 8 && bad*100 <= mb+bad
}

// utf8Lossy replaces each invalid byte with U+FFFD and returns the count.
func utf8Lossy(b []byte) (string, int) {
	if utf8.Valid(b) {
		return string(b), 0
	}
	var sb strings.Builder
	sb.Grow(len(b) + 16)
	bad := 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			bad++
			sb.WriteRune(utf8.RuneError)
		} else {
			sb.Write(b[i : i+size])
		}
		i += size
	}
	return sb.String(), bad
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func nonASCIIRunes(s string) int {
	n := 0
	for _, r := range s {
		if r >= utf8.RuneSelf {
			n++
		}
	}
	return n
}

// garbage counts control and replacement characters (tab, line breaks and form feed excepted) in s, and all
// runes.
func garbage(s string) (bad, total int) {
	for _, r := range s {
		total++
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == '\f':
		case r == utf8.RuneError, r < 0x20, r >= 0x7F && r < 0xA0:
			bad++
		}
	}
	return bad, total
}
