package extract

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// PDF reading: PDFium (pdf_pdfium.go) gives each page's characters with their boxes and the page's ruling
// lines; pdf_text.go groups characters into words and lines, pdf_table.go builds table grids from ruling
// lines (or, where a table has none, from text alignment), and this file ties them together into a
// Document whose tables look like the HTML path's, so the parser maps a PDF report by the same labels.

// Limits for one PDF. A real report has 5–30 pages with a few thousand characters each; the time bound
// covers a 100-page document on a slow machine with room to spare.
const (
	maxPDFPages     = 300     // pages read; the rest are left out with a warning
	maxPDFChars     = 200_000 // characters on one page
	maxPDFSegments  = 200_000 // path segments on one page
	maxPDFFormDepth = 8       // nesting of form XObjects
	// PDFTimeout bounds the PDFium work on one document.
	PDFTimeout = 20 * time.Second
)

// NeedsOCRError is returned by PDFDocument for a PDF whose pages carry no text layer (a scan, or pages
// exported as pictures): reading it would need OCR.
type NeedsOCRError struct {
	Pages int // the document's page count
}

func (e *NeedsOCRError) Error() string {
	return fmt.Sprintf("PDF 没有文字层(共 %d 页,可能是扫描件或图片),需要 OCR 才能读取", e.Pages)
}

// Errors of documents that cannot be read at all. Their messages are for users.
var (
	ErrEncrypted = errors.New("PDF 已加密(需要密码),无法读取")
	ErrDamaged   = errors.New("PDF 文件已损坏或不完整,无法读取")
	ErrTimeout   = errors.New("读取超时")
)

type pdfChar struct {
	r              rune
	x0, y0, x1, y1 float64 // box in points, origin top left
}

type pdfPoint struct {
	x, y  float64
	curve bool // reached by a Bézier segment
}

type pdfBox struct{ x0, y0, x1, y1 float64 }

func (b pdfBox) area() float64 { return math.Max(0, b.x1-b.x0) * math.Max(0, b.y1-b.y0) }

// pdfRule is a horizontal (y0 == y1) or vertical (x0 == x1) ruling line.
type pdfRule struct{ x0, y0, x1, y1 float64 }

func (r pdfRule) horizontal() bool { return r.y0 == r.y1 }

type pdfPage struct {
	num    int // 1-based
	w, h   float64
	chars  []pdfChar
	rules  []pdfRule
	images []pdfBox
}

// Ruling-line geometry, in points.
const (
	ruleThin = 2.5 // a filled rectangle at most this thick is a line
	ruleMin  = 2.0 // shorter pieces are dots or glyph parts
	axisTol  = 0.6 // a segment this close to axis-parallel is taken as parallel
)

// addPath adds the ruling lines of one subpath.
func (p *pdfPage) addPath(pts []pdfPoint, closed, stroke, filled bool) {
	if len(pts) < 2 {
		return
	}
	if stroke {
		n := len(pts)
		last := n - 1
		if closed {
			last = n
		}
		for i := 1; i <= last; i++ {
			a, b := pts[i-1], pts[i%n]
			if b.curve {
				continue
			}
			p.addLine(a.x, a.y, b.x, b.y)
		}
		return
	}
	if !filled {
		return
	}
	// A filled subpath: a thin rectangle is a line; anything else (cell shading, logos) is not.
	bx := pdfBox{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, q := range pts {
		if q.curve {
			return
		}
		bx.x0, bx.y0 = math.Min(bx.x0, q.x), math.Min(bx.y0, q.y)
		bx.x1, bx.y1 = math.Max(bx.x1, q.x), math.Max(bx.y1, q.y)
	}
	w, h := bx.x1-bx.x0, bx.y1-bx.y0
	switch {
	case h <= ruleThin && w >= ruleMin:
		y := (bx.y0 + bx.y1) / 2
		p.addLine(bx.x0, y, bx.x1, y)
	case w <= ruleThin && h >= ruleMin:
		x := (bx.x0 + bx.x1) / 2
		p.addLine(x, bx.y0, x, bx.y1)
	}
}

func (p *pdfPage) addLine(x0, y0, x1, y1 float64) {
	dx, dy := math.Abs(x1-x0), math.Abs(y1-y0)
	switch {
	case dy <= axisTol && dx >= ruleMin:
		y := (y0 + y1) / 2
		p.rules = append(p.rules, pdfRule{math.Min(x0, x1), y, math.Max(x0, x1), y})
	case dx <= axisTol && dy >= ruleMin:
		x := (x0 + x1) / 2
		p.rules = append(p.rules, pdfRule{x, math.Min(y0, y1), x, math.Max(y0, y1)})
	}
}

// PDFDocument extracts a PDF. It fails with ErrEncrypted, ErrDamaged or ErrTimeout (wrapped), and with
// *NeedsOCRError when no page has a text layer.
func PDFDocument(b []byte) (*Document, error) {
	ctx, cancel := context.WithTimeout(context.Background(), PDFTimeout)
	defer cancel()
	return pdfDocument(ctx, b)
}

func pdfDocument(ctx context.Context, b []byte) (*Document, error) {
	pages, total, err := readPDF(ctx, b, maxPDFPages)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return nil, fmt.Errorf("extract: %w(超过 %s)", ErrTimeout, PDFTimeout)
	case errors.Is(err, errPDFPassword):
		return nil, fmt.Errorf("extract: %w", ErrEncrypted)
	case errors.Is(err, errPDFFormat):
		return nil, fmt.Errorf("extract: %w", ErrDamaged)
	case err != nil:
		return nil, fmt.Errorf("extract: %w", err)
	}
	chars := 0
	for _, p := range pages {
		chars += len(p.chars)
	}
	if chars == 0 {
		return nil, &NeedsOCRError{Pages: total}
	}
	doc := layoutPDF(pages)
	doc.Pages = total
	if total > len(pages) {
		doc.Warnings = append(doc.Warnings, fmt.Sprintf("PDF 共 %d 页,只读取了前 %d 页", total, len(pages)))
	}
	return doc, nil
}
