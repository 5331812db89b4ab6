package decode

import (
	"archive/zip"
	"bytes"
	"net/url"
	"path"
	"strings"
)

// Format is a document's form: which extractor reads it, and whether through Decode (HTML, text) or from
// its bytes (PDF, DOCX; DOC and WPS after conversion). It is the one definition of the formats: ingest
// switches on it, and the reports' format column stores it.
type Format string

const (
	FormatHTML   Format = "html"
	FormatText   Format = "text" // the flattened text form (web-to-text copies)
	FormatPDF    Format = "pdf"
	FormatDOCX   Format = "docx"
	FormatDOC    Format = "doc" // legacy binary Word (OLE compound file)
	FormatWPS    Format = "wps" // Kingsoft WPS Writer (OLE compound file, .wps)
	FormatBinary Format = "binary"
)

var (
	magicPDF = []byte("%PDF-")
	magicZip = []byte("PK\x03\x04")
	magicOLE = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// htmlMarkers are looked for, case-insensitively, at the start of a document to call it HTML.
var htmlMarkers = [][]byte{
	[]byte("<!doctype"), []byte("<html"), []byte("<head"), []byte("<body"), []byte("<meta"), []byte("<table"),
}

// DetectFormat guesses a document's form from its magic bytes, then its first 4 KiB, then the extension of
// name (a file name or URL). The content outranks the extension because servers label HTML error pages and
// Word-saved HTML as .pdf or .doc.
func DetectFormat(name string, b []byte) Format {
	switch {
	case bytes.Contains(b[:min(len(b), 1024)], magicPDF):
		// PDF readers accept the header anywhere in the first KiB; some servers prepend junk.
		return FormatPDF
	case bytes.HasPrefix(b, magicZip):
		if isDOCX(b) {
			return FormatDOCX
		}
		return FormatBinary
	case bytes.HasPrefix(b, magicOLE):
		// DOC and WPS share the container; only the name tells them apart.
		if extension(name) == ".wps" {
			return FormatWPS
		}
		return FormatDOC
	}

	utf16 := bytes.HasPrefix(b, bomUTF16LE) || bytes.HasPrefix(b, bomUTF16BE)
	head := stripBOM(b)
	head = head[:min(len(head), 4<<10)]
	if looksHTML(head) {
		return FormatHTML
	}
	if !utf16 && bytes.IndexByte(b[:min(len(b), binaryWindow)], 0) >= 0 {
		return FormatBinary
	}
	switch extension(name) {
	case ".html", ".htm", ".shtml", ".xhtml", ".jhtml", ".jsp", ".asp", ".aspx", ".php":
		// A page saved as text under its original name has no markup at all: read it as text.
		if !utf16 && !bytes.Contains(head, []byte("<")) {
			return FormatText
		}
		return FormatHTML
	case ".txt", ".text":
		return FormatText
	case ".pdf":
		return FormatPDF
	case ".docx":
		return FormatDOCX
	case ".doc":
		return FormatDOC
	case ".wps":
		return FormatWPS
	}
	if utf16 || controlShare(b[:min(len(b), binaryWindow)]) <= 0.05 {
		return FormatText
	}
	return FormatBinary
}

func isDOCX(b []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		// A truncated archive has no central directory; the local file headers still carry the names.
		return bytes.Contains(b, []byte("word/document.xml"))
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			return true
		}
	}
	return false
}

// looksHTML searches head for an HTML marker, ignoring case and NUL bytes (so UTF-16 text matches too).
func looksHTML(head []byte) bool {
	low := make([]byte, 0, len(head))
	for _, c := range head {
		if c == 0 {
			continue
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		low = append(low, c)
	}
	for _, m := range htmlMarkers {
		if bytes.Contains(low, m) {
			return true
		}
	}
	return false
}

func extension(name string) string {
	if u, err := url.Parse(name); err == nil && u.Path != "" {
		name = u.Path
	} else if i := strings.IndexAny(name, "?#"); i >= 0 {
		name = name[:i]
	}
	return strings.ToLower(path.Ext(name))
}

// controlShare is the share of bytes below 0x20 other than tab, line breaks and form feed.
func controlShare(b []byte) float64 {
	if len(b) == 0 {
		return 0
	}
	n := 0
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
			n++
		}
	}
	return float64(n) / float64(len(b))
}
