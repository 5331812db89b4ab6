// Package testsite serves realistic government portals on 127.0.0.1 for the crawler's tests and the demo:
// several named hosts (one listener each, so each is its own host:port to the crawler), pages from memory or
// a directory tree, and the behaviours real sites show: ETag and Last-Modified with 304s, redirects, 404s,
// pages that fail with 503 a few times before working, pages that never answer, wrong charset headers,
// and the endpoints script-filled listings load their records from (Hanweb's dataproxy.jsp, a JSON API).
// Every request is logged so tests can assert what the crawler did (and did not) ask for.
package testsite

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// BaseTime is the Last-Modified of pages that set no ModTime.
var BaseTime = time.Date(2024, 3, 15, 10, 0, 0, 0, time.UTC)

// Page is one resource of a host.
type Page struct {
	Body        []byte
	ContentType string    // default: from the path's extension, without a charset (as many portals send)
	Status      int       // default 200
	Location    string    // redirect target (absolute or host-relative) for a 3xx Status
	FailFirst   int       // answer 503 to this many requests first, then normally
	Hang        bool      // never answer: the client has to time out
	ModTime     time.Time // Last-Modified; default BaseTime
}

// Request is one logged request.
type Request struct {
	Host            string // host name given to Listen
	Method          string
	Path            string // path and query as requested
	IfNoneMatch     string
	IfModifiedSince string
	UserAgent       string
	Form            string // a POST's form, URL-encoded
	Status          int    // 0 while unanswered, and for requests never answered (Hang)
	At              time.Time
}

// Conditional says whether the request carried a validator.
func (r Request) Conditional() bool { return r.IfNoneMatch != "" || r.IfModifiedSince != "" }

// HostOptions change how a host answers.
type HostOptions struct {
	NoETag         bool // send no ETag (clients must fall back to If-Modified-Since)
	NoLastModified bool
}

type host struct {
	name  string
	opts  HostOptions
	addr  string
	pages map[string]*Page
	srv   *http.Server
}

// Server is a running set of hosts.
type Server struct {
	mu    sync.Mutex
	hosts map[string]*host
	order []string
	log   []Request
	gen   int // bumped by ClearLog, so a late answer does not write into a new log
	done  chan struct{}
}

// Listen starts one listener on 127.0.0.1 per host name. Pages are added with Put or LoadDir; until then
// every path answers 404.
func Listen(names ...string) (*Server, error) {
	s := &Server{hosts: map[string]*host{}, done: make(chan struct{})}
	for _, n := range names {
		if _, dup := s.hosts[n]; dup {
			s.Close()
			return nil, fmt.Errorf("testsite: host %q given twice", n)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("testsite: listen: %w", err)
		}
		h := &host{name: n, addr: ln.Addr().String(), pages: map[string]*Page{}}
		h.srv = &http.Server{Handler: s.handler(h), ReadHeaderTimeout: 10 * time.Second}
		s.hosts[n] = h
		s.order = append(s.order, n)
		go h.srv.Serve(ln)
	}
	return s, nil
}

// Close stops every host, ending hanging requests.
func (s *Server) Close() error {
	select {
	case <-s.done:
		return nil
	default:
		close(s.done)
	}
	var errs []error
	for _, n := range s.order {
		errs = append(errs, s.hosts[n].srv.Close())
	}
	return errors.Join(errs...)
}

// Hosts lists the host names in the order given to Listen.
func (s *Server) Hosts() []string { return append([]string(nil), s.order...) }

// Addr is a host's "127.0.0.1:PORT".
func (s *Server) Addr(name string) string {
	if h := s.hosts[name]; h != nil {
		return h.addr
	}
	return ""
}

// URL is a host's base URL, "http://127.0.0.1:PORT", with p appended.
func (s *Server) URL(name, p string) string { return "http://" + s.Addr(name) + p }

// Options sets a host's options.
func (s *Server) Options(name string, o HostOptions) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h := s.hosts[name]; h != nil {
		h.opts = o
	}
}

// Put adds or replaces a page. A path ending in "/" is also served for ".../index.html" and vice versa.
func (s *Server) Put(name, p string, pg *Page) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hosts[name]
	if h == nil {
		return fmt.Errorf("testsite: no host %q", name)
	}
	cp := *pg
	h.pages[p] = &cp
	return nil
}

// Edit replaces a page's body, as a site editing a published report does: new content, a new ETag and a
// Last-Modified one hour later than before.
func (s *Server) Edit(name, p string, body []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hosts[name]
	if h == nil {
		return fmt.Errorf("testsite: no host %q", name)
	}
	pg := h.pages[p]
	if pg == nil {
		return fmt.Errorf("testsite: %s has no page %s", name, p)
	}
	cp := *pg
	cp.Body = body
	cp.ModTime = modTime(pg).Add(time.Hour)
	h.pages[p] = &cp
	return nil
}

// Page returns a copy of a page.
func (s *Server) Page(name, p string) (Page, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h := s.hosts[name]; h != nil {
		if pg := h.pages[p]; pg != nil {
			return *pg, true
		}
	}
	return Page{}, false
}

// LoadDir adds every file under root as a page of host name (root/a/b.html → /a/b.html).
func (s *Server) LoadDir(name, root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		return s.Put(name, "/"+filepath.ToSlash(rel), &Page{Body: b})
	})
}

