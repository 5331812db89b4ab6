// Package analyze runs gkbench's SQL (the sql/ folder, embedded) over a Parquet warehouse in DuckDB: metric
// values with numerators, denominators and flags, rankings among peers, year-over-year trends and
// data-quality tables. It writes them to a DuckDB file and exports them as Parquet and CSV (metrics.Outputs
// lists the exported tables and their columns).
//
// This is the only pipeline package that links DuckDB; charts and other readers use the exported files
// through pipeline/metrics.
package analyze

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" database/sql driver

	"github.com/gkbench/gkbench/pipeline/warehouse"
	sqlfiles "github.com/gkbench/gkbench/sql"
)

// ErrEmptyWarehouse is returned (wrapped) by Build when the warehouse holds no committed report.
var ErrEmptyWarehouse = errors.New("数据仓库中没有报告")

// MonthDay is a deadline's month and day in the year after the report year.
type MonthDay struct{ Month, Day int }

func (m MonthDay) String() string { return fmt.Sprintf("%02d-%02d", m.Month, m.Day) }

// ParseMonthDay reads "MM-DD" (e.g. "03-31"). 29 February is refused: it does not exist every year.
func ParseMonthDay(s string) (MonthDay, error) {
	var md MonthDay
	parts := strings.Split(strings.TrimSpace(s), "-")
	if len(parts) != 2 {
		return md, fmt.Errorf("截止日期 %q 应写作 月-日,如 03-31", s)
	}
	m, err1 := strconv.Atoi(parts[0])
	d, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || m < 1 || m > 12 || d < 1 {
		return md, fmt.Errorf("截止日期 %q 应写作 月-日,如 03-31", s)
	}
	// 2023 is not a leap year: a day valid in it is valid in every year.
	if t := time.Date(2023, time.Month(m), d, 0, 0, 0, 0, time.UTC); t.Month() != time.Month(m) {
		return md, fmt.Errorf("截止日期 %q 不是每年都有的日期", s)
	}
	return MonthDay{m, d}, nil
}

// Defaults for Options (the usual rules; the law is not written into code).
var (
	DefaultDistrictDeadline = MonthDay{3, 31} // a county-level government's consolidated report
	DefaultOtherDeadline    = MonthDay{1, 31} // departments, sub-districts and towns
)

const (
	DefaultJumpHigh    = 5.0
	DefaultJumpLow     = 0.2
	DefaultMemoryLimit = "1GB"
)

var memoryLimit = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)

// Options configure Build.
type Options struct {
	Warehouse string // warehouse folder (pipeline/warehouse layout)
	// DB is the DuckDB file to write; "" keeps the database in memory. An existing file is replaced only
	// when the build succeeds.
	DB string
	// Population is a CSV (city,jurisdiction,year,residents,source) replacing the shipped Beijing census
	// table; "" uses the shipped one.
	Population string
	// Registry names the issuer registry: "" none, "beijing" the crawler's shipped registry, a crawler
	// registry .yaml file (pipeline/registry) or a CSV (issuer,jurisdiction,level,parent,first_year,last_year). It
	// overrides derived levels and parents and names the issuers expected to publish.
	Registry string
	// Raw is the crawler's raw directory (pipeline/rawstore); its versions.jsonl, when present, records the
	// versions of each report page (edits, first-seen times). "" reads none.
	Raw string
	// Versions is an optional CSV of report versions (url,sha256[,report_id,fetched_at,published_on]), the
	// way to supply publication dates.
	Versions string
	// Deadlines; zero values mean the defaults.
	DistrictDeadline, OtherDeadline MonthDay
	// Year-over-year jump thresholds; 0 means the defaults (5 and 0.2).
	JumpHigh, JumpLow float64
	// MemoryLimit caps DuckDB's memory, e.g. "1GB" ("" means DefaultMemoryLimit). DuckDB's own default (80%
	// of RAM) lets reading thousands of small Parquet files keep gigabytes of buffers for no speed gain.
	MemoryLimit string
	Log         *slog.Logger // nil: slog.Default()
	Progress    io.Writer    // a line per step; nil for none
}

// Analysis is a built (or opened) analysis database.
type Analysis struct {
	db   *sql.DB
	path string // "" for in-memory
}

// DB returns the database for ad-hoc queries. The tables are those the SQL files create.
func (a *Analysis) DB() *sql.DB { return a.db }

// Path is the DuckDB file, or "" for an in-memory analysis.
func (a *Analysis) Path() string { return a.path }

// Close closes the database.
func (a *Analysis) Close() error { return a.db.Close() }

