-- 30_rankings.sql — each issuer among its peers, per year and metric.
--
-- Reads: metric_values (25_metric_values.sql), metric_dictionary.
-- Creates:
--   rankings    one row per primary report and metric with a value, within its peer group
--   peer_stats  one row per peer group (year, metric, level, parent): distribution and the pooled value
--
-- A peer group is the primary reports of the same year, level and parent (05_reports.sql explains level and
-- parent; issuers of level unknown are in no group). Nobody is compared with a body of another group: a
-- display draws one ranking per group. Every row with a value is listed; only some are ranked:
--   ranked          the metric has a direction (higher_better / lower_better) and the value is reliable.
--                   Unreliable values (small denominator, failed identity, out of range: flags) are listed
--                   but not ranked; descriptive (neutral) metrics such as volumes are sorted, never ranked.
--   rank            competition ranking among the ranked rows in the metric's direction, 1 = best; equal
--                   values share a rank and the next rank skips (1, 2, 2, 4). NULL when not ranked.
--   ranked_count    how many rows of the group are ranked: rank n of ranked_count ("第 n/m").
--   unreliable_count  rows of the group whose value is shown but unreliable ("另有 N 个…未排名").
--   peer_count      rows of the group with a value (ranked or not).
--   position        display order within the group, 1 = first: ranked rows by rank, then unreliable rows
--                   in the metric's direction; neutral metrics from the highest value down. Ties in
--                   value are ordered by entity name.
--   percentile      100 × the share of the other ranked peers whose value is not better: 100 = best (ties for
--                   first all get 100), 0 = worse than every other. Oriented by direction, so 100 is the best
--                   on a lower-is-better metric too. NULL when not ranked or when only one row is ranked.
--   p25/p50/p75     continuous quartiles (linear interpolation, as Excel PERCENTILE.INC) of the group's
--                   reliable values: the one median captions and median lines show.
-- peer_stats.pooled_value is recomputed from the summed numerators and denominators of the group's members
-- (each member needs both, reliable or not), times the scale — never an average of rates. For counts it
-- is the sum. min/max and the quartiles are those of the reliable values, as in rankings.

CREATE OR REPLACE TABLE rankings AS
WITH listed AS (
    SELECT
        mv.*,
        mv.reliable AND mv.direction <> 'neutral' AS ranked,
        -- Lower score = earlier: the best first for directed metrics, the highest first for neutral ones.
        CASE mv.direction WHEN 'lower_better' THEN mv.value ELSE -mv.value END AS score
    FROM metric_values mv
    WHERE mv.is_primary AND mv.level <> 'unknown' AND mv.value IS NOT NULL
),
placed AS (
    SELECT
        l.*,
        CASE WHEN l.ranked THEN rank() OVER (PARTITION BY year, metric_key, level, parent, ranked ORDER BY score) END
            AS rank,
        count(*) FILTER (WHERE ranked) OVER peers        AS ranked_count,
        count(*) FILTER (WHERE NOT reliable) OVER peers  AS unreliable_count,
        count(*) OVER peers                              AS peer_count,
        row_number() OVER (peers ORDER BY
            CASE WHEN direction <> 'neutral' AND NOT reliable THEN 1 ELSE 0 END, score, entity_name, report_id)
            AS position,
        quantile_cont(value, 0.25) FILTER (WHERE reliable) OVER peers AS p25,
        quantile_cont(value, 0.50) FILTER (WHERE reliable) OVER peers AS p50,
        quantile_cont(value, 0.75) FILTER (WHERE reliable) OVER peers AS p75
    FROM listed l
    WINDOW peers AS (PARTITION BY year, metric_key, level, parent)
)
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
    ranked,
    rank,
    ranked_count,
    unreliable_count,
    peer_count,
    position,
    CASE WHEN rank IS NOT NULL AND ranked_count > 1
         THEN 100.0 * (ranked_count - rank) / (ranked_count - 1) END AS percentile,
    p25,
    p50,
    p75
FROM placed;

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
    min(value) FILTER (WHERE reliable)                  AS min_value,
    quantile_cont(value, 0.25) FILTER (WHERE reliable)  AS p25,
    quantile_cont(value, 0.50) FILTER (WHERE reliable)  AS p50,
    quantile_cont(value, 0.75) FILTER (WHERE reliable)  AS p75,
    max(value) FILTER (WHERE reliable)                  AS max_value,
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
