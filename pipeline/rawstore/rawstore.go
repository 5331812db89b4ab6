// Package rawstore keeps what the crawler fetched, exactly as it came off the wire, and the record of every
// fetch, document version and run. Layout under the raw directory (data/raw/ by default):
//
//	objects/<aa>/<sha256>   every distinct body once, named by its SHA-256 (aa = its first two hex digits);
//	                        immutable: written to a temp file, fsynced, renamed
//	fetches.jsonl           one line per fetch outcome (Fetch): 200s, 304s, 4xx/5xx and network failures
//	versions.jsonl          one line per new version of a document (Version): version 1 when first seen,
//	                        2, 3, … when the same URL later served different figures ("edited after
//	                        publication"; edited = true, previous_* name the version it replaced)
//	runs.jsonl              two lines per run (Run): status "running" at the start, the final one at the end
//	                        with per-source figures (SourceRun); a run killed midway keeps only its
//	                        "running" line
//	hosts.jsonl             one line per change of a host's state (Host): found dead (it never answered),
//	                        or answering again; the next run probes a dead host once before using it
//
// A fetch is keyed by its URL, or for a POST (a listing page a script loads) by method, URL and form
// (RequestKey). A document served under two URLs of one source is one document: the second URL's fetch
// names the first in duplicate_of and gets no version of its own.
//
// JSON lines, not Parquet, because every line must be durable the moment it is written (each append is
// fsynced) so that a crawl killed midway loses nothing; DuckDB reads them directly, e.g.
//
//	SELECT * FROM read_json('data/raw/versions.jsonl', format = 'newline_delimited') WHERE edited;
//
// Ordering makes restarts safe: a body is stored before anything refers to it, a document's report is in the
// warehouse before its version line, and the fetch line that lets the next run send a conditional request
// is written last. A torn last line left by a crash is cut off when the store is opened. One writing process
// per directory (the crawler's lock file ensures it).
package rawstore

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// Fetch is one line of fetches.jsonl.
type Fetch struct {
	RunID        string    `json:"run_id"`
	SourceID     string    `json:"source_id"`
	Kind         string    `json:"kind"`             // listing, report or attachment
	URL          string    `json:"url"`              // canonical form of the URL as discovered (the key for conditional requests)
	Method       string    `json:"method,omitempty"` // POST for a listing a script loads by POST; empty: GET
	Form         string    `json:"form,omitempty"`   // a POST's form, URL-encoded
	FinalURL     string    `json:"final_url,omitempty"`
	FetchedAt    time.Time `json:"fetched_at"`
	Status       int       `json:"status"` // HTTP status; 0 when no response arrived
	Conditional  bool      `json:"conditional"`
	NotModified  bool      `json:"not_modified"`
	ContentType  string    `json:"content_type,omitempty"`
	Decoded      string    `json:"decoded,omitempty"` // "gzip" when the body was inflated (the object is the inflated body)
	Charset      string    `json:"charset,omitempty"` // as decoded by pipeline/decode (text documents only)
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	SHA256       string    `json:"sha256,omitempty"` // body in objects/; for a 304, the unchanged stored body
	Size         int64     `json:"size"`
	Attempts     int       `json:"attempts"`
	ElapsedMS    int64     `json:"elapsed_ms"`
	TooLarge     bool      `json:"too_large"` // body exceeded the limit (decompressed bytes counted) and was not kept
	Error        string    `json:"error,omitempty"`
	ReportURL    string    `json:"report_url,omitempty"`   // the report page an attachment hangs off
	ReportID     string    `json:"report_id,omitempty"`    // warehouse id of the document's current parse
	DuplicateOf  string    `json:"duplicate_of,omitempty"` // the URL of the same document (same bytes, same source) seen first
	Title        string    `json:"title,omitempty"`        // link text it was found under
	Issuer       string    `json:"issuer,omitempty"`       // from the link text
	Year         int       `json:"year,omitempty"`         // from the link text
}

// Version is one line of versions.jsonl.
type Version struct {
	URL              string    `json:"url"`
	SourceID         string    `json:"source_id"`
	Kind             string    `json:"kind"`
	Version          int       `json:"version"`
	SHA256           string    `json:"sha256"`
	ReportID         string    `json:"report_id"`
	SeenAt           time.Time `json:"seen_at"`
	RunID            string    `json:"run_id"`
	Edited           bool      `json:"edited"` // version > 1: changed after publication
	PreviousSHA256   string    `json:"previous_sha256,omitempty"`
	PreviousReportID string    `json:"previous_report_id,omitempty"`
	Issuer           string    `json:"issuer,omitempty"`
	Year             int       `json:"year,omitempty"`
	Title            string    `json:"title,omitempty"`
	PublishedOn      string    `json:"published_on,omitempty"` // YYYY-MM-DD from the listing or the page
}

