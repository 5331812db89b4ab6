package metrics

import "time"

// Row types of the data-quality exports (see Outputs), read like Value and Ranking.

// QualityReport is one row of quality_reports.parquet: one report of the warehouse.
type QualityReport struct {
	ReportID               string   `col:"report_id"`
	EntityKey              string   `col:"entity_key"`
	EntityName             string   `col:"entity_name"`
	Issuer                 string   `col:"issuer"`
	Jurisdiction           string   `col:"jurisdiction"`
	Level                  string   `col:"level"`
	Year                   *int     `col:"year"`
	TemplateVersion        string   `col:"template_version"`
	Status                 string   `col:"status"` // ok, partial, failed
	Error                  string   `col:"error"`
	IsPrimary              bool     `col:"is_primary"`
	ReportsSameYear        *int     `col:"reports_same_year"`
	FactCount              int      `col:"fact_count"`
	ChecksTotal            int      `col:"checks_total"`
	ChecksFailed           int      `col:"checks_failed"`
	FailedChecks           []string `col:"failed_checks"`
	MetricsTotal           int      `col:"metrics_total"`
	MetricsWithValue       int      `col:"metrics_with_value"`
	MetricsIdentityFailure int      `col:"metrics_identity_failure"`
	MetricsMissingInput    int      `col:"metrics_missing_input"`
	Warnings               []string `col:"warnings"`
	URL                    string   `col:"url"`
	SourcePath             string   `col:"source_path"`
}

// IdentityFailure is one row of quality_identity.parquet: a failed identity check of a report.
type IdentityFailure struct {
	ReportID        string   `col:"report_id"`
	EntityKey       string   `col:"entity_key"`
	EntityName      string   `col:"entity_name"`
	Issuer          string   `col:"issuer"`
	Year            *int     `col:"year"`
	TemplateVersion string   `col:"template_version"`
	IsPrimary       bool     `col:"is_primary"`
	CheckName       string   `col:"check_name"`
	Title           string   `col:"title_zh"`
	TableKey        string   `col:"table_key"`
	Scope           string   `col:"scope"`
	Key             string   `col:"key"`
	Expected        *float64 `col:"expected"`
	Actual          *float64 `col:"actual"`
	Difference      *float64 `col:"difference"`
	AffectedMetrics []string `col:"affected_metrics"`
}

// CrossYear is one row of quality_cross_year.parquet: carried_in of a year against carried_out of the
// year before, for one applicant column.
type CrossYear struct {
	EntityKey      string   `col:"entity_key"`
	EntityName     string   `col:"entity_name"`
	Year           int      `col:"year"`
	ReportID       string   `col:"report_id"`
	PrevReportID   string   `col:"prev_report_id"`
	ColKey         string   `col:"col_key"`
	CarriedIn      *float64 `col:"carried_in"`
	PrevCarriedOut *float64 `col:"prev_carried_out"`
	Difference     *float64 `col:"difference"`
	Pass           bool     `col:"pass"`
}

// MissingReport is one row of quality_missing_reports.parquet: an expected entity-year without a report.
type MissingReport struct {
	EntityKey  string `col:"entity_key"`
	EntityName string `col:"entity_name"`
	Level      string `col:"level"`
	Parent     string `col:"parent"`
	Year       int    `col:"year"`
	Reason     string `col:"reason_zh"`
}

// EditedReport is one row of quality_edited_reports.parquet: a URL seen with more than one content.
type EditedReport struct {
	URL            string     `col:"url"`
	Versions       int        `col:"versions"`
	FirstFetchedAt *time.Time `col:"first_fetched_at"`
	LastFetchedAt  *time.Time `col:"last_fetched_at"`
	PublishedOn    *time.Time `col:"published_on"`
	Evidence       []string   `col:"evidence"`
	ReportIDs      []string   `col:"report_ids"`
	EntityName     string     `col:"entity_name"`
	Year           *int       `col:"year"`
}

// Publication is one row of quality_publication.parquet: a primary report's publication date against its
// deadline.
type Publication struct {
	ReportID    string     `col:"report_id"`
	EntityName  string     `col:"entity_name"`
	Issuer      string     `col:"issuer"`
	Level       string     `col:"level"`
	Year        *int       `col:"year"`
	URL         string     `col:"url"`
	PublishedOn *time.Time `col:"published_on"`
	FirstSeenAt *time.Time `col:"first_seen_at"`
	Deadline    *time.Time `col:"deadline"`
	DaysLate    *int       `col:"days_late"`
	Status      string     `col:"status"` // on_time, late, unknown
	Basis       string     `col:"basis"`
	StatusZH    string     `col:"status_zh"`
}

// DuplicateCell is one row of quality_duplicate_cells.parquet: a template cell printed more than once with
// different contents.
type DuplicateCell struct {
	ReportID   string   `col:"report_id"`
	EntityName string   `col:"entity_name"`
	Year       *int     `col:"year"`
	TableKey   string   `col:"table_key"`
	RowKey     string   `col:"row_key"`
	ColKey     string   `col:"col_key"`
	Printed    int      `col:"printed"`
	RawTexts   []string `col:"raw_texts"`
}

// ReadQualityReports reads <dir>/quality_reports.parquet.
func ReadQualityReports(dir string) ([]QualityReport, error) {
	return readOutput[QualityReport](dir, "quality_reports")
}

// ReadIdentityFailures reads <dir>/quality_identity.parquet.
func ReadIdentityFailures(dir string) ([]IdentityFailure, error) {
	return readOutput[IdentityFailure](dir, "quality_identity")
}

// ReadCrossYear reads <dir>/quality_cross_year.parquet.
func ReadCrossYear(dir string) ([]CrossYear, error) {
	return readOutput[CrossYear](dir, "quality_cross_year")
}

// ReadMissingReports reads <dir>/quality_missing_reports.parquet.
func ReadMissingReports(dir string) ([]MissingReport, error) {
	return readOutput[MissingReport](dir, "quality_missing_reports")
}

// ReadEditedReports reads <dir>/quality_edited_reports.parquet.
func ReadEditedReports(dir string) ([]EditedReport, error) {
	return readOutput[EditedReport](dir, "quality_edited_reports")
}

// ReadPublication reads <dir>/quality_publication.parquet.
func ReadPublication(dir string) ([]Publication, error) {
	return readOutput[Publication](dir, "quality_publication")
}

// ReadDuplicateCells reads <dir>/quality_duplicate_cells.parquet.
func ReadDuplicateCells(dir string) ([]DuplicateCell, error) {
	return readOutput[DuplicateCell](dir, "quality_duplicate_cells")
}
