package synth

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"

	"github.com/gkbench/gkbench/pipeline/template"
)

// Word documents made the way offices make them: the official blank template (a .docx with the three tables
// and their merged cells, see ../shared/corpus-attachments) filled in with a report's figures and saved.
// FillDOCX writes the figures into the template's empty data cells; LibreOffice or WPS then export the
// result to PDF or DOC for the other fixtures.

// FillDOCX returns the blank 2021 template with r's printed figures in its data cells, its title set to
// r's title. The blank's empty cells, in document order, are exactly the template's cells in the order
// template.Cells lists them (table by table, row by row, column by column); a vertically merged
// continuation cell is not a data cell. r must be a 2021 report.
func FillDOCX(blank []byte, r *Report) ([]byte, error) {
	if r.Version != template.V2021 {
		return nil, fmt.Errorf("synth: the official DOCX template is the 2021 one, report is %s", r.Version)
	}
	zr, err := zip.NewReader(bytes.NewReader(blank), int64(len(blank)))
	if err != nil {
		return nil, fmt.Errorf("synth: blank template: %w", err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("synth: blank template %s: %w", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("synth: blank template %s: %w", f.Name, err)
		}
		if f.Name == "word/document.xml" {
			if b, err = fillDocument(b, r); err != nil {
				return nil, err
			}
		}
		// A fixed time keeps the output deterministic.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(b); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// fillDocument fills word/document.xml.
func fillDocument(doc []byte, r *Report) ([]byte, error) {
	s := string(doc)
	cells := template.MustGet(template.V2021).Cells()
	var sb strings.Builder
	sb.Grow(len(s) + 64*len(cells))
	next := 0
	rest := s
	// The title paragraph: the template's heading becomes the report's title.
	const heading = "政府信息公开工作年度报告格式模板"
	if i := strings.Index(rest, heading); i >= 0 {
		title := r.Title
		if title == "" {
			title = fmt.Sprintf("%s%d年政府信息公开工作年度报告", r.Issuer, r.Year)
		}
		rest = rest[:i] + html.EscapeString(title) + rest[i+len(heading):]
	}
	for {
		i := strings.Index(rest, "<w:tc>")
		if i < 0 {
			sb.WriteString(rest)
			break
		}
		j := strings.Index(rest[i:], "</w:tc>")
		if j < 0 {
			return nil, fmt.Errorf("synth: blank template: unclosed <w:tc>")
		}
		j += i + len("</w:tc>")
		tc := rest[i:j]
		sb.WriteString(rest[:i])
		rest = rest[j:]
		if strings.TrimSpace(docxCellText(tc)) != "" || continuation(tc) {
			sb.WriteString(tc)
			continue
		}
		tc = blankRuns.ReplaceAllString(tc, "<w:t$1></w:t>") // the blank prints ideographic spaces
		if next >= len(cells) {
			return nil, fmt.Errorf("synth: blank template has more empty cells than the template (%d)", len(cells))
		}
		raw := r.Cells[cells[next]].Raw
		next++
		k := strings.LastIndex(tc, "</w:p>")
		if raw == "" || k < 0 {
			sb.WriteString(tc)
			continue
		}
		sb.WriteString(tc[:k])
		sb.WriteString(`<w:r><w:rPr><w:rFonts w:hint="eastAsia" w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="20"/></w:rPr><w:t>`)
		sb.WriteString(html.EscapeString(raw))
		sb.WriteString(`</w:t></w:r>`)
		sb.WriteString(tc[k:])
	}
	if next != len(cells) {
		return nil, fmt.Errorf("synth: blank template has %d empty data cells, the template %d", next, len(cells))
	}
	return []byte(sb.String()), nil
}

var (
	textRuns  = regexp.MustCompile(`<w:t(?: [^>]*)?>([^<]*)</w:t>`)
	blankRuns = regexp.MustCompile(`<w:t( [^>]*)?>[^<]*</w:t>`)
)

// docxCellText returns the text of a cell's runs.
func docxCellText(tc string) string {
	var sb strings.Builder
	for _, m := range textRuns.FindAllStringSubmatch(tc, -1) {
		sb.WriteString(html.UnescapeString(m[1]))
	}
	return sb.String()
}

// continuation reports whether a cell continues a vertical merge (<w:vMerge/> without val="restart").
func continuation(tc string) bool {
	i := strings.Index(tc, "<w:vMerge")
	if i < 0 {
		return false
	}
	end := strings.Index(tc[i:], ">")
	return end < 0 || !strings.Contains(tc[i:i+end], "restart")
}
