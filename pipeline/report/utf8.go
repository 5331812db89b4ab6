package report

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// ValidUTF8 replaces the bytes that are not UTF-8 in every text of the report, its facts and its checks
// with U+FFFD, and returns how many texts it changed; when any, it says so in Warnings. The warehouse calls
// it last, before writing: Parquet readers refuse a string that is not UTF-8, and one such string would stop
// every later analysis of the whole warehouse.
func (r *Report) ValidUTF8() int {
	n := 0
	fix := func(s *string) {
		if !utf8.ValidString(*s) {
			*s = strings.ToValidUTF8(*s, "\uFFFD")
			n++
		}
	}
	fixFound := func(f *Found) {
		s := string(*f)
		fix(&s)
		*f = Found(s)
	}
	for _, s := range []*string{&r.ID, &r.URL, &r.SourcePath, &r.SHA256, &r.Issuer, &r.Jurisdiction, &r.PublishedOn,
		&r.TemplateVersion, &r.Format, &r.Title, &r.Error, &r.ParserVersion} {
		fix(s)
	}
	for _, f := range []*Found{&r.IssuerFrom, &r.JurisdictionFrom, &r.YearFrom, &r.PublishedFrom, &r.VersionFrom} {
		fixFound(f)
	}
	st := string(r.Status)
	fix(&st)
	r.Status = Status(st)
	for i := range r.Warnings {
		fix(&r.Warnings[i])
	}
	for i := range r.Facts {
		f := &r.Facts[i]
		for _, s := range []*string{&f.Table, &f.Row, &f.Col, &f.Raw, &f.LabelRow, &f.LabelCol, &f.Mapping} {
			fix(s)
		}
		k := string(f.Kind)
		fix(&k)
		f.Kind = CellKind(k)
	}
	for i := range r.Checks {
		c := &r.Checks[i]
		for _, s := range []*string{&c.Name, &c.Table, &c.Scope, &c.Key} {
			fix(s)
		}
	}
	if n > 0 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("%d 处文本不是有效的 UTF-8,已替换为 U+FFFD", n))
	}
	return n
}
