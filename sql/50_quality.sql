-- 50_quality.sql — data-quality tables: what a reader must know before trusting a figure.
--
-- Reads: report_base, cells (05_reports.sql), checks, failed_cells, metric_values (25_metric_values.sql),
-- template_identities, template_cells, metric_cells, issuer_registry, report_versions, analysis_settings.
-- Creates:
--   quality_identity         one row per failed identity check (spec identities 1–4) of a report, with the
--                            metrics of that report it makes unreliable
--   quality_reports          one row per report: status, checks, flagged metrics, duplicates
--   quality_cross_year       carried_in of year y against carried_out of year y − 1, per entity and applicant
--                            column (spec identity 5; a warning, not an error): every comparison, pass or not
--   quality_missing_reports  expected entity-years without a report
--   quality_edited_reports   URLs seen with more than one content (edited after publication)
--   quality_publication      publication date against the deadline, per primary report
--   quality_duplicate_cells  template cells printed more than once in a report with different contents
--   quality_edited_figures   figures that changed between consecutive versions of an edited report

CREATE OR REPLACE TABLE quality_identity AS
WITH affected AS (
    SELECT fc.report_id, fc.check_name,
           list_sort(list_distinct(list(mc.metric_key))) AS affected_metrics
    FROM failed_cells fc
    JOIN report_base b USING (report_id)
    JOIN metric_cells mc
      ON mc.template_version = b.template_version AND mc.table_key = fc.table_key
     AND mc.row_key = fc.row_key AND mc.col_key = fc.col_key
    GROUP BY fc.report_id, fc.check_name
),
titles AS (
    SELECT DISTINCT template_version, check_name, title_zh FROM template_identities
)
SELECT
    k.report_id,
    b.entity_key,
    b.entity_name,
    b.issuer,
    b.year,
    k.template_version,
    b.is_primary,
    k.check_name,
    t.title_zh,
    k.table_key,
    k.scope,
    k.key,
    k.expected,
    k.actual,
    k.actual - k.expected AS difference,
    coalesce(a.affected_metrics, []) AS affected_metrics
FROM checks k
JOIN report_base b USING (report_id)
LEFT JOIN titles t ON t.template_version = k.template_version AND t.check_name = k.check_name
LEFT JOIN affected a ON a.report_id = k.report_id AND a.check_name = k.check_name
WHERE NOT k.pass;

CREATE OR REPLACE TABLE quality_reports AS
WITH c AS (
    SELECT report_id, count(*) AS checks_total, count(*) FILTER (WHERE NOT pass) AS checks_failed_count,
           list_sort(list_distinct(list(check_name) FILTER (WHERE NOT pass))) AS failed_checks
    FROM checks GROUP BY report_id
),
m AS (
    SELECT report_id,
           count(*) AS metrics_total,
           count(value) AS metrics_with_value,
           count(*) FILTER (WHERE list_contains(flags, 'identity_failure')) AS metrics_identity_failure,
           count(*) FILTER (WHERE list_contains(flags, 'missing_input')) AS metrics_missing_input
    FROM metric_values GROUP BY report_id
)
SELECT
    b.report_id,
    b.entity_key,
    b.entity_name,
    b.issuer,
    b.jurisdiction,
    b.level,
    b.year,
    b.template_version,
    b.status,
    b.error,
    b.is_primary,
    b.reports_same_year,
    b.fact_count,
    coalesce(c.checks_total, 0)        AS checks_total,
    coalesce(c.checks_failed_count, 0) AS checks_failed,
    coalesce(c.failed_checks, [])      AS failed_checks,
    coalesce(m.metrics_total, 0)            AS metrics_total,
    coalesce(m.metrics_with_value, 0)       AS metrics_with_value,
    coalesce(m.metrics_identity_failure, 0) AS metrics_identity_failure,
    coalesce(m.metrics_missing_input, 0)    AS metrics_missing_input,
    b.warnings,
    b.url,
    b.source_path
FROM report_base b
LEFT JOIN c USING (report_id)
LEFT JOIN m USING (report_id);

