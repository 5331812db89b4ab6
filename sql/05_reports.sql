-- 05_reports.sql — who published each report, which report counts for an issuer-year, and the figures as
-- metrics read them.
--
-- Reads: reports, facts, population, issuer_registry, report_versions (00_sources.sql).
-- Creates:
--   issuers      one row per issuer name: level, parent and the entity it belongs to
--   report_base  one row per report: reports plus entity, level, parent, population, is_primary
--   cells        one row per template cell of a report, with the value metrics use
--
-- Level and parent (peers for rankings are reports of the same year, level and parent):
--   district_government  issuer ends in 区人民政府, 县人民政府 or 旗人民政府 (北京市丰台区人民政府). Parent: the
--                        city named at the start of the issuer (北京市), else the city the population table
--                        gives for the jurisdiction, else ''.
--   city_government      issuer is a city's own government (北京市人民政府). Parent ''.
--   street_town          issuer ends in 街道办事处, 地区办事处, 乡人民政府 or 镇人民政府. Parent: its jurisdiction.
--   department           any other issuer with a known jurisdiction (委办局 and the like). Parent: its
--                        jurisdiction (the district), so a district's departments are each other's peers.
--   unknown              no jurisdiction: not ranked, not trended.
-- A row in issuer_registry overrides level and parent for that issuer (level_from = 'registry'). Registered
-- issuers without any report are in issuers too, so quality_missing_reports can expect them.
--
-- Entity: a district government is identified by (parent, jurisdiction), so 丰台区人民政府 and
-- 北京市丰台区人民政府 are one entity; any other issuer by its level and name. Trends and the cross-year
-- check follow entities.
--
-- Primary report: when an entity has several reports for one year (copies, edited versions), one counts for
-- rankings and trends: status ok before partial before failed, then more facts, then the most recently
-- fetched (report_versions) or parsed, then report_id. metric_values keeps every report, with is_primary.

CREATE OR REPLACE TABLE issuers AS
WITH seen AS (
    -- Issuers of reports, and registered issuers without a report (they are expected to publish).
    SELECT DISTINCT issuer, jurisdiction FROM reports WHERE issuer <> ''
    UNION
    SELECT issuer, coalesce(jurisdiction, '') FROM issuer_registry
    WHERE issuer NOT IN (SELECT issuer FROM reports)
),
ruled AS (
    SELECT
        issuer,
        jurisdiction,
        CASE
            WHEN regexp_matches(issuer, '(区|县|旗)人民政府$') THEN 'district_government'
            WHEN regexp_matches(issuer, '^[^区县旗]*市人民政府$') THEN 'city_government'
            WHEN regexp_matches(issuer, '(街道办事处|地区办事处|乡人民政府|镇人民政府)$') THEN 'street_town'
            WHEN jurisdiction <> '' THEN 'department'
            ELSE 'unknown'
        END AS level,
        -- The city at the start of the name, after an optional province: 河北省石家庄市长安区人民政府 → 石家庄市.
        regexp_extract(issuer, '^(?:.+?(?:省|自治区))?([^区县旗省]+?市)', 1) AS city_prefix
    FROM seen
),
with_parent AS (
    SELECT
        r.issuer,
        r.jurisdiction,
        r.level AS rule_level,
        CASE r.level
            WHEN 'district_government' THEN coalesce(
                nullif(r.city_prefix, ''),
                (SELECT min(p.city) FROM population p WHERE p.jurisdiction = r.jurisdiction),
                '')
            WHEN 'street_town' THEN r.jurisdiction
            WHEN 'department' THEN r.jurisdiction
            ELSE ''
        END AS rule_parent
    FROM ruled r
)
SELECT
    w.issuer,
    w.jurisdiction,
    coalesce(g.level, w.rule_level)   AS level,
    coalesce(g.parent, w.rule_parent) AS parent,
    CASE WHEN g.issuer IS NULL THEN 'rule' ELSE 'registry' END AS level_from,
    CASE
        WHEN coalesce(g.level, w.rule_level) = 'district_government' AND w.jurisdiction <> ''
            THEN 'district_government|' || coalesce(g.parent, w.rule_parent) || '|' || w.jurisdiction
        ELSE coalesce(g.level, w.rule_level) || '|' || w.issuer
    END AS entity_key
