// Package registry holds the crawler's sources: who publishes annual reports, where their listing pages are
// and which hosts belong to them. The registry is a YAML file shipped in the repository (beijing.yaml here);
// Load validates it and names every problem with its line.
package registry

import (
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Beijing is the shipped registry of Beijing's 16 districts.
//
//go:embed beijing.yaml
var Beijing []byte

// BeijingName is the name Beijing is validated under (for error messages).
const BeijingName = "pipeline/registry/beijing.yaml"

// Levels of a source.
const (
	District    = "district"
	Department  = "department"
	SubDistrict = "sub-district"
)

// Registry is a validated source registry.
type Registry struct {
	Version int      `yaml:"version"`
	Sources []Source `yaml:"sources"`
	Name    string   `yaml:"-"` // file it was read from
}

// Source is one publisher.
type Source struct {
	ID           string     `yaml:"id"`
	Issuer       string     `yaml:"issuer"`
	Jurisdiction string     `yaml:"jurisdiction"`  // the district the reports belong to, as the parser names it (丰台区)
	DivisionCode string     `yaml:"division_code"` // GB/T 2260, six digits
	Level        string     `yaml:"level"`         // district, department or sub-district
	Parent       string     `yaml:"parent"`        // id of another source, or the division code of the enclosing area
	StartURLs    []StartURL `yaml:"start_urls"`
	AllowedHosts []string   `yaml:"allowed_hosts"`
	Hints        Hints      `yaml:"hints"`
	Note         string     `yaml:"note"`
}

// StartURL is a listing page of the source's annual reports.
type StartURL struct {
	URL string `yaml:"url"`
	// Years expands a {year} placeholder in URL ("2019-2025" or "2019,2021").
	Years string `yaml:"years"`
	// TitleContains keeps only report links whose text contains one of these (a shared listing, such as
	// the municipal portal's collection of every district's reports).
	TitleContains []string `yaml:"title_contains"`
	// Verified is true once the URL was seen to work; false marks a URL inferred from report URLs.
	Verified bool   `yaml:"verified"`
	Note     string `yaml:"note"`
}

// Hints adapt discovery to one CMS.
type Hints struct {
	LinkPattern       string `yaml:"link_pattern"`       // regexp on absolute URLs: also a report link
	FollowPattern     string `yaml:"follow_pattern"`     // regexp on absolute URLs: a further listing page
	PaginationPattern string `yaml:"pagination_pattern"` // page URL template with {n}, e.g. "index_{n}.html"
	Encoding          string `yaml:"encoding"`           // charset to assume when the server names none
	MaxPages          int    `yaml:"max_pages"`          // listing pages per start URL (default 200)
	// DropParams are the query parameters that do not change a page (tracking, cache busters), dropped
	// before a URL is queued; "utm_*" drops every parameter starting utm_. Given, it replaces the
	// crawler's default list for this source; an empty list keeps every parameter.
	DropParams []string `yaml:"drop_params"`

	dropGiven                bool
	linkRE, followRE, pageRE *regexp.Regexp
}

// LinkRE is link_pattern compiled (nil when not given).
func (h *Hints) LinkRE() *regexp.Regexp { return h.linkRE }

// FollowRE is follow_pattern compiled (nil when not given).
func (h *Hints) FollowRE() *regexp.Regexp { return h.followRE }

// PaginationRE matches the absolute URLs pagination_pattern describes ("index_{n}.html" → …index_\d+\.html$;
// nil when not given).
func (h *Hints) PaginationRE() *regexp.Regexp { return h.pageRE }

// DropParamsGiven says whether drop_params was written (an empty list included).
func (h *Hints) DropParamsGiven() bool { return h.dropGiven }

// Problem is one thing wrong in a registry file.
type Problem struct {
	Line   int
	Source string // source id, when known
	Msg    string
}

// ValidationError lists every problem found.
type ValidationError struct {
	File     string
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "来源登记表 %s 有 %d 处错误:", e.File, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		if p.Line > 0 {
			fmt.Fprintf(&b, "%s:%d: ", e.File, p.Line)
		} else {
			fmt.Fprintf(&b, "%s: ", e.File)
		}
		if p.Source != "" {
			fmt.Fprintf(&b, "来源 %s: ", p.Source)
		}
		b.WriteString(p.Msg)
	}
	return b.String()
}

