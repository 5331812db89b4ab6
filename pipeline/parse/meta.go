package parse

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gkbench/gkbench/pipeline/extract"
	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/template"
)

// Meta is a report's metadata with where each piece was found.
type Meta struct {
	Title            string
	Issuer           string
	IssuerFrom       report.Found
	Jurisdiction     string
	JurisdictionFrom report.Found
	Year             int
	YearFrom         report.Found
	PublishedOn      string // YYYY-MM-DD
	PublishedFrom    report.Found
}

var (
	// 北京市通州区信访办2019年政府信息公开工作年度报告, 北京市X区人民政府2023年度政府信息公开工作年度报告
	issuerFirst = regexp.MustCompile(`^(.*?)((?:19|20)\d\d)年度?(?:本机关)?政府信息公开(?:工作)?(?:年度报告|年报|报告)`)
	// 2023年北京市丰台区政府信息公开工作年度报告
	yearFirst = regexp.MustCompile(`^((?:19|20)\d\d)年度?(.*?)政府信息公开(?:工作)?(?:年度报告|年报|报告)`)
	// 2023年,丰台区… at the start of the overview
	yearLead = regexp.MustCompile(`^((?:19|20)\d\d)年`)
	// …2023年度政府信息公开… anywhere in the first paragraphs
	yearPhrase   = regexp.MustCompile(`((?:19|20)\d\d)年度?政府信息公开`)
	provinces    = regexp.MustCompile(`^(?:北京市|天津市|上海市|重庆市|[\p{Han}]{2,3}省|[\p{Han}]{2,8}自治区)`)
	district     = regexp.MustCompile(`^([\p{Han}]{1,7}?(?:自治县|区|县|市|旗))`)
	cityDistrict = regexp.MustCompile(`^[\p{Han}]{1,5}?市([\p{Han}]{1,7}?(?:自治县|区|县|旗))`)
	chromeCut    = regexp.MustCompile(`[_|｜—-].*$`)
	// 日期:2024-02-20 / 发布时间：2024年2月20日 in the page chrome above the report.
	publishedRe = regexp.MustCompile(`(?:发布)?(?:日期|时间)\s*[:：]\s*((?:19|20)\d\d)\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})`)
)

// Metadata reads the heading area only: the title, and of the first blocks before the report's first table
// or section, their first headBytes bytes. Titles, the page's date line and the overview's first sentence
// are there; reading further costs time and memory (a one-line file of 31 MB is a single block) and finds
// the years and dates of other things.
const (
	maxTitleBytes = 600     // ~200 Chinese characters: a longer text is not a title
	headBytes     = 2 << 10 // of each block in the heading area
)

// head is the start of a block's text that metadata reads, cut at a character boundary.
func head(s string) string {
	s = strings.TrimSpace(s)
	if len(s) <= headBytes {
		return s
	}
	i := headBytes
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}

// Metadata finds issuer, jurisdiction and year. What the caller supplies wins; then the title or a
// heading; then the body text. Nothing is guessed: a piece that is nowhere stays empty.
func Metadata(doc *extract.Document, caller Meta) Meta {
	m := caller
	set := func(from report.Found) {
		if m.Issuer != "" && m.IssuerFrom == report.NotFound {
			m.IssuerFrom = from
		}
		if m.Year != 0 && m.YearFrom == report.NotFound {
			m.YearFrom = from
		}
		if m.Jurisdiction != "" && m.JurisdictionFrom == report.NotFound {
			m.JurisdictionFrom = from
		}
	}
	set(report.FromCaller)
	for _, t := range titleCandidates(doc) {
		issuer, year, ok := TitleMeta(t)
		if !ok {
			continue
		}
		if m.Title == "" {
			m.Title = t
		}
		if m.Issuer == "" {
			m.Issuer = issuer
		}
		if m.Year == 0 {
			m.Year = year
		}
		set(report.FromTitle)
		break
	}
	if m.Year == 0 {
		m.Year = yearFromText(doc)
		set(report.FromText)
	}
	if m.PublishedOn != "" && m.PublishedFrom == report.NotFound {
		m.PublishedFrom = report.FromCaller
	}
	if m.PublishedOn == "" {
		if d := publishedDate(doc); d != "" {
			m.PublishedOn, m.PublishedFrom = d, report.FromText
		}
	}
	if m.Jurisdiction == "" && m.Issuer != "" {
		m.Jurisdiction = JurisdictionOf(m.Issuer)
		set(report.FromIssuer)
	}
	if m.Title == "" {
		m.Title = strings.TrimSpace(doc.Title)
	}
	return m
}

