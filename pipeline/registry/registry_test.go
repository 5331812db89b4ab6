package registry

import (
	"errors"
	"strings"
	"testing"
)

const good = `version: 1
sources:
  - id: beijing-fengtai
    issuer: 北京市丰台区人民政府
    jurisdiction: 丰台区
    division_code: "110106"
    level: district
    parent: "110000"
    start_urls:
      - url: https://www.bjft.gov.cn/ftq/c100059/
        verified: true
      - url: https://www.beijing.gov.cn/gongkai/zfxxgk/zfxxgknb/{year}nb/qzf/
        years: 2022-2023
        title_contains: [丰台区]
    allowed_hosts: [www.bjft.gov.cn, WWW.Beijing.gov.cn]
  - id: fengtai-fgw
    issuer: 北京市丰台区发展和改革委员会
    jurisdiction: 丰台区
    division_code: "110106"
    level: department
    parent: beijing-fengtai
    start_urls:
      - url: http://127.0.0.1:8080/fgw/
    allowed_hosts: ["127.0.0.1:8080"]
    hints:
      pagination_pattern: index_{n}.html
      encoding: gbk
      drop_params: [from, utm_*]
`

func TestParseGood(t *testing.T) {
	r, err := Parse("good.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	s, ok := r.Source("beijing-fengtai")
	if !ok {
		t.Fatal("source missing")
	}
	starts := s.Starts()
	want := []string{
		"https://www.bjft.gov.cn/ftq/c100059/",
		"https://www.beijing.gov.cn/gongkai/zfxxgk/zfxxgknb/2022nb/qzf/",
		"https://www.beijing.gov.cn/gongkai/zfxxgk/zfxxgknb/2023nb/qzf/",
	}
	if len(starts) != len(want) {
		t.Fatalf("starts %+v", starts)
	}
	for i, w := range want {
		if starts[i].URL != w {
			t.Errorf("start %d = %s, want %s", i, starts[i].URL, w)
		}
	}
	if starts[2].Year != 2023 || starts[2].TitleContains[0] != "丰台区" || !starts[0].Verified || starts[1].Verified {
		t.Errorf("start details lost: %+v", starts)
	}
	if !s.Allows("www.beijing.gov.cn") || !s.Allows("WWW.BJFT.GOV.CN") || s.Allows("bjbahr.com") {
		t.Error("allowed hosts not normalised to lower case")
	}
	if got := strings.Join(r.Hosts(), " "); got != "127.0.0.1:8080 www.beijing.gov.cn www.bjft.gov.cn" {
		t.Errorf("Hosts() = %s", got)
	}
	// Hints are compiled once, when the registry loads.
	fgw, _ := r.Source("fengtai-fgw")
	h := &fgw.Hints
	if re := h.PaginationRE(); re == nil || !re.MatchString("http://127.0.0.1:8080/fgw/index_12.html") || re.MatchString("http://127.0.0.1:8080/fgw/index_x.html") {
		t.Errorf("pagination regexp %v", re)
	}
	if h.LinkRE() != nil || !h.DropParamsGiven() || strings.Join(h.DropParams, ",") != "from,utm_*" {
		t.Errorf("hints %+v", *h)
	}
	if s.Hints.DropParamsGiven() {
		t.Error("drop_params given where it was not written")
	}
}

func TestShippedRegistry(t *testing.T) {
	r, err := LoadBeijing()
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for _, s := range r.Sources {
		codes[s.DivisionCode] = true
		if s.Level != District || !strings.HasPrefix(s.DivisionCode, "1101") {
			t.Errorf("%s: level %s code %s", s.ID, s.Level, s.DivisionCode)
		}
		for _, st := range s.Starts() {
			if strings.Contains(st.URL, "127.0.0.1") || strings.Contains(st.URL, "localhost") {
				t.Errorf("%s: loopback start URL %s in the shipped registry", s.ID, st.URL)
			}
		}
	}
	// GB/T 2260: Beijing's 16 districts.
	for _, c := range []string{"110101", "110102", "110105", "110106", "110107", "110108", "110109", "110111",
		"110112", "110113", "110114", "110115", "110116", "110117", "110118", "110119"} {
		if !codes[c] {
			t.Errorf("district %s missing", c)
		}
	}
	if len(r.Sources) != 16 {
		t.Errorf("%d sources, want 16", len(r.Sources))
	}
}

// edit returns good with one line replaced.
func edit(old, new string) string {
	if !strings.Contains(good, old) {
		panic("fixture lacks " + old)
	}
	return strings.Replace(good, old, new, 1)
}

func TestValidation(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []string // every message expected, "file:line: …" included
	}{
		{"syntax", "version: 1\nsources:\n  - id: [x\n", []string{"bad.yaml:", "YAML 语法错误"}},
		{"empty", "", []string{"bad.yaml: 文件为空"}},
		{"version", edit("version: 1", "version: 2"), []string{"bad.yaml:1: version 应为 1,而不是 \"2\""}},
		{"no sources", "version: 1\nsources: []\n", []string{"bad.yaml:2: sources 应是非空列表"}},
		{"unknown field", edit("    level: district", "    levle: district"),
			[]string{`bad.yaml:7: 来源 beijing-fengtai: 未知字段 "levle"`, "bad.yaml:3: 来源 beijing-fengtai: 缺少 level"}},
		{"bad id", edit("id: beijing-fengtai", "id: Beijing_Fengtai"),
			[]string{`bad.yaml:3: 来源 Beijing_Fengtai: id "Beijing_Fengtai" 只能含小写字母`}},
		{"duplicate id", edit("id: fengtai-fgw", "id: beijing-fengtai"),
			[]string{"bad.yaml:16: 来源 beijing-fengtai: id 重复(第 3 行已有同名来源)", "bad.yaml:21: 来源 beijing-fengtai: parent 不能是自己"}},
		{"code", edit(`division_code: "110106"`, `division_code: "11010"`),
			[]string{`bad.yaml:6: 来源 beijing-fengtai: division_code "11010" 应是六位数字`}},
		{"code of a city for a district", edit(`division_code: "110106"`, `division_code: "110100"`),
			[]string{"bad.yaml:6: 来源 beijing-fengtai: division_code 110100 是地级以上代码"}},
		{"parent code elsewhere", edit(`parent: "110000"`, `parent: "120000"`),
			[]string{"bad.yaml:8: 来源 beijing-fengtai: parent 代码 120000 不包含 division_code 110106"}},
		{"level", edit("level: department", "level: bureau"),
			[]string{`bad.yaml:20: 来源 fengtai-fgw: level "bureau" 无效`}},
		{"unknown parent", edit("parent: beijing-fengtai", "parent: beijing-fentai"),
			[]string{`bad.yaml:21: 来源 fengtai-fgw: parent "beijing-fentai" 既不是登记表中的来源 id`}},
		{"department without parent", edit("    parent: beijing-fengtai\n", ""),
			[]string{"bad.yaml:16: 来源 fengtai-fgw: department 级来源须给出 parent"}},
		{"scheme", edit("url: https://www.bjft.gov.cn/ftq/c100059/", "url: ftp://www.bjft.gov.cn/ftq/"),
			[]string{`bad.yaml:10: 来源 beijing-fengtai: start_urls[0] "ftp://www.bjft.gov.cn/ftq/" 应以 http:// 或 https:// 开头`}},
		{"host not allowed", edit("url: https://www.bjft.gov.cn/ftq/c100059/", "url: https://bjft.gov.cn/ftq/c100059/"),
			[]string{"bad.yaml:10: 来源 beijing-fengtai: start_urls[0] 的主机 bjft.gov.cn 不在 allowed_hosts 中"}},
		{"mirror host", edit("allowed_hosts: [www.bjft.gov.cn, WWW.Beijing.gov.cn]", "allowed_hosts: [www.bjft.gov.cn, www.beijing.gov.cn, bjbahr.com]"),
			[]string{"bad.yaml:15: 来源 beijing-fengtai: bjbahr.com 是转载/镜像站点,不能作为来源"}},
		{"host with scheme", edit(`allowed_hosts: ["127.0.0.1:8080"]`, `allowed_hosts: ["http://127.0.0.1:8080/"]`),
			[]string{`bad.yaml:24: 来源 fengtai-fgw: allowed_hosts 中 "http://127.0.0.1:8080/" 不是主机名`}},
		{"year without years", edit("        years: 2022-2023\n", ""),
			[]string{"bad.yaml:12: 来源 beijing-fengtai: start_urls[1] 的地址含 {year},须给出 years"}},
		{"bad years", edit("years: 2022-2023", "years: 2023-2022"),
			[]string{`bad.yaml:13: 来源 beijing-fengtai: start_urls[1].years: 年份范围 "2023-2022" 无效`}},
		{"bad regexp", edit("pagination_pattern: index_{n}.html", "link_pattern: \"t(\\\\d+\""),
			[]string{"bad.yaml:26: 来源 fengtai-fgw: hints.link_pattern 不是有效的正则表达式"}},
		{"pagination without {n}", edit("pagination_pattern: index_{n}.html", "pagination_pattern: index_1.html"),
			[]string{`bad.yaml:26: 来源 fengtai-fgw: hints.pagination_pattern "index_1.html" 须含 {n}`}},
		{"drop_params", edit("drop_params: [from, utm_*]", "drop_params: [from, \"a b\"]"),
			[]string{`bad.yaml:28: 来源 fengtai-fgw: hints.drop_params 中 "a b" 不是参数名`}},
		{"encoding", edit("encoding: gbk", "encoding: latin1"),
			[]string{`bad.yaml:27: 来源 fengtai-fgw: hints.encoding "latin1" 不受支持`}},
		{"type error", edit("        verified: true", "        verified: [yes]"),
			[]string{"bad.yaml:11: 来源 beijing-fengtai: 字段类型错误"}},
		{"several at once", edit("issuer: 北京市丰台区发展和改革委员会", "issuer: \"\"") + "  - id: x\n",
			[]string{"bad.yaml:17: 来源 fengtai-fgw: 缺少 issuer", "bad.yaml:29: 来源 x: 缺少 start_urls", "bad.yaml:29: 来源 x: 缺少 allowed_hosts"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(tc.yaml))
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("err = %v, want a ValidationError", err)
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message lacks %q:\n%s", w, msg)
				}
			}
		})
	}
}
