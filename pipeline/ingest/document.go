// Package ingest runs one document, or a batch of them, through the pipeline: decode → extract → parse →
// validate, and hands the result to the warehouse. A bad document becomes a failed report with its reason;
// it never stops the batch.
package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gkbench/gkbench/pipeline/decode"
	"github.com/gkbench/gkbench/pipeline/extract"
	"github.com/gkbench/gkbench/pipeline/parse"
	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/template"
	"github.com/gkbench/gkbench/pipeline/validate"
)

// ParserVersion is stored with every report so a later parser can tell which reports to read again.
const ParserVersion = "1"

// MaxSize is the largest document read; a larger one fails with a clear error instead of exhausting
// memory. Real report pages are well under 1 MiB, PDFs rarely above 20 MiB.
const MaxSize = 32 << 20

// Source describes one document and what its caller (manifest, crawler) knows of it.
type Source struct {
	Path         string // where the bytes came from (file path or raw-store path)
	URL          string
	ContentType  string // HTTP Content-Type, when fetched
	Issuer       string
	Jurisdiction string
	Year         int
	PublishedOn  string // YYYY-MM-DD, e.g. the date beside the listing's link
	// Problem, when set, is why the document cannot be imported (a manifest row in conflict, a path outside
	// the manifest's folder, an unreadable folder): it is not read, and its report fails with this reason.
	Problem string
	// Warnings the caller found about this document (a manifest field that was not UTF-8), kept in its report.
	Warnings []string
}

// ID is a report's stable identifier: the first 16 bytes of the SHA-256 of its content, in hex.
func ID(data []byte) (id, sum string) {
	h := sha256.Sum256(data)
	sum = hex.EncodeToString(h[:])
	return sum[:32], sum
}

// Parse runs one document through the pipeline. It always returns a report; failures are in its Status
// and Error.
func Parse(src Source, data []byte, now time.Time) *report.Report {
	id, sum := ID(data)
	r := &report.Report{
		ID: id, SHA256: sum, URL: src.URL, SourcePath: src.Path,
		Issuer: src.Issuer, Jurisdiction: src.Jurisdiction, Year: src.Year, PublishedOn: src.PublishedOn,
		ParsedAt: now.UTC(), ParserVersion: ParserVersion,
		Warnings: append([]string(nil), src.Warnings...),
	}
	if p, note := pathText(src.Path); note != "" {
		r.SourcePath = p
		r.Warnings = append(r.Warnings, note)
	}
	fail := func(err error) *report.Report {
		r.Status = report.Failed
		r.Error = err.Error()
		setCallerFound(r)
		return r
	}
	if len(data) == 0 {
		// Every empty file has the same content hash; its source keeps the error records apart.
		r.ID, _ = ID([]byte("empty:" + src.Path + "\x00" + src.URL))
		r.Format = "empty"
		return fail(errors.New("文件为空"))
	}
	if len(data) > MaxSize {
		return fail(fmt.Errorf("文件过大(%.1f MiB,上限 %d MiB),未解析", float64(len(data))/(1<<20), MaxSize>>20))
	}
	format := decode.DetectFormat(src.Path, data)
	r.Format = string(format)
	doc, err := extractDocument(r, format, data, src.ContentType)
	if err != nil {
		var ocr *extract.NeedsOCRError
		if errors.As(err, &ocr) {
			r.Status = report.NeedsOCR
			r.Pages = ocr.Pages
			r.Error = ocr.Error()
			setCallerFound(r)
			return r
		}
		return fail(err)
	}
	r.Warnings = append(r.Warnings, doc.Warnings...)

	meta := parse.Metadata(doc, parse.Meta{Issuer: src.Issuer, Jurisdiction: src.Jurisdiction, Year: src.Year,
		PublishedOn: src.PublishedOn})
	r.Title, r.Issuer, r.IssuerFrom = meta.Title, meta.Issuer, meta.IssuerFrom
	r.Jurisdiction, r.JurisdictionFrom = meta.Jurisdiction, meta.JurisdictionFrom
	r.Year, r.YearFrom = meta.Year, meta.YearFrom
	r.PublishedOn, r.PublishedFrom = meta.PublishedOn, meta.PublishedFrom

	res := parse.Parse(doc, r.Year)
	r.Warnings = append(r.Warnings, res.Warnings...)
	r.Facts = res.Facts
	if len(res.Facts) == 0 {
		r.TemplateVersion = ""
		if res.HeadingsWithoutTables > 0 {
			return fail(errors.New("表格缺失:报告有第二、三、四部分的标题,但没有可读的表格(可能是图片)"))
		}
		return fail(errors.New("未找到年度报告的表格,不像是政府信息公开工作年度报告"))
	}
	r.TemplateVersion, r.VersionFrom = string(res.Version), res.VersionFrom
	r.Checks = validate.Check(res.Version, res.Facts)
	r.Status = report.OK
	if missing := coverage(res.Version, res.Facts); len(missing) > 0 {
		r.Status = report.Partial
		r.Warnings = append(r.Warnings, missing...)
	}
	for _, fct := range res.Facts {
		if fct.Kind == report.Text && fct.Row != "" {
			r.Status = report.Partial
			break
		}
	}
	if res.Truncated {
		r.Status = report.Partial // too large to be read whole: the reason is in the warnings
	}
	return r
}

