package parse

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/gkbench/gkbench/pipeline/report"
)

func TestParseValue(t *testing.T) {
	num := func(f float64) *float64 { return &f }
	cases := []struct {
		raw   string
		money bool
		kind  report.CellKind
		num   *float64
		clean string
	}{
		{"0", false, report.Zero, num(0), "0"},
		{" 0 ", false, report.Zero, num(0), "0"},
		{"? 0", false, report.Zero, num(0), "0"},
		{"\u00a0", false, report.Empty, nil, ""},
		{"", false, report.Empty, nil, ""},
		{"92486", false, report.Number, num(92486), "92486"},
		{"92,486", false, report.Number, num(92486), "92486"},
		{"92，486", false, report.Number, num(92486), "92486"},
		{"９２４８６", false, report.Number, num(92486), "92486"},
		{"1,2345", false, report.Text, nil, "1,2345"},
		{"5098.4139", true, report.Number, num(5098.4139), "5098.4139"},
		{"103.3879万元", true, report.Number, num(103.3879), "103.3879"},
		{"251000元", true, report.Number, num(25.1), "251000"},
		{"+3", false, report.Number, num(3), "+3"},
		{"-2", false, report.Number, num(-2), "-2"},
		{"12件", false, report.Number, num(12), "12"},
		{"/", false, report.NotApplicable, nil, "/"},
		{"—", false, report.NotApplicable, nil, "—"},
		{"－", false, report.NotApplicable, nil, "-"},
		{"无", false, report.NotApplicable, nil, "无"},
		{"1O3", false, report.Text, nil, "1O3"},
		{"12.3.4", false, report.Text, nil, "12.3.4"},
		{"规章", false, report.Text, nil, "规章"},
	}
	for _, c := range cases {
		v := ParseValue(c.raw, c.money)
		if v.Kind != c.kind || v.Clean != c.clean || (v.Num == nil) != (c.num == nil) || (v.Num != nil && *v.Num != *c.num) {
			t.Errorf("ParseValue(%q, %v) = %s %v %q, want %s %v %q", c.raw, c.money, v.Kind, deref(v.Num), v.Clean, c.kind, deref(c.num), c.clean)
		}
	}
	for raw, want := range map[string]bool{"1O3": true, "12.3.4": true, "1.属于国家秘密": false, "第二十条": false, "总计": false} {
		if got := valueLike(ParseValue(raw, false), raw); got != want {
			t.Errorf("valueLike(%q) = %v, want %v", raw, got, want)
		}
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// refNumber is the regular expression ParseValue's scanner replaced; the fuzz target below holds the two
// to the same answers.
var refNumber = regexp.MustCompile(`^([+-])?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(万元|元|万|件|个|项|条|次|人次)?$`)

func FuzzScanNumber(f *testing.F) {
	for _, s := range []string{"0", "92,486", "1,2345", "5098.4139", "103.3879万元", "+3", "-2", "12件", "1O3", "12.3.4",
		",1", "1,", "1,234,567.8", "1.", ".5", "0,123", "1,234.5,6", "3人次", "3次人", "-", "+", "123456789012345678901234567890",
		"不适用", "无", "12万元", "１２万元", "本机关不掌握", "1O3", "⼈次"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isValue(s), valueLike(ParseValue(s, false), s); got != want {
			t.Fatalf("isValue(%q) = %v, ParseValue and valueLike say %v", s, got, want)
		}
		m := refNumber.FindStringSubmatch(s)
		n, ok := scanNumber(s)
		if ok != (m != nil) {
			t.Fatalf("scanNumber(%q) ok=%v, regexp %v", s, ok, m)
		}
		if !ok {
			return
		}
		if got, want := s[:n.end], m[1]+m[2]+m[3]; got != want || n.negative != (m[1] == "-") || n.commas != strings.Contains(m[2], ",") || s[n.end:] != m[4] {
			t.Fatalf("scanNumber(%q) = %+v (%q), regexp %q", s, n, got, m)
		}
		// The figure, as the regexp-based reader computed it.
		want, err := strconv.ParseFloat(strings.ReplaceAll(m[2], ",", "")+m[3], 64)
		if err != nil {
			return
		}
		if m[1] == "-" {
			want = -want
		}
		if m[4] == "万" {
			want *= 10000
		}
		if v := ParseValue(s, false); v.Num == nil || *v.Num != want && !(want == 0 && *v.Num == 0) {
			t.Fatalf("ParseValue(%q) = %+v, want %v", s, v, want)
		}
	})
}

// TestParseValueAllocs: telling a value from a label costs no allocation for plain cells.
func TestParseValueAllocs(t *testing.T) {
	for _, s := range []string{"92486", " 0 ", "规章", "/", "5098.4139", "本机关不掌握相关政府信息"} {
		if n := testing.AllocsPerRun(100, func() { readValue(s, false) }); n != 0 {
			t.Errorf("readValue(%q): %v allocations", s, n)
		}
	}
}

// TestValueHan: isValue's shortcut knows every ideograph a value may hold (not-applicable texts, units).
func TestValueHan(t *testing.T) {
	for _, set := range []map[string]bool{naTexts, units} {
		for s := range set {
			for _, r := range s {
				if r >= 0x4E00 && r <= 0x9FFF && !valueHan(r) {
					t.Errorf("%q in %q: not in valueHan", r, s)
				}
			}
		}
	}
}

// TestTrim: the shortcuts of trimSpace and cleanLabel give what the strings functions give.
func TestTrim(t *testing.T) {
	for _, s := range []string{"", " ", "规章", " 规章 ", "规章\u3000", "\u00a0总计", "结果 |", "a", "a\u2028", "|", "自然人|", "\u3000\u3000", "\xff"} {
		if got, want := trimSpace(s), strings.TrimSpace(s); got != want {
			t.Errorf("trimSpace(%q) = %q, want %q", s, got, want)
		}
		if got, want := cleanLabel(s), strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "|")); got != want {
			t.Errorf("cleanLabel(%q) = %q, want %q", s, got, want)
		}
	}
	for r := rune(0); r <= 0x10FFFF; r++ {
		if isSpace(r) != unicode.IsSpace(r) {
			t.Fatalf("isSpace(%U) = %v", r, isSpace(r))
		}
	}
}
