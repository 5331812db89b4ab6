// Package fetch is the crawler's HTTP politeness and robustness layer: an http.RoundTripper that spaces and
// bounds requests per host, times out each attempt, retries 429, 5xx and network errors with exponential
// backoff and jitter (and never other 4xx), and trips a per-host circuit breaker so one dead site fails fast
// instead of costing every one of its URLs a full set of timeouts. Colly (which has no retries) sits on top.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultMaxBody is the body limit the crawler uses: real report PDFs reach tens of MiB, and colly's
// default of 10 MiB silently truncates them.
const DefaultMaxBody = 64 << 20

// DefaultUserAgent identifies the crawler to site operators.
const DefaultUserAgent = "gkbench-crawler/1.0 (+https://github.com/gkbench/gkbench; 政府信息公开年报数据集)"

// AttemptsHeader is set on every response the Transport returns: how many attempts it took.
const AttemptsHeader = "X-Gkbench-Attempts"

// Config tunes the Transport. Zero fields take the defaults of Defaults.
type Config struct {
	Timeout          time.Duration // per attempt, including reading the body
	Retries          int           // extra attempts after the first; -1 for none
	BackoffBase      time.Duration // first retry waits about this long, doubling each time
	BackoffMax       time.Duration // cap on one wait, Retry-After included
	Delay            time.Duration // minimum spacing between request starts to one host; < 0: none
	Jitter           time.Duration // random extra spacing, up to this much; < 0: none
	Parallelism      int           // concurrent requests per host
	BreakerThreshold int           // consecutive failed attempts that open a host's circuit
	BreakerCooldown  time.Duration // how long an open circuit refuses requests before one probe
	// Observe, when set, is called after every attempt (from the requesting goroutine).
	Observe func(Attempt)
}

// Defaults are polite settings for government portals.
var Defaults = Config{
	Timeout:          30 * time.Second,
	Retries:          3,
	BackoffBase:      2 * time.Second,
	BackoffMax:       60 * time.Second,
	Delay:            2 * time.Second,
	Jitter:           time.Second,
	Parallelism:      2,
	BreakerThreshold: 8,
	BreakerCooldown:  5 * time.Minute,
}

func (c Config) withDefaults() Config {
	d := Defaults
	if c.Timeout > 0 {
		d.Timeout = c.Timeout
	}
	switch {
	case c.Retries < 0:
		d.Retries = 0
	case c.Retries > 0:
		d.Retries = c.Retries
	}
	if c.BackoffBase > 0 {
		d.BackoffBase = c.BackoffBase
	}
	if c.BackoffMax > 0 {
		d.BackoffMax = c.BackoffMax
	}
	// Zero takes the default; negative means none (tests and the loopback demo need no spacing).
	if c.Delay != 0 {
		d.Delay = max(c.Delay, 0)
	}
	if c.Jitter != 0 {
		d.Jitter = max(c.Jitter, 0)
	}
	if c.Parallelism > 0 {
		d.Parallelism = c.Parallelism
	}
	if c.BreakerThreshold > 0 {
		d.BreakerThreshold = c.BreakerThreshold
	}
	if c.BreakerCooldown > 0 {
		d.BreakerCooldown = c.BreakerCooldown
	}
	d.Observe = c.Observe
	return d
}

// Attempt describes one HTTP attempt.
type Attempt struct {
	URL      string
	Host     string
	N        int // 1 for the first attempt
	Status   int // 0 when no response
	Err      error
	Elapsed  time.Duration
	Retrying bool // another attempt follows
}

// ErrCircuitOpen is returned (wrapped) while a host's circuit breaker refuses requests.
var ErrCircuitOpen = errors.New("熔断:该站点连续失败,暂停请求")

// Transport implements the politeness and retry policy over a base RoundTripper.
type Transport struct {
	cfg  Config
	base http.RoundTripper
	mu   sync.Mutex
	host map[string]*hostState
}

// New returns a Transport over base (nil: a clone of http.DefaultTransport).
func New(cfg Config, base http.RoundTripper) *Transport {
	if base == nil {
		base = http.DefaultTransport.(*http.Transport).Clone()
	}
	return &Transport{cfg: cfg.withDefaults(), base: base, host: map[string]*hostState{}}
}

// Config returns the effective settings.
func (t *Transport) Config() Config { return t.cfg }

// ClientTimeout is an overall bound for one request through t (every attempt and wait), for
// http.Client.Timeout: a safety net should a server trickle bytes forever.
func (t *Transport) ClientTimeout() time.Duration {
	n := time.Duration(t.cfg.Retries + 1)
	return n*(t.cfg.Timeout+t.cfg.BackoffMax+t.cfg.Delay+t.cfg.Jitter) + time.Minute
}

type hostState struct {
	sem       chan struct{}
	mu        sync.Mutex
	nextStart time.Time
	failures  int       // consecutive failed attempts
	openUntil time.Time // circuit open while now < openUntil
	probing   bool      // half-open: one probe in flight
}

func (t *Transport) state(host string) *hostState {
	host = strings.ToLower(host)
	t.mu.Lock()
	defer t.mu.Unlock()
	h := t.host[host]
	if h == nil {
		h = &hostState{sem: make(chan struct{}, t.cfg.Parallelism)}
		t.host[host] = h
	}
	return h
}

