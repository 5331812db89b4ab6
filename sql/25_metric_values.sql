-- 25_metric_values.sql — metric values with their numerators, denominators and flags.
--
-- Reads: metric_raw, metric_base (20_metric_formulas.sql), metric_dictionary, metric_cells
-- (15_metric_dictionary.sql), template_identities (12_identities.sql), cells, report_base (05_reports.sql),
-- checks.
-- Creates:
--   failed_cells   the cells each failed identity check puts in doubt
--   metric_values  one row per report and metric of its template version
--
-- value = numerator / denominator * scale (numerator * scale for counts). It is NULL when an input is
-- missing, when the denominator is 0 or negative, or when the population is unknown. flags says why, and
-- what else a reader must know:
--   missing_input         a cell the metric reads is absent from the report or held text (value NULL)
--   no_population         the metric needs the district's population and there is none (value NULL)
--   blank_as_zero         a cell the metric reads was printed empty or as not applicable and counts as 0
--   denominator_zero      the denominator is 0 (value NULL)
--   denominator_negative  the denominator is below 0, e.g. more pending cases than cases (value NULL)
--   small_denominator     0 < denominator < min_denominator (e.g. fewer than 5 closed cases): shown, unreliable
--   identity_failure      a cell the metric reads is part of a failed identity check of the report: shown,
--                         unreliable (failed_checks names the checks)
--   out_of_range          a share (unit 比率) below 0 or above 1: shown, unreliable
-- reliable = the value is not NULL and none of small_denominator, identity_failure, out_of_range is set.

CREATE OR REPLACE TABLE failed_cells AS
SELECT DISTINCT
    k.report_id,
    k.check_name,
    k.table_key,
    CASE k.scope WHEN 'column' THEN i.member_key ELSE k.key END AS row_key,
    CASE k.scope WHEN 'column' THEN k.key ELSE i.member_key END AS col_key
FROM checks k
JOIN template_identities i
  ON i.template_version = k.template_version AND i.check_name = k.check_name AND i.table_key = k.table_key
WHERE NOT k.pass;

CREATE OR REPLACE TABLE metric_values AS
WITH input_state AS (
    -- For each report and metric: which of its input cells are missing, blank, or in a failed check.
    SELECT
        b.report_id,
        mc.metric_key,
        list_sort(list_distinct(list(mc.table_key || '.' || mc.row_key || '.' || mc.col_key)
            FILTER (WHERE c.value IS NULL))) AS missing_cells,
        list_sort(list_distinct(list(mc.table_key || '.' || mc.row_key || '.' || mc.col_key)
            FILTER (WHERE c.cell_kind IN ('empty', 'na')))) AS blank_cells,
        list_sort(list_distinct(list(fc.check_name))) AS failed_checks
    FROM metric_base b
    JOIN metric_cells mc ON mc.template_version = b.template_version
    LEFT JOIN cells c
      ON c.report_id = b.report_id AND c.table_key = mc.table_key AND c.row_key = mc.row_key
     AND c.col_key = mc.col_key
    LEFT JOIN failed_cells fc
      ON fc.report_id = b.report_id AND fc.table_key = mc.table_key AND fc.row_key = mc.row_key
     AND fc.col_key = mc.col_key
    GROUP BY b.report_id, mc.metric_key
),
computed AS (
    SELECT
        m.report_id,
        m.metric_key,
        m.numerator,
        m.denominator,
        d.*,
        d.denominator_sql IS NOT NULL AS is_rate,
        coalesce(s.missing_cells, [])  AS missing_cells,
        coalesce(s.blank_cells, [])    AS blank_cells,
        coalesce(s.failed_checks, [])  AS failed_checks,
        CASE
            WHEN m.numerator IS NULL THEN NULL
            WHEN d.denominator_sql IS NULL THEN m.numerator * d.scale
            WHEN m.denominator IS NULL OR m.denominator <= 0 THEN NULL
            ELSE m.numerator / m.denominator * d.scale
        END AS value
    FROM metric_raw m
    JOIN metric_base b USING (report_id)
    JOIN metric_dictionary d ON d.metric_key = m.metric_key AND d.template_version = b.template_version
    LEFT JOIN input_state s ON s.report_id = m.report_id AND s.metric_key = m.metric_key
),
flagged AS (
    SELECT
        c.*,
        list_filter([
            CASE WHEN len(c.missing_cells) > 0 THEN 'missing_input' END,
            CASE WHEN c.uses_population AND b.population IS NULL THEN 'no_population' END,
            CASE WHEN len(c.blank_cells) > 0 THEN 'blank_as_zero' END,
            CASE WHEN c.is_rate AND c.denominator = 0 THEN 'denominator_zero' END,
            CASE WHEN c.is_rate AND c.denominator < 0 THEN 'denominator_negative' END,
            CASE WHEN c.is_rate AND c.denominator > 0 AND c.denominator < c.min_denominator
                 THEN 'small_denominator' END,
            CASE WHEN len(c.failed_checks) > 0 THEN 'identity_failure' END,
            CASE WHEN c.unit = '比率' AND (c.value < 0 OR c.value > 1) THEN 'out_of_range' END
        ], x -> x IS NOT NULL) AS flags,
        b.population
    FROM computed c
    JOIN report_base b USING (report_id)
)
SELECT
    b.report_id,
    b.entity_key,
    b.entity_name,
    b.issuer,
    b.jurisdiction,
    b.level,
    b.parent,
    b.year,
    b.template_version,
    b.is_primary,
    b.status AS report_status,
    f.metric_key,
    f.name_zh,
    f.category_zh,
    f.sort_order,
    f.unit,
    f.direction,
    f.scale,
    f.numerator,
    f.denominator,
    f.value,
    f.value IS NOT NULL
        AND NOT list_has_any(f.flags, ['small_denominator', 'identity_failure', 'out_of_range']) AS reliable,
    f.flags,
    array_to_string(list_transform(f.flags, x -> CASE x
        WHEN 'missing_input' THEN '缺少所需数据'
        WHEN 'no_population' THEN '无常住人口数据'
        WHEN 'blank_as_zero' THEN '空白单元格按0计'
        WHEN 'denominator_zero' THEN '分母为0'
        WHEN 'denominator_negative' THEN '分母为负'
        WHEN 'small_denominator' THEN '分母过小(<' || f.min_denominator::INTEGER || '),仅供参考'
        WHEN 'identity_failure' THEN '所用数据未通过勾稽关系校验'
        WHEN 'out_of_range' THEN '比率超出0至1'
        ELSE x END), ';') AS flags_zh,
    f.missing_cells,
    f.blank_cells,
    f.failed_checks
FROM flagged f
JOIN report_base b USING (report_id);

-- pooled_rate(numerator, denominator): an aggregate over several rows (e.g. districts) recomputed from summed
-- numerators and denominators, never an average of rates. Rows missing either part are left out of both sums.
-- Multiply by the metric's scale for per-100 or per-10 000 metrics. Example:
--   SELECT year, pooled_rate(numerator, denominator) FROM metric_values
--   WHERE metric_key = 'unable_not_held_rate' AND level = 'district_government' AND is_primary GROUP BY year;
CREATE OR REPLACE MACRO pooled_rate(num, den) AS
    sum(CASE WHEN den IS NOT NULL THEN num END)
    / nullif(sum(CASE WHEN num IS NOT NULL THEN den END), 0);
