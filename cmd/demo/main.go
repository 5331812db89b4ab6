// Command demo runs the whole gkbench pipeline on the bundled sample city, offline: it serves the sample's
// portals on 127.0.0.1 with the project's test-site server, crawls them with the real crawler (twice, with a
// correction published in between), analyzes the warehouse and renders the comparison site.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/gkbench/gkbench/charts"
	"github.com/gkbench/gkbench/internal/textwidth"
	"github.com/gkbench/gkbench/pipeline/analyze"
	"github.com/gkbench/gkbench/pipeline/crawl"
	"github.com/gkbench/gkbench/pipeline/fetch"
	"github.com/gkbench/gkbench/pipeline/registry"
	"github.com/gkbench/gkbench/pipeline/testsite"
)

const usage = `demo — 在本机离线运行完整流程(示例数据)

用法:
  demo [--sample data/sample-city] [--dir demo]

在 127.0.0.1 上用本项目的测试站点服务器提供示例市(虚构)16 个区和一份真实报告
(北京市丰台区 2023 年)的门户网站,用真实的抓取程序抓取两次(其间发布一次更正),
解析入库,计算指标与排名,生成对比网站。不需要联网。

输出(DIR 默认 demo/):
  DIR/raw/         抓取的原始文件与抓取、版本、运行记录
  DIR/warehouse/   解析结果(Parquet:reports、facts、checks)
  DIR/out/         分析结果(gkbench.duckdb,以及各表的 Parquet 与 CSV)
  DIR/site/        对比网站(静态文件;make serve 在本机浏览)

选项:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sample := fs.String("sample", "data/sample-city", "示例数据目录(sites/、registry.yaml.tmpl、edit/)")
	dir := fs.String("dir", "demo", "输出目录(每次运行前清空)")
	verbose := fs.Bool("v", false, "输出调试日志")
	fs.Usage = func() {
		fmt.Fprint(stdout, usage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(stderr)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if err := demo(ctx, *sample, *dir, stdout, log); err != nil {
		fmt.Fprintln(stderr, "演示失败:", err)
		return 1
	}
	return 0
}

func demo(ctx context.Context, sample, dir string, w io.Writer, log *slog.Logger) error {
	start := time.Now()
	for _, sub := range []string{"raw", "warehouse", "out", "site", "registry.yaml", "issuers.csv", "crawl.lock"} {
		if err := os.RemoveAll(filepath.Join(dir, sub)); err != nil {
			return fmt.Errorf("清空 %s: %w", dir, err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	srv, regYAML, publishEdit, err := testsite.ServeCity(sample)
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(w, "【示例数据】在 127.0.0.1 上提供 %d 个门户网站(示例市 16 个区 + 丰台区真实报告)\n", len(srv.Hosts()))
	regPath := filepath.Join(dir, "registry.yaml")
	if err := os.WriteFile(regPath, regYAML, 0o644); err != nil {
		return err
	}
	reg, err := registry.Parse(regPath, regYAML)
	if err != nil {
		return err
	}
	cfg := crawl.Config{
		Registry: reg, DataDir: dir, Log: log,
		// Loopback: no politeness delay is needed, retries stay quick.
		Fetch: fetch.Config{Timeout: 10 * time.Second, Retries: 2, BackoffBase: 20 * time.Millisecond,
			BackoffMax: 200 * time.Millisecond, Delay: -1, Jitter: -1, Parallelism: 4},
	}
	for i, label := range []string{"第一次抓取", "第二次抓取(南岸区 2024 年报告已更正)"} {
		if i == 1 {
			if err := publishEdit(); err != nil {
				return fmt.Errorf("发布更正: %w", err)
			}
		}
		res, err := crawl.Run(ctx, cfg)
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		r := res.Run
		fmt.Fprintf(w, "%s:来源 %d 个,页面 %d,新报告 %d,修改 %d,未变 %d,失败 %d,请求 %d\n",
			label, r.Sources, r.Pages, r.New, r.Changed, r.Unchanged, r.Failed, r.Requests)
	}
	issuers, err := writeIssuers(dir, reg)
	if err != nil {
		return err
	}
	out := filepath.Join(dir, "out")
	a, err := analyze.Build(ctx, analyze.Options{
		Warehouse: filepath.Join(dir, "warehouse"), DB: filepath.Join(out, "gkbench.duckdb"),
		Registry: issuers, Raw: filepath.Join(dir, "raw"), Log: log,
	})
	if err != nil {
		return fmt.Errorf("分析: %w", err)
	}
	defer a.Close()
	if _, err := a.Export(ctx, out, nil); err != nil {
		return fmt.Errorf("导出: %w", err)
	}
	sum, err := a.Summary(ctx)
	if err != nil {
		return fmt.Errorf("分析摘要: %w", err)
	}
	printSummary(w, sum)
	site, err := buildSite(out, filepath.Join(dir, "site"), filepath.Join(dir, "warehouse"), filepath.Join(dir, "raw"), log)
	if err != nil {
		return fmt.Errorf("生成网站: %w", err)
	}
	fmt.Fprintf(w, "\n完成,用时 %.1f 秒。\n", time.Since(start).Seconds())
	fmt.Fprintf(w, "  数据仓库  %s\n  分析结果  %s\n  对比网站  %s\n", filepath.Join(dir, "warehouse"), out, site)
	fmt.Fprintln(w, "浏览网站:make serve(在 http://127.0.0.1:8080/ 提供该目录)")
	return nil
}

// writeIssuers writes the analysis's issuer registry for the sample: which issuers are expected to publish
// which years (the sample districts 2019–2025; the one real report only for its own year, so its other
// years are not reported missing).
func writeIssuers(dir string, reg *registry.Registry) (string, error) {
	var b strings.Builder
	b.WriteString("issuer,jurisdiction,level,parent,first_year,last_year\n")
	for _, s := range reg.Sources {
		first, last := testsite.CityFirstYear, testsite.CityLastYear
		parent := testsite.CityParent
		if s.ID == testsite.RealSourceID {
			first, last, parent = testsite.RealYear, testsite.RealYear, "北京市"
		}
		fmt.Fprintf(&b, "%s,%s,district_government,%s,%d,%d\n", s.Issuer, s.Jurisdiction, parent, first, last)
	}
	p := filepath.Join(dir, "issuers.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		return "", fmt.Errorf("写入发布机关登记表: %w", err)
	}
	return p, nil
}

func printSummary(w io.Writer, s analyze.Summary) {
	rows := [][]string{
		{"报告", fmt.Sprint(s.Reports)},
		{"参与比较的年份", fmt.Sprintf("%d–%d", s.FirstYear.Int64, s.LastYear.Int64)},
		{"指标值", fmt.Sprint(s.MetricValues)},
		{"勾稽关系不符", fmt.Sprint(s.IdentityFailures)},
		{"缺失的年度报告", fmt.Sprint(s.MissingReports)},
		{"发布后修改", fmt.Sprint(s.EditedURLs)},
		{"逾期发布", fmt.Sprint(s.LatePublications)},
	}
	fmt.Fprintln(w, "分析:")
	textwidth.Table(w, "  ", rows, []bool{false, true})
}

// buildSite renders the comparison site from the exports, with report titles and snapshots.
func buildSite(out, site, warehouse, raw string, log *slog.Logger) (string, error) {
	s, err := charts.Build(out, site, charts.Options{Warehouse: warehouse, Raw: raw, Log: log})
	return s.Dir, err
}
