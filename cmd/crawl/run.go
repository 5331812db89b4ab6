package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/gkbench/gkbench/pipeline/crawl"
	"github.com/gkbench/gkbench/pipeline/fetch"
	"github.com/gkbench/gkbench/pipeline/registry"
)

// Exit statuses of `crawl run`.
const (
	exitCompleted  = 0
	exitIncomplete = 1 // interrupted, locked, or the data directory unusable
	exitUsage      = 2 // bad flags or an invalid registry
	exitSourcesBad = 3 // completed, but some sources failed (only with --strict)
)

const runSynopsis = `crawl run [--registry FILE] [--data DIR] [--every 24h | --cron "0 2 * * *"]

按来源登记表抓取各来源的政府信息公开工作年度报告:读取年报栏目列表页及其翻页,
挑出标题为“××年政府信息公开工作年度报告”的链接,抓取报告页面及附件(pdf、doc、docx、wps、xls),
原样保存到 DIR/raw/(按内容哈希去重,并记录每次抓取、每个报告版本和每次运行),
新的或有改动的报告经解析、校验后写入 DIR/warehouse/。

遵守 robots.txt,按主机限速、限并发,对 429、5xx 和网络错误有限次退避重试,其他 4xx 不重试;
同一站点连续失败时熔断,不拖慢其他站点。再次运行时对已抓过的地址发条件请求
(If-None-Match / If-Modified-Since),未变化的文档不再解析,不写入新数据;
报告发布后被修改时保存为新版本并记录在 DIR/raw/versions.jsonl(edited = true)。

默认只运行一次。--every 或 --cron 时常驻运行,按计划反复抓取(Ctrl-C 或 SIGTERM 退出)。
同一数据目录同时只允许一个抓取进程(DIR/crawl.lock)。抓取中途被终止后重新运行,
已完成的部分不会丢失也不会重复。

退出状态:0 运行完成(个别来源或页面失败时也是 0,详见摘要和日志);
1 运行未完成(被中断、数据目录被另一进程占用或无法写入);2 用法错误或登记表有误;
3 运行完成但有来源的起始页全部无法读取(仅在 --strict 时)。`

