package charts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// DefaultAddr is where Serve listens when no address is given: loopback only.
const DefaultAddr = "127.0.0.1:8080"

// csp repeats the pages' Content-Security-Policy as a header (it also covers the snapshots and data files,
// which have no <meta>).
const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'"

// Handler serves a built site read-only: GET and HEAD only, no directory listings, no dot files, and
// headers that keep raw snapshots inert (text/plain, nosniff, the site's CSP).
func Handler(siteDir string) http.Handler {
	files := http.FileServer(http.Dir(siteDir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "只读网站", http.StatusMethodNotAllowed)
			return
		}
		p := path.Clean("/" + r.URL.Path)
		for _, part := range strings.Split(p, "/") {
			if strings.HasPrefix(part, ".") {
				http.NotFound(w, r)
				return
			}
		}
		if strings.HasSuffix(r.URL.Path, "/") {
			if _, err := os.Stat(filepath.Join(siteDir, filepath.FromSlash(p), "index.html")); err != nil {
				http.NotFound(w, r)
				return
			}
		}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", csp)
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-cache")
		if strings.HasPrefix(p, "/raw/") {
			switch {
			case strings.HasSuffix(p, textSuffix):
				h.Set("Content-Type", "text/plain; charset=utf-8")
			case strings.HasSuffix(p, ".txt"):
				// The original bytes: their charset is whatever the page used (often GBK), so name none rather
				// than the utf-8 FileServer would; the UTF-8 rendering beside them is for reading.
				h.Set("Content-Type", "text/plain")
			case strings.HasSuffix(p, ".bin"):
				// Unknown formats: FileServer would sniff them, and a page saved as .bin could come out text/html.
				h.Set("Content-Type", "application/octet-stream")
			}
		}
		files.ServeHTTP(w, r)
	})
}

// ServeOptions configure Serve.
type ServeOptions struct {
	// Addr is host:port; "" means DefaultAddr and a missing host (":8080") means 127.0.0.1.
	Addr string
	// AllowRemote permits a non-loopback address; without it Serve refuses one, so the site (which may hold
	// unpublished analysis) is not exposed by a typo.
	AllowRemote bool
	// Ready is called with the site's URL once the server listens.
	Ready func(url string)
	Log   *slog.Logger
}

// Serve serves siteDir until ctx ends.
func Serve(ctx context.Context, siteDir string, opt ServeOptions) error {
	if _, err := os.Stat(filepath.Join(siteDir, "index.html")); err != nil {
		return fmt.Errorf("%s 中没有网站(先运行 analyze 生成): %w", siteDir, err)
	}
	addr, err := loopbackAddr(opt.Addr, opt.AllowRemote)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("监听 %s: %w", addr, err)
	}
	log := opt.Log
	if log == nil {
		log = slog.Default()
	}
	srv := &http.Server{Handler: Handler(siteDir), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	url := "http://" + ln.Addr().String() + "/"
	if opt.Ready != nil {
		opt.Ready(url)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shut); err != nil {
			return err
		}
		if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}

// loopbackAddr completes addr and refuses a non-loopback host unless allowed.
func loopbackAddr(addr string, allowRemote bool) (string, error) {
	if addr == "" {
		addr = DefaultAddr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("地址 %q 应写作 主机:端口,如 127.0.0.1:8080", addr)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	if !allowRemote {
		ip := net.ParseIP(host)
		if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return "", fmt.Errorf("地址 %s 不是本机回环地址;网站只在本机提供浏览(如 127.0.0.1:8080)", addr)
		}
	}
	return net.JoinHostPort(host, port), nil
}
