// Package extract turns documents into a format-neutral Document: text lines, loose cells and table
// grids, in reading order. HTML and the flattened text form arrive decoded to UTF-8 (HTMLDocument,
// TextDocument); PDF and DOCX are read from their bytes (PDFDocument, DOCXDocument), and DOC/WPS are
// converted to DOCX first (ConvertLegacy). Which entry point a document takes is decided in one place,
// ingest. It knows nothing of the template: mapping cells to figures is the parse package's job.
package extract

// Kind says what a block holds.
type Kind int

const (
	// TextBlock is a line or paragraph outside any table: headings, prose, page chrome.
	TextBlock Kind = iota
	// CellBlock is one table cell whose table structure was lost (the flattened text form): its row and
	// column are unknown, only its order is reliable.
	CellBlock
	// TableBlock is a table grid.
	TableBlock
	// PipeBlock is a line of the flattened text form holding only pipes ("|", "|||"): the copies print the
	// positions a span covers, and blank cells, that way. Text is the run of pipes.
	PipeBlock
)

// Document is an extracted document.
type Document struct {
	Title  string // <title>, or empty
	Blocks []Block
	Pages  int // PDF: the document's page count; 0 for other formats
	// Warnings are problems met while extracting that did not stop it (Chinese, for users).
	Warnings []string
}

// Block is one item of a document, in reading order.
type Block struct {
	Kind  Kind
	Text  string // TextBlock, CellBlock: the text, whitespace runs folded to one space, trimmed
	Line  int    // 1-based source line (text form) or 0
	Table *Table // TableBlock
}

// Table is a grid with row and column spans expanded: every row has the same width, and a cell that
// spans several positions appears at each of them, with Copy set at all but its top-left one.
type Table struct {
	Index int // 0-based order of the table in the document (nested tables count)
	Rows  [][]Cell
}

// Cell is one grid position.
type Cell struct {
	Text    string // text with whitespace runs folded; line breaks inside the cell (<br>, <p>) removed
	Row     int    // grid row of the cell's top-left position
	Col     int    // grid column of the cell's top-left position
	RowSpan int    // ≥ 1
	ColSpan int    // ≥ 1
	Copy    bool   // this position is covered by a span of the cell at (Row, Col)
	Header  bool   // the source marked it as a header cell (<th>)
	Page    int    // PDF: the 1-based page the cell (its top-left part) is on; 0 for other formats
	Box     Box    // PDF: the cell's box on that page; zero for other formats
}

// Box is a rectangle on a PDF page in points (1/72 inch), origin at the page's top left corner.
type Box struct {
	X0, Y0, X1, Y1 float64
}
