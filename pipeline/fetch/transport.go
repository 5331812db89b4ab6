package fetch

// The Transport: per-host spacing and parallelism, per-attempt timeouts, retries, the circuit breaker and
// the dead-host rule.

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
	"sync/atomic"
	"time"
)

// Transport implements the politeness and retry policy over a base RoundTripper.
type Transport struct {
	cfg  Config
	base http.RoundTripper
	mu   sync.Mutex
	host map[string]*hostState
}

// New returns a Transport over base (nil: a clone of http.DefaultTransport with the connect timeout).
func New(cfg Config, base http.RoundTripper) *Transport {
	cfg = cfg.withDefaults()
	if base == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.DialContext = (&net.Dialer{Timeout: cfg.ConnectTimeout, KeepAlive: 30 * time.Second}).DialContext
		t.TLSHandshakeTimeout = cfg.ConnectTimeout
		base = t
	}
	return &Transport{cfg: cfg, base: base, host: map[string]*hostState{}}
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
	silent    int       // consecutive attempts that got no response at all
	answered  bool      // the host has answered at least once
	dead      string    // why the host is dead for the run; "" while alive
}

func hostKey(host string) string { return strings.ToLower(host) }

func (t *Transport) state(host string) *hostState {
	host = hostKey(host)
	t.mu.Lock()
	defer t.mu.Unlock()
	h := t.host[host]
	if h == nil {
		h = &hostState{sem: make(chan struct{}, t.cfg.Parallelism)}
		t.host[host] = h
	}
	return h
}

// admit applies the dead-host rule and the circuit breaker: closed admits, open refuses, and after the
// cooldown one probe is let through (half-open) whose result closes or re-opens the circuit.
func (h *hostState) admit(now time.Time) (probe bool, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.dead != "" {
		return false, fmt.Errorf("%w(%s)", ErrHostDead, h.dead)
	}
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

// heard counts an attempt for the dead-host rule: a host that has never answered is dead for the run after
// DeadAfter attempts without a response. (One that did answer and then hangs on a page is not dead: the
// request's retries and the circuit breaker bound that.) It reports whether the host is (now) dead.
func (h *hostState) heard(answered bool, cfg Config, err error) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if answered {
		h.silent, h.answered = 0, true
		return false
	}
	h.silent++
	if h.dead == "" && !h.answered && h.silent >= cfg.DeadAfter {
		h.dead = fmt.Sprintf("连续 %d 次无响应,最后一次: %v", h.silent, err)
	}
	return h.dead != ""
}

func (h *hostState) kill(reason string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.dead == "" {
		h.dead = reason
	}
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

// acquire takes a parallelism slot for the host and waits for its turn in the spacing schedule; it
// returns when the turn came.
func (h *hostState) acquire(ctx context.Context, cfg Config) (time.Time, error) {
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return time.Time{}, ctx.Err()
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
			return time.Time{}, err
		}
	}
	// A turn taken late (a busy machine) pushes the next one back: the gap holds between actual starts.
	h.mu.Lock()
	turn := time.Now()
	if next := turn.Add(gap); next.After(h.nextStart) {
		h.nextStart = next
	}
	h.mu.Unlock()
	return turn, nil
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
	d := backoffCeil(n, base, maxWait)
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}

func backoffCeil(n int, base, maxWait time.Duration) time.Duration {
	d := base
	for i := 1; i < n && d < maxWait; i++ {
		d *= 2
	}
	return min(d, maxWait)
}

// An attempt that got no response at all waits half as long before the next: a host that does not answer
// should cost seconds, and the dead-host rule gives it few attempts anyway.
func noAnswerBackoff(n int, cfg Config) time.Duration {
	return Backoff(n, cfg.BackoffBase/2, cfg.BackoffMax)
}

