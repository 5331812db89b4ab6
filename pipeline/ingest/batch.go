package ingest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/validate"
)

// Store receives parsed reports (the warehouse).
type Store interface {
	Put(r *report.Report) error
}

// Importer parses documents and stores them.
type Importer struct {
	Store    Store
	Workers  int          // parallel parsers; 0 means one per CPU
	Log      *slog.Logger // nil: slog.Default()
	Progress io.Writer    // where a progress line per document goes; nil for none
	Now      func() time.Time
}

// Summary counts what an import did.
type Summary struct {
	Reports, OK, Partial, Failed int
	NeedsOCR                     int // PDFs without a text layer (counted apart from Failed)
	Facts, ChecksFailed          int
	StoreErrors                  int
	Results                      []*report.Report // in input order
}

// Import parses every file and stores each report. Per-document problems are in the reports; the error
// is only for a cancelled context.
func (im *Importer) Import(ctx context.Context, files []string, meta map[string]Source) (Summary, error) {
	log := im.Log
	if log == nil {
		log = slog.Default()
	}
	now := im.Now
	if now == nil {
		now = time.Now
	}
	workers := im.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	results := make([]*report.Report, len(files))
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var sum Summary
	done := 0
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				r := im.one(files[i], meta, now())
				results[i] = r
				var storeErr error
				if im.Store != nil {
					storeErr = im.Store.Put(r)
				}
				mu.Lock()
				done++
				if storeErr != nil {
					sum.StoreErrors++
					log.Error("store report", "path", files[i], "err", storeErr)
				}
				if im.Progress != nil {
					fmt.Fprintf(im.Progress, "[%d/%d] %-7s %s\n", done, len(files), r.Status, displayName(r))
				}
				mu.Unlock()
				log.Debug("parsed", "path", files[i], "status", r.Status, "facts", len(r.Facts))
			}
		}()
	}
	var err error
feed:
	for i := range files {
		select {
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		case jobs <- i:
		}
	}
	close(jobs)
	wg.Wait()
	for _, r := range results {
		if r == nil {
			continue
		}
		sum.Results = append(sum.Results, r)
		sum.Reports++
		sum.Facts += len(r.Facts)
		sum.ChecksFailed += validate.Failed(r.Checks)
		switch r.Status {
		case report.OK:
			sum.OK++
		case report.Partial:
			sum.Partial++
		case report.NeedsOCR:
			sum.NeedsOCR++
		default:
			sum.Failed++
		}
	}
	return sum, err
}

func (im *Importer) one(path string, meta map[string]Source, now time.Time) *report.Report {
	src, ok := meta[path]
	if !ok {
		src = Source{}
	}
	src.Path = path
	data, err := readSource(src)
	if err != nil {
		r := Parse(src, nil, now)
		r.ID, r.SHA256 = ID([]byte("unreadable:" + path))
		r.Status, r.Error, r.Format = report.Failed, err.Error(), ""
		return r
	}
	return Parse(src, data, now)
}

// readLimited reads a file, refusing more than MaxSize+1 bytes so a huge file cannot exhaust memory; Parse
// then reports it as too large.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("读取 %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("读取 %s: %w", path, err)
	}
	return data, nil
}

func displayName(r *report.Report) string {
	parts := []string{filepath.Base(r.SourcePath)}
	if r.Issuer != "" {
		parts = append(parts, r.Issuer)
	}
	if r.Year != 0 {
		parts = append(parts, fmt.Sprint(r.Year))
	}
	s := strings.Join(parts, " ")
	if r.Error != "" {
		s += " — " + r.Error
	}
	return Printable(s) // names and manifest fields may hold terminal escapes
}
