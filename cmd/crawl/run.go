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
	exitSourcesBad = 3 // completed, but some sources are problems (only with --strict)
)

// runSynopsis is run's help text; the dead-host figures are the defaults'.
func runSynopsis() string {
	d := fetch.Defaults
	return fmt.Sprintf(`crawl run [--registry FILE] [--data DIR] [--every 24h | --cron "0 2 * * *"]

按来源登记表抓取各来源的政府信息公开工作年度报告:读取年报栏目列表页及其翻页
(普通链接与 index_N.html 翻页、TRS createPageHTML、大汉 JCMS 的 <datastore> 与 dataproxy.jsp、
由脚本从 JSON 接口加载的列表),挑出标题为“××年政府信息公开工作年度报告”的链接,
抓取报告页面及附件(pdf、doc、docx、wps、xls),原样保存到 DIR/raw/(按内容哈希去重,
并记录每次抓取、每个报告版本和每次运行),新的或有改动的报告经解析、校验后写入 DIR/warehouse/。
地址在排队前规范化(去掉锚点、默认端口和 from、utm_*、spm、source、timestamp 等跟踪或防缓存参数,
登记表 hints.drop_params 可按来源改写);同一来源两个地址内容相同时只算一份文档(两个地址都记录)。

遵守 robots.txt(RFC 9309,最多读 512 KiB),按主机限速、限并发,对 429、5xx 和网络错误有限次退避重试,
其他 4xx 不重试;同一站点连续失败时熔断,不拖慢其他站点。单个文件(含 gzip 解压后)超过 --max-body 的
不保存并记录原因;重定向只跟随到登记表中的主机和端口。再次运行时对已抓过的地址发条件请求
(If-None-Match / If-Modified-Since),未变化的文档不再解析,不写入新数据;
报告发布后被修改时保存为新版本并记录在 DIR/raw/versions.jsonl(edited = true)。

无响应的主机:连接超时 %s(--connect-timeout),发出请求后 %s 内没有回应即算一次失败(--answer-timeout),
读取内容的超时另计(--timeout)。一个主机连续 %d 次毫无回应后,本次运行不再请求它,
因此一个始终无响应的来源最多使一次运行延长约 %s(按默认设置;各来源并行抓取);
该主机记入 DIR/raw/hosts.jsonl,下次运行先探测一次(至多 %s),仍无响应则其页面直接记为失败。

每个来源的页面数、链接数、找到的报告数、新增、修改、失败和用时记入 DIR/raw/runs.jsonl。
以下来源列为问题:起始页全部无法读取;列表页已读取但没有年度报告链接(列出读过的列表页及各自的链接数);
找到的报告比上次完成的运行少一半以上(网站可能已改版)。

默认只运行一次。--every 或 --cron 时常驻运行,按计划反复抓取。Ctrl-C 或 SIGTERM 在几秒内停止抓取:
已保存的文件与记录保持一致,本次运行记为 interrupted,下次运行从中断处继续。
同一数据目录同时只允许一个抓取进程(DIR/crawl.lock)。抓取中途被终止(包括 kill -9)后重新运行,
已完成的部分不会丢失也不会重复。

退出状态:0 运行完成(个别来源或页面失败时也是 0,详见摘要和日志);
1 运行未完成(被中断、数据目录被另一进程占用或无法写入);2 用法错误或登记表有误;
3 运行完成但有来源列为问题(起始页全部无法读取、没有找到年度报告或报告数减半;仅在 --strict 时)。`,
		d.ConnectTimeout, d.AnswerTimeout, d.DeadAfter, d.DeadHostBound().Round(time.Second), d.AnswerTimeout)
}

