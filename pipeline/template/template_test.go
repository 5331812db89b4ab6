package template

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNorm(t *testing.T) {
	cases := []struct{ in, want string }{
		{"一、本年新收政府信息公开申请数量", "本年新收申请数量"},
		{"本年新收申请数量", "本年新收申请数量"},
		{"（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "部分公开(区分处理的,只计这一情形,不计其他情形)"},
		{"2.其他法律、行政法规禁止公开", "其他法律行政法规禁止公开"},
		{"3.危及“三安全一稳定”", "危及三安全一稳定"},
		{"商业 企业", "商业企业"},
		{"結果\n糾正", "结果纠正"},
		{"規章", "规章"},
		{"本年收費金額(單位:萬元)", "本年收费金额(单位:万元)"},
		{"? 總計", "总计"},
		{"(七)总计：", "总计"},
		{"第二十条第（一）项", "第二十条第(一)项"},
	}
	for _, c := range cases {
		if got := Norm(c.in); got != c.want {
			t.Errorf("Norm(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := Loose("现行有效件数（历史累计）"); got != "现行有效件数" {
		t.Errorf("Loose = %q", got)
	}
}

func TestMatchRow(t *testing.T) {
	app := MustGet(V2021).Table(Applications)
	cases := []struct {
		label, group, want string
		how                How
	}{
		{"一、本年新收政府信息公开申请数量", "", "new_received", Exact},
		{"（一）予以公开", "", "granted", Exact},
		{"(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "", "partly_granted", Exact},
		{"部分公开", "", "partly_granted", Exact},
		{"1.本机关不掌握相关政府信息", "无法提供", "unable_not_held", Exact},
		{"3.其他", "其他处理", "other_other", Exact},
		{"(七)总计", "", "processed_total", Exact},
		{"四、结转下年度继续办理", "", "carried_out", Exact},
		{"本年新收政府信息公开申请", "", "new_received", Exact},
		{"申請人逾期未按收費通知要求繳納費用、行政機關不再處理其政府信息公開申請", "其他处理", "other_no_fee", Exact},
		{"行政检查", "", "", NoMatch},
		{"", "", "", NoMatch},
	}
	for _, c := range cases {
		r, how := app.MatchRow(c.label, c.group)
		got := ""
		if r != nil {
			got = r.Key
		}
		if got != c.want || how != c.how {
			t.Errorf("MatchRow(%q, %q) = %q %q, want %q %q", c.label, c.group, got, how, c.want, c.how)
		}
	}
	// 2019 has one 其他处理 row carrying figures; 2021 makes it a group.
	if r, _ := MustGet(V2019).Table(Applications).MatchRow("(六)其他处理", ""); r == nil || r.Key != "other" {
		t.Errorf("2019 其他处理 = %v", r)
	}
	if _, ok := MustGet(V2021).IsGroup("(六)其他处理"); !ok {
		t.Error("2021 其他处理 should be a group")
	}
}

func TestMatchCol(t *testing.T) {
	rl := MustGet(V2021).Table(ReviewLitigation)
	cases := []struct {
		table *Table
		label string
		want  string
		how   How
	}{
		{rl, "结果维持", "upheld", Exact},
		{rl, "结果", "", NoMatch}, // lost second line: 结果维持 or 结果纠正
		{rl, "尚未", "pending", PrefixHow},
		{rl, "其他", "other", PrefixHow},
		{rl, "总计", "total", Exact},
		{MustGet(V2019).Table(Active), "本年增/", "change", PrefixHow},
		{MustGet(V2019).Table(Active), "采购总金额(万元,保留四位小数)", "amount_10k_yuan", Exact},
		{MustGet(V2021).Table(Active), "现行有效件数(历史累计)", "in_force", Exact},
		{MustGet(V2021).Table(Active), "本年收费金额（单位：万元）", "amount_10k_yuan", Exact},
		{MustGet(V2021).Table(Applications), "商业 企业", "commercial", Exact},
		{MustGet(V2021).Table(Applications), "其他", "other_org", Exact},
	}
	for _, c := range cases {
		col, how := c.table.MatchCol(c.label)
		got := ""
		if col != nil {
			got = col.Key
		}
		if got != c.want || how != c.how {
			t.Errorf("MatchCol(%s, %q) = %q %q, want %q %q", c.table.Key, c.label, got, how, c.want, c.how)
		}
	}
}

func TestTemplateShape(t *testing.T) {
	// The spec's counts: table 2 has 10 numbers (2021), table 3 25×7 = 175, table 4 15.
	count := func(v Version) map[string]int {
		n := map[string]int{}
		for _, c := range MustGet(v).Cells() {
			n[c.Table]++
		}
		return n
	}
	want := map[Version]map[string]int{
		V2021: {Active: 10, Applications: 175, ReviewLitigation: 15},
		V2019: {Active: 3*2 + 3*3 + 2, Applications: 23 * 7, ReviewLitigation: 15},
	}
	for v, w := range want {
		got := count(v)
		for k, n := range w {
			if got[k] != n {
				t.Errorf("%s %s: %d cells, want %d", v, k, got[k], n)
			}
		}
	}
	// Keys are unique within a table.
	for _, v := range Versions() {
		for _, tb := range MustGet(v).Tables {
			seen := map[string]bool{}
			for _, r := range tb.Rows {
				if seen[r.Key] {
					t.Errorf("%s %s: row key %s twice", v, tb.Key, r.Key)
				}
				seen[r.Key] = true
			}
		}
	}
	if Numeral(3) != "三" || Numeral(10) != "十" || Numeral(0) != "" || Numeral(11) != "" {
		t.Error("Numeral")
	}
	if ForYear(2020) != V2019 || ForYear(2021) != V2021 || ForYear(0) != V2021 {
		t.Error("ForYear")
	}
	for _, s := range []string{"二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"} {
		if _, key, ok := Section(s); !ok || key == "" {
			t.Errorf("Section(%q) not found", s)
		}
	}
	if _, _, ok := Section("一、本年新收政府信息公开申请数量"); ok {
		t.Error("a row label is not a section heading")
	}
}

func TestLonger(t *testing.T) {
	for _, s := range []string{"", "a", "abc", "规章", "本年新收政府信息公开申请数量", "1,234 件", "𠁞𠌥规", strings.Repeat("规", 100)} {
		for n := 0; n <= 40; n++ {
			if got, want := Longer(s, n), utf8.RuneCountInString(s) > n; got != want {
				t.Errorf("Longer(%q, %d) = %v, want %v", s, n, got, want)
			}
		}
	}
}

// TestAnchorTable: one lookup answers what asking each table's IsAnchor in turn answers.
func TestAnchorTable(t *testing.T) {
	for _, v := range []Version{V2019, V2021} {
		tp := MustGet(v)
		var labels []string
		for _, tb := range tp.Tables {
			labels = append(labels, tb.Anchors...)
			for _, r := range tb.Rows {
				labels = append(labels, r.Label, "("+r.Label+")", r.Label[:len(r.Label)/2])
			}
			for _, c := range tb.Cols {
				labels = append(labels, c.Label, "1."+c.Label)
			}
		}
		labels = append(labels, "", "规章", "总计", "行政複議", "自然人", "第二十条第(一)项", "结果")
		hits := 0
		for _, l := range labels {
			want := ""
			for _, tb := range tp.Tables {
				if tb.IsAnchor(l) {
					want = tb.Key
					break
				}
			}
			if got := tp.AnchorTable(l); got != want {
				t.Errorf("%s: AnchorTable(%q) = %q, IsAnchor says %q", v, l, got, want)
			}
			if want != "" {
				hits++
			}
		}
		if hits < 15 {
			t.Errorf("%s: only %d anchors among %d labels", v, hits, len(labels))
		}
	}
}
