package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gkbench/gkbench/internal/textwidth"
	"github.com/gkbench/gkbench/pipeline/ingest"
	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/validate"
	"github.com/gkbench/gkbench/pipeline/warehouse"
)

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("import", `crawl import [--warehouse DIR] [--manifest FILE.csv] [--allow-outside] [PATH...]

解析本地的年度报告文件(或文件夹中的 .html/.htm/.shtml/.txt 等文件)并写入数据仓库。
清单文件(CSV,UTF-8 或 GB18030/GBK 编码均可)列为 path,url,issuer,jurisdiction,year[,published_on],
path 相对于清单所在文件夹,且不得超出该文件夹(除非给出 --allow-outside);除 path 外均可为空;
清单给出的信息优先于文档本身。未给出 PATH 时导入清单中的全部文件。
一个文件有问题(不存在、无法读取、清单中两行矛盾、路径越界)只记为该文件失败,不影响其他文件;
命名管道、设备等特殊文件跳过并提示。同一文件重复导入不会产生重复数据。
只有在一个报告都无法导入或用法错误时才以非零状态退出。`, stdout, stderr)
	wh := fs.String("warehouse", "data/warehouse", "数据仓库目录")
	manifest := fs.String("manifest", "", "CSV 清单文件(可选)")
	allowOutside := fs.Bool("allow-outside", false, "允许清单中的路径指向清单所在文件夹之外")
	workers := fs.Int("workers", 0, "并行解析数(0 = CPU 数)")
	quiet := fs.Bool("quiet", false, "不逐个显示进度")
	verbose := fs.Bool("v", false, "输出调试日志")
	top := fs.Int("top", 20, "汇总后显示的主要数据行数")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	log := logger(stderr, *verbose)
	var man *ingest.Manifest
	if *manifest != "" {
		m, err := ingest.OpenManifest(*manifest, ingest.ManifestOptions{AllowOutside: *allowOutside})
		if err != nil {
			fmt.Fprintln(stderr, "错误:", err)
			return 2
		}
		man = m
	}
	if len(fs.Args()) == 0 && man == nil {
		fmt.Fprintln(stderr, "错误: 没有要导入的文件(请给出 PATH 或 --manifest)")
		fs.Usage()
		return 2
	}
	files, meta, warnings := ingest.Collect(fs.Args(), man)
	for _, w := range warnings {
		fmt.Fprintln(stderr, "注意:", w)
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "错误: 给出的路径中没有可导入的文件")
		return 1
	}
	w, err := warehouse.Open(*wh)
	if err != nil {
		fmt.Fprintln(stderr, "错误: 打开数据仓库:", err)
		return 1
	}
	im := &ingest.Importer{Store: w, Workers: *workers, Log: log}
	if !*quiet {
		im.Progress = stderr
	}
	sum, err := im.Import(ctx, files, meta)
	printSummary(stdout, sum, *wh, *top)
	if err != nil {
		fmt.Fprintln(stderr, "中断:", err)
		return 1
	}
	if sum.OK+sum.Partial == 0 || sum.StoreErrors == sum.Reports {
		return 1
	}
	return 0
}

func printSummary(w io.Writer, s ingest.Summary, wh string, top int) {
	ocr := ""
	if s.NeedsOCR > 0 {
		ocr = fmt.Sprintf(",需要 OCR %d", s.NeedsOCR)
	}
	fmt.Fprintf(w, "\n导入完成:共 %d 份报告 — 完整 %d,部分 %d,失败 %d%s;数据 %d 项;勾稽关系不符 %d 处\n",
		s.Reports, s.OK, s.Partial, s.Failed, ocr, s.Facts, s.ChecksFailed)
	if s.StoreErrors > 0 {
		fmt.Fprintf(w, "写入数据仓库失败 %d 份(详见日志)\n", s.StoreErrors)
	}
	fmt.Fprintf(w, "数据仓库: %s\n", wh)
	var failed []string
	for _, r := range s.Results {
		switch r.Status {
		case report.Failed:
			failed = append(failed, fmt.Sprintf("  × %s: %s", ingest.Printable(relPath(r.SourcePath)), ingest.Printable(r.Error)))
		case report.NeedsOCR:
			failed = append(failed, fmt.Sprintf("  ◌ %s: %s", ingest.Printable(relPath(r.SourcePath)), ingest.Printable(r.Error)))
		}
	}
	if len(failed) > 0 {
		fmt.Fprintln(w, "\n未能读取的文件(× 失败,◌ 需要 OCR):")
		fmt.Fprintln(w, strings.Join(failed, "\n"))
	}
	printHeadlines(w, s.Results, top)
}

// printHeadlines shows a few figures per report so a reader sees at once that the numbers are real.
func printHeadlines(w io.Writer, rs []*report.Report, top int) {
	var ok []*report.Report
	for _, r := range rs {
		if r.Status == report.OK || r.Status == report.Partial {
			ok = append(ok, r)
		}
	}
	if len(ok) == 0 || top <= 0 {
		return
	}
	sort.SliceStable(ok, func(i, j int) bool {
		if ok[i].Issuer != ok[j].Issuer {
			return ok[i].Issuer < ok[j].Issuer
		}
		return ok[i].Year < ok[j].Year
	})
	rows := [][]string{{"发布机关", "年份", "模板", "新收申请", "办结总计", "不掌握率", "勾稽不符"}}
	for i, r := range ok {
		if i >= top {
			rows = append(rows, []string{fmt.Sprintf("…… 另有 %d 份", len(ok)-top)})
			break
		}
		name, year := ingest.Printable(r.Issuer), "未知"
		if name == "" {
			name = "(发布机关未知)"
		}
		if r.Year != 0 {
			year = fmt.Sprint(r.Year)
		}
		vals := map[string]float64{}
		for _, f := range r.Facts {
			if f.Table == "applications" && f.Col == "total" && f.Value != nil {
				vals[f.Row] = *f.Value
			}
		}
		recv, done, held := cell(vals, "new_received"), cell(vals, "processed_total"), "—"
		if d, ok1 := vals["processed_total"]; ok1 && d > 0 {
			if h, ok2 := vals["unable_not_held"]; ok2 {
				held = fmt.Sprintf("%.1f%%", 100*h/d)
			}
		}
		bad := validate.Failed(r.Checks)
		rows = append(rows, []string{name, year, r.TemplateVersion, recv, done, held, fmt.Sprint(bad)})
	}
	fmt.Fprintln(w, "\n主要数据(表三 总计列;不掌握率 = 本机关不掌握相关政府信息 / 办理结果总计):")
	textwidth.Table(w, "  ", rows, []bool{false, true, true, true, true, true, true})
}

func cell(vals map[string]float64, row string) string {
	v, ok := vals[row]
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%.0f", v)
}

// relPath shows a path relative to the working directory when it lies below it.
func relPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}