FROM with_parent w
LEFT JOIN issuer_registry g USING (issuer);

CREATE OR REPLACE TABLE report_base AS
WITH entity_names AS (
    -- The display name of an entity: its longest issuer name (北京市丰台区人民政府 over 丰台区人民政府).
    SELECT entity_key, arg_max(issuer, length(issuer)) AS entity_name
    FROM issuers
    GROUP BY entity_key
),
fetched AS (
    SELECT sha256, max(fetched_at) AS fetched_at FROM report_versions GROUP BY sha256
),
based AS (
    SELECT
        r.*,
        i.level,
        i.parent,
        i.level_from,
        i.entity_key,
        n.entity_name,
        f.fetched_at
    FROM reports r
    LEFT JOIN issuers i USING (issuer, jurisdiction)
    LEFT JOIN entity_names n USING (entity_key)
    LEFT JOIN fetched f USING (sha256)
),
ranked AS (
    SELECT
        b.*,
        CASE WHEN b.entity_key IS NOT NULL AND b.year IS NOT NULL
             THEN count(*) OVER (PARTITION BY b.entity_key, b.year) END AS reports_same_year,
        row_number() OVER (
            PARTITION BY b.entity_key, b.year
            ORDER BY CASE b.status WHEN 'ok' THEN 0 WHEN 'partial' THEN 1 ELSE 2 END,
                     b.fact_count DESC, b.fetched_at DESC NULLS LAST, b.parsed_at DESC NULLS LAST, b.report_id
        ) AS choice
    FROM based b
),
populated AS (
    -- The population of a district government's district: the latest population year not after the
    -- report year, else the earliest one.
    SELECT report_id, residents, population_year
    FROM (
        SELECT
            r.report_id,
            p.residents,
            p.year AS population_year,
            row_number() OVER (
                PARTITION BY r.report_id
                ORDER BY CASE WHEN p.year <= r.year THEN 0 ELSE 1 END,
                         CASE WHEN p.year <= r.year THEN -p.year ELSE p.year END
            ) AS n
        FROM ranked r
        JOIN population p
          ON p.jurisdiction = r.jurisdiction AND (r.parent = '' OR p.city = r.parent)
        WHERE r.level = 'district_government'
    )
    WHERE n = 1
)
SELECT
    r.* EXCLUDE (choice),
    (r.choice = 1 AND r.entity_key IS NOT NULL AND r.year IS NOT NULL) AS is_primary,
    p.residents::DOUBLE AS population,
    p.population_year
FROM ranked r
LEFT JOIN populated p USING (report_id);

-- cells: one row per template cell of a report (facts with a row key; a cell printed twice counts once, the
-- first in document order — quality_duplicate_cells lists the others). value is what metrics read: the
-- number for a number or zero cell, 0 for an empty or not-applicable cell (reports print blanks for zero;
-- the validator counts them so), NULL for a text cell. cell_kind keeps what the cell held; raw_text,
-- printed_row and printed_col are the cell's text and its row and column labels as the report prints them.
CREATE OR REPLACE TABLE cells AS
SELECT
    report_id,
    template_version,
    table_key,
    row_key,
    col_key,
    cell_kind,
    raw_text,
    label_row AS printed_row,
    label_col AS printed_col,
    CASE
        WHEN cell_kind IN ('number', 'zero') THEN value
        WHEN cell_kind IN ('empty', 'na') THEN 0
    END AS value
FROM (
    SELECT
        f.*,
        row_number() OVER (
            PARTITION BY report_id, table_key, row_key, col_key
            ORDER BY table_index, row_index, col_index
        ) AS n
    FROM facts f
    WHERE row_key IS NOT NULL AND template_version IS NOT NULL
)
WHERE n = 1;
