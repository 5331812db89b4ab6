package synth

import (
	"html"
	"strconv"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/gkbench/gkbench/pipeline/template"
)

// HTML renders r as a full portal page in style s, encoded as s.Encoding says.
func HTML(r *Report, s Style) []byte {
	page, _ := renderHTML(r, s)
	return finish(encode(page, s.Encoding, true), s.Truncate)
}

// HTMLCut returns the byte offset in HTML(r, s) just after the cell that prints figure c (after its </td>),
// for Style.Truncate to cut a page inside a table; -1 when the page does not print c.
func HTMLCut(r *Report, s Style, c template.Cell) int {
	page, off := renderHTML(r, s)
	o, ok := off[c]
	if !ok {
		return -1
	}
	return len(encode(page[:o], s.Encoding, true))
}

func finish(b []byte, n int) []byte {
	if n > 0 && n < len(b) {
		return b[:n]
	}
	return b
}

// encoding returns the encoder of a page encoding name, or nil for UTF-8.
func encoderFor(name string) encoding.Encoding {
	switch strings.ToLower(name) {
	case GBK, GB2312:
		return simplifiedchinese.GBK
	case GB18030:
		return simplifiedchinese.GB18030
	}
	return nil
}

// encode writes UTF-8 text in the named encoding. Characters the encoding cannot hold become character
// references in HTML; in text, a no-break space becomes a space and anything else "?", as copy tools do
// (the library's own substitute is a control character).
func encode(s, name string, htmlEscape bool) []byte {
	e := encoderFor(name)
	if e == nil {
		return []byte(s)
	}
	if htmlEscape {
		out, err := encoding.HTMLEscapeUnsupported(e.NewEncoder()).String(s)
		if err == nil {
			return []byte(out)
		}
	}
	s = strings.ReplaceAll(s, "\u00a0", " ")
	if out, err := e.NewEncoder().String(s); err == nil {
		return []byte(out)
	}
	var b []byte
	enc := e.NewEncoder()
	for _, r := range s {
		out, err := enc.String(string(r))
		if err != nil {
			out = "?"
		}
		b = append(b, out...)
	}
	return b
}

// htmlWriter writes a page and records where each figure's cell ends.
type htmlWriter struct {
	strings.Builder
	s   Style
	off map[template.Cell]int
}

func esc(s string) string {
	return strings.ReplaceAll(html.EscapeString(s), "\u00a0", "&nbsp;")
}

func renderHTML(r *Report, s Style) (string, map[template.Cell]int) {
	pg := buildPage(r, s)
	w := &htmlWriter{s: s, off: map[template.Cell]int{}}
	enc := strings.ToLower(s.Encoding)
	if enc == "" {
		enc = UTF8
	}
	label := enc
	if s.MetaCharset != "" {
		label = s.MetaCharset
	}
	if enc == UTF8 {
		w.WriteString("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n")
		if !s.NoMeta {
			w.WriteString(`<meta charset="` + esc(label) + "\">\n")
		}
	} else {
		w.WriteString(`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">` + "\n")
		w.WriteString("<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n")
		if !s.NoMeta {
			w.WriteString(`<meta http-equiv="Content-Type" content="text/html; charset=` + esc(label) + "\" />\n")
		}
	}
	w.WriteString("<title>" + esc(pg.title) + "</title>\n")
	w.WriteString("<link rel=\"stylesheet\" href=\"/css/article.css\" />\n</head>\n<body>\n")
	portal := pg.portal
	if s.Traditional {
		portal = traditional(portal)
	}
	w.WriteString("<div class=\"header\"><div class=\"site-name\">" + esc(portal) + "</div></div>\n")
	w.WriteString("<div class=\"main\">\n")
	inBody := false
	for _, b := range pg.blocks {
		if b.body && !inBody {
			w.WriteString("<div class=\"article-content\" id=\"zoom\">\n")
			if s.NestedTables {
				w.WriteString("<table width=\"100%\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\" class=\"layout\"><tbody><tr><td class=\"content-cell\">\n")
			}
		}
		if !b.body && inBody {
			w.closeBody()
		}
		inBody = b.body
		w.block(b)
	}
	if inBody {
		w.closeBody()
	}
	w.WriteString("</div>\n</body>\n</html>\n")
	return w.String(), w.off
}

func (w *htmlWriter) closeBody() {
	if w.s.NestedTables {
		w.WriteString("</td></tr></tbody></table>\n")
	}
	w.WriteString("</div>\n")
}

