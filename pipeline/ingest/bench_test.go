package ingest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gkbench/gkbench/internal/corpus"

	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/synth"
	"github.com/gkbench/gkbench/pipeline/template"
)

// BenchmarkParse runs whole documents (decode → extract → parse → validate) on realistic generated pages:
// a ~40 KB portal page with prose, chrome and the three tables, as UTF-8 HTML, GBK HTML with Word span
// soup, and the flattened text form.
func BenchmarkParse(b *testing.B) {
	gen := synth.Generate(7, "示例市东城区人民政府", "东城区", 2023, template.V2021, 3)
	cases := []struct {
		name string
		path string
		data []byte
	}{
		{"html-utf8", "a.html", synth.HTML(gen, synth.Style{})},
		{"html-gbk-soup", "a.html", synth.HTML(gen, synth.Style{Encoding: synth.GBK, SpanSoup: true})},
		{"text-pipe", "a.txt", synth.Text(gen, synth.TextStyle{Form: synth.PipeCells})},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.data)))
			b.ReportAllocs()
			for b.Loop() {
				r := Parse(Source{Path: c.path}, c.data, testNow)
				if r.Status != report.OK {
					b.Fatalf("status %s: %v", r.Status, r.Warnings)
				}
			}
		})
	}
}

// BenchmarkParseCorpus parses the shared corpus's flattened text copies of real reports with their
// manifest, the inputs the Python regex peer is measured on; "ms/report" is the figure to compare.
func BenchmarkParseCorpus(b *testing.B) {
	dir := corpus.Dir(b)
	meta, err := ReadManifest(filepath.Join(dir, "manifest.csv"))
	if err != nil {
		b.Fatal(err)
	}
	type doc struct {
		src  Source
		data []byte
	}
	var docs []doc
	var size int64
	for p, src := range meta {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		src.Path = p
		docs = append(docs, doc{src, data})
		size += int64(len(data))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			if r := Parse(d.src, d.data, testNow); r.Status == report.Failed {
				b.Fatalf("%s: %s", d.src.Path, r.Error)
			}
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N*len(docs)), "ms/report")
}
