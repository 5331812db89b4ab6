-- 55_format_agreement.sql — a report published both as a web page and as an attachment (PDF or Word, often
-- the signed original beside a short HTML notice): do the two give the same figures?
--
-- Both documents are kept as reports of the same entity and year (the primary choice in 05_reports.sql picks
-- one for rankings); this table compares them cell by cell.
--
-- Reads: report_base (05_reports.sql), facts.
-- Creates:
--   quality_format_agreement  one row per entity-year with a readable (ok or partial) report from a web page
--                             (html, text) and one from an attachment (pdf, docx, doc, wps): the best of each
--                             side (ok before partial, then more facts, then report_id), the template cells
--                             either prints, how many differ in cell kind or value, agree, and the first ten
--                             differences as 'table.row.col: web → attachment'.

CREATE OR REPLACE TABLE quality_format_agreement AS
WITH sided AS (
    SELECT report_id, entity_key, entity_name, year, format, status, fact_count,
           CASE WHEN format IN ('html', 'text') THEN 'web' ELSE 'attachment' END AS side
    FROM report_base
    WHERE entity_key IS NOT NULL AND year IS NOT NULL AND status IN ('ok', 'partial')
      AND format IN ('html', 'text', 'pdf', 'docx', 'doc', 'wps')
),
best AS (
    SELECT * FROM (
        SELECT s.*, row_number() OVER (
            PARTITION BY entity_key, year, side
            ORDER BY CASE status WHEN 'ok' THEN 0 ELSE 1 END, fact_count DESC, report_id) AS k
        FROM sided s
    ) WHERE k = 1
),
pairs AS (
    SELECT w.entity_key, w.entity_name, w.year,
           w.report_id AS web_report_id, w.format AS web_format,
           a.report_id AS attachment_report_id, a.format AS attachment_format
    FROM best w
    JOIN best a ON a.entity_key = w.entity_key AND a.year = w.year AND a.side = 'attachment'
    WHERE w.side = 'web'
),
cellvals AS (
    -- A cell printed twice in one document counts once (quality_duplicate_cells reports those).
    SELECT report_id, table_key, row_key, col_key,
           min(cell_kind) AS cell_kind, min(value) AS value, min(raw_text) AS raw_text
    FROM facts
    WHERE row_key IS NOT NULL AND report_id IN (SELECT web_report_id FROM pairs UNION SELECT attachment_report_id FROM pairs)
    GROUP BY report_id, table_key, row_key, col_key
),
cell_keys AS (
    SELECT DISTINCT p.entity_key, p.year, c.table_key, c.row_key, c.col_key
    FROM pairs p
    JOIN cellvals c ON c.report_id IN (p.web_report_id, p.attachment_report_id)
),
compared AS (
    SELECT p.*, k.table_key, k.row_key, k.col_key,
           w.cell_kind AS web_kind, w.raw_text AS web_raw, a.cell_kind AS att_kind, a.raw_text AS att_raw,
           (w.cell_kind IS NOT DISTINCT FROM a.cell_kind AND w.value IS NOT DISTINCT FROM a.value) AS same
    FROM pairs p
    JOIN cell_keys k ON k.entity_key = p.entity_key AND k.year = p.year
    LEFT JOIN cellvals w ON w.report_id = p.web_report_id
         AND w.table_key = k.table_key AND w.row_key = k.row_key AND w.col_key = k.col_key
    LEFT JOIN cellvals a ON a.report_id = p.attachment_report_id
         AND a.table_key = k.table_key AND a.row_key = k.row_key AND a.col_key = k.col_key
)
SELECT
    entity_key,
    entity_name,
    year,
    web_report_id,
    web_format,
    attachment_report_id,
    attachment_format,
    count(*)                           AS cells_compared,
    count(*) FILTER (WHERE NOT same)   AS cells_differ,
    count(*) FILTER (WHERE NOT same) = 0 AS agree,
    coalesce(list(table_key || '.' || row_key || '.' || col_key || ': '
                  || coalesce(web_raw, '(无)') || ' → ' || coalesce(att_raw, '(无)')
                  ORDER BY table_key, row_key, col_key) FILTER (WHERE NOT same), [])[1:10] AS differences
FROM compared
GROUP BY entity_key, entity_name, year, web_report_id, web_format, attachment_report_id, attachment_format;
