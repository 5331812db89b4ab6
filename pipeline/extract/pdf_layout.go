package extract

import (
	"math"
	"sort"
)

// PDF page layout: each page's tables and text lines in reading order (top to bottom), tables joined
// across page breaks, text lines joined into paragraphs.

type pdfItem struct {
	y     float64
	line  *pdfLine  // a text line, or
	table *pdfTable // a table
}

// markEnds marks the first and last line of each page in a stream of lines.
func markEnds(lines []pdfLine) {
	for i := range lines {
		lines[i].first = i == 0 || lines[i-1].page != lines[i].page
		lines[i].last = i == len(lines)-1 || lines[i+1].page != lines[i].page
	}
}

func layoutPDF(pages []pdfPage) *Document {
	doc := &Document{}
	var f folder
	var items []pdfItem // all pages, in reading order
	left, right := math.Inf(1), math.Inf(-1)
	// Ruled tables page by page; the remaining lines of all pages, furniture left out, in one stream, so
	// that an unruled table whose header ends one page and whose rows start the next is found whole.
	ruled := make([][]*pdfTable, len(pages))
	var stream []pdfLine
	for i := range pages {
		p := &pages[i]
		rest := p.chars
		ruled[i] = ruledTables(p)
		for _, t := range ruled[i] {
			rest = t.fill(rest)
		}
		for _, l := range groupLines(rest) {
			if isFurniture(l.text(&f)) {
				continue
			}
			l.page = p.num
			stream = append(stream, l)
			left, right = math.Min(left, l.box.x0), math.Max(right, l.box.x1)
		}
	}
	markEnds(stream)
	unruled, stream := unruledTables(stream)
	for i := range pages {
		p := &pages[i]
		var its []pdfItem
		for k := range stream {
			if l := &stream[k]; l.page == p.num {
				its = append(its, pdfItem{y: l.box.y0, line: l})
			}
		}
		for _, t := range ruled[i] {
			its = append(its, pdfItem{y: t.box.y0, table: t})
		}
		for _, t := range unruled {
			if t.page == p.num {
				its = append(its, pdfItem{y: t.box.y0, table: t})
			}
		}
		sort.SliceStable(its, func(a, b int) bool { return its[a].y < its[b].y })
		// A table is at the top (bottom) of its page when nothing precedes (follows) it there.
		if len(its) > 0 {
			if t := its[0].table; t != nil {
				t.top = true
			}
			if t := its[len(its)-1].table; t != nil {
				t.bottom = true
			}
		}
		items = append(items, its...)
	}

	// Join tables that continue on the next page.
	var prev *pdfTable
	kept := items[:0]
	for _, it := range items {
		if it.table != nil {
			if prev != nil && prev.continues(it.table) {
				prev.join(it.table)
				continue
			}
			prev = it.table
		} else if it.line != nil {
			prev = nil
		}
		kept = append(kept, it)
	}

	var run []pdfLine
	flush := func() {
		for _, t := range paragraphs(run, left, right, &f) {
			doc.Blocks = append(doc.Blocks, Block{Kind: TextBlock, Text: t})
		}
		run = run[:0]
	}
	tables := 0
	for _, it := range kept {
		if it.line != nil {
			run = append(run, *it.line)
			continue
		}
		flush()
		doc.Blocks = append(doc.Blocks, Block{Kind: TableBlock, Table: it.table.grid(tables)})
		tables++
	}
	flush()
	return doc
}
