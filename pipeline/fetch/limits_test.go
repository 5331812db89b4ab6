package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gkbench/gkbench/pipeline/testsite"
)

// TestBodyLimitCountsInflatedBytes (#13 item 2): a small gzip body that inflates past the limit is refused
// with ErrTooLarge after the limit, whether the gzip is announced by Content-Encoding, Content-Type or a .gz
// name; a plain body over the limit is cut the same way, and one at the limit passes whole.
func TestBodyLimitCountsInflatedBytes(t *testing.T) {
	bomb := testsite.GzipBomb(1024) // 1 GiB inflated
	if len(bomb) > 2<<20 {
		t.Fatalf("bomb is %d bytes", len(bomb))
	}
	const limit = 4 << 20
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/encoded.html":
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb)
		case "/typed":
			w.Header().Set("Content-Type", "application/x-gzip")
			w.Write(bomb)
		case "/report.pdf.gz":
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(bomb)
		case "/plain.txt":
			w.Write(make([]byte, limit+10))
		case "/exact.txt":
			w.Write(make([]byte, limit))
		case "/small.gz":
			zw := gzip.NewWriter(w)
			io.WriteString(zw, "<html>小文件</html>")
			zw.Close()
		case "/fake.gz":
			w.Write([]byte("not gzip at all"))
		}
	}))
	defer srv.Close()
	tr := New(fast(func(c *Config) { c.MaxBody = limit; c.Timeout = 10 * time.Second }), nil)
	for _, tc := range []struct {
		path, accept string
		read         int64 // bytes read before the end or the error
		err          error
		decoded      bool
		body         string
	}{
		{"/encoded.html", "gzip", limit + 1, ErrTooLarge, true, ""},
		{"/encoded.html", "", limit + 1, ErrTooLarge, true, ""}, // the base transport inflates: still bounded
		{"/typed", "", limit + 1, ErrTooLarge, true, ""},
		{"/report.pdf.gz", "", limit + 1, ErrTooLarge, true, ""},
		{"/plain.txt", "", limit + 1, ErrTooLarge, false, ""},
		{"/exact.txt", "", limit, nil, false, ""},
		{"/small.gz", "", int64(len("<html>小文件</html>")), nil, true, "<html>小文件</html>"},
		{"/fake.gz", "", 15, nil, false, "not gzip at all"},
	} {
		t.Run(tc.path+" "+tc.accept, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL+tc.path, nil)
			if tc.accept != "" {
				req.Header.Set("Accept-Encoding", tc.accept)
			}
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if !resp.Uncompressed {
				t.Error("response not marked Uncompressed: a layer above would inflate it again")
			}
			var buf bytes.Buffer
			n, err := io.Copy(&buf, resp.Body)
			if n != tc.read || !errors.Is(err, tc.err) && !(tc.err == nil && err == nil) {
				t.Errorf("read %d bytes, err %v; want %d, %v", n, err, tc.read, tc.err)
			}
			if tc.err != nil && tc.decoded && !strings.Contains(err.Error(), "解压后") {
				t.Errorf("error %q does not say the inflated size counted", err)
			}
			if got := resp.Header.Get(DecodedHeader) == "gzip"; got != tc.decoded {
				t.Errorf("decoded header %v, want %v", got, tc.decoded)
			}
			if tc.body != "" && buf.String() != tc.body {
				t.Errorf("body %q", buf.String())
			}
		})
	}
}

