package extract

import (
	"errors"
	"fmt"
)

// ErrUnsupported is returned (wrapped) for formats that have no extractor yet.
var ErrUnsupported = errors.New("暂不支持该格式")

// Extract extracts text already decoded to UTF-8 in the given format. DOCX and PDF return ErrUnsupported
// for now; their extractors will take bytes, not text, so they will get their own entry points.
func Extract(text string, format Format) (*Document, error) {
	switch format {
	case HTML:
		return HTMLDocument(text)
	case Text:
		return TextDocument(text)
	case DOCX, PDF:
		return nil, fmt.Errorf("extract: %w: %s", ErrUnsupported, format)
	}
	return nil, fmt.Errorf("extract: %w: 未知格式 %q", ErrUnsupported, string(format))
}
