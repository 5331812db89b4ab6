package warehouse

import "github.com/apache/arrow-go/v18/arrow"

// Table folders under the warehouse directory. Each holds one <report_id>.parquet per report.
const (
	TableReports = "reports"
	TableFacts   = "facts"
	TableChecks  = "checks"
)

// Tables lists the table folders in the order Put commits them: facts and checks first, reports last.
var Tables = []string{TableFacts, TableChecks, TableReports}

var (
	utf8Type  = arrow.BinaryTypes.String
	int32Type = arrow.PrimitiveTypes.Int32
	f64Type   = arrow.PrimitiveTypes.Float64
	boolType  = arrow.FixedWidthTypes.Boolean
	// Microseconds because DuckDB's TIMESTAMP is microsecond-based; UTC so Parquet marks the column
	// isAdjustedToUTC and DuckDB reads it as TIMESTAMP WITH TIME ZONE.
	tsType = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	// A calendar date without time zone: DuckDB's DATE.
	dateType = arrow.FixedWidthTypes.Date32
	// The element is named "element" because that is the Parquet LIST convention the writer emits
	// anyway; naming it so keeps the stored Arrow schema and the Parquet schema identical.
	warningsType = arrow.ListOfField(arrow.Field{Name: "element", Type: arrow.BinaryTypes.String, Nullable: false})
	bboxType     = arrow.ListOfField(arrow.Field{Name: "element", Type: arrow.PrimitiveTypes.Float64, Nullable: false})
)

func req(name string, t arrow.DataType) arrow.Field {
	return arrow.Field{Name: name, Type: t, Nullable: false}
}

func opt(name string, t arrow.DataType) arrow.Field {
	return arrow.Field{Name: name, Type: t, Nullable: true}
}

// ReportsSchema is the schema of <wh>/reports/*.parquet: one row per report. See Columns.
var ReportsSchema = arrow.NewSchema([]arrow.Field{
	req("report_id", utf8Type),
	req("url", utf8Type),
	req("source_path", utf8Type),
	req("sha256", utf8Type),
	req("issuer", utf8Type),
	req("issuer_from", utf8Type),
	req("jurisdiction", utf8Type),
	req("jurisdiction_from", utf8Type),
	opt("year", int32Type),
	req("year_from", utf8Type),
	opt("published_on", dateType),
	req("published_from", utf8Type),
	opt("template_version", utf8Type),
	req("version_from", utf8Type),
	req("format", utf8Type),
	req("title", utf8Type),
	req("status", utf8Type),
	opt("error", utf8Type),
	req("warnings", warningsType),
	req("fact_count", int32Type),
	req("checks_failed", int32Type),
	opt("parsed_at", tsType),
	req("parser_version", utf8Type),
	opt("pages", int32Type),
}, nil)

// FactsSchema is the schema of <wh>/facts/*.parquet: one row per figure. See Columns.
var FactsSchema = arrow.NewSchema([]arrow.Field{
	req("report_id", utf8Type),
	opt("template_version", utf8Type),
	req("table_key", utf8Type),
	opt("row_key", utf8Type),
	req("col_key", utf8Type),
	opt("value", f64Type),
	req("cell_kind", utf8Type),
	req("raw_text", utf8Type),
	req("label_row", utf8Type),
	opt("label_col", utf8Type),
	req("mapping", utf8Type),
	req("table_index", int32Type),
	req("row_index", int32Type),
	req("col_index", int32Type),
	opt("page", int32Type),
	opt("bbox", bboxType),
}, nil)

// ChecksSchema is the schema of <wh>/checks/*.parquet: one row per identity check. See Columns.
var ChecksSchema = arrow.NewSchema([]arrow.Field{
	req("report_id", utf8Type),
	opt("template_version", utf8Type),
	req("check_name", utf8Type),
	req("table_key", utf8Type),
	req("scope", utf8Type),
	req("key", utf8Type),
	req("pass", boolType),
	req("expected", f64Type),
	req("actual", f64Type),
}, nil)