// TestRobots: RFC 9309's statuses, and a robots.txt far over 512 KiB (plain or gzip) is read only that far:
// rules in the first 512 KiB apply, later ones are ignored, and the server is not read to the end.
func TestRobots(t *testing.T) {
	var sent atomic.Int64
	huge := func(w http.ResponseWriter, gz bool) {
		var out io.Writer = w
		if gz {
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			defer zw.Close()
			out = zw
		}
		io.WriteString(out, "User-agent: *\nDisallow: /early/\n")
		line := []byte("# " + strings.Repeat("填充", 30) + "\n")
		for i := 0; ; i++ {
			if i == 600<<10/len(line) {
				io.WriteString(out, "Disallow: /late/\n")
			}
			n, err := out.Write(line)
			sent.Add(int64(n))
			if err != nil || sent.Load() > 4<<30 {
				return
			}
		}
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	hosts := map[string]func(w http.ResponseWriter){
		"ok": func(w http.ResponseWriter) {
			io.WriteString(w, "User-agent: *\nDisallow: /private/\n\nUser-agent: gkbench\nDisallow: /nogk/\n")
		},
		"gone":   func(w http.ResponseWriter) { http.Error(w, "no", http.StatusNotFound) },
		"broken": func(w http.ResponseWriter) { http.Error(w, "down", http.StatusServiceUnavailable) },
		"huge":   func(w http.ResponseWriter) { huge(w, false) },
		"hugegz": func(w http.ResponseWriter) { huge(w, true) },
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		hosts[strings.Split(r.URL.Path, "/")[1]](w)
	})
	// Each "site" is the same server under a path prefix, reached through a rewriting transport.
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r2 := r.Clone(r.Context())
		u, _ := url.Parse(srv.URL)
		r2.URL.Scheme, r2.URL.Host, r2.Host = u.Scheme, u.Host, u.Host
		r2.URL.Path = "/" + strings.TrimSuffix(r.URL.Hostname(), ".test") + r.URL.Path
		return http.DefaultTransport.RoundTrip(r2)
	})
	tr := New(fast(func(c *Config) { c.Timeout = 20 * time.Second; c.Retries = -1 }), base)
	rb := NewRobots(tr, UserAgent(DefaultContact), nil)
	for _, tc := range []struct {
		url     string
		allowed bool
		errHas  string
		noteHas string
	}{
		{"http://ok.test/a.html", true, "", ""},
		{"http://ok.test/nogk/a.html", false, "", ""},
		{"http://ok.test/private/a.html", true, "", ""}, // the gkbench group applies, not *
		{"http://gone.test/anything", true, "", ""},
		{"http://broken.test/a.html", false, "HTTP 503", ""},
		{"http://huge.test/early/a.html", false, "", "512 KiB"},
		{"http://huge.test/late/a.html", true, "", "512 KiB"},
		{"http://hugegz.test/early/a.html", false, "", "512 KiB"},
		{"http://hugegz.test/late/a.html", true, "", "512 KiB"},
	} {
		u, _ := url.Parse(tc.url)
		ok, note, err := rb.Allowed(context.Background(), u)
		if ok != tc.allowed || (tc.errHas == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.errHas) ||
			!strings.Contains(note, tc.noteHas) {
			t.Errorf("%s: allowed %v note %q err %v; want %v, note ~%q, err ~%q", tc.url, ok, note, err, tc.allowed, tc.noteHas, tc.errHas)
		}
	}
	// The huge files were abandoned early: the server could write only what the socket buffers took.
	t.Logf("huge robots.txt: the servers wrote %d bytes (two files) before the crawler stopped reading", sent.Load())
	if n := sent.Load(); n > 64<<20 {
		t.Errorf("server wrote %d bytes of robots.txt after the crawler stopped reading", n)
	}
}

// TestDeadHosts (#10): a host that accepts connections and never answers, and one that refuses them, each
// get DeadAfter attempts in total, then every request fails at once; Probe marks a silent host dead with one
// attempt and leaves an answering one alone.
func TestDeadHosts(t *testing.T) {
	silent, err := testsite.ListenSilent()
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	refusedAddr, err := testsite.RefusedAddr()
	if err != nil {
		t.Fatal(err)
	}

	cfg := fast(func(c *Config) {
		c.Timeout, c.AnswerTimeout, c.Retries, c.BackoffBase = time.Second, 150*time.Millisecond, 5, 20*time.Millisecond
	})
	for _, tc := range []struct {
		name, addr string
		accepted   int
	}{{"silent", silent.Addr(), 3}, {"refused", refusedAddr, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			silent.ResetCount()
			var attempts atomic.Int32
			c := cfg
			c.Observe = func(Attempt) { attempts.Add(1) }
			tr := New(c, nil)
			start := time.Now()
			for i := range 4 {
				req, _ := http.NewRequest("GET", fmt.Sprintf("http://%s/p%d.html", tc.addr, i), nil)
				_, err := tr.RoundTrip(req)
				if err == nil {
					t.Fatal("no error")
				}
				if i > 0 && !errors.Is(err, ErrHostDead) {
					t.Errorf("request %d: %v, want ErrHostDead", i, err)
				}
			}
			if n := attempts.Load(); n != 3 {
				t.Errorf("%d attempts, want 3 (DeadAfter) although 6 were allowed per request", n)
			}
			if n := silent.Accepted(); n != tc.accepted {
				t.Errorf("%d connections accepted, want %d", n, tc.accepted)
			}
			if d, bound := time.Since(start), c.DeadHostBound(); d > bound+300*time.Millisecond {
				t.Errorf("took %v, bound %v", d, bound)
			}
			if dead := tr.DeadHosts(); dead[tc.addr] == "" {
				t.Errorf("dead hosts %v", dead)
			}
		})
	}
	t.Run("probe", func(t *testing.T) {
		site, err := testsite.Listen("site")
		if err != nil {
			t.Fatal(err)
		}
		defer site.Close()
		var attempts atomic.Int32
		c := cfg
		c.Observe = func(Attempt) { attempts.Add(1) }
		tr := New(c, nil)
		if err := tr.Probe(context.Background(), "http://"+silent.Addr()+"/robots.txt", "ua"); err == nil {
			t.Error("probe of a silent host succeeded")
		}
		if err := tr.Probe(context.Background(), site.URL("site", "/robots.txt"), "ua"); err != nil {
			t.Errorf("probe of a live host (404 is an answer): %v", err)
		}
		if n := attempts.Load(); n != 2 {
			t.Errorf("%d attempts for two probes", n)
		}
		if dead := tr.DeadHosts(); len(dead) != 1 || dead[silent.Addr()] == "" {
			t.Errorf("dead hosts %v", dead)
		}
	})
}