// titleCandidates are the <title> and the first short lines that name an annual report.
func titleCandidates(doc *extract.Document) []string {
	var out []string
	if t := strings.TrimSpace(doc.Title); t != "" && len(t) <= maxTitleBytes {
		out = append(out, t)
	}
	for i, b := range doc.Blocks {
		if i > 40 {
			break
		}
		if b.Kind == extract.TableBlock {
			continue
		}
		t := strings.TrimSpace(b.Text)
		if !template.Longer(t, 80) && strings.Contains(template.ToSimplified(t), "报告") {
			out = append(out, t)
		}
	}
	return out
}

// TitleMeta reads issuer and year from a report title ("北京市通州区信访办2019年政府信息公开工作年度报告",
// "2023年北京市丰台区政府信息公开工作年度报告"); ok is false when t does not name an annual report. The
// crawler reads listing links with it, the parser page titles: one reading for both.
func TitleMeta(t string) (issuer string, year int, ok bool) {
	if len(t) > maxTitleBytes {
		return "", 0, false
	}
	s := strings.Join(strings.Fields(template.ToSimplified(t)), "")
	if m := issuerFirst.FindStringSubmatch(s); m != nil && m[1] != "" {
		y, _ := strconv.Atoi(m[2])
		return cleanIssuer(m[1]), y, true
	}
	if m := yearFirst.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		return cleanIssuer(governmentOf(m[2])), y, true
	}
	if m := issuerFirst.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[2])
		return "", y, true
	}
	return "", 0, false
}

// governmentOf names the government of a place: a report titled "X区政府信息公开工作年度报告" is the
// district government's.
func governmentOf(s string) string {
	s = strings.TrimSuffix(s, "政府")
	if strings.HasSuffix(s, "人民") {
		return s + "政府"
	}
	if strings.HasSuffix(s, "区") || strings.HasSuffix(s, "县") || strings.HasSuffix(s, "市") {
		return s + "人民政府"
	}
	return s
}

func cleanIssuer(s string) string {
	s = chromeCut.ReplaceAllString(s, "")
	s = strings.TrimPrefix(s, "关于")
	return strings.Trim(s, " :：,，《》【】[]")
}

// JurisdictionOf is the district (or city) an issuer belongs to: 北京市丰台区人民政府 → 丰台区,
// 淮安市清江浦区人民政府 → 清江浦区, 淮安市人民政府 → 淮安市.
func JurisdictionOf(issuer string) string {
	s := provinces.ReplaceAllString(issuer, "")
	if m := cityDistrict.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	if m := district.FindStringSubmatch(s); m != nil && m[1] != "人民政" {
		return m[1]
	}
	if p := provinces.FindString(issuer); p != "" && s == "人民政府" {
		return p
	}
	return ""
}

// yearFromText reads the report year from the overview ("2023年,…") or a phrase naming the year's
// disclosure work. Dates of publication elsewhere in the page are not used.
func yearFromText(doc *extract.Document) int {
	inOverview := 0
	for i, b := range doc.Blocks {
		if b.Kind == extract.TableBlock || i > 60 {
			break
		}
		t := template.ToSimplified(head(b.Text))
		if n, _, ok := template.Section(t); ok {
			if n == 1 {
				inOverview = 3
				continue
			}
			break
		}
		if inOverview > 0 {
			inOverview--
			if m := yearLead.FindStringSubmatch(t); m != nil {
				y, _ := strconv.Atoi(m[1])
				return y
			}
		}
		if m := yearPhrase.FindStringSubmatch(t); m != nil {
			y, _ := strconv.Atoi(m[1])
			return y
		}
	}
	return 0
}

// publishedDate reads the publication date the page chrome prints above the report (日期:…, 发布时间:…),
// as YYYY-MM-DD; "" when there is none or it is not a real date.
func publishedDate(doc *extract.Document) string {
	for i, b := range doc.Blocks {
		if b.Kind == extract.TableBlock || i > 40 {
			break
		}
		t := template.ToSimplified(head(b.Text))
		if _, _, ok := template.Section(t); ok {
			break // the report itself has begun: dates below are in its text
		}
		if m := publishedRe.FindStringSubmatch(t); m != nil {
			y, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			d, _ := strconv.Atoi(m[3])
			date := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
			if date.Year() == y && int(date.Month()) == mo && date.Day() == d {
				return date.Format("2006-01-02")
			}
		}
	}
	return ""
}
