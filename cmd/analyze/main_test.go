package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gkbench/gkbench/internal/textwidth"
	"github.com/gkbench/gkbench/pipeline/analyze"
	"github.com/gkbench/gkbench/pipeline/analyze/fixture"
	"github.com/gkbench/gkbench/pipeline/metrics"
	"github.com/gkbench/gkbench/pipeline/rawstore"
)

func runCmd(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

func fixtureWarehouse(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "warehouse")
	specs := []fixture.Spec{
		{Issuer: "北京市丰台区人民政府", Jurisdiction: "丰台区", Year: 2022,
			T3: map[string]float64{"new_received": 200, "granted": 100, "unable_not_held": 100}},
		{Issuer: "北京市丰台区人民政府", Jurisdiction: "丰台区", Year: 2023,
			T3: map[string]float64{"new_received": 2180, "granted": 872, "unable_not_held": 1308}},
		{Issuer: "北京市海淀区人民政府", Jurisdiction: "海淀区", Year: 2023,
			T3: map[string]float64{"new_received": 320, "granted": 200, "unable_not_held": 120}},
	}
	if _, err := fixture.Put(dir, specs...); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestHelp(t *testing.T) {
	code, out, _ := runCmd("--help")
	if code != 0 || !strings.Contains(out, "用法") || !strings.Contains(out, "-warehouse") || !strings.Contains(out, "--sql") {
		t.Errorf("help: code %d\n%s", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--nope"}, 2, "nope"},
		{[]string{"extra"}, 2, "多余的参数"},
		{[]string{"--deadline-district", "02-30"}, 2, "--deadline-district"},
		{[]string{"--warehouse", filepath.Join(t.TempDir(), "none"), "--db", ""}, 1, "数据仓库"},
	} {
		code, _, errOut := runCmd(c.args...)
		if code != c.code || !strings.Contains(errOut, c.msg) {
			t.Errorf("%v: code %d (want %d), stderr %q", c.args, code, c.code, errOut)
		}
	}
}

func TestEmptyWarehouseMessage(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{"reports", "facts", "checks"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	code, _, errOut := runCmd("--warehouse", dir, "--db", filepath.Join(dir, "x.duckdb"), "--out", filepath.Join(dir, "out"))
	if code != 1 || !strings.Contains(errOut, "数据仓库中没有报告") || !strings.Contains(errOut, "crawl import") {
		t.Errorf("code %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.duckdb")); err == nil {
		t.Error("database written for an empty warehouse")
	}
}

func TestBuildExportAndQuery(t *testing.T) {
	wh := fixtureWarehouse(t)
	out := filepath.Join(t.TempDir(), "out")
	db := filepath.Join(out, "gkbench.duckdb")
	// The crawler's record of page versions (<raw>/versions.jsonl): one page changed after publication.
	raw := filepath.Join(t.TempDir(), "raw")
	st, err := rawstore.Open(raw)
	if err != nil {
		t.Fatal(err)
	}
	for i, sum := range []string{"aa", "bb"} {
		if _, _, err := st.AddVersion(rawstore.Version{URL: "https://x.gov.cn/a.html", SHA256: sum, ReportID: sum,
			SeenAt: time.Date(2024, 1+time.Month(i), 1, 0, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	site := filepath.Join(t.TempDir(), "site")
	code, stdout, stderr := runCmd("--warehouse", wh, "--db", db, "--out", out, "--raw", raw, "--site", site)
	if code != 0 {
		t.Fatalf("code %d\n%s\n%s", code, stdout, stderr)
	}
	// The comparison site is built from the exports (its content is tested in site_test.go).
	if !strings.Contains(stdout, "网站:   "+site) {
		t.Errorf("no site line:\n%s", stdout)
	}
	for _, page := range []string{"index.html", "metric-unable_not_held_rate.html", "quality.html", "data/rankings.csv"} {
		if _, err := os.Stat(filepath.Join(site, page)); err != nil {
			t.Error(err)
		}
	}
	if !strings.Contains(stdout, "分析完成") || !strings.Contains(stdout, "发布后修改 1 个网址") {
		t.Errorf("summary:\n%s", stdout)
	}
	if !strings.Contains(stderr, "执行 sql/25_metric_values.sql") || !strings.Contains(stderr, "导出 rankings") {
		t.Errorf("progress:\n%s", stderr)
	}
	for _, o := range metrics.Outputs {
		for _, ext := range []string{".parquet", ".csv"} {
			if _, err := os.Stat(filepath.Join(out, o.Name+ext)); err != nil {
				t.Errorf("missing %s%s", o.Name, ext)
			}
		}
	}
	// --sql on the existing database: an aligned table, Chinese counted as two columns.
	code, stdout, stderr = runCmd("--db", db, "--sql",
		"SELECT entity_name, year, value FROM metric_values WHERE metric_key = 'unable_not_held_rate' ORDER BY year, entity_name")
	if code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	want := []string{
		"entity_name           year  value",
		"--------------------  ----  -----",
		"北京市丰台区人民政府  2022    0.5",
		"北京市丰台区人民政府  2023    0.6",
		"北京市海淀区人民政府  2023  0.375",
		"(3 行)",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("table:\n%s\nwant:\n%s", stdout, strings.Join(want, "\n"))
	}
	if !strings.Contains(stderr, "查询已有数据库") {
		t.Errorf("stderr %q", stderr)
	}
	// --limit, NULLs and lists.
	code, stdout, _ = runCmd("--db", db, "--limit", "1", "--sql", "SELECT NULL AS n, ['a', 'b'] AS l FROM range(3)")
	if code != 0 || !strings.Contains(stdout, "NULL  [a, b]") || !strings.Contains(stdout, "共 3 行,显示前 1 行") {
		t.Errorf("limit output:\n%s", stdout)
	}
	// A bad query is a clear error, not a panic.
	code, _, stderr = runCmd("--db", db, "--sql", "SELECT nope FROM nowhere")
	if code != 1 || !strings.Contains(stderr, "查询失败") {
		t.Errorf("bad query: code %d, %q", code, stderr)
	}
	// --sql without a database builds one first.
	db2 := filepath.Join(t.TempDir(), "fresh.duckdb")
	code, stdout, stderr = runCmd("--warehouse", wh, "--db", db2, "--quiet", "--sql", "SELECT count(*) AS n FROM reports")
	if code != 0 || !strings.Contains(stdout, "3") || stderr != "" {
		t.Errorf("fresh query: code %d\n%s\n%s", code, stdout, stderr)
	}
}

func TestFormatting(t *testing.T) {
	if got := truncate("北京市丰台区人民政府", 9); got != "北京市丰…" || textwidth.Of(got) > 9 {
		t.Errorf("truncate = %q", got)
	}
	for _, c := range []struct {
		v    any
		want string
	}{
		{nil, "NULL"}, {0.6038870893105044, "0.6038870893"}, {2180.0, "2180"}, {5098.4139, "5098.4139"},
		{int64(3), "3"}, {[]any{"a", nil}, "[a, NULL]"}, {"a\nb", "a⏎b"},
	} {
		if got, _ := formatValue(c.v); got != c.want {
			t.Errorf("formatValue(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

// TestResultTypes: DuckDB values of every common type print without a panic.
func TestResultTypes(t *testing.T) {
	a, err := analyze.Build(context.Background(), analyze.Options{Warehouse: fixtureWarehouse(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	res, _, err := a.Query(context.Background(), `SELECT 1.50::DECIMAL(4,2) AS d, 12345678901234567890::HUGEINT AS h,
		DATE '2024-03-31' AS dt, TIMESTAMP '2024-03-31 10:00:00' AS ts, {'a': 1} AS s, INTERVAL 3 DAY AS i, true AS b,
		'x'::BLOB AS bl, '丰台' AS c`, 0)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := printTable(&buf, res); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1.5", "12345678901234567890", "2024-03-31", "2024-03-31 10:00:00", "丰台"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, buf.String())
		}
	}
}
