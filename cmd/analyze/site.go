package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/gkbench/gkbench/charts"
)

// siteConfig holds analyze's site options: after the export, the comparison site is built from the exported
// files (charts.Build) into --site, and --serve serves it on loopback until interrupted.
type siteConfig struct {
	dir, serve, banner string
}

// register adds the site flags to the build's flag set.
func (s *siteConfig) register(fs *flag.FlagSet) {
	fs.StringVar(&s.dir, "site", "site", "生成比较网站的`目录`(静态网页,可离线打开 index.html;空字符串 = 不生成)")
	fs.StringVar(&s.serve, "serve", "", "生成网站后在此`地址`提供浏览,直到按 Ctrl+C(仅限本机回环地址,如 127.0.0.1:8080)")
	fs.StringVar(&s.banner, "site-banner", "", "在网站每页顶部显示的示例数据`说明`(不给出时,机关名称含“示例市”即自动显示)")
}

// afterBuild builds the site from the exports in out and, with --serve, serves it. It returns the exit
// status.
func (s *siteConfig) afterBuild(ctx context.Context, out, warehouse, raw string, log *slog.Logger, stdout, stderr io.Writer) int {
	if s.dir == "" {
		if s.serve != "" {
			fmt.Fprintln(stderr, "错误: --serve 需要 --site 目录")
			return 2
		}
		return 0
	}
	if raw != "" {
		if _, err := os.Stat(raw); errors.Is(err, os.ErrNotExist) {
			raw = "" // the default data/raw is absent when nothing was crawled
		}
	}
	sum, err := charts.Build(out, s.dir, charts.Options{Warehouse: warehouse, Raw: raw, SampleBanner: s.banner, Log: log})
	if err != nil {
		fmt.Fprintln(stderr, "错误: 生成网站:", err)
		return 1
	}
	fmt.Fprintf(stdout, "网站:   %s(%d 页,%d 张图表;指标页 %d,区页 %d;下载文件 %d,原始存档 %d)\n",
		sum.Dir, sum.Pages, sum.Charts, sum.Metrics, sum.Districts, sum.Downloads, sum.Snapshots)
	if s.serve == "" {
		return 0
	}
	return serveSite(ctx, s.dir, s.serve, log, stdout, stderr)
}

func serveSite(ctx context.Context, dir, addr string, log *slog.Logger, stdout, stderr io.Writer) int {
	err := charts.Serve(ctx, dir, charts.ServeOptions{Addr: addr, Log: log, Ready: func(url string) {
		fmt.Fprintf(stdout, "浏览: %s (按 Ctrl+C 停止)\n", url)
	}})
	if err != nil {
		fmt.Fprintln(stderr, "错误:", err)
		return 1
	}
	return 0
}

const serveUsage = `analyze serve — 在本机浏览已生成的比较网站

用法:
  analyze serve [--site DIR] [--addr 127.0.0.1:8080]
      只读地提供 --site 目录中的网站,直到按 Ctrl+C。只接受本机回环地址。

选项:
`

// runServe is the `analyze serve` subcommand.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("analyze serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("site", "site", "网站`目录`(analyze --site 的输出)")
	addr := fs.String("addr", charts.DefaultAddr, "监听`地址`(本机回环地址)")
	fs.Usage = func() {
		fmt.Fprint(stdout, serveUsage)
		fs.VisitAll(func(f *flag.Flag) {
			arg, text := flag.UnquoteUsage(f)
			fmt.Fprintf(stdout, "  --%s %s\n      %s(默认 %s)\n", f.Name, arg, text, f.DefValue)
		})
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "错误: 多余的参数 %q\n", fs.Args())
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return serveSite(ctx, *dir, *addr, log, stdout, stderr)
}
