// Command crawl keeps the gkbench dataset: `crawl run` crawls the registry's sources into the raw store and
// the warehouse; `crawl import` parses local report files into the warehouse.
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
	"syscall"
)

const usage = `crawl — 政府信息公开工作年度报告的采集与导入

用法:
  crawl run [--registry FILE] [--data DIR] [--every 24h | --cron "0 2 * * *"]
      按来源登记表(默认内置北京市 16 区)抓取年度报告:遵守 robots.txt、限速、重试,
      原始文件存入 DIR/raw/,解析结果写入 DIR/warehouse/;再次运行只发条件请求,只处理有变化的报告。
  crawl import [--warehouse DIR] [--manifest FILE.csv] [PATH...]
      解析本地文件或文件夹(HTML、GBK/UTF-8 网页、纯文本转存),按国家模板读取数据,
      校验勾稽关系,写入 Parquet 数据仓库(DIR/reports, DIR/facts, DIR/checks)。

运行 "crawl <命令> --help" 查看各命令的选项。
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	// SIGTERM too: systemd stops a scheduled crawl with it, and the crawl then ends cleanly.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch args[0] {
	case "run":
		return runCrawl(ctx, args[1:], stdout, stderr)
	case "import":
		return runImport(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "未知命令 %q\n\n%s", args[0], usage)
		return 2
	}
}

// newFlags makes a flag set whose errors and help go to stderr/stdout in the command's own words.
func newFlags(name, synopsis string, stdout, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "%s\n\n选项:\n", synopsis)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(stderr)
	}
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	return 0, true
}

func logger(stderr io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
}
