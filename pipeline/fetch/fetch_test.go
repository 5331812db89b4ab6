package fetch

import (
	"errors"
	"io"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gkbench/gkbench/pipeline/testsite"
)

func fast(o ...func(*Config)) Config {
	c := Config{Timeout: 200 * time.Millisecond, Retries: 2, BackoffBase: 5 * time.Millisecond, BackoffMax: 20 * time.Millisecond,
		Delay: -1, Jitter: -1, Parallelism: 4, BreakerThreshold: 100, BreakerCooldown: time.Hour}
	for _, f := range o {
		f(&c)
	}
	return c
}

func get(t *testing.T, tr *Transport, u string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := tr.RoundTrip(req)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return resp, err
}

func TestRetries(t *testing.T) {
	srv, err := testsite.Listen("site")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	pages := map[string]*testsite.Page{
		"/ok.html":      {Body: []byte("<html>ok</html>")},
		"/flaky.html":   {Body: []byte("<html>ok</html>"), FailFirst: 2},
		"/flaky5.html":  {Body: []byte("<html>ok</html>"), FailFirst: 5},
		"/busy.html":    {Body: []byte("slow down"), Status: http.StatusTooManyRequests},
		"/gone.html":    {Body: []byte("gone"), Status: http.StatusGone},
		"/forbid.html":  {Body: []byte("no"), Status: http.StatusForbidden},
		"/hang.html":    {Hang: true},
		"/notimpl.html": {Body: []byte("no"), Status: http.StatusNotImplemented},
	}
	for p, pg := range pages {
		srv.Put("site", p, pg)
	}
	for _, tc := range []struct {
		path     string
		status   int // 0: an error
		requests int
		errHas   string
	}{
		{"/ok.html", 200, 1, ""},
		{"/flaky.html", 200, 3, ""},
		{"/flaky5.html", 503, 3, ""}, // retries exhausted: the last answer is returned
		{"/busy.html", 429, 3, ""},
		{"/gone.html", 410, 1, ""},
		{"/forbid.html", 403, 1, ""},
		{"/missing.html", 404, 1, ""},
		{"/notimpl.html", 501, 1, ""},
		{"/hang.html", 0, 3, "3 次尝试均失败"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			srv.ClearLog()
			var attempts []Attempt
			var mu sync.Mutex
			tr := New(fast(func(c *Config) {
				c.Observe = func(a Attempt) { mu.Lock(); attempts = append(attempts, a); mu.Unlock() }
			}), nil)
			start := time.Now()
			resp, err := get(t, tr, srv.URL("site", tc.path))
			took := time.Since(start)
			switch {
			case tc.status == 0 && (err == nil || !strings.Contains(err.Error(), tc.errHas)):
				t.Errorf("err = %v, want one containing %q", err, tc.errHas)
			case tc.status != 0 && err != nil:
				t.Errorf("err = %v", err)
			case tc.status != 0 && resp.StatusCode != tc.status:
				t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
			case tc.status != 0 && resp.Header.Get(AttemptsHeader) != itoa(tc.requests):
				t.Errorf("attempts header %q, want %d", resp.Header.Get(AttemptsHeader), tc.requests)
			}
			// The hanging page is never logged as answered, but each attempt is a request.
			if n := len(attempts); n != tc.requests {
				t.Errorf("%d attempts, want %d", n, tc.requests)
			}
			if tc.path != "/hang.html" {
				if n := testsite.Counts(srv.Log())["site "+tc.path]; n != tc.requests {
					t.Errorf("server saw %d requests, want %d", n, tc.requests)
				}
			}
			if took > 2*time.Second {
				t.Errorf("took %v", took)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestCircuitBreaker(t *testing.T) {
	srv, err := testsite.Listen("dead", "alive")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.Put("dead", "/a.html", &testsite.Page{Status: 503, Body: []byte("down")})
	srv.Put("dead", "/b.html", &testsite.Page{Body: []byte("fine")})
	srv.Put("alive", "/a.html", &testsite.Page{Body: []byte("fine")})
	tr := New(fast(func(c *Config) { c.BreakerThreshold = 3; c.BreakerCooldown = 150 * time.Millisecond }), nil)

	resp, err := get(t, tr, srv.URL("dead", "/a.html"))
	if err != nil || resp.StatusCode != 503 {
		t.Fatalf("first request: %v %v", resp, err)
	}
	// Three failed attempts opened the circuit: the host's other pages fail fast, unrequested.
	if _, err := get(t, tr, srv.URL("dead", "/b.html")); !errors.Is(err, ErrCircuitOpen) {
		t.Errorf("while open: err %v, want ErrCircuitOpen", err)
	}
	if n := testsite.Counts(srv.Log())["dead /b.html"]; n != 0 {
		t.Errorf("open circuit let %d requests through", n)
	}
	// Other hosts are unaffected.
	if resp, err := get(t, tr, srv.URL("alive", "/a.html")); err != nil || resp.StatusCode != 200 {
		t.Errorf("other host: %v %v", resp, err)
	}
	// After the cooldown one probe goes through; its success closes the circuit.
	time.Sleep(200 * time.Millisecond)
	if resp, err := get(t, tr, srv.URL("dead", "/b.html")); err != nil || resp.StatusCode != 200 {
		t.Errorf("probe: %v %v", resp, err)
	}
	if resp, err := get(t, tr, srv.URL("dead", "/b.html")); err != nil || resp.StatusCode != 200 {
		t.Errorf("after the probe: %v %v", resp, err)
	}
}

func TestHostSpacing(t *testing.T) {
	srv, err := testsite.Listen("site")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.Put("site", "/a.html", &testsite.Page{Body: []byte("a")})
	var mu sync.Mutex
	var starts []time.Time
	tr := New(fast(func(c *Config) {
		c.Delay = 40 * time.Millisecond
		c.Parallelism = 1
		c.Observe = func(a Attempt) { mu.Lock(); starts = append(starts, a.Start); mu.Unlock() }
	}), nil)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			get(t, tr, srv.URL("site", "/a.html"))
		}()
	}
	wg.Wait()
	if n := len(srv.Log()); n != 4 {
		t.Fatalf("%d requests", n)
	}
	// The spacing is between the times the transport sends (arrival at the server adds the machine's noise).
	sort.Slice(starts, func(i, j int) bool { return starts[i].Before(starts[j]) })
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < 39*time.Millisecond {
			t.Errorf("requests %d and %d sent only %v apart, want ≥ 40ms", i-1, i, gap)
		}
	}
}

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		n        int
		lo, hi   time.Duration
		base, mx time.Duration
	}{
		{1, 50 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond, time.Second},
		{2, 100 * time.Millisecond, 200 * time.Millisecond, 100 * time.Millisecond, time.Second},
		{4, 400 * time.Millisecond, 800 * time.Millisecond, 100 * time.Millisecond, time.Second},
		{9, 500 * time.Millisecond, time.Second, 100 * time.Millisecond, time.Second}, // capped
	} {
		for range 50 {
			if d := Backoff(tc.n, tc.base, tc.mx); d < tc.lo || d > tc.hi {
				t.Errorf("Backoff(%d) = %v, want in [%v, %v]", tc.n, d, tc.lo, tc.hi)
			}
		}
	}
}

