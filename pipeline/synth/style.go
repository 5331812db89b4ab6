// Package synth generates realistic annual-report documents (政府信息公开工作年度报告) with known figures:
// fixtures for parser tests, one per real-world variation, pages for the demo "sample city", and inputs for
// benchmarks. Figures come from Generate; HTML and Text print them in the shapes real portals and
// web-to-text copies use, each variation switched on by one Style field. Output is deterministic: the same
// report and style always give the same bytes.
package synth

// Encoding names for Style.Encoding.
const (
	UTF8    = "utf-8"
	GBK     = "gbk"
	GB2312  = "gb2312"
	GB18030 = "gb18030"
)

// Sep selects a thousands separator for numbers of four or more digits.
type Sep int

const (
	SepNone      Sep = iota
	SepASCII         // 92,486
	SepFullWidth     // 92，486
)

// Style selects the variations of a rendered page. The zero value is a plain 2021-style UTF-8 page laid out
// as the official template. Every field switches on one variation seen in published reports.
type Style struct {
	// Encoding is the byte encoding of the page: UTF8 (default), GBK, GB2312 (written with the GBK encoder,
	// of which GB2312 is a subset) or GB18030.
	Encoding string
	// MetaCharset, when set, is written into <meta> instead of the real encoding's name (a wrong label).
	MetaCharset string
	// NoMeta leaves the charset declaration out.
	NoMeta bool

	// Traditional converts labels, prose and chrome to Traditional script (mirror-site copies).
	Traditional bool
	// TitleYearFirst titles the report "<Year>年<Issuer>政府信息公开工作年度报告" (the Fengtai form).
	TitleYearFirst bool

	// FullWidthDigits prints table digits as ０-９.
	FullWidthDigits bool
	// ThousandsSep groups table numbers of four or more integer digits.
	ThousandsSep Sep
	// NBSPBlankZeros prints zero cells as &nbsp; (blank, not zero).
	NBSPBlankZeros bool
	// TotalColumnBlank leaves table 3's 总计 column empty while its parts are filled.
	TotalColumnBlank bool
	// StrayPrefix prints "? " before every non-empty table number.
	StrayPrefix bool

	// SplitTable3 splits table 3 into two <table>s before row 三; the second has no header rows.
	SplitTable3 bool
	// NestedTables wraps the report body (headings and tables) in one cell of a layout table.
	NestedTables bool
	// SpanSoup writes table cells the way Word exports them: <p class=MsoNormal><span><font>, with labels
	// split across two spans.
	SpanSoup bool
	// BrInLabels breaks long labels with <br> as well as the header labels the template breaks anyway.
	BrInLabels bool
	// HeaderSpanMismatch makes table-2 headers span differently from the data below them: in alternate
	// blocks, a header over one column above data spanning several, and a header spanning several above data
	// in one column.
	HeaderSpanMismatch bool
	// LabelDrift prints the wordings real reports drift to: aliases (规范性文件, 现行有效件数(历史累计),
	// 本年新收申请数量), half-width brackets, and table-3 labels without 一、/(一)/1. numbering.
	LabelDrift bool
	// TablesAsImages keeps the headings of sections 二, 三 and 四 but puts an <img> where each table was.
	TablesAsImages bool
	// NoProse keeps the title, chrome, section headings and tables but leaves out every prose paragraph
	// (a note says so): for re-rendering a real report from its figures alone.
	NoProse bool
	// NoTitle drops the title, page chrome and all prose: the page starts with the leave-site popup and
	// goes straight to the three tables, without section headings.
	NoTitle bool
	// OmitTable drops the table with this key (its section heading stays).
	OmitTable string
	// Truncate, when positive, cuts the output after this many bytes (see HTMLCut and TextCut for an offset
	// inside a table).
	Truncate int
	// ExtraUnknownRows (2019 only) prints 其他对外管理服务事项 as a group over two rows the template does not
	// know, 行政检查 and 行政确认, which carry its figures (see UnknownRows).
	ExtraUnknownRows bool
	// Subtotal adds a 小计 column after 其他 in table 3.
	Subtotal bool
	// NoProcurement (2019 only) leaves out the optional 第二十条第(九)项 政府集中采购 block.
	NoProcurement bool
}

// TextForm is a web-to-text flattening of table cells.
type TextForm int

const (
	// PipeCells ends each cell with " |" on its own line; each row's positions covered by spans follow as a
	// bare run of "|" on a line of its own (not after a table's last row), as in corpus/fengtai_2023.txt.
	PipeCells TextForm = iota
	// PipeCellsInline is PipeCells with the run appended to the row's last cell line ("text | |||").
	PipeCellsInline
	// OneCellPerLine prints each cell's text on its own line, no pipes.
	OneCellPerLine
	// BlankLineSeparated is OneCellPerLine with every line of the document followed by a blank line.
	BlankLineSeparated
	// RowPerLine prints a table row as one line: "label | v | v |".
	RowPerLine
)

// TextStyle selects the variations of a flattened text copy. The embedded Style applies as for HTML where it
// makes sense (encoding, script, numbers, labels, omissions, truncation); page-markup options (meta, nesting,
// span soup) have no visible effect.
type TextStyle struct {
	Style
	Form TextForm
	// LostSecondLine keeps only the first line of header labels the template breaks in two: table 4's
	// 结果维持 → 结果, 尚未审结 → 尚未, and the 2019 table-2 header 本年增/减 → 本年增/.
	LostSecondLine bool
	// NFKC folds the text to NFKC (full-width brackets, colons, commas and digits to ASCII), as the corpus
	// copies are.
	NFKC bool
}
