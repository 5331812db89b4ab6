package metrics

// Source-trail row types: the cells behind each figure (metric_sources), every report figure
// (report_facts) and the figures an edit changed (quality_edited_figures).

// Source is one row of metric_sources.parquet: one term of a metric's numerator or denominator in one
// primary report, with the cell it reads.
type Source struct {
	ReportID        string   `col:"report_id"`
	EntityKey       string   `col:"entity_key"`
	Year            *int     `col:"year"`
	MetricKey       string   `col:"metric_key"`
	TemplateVersion string   `col:"template_version"`
	Part            string   `col:"part"` // numerator or denominator
	TermNo          int      `col:"term_no"`
	Sign            int      `col:"sign"` // +1, or −1 for a subtracted cell (尚未审结)
	TableKey        string   `col:"table_key"`
	RowKey          string   `col:"row_key"`
	ColKey          string   `col:"col_key"`
	TableZH         string   `col:"table_zh"`    // 表三
	LabelRow        string   `col:"label_row"`   // the template's row path
	LabelCol        string   `col:"label_col"`   // the template's column
	PrintedRow      string   `col:"printed_row"` // as the report prints it ("" when the cell is absent)
	PrintedCol      string   `col:"printed_col"`
	RawText         string   `col:"raw_text"`
	CellKind        string   `col:"cell_kind"` // number, zero, empty, na, text; "" when absent
	Value           *float64 `col:"value"`     // as the metric reads it (blank = 0); nil when absent or text
	ChecksTotal     int      `col:"checks_total"`
	ChecksFailed    int      `col:"checks_failed"`
	FailedChecks    []string `col:"failed_checks"` // "title:应为 x,实为 y"
}

// ReportFact is one row of report_facts.parquet: one template cell of a report.
type ReportFact struct {
	ReportID        string   `col:"report_id"`
	EntityName      string   `col:"entity_name"`
	Issuer          string   `col:"issuer"`
	Year            *int     `col:"year"`
	TemplateVersion string   `col:"template_version"`
	IsPrimary       bool     `col:"is_primary"`
	TableKey        string   `col:"table_key"`
	RowKey          string   `col:"row_key"`
	ColKey          string   `col:"col_key"`
	TableZH         string   `col:"table_zh"`
	LabelRow        string   `col:"label_row"`
	LabelCol        string   `col:"label_col"`
	PrintedRow      string   `col:"printed_row"`
	PrintedCol      string   `col:"printed_col"`
	RawText         string   `col:"raw_text"`
	CellKind        string   `col:"cell_kind"`
	Value           *float64 `col:"value"`
	URL             string   `col:"url"`
}

// EditedFigure is one row of quality_edited_figures.parquet: a cell that differs between two consecutive
// versions of a report page.
type EditedFigure struct {
	URL             string   `col:"url"`
	EntityName      string   `col:"entity_name"`
	Year            *int     `col:"year"`
	VersionNo       int      `col:"version_no"` // the new version's number (2 = first edit)
	OldReportID     string   `col:"old_report_id"`
	NewReportID     string   `col:"new_report_id"`
	TableKey        string   `col:"table_key"`
	RowKey          string   `col:"row_key"`
	ColKey          string   `col:"col_key"`
	TableZH         string   `col:"table_zh"`
	LabelRow        string   `col:"label_row"`
	LabelCol        string   `col:"label_col"`
	OldText         string   `col:"old_text"`
	NewText         string   `col:"new_text"`
	OldValue        *float64 `col:"old_value"`
	NewValue        *float64 `col:"new_value"`
	AffectedMetrics []string `col:"affected_metrics"`
}

// ReadSources reads <dir>/metric_sources.parquet.
func ReadSources(dir string) ([]Source, error) { return readOutput[Source](dir, "metric_sources") }

// ReadReportFacts reads <dir>/report_facts.parquet.
func ReadReportFacts(dir string) ([]ReportFact, error) {
	return readOutput[ReportFact](dir, "report_facts")
}

// ReadEditedFigures reads <dir>/quality_edited_figures.parquet.
func ReadEditedFigures(dir string) ([]EditedFigure, error) {
	return readOutput[EditedFigure](dir, "quality_edited_figures")
}
