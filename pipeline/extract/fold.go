package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// folder folds whitespace the way a browser renders it, so extracted text matches what readers see:
//   - every run of white space (including NBSP and the ideographic space) becomes one space, trimmed at both
//     ends;
//   - a run of ordinary white space holding a line break between two CJK characters (or CJK and ASCII
//     punctuation) disappears, because
//     word-processor exports wrap long lines in the middle of words (CSS Text 3, segment break
//     transformation), and 本年新收政府信息公开申请\n数量 must read as one label;
//   - zero-width characters are dropped, so they cannot split numbers or labels.
//
// It reuses its buffer; the zero value is ready to use.
type folder struct {
	buf []byte
}

func (f *folder) fold(s string) string {
	if t := strings.Trim(s, " "); plain(t) {
		return strings.Clone(t) // already folded; a copy, so the result does not pin the whole page
	}
	return f.foldRunes(s)
}

// foldRunes is fold the long way, rune by rune.
func (f *folder) foldRunes(s string) string {
	f.buf = f.buf[:0]
	var (
		prev     rune // last rune written
		pending  bool // white space seen since prev
		hasBreak bool // the pending run holds a line break
		hasHard  bool // the pending run holds a space that is not collapsible in CSS (NBSP, U+3000)
	)
	for _, r := range s {
		switch r {
		case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
			continue
		case '\n', '\r':
			pending, hasBreak = true, true
			continue
		case ' ', '\t', '\f', '\v':
			pending = true
			continue
		}
		if unicode.IsSpace(r) {
			pending, hasHard = true, true
			continue
		}
		if pending && len(f.buf) > 0 && !(hasBreak && !hasHard && joinsAcrossBreak(prev, r)) {
			f.buf = append(f.buf, ' ')
		}
		pending, hasBreak, hasHard = false, false, false
		f.buf = utf8.AppendRune(f.buf, r)
		prev = r
	}
	return string(f.buf)
}

// plain reports whether folding leaves s as it is: no white space but single ASCII spaces inside, nothing
// zero-width. Most cells are like that, and checking bytes is cheaper than decoding runes. Non-ASCII
// white space and zero-width characters all begin with the bytes C2, E1, E2, E3 80 80 or EF BB BF;
// any of those sends s the long way.
func plain(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b == ' ':
			if s[i+1] == ' ' {
				return false
			}
		case b < ' ' || b == 0x7f:
			return false
		case b == 0xC2 || b == 0xE1 || b == 0xE2:
			return false
		case b == 0xE3 && strings.HasPrefix(s[i:], "\u3000"), b == 0xEF && strings.HasPrefix(s[i:], "\ufeff"):
			return false
		}
	}
	return utf8.ValidString(s) // fold turns bytes that are not UTF-8 into U+FFFD
}

// fold is folder.fold with a fresh buffer.
func fold(s string) string {
	var f folder
	return f.fold(s)
}

// joinsAcrossBreak reports whether a source line break between a and b is dropped: between two wide
// characters, and between a wide character and ASCII punctuation, since Chinese pages often use half-width
// commas and parentheses (申请7件,\n按时答复).
func joinsAcrossBreak(a, b rune) bool {
	wa, wb := isWide(a), isWide(b)
	return wa && wb || wa && isASCIIPunct(b) || wb && isASCIIPunct(a)
}

func isASCIIPunct(r rune) bool { return r < utf8.RuneSelf && unicode.IsPunct(r) }

// isWide reports whether r is an East Asian wide character (Han, kana, CJK punctuation, full-width forms).
func isWide(r rune) bool {
	switch {
	case r < 0x2E80:
		return false
	case r >= 0x3000 && r <= 0x303F, r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x2E80 && r <= 0x2FDF, r >= 0x3040 && r <= 0x31FF, r >= 0x3200 && r <= 0x33FF:
		return true
	}
	return unicode.Is(unicode.Han, r)
}

// joinPieces joins the folded pieces of one table cell (split by <br>, <p>, <div> and the like). Word
// processors break labels and numbers across lines (结果<br>纠正, 92,<br>486), so the pieces are joined with
// nothing, except between two Latin letters where the break stood for a space.
func joinPieces(dst *strings.Builder, piece string) {
	if piece == "" {
		return
	}
	if dst.Len() > 0 {
		s := dst.String()
		last, _ := utf8.DecodeLastRuneInString(s)
		first, _ := utf8.DecodeRuneInString(piece)
		if isLatin(last) && isLatin(first) {
			dst.WriteByte(' ')
		}
	}
	dst.WriteString(piece)
}

func isLatin(r rune) bool { return r < utf8.RuneSelf && ('a' <= r|0x20 && r|0x20 <= 'z') }
