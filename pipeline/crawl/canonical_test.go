package crawl

import "testing"

// TestCanonical (#10 item 2): one URL per document before anything is queued.
func TestCanonical(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		drop     []string
	}{
		{"http://Example.GOV.cn:80/a/t1.html#top", "http://example.gov.cn/a/t1.html", nil},
		{"https://example.gov.cn:443", "https://example.gov.cn/", nil},
		{"http://127.0.0.1:8080/a/t1.html?from=list", "http://127.0.0.1:8080/a/t1.html", nil},
		{"http://h/a.html?utm_source=wx&utm_medium=share&id=7&spm=1.2", "http://h/a.html?id=7", nil},
		{"http://h/a.html?_=1700000000000&timestamp=1700000000&t=1700000000", "http://h/a.html", nil},
		{"http://h/api?pageNo=2&channelId=15&source=pc", "http://h/api?pageNo=2&channelId=15", nil},
		{"http://h/a.html?from=list&id=1", "http://h/a.html?from=list&id=1", []string{}},              // source keeps every parameter
		{"http://h/a.html?from=list&t=1", "http://h/a.html?t=1", []string{"from"}},                    // source's own list
		{"http://h/a.html?flag&x=", "http://h/a.html?flag&x=", nil},                                   // bare names kept as written
		{"http://h/a%20b.html?q=%E5%B9%B4%E6%8A%A5", "http://h/a%20b.html?q=%E5%B9%B4%E6%8A%A5", nil}, // escapes kept
	} {
		drop := tc.drop
		if drop == nil {
			drop = DefaultDropParams
		}
		u, err := canonical(tc.in, drop)
		if err != nil || u.String() != tc.want {
			t.Errorf("canonical(%s) = %v %v, want %s", tc.in, u, err, tc.want)
		}
	}
	for _, bad := range []string{"ftp://h/a", "mailto:x@y", "/relative"} {
		if _, err := canonical(bad, nil); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
