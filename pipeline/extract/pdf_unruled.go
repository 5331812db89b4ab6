package extract

import (
	"math"
	"sort"
	"strings"
)

// Tables without ruling lines, found from text alignment. A report table holds figures: lines that split
// at wide gaps into several chunks, some of them numbers, mark a table; the numbers' horizontal extents,
// merged over all its lines, give the value columns, and the labels' left edges the label columns. Every
// line with a figure is a row; a line without one (a wrapped label, 其他情形）) joins the nearest row, and
// above the first row the lines are header rows, chunks in one column over consecutive lines (商业企 / 业)
// read as one header cell.

const (
	chunkGap   = 0.6 // a gap this many line heights wide separates two cells
	regionGap  = 2.5 // a vertical gap this many line heights wide ends a table
	minValRows = 3   // lines with figures a table needs (or one line with one more figure: table 4)
)

type unChunk struct {
	line *pdfLine
	ln   int // index of its line in the region
	box  pdfBox
	text string
	num  bool
}

// unruledTables finds the unruled tables in a stream of text lines (all pages); it returns them and the
// lines they did not take.
func unruledTables(lines []pdfLine) ([]*pdfTable, []pdfLine) {
	var f folder
	type lineInfo struct {
		chunks []unChunk
		vals   int
	}
	info := make([]lineInfo, len(lines))
	for i := range lines {
		l := &lines[i]
		for _, c := range l.chunks(chunkGap * l.height()) {
			t := c.text(&f)
			if t == "" {
				continue
			}
			num := looksNumeric(strings.ReplaceAll(t, " ", ""))
			info[i].chunks = append(info[i].chunks, unChunk{line: l, box: c.box, text: t, num: num})
			if num {
				info[i].vals++
			}
		}
	}
	var tables []*pdfTable
	used := make([]bool, len(lines))
	for start := 0; start < len(lines); {
		if info[start].vals == 0 || len(info[start].chunks) < 2 {
			start++
			continue
		}
		// Grow a region around this line: up over header lines, down while lines stay close and are not
		// headings of their own.
		end := start + 1
		for end < len(lines) && follows(lines[end-1], lines[end]) && !heading(info[end].chunks) {
			end++
		}
		top := start
		for top > 0 && !used[top-1] && follows(lines[top-1], lines[top]) && !heading(info[top-1].chunks) && info[top-1].vals == 0 {
			top--
		}
		valRows, maxVals := 0, 0
		for i := top; i < end; i++ {
			if info[i].vals > 0 && len(info[i].chunks) >= 2 {
				valRows++
			}
			maxVals = max(maxVals, info[i].vals)
		}
		if valRows < minValRows && maxVals < minValRows+1 {
			start = end
			continue
		}
		var chunks [][]unChunk
		for i := top; i < end; i++ {
			for k := range info[i].chunks {
				info[i].chunks[k].ln = i - top
			}
			chunks = append(chunks, info[i].chunks)
		}
		if t := buildUnruled(lines[top:end], chunks); t != nil {
			tables = append(tables, t)
			for i := top; i < end; i++ {
				used[i] = true
			}
		}
		start = end
	}
	var rest []pdfLine
	for i := range lines {
		if !used[i] {
			rest = append(rest, lines[i])
		}
	}
	return tables, rest
}

// follows reports whether b follows a at table line spacing, or at the top of the next page.
func follows(a, b pdfLine) bool {
	if a.page != b.page {
		return b.page == a.page+1 && a.last && b.first
	}
	return b.box.y0-a.box.y1 < regionGap*math.Max(a.height(), b.height())
}

// heading reports whether a line is a numbered heading standing alone (三、收到和处理…): a table ends there.
func heading(cs []unChunk) bool {
	if len(cs) != 1 {
		return false
	}
	rs := []rune(cs[0].text)
	return len(rs) > 2 && strings.ContainsRune("一二三四五六七八九十", rs[0]) && rs[1] == '、'
}

type span struct{ x0, x1 float64 }