func runCrawl(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("run", runSynopsis(), stdout, stderr)
	regFile := fs.String("registry", "", "来源登记表 YAML 文件(默认使用内置的北京市 16 区登记表 "+registry.BeijingName+")")
	dataDir := fs.String("data", "data", "数据目录,其中 raw/ 保存原始文件与抓取记录,warehouse/ 保存解析结果")
	every := fs.Duration("every", 0, "常驻运行,每隔这么久抓取一次(如 24h);与 --cron 二选一")
	cronExpr := fs.String("cron", "", "常驻运行,按 cron 表达式(分 时 日 月 周,如 \"0 2 * * *\" 即每天 2:00)抓取")
	check := fs.Bool("check", false, "只校验登记表并列出来源,不抓取")
	timeout := fs.Duration("timeout", fetch.Defaults.Timeout, "单次请求的读取超时(从发出请求到读完内容)")
	connectTimeout := fs.Duration("connect-timeout", fetch.Defaults.ConnectTimeout, "建立连接(TCP 与 TLS)的超时")
	answerTimeout := fs.Duration("answer-timeout", fetch.Defaults.AnswerTimeout, "发出请求后等待服务器开始回应的超时;连续 3 次毫无回应的主机本次运行不再请求")
	retries := fs.Int("retries", fetch.Defaults.Retries, "遇到 429、5xx 或网络错误时的最多重试次数(0 = 不重试)")
	delay := fs.Duration("delay", fetch.Defaults.Delay, "对同一主机两次请求之间的最短间隔(另加最多 --jitter 的随机间隔)")
	jitter := fs.Duration("jitter", fetch.Defaults.Jitter, "请求间隔的随机附加量上限")
	parallel := fs.Int("parallel", fetch.Defaults.Parallelism, "对同一主机的最大并发请求数")
	maxBody := fs.Int64("max-body", fetch.DefaultMaxBody>>20, "单个文件大小上限(MiB),超过的不保存并记录原因")
	maxPages := fs.Int("max-pages", 200, "每个列表起始页最多翻多少页(登记表 hints.max_pages 优先)")
	contact := fs.String("contact", fetch.DefaultContact, "写入 User-Agent 的联系网址(gkbench/版本 (+网址)),便于网站管理员联系")
	ua := fs.String("user-agent", "", "完整替换 User-Agent(只能是 ASCII;默认由 --contact 生成)")
	strict := fs.Bool("strict", false, "有来源列为问题(起始页全部无法读取、没有找到年度报告、报告数减半)时以状态 3 退出(便于定时任务报警)")
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
	agent := *ua
	if agent == "" {
		agent = fetch.UserAgent(*contact)
	}
	if err := fetch.CheckUserAgent(agent); err != nil {
		fmt.Fprintln(stderr, "错误: --user-agent:", err)
		return exitUsage
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
		Registry: reg, DataDir: *dataDir, UserAgent: agent, MaxBody: *maxBody << 20, MaxPages: *maxPages, Log: log,
		Fetch: fetch.Config{Timeout: *timeout, ConnectTimeout: *connectTimeout, AnswerTimeout: *answerTimeout,
			Retries: *retries, Delay: *delay, Jitter: *jitter, Parallelism: *parallel},
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
		case *strict && res.Run.SourcesBad+res.Run.SourcesEmpty+res.Run.SourcesDropped > 0:
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
	fmt.Fprintf(w, "  %-22s %6s %6s %6s %6s %6s %6s %6s %6s %6s %7s\n", "来源", "列表页", "链接", "报告", "文档", "新增", "修改", "未变", "重复", "失败", "用时(秒)")
	for _, s := range res.Sources {
		fmt.Fprintf(w, "  %-22s %6d %6d %6d %6d %6d %6d %6d %6d %6d %7.1f\n", s.ID, s.Pages, s.Links, s.Reports, s.Documents, s.New,
			s.Changed, s.Unchanged, s.Duplicates, s.Failed, s.Seconds)
	}
	var bad []string
	for _, s := range res.Sources {
		for _, e := range s.StartErrors {
			bad = append(bad, fmt.Sprintf("  × %s 起始页: %s", s.ID, e))
		}
		for _, p := range s.Problems {
			bad = append(bad, fmt.Sprintf("  × %s: %s", s.ID, p))
		}
		for _, e := range s.Errors {
			bad = append(bad, fmt.Sprintf("  × %s: %s", s.ID, e))
		}
	}
	if len(bad) > 0 {
		fmt.Fprintln(w, "\n问题(起始页地址错误、栏目已改版或改用其他列表形式时请修改登记表):")
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
