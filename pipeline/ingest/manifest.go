package ingest

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ReadManifest reads a CSV manifest with the columns path,url,issuer,jurisdiction,year and optionally
// published_on (YYYY-MM-DD) (header required, any order; every column but path may be empty). Paths are relative to the manifest's folder. The result
// is keyed by the cleaned absolute path.
func ReadManifest(file string) (map[string]Source, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	defer f.Close()
	base, err := filepath.Abs(filepath.Dir(file))
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", file, err)
	}
	rd := csv.NewReader(f)
	rd.FieldsPerRecord = -1
	head, err := rd.Read()
	if err != nil {
		return nil, fmt.Errorf("manifest %s: 无法读取表头: %w", file, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	if _, ok := col["path"]; !ok {
		return nil, fmt.Errorf("manifest %s: 缺少 path 列(应有 path,url,issuer,jurisdiction,year)", file)
	}
	get := func(rec []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	out := map[string]Source{}
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := rd.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("manifest %s:%d: %w", file, line, err)
		}
		p := get(rec, "path")
		if p == "" {
			return nil, fmt.Errorf("manifest %s:%d: path 为空", file, line)
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(base, p)
		}
		src := Source{Path: filepath.Clean(p), URL: get(rec, "url"), Issuer: get(rec, "issuer"), Jurisdiction: get(rec, "jurisdiction")}
		if y := get(rec, "year"); y != "" {
			n, err := strconv.Atoi(y)
			if err != nil || n < 1990 || n > 2100 {
				return nil, fmt.Errorf("manifest %s:%d: 年份 %q 无效", file, line, y)
			}
			src.Year = n
		}
		if d := get(rec, "published_on"); d != "" {
			if _, err := time.Parse("2006-01-02", d); err != nil {
				return nil, fmt.Errorf("manifest %s:%d: 发布日期 %q 无效(应为 YYYY-MM-DD)", file, line, d)
			}
			src.PublishedOn = d
		}
		out[src.Path] = src
	}
	return out, nil
}