// SourceRun is one source's part of a run, in its run's final line.
type SourceRun struct {
	SourceID   string   `json:"source_id"`
	Pages      int      `json:"pages"`      // listing pages read
	Links      int      `json:"links"`      // links seen on them
	Reports    int      `json:"reports"`    // distinct report documents (pages and attachments) found
	Documents  int      `json:"documents"`  // documents read (fetched or unchanged)
	New        int      `json:"new"`        // documents seen for the first time
	Changed    int      `json:"changed"`    // new versions of known documents
	Unchanged  int      `json:"unchanged"`  // documents as before
	Duplicates int      `json:"duplicates"` // documents already known under another URL
	Failed     int      `json:"failed"`     // fetches that ended without a usable body
	Seconds    float64  `json:"seconds"`    // from the source's first request to its last answer
	Problems   []string `json:"problems,omitempty"`
}

// Run is one line of runs.jsonl.
type Run struct {
	RunID      string     `json:"run_id"`
	Status     string     `json:"status"` // running, completed, interrupted, failed
	StartedAt  time.Time  `json:"started_at"`
	EndedAt    *time.Time `json:"ended_at"`
	Registry   string     `json:"registry,omitempty"`
	Sources    int        `json:"sources"`
	SourcesBad int        `json:"sources_failed"` // sources whose start pages could not be read
	// Sources whose listing pages were read but held no report link, and sources that found less than half
	// the reports of the previous completed run (a redesigned site).
	SourcesEmpty   int         `json:"sources_empty"`
	SourcesDropped int         `json:"sources_dropped"`
	Pages          int         `json:"pages"`     // listing pages read (fetched or unchanged)
	Documents      int         `json:"documents"` // reports and attachments read
	New            int         `json:"new"`       // documents seen for the first time
	Changed        int         `json:"changed"`   // documents whose figures changed (new version)
	Unchanged      int         `json:"unchanged"`
	Failed         int         `json:"failed"`  // fetches that ended without a usable body
	Blocked        int         `json:"blocked"` // links robots.txt forbids (never requested)
	Requests       int         `json:"requests"`
	Retries        int         `json:"retries"`
	Error          string      `json:"error,omitempty"`
	PerSource      []SourceRun `json:"per_source,omitempty"`
}

// Host is one line of hosts.jsonl: a host's state as a run left it.
type Host struct {
	Host   string    `json:"host"` // host[:port] as in the registry
	Dead   bool      `json:"dead"` // it never answered (or its probe failed)
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
	RunID  string    `json:"run_id"`
}

// RequestKey is what a fetch is known by: the URL for a GET; method, URL and form otherwise.
func RequestKey(method, url, form string) string {
	if method == "" || method == "GET" {
		return url
	}
	return method + " " + url + " " + form
}

// Key is the fetch's RequestKey.
func (f Fetch) Key() string { return RequestKey(f.Method, f.URL, f.Form) }

// Store is an open raw directory.
type Store struct {
	dir string
	mu  sync.Mutex

	fetches, versions, runs, hosts *os.File
	last                           map[string]Fetch   // request key → newest fetch that had a body (200 or 304)
	current                        map[string]Version // url → newest version
	bySum                          map[string]Version // source id + sha256 → the first version with that body
	lastRun                        *Run               // the newest completed run
	hostState                      map[string]Host    // host → its newest line
}

const (
	fetchesFile  = "fetches.jsonl"
	versionsFile = "versions.jsonl"
	runsFile     = "runs.jsonl"
	hostsFile    = "hosts.jsonl"
	objectsDir   = "objects"
)