// TestRedirectHostPort (#13 item 7): with 127.0.0.1:A allowed, a redirect to 127.0.0.1:B is refused and B is
// never asked; redirects within A, and http→https on an allowed name, are followed.
func TestRedirectHostPort(t *testing.T) {
	srv, err := testsite.Listen("a", "b")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.Put("a", "/in", &testsite.Page{Status: 302, Location: "/ok"})
	srv.Put("a", "/ok", &testsite.Page{Body: []byte("ok")})
	srv.Put("a", "/out", &testsite.Page{Status: 302, Location: srv.URL("b", "/stolen")})
	srv.Put("b", "/stolen", &testsite.Page{Body: []byte("stolen")})
	allowed := map[string]bool{srv.Addr("a"): true}
	c := &http.Client{Transport: New(fast(), nil), CheckRedirect: RedirectPolicy(5, func(h string) bool { return allowed[h] })}
	resp, err := c.Get(srv.URL("a", "/in"))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("same-host redirect: %v %v", resp, err)
	}
	resp.Body.Close()
	if _, err := c.Get(srv.URL("a", "/out")); !errors.Is(err, ErrForbiddenRedirect) {
		t.Errorf("redirect to another port: %v, want ErrForbiddenRedirect", err)
	}
	for _, r := range srv.Log() {
		if r.Host == "b" {
			t.Errorf("the other port was asked for %s", r.Path)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"http://Example.gov.cn:80/a", "example.gov.cn"}, {"https://example.gov.cn:443/a", "example.gov.cn"},
		{"http://example.gov.cn:8080/a", "example.gov.cn:8080"}, {"https://127.0.0.1:18901/", "127.0.0.1:18901"},
		{"http://[::1]:80/", "[::1]"},
	} {
		u, _ := url.Parse(tc.in)
		if got := HostPort(u); got != tc.want {
			t.Errorf("HostPort(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestUserAgent (#13 item 11): the User-Agent is ASCII, names the product and version and the contact.
func TestUserAgent(t *testing.T) {
	for _, tc := range []struct{ contact, want string }{
		{"https://example.org/gk", "gkbench/" + Version + " (+https://example.org/gk)"},
		{"https://例子.cn/联系", "gkbench/" + Version + " (+https://%E4%BE%8B%E5%AD%90.cn/%E8%81%94%E7%B3%BB)"},
	} {
		ua := UserAgent(tc.contact)
		if ua != tc.want || CheckUserAgent(ua) != nil {
			t.Errorf("UserAgent(%q) = %q (%v), want %q", tc.contact, ua, CheckUserAgent(ua), tc.want)
		}
	}
	if CheckUserAgent(DefaultUserAgent) != nil || !strings.HasPrefix(DefaultUserAgent, "gkbench/") {
		t.Errorf("default %q", DefaultUserAgent)
	}
	if CheckUserAgent("gkbench-crawler/1.0 (政府信息公开)") == nil || CheckUserAgent("a\nb") == nil {
		t.Error("non-ASCII or control characters accepted")
	}
}

// TestHangingPageOfLiveHost: a host that answered is not dead because one of its pages hangs: the page
// gets its retries, the host's other pages are still asked.
func TestHangingPageOfLiveHost(t *testing.T) {
	srv, err := testsite.Listen("site")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.Put("site", "/ok.html", &testsite.Page{Body: []byte("ok")})
	srv.Put("site", "/hang.html", &testsite.Page{Hang: true})
	tr := New(fast(func(c *Config) { c.AnswerTimeout, c.Retries = 100*time.Millisecond, 4 }), nil)
	if _, err := get(t, tr, srv.URL("site", "/ok.html")); err != nil {
		t.Fatal(err)
	}
	if _, err := get(t, tr, srv.URL("site", "/hang.html")); err == nil || errors.Is(err, ErrHostDead) {
		t.Errorf("hanging page: %v, want its own failure", err)
	}
	if n := testsite.Counts(srv.Log())["site /hang.html"]; n != 5 {
		t.Errorf("hanging page asked %d times, want 1+4 retries", n)
	}
	if resp, err := get(t, tr, srv.URL("site", "/ok.html")); err != nil || resp.StatusCode != 200 || len(tr.DeadHosts()) != 0 {
		t.Errorf("after the hanging page: %v %v, dead %v", resp, err, tr.DeadHosts())
	}
}
