-- 40_trends.sql — year-over-year change per entity and metric.
--
-- Reads: report_base (05_reports.sql), metric_dictionary, metric_values, analysis_settings.
-- Creates:
--   trends  one row per entity, metric and year from the entity's first to its last report year, comparing
--           year y with year y − 1 (never with an earlier year: a gap is shown, not bridged).
--
-- Years without a report are rows too (flag missing_year), with the metrics of the template version that
-- year would use (2019 trial format for 2019–2020, 2021 format from 2021). Columns:
--   change = value − prev_value (in the metric's unit; for shares, a difference of shares)
--   ratio  = value / prev_value, when prev_value > 0
--   base_year, base_value, base_template_version: the entity's first year with a value of the metric ("自 X
--          年以来"); change_since = value − base_value and ratio_since = value / base_value (base_value > 0),
--          both NULL in the base year itself. A base of another template version is compared with care.
-- flags:
--   missing_year          no report for this year
--   prev_missing          no report for the previous year (the entity published before it)
--   version_change        the two reports use different template versions: compare with care
--   prev_not_applicable   the previous report's template version has no such metric
--   value_missing         the report exists but the metric has no value (see metric_values.flags)
--   prev_value_missing    the same for the previous year
--   jump_up / jump_down   ratio > jump_high (5) / ratio < jump_low (0.2), thresholds in analysis_settings
--   from_zero             the previous value was 0 and this one is above 0 (an unbounded jump)
--   unreliable            either value is marked unreliable in metric_values

CREATE OR REPLACE TABLE trends AS
WITH primary_reports AS (
    SELECT entity_key, entity_name, level, parent, year, report_id, template_version
    FROM report_base
    WHERE is_primary
),
entities AS (
    SELECT entity_key, any_value(entity_name) AS entity_name, any_value(level) AS level,
           any_value(parent) AS parent, min(year) AS first_year, max(year) AS last_year
    FROM primary_reports
    GROUP BY entity_key
),
spine AS (
    -- Every year of every entity's span, with its report when there is one.
    SELECT
        e.entity_key, e.entity_name, e.level, e.parent, e.first_year, y.year,
        p.report_id,
        coalesce(p.template_version,
                 CASE WHEN y.year >= 2021 THEN '2021' WHEN y.year >= 2019 THEN '2019' END) AS template_version
    FROM entities e
    CROSS JOIN LATERAL (SELECT unnest(range(e.first_year, e.last_year + 1)) AS year) y
    LEFT JOIN primary_reports p ON p.entity_key = e.entity_key AND p.year = y.year
),
vals AS (
    SELECT
        s.*,
        d.metric_key, d.name_zh, d.unit, d.direction, d.sort_order,
        mv.value, mv.reliable
    FROM spine s
    JOIN metric_dictionary d ON d.template_version = s.template_version
    LEFT JOIN metric_values mv ON mv.report_id = s.report_id AND mv.metric_key = d.metric_key
),
paired AS (
    SELECT
        c.*,
        ps.report_id        AS prev_report_id,
        ps.template_version AS prev_template_version,
        (ps.entity_key IS NOT NULL AND ps.report_id IS NOT NULL) AS prev_present,
        pv.metric_key IS NOT NULL AS prev_applicable,
        pv.value    AS prev_value,
        pv.reliable AS prev_reliable
    FROM vals c
    LEFT JOIN spine ps ON ps.entity_key = c.entity_key AND ps.year = c.year - 1
    LEFT JOIN vals pv ON pv.entity_key = c.entity_key AND pv.year = c.year - 1 AND pv.metric_key = c.metric_key
),
computed AS (
    SELECT
        p.*,
        CASE WHEN p.year > p.first_year THEN p.year - 1 END AS prev_year,
        p.value - p.prev_value AS change,
        CASE WHEN p.prev_value > 0 THEN p.value / p.prev_value END AS ratio,
        s.jump_high, s.jump_low
    FROM paired p
    CROSS JOIN analysis_settings s
),
flagged AS (
    SELECT
        *,
        list_filter([
            CASE WHEN report_id IS NULL THEN 'missing_year' END,
            CASE WHEN prev_year IS NOT NULL AND NOT prev_present THEN 'prev_missing' END,
            CASE WHEN report_id IS NOT NULL AND prev_present AND template_version <> prev_template_version
                 THEN 'version_change' END,
            CASE WHEN prev_present AND NOT prev_applicable THEN 'prev_not_applicable' END,
            CASE WHEN report_id IS NOT NULL AND value IS NULL THEN 'value_missing' END,
            CASE WHEN prev_present AND prev_applicable AND prev_value IS NULL THEN 'prev_value_missing' END,
            CASE WHEN ratio > jump_high THEN 'jump_up' END,
            CASE WHEN ratio < jump_low THEN 'jump_down' END,
            CASE WHEN prev_value = 0 AND value > 0 THEN 'from_zero' END,
            CASE WHEN reliable = false OR prev_reliable = false THEN 'unreliable' END
        ], x -> x IS NOT NULL) AS flags
    FROM computed
)
SELECT
    entity_key,
    entity_name,
    level,
    parent,
    metric_key,
    name_zh,
    unit,
    direction,
    sort_order,
    year,
    report_id,
    template_version,
    value,
    reliable,
    prev_year,
    prev_report_id,
    prev_template_version,
    prev_value,
    prev_reliable,
    change,
    ratio,
    base_year,
    base_value,
    base_template_version,
    CASE WHEN year > base_year THEN value - base_value END AS change_since,
    CASE WHEN year > base_year AND base_value > 0 THEN value / base_value END AS ratio_since,
    flags,
    array_to_string(list_transform(flags, x -> CASE x
        WHEN 'missing_year' THEN '本年无报告'
        WHEN 'prev_missing' THEN '上年无报告'
        WHEN 'version_change' THEN '模板版本变化'
        WHEN 'prev_not_applicable' THEN '上年模板无此指标'
        WHEN 'value_missing' THEN '本年无指标值'
        WHEN 'prev_value_missing' THEN '上年无指标值'
        WHEN 'jump_up' THEN '较上年骤增(超过' || jump_high || '倍)'
        WHEN 'jump_down' THEN '较上年骤降(不足' || jump_low || '倍)'
        WHEN 'from_zero' THEN '上年为0'
        WHEN 'unreliable' THEN '数值仅供参考'
        ELSE x END), ';') AS flags_zh
FROM (
    SELECT
        f.*,
        min(year) FILTER (WHERE value IS NOT NULL) OVER w                  AS base_year,
        arg_min(value, year) FILTER (WHERE value IS NOT NULL) OVER w      AS base_value,
        arg_min(template_version, year) FILTER (WHERE value IS NOT NULL) OVER w AS base_template_version
    FROM flagged f
    WINDOW w AS (PARTITION BY entity_key, metric_key)
);
