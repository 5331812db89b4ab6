// Package report holds what the parser makes of one document: the report's metadata, its figures (facts)
// and the results of the template's identity checks. The warehouse stores these records as they are.
package report

import "time"

// Status of a parsed report.
type Status string

const (
	OK      Status = "ok"      // every table of the template found and read
	Partial Status = "partial" // some figures read, some missing (the reason is in Warnings)
	Failed  Status = "failed"  // nothing read (Error says why)
	// NeedsOCR: a PDF without a text layer (a scan, or pages saved as pictures); no figure can be read
	// without OCR. Pages holds its page count.
	NeedsOCR Status = "needs_ocr"
)

// Cell kinds: what a cell held, kept beside its number.
type CellKind string

const (
	Number        CellKind = "number"
	Zero          CellKind = "zero"
	Empty         CellKind = "empty"
	NotApplicable CellKind = "na"
	Text          CellKind = "text"
)

// Found says where a piece of metadata came from.
type Found string

const (
	FromCaller Found = "caller" // manifest or crawler
	FromTitle  Found = "title"  // the document's title or heading
	FromText   Found = "text"   // the body text
	FromIssuer Found = "issuer" // derived from the issuer's name (jurisdiction)
	FromLabels Found = "labels" // the template version, from the labels the tables print
	FromYear   Found = "year"   // the template version, from the report year
	NotFound   Found = ""
)

// Report is one parsed document.
type Report struct {
	ID               string // stable: derived from the content hash
	URL              string
	SourcePath       string
	SHA256           string
	Issuer           string
	IssuerFrom       Found
	Jurisdiction     string
	JurisdictionFrom Found
	Year             int // 0 when unknown
	YearFrom         Found
	PublishedOn      string // YYYY-MM-DD, from the listing or the page chrome; "" when unknown
	PublishedFrom    Found
	TemplateVersion  string // "2019", "2021", or "" when no table was found
	VersionFrom      Found
	Format           string // html, text, pdf, docx, doc, wps (decode.Format), or empty/binary
	Pages            int    // PDF: the document's page count; 0 for other formats
	Title            string
	Status           Status
	Error            string   // why the report failed (Chinese)
	Warnings         []string // what is missing or doubtful (Chinese)
	ParsedAt         time.Time
	ParserVersion    string

	Facts  []Fact
	Checks []Check
}

// Fact is one figure (or one cell the template does not know) of a report.
type Fact struct {
	Table    string   // template table key
	Row      string   // template row key; empty for a row the template does not know
	Col      string   // template column key
	Value    *float64 // nil unless the cell held a number (zero included)
	Kind     CellKind
	Raw      string // the cell's text as found
	LabelRow string // the row label as found in the document
	LabelCol string // the column label as found ("" when the column was assigned by template order)
	// Mapping says how the cell was placed: "label" (row and column by label), "order" (column by the
	// template's known order, because the form lost the column labels).
	Mapping  string
	TableIdx int // where in the document: index of the table (or of the section, for the text form)
	RowIdx   int // grid row, or the source line for the text form
	ColIdx   int // grid column, or the position in the row for the text form
	// Page and BBox locate a figure read from a PDF: the 1-based page and the cell's box on it in points
	// from the page's top left (x0, y0, x1, y1). Page is 0 and BBox nil for other formats.
	Page int
	BBox []float64
}

// Check is the result of one identity on one row or column.
type Check struct {
	Name     string // identity name, e.g. "t3_balance"
	Table    string
	Scope    string // "column" or "row"
	Key      string // the column (scope column) or row (scope row) it was evaluated on
	Pass     bool
	Expected float64 // Σ right side
	Actual   float64 // Σ left side
}