// Open opens an analysis database written earlier by Build, read-only.
func Open(ctx context.Context, path string) (*Analysis, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("打开分析数据库: %w", err)
	}
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		return nil, fmt.Errorf("打开分析数据库 %s: %w", path, err)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_name = 'metric_values'`).Scan(&n); err != nil {
		db.Close()
		return nil, fmt.Errorf("打开分析数据库 %s: %w", path, err)
	}
	if n == 0 {
		db.Close()
		return nil, fmt.Errorf("%s 不是 analyze 生成的数据库(没有 metric_values 表)", path)
	}
	return &Analysis{db: db, path: path}, nil
}

// Build runs the SQL over the warehouse and returns the open analysis database.
func Build(ctx context.Context, opt Options) (*Analysis, error) {
	log := opt.Log
	if log == nil {
		log = slog.Default()
	}
	progress := opt.Progress
	if progress == nil {
		progress = io.Discard
	}
	sources, err := warehouseSources(opt.Warehouse)
	if err != nil {
		return nil, err
	}
	vars, err := settings(opt, sources)
	if err != nil {
		return nil, err
	}
	inputs, err := readInputs(opt)
	if err != nil {
		return nil, err
	}
	mem := opt.MemoryLimit
	if mem == "" {
		mem = DefaultMemoryLimit
	}
	if !memoryLimit.MatchString(mem) {
		return nil, fmt.Errorf("内存上限 %q 无效(应写作如 2GB、512MB)", mem)
	}

	target := ""
	if opt.DB != "" {
		if err := os.MkdirAll(filepath.Dir(opt.DB), 0o755); err != nil {
			return nil, fmt.Errorf("创建数据库目录: %w", err)
		}
		target = opt.DB + ".building"
		removeDB(target)
	}
	db, err := sql.Open("duckdb", target)
	if err != nil {
		return nil, fmt.Errorf("打开 DuckDB: %w", err)
	}
	fail := func(err error) (*Analysis, error) {
		db.Close()
		if target != "" {
			removeDB(target)
		}
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return fail(fmt.Errorf("连接 DuckDB: %w", err))
	}
	if _, err := conn.ExecContext(ctx, "SET memory_limit = "+Literal(mem)); err != nil {
		conn.Close()
		return fail(fmt.Errorf("设置内存上限: %w", err))
	}
	fmt.Fprintf(progress, "数据仓库 %s:%d 份报告\n输入:%s\n", opt.Warehouse, sources.reports, inputs.describe())
	start := time.Now()
	for _, name := range sqlfiles.Scripts() {
		if err := ctx.Err(); err != nil {
			conn.Close()
			return fail(err)
		}
		text, err := sqlfiles.Read(name)
		if err != nil {
			conn.Close()
			return fail(fmt.Errorf("读取 sql/%s: %w", name, err))
		}
		text, err = Substitute(text, vars)
		if err != nil {
			conn.Close()
			return fail(fmt.Errorf("sql/%s: %w", name, err))
		}
		t0 := time.Now()
		if err := execScript(ctx, conn, name, text, log); err != nil {
			conn.Close()
			return fail(err)
		}
		fmt.Fprintf(progress, "  执行 sql/%-26s %6.2f 秒\n", name, time.Since(t0).Seconds())
		log.Debug("sql file done", "file", name, "seconds", time.Since(t0).Seconds())
		if name == firstScript {
			// The input tables exist now: fill them before the files that read them.
			if err := inputs.load(ctx, conn); err != nil {
				conn.Close()
				return fail(err)
			}
		}
	}
	conn.Close()
	fmt.Fprintf(progress, "SQL 执行完毕,用时 %.1f 秒\n", time.Since(start).Seconds())
	if target == "" {
		return &Analysis{db: db}, nil
	}
	if err := db.Close(); err != nil {
		removeDB(target)
		return nil, fmt.Errorf("写入数据库 %s: %w", target, err)
	}
	removeDB(opt.DB)
	if err := os.Rename(target, opt.DB); err != nil {
		removeDB(target)
		return nil, fmt.Errorf("写入数据库 %s: %w", opt.DB, err)
	}
	a, err := Open(ctx, opt.DB)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// firstScript creates the input tables that Build fills from files.
const firstScript = "00_sources.sql"

// execScript runs one SQL file. The sources file is retried: a crawler writing the warehouse at the same
// time may replace a file between DuckDB's listing and its read.
func execScript(ctx context.Context, conn *sql.Conn, name, text string, log *slog.Logger) error {
	attempts := 1
	if name == firstScript {
		attempts = 3
	}
	var err error
	for i := 0; i < attempts; i++ {
		if _, err = conn.ExecContext(ctx, text); err == nil {
			return nil
		}
		if ctx.Err() != nil || i+1 == attempts {
			break
		}
		log.Warn("sql file failed, retrying", "file", name, "attempt", i+1, "err", err)
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("执行 sql/%s: %w", name, err)
}

func removeDB(path string) {
	for _, p := range []string{path, path + ".wal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			slog.Default().Warn("remove database file", "path", p, "err", err)
		}
	}
}

// sources says which warehouse folders hold files.
type sources struct {
	dir                    string
	reports, facts, checks int
}

// globUnsafe are characters DuckDB's read_parquet treats as glob syntax; a path containing them cannot be
// read literally.
const globUnsafe = "*?[]{}"

func warehouseSources(dir string) (sources, error) {
	s := sources{dir: dir}
	if dir == "" {
		return s, errors.New("未指定数据仓库目录")
	}
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return s, fmt.Errorf("数据仓库目录 %s 不存在;请先运行 crawl import 导入报告: %w", dir, ErrEmptyWarehouse)
		}
		return s, fmt.Errorf("数据仓库目录 %s: %w", dir, err)
	}
	if !st.IsDir() {
		return s, fmt.Errorf("数据仓库 %s 不是目录", dir)
	}
	if strings.ContainsAny(dir, globUnsafe) {
		return s, fmt.Errorf("数据仓库路径 %q 含有通配符(%s),DuckDB 无法按原样读取;请换一个目录名", dir, globUnsafe)
	}
	for _, r := range dir {
		if r < 0x20 || r == 0x7f {
			return s, fmt.Errorf("数据仓库路径 %q 含有控制字符", dir)
		}
	}
	count := func(table string) (int, error) {
		ents, err := os.ReadDir(filepath.Join(dir, table))
		if errors.Is(err, fs.ErrNotExist) {
			return 0, nil
		}
		if err != nil {
			return 0, fmt.Errorf("数据仓库 %s: %w", dir, err)
		}
		n := 0
		for _, e := range ents {
			if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") && strings.HasSuffix(e.Name(), ".parquet") {
				n++
			}
		}
		return n, nil
	}
	if s.reports, err = count(warehouse.TableReports); err != nil {
		return s, err
	}
	if s.facts, err = count(warehouse.TableFacts); err != nil {
		return s, err
	}
	if s.checks, err = count(warehouse.TableChecks); err != nil {
		return s, err
	}
	if s.reports == 0 {
		return s, fmt.Errorf("%w:%s 为空;请先运行 crawl import --warehouse %s 导入报告",
			ErrEmptyWarehouse, filepath.Join(dir, warehouse.TableReports), dir)
	}
	return s, nil
}

// Literal renders s as a SQL string literal.
func Literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func parquetSource(dir, table string, files int) string {
	if files == 0 {
		// read_parquet fails on an empty glob; the target table is empty at this point.
		return "(FROM " + table + " LIMIT 0)"
	}
	glob := filepath.ToSlash(filepath.Join(dir, table)) + "/*.parquet"
	return "read_parquet(" + Literal(glob) + ", union_by_name = true)"
}

func settings(opt Options, s sources) (map[string]string, error) {
	dd, od := opt.DistrictDeadline, opt.OtherDeadline
	if dd == (MonthDay{}) {
		dd = DefaultDistrictDeadline
	}
	if od == (MonthDay{}) {
		od = DefaultOtherDeadline
	}
	for _, md := range []MonthDay{dd, od} {
		if _, err := ParseMonthDay(md.String()); err != nil {
			return nil, err
		}
	}
	hi, lo := opt.JumpHigh, opt.JumpLow
	if hi == 0 {
		hi = DefaultJumpHigh
	}
	if lo == 0 {
		lo = DefaultJumpLow
	}
	if hi <= 1 || lo <= 0 || lo >= 1 {
		return nil, fmt.Errorf("跳变阈值无效:上限 %v 应大于 1,下限 %v 应在 0 与 1 之间", hi, lo)
	}
	abs, err := filepath.Abs(s.dir)
	if err != nil {
		return nil, fmt.Errorf("数据仓库目录 %s: %w", s.dir, err)
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	return map[string]string{
		"reports_parquet":         parquetSource(s.dir, warehouse.TableReports, s.reports),
		"facts_parquet":           parquetSource(s.dir, warehouse.TableFacts, s.facts),
		"checks_parquet":          parquetSource(s.dir, warehouse.TableChecks, s.checks),
		"warehouse":               Literal(abs),
		"deadline_district_month": strconv.Itoa(dd.Month),
		"deadline_district_day":   strconv.Itoa(dd.Day),
		"deadline_other_month":    strconv.Itoa(od.Month),
		"deadline_other_day":      strconv.Itoa(od.Day),
		"jump_high":               f(hi),
		"jump_low":                f(lo),
	}, nil
}

var placeholder = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// Substitute replaces every ${name} in text by vars[name]. The values must already be SQL (quoted literals,
// numbers or fragments built from them); an unknown name is an error, so a typo cannot reach DuckDB.
func Substitute(text string, vars map[string]string) (string, error) {
	var missing []string
	out := placeholder.ReplaceAllStringFunc(text, func(m string) string {
		name := m[2 : len(m)-1]
		v, ok := vars[name]
		if !ok {
			missing = append(missing, name)
			return m
		}
		return v
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("未知的占位符 %s", strings.Join(missing, ", "))
	}
	return out, nil
}
