package testsite

import (
	"net/http"
	"testing"
	"time"
)

func TestConditional(t *testing.T) {
	srv, err := Listen("a", "b")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.Options("b", HostOptions{NoETag: true})
	for _, h := range []string{"a", "b"} {
		srv.Put(h, "/dir/index.html", &Page{Body: []byte("v1")})
	}
	get := func(host, p string, hdr map[string]string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL(host, p), nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	first := get("a", "/dir/", nil) // a directory serves its index.html
	etag, lm := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
	if first.StatusCode != 200 || etag == "" || lm != BaseTime.Format(http.TimeFormat) {
		t.Fatalf("first: %d %q %q", first.StatusCode, etag, lm)
	}
	if get("b", "/dir/index.html", nil).Header.Get("ETag") != "" {
		t.Error("NoETag host sent an ETag")
	}
	for _, tc := range []struct {
		name, host string
		hdr        map[string]string
		want       int
	}{
		{"same ETag", "a", map[string]string{"If-None-Match": etag}, 304},
		{"weak ETag", "a", map[string]string{"If-None-Match": "W/" + etag}, 304},
		{"other ETag wins over a matching date", "a", map[string]string{"If-None-Match": `"x"`, "If-Modified-Since": lm}, 200},
		{"date", "b", map[string]string{"If-Modified-Since": lm}, 304},
		{"older date", "b", map[string]string{"If-Modified-Since": BaseTime.Add(-time.Hour).Format(http.TimeFormat)}, 200},
	} {
		if got := get(tc.host, "/dir/index.html", tc.hdr).StatusCode; got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	srv.Edit("a", "/dir/index.html", []byte("v2"))
	srv.Edit("b", "/dir/index.html", []byte("v2"))
	if got := get("a", "/dir/index.html", map[string]string{"If-None-Match": etag}).StatusCode; got != 200 {
		t.Errorf("edited page answered %d to the old ETag", got)
	}
	if got := get("b", "/dir/index.html", map[string]string{"If-Modified-Since": lm}).StatusCode; got != 200 {
		t.Errorf("edited page answered %d to the old date", got)
	}
	log := srv.Log()
	if len(log) != 9 || !log[2].Conditional() || log[0].Conditional() || log[0].Path != "/dir/" {
		t.Errorf("log: %+v", log)
	}
}
