package metrics

// Output is one table `analyze` exports as <out>/<Name>.parquet and <out>/<Name>.csv (UTF-8 with BOM; list
// columns joined with ";"). The SQL file that creates it documents every column; the main ones are listed
// here for readers that do not open the SQL.
type Output struct {
	Name    string // table and file name
	Title   string // Chinese title
	OrderBy string // SQL ORDER BY of the export (stable files for diffs)
	Columns string // the main columns, for documentation
}

// WorkbookName is the Excel workbook `analyze` writes beside the tables (one sheet per metric, the report
// figures and a 说明 sheet); the site offers it for download.
const WorkbookName = "gkbench.xlsx"

// Outputs lists the exported tables in export order.
var Outputs = []Output{
	{Name: "metric_values", Title: "指标值(每份报告每个指标一行)",
		OrderBy: "year NULLS LAST, entity_key NULLS LAST, sort_order, report_id",
		Columns: "report_id, entity_key, entity_name, issuer, jurisdiction, level, parent, year, template_version, " +
			"is_primary, report_status, metric_key, name_zh, category_zh, sort_order, unit, direction, scale, " +
			"numerator, denominator, value, reliable, flags[], flags_zh, missing_cells[], blank_cells[], failed_checks[]"},
	{Name: "rankings", Title: "同级排名(每年、每指标、同级同上级)",
		OrderBy: "year, metric_key, level, parent, position",
		Columns: "year, metric_key, name_zh, unit, direction, level, parent, entity_key, entity_name, issuer, " +
			"jurisdiction, report_id, template_version, value, numerator, denominator, reliable, flags[], flags_zh, " +
			"ranked, rank, ranked_count, unreliable_count, peer_count, position, percentile, p25, p50, p75"},
	{Name: "peer_stats", Title: "同级分布与汇总(分子分母加总后重算)",
		OrderBy: "year, metric_key, level, parent",
		Columns: "year, metric_key, name_zh, unit, direction, level, parent, members, members_with_value, " +
			"members_reliable, min_value, p25, p50, p75, max_value, members_pooled, sum_numerator, sum_denominator, " +
			"pooled_value"},
	{Name: "trends", Title: "同比变化",
		OrderBy: "entity_key, sort_order, year",
		Columns: "entity_key, entity_name, level, parent, metric_key, name_zh, unit, direction, sort_order, year, " +
			"report_id, template_version, value, reliable, prev_year, prev_report_id, prev_template_version, " +
			"prev_value, prev_reliable, change, ratio, base_year, base_value, base_template_version, change_since, " +
			"ratio_since, flags[], flags_zh"},
	{Name: "metric_sources", Title: "指标来源(每个指标的分子、分母由哪些单元格构成)",
		OrderBy: "year NULLS LAST, entity_key NULLS LAST, metric_key, report_id, part DESC, term_no",
		Columns: "report_id, entity_key, year, metric_key, template_version, part, term_no, sign, table_key, row_key, " +
			"col_key, table_zh, label_row, label_col, printed_row, printed_col, raw_text, cell_kind, value, " +
			"checks_total, checks_failed, failed_checks[]"},
	{Name: "report_facts", Title: "报告数据(每份报告的全部表格数字)",
		OrderBy: "year NULLS LAST, entity_name NULLS LAST, report_id, table_key, row_key, col_key",
		Columns: "report_id, entity_name, issuer, jurisdiction, level, parent, year, template_version, is_primary, " +
			"table_key, row_key, col_key, table_zh, label_row, label_col, printed_row, printed_col, raw_text, " +
			"cell_kind, value, url"},
	{Name: "quality_reports", Title: "报告质量概览", OrderBy: "year NULLS LAST, entity_key NULLS LAST, report_id",
		Columns: "report_id, entity_key, entity_name, issuer, jurisdiction, level, year, template_version, status, error, " +
			"is_primary, reports_same_year, fact_count, checks_total, checks_failed, failed_checks[], metrics_total, " +
			"metrics_with_value, metrics_identity_failure, metrics_missing_input, warnings[], url, source_path"},
	{Name: "quality_identity", Title: "勾稽关系不符", OrderBy: "year NULLS LAST, report_id, check_name, key",
		Columns: "report_id, entity_key, entity_name, issuer, year, template_version, is_primary, check_name, title_zh, " +
			"table_key, scope, key, expected, actual, difference, affected_metrics[]"},
	{Name: "quality_cross_year", Title: "跨年结转核对(上年结转下年=本年上年结转)",
		OrderBy: "entity_key, year, col_key",
		Columns: "entity_key, entity_name, year, report_id, prev_report_id, col_key, carried_in, " +
			"prev_carried_out, difference, pass"},
	{Name: "quality_missing_reports", Title: "缺失的年度报告", OrderBy: "entity_key, year",
		Columns: "entity_key, entity_name, level, parent, year, reason_zh"},
	{Name: "quality_edited_reports", Title: "发布后修改的报告", OrderBy: "url",
		Columns: "url, versions, first_fetched_at, last_fetched_at, published_on, evidence[], report_ids[], " +
			"entity_name, year"},
	{Name: "quality_publication", Title: "发布时间与截止日期", OrderBy: "year, entity_name, report_id",
		Columns: "report_id, entity_name, issuer, level, year, url, published_on, first_seen_at, deadline, days_late, " +
			"status, basis, status_zh"},
	{Name: "quality_duplicate_cells", Title: "同一单元格重复且内容不同", OrderBy: "report_id, table_key, row_key, col_key",
		Columns: "report_id, entity_name, year, table_key, row_key, col_key, printed, raw_texts[]"},
	{Name: "quality_format_agreement", Title: "网页与附件(PDF/Word)数据是否一致", OrderBy: "entity_key, year",
		Columns: "entity_key, entity_name, year, web_report_id, web_format, attachment_report_id, attachment_format, " +
			"cells_compared, cells_differ, agree, differences[]"},
	{Name: "quality_edited_figures", Title: "发布后修改的数字(新旧版本对照)",
		OrderBy: "url, version_no, table_key, row_key, col_key",
		Columns: "url, entity_name, year, version_no, old_report_id, new_report_id, table_key, row_key, col_key, " +
			"table_zh, label_row, label_col, old_text, new_text, old_value, new_value, affected_metrics[]"},
	{Name: "metric_dictionary", Title: "指标字典", OrderBy: "sort_order, template_version",
		Columns: "sort_order, metric_key, template_version, name_zh, category_zh, description_zh, formula_sql, " +
			"numerator_sql, denominator_sql, unit, direction, scale, min_denominator, uses_population, headline"},
	{Name: "population", Title: "常住人口(含来源)", OrderBy: "city, jurisdiction, year",
		Columns: "city, jurisdiction, year, residents, source"},
}
