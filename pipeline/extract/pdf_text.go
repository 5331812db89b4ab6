package extract

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// PDF text: characters grouped into lines (by vertical overlap) and lines into chunks (by horizontal gaps),
// and the text of a line or of a table cell as a reader sees it.

type pdfLine struct {
	box         pdfBox
	chars       []pdfChar // left to right
	page        int       // set once lines leave their page (layoutPDF)
	first, last bool      // the first (last) text line of its page
}

func (l *pdfLine) height() float64 { return l.box.y1 - l.box.y0 }

// lineOverlap is the share of the smaller height two boxes must share vertically to sit on one line.
const lineOverlap = 0.5

// groupLines groups characters into lines, top to bottom, each left to right. Characters are taken in
// order of their vertical centres; a character joins the line it overlaps enough, else starts one.
func groupLines(chars []pdfChar) []pdfLine {
	if len(chars) == 0 {
		return nil
	}
	cs := make([]pdfChar, len(chars))
	copy(cs, chars)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].y0+cs[i].y1 < cs[j].y0+cs[j].y1 })
	var lines []pdfLine
	for _, c := range cs {
		h := c.y1 - c.y0
		joined := false
		// Only the last few lines can overlap a character taken in centre order.
		for k := len(lines) - 1; k >= 0 && k >= len(lines)-3; k-- {
			l := &lines[k]
			ov := math.Min(l.box.y1, c.y1) - math.Max(l.box.y0, c.y0)
			if ov >= lineOverlap*math.Min(h, l.height()) {
				l.chars = append(l.chars, c)
				l.box.x0, l.box.x1 = math.Min(l.box.x0, c.x0), math.Max(l.box.x1, c.x1)
				l.box.y0, l.box.y1 = math.Min(l.box.y0, c.y0), math.Max(l.box.y1, c.y1)
				joined = true
				break
			}
		}
		if !joined {
			lines = append(lines, pdfLine{box: pdfBox{c.x0, c.y0, c.x1, c.y1}, chars: []pdfChar{c}})
		}
	}
	for i := range lines {
		sort.SliceStable(lines[i].chars, func(a, b int) bool { return lines[i].chars[a].x0 < lines[i].chars[b].x0 })
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].box.y0 < lines[j].box.y0 })
	return lines
}

// text returns the line's text: a space where the gap between two characters is wider than a third of
// the line's height (word processors position words instead of printing spaces), except between two
// wide characters (letter-spaced Chinese, 结 果), folded.
func (l *pdfLine) text(f *folder) string {
	var sb strings.Builder
	h := l.height()
	for i, c := range l.chars {
		if i > 0 && c.x0-l.chars[i-1].x1 > h/3 && !(isWide(c.r) && isWide(l.chars[i-1].r)) {
			sb.WriteByte(' ')
		}
		sb.WriteRune(c.r)
	}
	return f.fold(sb.String())
}

// chunks splits the line where the gap between characters is at least gap: the cells of an unruled
// table row.
func (l *pdfLine) chunks(gap float64) []pdfLine {
	var out []pdfLine
	start := 0
	for i := 1; i <= len(l.chars); i++ {
		if i < len(l.chars) && l.chars[i].x0-l.chars[i-1].x1 < gap {
			continue
		}
		part := l.chars[start:i]
		if len(part) > 0 && !allSpace(part) {
			out = append(out, lineOf(part))
		}
		start = i
	}
	return out
}

func allSpace(cs []pdfChar) bool {
	for _, c := range cs {
		if !isSpaceRune(c.r) {
			return false
		}
	}
	return true
}

func isSpaceRune(r rune) bool {
	return r == ' ' || r == '\u00a0' || r == '\u3000' || r == '\t' || r == '\r' || r == '\n'
}

func lineOf(cs []pdfChar) pdfLine {
	l := pdfLine{box: pdfBox{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}}
	for _, c := range cs {
		if isSpaceRune(c.r) {
			continue
		}
		l.chars = append(l.chars, c)
		l.box.x0, l.box.x1 = math.Min(l.box.x0, c.x0), math.Max(l.box.x1, c.x1)
		l.box.y0, l.box.y1 = math.Min(l.box.y0, c.y0), math.Max(l.box.y1, c.y1)
	}
	return l
}

// cellText joins the lines of one table cell as joinPieces joins the pieces of an HTML cell: wrapped
// labels (商业企 / 业), numbers broken over lines and vertical labels (one character per line) read as one.
func cellText(chars []pdfChar, f *folder) string {
	var sb strings.Builder
	lines := groupLines(chars)
	for i := range lines {
		joinPieces(&sb, lines[i].text(f))
	}
	return f.fold(sb.String())
}

// furniture matches page numbers and running marks that converters print on every page.
var furniture = regexp.MustCompile(`^(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}(?:\s*/\s*\d{1,4})?|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$`)

func isFurniture(text string) bool {
	return utf8.RuneCountInString(text) <= 20 && furniture.MatchString(strings.ToLower(text))
}

// paragraphs joins the lines of running text: a line that reaches the right margin continues into the
// next one when that one is not indented and follows at normal line spacing, as word processors wrap
// paragraphs. right is the right edge of the page's text.
func paragraphs(lines []pdfLine, left, right float64, f *folder) []string {
	var out []string
	var cur strings.Builder
	var prev *pdfLine
	for i := range lines {
		l := &lines[i]
		t := l.text(f)
		if t == "" {
			continue
		}
		if prev != nil && cur.Len() > 0 {
			h := prev.height()
			full := right-prev.box.x1 < 2*h
			flush := l.box.x0-left < h
			close := l.box.y0-prev.box.y1 < 1.2*h
			// A centred heading wrapped over lines (a long title) is one heading too.
			mid := (left + right) / 2
			centred := math.Abs((prev.box.x0+prev.box.x1)/2-mid) < h && math.Abs((l.box.x0+l.box.x1)/2-mid) < h &&
				l.box.x0-left > 2*h && math.Abs(l.height()-h) < 0.2*h
			if close && (full && flush || centred) {
				joinPieces(&cur, t)
				prev = l
				continue
			}
			out = append(out, f.fold(cur.String()))
			cur.Reset()
		}
		cur.WriteString(t)
		prev = l
	}
	if cur.Len() > 0 {
		out = append(out, f.fold(cur.String()))
	}
	return out
}
