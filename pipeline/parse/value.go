package parse

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/template"
	"golang.org/x/text/unicode/norm"
)

// Value is what one cell holds.
type Value struct {
	Kind  report.CellKind
	Num   *float64 // set for Number and Zero
	Clean string   // the digits as read (separators and stray characters removed), or the trimmed text
}

// naTexts are the ways a report prints "not applicable".
var naTexts = map[string]bool{
	"/": true, "-": true, "—": true, "——": true, "–": true, "―": true, "−": true, "无": true, "\\": true,
	"×": true, "不适用": true, "--": true, "/ ": true, "／": true, "－": true,
}

// strayPrefix are characters seen before digits in copied pages (`? 0` on a Traditional mirror).
const strayPrefix = "?？*＊#"

// units may follow a figure; 万 and 元 change its scale.
var units = map[string]bool{"万元": true, "元": true, "万": true, "件": true, "个": true, "项": true, "条": true, "次": true, "人次": true}

// ParseValue reads a cell's text. money says the cell is an amount in 万元: a cell stating 元 is converted.
func ParseValue(raw string, money bool) Value {
	v, f := readValue(raw, money)
	if v.Kind == report.Number || v.Kind == report.Zero {
		v.Num = &f
	}
	return v
}

// readValue is ParseValue with the figure returned by value: the parser asks of nearly every cell whether
// it is a value, and asking should not allocate.
func readValue(raw string, money bool) (Value, float64) {
	s := raw
	ascii := isASCII(s)
	if !ascii {
		s = norm.NFKC.String(s) // full-width digits and commas; returns s itself when already normal
		ascii = isASCII(s)
	}
	if ascii {
		s = strings.Trim(s, asciiSpace)
	} else {
		s = strings.TrimFunc(s, isBlank)
	}
	if ascii && strings.ContainsAny(s, asciiSpace) || !ascii && strings.IndexFunc(s, isBlank) >= 0 {
		s = strings.Map(func(r rune) rune {
			if isBlank(r) {
				return -1
			}
			return r
		}, s)
	}
	s = strings.TrimLeft(s, strayPrefix)
	if s == "" {
		return Value{Kind: report.Empty}, 0
	}
	if (s[0] < '0' || s[0] > '9') && naTexts[s] {
		return Value{Kind: report.NotApplicable, Clean: s}, 0
	}
	n, ok := scanNumber(s)
	if !ok {
		return Value{Kind: report.Text, Clean: s}, 0
	}
	clean := s[:n.end]
	if n.commas {
		clean = strings.ReplaceAll(clean, ",", "")
	}
	f, ok := smallInt(strings.TrimLeft(clean, "+-"))
	if !ok {
		var err error
		if f, err = strconv.ParseFloat(strings.TrimLeft(clean, "+-"), 64); err != nil {
			return Value{Kind: report.Text, Clean: s}, 0
		}
	}
	if n.negative {
		f = -f
	}
	switch s[n.end:] {
	case "元":
		if money {
			f /= 10000
		}
	case "万":
		if !money {
			f *= 10000
		}
	}
	kind := report.Number
	if f == 0 {
		kind = report.Zero
		f = 0 // no negative zero
	}
	return Value{Kind: kind, Clean: clean}, f
}

// asciiSpace are the ASCII characters unicode.IsSpace accepts.
const asciiSpace = " \t\n\v\f\r"

func isBlank(r rune) bool { return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// smallInt reads the common figure, a plain integer of up to 15 digits, exactly and without ParseFloat.
func smallInt(digits string) (float64, bool) {
	if digits == "" || len(digits) > 15 {
		return 0, false
	}
	n := int64(0)
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return float64(n), true
}

// number is where a figure ends in a cell's text and how it is written.
type number struct {
	end      int  // the figure is s[:end]; a unit may follow
	negative bool // a leading '-'
	commas   bool // thousands separators
}

// scanNumber reads a figure from the start of s: an optional sign, digits (plain, or grouped in threes by
// commas, 1,234,567), an optional decimal part, then nothing or one of units. ok is false for anything else
// (1,2345 or 12.3.4 or 1O3 are not numbers).
func scanNumber(s string) (n number, ok bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		n.negative = s[i] == '-'
		i++
	}
	start, group := i, 0 // group: digits since the last comma
	for ; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			group++
			continue
		}
		if c != ',' {
			break
		}
		// A comma follows one to three leading digits, or exactly three after the previous comma.
		if group == 0 || group > 3 || (n.commas && group != 3) {
			return n, false
		}
		n.commas, group = true, 0
	}
	if i == start || group == 0 || (n.commas && group != 3) {
		return n, false
	}
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i+1 {
			return n, false
		}
		i = j
	}
	n.end = i
	if rest := s[i:]; rest != "" && !units[rest] {
		return n, false
	}
	return n, true
}

// isValue reports whether a cell's text is a value rather than a label (see valueLike). It is asked of
// every cell, and most are labels: a CJK ideograph that no value holds answers at once.
func isValue(text string) bool {
	for _, r := range text {
		if r >= 0x4E00 && r <= 0x9FFF && !valueHan(r) {
			// Unified ideographs are left alone by NFKC, and only valueHan's appear in values.
			return false
		}
	}
	v, _ := readValue(text, false)
	return valueLike(v, text)
}

// valueHan reports the ideographs values hold: 无 and 不适用 (not applicable), and the units.
func valueHan(r rune) bool {
	switch r {
	case '无', '不', '适', '用', '万', '元', '件', '个', '项', '条', '次', '人':
		return true
	}
	return false
}

// valueLike reports whether a text is a cell value rather than a label: a number, zero or "not applicable",
// or a short string with digits and no Chinese (an unreadable number such as 1O3 or 12.3.4).
func valueLike(v Value, raw string) bool {
	switch v.Kind {
	case report.Number, report.Zero, report.NotApplicable:
		return true
	case report.Text:
		return unreadableNumber(raw)
	}
	return false
}

func unreadableNumber(raw string) bool {
	s := strings.TrimSpace(raw)
	if template.Longer(s, 16) {
		return false
	}
	hasDigit := false
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return false
		}
		if unicode.IsDigit(r) {
			hasDigit = true
		}
	}
	return hasDigit
}