// Mirrors are hosts known to copy government reports (spam, machine translations). They are never sources.
var Mirrors = []string{
	"bjbahr.com", "qskui1658.cn", "xzscdzx.com", "hackwaw.com", "m.pjmajestic.com", "pjmajestic.com",
	"jingchikouqiang.com", "tristarphoto.com.cn", "hbsnhzjj.com", "xyqlz2009.cn", "lujijin.cn",
	"buxiugangdiaosu.cc", "bjsjbj.cn", "citytravelermag.com.cn", "fmlzs.com", "gy5y.cn", "irrioe.cn",
	"808168.net",
}

// Load reads and validates a registry file.
func Load(path string) (*Registry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("来源登记表: %w", err)
	}
	return Parse(path, b)
}

// LoadBeijing returns the shipped registry.
func LoadBeijing() (*Registry, error) { return Parse(BeijingName, Beijing) }

var (
	idRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	codeRE  = regexp.MustCompile(`^[1-9][0-9]{5}$`)
	hostRE  = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$`)
	yearsRE = regexp.MustCompile(`^\s*(\d{4})\s*-\s*(\d{4})\s*$`)
)

var encodings = map[string]bool{"utf-8": true, "gbk": true, "gb2312": true, "gb18030": true, "big5": true}

// Parse validates registry data; name is used in messages.
func Parse(name string, data []byte) (*Registry, error) {
	verr := &ValidationError{File: name}
	add := func(line int, src, format string, args ...any) {
		verr.Problems = append(verr.Problems, Problem{Line: line, Source: src, Msg: fmt.Sprintf(format, args...)})
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		add(yamlLine(err), "", "YAML 语法错误: %s", yamlMsg(err))
		return nil, verr
	}
	if len(root.Content) == 0 {
		add(0, "", "文件为空")
		return nil, verr
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		add(doc.Line, "", "顶层应是映射(version: 1 与 sources: 列表)")
		return nil, verr
	}
	reg := &Registry{Name: name}
	knownKeys(doc, "", map[string]bool{"version": true, "sources": true}, add)
	if v := field(doc, "version"); v == nil {
		add(doc.Line, "", "缺少 version(应为 1)")
	} else if n, err := strconv.Atoi(v.Value); err != nil || n != 1 {
		add(v.Line, "", "version 应为 1,而不是 %q", v.Value)
	} else {
		reg.Version = n
	}
	srcs := field(doc, "sources")
	if srcs == nil || srcs.Kind != yaml.SequenceNode || len(srcs.Content) == 0 {
		line := doc.Line
		if srcs != nil {
			line = srcs.Line
		}
		add(line, "", "sources 应是非空列表")
		return nil, verr
	}
	ids := map[string]int{}
	for i, n := range srcs.Content {
		label := fmt.Sprintf("#%d", i+1)
		if n.Kind != yaml.MappingNode {
			add(n.Line, label, "每个来源应是映射(id、issuer、start_urls 等字段)")
			continue
		}
		if id := field(n, "id"); id != nil && id.Value != "" {
			label = id.Value
		}
		knownKeys(n, label, sourceKeys, add)
		var s Source
		if err := n.Decode(&s); err != nil {
			add(yamlLine(err), label, "字段类型错误: %s", yamlMsg(err))
			continue
		}
		validateSource(n, &s, label, ids, add)
		reg.Sources = append(reg.Sources, s)
	}
	// Parents may be declared after their children, so they are checked once every id is known.
	for i, n := range srcs.Content {
		if i >= len(reg.Sources) || n.Kind != yaml.MappingNode {
			continue
		}
		s := reg.Sources[i]
		if s.Parent == "" || codeRE.MatchString(s.Parent) {
			continue
		}
		if _, ok := ids[s.Parent]; !ok {
			add(line(n, "parent"), s.ID, "parent %q 既不是登记表中的来源 id,也不是六位行政区划代码", s.Parent)
		} else if s.Parent == s.ID {
			add(line(n, "parent"), s.ID, "parent 不能是自己")
		}
	}
	if len(verr.Problems) > 0 {
		sort.SliceStable(verr.Problems, func(a, b int) bool { return verr.Problems[a].Line < verr.Problems[b].Line })
		return nil, verr
	}
	return reg, nil
}

var sourceKeys = map[string]bool{"id": true, "issuer": true, "jurisdiction": true, "division_code": true,
	"level": true, "parent": true, "start_urls": true, "allowed_hosts": true, "hints": true, "note": true}

var startKeys = map[string]bool{"url": true, "years": true, "title_contains": true, "verified": true, "note": true}

var hintKeys = map[string]bool{"link_pattern": true, "follow_pattern": true, "pagination_pattern": true,
	"encoding": true, "max_pages": true, "drop_params": true}

var paramRE = regexp.MustCompile(`^[A-Za-z0-9_.\-\[\]]+\*?$`)

func validateSource(n *yaml.Node, s *Source, label string, ids map[string]int, add func(int, string, string, ...any)) {
	switch {
	case s.ID == "":
		add(n.Line, label, "缺少 id")
	case !idRE.MatchString(s.ID):
		add(line(n, "id"), label, "id %q 只能含小写字母、数字和连字符,且以字母或数字开头", s.ID)
	default:
		if prev, dup := ids[s.ID]; dup {
			add(line(n, "id"), label, "id 重复(第 %d 行已有同名来源)", prev)
		} else {
			ids[s.ID] = line(n, "id")
		}
	}
	if strings.TrimSpace(s.Issuer) == "" {
		add(line(n, "issuer"), label, "缺少 issuer(发布机关名称)")
	}
	if strings.TrimSpace(s.Jurisdiction) == "" {
		add(line(n, "jurisdiction"), label, "缺少 jurisdiction(所属区县,如 丰台区)")
	}
	switch {
	case s.DivisionCode == "":
		add(line(n, "division_code"), label, "缺少 division_code(GB/T 2260 六位行政区划代码,如 110106)")
	case !codeRE.MatchString(s.DivisionCode):
		add(line(n, "division_code"), label, "division_code %q 应是六位数字(GB/T 2260,如 110106)", s.DivisionCode)
	case s.Level == District && strings.HasSuffix(s.DivisionCode, "00"):
		add(line(n, "division_code"), label, "division_code %s 是地级以上代码,区县级来源的代码末两位不应为 00", s.DivisionCode)
	}
	switch s.Level {
	case District, Department, SubDistrict:
	case "":
		add(line(n, "level"), label, "缺少 level(district、department 或 sub-district)")
	default:
		add(line(n, "level"), label, "level %q 无效,应为 district、department 或 sub-district", s.Level)
	}
	if s.Parent == "" && (s.Level == Department || s.Level == SubDistrict) {
		add(line(n, "parent"), label, "%s 级来源须给出 parent(上级来源的 id)", s.Level)
	}
	if codeRE.MatchString(s.Parent) && codeRE.MatchString(s.DivisionCode) {
		if !strings.HasPrefix(s.DivisionCode, strings.TrimRight(s.Parent, "0")) {
			add(line(n, "parent"), label, "parent 代码 %s 不包含 division_code %s", s.Parent, s.DivisionCode)
		}
	}

	hostsNode := field(n, "allowed_hosts")
	hosts := map[string]bool{}
	if len(s.AllowedHosts) == 0 {
		add(line(n, "allowed_hosts"), label, "缺少 allowed_hosts(允许抓取的主机名列表)")
	}
	for i, h := range s.AllowedHosts {
		hl := n.Line
		if hostsNode != nil && i < len(hostsNode.Content) {
			hl = hostsNode.Content[i].Line
		}
		norm := strings.ToLower(strings.TrimSpace(h))
		switch {
		case !hostRE.MatchString(norm):
			add(hl, label, "allowed_hosts 中 %q 不是主机名(只写主机名和可选端口,不带 http:// 或路径)", h)
		case isMirror(norm):
			add(hl, label, "%s 是转载/镜像站点,不能作为来源", h)
		}
		s.AllowedHosts[i] = norm
		hosts[norm] = true
	}

	urlsNode := field(n, "start_urls")
	if len(s.StartURLs) == 0 {
		add(line(n, "start_urls"), label, "缺少 start_urls(年报栏目的列表页地址)")
	}
	for i := range s.StartURLs {
		su := &s.StartURLs[i]
		el := n.Line
		var un *yaml.Node
		if urlsNode != nil && i < len(urlsNode.Content) {
			un = urlsNode.Content[i]
			el = un.Line
			knownKeys(un, label, startKeys, add)
		}
		ul := el
		if un != nil {
			ul = line(un, "url")
		}
		if su.URL == "" {
			add(el, label, "start_urls[%d] 缺少 url", i)
			continue
		}
		hasYear := strings.Contains(su.URL, "{year}")
		if hasYear && su.Years == "" {
			add(ul, label, "start_urls[%d] 的地址含 {year},须给出 years(如 2019-2025)", i)
		}
		if !hasYear && su.Years != "" {
			add(ul, label, "start_urls[%d] 给出了 years,但地址中没有 {year}", i)
		}
		if su.Years != "" {
			if _, err := ParseYears(su.Years); err != nil {
				yl := ul
				if un != nil {
					yl = line(un, "years")
				}
				add(yl, label, "start_urls[%d].years: %v", i, err)
			}
		}
		u, err := url.Parse(strings.ReplaceAll(su.URL, "{year}", "2000"))
		switch {
		case err != nil:
			add(ul, label, "start_urls[%d] %q 不是有效地址: %v", i, su.URL, err)
		case u.Scheme != "http" && u.Scheme != "https":
			add(ul, label, "start_urls[%d] %q 应以 http:// 或 https:// 开头", i, su.URL)
		case u.Host == "":
			add(ul, label, "start_urls[%d] %q 缺少主机名", i, su.URL)
		case isMirror(strings.ToLower(u.Hostname())):
			add(ul, label, "start_urls[%d] 指向转载/镜像站点 %s,不能作为来源", i, u.Host)
		case len(hosts) > 0 && !hosts[strings.ToLower(u.Host)]:
			add(ul, label, "start_urls[%d] 的主机 %s 不在 allowed_hosts 中", i, u.Host)
		}
	}

	if hn := field(n, "hints"); hn != nil {
		knownKeys(hn, label, hintKeys, add)
		// Compiled once, here; the crawler uses them on every listing page.
		for _, p := range []struct {
			key, val string
			re       **regexp.Regexp
		}{
			{"link_pattern", s.Hints.LinkPattern, &s.Hints.linkRE}, {"follow_pattern", s.Hints.FollowPattern, &s.Hints.followRE},
		} {
			if p.val == "" {
				continue
			}
			re, err := regexp.Compile(p.val)
			if err != nil {
				add(line(hn, p.key), label, "hints.%s 不是有效的正则表达式: %v", p.key, err)
			}
			*p.re = re
		}
		if p := s.Hints.PaginationPattern; p != "" && !strings.Contains(p, "{n}") {
			add(line(hn, "pagination_pattern"), label, "hints.pagination_pattern %q 须含 {n}(页码位置),如 index_{n}.html", p)
		} else if p != "" {
			s.Hints.pageRE = regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(p), regexp.QuoteMeta("{n}"), `\d+`) + "$")
		}
		if dn := field(hn, "drop_params"); dn != nil {
			s.Hints.dropGiven = true
			for _, d := range s.Hints.DropParams {
				if !paramRE.MatchString(d) {
					add(line(hn, "drop_params"), label, "hints.drop_params 中 %q 不是参数名(可在末尾加 * 表示前缀,如 utm_*)", d)
				}
			}
		}
		if e := strings.ToLower(s.Hints.Encoding); e != "" && !encodings[e] {
			add(line(hn, "encoding"), label, "hints.encoding %q 不受支持(可用 utf-8、gbk、gb2312、gb18030、big5)", s.Hints.Encoding)
		}
		if s.Hints.MaxPages < 0 {
			add(line(hn, "max_pages"), label, "hints.max_pages 不能为负数")
		}
	}
}

// ParseYears reads "2019-2025" or "2019,2021,2023".
func ParseYears(s string) ([]int, error) {
	var out []int
	if m := yearsRE.FindStringSubmatch(s); m != nil {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		if a > b || a < 1990 || b > 2100 {
			return nil, fmt.Errorf("年份范围 %q 无效", s)
		}
		for y := a; y <= b; y++ {
			out = append(out, y)
		}
		return out, nil
	}
	for _, part := range strings.Split(s, ",") {
		y, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || y < 1990 || y > 2100 {
			return nil, fmt.Errorf("%q 不是年份列表(应写 2019-2025 或 2019,2021)", s)
		}
		out = append(out, y)
	}
	return out, nil
}

// Start is one concrete listing URL of a source, with its {year} filled in.
type Start struct {
	URL           string
	Year          int // 0 unless the URL was expanded from {year}
	TitleContains []string
	Verified      bool
}

// Starts expands the source's start URLs.
func (s *Source) Starts() []Start {
	var out []Start
	for _, su := range s.StartURLs {
		if !strings.Contains(su.URL, "{year}") {
			out = append(out, Start{URL: su.URL, TitleContains: su.TitleContains, Verified: su.Verified})
			continue
		}
		years, _ := ParseYears(su.Years)
		for _, y := range years {
			out = append(out, Start{URL: strings.ReplaceAll(su.URL, "{year}", strconv.Itoa(y)), Year: y,
				TitleContains: su.TitleContains, Verified: su.Verified})
		}
	}
	return out
}

// Allows says whether host (host[:port], any case) is one of the source's.
func (s *Source) Allows(host string) bool {
	host = strings.ToLower(host)
	for _, h := range s.AllowedHosts {
		if h == host {
			return true
		}
	}
	return false
}

// Hosts returns every allowed host of every source, sorted and without duplicates.
func (r *Registry) Hosts() []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range r.Sources {
		for _, h := range s.AllowedHosts {
			if !seen[h] {
				seen[h] = true
				out = append(out, h)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Source returns the source with the given id.
func (r *Registry) Source(id string) (*Source, bool) {
	for i := range r.Sources {
		if r.Sources[i].ID == id {
			return &r.Sources[i], true
		}
	}
	return nil, false
}

func isMirror(host string) bool {
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	for _, m := range Mirrors {
		if host == m || strings.HasSuffix(host, "."+m) {
			return true
		}
	}
	return false
}

func field(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// line is the line of key's value in mapping m, or of m itself when key is absent.
func line(m *yaml.Node, key string) int {
	if v := field(m, key); v != nil {
		return v.Line
	}
	return m.Line
}

func knownKeys(m *yaml.Node, label string, known map[string]bool, add func(int, string, string, ...any)) {
	if m.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if !known[k.Value] {
			keys := make([]string, 0, len(known))
			for k := range known {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			add(k.Line, label, "未知字段 %q(可用字段: %s)", k.Value, strings.Join(keys, "、"))
		}
	}
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

func yamlLine(err error) int {
	var te *yaml.TypeError
	msg := err.Error()
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

func yamlMsg(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	return yamlLineRE.ReplaceAllString(strings.TrimPrefix(s, "unmarshal errors:\n  "), "第 $1 行")
}
