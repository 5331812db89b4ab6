package fetch

// Bounded bodies: every body the Transport hands on stops at MaxBody bytes, and a gzip body (by
// Content-Encoding, a gzip Content-Type or a .gz link) is inflated here with its inflated bytes counted, so
// a few compressed megabytes cannot become gigabytes in memory.

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
)

var gzipTypes = map[string]bool{"application/gzip": true, "application/x-gzip": true, "application/x-gunzip": true,
	"application/gzipped": true, "application/gzip-compressed": true, "gzip/document": true}

// isGzip says whether a response announces a gzip body: by its Content-Encoding (left encoded by the base
// transport), its Content-Type, or a .gz name.
func isGzip(resp *http.Response) bool {
	if !resp.Uncompressed {
		for _, ce := range strings.Split(resp.Header.Get("Content-Encoding"), ",") {
			if ce = strings.ToLower(strings.TrimSpace(ce)); ce == "gzip" || ce == "x-gzip" {
				return true
			}
		}
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err == nil && gzipTypes[strings.ToLower(mt)] {
		return true
	}
	return resp.Request != nil && strings.EqualFold(path.Ext(resp.Request.URL.Path), ".gz")
}

// bounded replaces resp.Body with one that inflates gzip (when announced and the bytes really are gzip)
// and fails with ErrTooLarge past limit bytes; done runs once when it is closed.
func bounded(resp *http.Response, limit int64, done func()) {
	raw := resp.Body
	// The base transport inflates a gzip Content-Encoding it asked for itself (and says so).
	inflated := resp.Uncompressed
	br := bufio.NewReader(raw)
	var rd io.Reader = br
	var zr *gzip.Reader
	if isGzip(resp) {
		if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
			if z, err := gzip.NewReader(br); err == nil {
				zr, rd = z, z
				resp.Header.Del("Content-Encoding")
				resp.Header.Del("Content-Length")
				resp.ContentLength = -1
				resp.Header.Set(DecodedHeader, "gzip")
			}
		}
	}
	if inflated {
		resp.Header.Set(DecodedHeader, "gzip")
	}
	// Whatever the layers above would do with the headers, this body is final.
	resp.Uncompressed = true
	resp.Body = &limitedBody{r: rd, raw: raw, zr: zr, limit: limit, gz: zr != nil || inflated, done: done}
}

type limitedBody struct {
	r     io.Reader
	raw   io.Closer
	zr    *gzip.Reader
	n     int64
	limit int64
	gz    bool
	once  sync.Once
	done  func()
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.n > b.limit {
		return 0, b.tooLarge()
	}
	// Never read more than one byte past the limit: that byte tells a body at the limit from a larger one.
	if room := b.limit + 1 - b.n; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.n > b.limit {
		return n, b.tooLarge()
	}
	return n, err
}

func (b *limitedBody) tooLarge() error {
	if b.gz {
		return fmt.Errorf("%w(gzip 解压后超过 %s,已停止读取)", ErrTooLarge, Size(b.limit))
	}
	return fmt.Errorf("%w(超过 %s,已停止读取)", ErrTooLarge, Size(b.limit))
}

func (b *limitedBody) Close() error {
	if b.zr != nil {
		b.zr.Close()
	}
	err := b.raw.Close()
	b.once.Do(b.done)
	return err
}

// Size prints a byte count in KiB or MiB.
func Size(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n >= 1<<10 && n%(1<<10) == 0 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}
