package analyze

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gkbench/gkbench/pipeline/rawstore"
	"github.com/gkbench/gkbench/pipeline/registry"
	sqlfiles "github.com/gkbench/gkbench/sql"
)

// ShippedPopulation is the embedded population table (sql/population_beijing_2020.csv).
const ShippedPopulation = "population_beijing_2020.csv"

// Levels an issuer can have (05_reports.sql derives them; a registry may set them).
var Levels = []string{"district_government", "city_government", "street_town", "department", "unknown"}

// inputs holds the rows of the optional input tables, read and checked before DuckDB is opened.
type inputs struct {
	populationFrom string
	population     [][]any // city, jurisdiction, year, residents, source
	registry       [][]any // issuer, jurisdiction, level, parent, first_year, last_year
	versions       [][]any // url, sha256, report_id, fetched_at, published_on, source
}

func readInputs(opt Options) (*inputs, error) {
	in := &inputs{}
	var popData []byte
	popName := opt.Population
	if popName == "" {
		b, err := sqlfiles.FS.ReadFile(ShippedPopulation)
		if err != nil {
			return nil, fmt.Errorf("读取内置人口表: %w", err)
		}
		popData, popName = b, "sql/"+ShippedPopulation
	} else {
		b, err := os.ReadFile(opt.Population)
		if err != nil {
			return nil, fmt.Errorf("读取人口表: %w", err)
		}
		popData = b
	}
	in.populationFrom = popName
	var err error
	if in.population, err = parsePopulation(popName, popData); err != nil {
		return nil, err
	}
	if in.registry, err = readRegistry(opt.Registry); err != nil {
		return nil, err
	}
	if opt.Raw != "" {
		vs, err := rawstore.ReadVersions(opt.Raw)
		if err != nil {
			return nil, fmt.Errorf("读取抓取版本记录: %w", err)
		}
		for _, v := range vs {
			if v.URL == "" || v.SHA256 == "" {
				continue
			}
			var id, seen, published any
			if v.ReportID != "" {
				id = v.ReportID
			}
			if v.PublishedOn != "" {
				published = v.PublishedOn
			}
			if !v.SeenAt.IsZero() {
				seen = v.SeenAt.UTC()
			}
			in.versions = append(in.versions, []any{v.URL, strings.ToLower(v.SHA256), id, seen, published, "versions.jsonl"})
		}
	}
	if opt.Versions != "" {
		b, err := os.ReadFile(opt.Versions)
		if err != nil {
			return nil, fmt.Errorf("读取报告版本记录: %w", err)
		}
		rows, err := parseVersions(opt.Versions, b)
		if err != nil {
			return nil, err
		}
		in.versions = append(in.versions, rows...)
	}
	return in, nil
}

// ShippedRegistry is the --registry value naming the crawler's shipped registry of Beijing's districts.
const ShippedRegistry = "beijing"

// readRegistry reads the issuer registry: "" none, "beijing" the shipped crawler registry, a .yaml/.yml
// crawler registry (pipeline/registry) or a CSV issuer,jurisdiction,level,parent,first_year,last_year (only
// issuer required).
func readRegistry(name string) ([][]any, error) {
	switch ext := strings.ToLower(filepath.Ext(name)); {
	case name == "":
		return nil, nil
	case name == ShippedRegistry:
		r, err := registry.LoadBeijing()
		if err != nil {
			return nil, fmt.Errorf("读取内置来源登记表: %w", err)
		}
		return registryRows(r)
	case ext == ".yaml" || ext == ".yml":
		r, err := registry.Load(name)
		if err != nil {
			return nil, fmt.Errorf("读取来源登记表: %w", err)
		}
		return registryRows(r)
	default:
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("读取发布机关登记表: %w", err)
		}
		return parseRegistry(name, b)
	}
}