func (w *htmlWriter) block(b block) {
	switch b.kind {
	case bCrumb:
		w.WriteString("<div class=\"crumb\">")
		for i, it := range b.lines {
			if i > 0 {
				w.WriteString("&gt;&gt;")
			}
			w.WriteString("<a href=\"javascript:void(0)\">" + esc(it) + "</a>")
		}
		w.WriteString("</div>\n")
	case bTitle:
		w.WriteString("<h1 class=\"article-title\">" + esc(b.lines[0]) + "</h1>\n")
	case bInfo:
		w.WriteString("<div class=\"article-info\">")
		for i, it := range b.lines {
			if i == len(b.lines)-1 { // 字号：大 中 小 — the sizes are links
				head, sizes, _ := strings.Cut(it, "：")
				w.WriteString("<span class=\"font\">" + esc(head) + "：")
				for j, sz := range strings.Fields(sizes) {
					if j > 0 {
						w.WriteString(" ")
					}
					w.WriteString("<a href=\"javascript:void(0)\">" + esc(sz) + "</a>")
				}
				w.WriteString("</span>")
				continue
			}
			w.WriteString("<span>" + esc(it) + "</span> ")
		}
		w.WriteString("</div>\n")
	case bPara:
		w.WriteString("<p style=\"text-indent:2em\">" + esc(b.lines[0]) + "</p>\n")
	case bHeading:
		w.WriteString("<p style=\"text-indent:2em\"><strong>" + esc(b.lines[0]) + "</strong></p>\n")
	case bSub:
		w.WriteString("<p style=\"text-indent:2em\"><b>" + esc(b.lines[0]) + "</b></p>\n")
	case bImage:
		w.WriteString("<p style=\"text-align:center\"><img src=\"" + esc(b.src) + "\" border=\"0\" width=\"600\" /></p>\n")
	case bTable:
		w.table(b.grid)
	case bFooter:
		w.WriteString("<div class=\"footer\">")
		for _, l := range b.lines {
			w.WriteString("<p>" + esc(l) + "</p>")
		}
		w.WriteString("</div>\n")
	case bPopup:
		w.WriteString("<div class=\"leave-tip\" style=\"display:none\">")
		for _, l := range b.lines {
			w.WriteString("<p>" + esc(l) + "</p>")
		}
		w.WriteString("</div>\n")
	}
}

func (w *htmlWriter) table(g *grid) {
	if w.s.SpanSoup {
		w.WriteString("<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;border:none'>\n<tbody>\n")
	} else {
		w.WriteString("<table border=\"1\" cellspacing=\"0\" cellpadding=\"0\" width=\"100%\" style=\"border-collapse:collapse\">\n<tbody>\n")
	}
	for _, row := range g.rows {
		if w.s.SpanSoup {
			w.WriteString("<tr style='height:20.0pt'>")
		} else {
			w.WriteString("<tr>")
		}
		for _, c := range row {
			w.cell(c)
		}
		w.WriteString("</tr>\n")
	}
	w.WriteString("</tbody>\n</table>\n")
}

func (w *htmlWriter) cell(c gcell) {
	cs, rs := c.span()
	if w.s.SpanSoup {
		w.WriteString("<td width=" + strconv.Itoa(64*cs))
		if cs > 1 {
			w.WriteString(" colspan=" + strconv.Itoa(cs))
		}
		if rs > 1 {
			w.WriteString(" rowspan=" + strconv.Itoa(rs))
		}
		w.WriteString(" valign=center style='border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt'>")
		w.WriteString("<p class=MsoNormal align=center style='text-align:center'>")
		for i, l := range c.lines {
			if i > 0 {
				w.WriteString("<br>")
			}
			if c.value {
				w.WriteString(`<span lang=EN-US style='font-size:10.5pt;font-family:"Times New Roman"'><font face="Times New Roman">` + esc(l) + "</font></span>")
				continue
			}
			// Word splits a label wherever its formatting runs changed.
			rs := []rune(l)
			cut := (len(rs) + 2) / 3
			for _, part := range []string{string(rs[:cut]), string(rs[cut:])} {
				if part != "" {
					w.WriteString("<span style='font-size:10.5pt;font-family:宋体'><font face=\"宋体\">" + esc(part) + "</font></span>")
				}
			}
		}
		w.WriteString("</p></td>")
	} else {
		w.WriteString("<td")
		if cs > 1 {
			w.WriteString(` colspan="` + strconv.Itoa(cs) + `"`)
		}
		if rs > 1 {
			w.WriteString(` rowspan="` + strconv.Itoa(rs) + `"`)
		}
		w.WriteString(">")
		for i, l := range c.lines {
			if i > 0 {
				w.WriteString("<br>")
			}
			w.WriteString(esc(l))
		}
		w.WriteString("</td>")
	}
	if c.cell != nil {
		w.off[*c.cell] = w.Len()
	}
}
