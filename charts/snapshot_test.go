package charts

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gkbench/gkbench/pipeline/synth"
	tpl "github.com/gkbench/gkbench/pipeline/template"
)

// TestSnapshotTextRendering: a GBK page's snapshot is kept byte for byte and gets a UTF-8 rendering beside it,
// both linked from the district page with the charset used, and each served with the right Content-Type.
func TestSnapshotTextRendering(t *testing.T) {
	src := t.TempDir()
	type snap struct {
		report, district string
		format           string
		body             []byte
		note             string // charset note expected beside the text link; "" for no rendering
	}
	rep := synth.Generate(7, "北京市东城区人民政府", "东城区", 2021, tpl.ForYear(2021), 1)
	snaps := []snap{
		{"东城区2021", "东城区", "html", synth.HTML(rep, synth.Style{Encoding: synth.GBK}), charsetNote("gb18030", "meta")},
		{"西城区2021", "西城区", "html", synth.HTML(rep, synth.Style{Encoding: synth.GB18030, NoMeta: true}), charsetNote("gb18030", "sniff")},
		{"朝阳区2021", "朝阳区", "pdf", []byte("%PDF-1.4\n% 扫描件\n%%EOF\n"), ""},
	}
	d := smallData("北京市")
	d.Docs = map[string]Doc{}
	sums := map[string]string{}
	for _, s := range snaps {
		if s.format == "html" && bytes.Contains(s.body, []byte("本年新收")) {
			t.Fatalf("%s: the fixture is not GBK", s.report)
		}
		p := filepath.Join(src, s.report+"."+s.format)
		if err := os.WriteFile(p, s.body, 0o644); err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256(s.body)
		sums[s.report] = hex.EncodeToString(h[:])
		d.Docs[s.report] = Doc{Format: s.format, SHA256: sums[s.report], Snapshot: p}
	}
	dir, sum := renderSmall(t, d, Options{})
	if sum.Snapshots != len(snaps) {
		t.Errorf("%d snapshots, want %d", sum.Snapshots, len(snaps))
	}
	srv := httptest.NewServer(Handler(dir))
	defer srv.Close()
	get := func(path string) ([]byte, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + "/" + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		return b, resp.Header.Get("Content-Type")
	}

	for _, s := range snaps {
		page := readPage(t, dir, entityPage(entityKey(s.district)))
		ext := ".txt"
		if s.format == "pdf" {
			ext = ".pdf"
		}
		raw := "raw/" + sums[s.report] + ext
		text := "raw/" + sums[s.report] + textSuffix

		// The original bytes, unchanged at the source and in the site, served without a charset.
		if b, _ := os.ReadFile(filepath.Join(src, s.report+"."+s.format)); !bytes.Equal(b, s.body) {
			t.Errorf("%s: the source snapshot was changed", s.report)
		}
		b, ctype := get(raw)
		if !bytes.Equal(b, s.body) {
			t.Errorf("%s: the site's copy differs from the original bytes", s.report)
		}
		if strings.Contains(ctype, "charset") {
			t.Errorf("%s: original bytes served as %q, naming a charset they may not have", raw, ctype)
		}
		if !strings.Contains(page, `href="`+raw+`">原始快照(`) {
			t.Errorf("%s: no link to the original bytes", s.district)
		}
		if s.note == "" {
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(text))); err == nil || strings.Contains(page, "转为 UTF-8 文本</a>") {
				t.Errorf("%s: a %s document got a text rendering", s.report, s.format)
			}
			continue
		}
		if !strings.Contains(page, `href="`+raw+`">原始快照(原始字节)</a>`) {
			t.Errorf("%s: the original bytes are not labelled 原始快照(原始字节)", s.district)
		}

		// The UTF-8 rendering: readable text, served as UTF-8, linked with the charset it was decoded from.
		b, ctype = get(text)
		if ctype != "text/plain; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", text, ctype)
		}
		if !bytes.Contains(b, []byte("本年新收")) || !bytes.Contains(b, []byte("北京市东城区人民政府")) {
			t.Errorf("%s: the UTF-8 rendering lacks the report's text: %.200s", s.report, b)
		}
		if !bytes.HasPrefix(b, utf8BOM) {
			t.Errorf("%s: the rendering has no BOM, so a browser opening the site from disk may misread it", s.report)
		}
		if !strings.Contains(page, `href="`+text+`" type="text/plain">原始快照(转为 UTF-8 文本)</a>`) {
			t.Errorf("%s: no link to the UTF-8 rendering", s.district)
		}
		if note := template.HTMLEscapeString(s.note); !strings.Contains(page, note) {
			t.Errorf("%s: the page does not say %q", s.district, s.note)
		}
	}
	if got := charsetNote("gb18030", "meta"); got != "按 GB18030(兼容 GBK、GB2312)解码(依据网页 <meta> 声明)" {
		t.Errorf("charset note %q", got)
	}
}
