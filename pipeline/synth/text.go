package synth

import (
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/gkbench/gkbench/pipeline/template"
)

// Text renders r as a web-to-text copy of its page in style s: one line per heading, paragraph and chrome
// item, table cells flattened as s.Form says. Encoded as s.Encoding says (UTF-8 by default).
func Text(r *Report, s TextStyle) []byte {
	txt, _ := renderText(r, s)
	return finish(encode(txt, s.Encoding, false), s.Truncate)
}

// TextCut returns the byte offset in Text(r, s) just after the cell that prints figure c (after its line,
// or after its " |" in RowPerLine), for Style.Truncate; -1 when the text does not print c.
func TextCut(r *Report, s TextStyle, c template.Cell) int {
	txt, off := renderText(r, s)
	o, ok := off[c]
	if !ok {
		return -1
	}
	return len(encode(txt[:o], s.Encoding, false))
}

type textWriter struct {
	strings.Builder
	s   TextStyle
	off map[template.Cell]int
}

// line writes one line of the document (and the blank line after it in BlankLineSeparated).
func (w *textWriter) line(l string) {
	if w.s.NFKC {
		l = norm.NFKC.String(l)
	}
	w.WriteString(l)
	w.WriteString("\n")
	if w.s.Form == BlankLineSeparated {
		w.WriteString("\n")
	}
}

func renderText(r *Report, s TextStyle) (string, map[template.Cell]int) {
	pg := buildPage(r, s.Style)
	w := &textWriter{s: s, off: map[template.Cell]int{}}
	for _, b := range pg.blocks {
		switch b.kind {
		case bCrumb:
			w.line(strings.Join(b.lines, ">>"))
		case bInfo:
			// 日期 and 来源 share a line; 分享 and 字号 (icons and links) each get one.
			w.line(strings.Join(b.lines[:len(b.lines)-2], " "))
			w.line(b.lines[len(b.lines)-2])
			w.line(b.lines[len(b.lines)-1])
		case bTable:
			w.table(b.grid)
		case bImage:
			// An image has no text.
		default:
			for _, l := range b.lines {
				w.line(l)
			}
		}
	}
	return w.String(), w.off
}

func (w *textWriter) text(c gcell) string {
	if len(c.lines) == 0 {
		return ""
	}
	if w.s.LostSecondLine && c.fragile {
		return c.lines[0]
	}
	return strings.Join(c.lines, " ") // a <br> becomes a space, as in the corpus (商业 企业)
}

func (w *textWriter) mark(c gcell) {
	if c.cell != nil {
		w.off[*c.cell] = w.Len()
	}
}

func (w *textWriter) table(g *grid) {
	cov := g.covered()
	for i, row := range g.rows {
		run := cov[i]
		if i == len(g.rows)-1 {
			run = 0 // copies drop the run after a table's last row
		}
		pipes := strings.Repeat("|", run)
		switch w.s.Form {
		case PipeCells, PipeCellsInline:
			for k, c := range row {
				l := w.text(c) + " |"
				if w.s.Form == PipeCellsInline && k == len(row)-1 && run > 0 {
					l += " " + pipes
				}
				w.line(l)
				w.mark(c)
			}
			if w.s.Form == PipeCells && run > 0 {
				w.line(pipes)
			}
		case RowPerLine:
			var b strings.Builder
			start := w.Len()
			for k, c := range row {
				if k > 0 {
					b.WriteString(" ")
				}
				t := w.text(c) + " |"
				if w.s.NFKC {
					t = norm.NFKC.String(t)
				}
				b.WriteString(t)
				if c.cell != nil {
					w.off[*c.cell] = start + b.Len()
				}
			}
			w.WriteString(b.String())
			w.WriteString("\n")
		default:
			for _, c := range row {
				w.line(w.text(c))
				w.mark(c)
			}
		}
	}
}