// registryRows maps the crawler's sources onto issuer_registry: district → district_government (its parent,
// the city, is left to the name rule), department and sub-district → department and street_town under their
// jurisdiction; the expected years start with the earliest year of the source's listing pages.
func registryRows(r *registry.Registry) ([][]any, error) {
	var out [][]any
	seen := map[string]bool{}
	for _, s := range r.Sources {
		if s.Issuer == "" || seen[s.Issuer] {
			continue
		}
		seen[s.Issuer] = true
		var level, parent, first any
		switch s.Level {
		case registry.District:
			level = "district_government"
		case registry.Department:
			level, parent = "department", s.Jurisdiction
		case registry.SubDistrict:
			level, parent = "street_town", s.Jurisdiction
		}
		if parent == "" {
			parent = nil
		}
		for _, st := range s.StartURLs {
			if st.Years == "" {
				continue
			}
			ys, err := registry.ParseYears(st.Years)
			if err != nil {
				return nil, fmt.Errorf("来源 %s: %w", s.ID, err)
			}
			for _, y := range ys {
				if first == nil || y < first.(int) {
					first = y
				}
			}
		}
		var jur any
		if s.Jurisdiction != "" {
			jur = s.Jurisdiction
		}
		out = append(out, []any{s.Issuer, jur, level, parent, first, nil})
	}
	return out, nil
}

func (in *inputs) describe() string {
	return fmt.Sprintf("常住人口 %d 行(%s),发布机关登记 %d 个,页面版本记录 %d 行",
		len(in.population), in.populationFrom, len(in.registry), len(in.versions))
}

func (in *inputs) load(ctx context.Context, conn *sql.Conn) error {
	for _, t := range []struct {
		table string
		cols  int
		rows  [][]any
	}{
		{"population", 5, in.population},
		{"issuer_registry", 6, in.registry},
		{"report_versions", 6, in.versions},
	} {
		if len(t.rows) == 0 {
			continue
		}
		if err := insertRows(ctx, conn, t.table, t.cols, t.rows); err != nil {
			return fmt.Errorf("写入 %s 表: %w", t.table, err)
		}
	}
	return nil
}

func insertRows(ctx context.Context, conn *sql.Conn, table string, cols int, rows [][]any) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	marks := strings.TrimSuffix(strings.Repeat("?, ", cols), ", ")
	st, err := tx.PrepareContext(ctx, "INSERT INTO "+table+" VALUES ("+marks+")")
	if err != nil {
		return err
	}
	defer st.Close()
	for _, r := range rows {
		if _, err := st.ExecContext(ctx, r...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// csvTable is a CSV file read by header name.
type csvTable struct {
	name string
	col  map[string]int
	recs [][]string
	line []int
}

func readCSV(name string, data []byte, required ...string) (*csvTable, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	rd := csv.NewReader(bytes.NewReader(data))
	rd.FieldsPerRecord = -1
	head, err := rd.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: 无法读取表头: %w", name, err)
	}
	t := &csvTable{name: name, col: map[string]int{}}
	for i, h := range head {
		t.col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, r := range required {
		if _, ok := t.col[r]; !ok {
			return nil, fmt.Errorf("%s: 缺少 %s 列(应有 %s)", name, r, strings.Join(required, ","))
		}
	}
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := rd.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		t.recs = append(t.recs, rec)
		t.line = append(t.line, line)
	}
	return t, nil
}

func (t *csvTable) get(i int, col string) string {
	c, ok := t.col[col]
	if !ok || c >= len(t.recs[i]) {
		return ""
	}
	return strings.TrimSpace(t.recs[i][c])
}

func (t *csvTable) errorf(i int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", t.name, t.line[i], fmt.Sprintf(format, args...))
}

// optInt parses an optional integer column (nil when empty).
func (t *csvTable) optInt(i int, col string, lo, hi int) (any, error) {
	s := t.get(i, col)
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return nil, t.errorf(i, "%s 值 %q 无效(应为 %d–%d 的整数)", col, s, lo, hi)
	}
	return n, nil
}

