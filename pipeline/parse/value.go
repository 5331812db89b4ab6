package parse

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/gkbench/gkbench/pipeline/report"
	"golang.org/x/text/unicode/norm"
)

// Value is what one cell holds.
type Value struct {
	Kind  report.CellKind
	Num   *float64 // set for Number and Zero
	Clean string   // the digits as read (separators and stray characters removed), or the trimmed text
}

var numberRe = regexp.MustCompile(`^([+-])?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(万元|元|万|件|个|项|条|次|人次)?$`)

// naTexts are the ways a report prints "not applicable".
var naTexts = map[string]bool{
	"/": true, "-": true, "—": true, "——": true, "–": true, "―": true, "−": true, "无": true, "\\": true,
	"×": true, "不适用": true, "--": true, "/ ": true, "／": true, "－": true,
}

// strayPrefix are characters seen before digits in copied pages (`? 0` on a Traditional mirror).
const strayPrefix = "?？*＊#"

// ParseValue reads a cell's text. money says the cell is an amount in 万元: a cell stating 元 is converted.
func ParseValue(raw string, money bool) Value {
	s := norm.NFKC.String(raw)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
			return -1
		}
		return r
	}, s)
	s = strings.TrimLeft(s, strayPrefix)
	if s == "" {
		return Value{Kind: report.Empty}
	}
	if naTexts[s] {
		return Value{Kind: report.NotApplicable, Clean: s}
	}
	m := numberRe.FindStringSubmatch(s)
	if m == nil {
		return Value{Kind: report.Text, Clean: s}
	}
	digits := strings.ReplaceAll(m[2], ",", "") + m[3]
	f, err := strconv.ParseFloat(digits, 64)
	if err != nil {
		return Value{Kind: report.Text, Clean: s}
	}
	if m[1] == "-" {
		f = -f
	}
	switch m[4] {
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
	return Value{Kind: kind, Num: &f, Clean: m[1] + digits}
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
	if len([]rune(s)) > 16 {
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
