package extract

import (
	"context"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"
)

func TestDumpPDF(t *testing.T) {
	f := os.Getenv("DUMP_PDF")
	if f == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(f)
	t0 := time.Now()
	pages, total, err := readPDF(context.Background(), b, 100)
	fmt.Println("time", time.Since(t0), total, err)
	for _, p := range pages {
		fmt.Printf("page %d %gx%g chars %d rules %d images %d\n", p.num, p.w, p.h, len(p.chars), len(p.rules), len(p.images))
		if os.Getenv("DUMP_PAGE") == fmt.Sprint(p.num) {
			for _, c := range p.chars {
				fmt.Printf("%q %.1f %.1f %.1f %.1f\n", c.r, c.x0, c.y0, c.x1, c.y1)
			}
			rs := p.rules
			sort.Slice(rs, func(i, j int) bool { return rs[i].y0 < rs[j].y0 })
			for _, r := range rs {
				fmt.Printf("rule %.1f %.1f %.1f %.1f\n", r.x0, r.y0, r.x1, r.y1)
			}
		}
	}
}

func TestDumpDoc(t *testing.T) {
	f := os.Getenv("DUMP_DOC")
	if f == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(f)
	d, err := PDFDocument(b)
	if err != nil {
		t.Fatal(err)
	}
	checkDoc(t, d)
	for _, b := range d.Blocks {
		if b.Kind != TableBlock {
			fmt.Println("T:", b.Text)
			continue
		}
		fmt.Println("TABLE", b.Table.Index)
		for _, r := range texts(b.Table) {
			fmt.Printf("  %q\n", r)
		}
	}
}

func TestDumpLines(t *testing.T) {
	f := os.Getenv("DUMP_LINES")
	if f == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(f)
	pages, _, _ := readPDF(context.Background(), b, 100)
	var fo folder
	for _, p := range pages[:1] {
		lines := groupLines(p.chars)
		for _, l := range lines {
			var cs []string
			for _, c := range l.chunks(chunkGap * l.height()) {
				cs = append(cs, c.text(&fo))
			}
			fmt.Printf("%.1f-%.1f %q\n", l.box.y0, l.box.y1, cs)
		}
	}
}