func parsePopulation(name string, data []byte) ([][]any, error) {
	t, err := readCSV(name, data, "city", "jurisdiction", "year", "residents", "source")
	if err != nil {
		return nil, err
	}
	var out [][]any
	seen := map[string]bool{}
	for i := range t.recs {
		city, jur, src := t.get(i, "city"), t.get(i, "jurisdiction"), t.get(i, "source")
		if jur == "" || src == "" {
			return nil, t.errorf(i, "jurisdiction 与 source 不能为空(人口数据必须注明来源)")
		}
		year, err := t.optInt(i, "year", 1949, 2100)
		if err != nil {
			return nil, err
		}
		if year == nil {
			return nil, t.errorf(i, "year 不能为空")
		}
		res, err := strconv.ParseInt(t.get(i, "residents"), 10, 64)
		if err != nil || res <= 0 {
			return nil, t.errorf(i, "residents 值 %q 无效(应为正整数,单位:人)", t.get(i, "residents"))
		}
		k := city + "|" + jur + "|" + strconv.Itoa(year.(int))
		if seen[k] {
			return nil, t.errorf(i, "重复的行:%s %s %d", city, jur, year)
		}
		seen[k] = true
		out = append(out, []any{city, jur, year, res, src})
	}
	return out, nil
}

func parseRegistry(name string, data []byte) ([][]any, error) {
	t, err := readCSV(name, data, "issuer")
	if err != nil {
		return nil, err
	}
	var out [][]any
	seen := map[string]bool{}
	for i := range t.recs {
		issuer := t.get(i, "issuer")
		if issuer == "" {
			return nil, t.errorf(i, "issuer 不能为空")
		}
		if seen[issuer] {
			return nil, t.errorf(i, "发布机关 %s 重复", issuer)
		}
		seen[issuer] = true
		var jur, level, parent any
		if j := t.get(i, "jurisdiction"); j != "" {
			jur = j
		}
		if l := t.get(i, "level"); l != "" {
			ok := false
			for _, x := range Levels {
				ok = ok || x == l
			}
			if !ok {
				return nil, t.errorf(i, "level 值 %q 无效(可选:%s)", l, strings.Join(Levels, ", "))
			}
			level = l
		}
		// An empty level or parent means "derive it", not "empty".
		if p := t.get(i, "parent"); p != "" {
			parent = p
		}
		first, err := t.optInt(i, "first_year", 1990, 2100)
		if err != nil {
			return nil, err
		}
		last, err := t.optInt(i, "last_year", 1990, 2100)
		if err != nil {
			return nil, err
		}
		out = append(out, []any{issuer, jur, level, parent, first, last})
	}
	return out, nil
}

var timeLayouts = []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02"}

func parseVersions(name string, data []byte) ([][]any, error) {
	t, err := readCSV(name, data, "url", "sha256")
	if err != nil {
		return nil, err
	}
	var out [][]any
	for i := range t.recs {
		url, sum := t.get(i, "url"), strings.ToLower(t.get(i, "sha256"))
		if url == "" || sum == "" {
			return nil, t.errorf(i, "url 与 sha256 不能为空")
		}
		var id, fetched, published any
		if s := t.get(i, "report_id"); s != "" {
			id = s
		}
		if s := t.get(i, "fetched_at"); s != "" {
			var ok bool
			for _, l := range timeLayouts {
				if tm, err := time.Parse(l, s); err == nil {
					fetched, ok = tm.UTC(), true
					break
				}
			}
			if !ok {
				return nil, t.errorf(i, "fetched_at 值 %q 无法识别(应为 RFC 3339 时间或 2006-01-02)", s)
			}
		}
		if s := t.get(i, "published_on"); s != "" {
			d, err := time.Parse("2006-01-02", s)
			if err != nil {
				return nil, t.errorf(i, "published_on 值 %q 无法识别(应为 2006-01-02)", s)
			}
			published = d
		}
		out = append(out, []any{url, sum, id, fetched, published, filepath.Base(name)})
	}
	return out, nil
}
