package charts

import (
	"crypto/sha256"
	"encoding/hex"
	"hash/fnv"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gkbench/gkbench/pipeline/metrics"
)

// formatValue prints a metric value the way the site shows it everywhere (tables, tooltips via site.js,
// which mirrors these rules): ratios as percentages with one decimal, counts as integers, amounts in 万元
// with up to four decimals, per-capita and per-100 figures with two.
func formatValue(v float64, unit string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	switch unit {
	case metrics.UnitRatio:
		return strconv.FormatFloat(v*100, 'f', 1, 64) + "%"
	case metrics.UnitCount, metrics.UnitItems:
		if v == math.Trunc(v) {
			return strconv.FormatFloat(v, 'f', 0, 64)
		}
		return trimZeros(strconv.FormatFloat(v, 'f', 2, 64))
	case metrics.UnitTenThouYu:
		return trimZeros(strconv.FormatFloat(v, 'f', 4, 64))
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

// formatPtr prints an optional value; nil is a dash.
func formatPtr(v *float64, unit string) string {
	if v == nil {
		return "—"
	}
	return formatValue(*v, unit)
}

// formatNumber prints a numerator or denominator: exact when whole, else up to four decimals.
func formatNumber(v *float64) string {
	if v == nil {
		return "—"
	}
	if *v == math.Trunc(*v) && math.Abs(*v) < 1e15 {
		return strconv.FormatFloat(*v, 'f', 0, 64)
	}
	return trimZeros(strconv.FormatFloat(*v, 'f', 4, 64))
}

func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// unitLabel is the unit shown next to axis titles and table headers.
func unitLabel(unit string) string {
	if unit == metrics.UnitRatio {
		return "%"
	}
	return unit
}

// directionZH explains which way a metric is better.
func directionZH(d string) string {
	switch metrics.Direction(d) {
	case metrics.HigherBetter:
		return "数值越高越好"
	case metrics.LowerBetter:
		return "数值越低越好"
	default:
		return "描述性指标,不评优劣(按数值从高到低排列)"
	}
}

// statusZH names a report's parse status.
func statusZH(s string) string {
	switch s {
	case "ok":
		return "完整"
	case "partial":
		return "部分"
	case "failed":
		return "失败"
	case "needs_ocr":
		return "需要 OCR"
	case "":
		return "—"
	}
	return s
}

// levelZH names an issuer level.
func levelZH(l string) string {
	switch l {
	case "district_government":
		return "区人民政府"
	case "city_government":
		return "市人民政府"
	case "street_town":
		return "街道、乡镇"
	case "department":
		return "部门"
	case "unknown", "":
		return "未知"
	}
	return l
}

// versionZH names a template version.
func versionZH(v string) string {
	switch v {
	case "2019":
		return "2019 试行版"
	case "2021":
		return "2021 版"
	case "":
		return "—"
	}
	return v + " 版"
}

// palette holds 20 colours that stay apart on screen and in print (ECharts' and ColorBrewer's categorical
// sets, near-duplicates removed). A district keeps its colour on every page (see assignColors).
var palette = []string{
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
	"#bcbd22", "#7f7f7f", "#0b3d91", "#e7298a", "#1b9e77", "#a6761d", "#6a3d9a", "#b15928",
	"#66a61e", "#fb9a99", "#393b79", "#4d4d4d",
}

// assignColors gives each key a colour. A key with a fixed slot (a known district: its place in the GB/T
// 2260 order) always gets that colour, whatever else is on the page; the others take, in sorted order, the
// first free slot from one their hash picks. A key's colour thus depends on the key (and, for unknown keys,
// on the set of keys), never on the order rows were read in. With more keys than colours they share.
func assignColors(keys []string, fixed map[string]int) map[string]string {
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	used := make([]bool, len(palette))
	free := len(palette)
	out := make(map[string]string, len(sorted))
	for _, k := range sorted {
		if i, ok := fixed[k]; ok && i >= 0 && i < len(palette) && !used[i] {
			used[i] = true
			free--
			out[k] = palette[i]
		}
	}
	for _, k := range sorted {
		if _, done := out[k]; done {
			continue
		}
		h := fnv.New32a()
		h.Write([]byte(k))
		i := int(h.Sum32() % uint32(len(palette)))
		if free > 0 {
			for used[i] {
				i = (i + 1) % len(palette)
			}
			used[i] = true
			free--
		}
		out[k] = palette[i]
	}
	return out
}

var safeName = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)

// metricPage is the file name of a metric's page. Metric keys are ASCII identifiers; anything else is hashed
// so a key from a file can never make a path.
func metricPage(key string) string {
	if safeName.MatchString(key) {
		return "metric-" + key + ".html"
	}
	return "metric-" + shortHash(key) + ".html"
}

// entityPage is the file name of an entity's page: entity keys hold Chinese names and separators, so the
// name is a hash of the key (stable across builds).
func entityPage(key string) string { return "district-" + shortHash(key) + ".html" }

func shortHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:6])
}

// webURL returns u when it is an absolute http(s) URL fit for a link, else "": a crawled URL is untrusted,
// and html/template would neutralise other schemes anyway, leaving a dead link.
func webURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return p.String()
}

// isSampleName reports whether a name belongs to the project's fictional sample city.
func isSampleName(s string) bool { return strings.Contains(s, "示例市") }