// extractDocument is the one place that chooses how a document is read: HTML and text through Decode,
// PDF and DOCX from their bytes, DOC and WPS through LibreOffice to DOCX.
func extractDocument(r *report.Report, format decode.Format, data []byte, contentType string) (*extract.Document, error) {
	switch format {
	case decode.FormatHTML, decode.FormatText:
		text, info, err := decode.Decode(data, contentType)
		if err != nil {
			return nil, fmt.Errorf("解码失败: %w", err)
		}
		if info.Conflict != "" {
			r.Warnings = append(r.Warnings, info.Conflict)
		}
		var doc *extract.Document
		if format == decode.FormatHTML {
			doc, err = extract.HTMLDocument(text)
		} else {
			if err := checkTextSize(text); err != nil {
				return nil, err
			}
			doc, err = extract.TextDocument(text)
		}
		if err != nil {
			return nil, fmt.Errorf("提取失败: %w", err)
		}
		return doc, nil
	case decode.FormatPDF:
		doc, err := extract.PDFDocument(data)
		if err != nil {
			var ocr *extract.NeedsOCRError
			if errors.As(err, &ocr) {
				return nil, err
			}
			return nil, fmt.Errorf("读取 PDF 失败: %w", err)
		}
		r.Pages = doc.Pages
		return doc, nil
	case decode.FormatDOCX:
		doc, err := extract.DOCXDocument(data)
		if err != nil {
			return nil, fmt.Errorf("读取 DOCX 失败: %w", err)
		}
		return doc, nil
	case decode.FormatDOC, decode.FormatWPS:
		docx, err := extract.ConvertLegacy(data, string(format))
		if errors.Is(err, extract.ErrNoLibreOffice) {
			return nil, err // the whole reason, as it is
		}
		if err != nil {
			return nil, fmt.Errorf("读取 %s 失败: %w", strings.ToUpper(string(format)), err)
		}
		doc, err := extract.DOCXDocument(docx)
		if err != nil {
			return nil, fmt.Errorf("读取 %s(转换为 DOCX 后)失败: %w", strings.ToUpper(string(format)), err)
		}
		return doc, nil
	}
	return nil, errors.New("不是文本或网页文件(二进制内容)")
}

func setCallerFound(r *report.Report) {
	if r.Issuer != "" {
		r.IssuerFrom = report.FromCaller
	}
	if r.Jurisdiction != "" {
		r.JurisdictionFrom = report.FromCaller
	}
	if r.Year != 0 {
		r.YearFrom = report.FromCaller
	}
	if r.PublishedOn != "" {
		r.PublishedFrom = report.FromCaller
	}
}

// coverage lists, per table, how many of the template's figures the report lacks.
func coverage(v template.Version, facts []report.Fact) []string {
	tpl := template.MustGet(v)
	have := make([]bool, tpl.NumCells())
	for _, f := range facts {
		if n, ok := tpl.CellNumber(template.Cell{Table: f.Table, Row: f.Row, Col: f.Col}); ok {
			have[n] = true
		}
	}
	cells := expectedCells(tpl)
	var out []string
	for _, tb := range tpl.Tables {
		want, got := 0, 0
		for _, c := range cells {
			if c.table == tb.Key {
				want++
				if have[c.n] {
					got++
				}
			}
		}
		switch {
		case got == 0:
			out = append(out, fmt.Sprintf("缺少表%s(%s)", template.Numeral(tb.Number), tb.Heading))
		case got < want:
			out = append(out, fmt.Sprintf("表%s(%s)只读到 %d/%d 个数据", template.Numeral(tb.Number), tb.Heading, got, want))
		}
	}
	return out
}

// expectedCell is one of tpl.Cells(), with its table and number.
type expectedCell struct {
	table string
	n     int
}

// expectedCells lists tpl.Cells() once per template.
func expectedCells(tpl *template.Template) []expectedCell {
	if c, ok := expected.Load(tpl); ok {
		return c.([]expectedCell)
	}
	var cs []expectedCell
	for _, c := range tpl.Cells() {
		n, _ := tpl.CellNumber(c)
		cs = append(cs, expectedCell{c.Table, n})
	}
	v, _ := expected.LoadOrStore(tpl, cs)
	return v.([]expectedCell)
}

var expected sync.Map // *template.Template → []expectedCell
