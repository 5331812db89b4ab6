package fetch

// robots.txt per RFC 9309: fetched once per site (scheme, host and port) and kept for the Robots' life;
// 2xx is parsed (at most MaxRobots bytes: RFC 9309 §2.5 requires at least 500 KiB and lets a crawler
// ignore the rest), 4xx allows everything, 5xx and an unreachable server disallow everything.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"

	"github.com/temoto/robotstxt"
)

// MaxRobots is how much of a robots.txt is read; the rules in that much apply, anything after it is
// ignored (so a larger file allows whatever its first 512 KiB do not disallow).
const MaxRobots = 512 << 10

// Robots applies sites' robots.txt to the crawler's requests.
type Robots struct {
	client *http.Client
	agent  string
	mu     sync.Mutex
	sites  map[string]*robotsSite
}

type robotsSite struct {
	ready chan struct{}
	data  *robotstxt.RobotsData
	err   error  // robots.txt unreachable: nothing on the site may be fetched
	note  string // how the file was read, when not plainly (truncated, unparsable, …)
}

// NewRobots reads robots.txt through rt (normally the crawler's Transport, so robots.txt gets the same
// politeness, timeouts and bounded body) with the given User-Agent, following up to 5 redirects that
// redirect allows.
func NewRobots(rt http.RoundTripper, userAgent string, redirect func(*http.Request, []*http.Request) error) *Robots {
	check := func(req *http.Request, via []*http.Request) error {
		if len(via) > 5 {
			return errTooManyRedirects
		}
		if redirect != nil {
			return redirect(req, via)
		}
		return nil
	}
	return &Robots{client: &http.Client{Transport: rt, CheckRedirect: check}, agent: userAgent, sites: map[string]*robotsSite{}}
}

var errTooManyRedirects = errors.New("robots.txt 重定向超过 5 次")

// Allowed says whether u may be fetched. A non-nil error means robots.txt could not be read (the server
// did not answer or answered 5xx), and by RFC 9309 nothing on the site may be fetched. The note, when not
// empty, says how an unusual robots.txt was read (for the log).
func (r *Robots) Allowed(ctx context.Context, u *url.URL) (allowed bool, note string, err error) {
	key := u.Scheme + "://" + u.Host
	r.mu.Lock()
	s := r.sites[key]
	owner := s == nil
	if owner {
		s = &robotsSite{ready: make(chan struct{})}
		r.sites[key] = s
	}
	r.mu.Unlock()
	if owner {
		s.data, s.note, s.err = r.fetch(ctx, key)
		if ctx.Err() != nil {
			// Cancelled, not the site's answer: forget it so nothing caches a false refusal.
			r.mu.Lock()
			delete(r.sites, key)
			r.mu.Unlock()
		}
		close(s.ready)
	} else {
		select {
		case <-s.ready:
		case <-ctx.Done():
			return false, "", ctx.Err()
		}
	}
	if s.err != nil {
		return false, s.note, s.err
	}
	target := u.EscapedPath()
	if target == "" {
		target = "/"
	}
	if u.RawQuery != "" {
		target += "?" + u.RawQuery
	}
	return s.data.TestAgent(target, r.agent), s.note, nil
}

func (r *Robots) fetch(ctx context.Context, site string) (*robotstxt.RobotsData, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, site+"/robots.txt", nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("User-Agent", r.agent)
	resp, err := r.client.Do(req)
	if errors.Is(err, errTooManyRedirects) || errors.Is(err, ErrForbiddenRedirect) {
		// RFC 9309 §2.3.1.2: a robots.txt that cannot be reached through redirects counts as unavailable.
		return allowAll, "robots.txt 重定向无法跟随,视为不存在(全部允许)", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("robots.txt 无法读取,按 RFC 9309 视为全部禁止: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxRobots+1))
	if err != nil && !errors.Is(err, ErrTooLarge) {
		return nil, "", fmt.Errorf("robots.txt 读取中断,按 RFC 9309 视为全部禁止: %w", err)
	}
	note := ""
	if len(body) > MaxRobots || errors.Is(err, ErrTooLarge) {
		// Only the first MaxRobots bytes count, up to their last complete line.
		body = body[:min(len(body), MaxRobots)]
		if i := bytes.LastIndexByte(body, '\n'); i >= 0 {
			body = body[:i+1]
		}
		note = fmt.Sprintf("robots.txt 超过 %s,只按前 %s 中的规则执行", Size(MaxRobots), Size(MaxRobots))
	}
	switch {
	case resp.StatusCode >= 500:
		return nil, "", fmt.Errorf("robots.txt 返回 HTTP %d,按 RFC 9309 视为全部禁止", resp.StatusCode)
	case resp.StatusCode >= 400 || resp.StatusCode < 200 || resp.StatusCode >= 300:
		return allowAll, note, nil
	}
	data, perr := robotstxt.FromBytes(body)
	if perr != nil {
		return allowAll, "robots.txt 无法解析,视为全部允许: " + perr.Error(), nil
	}
	return data, note, nil
}

var allowAll, _ = robotstxt.FromStatusAndBytes(http.StatusNotFound, nil)
