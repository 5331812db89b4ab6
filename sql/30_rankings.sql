-- 30_rankings.sql — each issuer among its peers, per year and metric.
--
-- Reads: metric_values (25_metric_values.sql).
-- Creates:
--   rankings    one row per primary report and metric with a value: dense rank, percentile, peer quartiles
--   peer_stats  one row per peer group (year, metric, level, parent): quartiles and the pooled value
--
-- Peers are the primary reports of the same year, level and parent (05_reports.sql explains level and parent;
-- issuers of level unknown are not ranked). Only rows with a value are ranked; unreliable values are ranked
-- too and keep reliable = false and their flags, so a display can grey them out.
--   rank        dense rank in the metric's direction: 1 = best; lower_better ranks the lowest value first,
--               higher_better and neutral the highest. Equal values share a rank; the next rank follows on
--               (1, 1, 2).
--   percentile  100 * percent_rank over the peers' values in ascending order: 0 = the lowest value, 100 = the
--               highest; equal values share it. NULL when the group has a single member.
--   p25/p50/p75 continuous quartiles of the peers' values (linear interpolation, as Excel PERCENTILE.INC).
-- peer_stats.pooled_value is recomputed from the summed numerators and denominators of the group's members
-- (each member needs both), times the scale — never an average of rates. For counts it is the sum.

CREATE OR REPLACE TABLE rankings AS
SELECT
    year,
    metric_key,
    name_zh,
    unit,
    direction,
    level,
    parent,
    entity_key,
    entity_name,
    issuer,
    jurisdiction,
    report_id,
    template_version,
    value,
    numerator,
    denominator,
    reliable,
    flags,
    flags_zh,
    CASE direction
        WHEN 'lower_better' THEN dense_rank() OVER (peers ORDER BY value ASC)
        ELSE dense_rank() OVER (peers ORDER BY value DESC)
    END AS rank,
    count(*) OVER peers AS peer_count,
    CASE WHEN count(*) OVER peers > 1 THEN 100 * percent_rank() OVER (peers ORDER BY value ASC) END AS percentile,
    quantile_cont(value, 0.25) OVER peers AS p25,
    quantile_cont(value, 0.50) OVER peers AS p50,
    quantile_cont(value, 0.75) OVER peers AS p75
FROM metric_values
WHERE is_primary AND level <> 'unknown' AND value IS NOT NULL
WINDOW peers AS (PARTITION BY year, metric_key, level, parent);

CREATE OR REPLACE TABLE peer_stats AS
SELECT
    year,
    metric_key,
    any_value(name_zh)   AS name_zh,
    any_value(unit)      AS unit,
    any_value(direction) AS direction,
    level,
    parent,
    count(*)                         AS members,
    count(value)                     AS members_with_value,
    count(*) FILTER (WHERE reliable) AS members_reliable,
    min(value)                       AS min_value,
    quantile_cont(value, 0.25)       AS p25,
    quantile_cont(value, 0.50)       AS p50,
    quantile_cont(value, 0.75)       AS p75,
    max(value)                       AS max_value,
    count(pool_num)                  AS members_pooled,
    sum(pool_num)                    AS sum_numerator,
    sum(pool_den)                    AS sum_denominator,
    CASE
        WHEN bool_or(is_rate) THEN sum(pool_num) / nullif(sum(pool_den), 0) * any_value(scale)
        ELSE sum(pool_num) * any_value(scale)
    END AS pooled_value
FROM (
    -- A member enters the pooled sums when its numerator (and, for a rate, a denominator of 0 or more) is
    -- known; a zero denominator adds nothing to either sum but counts the member.
    SELECT
        mv.*,
        d.denominator_sql IS NOT NULL AS is_rate,
        CASE WHEN mv.numerator IS NOT NULL AND (d.denominator_sql IS NULL OR mv.denominator >= 0)
             THEN mv.numerator END AS pool_num,
        CASE WHEN mv.numerator IS NOT NULL AND mv.denominator >= 0 THEN mv.denominator END AS pool_den
    FROM metric_values mv
    JOIN metric_dictionary d USING (metric_key, template_version)
    WHERE mv.is_primary AND mv.level <> 'unknown'
)
GROUP BY year, metric_key, level, parent;
