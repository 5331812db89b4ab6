package rawstore

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestStore(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte("<html>报告</html>")
	sum, err := s.Put(body)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := s.Put(body); err != nil || again != sum {
		t.Fatalf("second Put: %s %v", again, err)
	}
	if got, err := s.Get(sum); err != nil || string(got) != string(body) {
		t.Fatalf("Get: %q %v", got, err)
	}
	u := "http://127.0.0.1/a.html"
	at := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	must(t, s.RecordFetch(Fetch{URL: u, Status: 200, SHA256: sum, Size: int64(len(body)), ETag: `"1"`, LastModified: "Sat, 01 Mar 2025 00:00:00 GMT", FetchedAt: at}))
	must(t, s.RecordFetch(Fetch{URL: u, Status: 304, NotModified: true, SHA256: sum, FetchedAt: at.Add(time.Hour)}))
	must(t, s.RecordFetch(Fetch{URL: u, Status: 503, Error: "HTTP 503", FetchedAt: at.Add(2 * time.Hour)}))
	v1, added, err := s.AddVersion(Version{URL: u, SHA256: sum, ReportID: "r1"})
	if err != nil || !added || v1.Version != 1 || v1.Edited {
		t.Fatalf("first version: %+v %v %v", v1, added, err)
	}
	if _, added, _ := s.AddVersion(Version{URL: u, SHA256: sum, ReportID: "r1"}); added {
		t.Error("the same report recorded twice")
	}
	v2, added, err := s.AddVersion(Version{URL: u, SHA256: "other", ReportID: "r2"})
	if err != nil || !added || v2.Version != 2 || !v2.Edited || v2.PreviousReportID != "r1" || v2.PreviousSHA256 != sum {
		t.Fatalf("second version: %+v", v2)
	}
	must(t, s.Close())

	// A crash mid-append leaves a torn line: it is cut off and the store reopens with everything before it.
	f, _ := os.OpenFile(filepath.Join(dir, fetchesFile), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"url":"http://127.0.0.1/b.html","sta`)
	f.Close()
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	last, ok := s.Last(u)
	if !ok || last.SHA256 != sum || last.ETag != `"1"` || !last.NotModified {
		t.Errorf("Last after reopen: %+v", last)
	}
	if _, ok := s.Last("http://127.0.0.1/b.html"); ok {
		t.Error("torn line was read")
	}
	if cur, ok := s.Current(u); !ok || cur.Version != 2 || cur.ReportID != "r2" {
		t.Errorf("Current after reopen: %+v", cur)
	}
	must(t, s.RecordFetch(Fetch{URL: "http://127.0.0.1/c.html", Status: 200, SHA256: sum}))
	fs, err := ReadFetches(dir)
	if err != nil || len(fs) != 4 || fs[3].URL != "http://127.0.0.1/c.html" {
		t.Errorf("fetches after the torn tail: %d %v", len(fs), err)
	}
	// Corrupt objects are refused.
	p := s.ObjectPath(sum)
	os.Chmod(p, 0o644)
	os.WriteFile(p, []byte("tampered"), 0o644)
	if _, err := s.Get(sum); err == nil {
		t.Error("corrupt object read without error")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestIndexes: POST fetches are keyed with their form, documents are found by source and body, the last
// completed run and the dead hosts survive a reopen.
func TestIndexes(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	proxy := "http://127.0.0.1/module/web/jpage/dataproxy.jsp?startrecord=4&endrecord=6&perpage=3"
	must(t, s.RecordFetch(Fetch{URL: proxy, Method: "POST", Form: "columnid=1", Status: 200, SHA256: "s1"}))
	must(t, s.RecordFetch(Fetch{URL: proxy, Method: "POST", Form: "columnid=2", Status: 200, SHA256: "s2"}))
	must(t, s.RecordFetch(Fetch{URL: "http://127.0.0.1/a.html", Status: 200, SHA256: "body"}))
	_, _, err = s.AddVersion(Version{URL: "http://127.0.0.1/a.html", SourceID: "x", SHA256: "body", ReportID: "r1"})
	must(t, err)
	must(t, s.RecordRun(Run{RunID: "1", Status: "completed", PerSource: []SourceRun{{SourceID: "x", Reports: 7}}}))
	must(t, s.RecordRun(Run{RunID: "2", Status: "running"}))
	must(t, s.RecordHost(Host{Host: "127.0.0.1:9", Dead: true, Reason: "无响应"}))
	must(t, s.RecordHost(Host{Host: "127.0.0.1:9", Dead: true})) // no change: not written
	must(t, s.RecordHost(Host{Host: "127.0.0.1:8", Dead: false}))
	must(t, s.Close())

	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for form, sum := range map[string]string{"columnid=1": "s1", "columnid=2": "s2"} {
		if f, ok := s.Last(RequestKey("POST", proxy, form)); !ok || f.SHA256 != sum {
			t.Errorf("POST %s: %+v %v", form, f, ok)
		}
	}
	if _, ok := s.Last(proxy); ok {
		t.Error("a POST answered a GET's lookup")
	}
	if v, ok := s.Document("x", "body"); !ok || v.URL != "http://127.0.0.1/a.html" {
		t.Errorf("Document: %+v %v", v, ok)
	}
	if _, ok := s.Document("y", "body"); ok {
		t.Error("another source's document found")
	}
	if r, ok := s.LastRun(); !ok || r.RunID != "1" || r.PerSource[0].Reports != 7 {
		t.Errorf("LastRun: %+v %v", r, ok)
	}
	if d := s.DeadHosts(); len(d) != 1 || d[0].Host != "127.0.0.1:9" {
		t.Errorf("DeadHosts: %+v", d)
	}
	if hs, _ := ReadHosts(dir); len(hs) != 1 {
		t.Errorf("hosts.jsonl: %+v (only the change is written)", hs)
	}
	must(t, s.RecordHost(Host{Host: "127.0.0.1:9", Dead: false}))
	if d := s.DeadHosts(); len(d) != 0 {
		t.Errorf("after recovery: %+v", d)
	}
}