func runCrawl(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("run", runSynopsis, stdout, stderr)
	regFile := fs.String("registry", "", "来源登记表 YAML 文件(默认使用内置的北京市 16 区登记表 "+registry.BeijingName+")")
	dataDir := fs.String("data", "data", "数据目录,其中 raw/ 保存原始文件与抓取记录,warehouse/ 保存解析结果")
	every := fs.Duration("every", 0, "常驻运行,每隔这么久抓取一次(如 24h);与 --cron 二选一")
	cronExpr := fs.String("cron", "", "常驻运行,按 cron 表达式(分 时 日 月 周,如 \"0 2 * * *\" 即每天 2:00)抓取")
	check := fs.Bool("check", false, "只校验登记表并列出来源,不抓取")
	timeout := fs.Duration("timeout", fetch.Defaults.Timeout, "单次请求超时(含读取内容)")
	retries := fs.Int("retries", fetch.Defaults.Retries, "遇到 429、5xx 或网络错误时的最多重试次数(0 = 不重试)")
	delay := fs.Duration("delay", fetch.Defaults.Delay, "对同一主机两次请求之间的最短间隔(另加最多 --jitter 的随机间隔)")
	jitter := fs.Duration("jitter", fetch.Defaults.Jitter, "请求间隔的随机附加量上限")
	parallel := fs.Int("parallel", fetch.Defaults.Parallelism, "对同一主机的最大并发请求数")
	maxBody := fs.Int64("max-body", fetch.DefaultMaxBody>>20, "单个文件大小上限(MiB),超过的不保存并记录原因")
	maxPages := fs.Int("max-pages", 200, "每个列表起始页最多翻多少页(登记表 hints.max_pages 优先)")
	ua := fs.String("user-agent", fetch.DefaultUserAgent, "请求时使用的 User-Agent(请保留联系方式,便于网站管理员识别)")
	strict := fs.Bool("strict", false, "有来源的起始页全部无法读取时以状态 3 退出(便于定时任务报警)")
	quiet := fs.Bool("quiet", false, "终端上也不显示实时进度")
	logJSON := fs.Bool("log-json", false, "日志输出为 JSON(默认为 key=value 文本)")
	verbose := fs.Bool("v", false, "输出调试日志")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "错误: 多余的参数 %q\n", fs.Args())
		return exitUsage
	}
	if *every > 0 && *cronExpr != "" {
		fmt.Fprintln(stderr, "错误: --every 与 --cron 只能给出一个")
		return exitUsage
	}
	if *every < 0 {
		fmt.Fprintln(stderr, "错误: --every 必须为正数")
		return exitUsage
	}
	var sched cron.Schedule
	if *cronExpr != "" {
		s, err := cron.ParseStandard(*cronExpr)
		if err != nil {
			fmt.Fprintf(stderr, "错误: --cron %q 无效: %v\n", *cronExpr, err)
			return exitUsage
		}
		sched = s
	}
	var reg *registry.Registry
	var err error
	if *regFile == "" {
		reg, err = registry.LoadBeijing()
	} else {
		reg, err = registry.Load(*regFile)
	}
	if err != nil {
		fmt.Fprintln(stderr, "错误:", err)
		return exitUsage
	}
	if *check {
		printRegistry(stdout, reg)
		return exitCompleted
	}

	live := !*quiet && isTerminal(stderr)
	level := slog.LevelInfo
	if live {
		level = slog.LevelError // the live lines say the rest
	}
	if *verbose {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	var handler slog.Handler = slog.NewTextHandler(stderr, opts)
	if *logJSON {
		handler = slog.NewJSONHandler(stderr, opts)
	}
	log := slog.New(handler)

	cfg := crawl.Config{
		Registry: reg, DataDir: *dataDir, UserAgent: *ua, MaxBody: *maxBody << 20, MaxPages: *maxPages, Log: log,
		Fetch: fetch.Config{Timeout: *timeout, Retries: *retries, Delay: *delay, Jitter: *jitter, Parallelism: *parallel},
	}
	if *retries == 0 {
		cfg.Fetch.Retries = -1
	}
	if *delay == 0 {
		cfg.Fetch.Delay = -1
	}
	if *jitter == 0 {
		cfg.Fetch.Jitter = -1
	}
	once := func() int {
		var pr *progress
		if live {
			pr = newProgress(stderr, reg)
			cfg.OnProgress = pr.update
			pr.start()
		}
		res, err := crawl.Run(ctx, cfg)
		if pr != nil {
			pr.stop()
		}
		if res != nil {
			printRun(stdout, res)
		}
		switch {
		case errors.Is(err, crawl.ErrLocked):
			fmt.Fprintln(stderr, "错误:", err)
			return exitIncomplete
		case err != nil:
			fmt.Fprintln(stderr, "抓取未完成:", err)
			return exitIncomplete
		case *strict && res.Run.SourcesBad > 0:
			return exitSourcesBad
		}
		return exitCompleted
	}
	if *every == 0 && sched == nil {
		return once()
	}
	next := func(t time.Time) time.Time {
		if sched != nil {
			return sched.Next(t)
		}
		return t.Add(*every)
	}
	code := exitCompleted
	for {
		began := time.Now()
		code = once()
		if ctx.Err() != nil {
			return code
		}
		at := next(began)
		if !at.After(time.Now()) {
			at = next(time.Now())
		}
		log.Info("等待下一次抓取", "at", at.Format(time.RFC3339))
		if live {
			fmt.Fprintf(stderr, "下一次抓取: %s\n", at.Format("2006-01-02 15:04:05"))
		}
		select {
		case <-ctx.Done():
			return code
		case <-time.After(time.Until(at)):
		}
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb"
}

func printRegistry(w io.Writer, reg *registry.Registry) {
	fmt.Fprintf(w, "登记表 %s:%d 个来源,校验通过\n", reg.Name, len(reg.Sources))
	for _, s := range reg.Sources {
		starts := s.Starts()
		unverified := 0
		for _, st := range starts {
			if !st.Verified {
				unverified++
			}
		}
		fmt.Fprintf(w, "  %-22s %s %s(%s)起始页 %d 个,未核实 %d 个;主机 %s\n", s.ID, s.DivisionCode, s.Issuer, s.Level,
			len(starts), unverified, strings.Join(s.AllowedHosts, ", "))
	}
}

func printRun(w io.Writer, res *crawl.Result) {
	r := res.Run
	status := map[string]string{crawl.StatusCompleted: "完成", crawl.StatusInterrupted: "被中断", crawl.StatusFailed: "失败"}[r.Status]
	took := ""
	if r.EndedAt != nil {
		took = r.EndedAt.Sub(r.StartedAt).Round(time.Second).String()
	}
	fmt.Fprintf(w, "\n抓取%s(运行 %s,用时 %s):列表页 %d,文档 %d — 新增 %d,修改 %d,未变 %d,失败 %d,robots 禁止 %d;请求 %d 次(重试 %d)\n",
		status, r.RunID, took, r.Pages, r.Documents, r.New, r.Changed, r.Unchanged, r.Failed, r.Blocked, r.Requests, r.Retries)
	fmt.Fprintf(w, "  %-22s %6s %6s %6s %6s %6s %6s\n", "来源", "列表页", "文档", "新增", "修改", "未变", "失败")
	for _, s := range res.Sources {
		fmt.Fprintf(w, "  %-22s %6d %6d %6d %6d %6d %6d\n", s.ID, s.Pages, s.Documents, s.New, s.Changed, s.Unchanged, s.Failed)
	}
	var bad []string
	for _, s := range res.Sources {
		for _, e := range s.StartErrors {
			bad = append(bad, fmt.Sprintf("  × %s 起始页: %s", s.ID, e))
		}
		for _, e := range s.Errors {
			bad = append(bad, fmt.Sprintf("  × %s: %s", s.ID, e))
		}
	}
	if len(bad) > 0 {
		fmt.Fprintln(w, "\n问题(起始页地址错误或已变动时请修改登记表):")
		fmt.Fprintln(w, strings.Join(bad, "\n"))
	}
}

// progress redraws one line per source on a terminal.
type progress struct {
	w     io.Writer
	mu    sync.Mutex
	ids   []string
	stats map[string]crawl.SourceStats
	drawn int
	stopc chan struct{}
	done  chan struct{}
	began time.Time
}

func newProgress(w io.Writer, reg *registry.Registry) *progress {
	p := &progress{w: w, stats: map[string]crawl.SourceStats{}, stopc: make(chan struct{}), done: make(chan struct{}), began: time.Now()}
	for _, s := range reg.Sources {
		p.ids = append(p.ids, s.ID)
	}
	sort.Strings(p.ids)
	return p
}

func (p *progress) update(s crawl.SourceStats) {
	p.mu.Lock()
	p.stats[s.ID] = s
	p.mu.Unlock()
}

func (p *progress) start() {
	go func() {
		defer close(p.done)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			p.draw()
			select {
			case <-p.stopc:
				p.draw()
				return
			case <-t.C:
			}
		}
	}()
}

func (p *progress) stop() {
	close(p.stopc)
	<-p.done
}

func (p *progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	var b strings.Builder
	if p.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", p.drawn)
	}
	for _, id := range p.ids {
		s := p.stats[id]
		line := fmt.Sprintf("%-22s 列表页 %3d  文档 %4d  新增 %3d  修改 %2d  未变 %4d  失败 %3d", id, s.Pages, s.Documents, s.New, s.Changed, s.Unchanged, s.Failed)
		if len(s.StartErrors) > 0 {
			line += fmt.Sprintf("  起始页错误 %d", len(s.StartErrors))
		}
		b.WriteString("\x1b[2K" + line + "\n")
	}
	fmt.Fprintf(&b, "\x1b[2K已用时 %s\n", time.Since(p.began).Round(time.Second))
	p.drawn = len(p.ids) + 1
	io.WriteString(p.w, b.String())
}