func buildUnruled(lines []pdfLine, chunks [][]unChunk) *pdfTable {
	// Value columns: merged extents of the figures.
	var vs []span
	for _, row := range chunks {
		for _, c := range row {
			if c.num {
				vs = append(vs, span{c.box.x0, c.box.x1})
			}
		}
	}
	cols := mergeSpans(vs)
	if len(cols) == 0 {
		return nil
	}
	// Label columns: left edges of the text left of the first value column.
	var lefts []float64
	for _, row := range chunks {
		for _, c := range row {
			if !c.num && c.box.x1 <= cols[0].x0 {
				lefts = append(lefts, c.box.x0)
			}
		}
	}
	lcols := positions(lefts)
	// Merge label columns closer than a character: positions() already merged within ruleMerge.
	var xs []float64
	xs = append(xs, lcols...)
	for _, c := range cols {
		xs = append(xs, c.x0)
	}
	nc := len(xs)
	colOf := func(b pdfBox) (int, int) {
		first, last := -1, -1
		for i := range nc {
			x0 := xs[i]
			x1 := math.Inf(1)
			if i+1 < nc {
				x1 = xs[i+1]
			}
			if i >= len(lcols) {
				x1 = cols[i-len(lcols)].x1
			}
			if b.x1 > x0+0.5 && b.x0 < x1-0.5 {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		if first < 0 {
			// Left of everything, or in a gap: the nearest column to the left.
			first = 0
			for i := range nc {
				if xs[i] <= b.x0 {
					first = i
				}
			}
			last = first
		}
		return first, last
	}
	// Rows. A line with a figure is a data row. A line without one is a header line when it is above the
	// first data row, or reaches into the value columns, or stands just before such a line (a block title
	// such as 第二十条第（五）项); header lines are rows too, and chunks of consecutive header lines in the
	// same columns join into one cell. Any other line (a wrapped label) joins the nearest data row.
	valueLine := func(i int) bool {
		for _, c := range chunks[i] {
			if c.num {
				return true
			}
		}
		return false
	}
	reaches := func(i int) bool {
		for _, c := range chunks[i] {
			if _, c1 := colOf(c.box); c1 >= len(lcols) {
				return true
			}
		}
		return false
	}
	header := make([]bool, len(lines))
	seenData := false
	for i := range lines {
		if valueLine(i) {
			seenData = true
			continue
		}
		header[i] = !seenData || reaches(i)
	}
	for i := len(lines) - 2; i >= 0; i-- {
		if !valueLine(i) && header[i+1] {
			header[i] = true
		}
	}
	type hcell struct {
		c0, c1 int
		text   string
		box    pdfBox
		row    int
		last   int // last line index
		page   int
	}
	var hcells []*hcell
	block := 0
	rowOfLine := make([]int, len(lines))
	var anchors []int // data lines
	nr := 0
	for i := range lines {
		switch {
		case valueLine(i):
			block = len(hcells) // header cells after a data row start a new header
			rowOfLine[i] = nr
			anchors = append(anchors, i)
			nr++
		case header[i]:
			started := false
			for _, c := range chunks[i] {
				c0, c1 := colOf(c.box)
				joined := false
				for _, h := range hcells[block:] {
					// Stacked in the same columns, with at most the gap of a line between: one header
					// label wrapped (结果 / 维持, with 总计 centred between them on its own line).
					if h.c0 == c0 && h.c1 == c1 && c.box.y0-h.box.y1 < lines[i].height() && lines[i].page == h.page {
						h.text = joinedText(h.text, c.text)
						h.box = unionBox(h.box, c.box)
						h.last = i
						joined = true
						break
					}
				}
				if joined {
					continue
				}
				if !started {
					nr++
					started = true
				}
				hcells = append(hcells, &hcell{c0: c0, c1: c1, text: c.text, box: c.box, row: nr - 1, last: i, page: lines[i].page})
			}
			rowOfLine[i] = -1
		default:
			rowOfLine[i] = -2 // attached below
		}
	}
	if len(anchors) == 0 {
		return nil
	}
	centre := func(i int) float64 { return (lines[i].box.y0 + lines[i].box.y1) / 2 }
	for i := range lines {
		if rowOfLine[i] != -2 {
			continue
		}
		best, dist := anchors[0], math.Inf(1)
		for _, a := range anchors {
			if d := math.Abs(centre(i) - centre(a)); d < dist {
				best, dist = a, d
			}
		}
		rowOfLine[i] = rowOfLine[best]
	}
	// The table's place in reading order is its first line; its box, for ordering, that line's.
	t := &pdfTable{page: lines[0].page, nrows: nr, box: lines[0].box}
	width := pdfBox{math.Inf(1), 0, math.Inf(-1), 0}
	for i := range lines {
		width = unionBox(width, lines[i].box)
	}
	t.xs = append(append([]float64{}, xs...), math.Max(width.x1, cols[len(cols)-1].x1))
	type key struct{ r, c int }
	cells := map[key]*pdfCell{}
	taken := make([][]bool, nr)
	for r := range taken {
		taken[r] = make([]bool, nc)
	}
	add := func(r, c0, c1 int, text string, b pdfBox, page int) {
		k := key{r, c0}
		if cl := cells[k]; cl != nil {
			cl.text = joinedText(cl.text, text)
			cl.box = unionBox(cl.box, b)
			return
		}
		for c := c0; c <= c1; c++ {
			if taken[r][c] {
				c1 = c - 1
				break
			}
		}
		if c1 < c0 {
			return
		}
		for c := c0; c <= c1; c++ {
			taken[r][c] = true
		}
		cl := &pdfCell{r: r, c: c0, rs: 1, cs: c1 - c0 + 1, text: text, page: page, box: b}
		cells[k] = cl
		t.cells = append(t.cells, cl)
	}
	for _, h := range hcells {
		add(h.row, h.c0, h.c1, h.text, h.box, h.page)
	}
	for i := range lines {
		if rowOfLine[i] < 0 {
			continue
		}
		for _, c := range chunks[i] {
			c0, c1 := colOf(c.box)
			if c.num {
				c1 = c0
			}
			add(rowOfLine[i], c0, c1, c.text, c.box, lines[i].page)
		}
	}
	// Fill free positions with empty cells so the grid is complete.
	for r := range nr {
		for c := range nc {
			if !taken[r][c] {
				t.cells = append(t.cells, &pdfCell{r: r, c: c, rs: 1, cs: 1, page: t.page})
			}
		}
	}
	sort.SliceStable(t.cells, func(a, b int) bool {
		if t.cells[a].r != t.cells[b].r {
			return t.cells[a].r < t.cells[b].r
		}
		return t.cells[a].c < t.cells[b].c
	})
	return t
}

func unionBox(a, b pdfBox) pdfBox {
	return pdfBox{math.Min(a.x0, b.x0), math.Min(a.y0, b.y0), math.Max(a.x1, b.x1), math.Max(a.y1, b.y1)}
}

// mergeSpans merges overlapping spans, left to right.
func mergeSpans(vs []span) []span {
	sort.Slice(vs, func(i, j int) bool { return vs[i].x0 < vs[j].x0 })
	var out []span
	for _, v := range vs {
		if n := len(out); n > 0 && v.x0 <= out[n-1].x1+0.5 {
			out[n-1].x1 = math.Max(out[n-1].x1, v.x1)
			continue
		}
		out = append(out, v)
	}
	return out
}
