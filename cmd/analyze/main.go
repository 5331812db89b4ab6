// Command analyze computes gkbench's metrics, rankings, trends and data-quality tables from the Parquet
// warehouse with DuckDB (the SQL in sql/), writes them to a DuckDB file and exports them as Parquet and CSV.
// With --sql it runs an ad-hoc query and prints the result as an aligned table.
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
	"time"

	"github.com/gkbench/gkbench/pipeline/analyze"
)

const usage = `analyze — 计算指标、同级排名、同比变化与数据质量表

用法:
  analyze [--warehouse DIR] [--db FILE] [--out DIR] [选项]
      读取数据仓库(crawl import 的输出),在 DuckDB 中执行 sql/ 下的全部 SQL,
      将结果写入数据库文件,并把指标值、排名、同级分布、同比变化、数据质量各表
      导出为 Parquet 与 CSV(UTF-8 带 BOM,Excel 可直接打开中文),再由导出结果
      生成比较网站(--site,默认 site/;加 --serve 127.0.0.1:8080 随即在本机浏览)。

  analyze serve [--site DIR] [--addr 127.0.0.1:8080]
      在本机浏览已生成的比较网站(只读,仅限回环地址)。

  analyze --sql "SELECT …" [--db FILE] [--limit N]
      对分析数据库执行一条查询并以对齐的表格打印(供分析人员使用)。
      数据库文件已存在时直接查询(加 --rebuild 先重新计算),不存在时先计算。

常用查询:
  analyze --sql "SELECT parent, entity_name, value, rank, ranked_count, percentile FROM rankings
                 WHERE metric_key = 'unable_not_held_rate' AND year = 2023 ORDER BY parent, position"
  analyze --sql "SELECT metric_key, name_zh, formula_sql FROM metric_dictionary WHERE template_version = '2021'"

指标值为空时 flags 说明原因(分母为0、缺少数据、人口未知);分母过小或所用数据
未通过勾稽关系校验的数值照常显示,但 reliable = false,列出而不排名。排名只在同级组
(同一年度、层级、上级)内进行:名次为竞争排名(1、2、2、4),百分位 100 = 同级最好;
描述性指标只排序不排名。导出目录另有中文表头的 *_zh.csv 与 Excel 工作簿 gkbench.xlsx。

选项:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

type config struct {
	warehouse, db, out, query  string
	population, registry       string
	versions, raw              string
	deadlineDistrict, deadline string
	memory                     string
	limit                      int
	rebuild, quiet, verbose    bool
	site                       siteConfig
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "serve" {
		return runServe(ctx, args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.warehouse, "warehouse", "data/warehouse", "数据仓库`目录`(crawl import 的输出)")
	fs.StringVar(&c.db, "db", "out/gkbench.duckdb", "写入的 DuckDB 数据库`文件`")
	fs.StringVar(&c.out, "out", "out", "导出 Parquet 与 CSV 的`目录`")
	fs.StringVar(&c.query, "sql", "", "执行一条`查询`并打印结果(不导出)")
	fs.IntVar(&c.limit, "limit", 200, "--sql 最多打印的`行数`(0 = 全部)")
	fs.BoolVar(&c.rebuild, "rebuild", false, "--sql 时先重新计算,即使数据库文件已存在")
	fs.StringVar(&c.population, "population", "", "常住人口表 CSV `文件`(city,jurisdiction,year,residents,source);不给出时使用内置的北京市第七次全国人口普查数据")
	fs.StringVar(&c.registry, "registry", "", "发布机关`登记表`:beijing(内置的北京市 16 区来源登记表)、来源登记表 .yaml 文件或 CSV(issuer,jurisdiction,level,parent,first_year,last_year);用于判定层级与应发布的年份,可选")
	fs.StringVar(&c.raw, "raw", "data/raw", "抓取原始数据`目录`;其中的 versions.jsonl(各报告页面的版本记录)存在时读取,用于发现发布后修改")
	fs.StringVar(&c.versions, "versions", "", "报告版本与发布日期 CSV `文件`(url,sha256,report_id,fetched_at,published_on;后三列可空),可选")
	fs.StringVar(&c.deadlineDistrict, "deadline-district", analyze.DefaultDistrictDeadline.String(), "区(县)人民政府年报的发布截止日(次年的`月-日`)")
	fs.StringVar(&c.deadline, "deadline-other", analyze.DefaultOtherDeadline.String(), "部门、街道乡镇年报的发布截止日(次年的`月-日`)")
	fs.StringVar(&c.memory, "memory", analyze.DefaultMemoryLimit, "DuckDB 可用的`内存`上限(如 2GB、512MB)")
	fs.BoolVar(&c.quiet, "quiet", false, "不显示进度")
	fs.BoolVar(&c.verbose, "v", false, "输出调试日志")
	c.site.register(fs)
	fs.Usage = func() { printUsage(stdout, fs) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "错误: 多余的参数 %q(查询请用 --sql \"SELECT …\")\n", fs.Args())
		return 2
	}
	level := slog.LevelWarn
	if c.verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	var progress io.Writer = stderr
	if c.quiet {
		progress = io.Discard
	}
	opt, err := c.options(log, progress)
	if err != nil {
		fmt.Fprintln(stderr, "错误:", err)
		return 2
	}
	if c.query != "" {
		return runQuery(ctx, c, opt, stdout, stderr, progress)
	}
	return runBuild(ctx, c, opt, stdout, stderr, progress)
}

// printUsage prints the help in Chinese (flag.PrintDefaults would add English "(default …)").
func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, usage)
	fs.VisitAll(func(f *flag.Flag) {
		arg, text := flag.UnquoteUsage(f)
		if arg == "string" || arg == "int" || arg == "value" {
			arg = "值"
		}
		if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); isBool {
			arg = ""
		}
		line := "  --" + f.Name
		if arg != "" {
			line += " " + arg
		}
		fmt.Fprintf(w, "%s\n      %s", line, text)
		if f.DefValue != "" && f.DefValue != "false" {
			fmt.Fprintf(w, "(默认 %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}

func (c config) options(log *slog.Logger, progress io.Writer) (analyze.Options, error) {
	dd, err := analyze.ParseMonthDay(c.deadlineDistrict)
	if err != nil {
		return analyze.Options{}, fmt.Errorf("--deadline-district: %w", err)
	}
	od, err := analyze.ParseMonthDay(c.deadline)
	if err != nil {
		return analyze.Options{}, fmt.Errorf("--deadline-other: %w", err)
	}
	return analyze.Options{Warehouse: c.warehouse, DB: c.db, Population: c.population, Registry: c.registry,
		Raw: c.raw, Versions: c.versions, DistrictDeadline: dd, OtherDeadline: od, MemoryLimit: c.memory,
		Log: log, Progress: progress}, nil
}

func runBuild(ctx context.Context, c config, opt analyze.Options, stdout, stderr, progress io.Writer) int {
	start := time.Now()
	a, err := analyze.Build(ctx, opt)
	if err != nil {
		fmt.Fprintln(stderr, "错误:", err)
		return 1
	}
	defer a.Close()
	fmt.Fprintf(progress, "导出到 %s\n", c.out)
	files, err := a.Export(ctx, c.out, progress)
	if err != nil {
		fmt.Fprintln(stderr, "错误:", err)
		return 1
	}
	s, err := a.Summary(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "错误:", err)
		return 1
	}
	printSummary(stdout, s, c.db, c.out, len(files), time.Since(start))
	return c.site.afterBuild(ctx, c.out, c.warehouse, c.raw, opt.Log, stdout, stderr)
}

func runQuery(ctx context.Context, c config, opt analyze.Options, stdout, stderr, progress io.Writer) int {
	var a *analyze.Analysis
	var err error
	if _, statErr := os.Stat(c.db); statErr == nil && !c.rebuild {
		fmt.Fprintf(progress, "查询已有数据库 %s(加 --rebuild 重新计算)\n", c.db)
		a, err = analyze.Open(ctx, c.db)
	} else {
		a, err = analyze.Build(ctx, opt)
	}
	if err != nil {
		fmt.Fprintln(stderr, "错误:", err)
		return 1
	}
	defer a.Close()
	res, total, err := a.Query(ctx, c.query, c.limit)
	if err != nil {
		fmt.Fprintln(stderr, "错误:", err)
		return 1
	}
	if err := printTable(stdout, res); err != nil {
		fmt.Fprintln(stderr, "错误:", err)
		return 1
	}
	if total > len(res.Rows) {
		fmt.Fprintf(stdout, "(共 %d 行,显示前 %d 行;用 --limit 0 显示全部)\n", total, len(res.Rows))
	} else {
		fmt.Fprintf(stdout, "(%d 行)\n", total)
	}
	return 0
}

func printSummary(w io.Writer, s analyze.Summary, db, out string, files int, took time.Duration) {
	years := "年份未知"
	if s.FirstYear.Valid {
		years = fmt.Sprintf("%d–%d 年", s.FirstYear.Int64, s.LastYear.Int64)
	}
	fmt.Fprintf(w, "分析完成(%.1f 秒)\n", took.Seconds())
	fmt.Fprintf(w, "  报告        %d 份,其中参与比较的主报告 %d 份(%s)\n", s.Reports, s.PrimaryReports, years)
	fmt.Fprintf(w, "  指标值      %d 行,有值 %d,其中仅供参考(分母过小或勾稽不符)%d\n", s.MetricRows, s.MetricValues, s.UnreliableValues)
	fmt.Fprintf(w, "  排名        %d 行,同级组 %d 个\n", s.RankedRows, s.PeerGroups)
	fmt.Fprintf(w, "  同比        %d 行,跳变(>5 倍或 <0.2 倍或由0起)%d 处\n", s.TrendRows, s.TrendJumps)
	fmt.Fprintf(w, "  勾稽关系不符 %d 处,涉及 %d 份报告\n", s.IdentityFailures, s.ReportsWithIdentityFailures)
	fmt.Fprintf(w, "  跨年结转核对 %d 项,不一致 %d 项\n", s.CrossYearChecks, s.CrossYearFails)
	fmt.Fprintf(w, "  缺失年度报告 %d 个,发布后修改 %d 个网址,逾期发布 %d 份,发布日期未知 %d 份\n",
		s.MissingReports, s.EditedURLs, s.LatePublications, s.UnknownDates)
	fmt.Fprintf(w, "数据库: %s\n导出:   %s(%d 张表,各有 .parquet 与 .csv)\n", db, out, files)
}