// admit applies the circuit breaker: closed admits, open refuses, and after the cooldown one probe is let
// through (half-open) whose result closes or re-opens the circuit.
func (h *hostState) admit(now time.Time) (probe bool, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.openUntil.IsZero() {
		return false, nil
	}
	if now.Before(h.openUntil) || h.probing {
		return false, fmt.Errorf("%w(至 %s)", ErrCircuitOpen, h.openUntil.Format("15:04:05"))
	}
	h.probing = true
	return true, nil
}

func (h *hostState) record(ok bool, cfg Config, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ok {
		h.failures, h.openUntil, h.probing = 0, time.Time{}, false
		return
	}
	h.failures++
	if h.probing || h.failures >= cfg.BreakerThreshold {
		h.openUntil, h.probing = now.Add(cfg.BreakerCooldown), false
	}
}

// trip opens the host's circuit now, whatever the failure count.
func (h *hostState) trip(cfg Config, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.openUntil, h.probing = now.Add(cfg.BreakerCooldown), false
}

// Unreachable reports whether err says the host cannot be reached at all: its name does not resolve
// (NXDOMAIN, or no DNS server answering, as on a machine without network).
func Unreachable(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.IsNotFound || (!dnsErr.IsTimeout && !dnsErr.IsTemporary)
	}
	return false
}

// acquire takes a parallelism slot for the host and waits for its turn in the spacing schedule.
func (h *hostState) acquire(ctx context.Context, cfg Config) error {
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	h.mu.Lock()
	now := time.Now()
	start := now
	if h.nextStart.After(now) {
		start = h.nextStart
	}
	gap := cfg.Delay
	if cfg.Jitter > 0 {
		gap += rand.N(cfg.Jitter)
	}
	h.nextStart = start.Add(gap)
	h.mu.Unlock()
	if wait := start.Sub(now); wait > 0 {
		if err := sleep(ctx, wait); err != nil {
			<-h.sem
			return err
		}
	}
	return nil
}

func (h *hostState) release() { <-h.sem }

func sleep(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Retryable says whether a status is worth another attempt: 429 and 5xx (except 501, which will not change).
func Retryable(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500 && status != http.StatusNotImplemented
}

// Backoff is the wait before retry n (1-based): base·2^(n-1), capped, with "equal jitter" (half fixed, half
// random) so that many clients retrying together spread out but never retry immediately.
func Backoff(n int, base, maxWait time.Duration) time.Duration {
	d := base
	for i := 1; i < n && d < maxWait; i++ {
		d *= 2
	}
	d = min(d, maxWait)
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// RoundTrip sends req with the host's spacing, the per-attempt timeout, retries and the circuit breaker.
// The request must be replayable (GET or HEAD without a body, or with GetBody).
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	cfg := t.cfg
	h := t.state(req.URL.Host)
	ctx := req.Context()
	for n := 1; ; n++ {
		probe, err := h.admit(time.Now())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", req.URL.Host, err)
		}
		if err := h.acquire(ctx, cfg); err != nil {
			if probe {
				h.record(false, cfg, time.Now())
			}
			return nil, err
		}
		actx, cancel := context.WithTimeout(ctx, cfg.Timeout)
		areq := req.Clone(actx)
		if req.Body != nil && req.GetBody != nil && n > 1 {
			if areq.Body, err = req.GetBody(); err != nil {
				cancel()
				h.release()
				return nil, err
			}
		}
		began := time.Now()
		resp, err := t.base.RoundTrip(areq)
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		if ctx.Err() != nil {
			// The caller gave up: not the site's fault, so neither retried nor counted against it.
			if resp != nil {
				resp.Body.Close()
			}
			cancel()
			h.release()
			if probe {
				h.mu.Lock()
				h.probing = false
				h.mu.Unlock()
			}
			return nil, ctx.Err()
		}
		failed := err != nil || Retryable(status)
		h.record(!failed, cfg, time.Now())
		unreachable := Unreachable(err)
		if unreachable {
			// The name does not resolve: retrying in seconds cannot help, and every other URL of the host
			// would fail the same way, so open its circuit at once (an offline run fails fast).
			h.trip(cfg, time.Now())
		}
		retry := failed && !unreachable && n <= cfg.Retries
		if retry {
			// A host whose circuit just opened gets no more attempts now.
			h.mu.Lock()
			retry = h.openUntil.IsZero()
			h.mu.Unlock()
		}
		if cfg.Observe != nil {
			cfg.Observe(Attempt{URL: req.URL.String(), Host: req.URL.Host, N: n, Status: status, Err: err,
				Elapsed: time.Since(began), Retrying: retry})
		}
		if !retry {
			if err != nil {
				cancel()
				h.release()
				if n > 1 {
					return nil, fmt.Errorf("%d 次尝试均失败: %w", n, err)
				}
				return nil, err
			}
			resp.Header.Set(AttemptsHeader, strconv.Itoa(n))
			// The attempt's deadline and the host slot last until the body is read and closed.
			resp.Body = &body{ReadCloser: resp.Body, done: func() { cancel(); h.release() }}
			return resp, nil
		}
		wait := Backoff(n, cfg.BackoffBase, cfg.BackoffMax)
		if resp != nil {
			if ra, ok := retryAfter(resp.Header, time.Now()); ok {
				wait = min(max(ra, wait), cfg.BackoffMax)
			}
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
			resp.Body.Close()
		}
		cancel()
		h.release()
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

type body struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *body) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.done)
	return err
}

// RedirectPolicy refuses to follow more than limit redirects in one request.
func RedirectPolicy(limit int) func(req *http.Request, via []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > limit {
			return fmt.Errorf("重定向超过 %d 次,停止跟随(最后指向 %s)", limit, req.URL)
		}
		return nil
	}
}