func noAnswerBackoffMax(n int, cfg Config) time.Duration {
	return backoffCeil(n, cfg.BackoffBase/2, cfg.BackoffMax)
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

type onceKey struct{}

// once marks a request that gets a single attempt whatever the retry settings (a probe).
func once(ctx context.Context) context.Context { return context.WithValue(ctx, onceKey{}, true) }

// RoundTrip sends req with the host's spacing, the per-attempt timeouts, retries, the circuit breaker and
// the dead-host rule. The request must be replayable (GET or HEAD without a body, or with GetBody). The
// response's body is bounded by MaxBody (ErrTooLarge) and already inflated when it was gzip: its
// Uncompressed is set so that no layer above inflates it again, unbounded.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	cfg := t.cfg
	h := t.state(req.URL.Host)
	ctx := req.Context()
	retries := cfg.Retries
	if ctx.Value(onceKey{}) != nil {
		retries = 0
	}
	for n := 1; ; n++ {
		probe, err := h.admit(time.Now())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", req.URL.Host, err)
		}
		began, err := h.acquire(ctx, cfg)
		if err != nil {
			if probe {
				h.record(false, cfg, time.Now())
			}
			return nil, err
		}
		actx, cancel := context.WithTimeout(ctx, cfg.Timeout)
		// The answer timeout: the attempt is cancelled unless the response's headers arrive in time.
		var silent atomic.Bool
		answer := time.AfterFunc(min(cfg.AnswerTimeout, cfg.Timeout), func() { silent.Store(true); cancel() })
		areq := req.Clone(actx)
		if req.Body != nil && req.GetBody != nil && n > 1 {
			if areq.Body, err = req.GetBody(); err != nil {
				answer.Stop()
				cancel()
				h.release()
				return nil, err
			}
		}
		resp, err := t.base.RoundTrip(areq)
		if !answer.Stop() && silent.Load() {
			// The timer fired: whatever came back came too late (or not at all).
			if resp != nil {
				resp.Body.Close()
				resp = nil
			}
			err = fmt.Errorf("%w(%s 内没有回应)", ErrNoAnswer, min(cfg.AnswerTimeout, cfg.Timeout))
		}
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
			// would fail the same way.
			h.kill("域名无法解析: " + err.Error())
		}
		dead := h.heard(err == nil, cfg, err)
		retry := failed && !dead && n <= retries
		if retry {
			// A host whose circuit just opened gets no more attempts now.
			h.mu.Lock()
			retry = h.openUntil.IsZero()
			h.mu.Unlock()
		}
		if cfg.Observe != nil {
			cfg.Observe(Attempt{URL: req.URL.String(), Host: req.URL.Host, N: n, Status: status, Err: err,
				Start: began, Elapsed: time.Since(began), Retrying: retry})
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
			bounded(resp, cfg.MaxBody, func() { cancel(); h.release() })
			return resp, nil
		}
		wait := Backoff(n, cfg.BackoffBase, cfg.BackoffMax)
		if resp == nil {
			wait = noAnswerBackoff(n, cfg)
		} else {
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

// DeadHosts lists the hosts found dead in this Transport's life, with why.
func (t *Transport) DeadHosts() map[string]string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[string]string{}
	for k, h := range t.host {
		h.mu.Lock()
		if h.dead != "" {
			out[k] = h.dead
		}
		h.mu.Unlock()
	}
	return out
}

// MarkDead refuses every later request to host (host[:port]) with ErrHostDead and reason.
func (t *Transport) MarkDead(host, reason string) { t.state(host).kill(reason) }

// Probe asks rawURL once (no retries, the answer timeout applies) and reports whether its host answered at
// all; any HTTP status counts as an answer. A host that does not answer is marked dead.
func (t *Transport) Probe(ctx context.Context, rawURL, userAgent string) error {
	req, err := http.NewRequestWithContext(once(ctx), http.MethodGet, rawURL, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := t.RoundTrip(req)
	if err != nil {
		if ctx.Err() == nil {
			t.MarkDead(req.URL.Host, "探测无响应: "+err.Error())
		}
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return nil
}
