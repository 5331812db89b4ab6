-- 27_metric_sources.sql — the source trail of every figure: which printed cells make each numerator and
-- denominator, and what the template's identities say about those cells.
--
-- Reads: cells, report_base (05_reports.sql), template_cells (10_wide.sql), template_identities
-- (12_identities.sql), metric_cells (15_metric_dictionary.sql), metric_values (25_metric_values.sql), checks.
-- Creates:
--   cell_checks     one row per template cell and identity check that covers it (passed or failed)
--   metric_sources  one row per primary report, metric and term: the cell, as the template names it and as the
--                   report prints it, its value as the metric reads it, and the checks covering it
--   report_facts    one row per template cell of every report, with the report's issuer, year and URL and
--                   the cell's Chinese labels: the report figures as a download
--
-- A check of scope column holds along one column (key = column key, members = row keys); one of scope row
-- holds along one row (key = row key, members = column keys); the cells it covers follow from that, as in
-- failed_cells (25_metric_values.sql).

CREATE OR REPLACE TABLE cell_checks AS
SELECT DISTINCT
    k.report_id,
    k.table_key,
    CASE k.scope WHEN 'column' THEN i.member_key ELSE k.key END AS row_key,
    CASE k.scope WHEN 'column' THEN k.key ELSE i.member_key END AS col_key,
    k.check_name,
    i.title_zh,
    k.scope,
    k.key,
    k.pass,
    k.expected,
    k.actual
FROM checks k
JOIN template_identities i
  ON i.template_version = k.template_version AND i.check_name = k.check_name AND i.table_key = k.table_key;

CREATE OR REPLACE TABLE metric_sources AS
WITH checked AS (
    SELECT
        report_id, table_key, row_key, col_key,
        count(*) AS checks_total,
        count(*) FILTER (WHERE NOT pass) AS checks_failed,
        list_sort(list(title_zh || ':应为 ' || CAST(expected AS VARCHAR) || ',实为 ' || CAST(actual AS VARCHAR))
            FILTER (WHERE NOT pass)) AS failed_checks
    FROM cell_checks
    GROUP BY ALL
)
SELECT
    mv.report_id,
    mv.entity_key,
    mv.year,
    mv.metric_key,
    mv.template_version,
    mc.part,
    row_number() OVER (PARTITION BY mv.report_id, mv.metric_key, mc.part
                       ORDER BY tc.table_key, tc.label_row, tc.col_key) AS term_no,
    mc.sign,
    mc.table_key,
    mc.row_key,
    mc.col_key,
    tc.table_zh,
    tc.label_row,
    tc.label_col,
    c.printed_row,
    c.printed_col,
    c.raw_text,
    c.cell_kind,
    c.value,
    coalesce(k.checks_total, 0)  AS checks_total,
    coalesce(k.checks_failed, 0) AS checks_failed,
    coalesce(k.failed_checks, []) AS failed_checks
FROM metric_values mv
JOIN metric_cells mc ON mc.metric_key = mv.metric_key AND mc.template_version = mv.template_version
JOIN template_cells tc
  ON tc.template_version = mc.template_version AND tc.table_key = mc.table_key AND tc.row_key = mc.row_key
 AND tc.col_key = mc.col_key
LEFT JOIN cells c
  ON c.report_id = mv.report_id AND c.table_key = mc.table_key AND c.row_key = mc.row_key AND c.col_key = mc.col_key
LEFT JOIN checked k
  ON k.report_id = mv.report_id AND k.table_key = mc.table_key AND k.row_key = mc.row_key AND k.col_key = mc.col_key
WHERE mv.is_primary;

CREATE OR REPLACE TABLE report_facts AS
SELECT
    c.report_id,
    b.entity_name,
    b.issuer,
    b.jurisdiction,
    b.level,
    b.parent,
    b.year,
    c.template_version,
    b.is_primary,
    c.table_key,
    c.row_key,
    c.col_key,
    tc.table_zh,
    tc.label_row,
    tc.label_col,
    c.printed_row,
    c.printed_col,
    c.raw_text,
    c.cell_kind,
    c.value,
    b.url
FROM cells c
JOIN report_base b USING (report_id)
LEFT JOIN template_cells tc
  ON tc.template_version = c.template_version AND tc.table_key = c.table_key AND tc.row_key = c.row_key
 AND tc.col_key = c.col_key;
