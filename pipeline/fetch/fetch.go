// Package fetch is the crawler's HTTP politeness and robustness layer: an http.RoundTripper that spaces and
// bounds requests per host, times out each attempt (connecting, waiting for the answer, reading it), retries
// 429, 5xx and network errors with exponential backoff and jitter (and never other 4xx), trips a per-host
// circuit breaker so one dead site fails fast instead of costing every one of its URLs a full set of
// timeouts, and bounds every body it hands on (decompressed bytes count). Beside it: robots.txt per RFC 9309
// (robots.go), redirects confined to the allowed host:port pairs (redirect.go) and the crawler's
// User-Agent. Colly (which has no retries) sits on top.
//
// A host that never answers (no response at all: refused, connect or answer timeout) is given DeadAfter
// attempts in total, then refused for the rest of the run (ErrHostDead); one that answered before and
// then stops is left to the retries and the circuit breaker. With the defaults that bounds what
// one dead host costs a run (DeadHostBound).
package fetch

import (
	"errors"
	"fmt"
	"time"
)

// DefaultMaxBody is the body limit the crawler uses: real report PDFs reach tens of MiB, and colly's
// default of 10 MiB silently truncates them. Decompressed bytes count against it.
const DefaultMaxBody = 64 << 20

// Version is the crawler's version as its User-Agent gives it.
const Version = "1.1"

// DefaultContact is the contact URL in the default User-Agent.
const DefaultContact = "https://github.com/gkbench/gkbench"

// Product is the User-Agent's product token, the name robots.txt groups match.
const Product = "gkbench"

// DefaultUserAgent identifies the crawler to site operators.
var DefaultUserAgent = UserAgent(DefaultContact)

// UserAgent is the crawler's User-Agent with a contact URL: gkbench/<version> (+<contact>). HTTP header
// values are ASCII; a contact that is not printable ASCII is percent-encoded.
func UserAgent(contact string) string {
	return fmt.Sprintf("%s/%s (+%s)", Product, Version, asciiOnly(contact))
}

// CheckUserAgent says why s cannot be sent as a User-Agent: empty, or not printable ASCII.
func CheckUserAgent(s string) error {
	if s == "" {
		return errors.New("User-Agent 为空")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return fmt.Errorf("User-Agent %q 含非 ASCII 或控制字符(第 %d 个字节);HTTP 头只能是 ASCII", s, i+1)
		}
	}
	return nil
}

func asciiOnly(s string) string {
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c > 0x20 && c < 0x7f && c != '%' && c != '(' && c != ')' {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	return string(b)
}

// AttemptsHeader is set on every response the Transport returns: how many attempts it took.
const AttemptsHeader = "X-Gkbench-Attempts"

// DecodedHeader is set on a response whose gzip body the Transport inflated (Content-Encoding, a gzip
// Content-Type or a .gz link): "gzip". The body handed on is the inflated one.
const DecodedHeader = "X-Gkbench-Decoded"

// Config tunes the Transport. Zero fields take the defaults of Defaults.
type Config struct {
	Timeout          time.Duration // per attempt, including reading the body (the read timeout)
	ConnectTimeout   time.Duration // to open the connection (TCP and TLS); the default base transport only
	AnswerTimeout    time.Duration // from sending the request to the response's first byte (connecting included)
	Retries          int           // extra attempts after the first; -1 for none
	BackoffBase      time.Duration // first retry waits about this long, doubling each time
	BackoffMax       time.Duration // cap on one wait, Retry-After included
	Delay            time.Duration // minimum spacing between request starts to one host; < 0: none
	Jitter           time.Duration // random extra spacing, up to this much; < 0: none
	Parallelism      int           // concurrent requests per host
	BreakerThreshold int           // consecutive failed attempts that open a host's circuit
	BreakerCooldown  time.Duration // how long an open circuit refuses requests before one probe
	DeadAfter        int           // attempts without any response after which a host is dead for the run
	MaxBody          int64         // largest body handed on, decompressed bytes counted; default DefaultMaxBody
	// Observe, when set, is called after every attempt (from the requesting goroutine).
	Observe func(Attempt)
}

// Defaults are polite settings for government portals.
var Defaults = Config{
	Timeout:          30 * time.Second,
	ConnectTimeout:   5 * time.Second,
	AnswerTimeout:    5 * time.Second,
	Retries:          3,
	BackoffBase:      2 * time.Second,
	BackoffMax:       60 * time.Second,
	Delay:            2 * time.Second,
	Jitter:           time.Second,
	Parallelism:      2,
	BreakerThreshold: 8,
	BreakerCooldown:  5 * time.Minute,
	DeadAfter:        3,
	MaxBody:          DefaultMaxBody,
}

func (c Config) withDefaults() Config {
	d := Defaults
	if c.Timeout > 0 {
		d.Timeout = c.Timeout
	}
	if c.ConnectTimeout > 0 {
		d.ConnectTimeout = c.ConnectTimeout
	}
	if c.AnswerTimeout > 0 {
		d.AnswerTimeout = c.AnswerTimeout
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
	if c.DeadAfter > 0 {
		d.DeadAfter = c.DeadAfter
	}
	if c.MaxBody > 0 {
		d.MaxBody = c.MaxBody
	}
	d.Observe = c.Observe
	return d
}

// DeadHostBound is the longest one host that never answers can keep its requests waiting with these
// settings: DeadAfter attempts, each ending at the answer timeout, and the (shortened) waits between them.
// A run whose sources are crawled side by side is longer by at most this much for each dead host; on the
// next run the host remembered as dead costs one attempt (one answer timeout).
func (c Config) DeadHostBound() time.Duration {
	c = c.withDefaults()
	attempts := min(c.DeadAfter, c.Retries+1)
	d := time.Duration(attempts) * min(c.AnswerTimeout, c.Timeout)
	for n := 1; n < attempts; n++ {
		d += noAnswerBackoffMax(n, c)
	}
	return d
}

// Attempt describes one HTTP attempt.
type Attempt struct {
	URL      string
	Host     string
	N        int // 1 for the first attempt
	Status   int // 0 when no response
	Err      error
	Start    time.Time // when it was sent, its turn in the host's spacing come
	Elapsed  time.Duration
	Retrying bool // another attempt follows
}

var (
	// ErrCircuitOpen is returned (wrapped) while a host's circuit breaker refuses requests.
	ErrCircuitOpen = errors.New("熔断:该站点连续失败,暂停请求")
	// ErrHostDead is returned (wrapped) for every request to a host that never answered DeadAfter
	// attempts in a row (or whose probe failed): it is not asked again in this run.
	ErrHostDead = errors.New("主机无响应,本次运行不再请求")
	// ErrNoAnswer is returned (wrapped) when a server accepted the connection but sent nothing back within
	// the answer timeout.
	ErrNoAnswer = errors.New("服务器未响应")
	// ErrTooLarge is returned (wrapped) by a response body that exceeds the size limit; for a gzip body the
	// inflated bytes count. The reader stops there: a small compressed body cannot exhaust memory.
	ErrTooLarge = errors.New("内容超过大小上限")
)