CREATE OR REPLACE TABLE quality_cross_year AS
WITH prim AS (
    SELECT entity_key, entity_name, year, report_id FROM report_base WHERE is_primary
)
SELECT
    cur.entity_key,
    cur.entity_name,
    cur.year,
    cur.report_id,
    prev.report_id AS prev_report_id,
    ci.col_key,
    ci.value AS carried_in,
    co.value AS prev_carried_out,
    ci.value - co.value AS difference,
    ci.value = co.value AS pass
FROM prim cur
JOIN prim prev ON prev.entity_key = cur.entity_key AND prev.year = cur.year - 1
JOIN cells ci ON ci.report_id = cur.report_id AND ci.table_key = 'applications' AND ci.row_key = 'carried_in'
JOIN cells co ON co.report_id = prev.report_id AND co.table_key = 'applications' AND co.row_key = 'carried_out'
             AND co.col_key = ci.col_key
WHERE ci.value IS NOT NULL AND co.value IS NOT NULL;

-- Expected entity-years: from the entity's first report year (or the registry's first_year) to the latest
-- report year in the warehouse (or the registry's last_year, if earlier). Registered issuers whose entity has
-- no report at all are expected over the same range, from the earliest report year when the registry gives
-- none. Registry rows reach entities through issuers, so 延庆区人民政府's reports count for the registered
-- 北京市延庆区人民政府.
CREATE OR REPLACE TABLE quality_missing_reports AS
WITH span AS (
    SELECT min(year) AS min_year, max(year) AS max_year FROM report_base WHERE year IS NOT NULL
),
registered AS (
    SELECT i.entity_key, any_value(g.issuer) AS issuer, any_value(i.level) AS level, any_value(i.parent) AS parent,
           min(g.first_year) AS reg_first, max(g.last_year) AS reg_last
    FROM issuer_registry g
    JOIN issuers i USING (issuer)
    GROUP BY i.entity_key
),
published AS (
    SELECT entity_key, any_value(entity_name) AS entity_name, any_value(level) AS level,
           any_value(parent) AS parent, min(year) AS first_year
    FROM report_base
    WHERE is_primary
    GROUP BY entity_key
),
entities AS (
    SELECT
        coalesce(p.entity_key, g.entity_key) AS entity_key,
        coalesce(p.entity_name, g.issuer)    AS entity_name,
        coalesce(p.level, g.level)           AS level,
        coalesce(p.parent, g.parent)         AS parent,
        p.first_year, g.reg_first, g.reg_last
    FROM published p
    FULL JOIN registered g USING (entity_key)
),
expected AS (
    SELECT e.entity_key, e.entity_name, e.level, e.parent, y.year
    FROM entities e
    CROSS JOIN span s
    CROSS JOIN LATERAL (
        SELECT unnest(range(coalesce(e.reg_first, e.first_year, s.min_year),
                            least(coalesce(e.reg_last, s.max_year), s.max_year) + 1)) AS year
    ) y
)
SELECT
    x.entity_key, x.entity_name, x.level, x.parent, x.year,
    '未找到该年度的报告' AS reason_zh
FROM expected x
WHERE NOT EXISTS (
    SELECT 1 FROM report_base b WHERE b.entity_key = x.entity_key AND b.year = x.year AND b.is_primary
)
ORDER BY x.entity_key, x.year;

-- A URL whose content changed: several distinct contents in the warehouse (re-imported after an edit) or in
-- report_versions (the crawler records a new version when a page's figures change). Zero rows when neither
-- shows an edit.
CREATE OR REPLACE TABLE quality_edited_reports AS
WITH seen AS (
    SELECT url, sha256, fetched_at, published_on, source AS evidence FROM report_versions
    UNION ALL
    SELECT url, sha256, NULL, NULL, 'warehouse' FROM reports WHERE url <> ''
),
per_url AS (
    SELECT url,
           count(DISTINCT sha256) AS versions,
           min(fetched_at) AS first_fetched_at,
           max(fetched_at) AS last_fetched_at,
           min(published_on) AS published_on,
           list_sort(list_distinct(list(evidence))) AS evidence
    FROM seen
    GROUP BY url
    HAVING count(DISTINCT sha256) > 1
)
SELECT
    p.url,
    p.versions,
    p.first_fetched_at,
    p.last_fetched_at,
    p.published_on,
    p.evidence,
    (SELECT list_sort(list(r.report_id)) FROM reports r WHERE r.url = p.url) AS report_ids,
    (SELECT arg_max(b.entity_name, b.parsed_at) FROM report_base b WHERE b.url = p.url) AS entity_name,
    (SELECT max(r.year) FROM reports r WHERE r.url = p.url) AS year
FROM per_url p;

-- Deadline: month and day (analysis_settings) of the year after the report year: the district-government
-- deadline for level district_government and city_government, the other one for everything else.
-- published_on is the date the report itself carries (reports.published_on: the listing's date passed by the
-- crawler or a manifest, else the page's 日期/发布时间), else one from report_versions (matched by report id,
-- else content hash, else URL); NULL when unknown. first_seen_at is when the crawler first fetched the page: a page seen before the deadline was
-- published on time even without a date (status on_time, basis first_seen); one first seen later is unknown.
CREATE OR REPLACE TABLE quality_publication AS
WITH by_id AS (
    SELECT report_id, min(published_on) AS published_on, min(fetched_at) AS first_seen_at
    FROM report_versions WHERE report_id IS NOT NULL GROUP BY report_id
),
by_hash AS (
    SELECT sha256, min(published_on) AS published_on, min(fetched_at) AS first_seen_at
    FROM report_versions GROUP BY sha256
),
by_url AS (
    SELECT url, min(published_on) AS published_on, min(fetched_at) AS first_seen_at
    FROM report_versions GROUP BY url
),
dated AS (
    SELECT
        b.report_id, b.entity_name, b.issuer, b.level, b.year, b.url,
        coalesce(b.published_on, i.published_on, h.published_on, u.published_on) AS published_on,
        least(i.first_seen_at, h.first_seen_at, u.first_seen_at) AS first_seen_at,
        CASE WHEN b.level IN ('district_government', 'city_government')
             THEN make_date(b.year + 1, s.deadline_district_month, s.deadline_district_day)
             ELSE make_date(b.year + 1, s.deadline_other_month, s.deadline_other_day)
        END AS deadline
    FROM report_base b
    CROSS JOIN analysis_settings s
    LEFT JOIN by_id i ON i.report_id = b.report_id
    LEFT JOIN by_hash h ON h.sha256 = b.sha256
    LEFT JOIN by_url u ON u.url = b.url AND b.url <> ''
    WHERE b.is_primary
)
SELECT
    *,
    published_on - deadline AS days_late,
    CASE
        WHEN published_on IS NOT NULL AND published_on <= deadline THEN 'on_time'
        WHEN published_on IS NOT NULL THEN 'late'
        WHEN first_seen_at::DATE <= deadline THEN 'on_time'
        ELSE 'unknown'
    END AS status,
    CASE
        WHEN published_on IS NOT NULL THEN 'published_on'
        WHEN first_seen_at::DATE <= deadline THEN 'first_seen'
    END AS basis,
    CASE
        WHEN published_on IS NOT NULL AND published_on <= deadline THEN '按期发布'
        WHEN published_on IS NOT NULL THEN '逾期发布'
        WHEN first_seen_at::DATE <= deadline THEN '按期发布(截止日前已抓取到)'
        ELSE '发布日期未知'
    END AS status_zh
FROM dated;

CREATE OR REPLACE TABLE quality_duplicate_cells AS
WITH printed_twice AS (
    SELECT report_id, table_key, row_key, col_key
    FROM facts
    WHERE row_key IS NOT NULL
    GROUP BY ALL
    HAVING count(*) > 1
)
SELECT
    f.report_id, b.entity_name, b.year, f.table_key, f.row_key, f.col_key,
    count(*) AS printed,
    list(f.raw_text ORDER BY f.table_index, f.row_index, f.col_index) AS raw_texts
FROM facts f
JOIN printed_twice USING (report_id, table_key, row_key, col_key)
JOIN report_base b USING (report_id)
GROUP BY f.report_id, b.entity_name, b.year, f.table_key, f.row_key, f.col_key
HAVING count(DISTINCT coalesce(f.value::VARCHAR, f.cell_kind)) > 1;

-- Figures that changed between consecutive versions of an edited report (a URL in quality_edited_reports
-- whose versions the warehouse holds): old → new per template cell. Versions are ordered by when the crawler
-- first saw them (report_versions), else by when they were parsed. affected_metrics are the metrics that read
-- the cell in the new version's template.
CREATE OR REPLACE TABLE quality_edited_figures AS
WITH seen AS (
    SELECT report_id, min(fetched_at) AS first_seen_at
    FROM report_versions WHERE report_id IS NOT NULL GROUP BY report_id
),
versions AS (
    SELECT
        r.url, r.report_id, r.parsed_at, s.first_seen_at,
        row_number() OVER (PARTITION BY r.url ORDER BY s.first_seen_at NULLS LAST, r.parsed_at, r.report_id) AS version_no,
        lag(r.report_id) OVER (PARTITION BY r.url ORDER BY s.first_seen_at NULLS LAST, r.parsed_at, r.report_id)
            AS old_report_id
    FROM reports r
    LEFT JOIN seen s USING (report_id)
    WHERE r.url IN (SELECT url FROM quality_edited_reports)
),
pairs AS (
    SELECT url, old_report_id, report_id AS new_report_id, version_no FROM versions WHERE old_report_id IS NOT NULL
),
olds AS (
    SELECT p.*, c.* EXCLUDE (report_id) FROM pairs p JOIN cells c ON c.report_id = p.old_report_id
),
news AS (
    SELECT p.*, c.* EXCLUDE (report_id) FROM pairs p JOIN cells c ON c.report_id = p.new_report_id
),
changed AS (
    SELECT
        coalesce(n.url, o.url) AS url,
        coalesce(n.old_report_id, o.old_report_id) AS old_report_id,
        coalesce(n.new_report_id, o.new_report_id) AS new_report_id,
        coalesce(n.version_no, o.version_no) AS version_no,
        coalesce(n.table_key, o.table_key) AS table_key,
        coalesce(n.row_key, o.row_key)     AS row_key,
        coalesce(n.col_key, o.col_key)     AS col_key,
        coalesce(n.template_version, o.template_version) AS template_version,
        o.raw_text AS old_text, n.raw_text AS new_text,
        o.value AS old_value, n.value AS new_value
    FROM news n
    FULL OUTER JOIN olds o
      ON o.new_report_id = n.new_report_id AND o.table_key = n.table_key AND o.row_key = n.row_key
     AND o.col_key = n.col_key
    WHERE n.value IS DISTINCT FROM o.value OR n.cell_kind IS DISTINCT FROM o.cell_kind
)
SELECT
    c.url,
    b.entity_name,
    b.year,
    c.version_no,
    c.old_report_id,
    c.new_report_id,
    c.table_key,
    c.row_key,
    c.col_key,
    tc.table_zh,
    tc.label_row,
    tc.label_col,
    c.old_text,
    c.new_text,
    c.old_value,
    c.new_value,
    coalesce((SELECT list_sort(list(DISTINCT mc.metric_key)) FROM metric_cells mc
              WHERE mc.template_version = c.template_version AND mc.table_key = c.table_key
                AND mc.row_key = c.row_key AND mc.col_key = c.col_key), []) AS affected_metrics
FROM changed c
JOIN report_base b ON b.report_id = c.new_report_id
LEFT JOIN template_cells tc
  ON tc.template_version = c.template_version AND tc.table_key = c.table_key AND tc.row_key = c.row_key
 AND tc.col_key = c.col_key;