// Open opens (creating as needed) the raw store in dir and loads its manifests.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, objectsDir), 0o755); err != nil {
		return nil, fmt.Errorf("rawstore: %w", err)
	}
	s := &Store{dir: dir, last: map[string]Fetch{}, current: map[string]Version{}, bySum: map[string]Version{},
		hostState: map[string]Host{}}
	var err error
	if s.fetches, err = openLog(filepath.Join(dir, fetchesFile), func(f Fetch) {
		if f.SHA256 == "" || f.TooLarge {
			return
		}
		p := s.last[f.Key()]
		if f.NotModified {
			// A 304 may refresh validators; the body stays the earlier one.
			f.SHA256, f.Size = p.SHA256, p.Size
			if f.ETag == "" {
				f.ETag = p.ETag
			}
			if f.LastModified == "" {
				f.LastModified = p.LastModified
			}
			if f.ContentType == "" {
				f.ContentType = p.ContentType
			}
		}
		s.last[f.Key()] = f
	}); err != nil {
		return nil, err
	}
	if s.versions, err = openLog(filepath.Join(dir, versionsFile), s.index); err != nil {
		s.fetches.Close()
		return nil, err
	}
	if s.runs, err = openLog(filepath.Join(dir, runsFile), func(r Run) {
		if r.Status == "completed" {
			s.lastRun = &r
		}
	}); err != nil {
		s.fetches.Close()
		s.versions.Close()
		return nil, err
	}
	if s.hosts, err = openLog(filepath.Join(dir, hostsFile), func(h Host) { s.hostState[h.Host] = h }); err != nil {
		s.fetches.Close()
		s.versions.Close()
		s.runs.Close()
		return nil, err
	}
	if err := cleanTemps(filepath.Join(dir, objectsDir)); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// openLog reads a JSON-lines file into fn, cuts off a torn or corrupt tail (a crash mid-append), and opens
// the file for appending.
func openLog[T any](path string, fn func(T)) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("rawstore: %w", err)
	}
	rd := bufio.NewReaderSize(f, 64<<10)
	var good int64
	line := 0
	for {
		b, err := rd.ReadBytes('\n')
		if len(b) > 0 && b[len(b)-1] == '\n' {
			line++
			var v T
			if jerr := json.Unmarshal(b, &v); jerr != nil {
				f.Close()
				return nil, fmt.Errorf("rawstore: %s:%d: 无法读取的记录: %w", path, line, jerr)
			}
			fn(v)
			good += int64(len(b))
			continue
		}
		if errors.Is(err, io.EOF) {
			break // b, if any, is a line without its newline: torn by a crash
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("rawstore: read %s: %w", path, err)
		}
	}
	if err := f.Truncate(good); err != nil {
		f.Close()
		return nil, fmt.Errorf("rawstore: %w", err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("rawstore: %w", err)
	}
	return f, nil
}

func cleanTemps(objects string) error {
	return filepath.WalkDir(objects, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasPrefix(d.Name(), ".tmp-") {
			return os.Remove(p)
		}
		return nil
	})
}

// Close closes the manifests.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, f := range []*os.File{s.fetches, s.versions, s.runs, s.hosts} {
		if f != nil {
			errs = append(errs, f.Close())
		}
	}
	return errors.Join(errs...)
}

// Dir is the raw directory.
func (s *Store) Dir() string { return s.dir }

// Sum is the hex SHA-256 of b.
func Sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// ObjectPath is where the body with the given SHA-256 is kept.
func (s *Store) ObjectPath(sum string) string {
	if len(sum) < 2 {
		return filepath.Join(s.dir, objectsDir, "_", sum)
	}
	return filepath.Join(s.dir, objectsDir, sum[:2], sum)
}

