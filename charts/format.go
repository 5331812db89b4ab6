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

// formatValue prints a metric value the way the site shows it everywhere (tables, tooltips and bar labels via
// site.js, which mirrors these rules), always with its unit: shares as percentages with one decimal
// ("60.4%"), counts as integers with thousands separators ("2,180 件"), amounts in 万元 with up to four
// decimals ("5,098.4139 万元"), per-capita and per-100 figures with two ("6.80 件/百件").
func formatValue(v float64, unit string) string {
	n := formatBare(v, unit)
	switch {
	case n == "—" || unit == metrics.UnitRatio || unit == "百分位" || unit == "":
		return n
	}
	return n + " " + unit
}

// formatBare is formatValue without the unit (for cells of a chart whose axis or title names it).
func formatBare(v float64, unit string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	switch unit {
	case metrics.UnitRatio:
		return strconv.FormatFloat(v*100, 'f', 1, 64) + "%"
	case metrics.UnitCount, metrics.UnitItems, "份":
		if v == math.Trunc(v) {
			return group(strconv.FormatFloat(v, 'f', 0, 64))
		}
		return group(trimZeros(strconv.FormatFloat(v, 'f', 2, 64)))
	case metrics.UnitTenThouYu:
		return group(trimZeros(strconv.FormatFloat(v, 'f', 4, 64)))
	case "百分位":
		return strconv.FormatFloat(v, 'f', 0, 64)
	default:
		return group(strconv.FormatFloat(v, 'f', 2, 64))
	}
}

// formatPtr prints an optional value; nil is a dash.
func formatPtr(v *float64, unit string) string {
	if v == nil {
		return "—"
	}
	return formatValue(*v, unit)
}

// formatNumber prints a numerator or denominator: exact when whole, else up to four decimals, with
// thousands separators.
func formatNumber(v *float64) string {
	if v == nil {
		return "—"
	}
	if *v == math.Trunc(*v) && math.Abs(*v) < 1e15 {
		return group(strconv.FormatFloat(*v, 'f', 0, 64))
	}
	return group(trimZeros(strconv.FormatFloat(*v, 'f', 4, 64)))
}

// group puts thousands separators into the integer part of a formatted number ("-12345.6" → "-12,345.6").
func group(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if len(intPart) <= 3 {
		return sign + s
	}
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return sign + b.String()
}

func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// unitLabel is the unit shown next to axis titles and table headers.
var unitLabel = metrics.UnitLabel

// directionZH explains which way a metric is better.
func directionZH(d string) string {
	switch metrics.Direction(d) {
	case metrics.HigherBetter:
		return "数值越高越好"
	case metrics.LowerBetter:
		return "数值越低越好"
	default:
		return "描述性指标,不评优劣,不排名(按数值从高到低排列)"
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

// levelZH and versionZH name issuer levels and template versions (shared with the workbook).
var levelZH, versionZH = metrics.LevelZH, metrics.VersionZH

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