// Log returns the requests so far, in arrival order.
func (s *Server) Log() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// ClearLog forgets the logged requests.
func (s *Server) ClearLog() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
	s.gen++
}

// Counts tallies logged requests by "host path".
func Counts(log []Request) map[string]int {
	out := map[string]int{}
	for _, r := range log {
		out[r.Host+" "+r.Path]++
	}
	return out
}

// Paths lists the distinct "host path" keys of a log, sorted.
func Paths(log []Request) []string {
	var out []string
	for k := range Counts(log) {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func modTime(p *Page) time.Time {
	if p.ModTime.IsZero() {
		return BaseTime
	}
	return p.ModTime
}

// ETag is the strong validator the server sends for a body.
func ETag(body []byte) string {
	h := sha256.Sum256(body)
	return `"` + hex.EncodeToString(h[:8]) + `"`
}

var types = map[string]string{
	".html": "text/html", ".htm": "text/html", ".shtml": "text/html", ".txt": "text/plain; charset=utf-8",
	".pdf": "application/pdf", ".doc": "application/msword", ".wps": "application/vnd.ms-works",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xls":  "application/vnd.ms-excel", ".js": "application/javascript", ".css": "text/css",
}

func (s *Server) lookup(h *host, p string) (*Page, HostOptions) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pg := h.pages[p]
	if pg == nil && strings.HasSuffix(p, "/") {
		pg = h.pages[p+"index.html"]
	}
	if pg == nil && strings.HasSuffix(p, "/index.html") {
		pg = h.pages[strings.TrimSuffix(p, "index.html")]
	}
	if pg != nil && pg.FailFirst > 0 {
		// Count down on the shared page so the failures are spent across requests.
		cp := *pg
		pg.FailFirst--
		return &cp, h.opts
	}
	if pg != nil {
		cp := *pg
		cp.FailFirst = 0
		return &cp, h.opts
	}
	return nil, h.opts
}

func (s *Server) handler(h *host) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entry := Request{Host: h.name, Method: r.Method, Path: r.URL.RequestURI(),
			IfNoneMatch: r.Header.Get("If-None-Match"), IfModifiedSince: r.Header.Get("If-Modified-Since"),
			UserAgent: r.UserAgent(), At: time.Now()}
		if r.Method == http.MethodPost {
			r.ParseForm()
			entry.Form = r.PostForm.Encode()
		}
		// Logged on arrival, so a request the server never answers (Hang) is in the log at once.
		s.mu.Lock()
		i := len(s.log)
		s.log = append(s.log, entry)
		gen := s.gen
		s.mu.Unlock()
		status := s.serve(h, w, r)
		s.mu.Lock()
		if s.gen == gen && i < len(s.log) {
			s.log[i].Status = status
		}
		s.mu.Unlock()
	})
}

func (s *Server) serve(h *host, w http.ResponseWriter, r *http.Request) int {
	if r.URL.Path == HanwebProxy {
		return s.hanwebProxy(h, w, r)
	}
	var pg *Page
	var opts HostOptions
	if !strings.HasPrefix(r.URL.Path, storePrefix) {
		pg, opts = s.lookup(h, r.URL.Path)
	}
	if pg == nil {
		if store, _ := s.lookup(h, JSONStore(r.URL.Path)); store != nil && !strings.HasPrefix(r.URL.Path, storePrefix) {
			return s.jsonAPI(w, r, store)
		}
		if r.URL.Path == "/robots.txt" {
			http.Error(w, "not found", http.StatusNotFound)
			return http.StatusNotFound
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, "<html><head><title>404 页面不存在</title></head><body><h1>您访问的页面不存在</h1></body></html>")
		return http.StatusNotFound
	}
	if pg.Hang {
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		return 0
	}
	if pg.FailFirst > 0 {
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		return http.StatusServiceUnavailable
	}
	if pg.Status >= 300 && pg.Status < 400 {
		http.Redirect(w, r, pg.Location, pg.Status)
		return pg.Status
	}
	ct := pg.ContentType
	if ct == "" {
		ct = types[strings.ToLower(path.Ext(r.URL.Path))]
		if ct == "" {
			ct = "text/html"
		}
	}
	w.Header().Set("Content-Type", ct)
	status := pg.Status
	if status == 0 {
		status = http.StatusOK
	}
	if status == http.StatusOK {
		etag, mod := ETag(pg.Body), modTime(pg).Truncate(time.Second)
		if !opts.NoETag {
			w.Header().Set("ETag", etag)
		}
		if !opts.NoLastModified {
			w.Header().Set("Last-Modified", mod.Format(http.TimeFormat))
		}
		if notModified(r, etag, mod, opts) {
			w.WriteHeader(http.StatusNotModified)
			return http.StatusNotModified
		}
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(pg.Body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(pg.Body)
	}
	return status
}

// notModified applies RFC 9110: If-None-Match decides when present; otherwise If-Modified-Since.
func notModified(r *http.Request, etag string, mod time.Time, opts HostOptions) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		if opts.NoETag {
			return false
		}
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == etag || t == "*" {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && !opts.NoLastModified {
		if t, err := http.ParseTime(ims); err == nil && !mod.After(t) {
			return true
		}
	}
	return false
}
