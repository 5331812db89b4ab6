package charts

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/gkbench/gkbench/pipeline/metrics"
	"github.com/gkbench/gkbench/pipeline/warehouse"
)

// Data is everything a site is drawn from: the analysis exports (pipeline/metrics row types) and, when a
// warehouse is given, each report's document facts. Tests build it by hand; Load reads it from files.
type Data struct {
	// OutputsDir is the analysis outputs folder whose CSV and Parquet files the download page copies; ""
	// for none.
	OutputsDir string

	Values      []metrics.Value
	Rankings    []metrics.Ranking
	PeerStats   []metrics.PeerStat
	Trends      []metrics.Trend
	Reports     []metrics.QualityReport
	Identity    []metrics.IdentityFailure
	CrossYear   []metrics.CrossYear
	Missing     []metrics.MissingReport
	Edited      []metrics.EditedReport
	Publication []metrics.Publication
	Duplicates  []metrics.DuplicateCell

	// The source trail: the cells of every numerator and denominator, every report figure, and the
	// figures edits changed.
	Sources       []metrics.Source
	Facts         []metrics.ReportFact
	EditedFigures []metrics.EditedFigure

	// Docs holds what the warehouse knows of each report beyond the exports, by report id.
	Docs map[string]Doc
}

// Doc is one report's document: title as found (untrusted), format, content hash and where its bytes are.
type Doc struct {
	Title      string
	Format     string // html, text, pdf, docx, doc, binary, empty
	SHA256     string
	URL        string
	SourcePath string
	// Snapshot is a readable file holding the document's bytes as fetched or imported ("" when none was
	// found); Render copies it into the site.
	Snapshot string
}

// Load reads the analysis outputs in dir (metric_values.parquet is required; a missing quality table is
// logged and read as empty, so outputs of an older analysis still give a site) and, when opt.Warehouse is
// set, the warehouse's report records and the raw snapshots they point to.
func Load(dir string, opt Options) (*Data, error) {
	log := opt.logger()
	d := &Data{OutputsDir: dir}
	var err error
	if d.Values, err = metrics.ReadValues(dir); err != nil {
		return nil, fmt.Errorf("读取分析结果: %w", err)
	}
	optional := func(name string, read func() error) error {
		if _, statErr := os.Stat(filepath.Join(dir, name+".parquet")); errors.Is(statErr, fs.ErrNotExist) {
			log.Warn("分析结果缺少此表,按空表处理", "table", name, "dir", dir)
			return nil
		}
		if err := read(); err != nil {
			return fmt.Errorf("读取分析结果: %w", err)
		}
		return nil
	}
	reads := []struct {
		name string
		read func() error
	}{
		{"rankings", func() (err error) { d.Rankings, err = metrics.ReadRankings(dir); return }},
		{"peer_stats", func() (err error) { d.PeerStats, err = metrics.ReadPeerStats(dir); return }},
		{"trends", func() (err error) { d.Trends, err = metrics.ReadTrends(dir); return }},
		{"quality_reports", func() (err error) { d.Reports, err = metrics.ReadQualityReports(dir); return }},
		{"quality_identity", func() (err error) { d.Identity, err = metrics.ReadIdentityFailures(dir); return }},
		{"quality_cross_year", func() (err error) { d.CrossYear, err = metrics.ReadCrossYear(dir); return }},
		{"quality_missing_reports", func() (err error) { d.Missing, err = metrics.ReadMissingReports(dir); return }},
		{"quality_edited_reports", func() (err error) { d.Edited, err = metrics.ReadEditedReports(dir); return }},
		{"quality_publication", func() (err error) { d.Publication, err = metrics.ReadPublication(dir); return }},
		{"quality_duplicate_cells", func() (err error) { d.Duplicates, err = metrics.ReadDuplicateCells(dir); return }},
		{"metric_sources", func() (err error) { d.Sources, err = metrics.ReadSources(dir); return }},
		{"report_facts", func() (err error) { d.Facts, err = metrics.ReadReportFacts(dir); return }},
		{"quality_edited_figures", func() (err error) { d.EditedFigures, err = metrics.ReadEditedFigures(dir); return }},
	}
	for _, r := range reads {
		if err := optional(r.name, r.read); err != nil {
			return nil, err
		}
	}
	if opt.Warehouse != "" {
		docs, err := loadDocs(opt.Warehouse, opt.Raw)
		if err != nil {
			return nil, err
		}
		d.Docs = docs
	}
	return d, nil
}

// loadDocs reads the warehouse's report records and finds each document's snapshot: the raw store's object
// for its content hash, else its source path (absolute, or relative to the raw store's parent — the
// crawler's data folder — or to the working directory).
func loadDocs(wh, raw string) (map[string]Doc, error) {
	reps, err := warehouse.ReadReports(wh)
	if err != nil {
		return nil, fmt.Errorf("读取数据仓库 %s: %w", wh, err)
	}
	out := make(map[string]Doc, len(reps))
	for _, r := range reps {
		d := Doc{Title: r.Title, Format: r.Format, SHA256: r.SHA256, URL: r.URL, SourcePath: r.SourcePath}
		var candidates []string
		if raw != "" && len(r.SHA256) > 2 {
			candidates = append(candidates, filepath.Join(raw, "objects", r.SHA256[:2], r.SHA256))
		}
		if p := r.SourcePath; p != "" {
			if filepath.IsAbs(p) {
				candidates = append(candidates, p)
			} else {
				if raw != "" {
					candidates = append(candidates, filepath.Join(filepath.Dir(filepath.Clean(raw)), p))
				}
				candidates = append(candidates, p)
			}
		}
		for _, c := range candidates {
			if st, err := os.Stat(c); err == nil && st.Mode().IsRegular() {
				d.Snapshot = c
				break
			}
		}
		out[r.ID] = d
	}
	return out, nil
}

func (o Options) logger() *slog.Logger {
	if o.Log != nil {
		return o.Log
	}
	return slog.Default()
}