// Put stores b once and returns its SHA-256. Storing a body already present costs only a stat.
func (s *Store) Put(b []byte) (string, error) {
	sum := Sum(b)
	p := s.ObjectPath(sum)
	if _, err := os.Stat(p); err == nil {
		return sum, nil
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("rawstore: %w", err)
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return "", fmt.Errorf("rawstore: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o444)
	}
	if err == nil {
		err = os.Rename(tmp, p)
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("rawstore: store object %s: %w", sum, err)
	}
	return sum, nil
}

// Get reads a stored body and checks it against its name.
func (s *Store) Get(sum string) ([]byte, error) {
	b, err := os.ReadFile(s.ObjectPath(sum))
	if err != nil {
		return nil, fmt.Errorf("rawstore: %w", err)
	}
	if Sum(b) != sum {
		return nil, fmt.Errorf("rawstore: object %s is corrupt (content hash differs)", sum)
	}
	return b, nil
}

// Last is the newest fetch that has a stored body of the request with key (RequestKey; a GET's key is its
// URL), with the validators for a conditional request.
func (s *Store) Last(key string) (Fetch, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.last[key]
	return f, ok
}

// index keeps a version line in the in-memory views (s.mu held or not yet shared).
func (s *Store) index(v Version) {
	if v.Version > s.current[v.URL].Version {
		s.current[v.URL] = v
	}
	if k := v.SourceID + " " + v.SHA256; s.bySum[k].URL == "" {
		s.bySum[k] = v
	}
}

// Document finds the document of source whose body has the given SHA-256: the first version recorded
// with it (under whichever URL it was first seen).
func (s *Store) Document(sourceID, sum string) (Version, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.bySum[sourceID+" "+sum]
	return v, ok
}

// LastRun is the newest completed run.
func (s *Store) LastRun() (Run, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lastRun == nil {
		return Run{}, false
	}
	return *s.lastRun, true
}

// DeadHosts lists the hosts whose newest line says dead.
func (s *Store) DeadHosts() []Host {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Host
	for _, h := range s.hostState {
		if h.Dead {
			out = append(out, h)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Host < out[j].Host })
	return out
}

// RecordHost appends a host's new state durably; a line that would not change the state is not written.
func (s *Store) RecordHost(h Host) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// A host never recorded is alive.
	if cur := s.hostState[h.Host]; cur.Dead == h.Dead {
		return nil
	}
	if err := appendLine(s.hosts, h); err != nil {
		return err
	}
	s.hostState[h.Host] = h
	return nil
}

// Current is the newest version of the document at url.
func (s *Store) Current(url string) (Version, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.current[url]
	return v, ok
}

// Versions returns the newest version of every document, keyed by URL.
func (s *Store) Versions() map[string]Version {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]Version, len(s.current))
	for k, v := range s.current {
		out[k] = v
	}
	return out
}

// RecordFetch appends f durably.
func (s *Store) RecordFetch(f Fetch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := appendLine(s.fetches, f); err != nil {
		return err
	}
	if f.SHA256 != "" && !f.TooLarge {
		if f.NotModified {
			p := s.last[f.Key()]
			f.SHA256, f.Size = p.SHA256, p.Size
			if f.ETag == "" {
				f.ETag = p.ETag
			}
			if f.LastModified == "" {
				f.LastModified = p.LastModified
			}
		}
		s.last[f.Key()] = f
	}
	return nil
}

// AddVersion records v as the next version of its URL unless the newest version already has v's report
// (a restart re-reading what it had recorded before a crash). It fills in Version, Edited and Previous*
// and returns the recorded line, or the existing one with added = false.
func (s *Store) AddVersion(v Version) (rec Version, added bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.current[v.URL]
	if ok && cur.ReportID == v.ReportID {
		return cur, false, nil
	}
	v.Version = cur.Version + 1
	v.Edited = ok
	if ok {
		v.PreviousSHA256, v.PreviousReportID = cur.SHA256, cur.ReportID
	}
	if err := appendLine(s.versions, v); err != nil {
		return Version{}, false, err
	}
	s.index(v)
	return v, true, nil
}

// RecordRun appends a run line (the start or the end of a run).
func (s *Store) RecordRun(r Run) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return appendLine(s.runs, r)
}

// ReadRuns returns every run line in order.
func ReadRuns(dir string) ([]Run, error) { return readAll[Run](filepath.Join(dir, runsFile)) }

// ReadFetches returns every fetch line in order.
func ReadFetches(dir string) ([]Fetch, error) { return readAll[Fetch](filepath.Join(dir, fetchesFile)) }

// ReadHosts returns every host line in order.
func ReadHosts(dir string) ([]Host, error) { return readAll[Host](filepath.Join(dir, hostsFile)) }

// ReadVersions returns every version line in order.
func ReadVersions(dir string) ([]Version, error) {
	return readAll[Version](filepath.Join(dir, versionsFile))
}

func readAll[T any](path string) ([]T, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("rawstore: %w", err)
	}
	var out []T
	for i, line := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var v T
		if err := json.Unmarshal(line, &v); err != nil {
			if i == bytes.Count(b, []byte("\n")) {
				break // torn tail
			}
			return nil, fmt.Errorf("rawstore: %s:%d: %w", path, i+1, err)
		}
		out = append(out, v)
	}
	return out, nil
}

func appendLine(f *os.File, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("rawstore: %w", err)
	}
	b = append(b, '\n')
	if _, err := f.Write(b); err != nil {
		return fmt.Errorf("rawstore: append %s: %w", filepath.Base(f.Name()), err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("rawstore: sync %s: %w", filepath.Base(f.Name()), err)
	}
	return nil
}

func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