// Columns maps each table folder to its column names, in file order. The SQL layer (DuckDB) is
// written against these names; changing one is a breaking change for every query.
//
// Nullable columns are marked NULL; every other column is always set ("" for an unknown string).
// DuckDB types are given as read_parquet reports them.
//
// reports (one row per report; the commit record — see package doc):
//
//	report_id          VARCHAR       Report.ID (content-hash derived; also the file name)
//	url                VARCHAR       Report.URL
//	source_path        VARCHAR       Report.SourcePath
//	sha256             VARCHAR       Report.SHA256
//	issuer             VARCHAR       Report.Issuer
//	issuer_from        VARCHAR       Report.IssuerFrom: caller|title|text|issuer|labels|year|""
//	jurisdiction       VARCHAR       Report.Jurisdiction
//	jurisdiction_from  VARCHAR       Report.JurisdictionFrom
//	year               INTEGER NULL  Report.Year; NULL when unknown (0)
//	year_from          VARCHAR       Report.YearFrom
//	published_on       DATE NULL     Report.PublishedOn: the publication date the listing or page shows
//	published_from     VARCHAR       Report.PublishedFrom (caller = listing or manifest, text = page chrome)
//	template_version   VARCHAR NULL  Report.TemplateVersion ("2019", "2021"); NULL when ""
//	version_from       VARCHAR       Report.VersionFrom
//	format             VARCHAR       Report.Format: html|text|pdf|docx|doc|wps (empty or binary when unreadable)
//	title              VARCHAR       Report.Title
//	status             VARCHAR       Report.Status: ok|partial|failed|needs_ocr
//	error              VARCHAR NULL  Report.Error; NULL when ""
//	warnings           VARCHAR[]     Report.Warnings; [] when none (never NULL)
//	fact_count         INTEGER       len(Report.Facts)
//	checks_failed      INTEGER       number of Report.Checks with Pass false
//	parsed_at          TIMESTAMPTZ NULL  Report.ParsedAt at µs precision, UTC; NULL when zero
//	parser_version     VARCHAR       Report.ParserVersion
//	pages              INTEGER NULL  Report.Pages: a PDF's page count; NULL for other formats
//
// facts (one row per Fact):
//
//	report_id          VARCHAR       owning report
//	template_version   VARCHAR NULL  copied from the report; NULL when ""
//	table_key          VARCHAR       Fact.Table
//	row_key            VARCHAR NULL  Fact.Row; NULL for a row the template does not know
//	col_key            VARCHAR       Fact.Col
//	value              DOUBLE NULL   *Fact.Value; NULL unless the cell held a number (0 stays 0)
//	cell_kind          VARCHAR       Fact.Kind: number|zero|empty|na|text
//	raw_text           VARCHAR       Fact.Raw
//	label_row          VARCHAR       Fact.LabelRow
//	label_col          VARCHAR NULL  Fact.LabelCol; NULL when the column was placed by order
//	mapping            VARCHAR       Fact.Mapping: label|order
//	table_index        INTEGER       Fact.TableIdx
//	row_index          INTEGER       Fact.RowIdx
//	col_index          INTEGER       Fact.ColIdx
//	page               INTEGER NULL  Fact.Page: the PDF page (from 1) the figure is on; NULL for other formats
//	bbox               DOUBLE[] NULL Fact.BBox: [x0, y0, x1, y1] of its cell on that page, in points from the
//	                                 page's top left; NULL for other formats
//
// checks (one row per Check):
//
//	report_id          VARCHAR       owning report
//	template_version   VARCHAR NULL  copied from the report; NULL when ""
//	check_name         VARCHAR       Check.Name
//	table_key          VARCHAR       Check.Table
//	scope              VARCHAR       Check.Scope: column|row
//	key                VARCHAR       Check.Key
//	pass               BOOLEAN       Check.Pass
//	expected           DOUBLE        Check.Expected
//	actual             DOUBLE        Check.Actual
var Columns = map[string][]string{
	TableReports: fieldNames(ReportsSchema),
	TableFacts:   fieldNames(FactsSchema),
	TableChecks:  fieldNames(ChecksSchema),
}

func fieldNames(s *arrow.Schema) []string {
	out := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		out[i] = f.Name
	}
	return out
}