func TestRedirectPolicy(t *testing.T) {
	srv, err := testsite.Listen("site")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for i := range 5 {
		srv.Put("site", "/r"+itoa(i), &testsite.Page{Status: 302, Location: "/r" + itoa(i+1)})
	}
	srv.Put("site", "/r5", &testsite.Page{Body: []byte("end")})
	for _, tc := range []struct {
		limit int
		ok    bool
	}{{5, true}, {4, false}} {
		c := &http.Client{Transport: New(fast(), nil), CheckRedirect: RedirectPolicy(tc.limit, nil)}
		resp, err := c.Get(srv.URL("site", "/r0"))
		if tc.ok && (err != nil || resp.StatusCode != 200) || !tc.ok && (err == nil || !strings.Contains(err.Error(), "重定向超过")) {
			t.Errorf("limit %d: %v %v", tc.limit, resp, err)
		}
		if resp != nil {
			resp.Body.Close()
		}
	}
}

// TestUnreachableHostFailsFast: a name that does not resolve is not retried and opens the host's circuit,
// so the host's other URLs fail at once (an offline run ends in seconds, not minutes).
func TestUnreachableHostFailsFast(t *testing.T) {
	calls := 0
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		calls++
		return nil, &net.DNSError{Err: "no such host", Name: r.URL.Host, IsNotFound: true}
	})
	tr := New(Config{Retries: 3, BackoffBase: time.Second, Delay: -1, Jitter: -1}, base)
	start := time.Now()
	for _, u := range []string{"http://gone.example/a", "http://gone.example/b", "http://gone.example/c"} {
		req, _ := http.NewRequest("GET", u, nil)
		if _, err := tr.RoundTrip(req); err == nil {
			t.Fatalf("%s: no error", u)
		}
	}
	if calls != 1 {
		t.Errorf("%d attempts, want 1 (no retry, then the open circuit refuses)", calls)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("took %v", d)
	}
	if !Unreachable(&net.DNSError{IsNotFound: true}) || Unreachable(&net.DNSError{IsTimeout: true}) || Unreachable(errors.New("x")) {
		t.Error("Unreachable classification")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
