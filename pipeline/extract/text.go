package extract

import (
	"html"
	"strings"
	"unicode/utf8"
)

// TextDocument extracts the flattened text form (web-to-text copies of report pages). Lines are split at
// \n, \r\n or a lone \r and numbered from 1; a leading BOM is dropped.
//
// A line containing "|" holds table cells: each non-empty segment between pipes becomes a CellBlock, in
// order. Empty segments are dropped, because the copies print the extra positions of a colspan as bare "|"
// runs; a line holding only such a run becomes a PipeBlock, for the parser to tell a blank cell from a
// span. One exception: a line holding only white space (often a no-break space) and a single "|" is an
// empty cell ("&nbsp; |"), because fillers never start with white space; it becomes a CellBlock with empty
// Text. Other non-empty lines
// become TextBlocks. Copies with one cell per line, or cells separated by blank lines, have no pipes at all:
// there every cell is a TextBlock, and telling cells from prose is the parser's job.
func TextDocument(text string) (*Document, error) {
	text = strings.TrimPrefix(text, "\uFEFF")
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	doc := &Document{}
	// Sized once: at most a block per cell or line (the pipes and line breaks bound it).
	doc.Blocks = make([]Block, 0, min(strings.Count(text, "|")+strings.Count(text, "\n")+1, 1<<16))
	var f folder
	for lineNo := 1; len(text) > 0; lineNo++ {
		var line string
		i := strings.IndexAny(text, "\r\n")
		if i < 0 {
			line, text = text, ""
		} else {
			line = text[:i]
			if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			text = text[i+1:]
		}
		if strings.IndexByte(line, '&') >= 0 {
			// Copies made from page source keep entities (&nbsp;, &#8220;): read them as the page showed them.
			line = html.UnescapeString(line)
		}
		if strings.IndexByte(line, '|') < 0 {
			if t := f.fold(line); t != "" {
				doc.Blocks = append(doc.Blocks, Block{Kind: TextBlock, Text: t, Line: lineNo})
			}
			continue
		}
		if isEmptyCell(line) {
			doc.Blocks = append(doc.Blocks, Block{Kind: CellBlock, Line: lineNo})
			continue
		}
		if run := strings.Trim(line, " \t"); strings.Trim(run, "|") == "" {
			doc.Blocks = append(doc.Blocks, Block{Kind: PipeBlock, Text: run, Line: lineNo})
			continue
		}
		for seg := range strings.SplitSeq(line, "|") {
			if t := f.fold(seg); t != "" {
				doc.Blocks = append(doc.Blocks, Block{Kind: CellBlock, Text: t, Line: lineNo})
			}
		}
	}
	if len(doc.Blocks) == 0 {
		doc.Warnings = append(doc.Warnings, "文档中没有可提取的文字")
	}
	return doc, nil
}

// isEmptyCell reports whether a line is an empty cell of the " |" form: white space, then one pipe.
func isEmptyCell(line string) bool {
	body, ok := strings.CutSuffix(strings.TrimRight(line, " \t"), "|")
	if !ok || body == "" || strings.Contains(body, "|") {
		return false
	}
	return strings.TrimSpace(strings.ReplaceAll(body, "\u00a0", " ")) == ""
}
