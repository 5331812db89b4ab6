-- 00_sources.sql — copy the Parquet warehouse and the optional inputs into the database.
--
-- Reads the warehouse written by pipeline/warehouse (one file per report and table; column names and types
-- in pipeline/warehouse/schema.go):
--   ${reports_parquet}  read_parquet('<warehouse>/reports/*.parquet', union_by_name = true)
--   ${facts_parquet}    the same over <warehouse>/facts
--   ${checks_parquet}   the same over <warehouse>/checks
-- pipeline/analyze substitutes these placeholders; the warehouse path inside is a quoted SQL literal. When a
-- folder holds no file (read_parquet fails on an empty glob: "No files found") the placeholder is instead the
-- empty target table itself, so the copy inserts nothing. An empty reports folder is an error raised before
-- this file runs.
--
-- The reports table is the warehouse's commit record: a facts or checks file without a reports file is an
-- orphan from an interrupted write, so facts and checks are copied only for committed reports.
--
-- Creates: reports, facts, checks (copies), the input tables population, issuer_registry, report_versions
-- (filled by pipeline/analyze from the shipped population CSV and from optional files; empty otherwise)
-- and analysis_settings (one row of settings; placeholders below).

-- Row order of the copies does not matter (every query orders explicitly); not keeping it makes reading
-- thousands of small files markedly faster.
SET preserve_insertion_order = false;

CREATE OR REPLACE TABLE reports (
    report_id         VARCHAR PRIMARY KEY,
    url               VARCHAR NOT NULL,
    source_path       VARCHAR NOT NULL,
    sha256            VARCHAR NOT NULL,
    issuer            VARCHAR NOT NULL,
    issuer_from       VARCHAR NOT NULL,
    jurisdiction      VARCHAR NOT NULL,
    jurisdiction_from VARCHAR NOT NULL,
    year              INTEGER,
    year_from         VARCHAR NOT NULL,
    published_on      DATE,
    published_from    VARCHAR,
    template_version  VARCHAR,
    version_from      VARCHAR NOT NULL,
    format            VARCHAR NOT NULL,
    title             VARCHAR NOT NULL,
    status            VARCHAR NOT NULL,
    error             VARCHAR,
    warnings          VARCHAR[] NOT NULL,
    fact_count        INTEGER NOT NULL,
    checks_failed     INTEGER NOT NULL,
    parsed_at         TIMESTAMPTZ,
    parser_version    VARCHAR NOT NULL
);
INSERT INTO reports BY NAME
SELECT report_id, url, source_path, sha256, issuer, issuer_from, jurisdiction, jurisdiction_from, year,
       year_from, published_on, published_from, template_version, version_from, format, title, status, error, warnings, fact_count,
       checks_failed, parsed_at, parser_version
FROM ${reports_parquet};

CREATE OR REPLACE TABLE facts (
    report_id        VARCHAR NOT NULL,
    template_version VARCHAR,
    table_key        VARCHAR NOT NULL,
    row_key          VARCHAR,
    col_key          VARCHAR NOT NULL,
    value            DOUBLE,
    cell_kind        VARCHAR NOT NULL,
    raw_text         VARCHAR NOT NULL,
    label_row        VARCHAR NOT NULL,
    label_col        VARCHAR,
    mapping          VARCHAR NOT NULL,
    table_index      INTEGER NOT NULL,
    row_index        INTEGER NOT NULL,
    col_index        INTEGER NOT NULL
);
INSERT INTO facts BY NAME
SELECT report_id, template_version, table_key, row_key, col_key, value, cell_kind, raw_text, label_row,
       label_col, mapping, table_index, row_index, col_index
FROM ${facts_parquet}
WHERE report_id IN (SELECT report_id FROM reports);

CREATE OR REPLACE TABLE checks (
    report_id        VARCHAR NOT NULL,
    template_version VARCHAR,
    check_name       VARCHAR NOT NULL,
    table_key        VARCHAR NOT NULL,
    scope            VARCHAR NOT NULL,
    key              VARCHAR NOT NULL,
    pass             BOOLEAN NOT NULL,
    expected         DOUBLE NOT NULL,
    actual           DOUBLE NOT NULL
);
INSERT INTO checks BY NAME
SELECT report_id, template_version, check_name, table_key, scope, key, pass, expected, actual
FROM ${checks_parquet}
WHERE report_id IN (SELECT report_id FROM reports);

-- Resident population by district (residents = persons). Shipped: sql/population_beijing_2020.csv, the 2020
-- Seventh National Census figures for Beijing's 16 districts as the Beijing Statistics Bureau published them;
-- replaceable with `analyze --population FILE.csv` (same columns). A district without a row gets NULL
-- per-capita metrics.
CREATE OR REPLACE TABLE population (
    city         VARCHAR NOT NULL,
    jurisdiction VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    residents    BIGINT NOT NULL,
    source       VARCHAR NOT NULL,
    PRIMARY KEY (city, jurisdiction, year)
);

-- Optional registry of issuers (`analyze --registry beijing|FILE.yaml|FILE.csv`: the crawler's source
-- registry, pipeline/registry, or a CSV issuer,jurisdiction,level,parent,first_year,last_year): overrides the level and
-- parent that 05_reports.sql derives from issuer names, and names the issuers expected to publish every year
-- (from first_year, the earliest year of their listing pages, to the latest report year). Empty by default.
CREATE OR REPLACE TABLE issuer_registry (
    issuer       VARCHAR PRIMARY KEY,
    jurisdiction VARCHAR,
    level        VARCHAR,
    parent       VARCHAR,
    first_year   INTEGER,
    last_year    INTEGER
);

-- Optional record of fetched versions of report pages, one row per distinct content seen at a URL. Filled from
-- the crawler's raw store (<raw>/versions.jsonl, pipeline/rawstore: url, sha256, report_id, seen_at) when it
-- exists, and from `analyze --versions FILE.csv` (url,sha256,report_id,fetched_at,published_on; only url and
-- sha256 required), the way to supply publication dates. sha256 is the hash of the fetched bytes (the same as
-- reports.sha256); published_on is the date the listing or page shows, NULL when unknown. Empty when absent:
-- the views built on it then find no edits and no publication dates.
CREATE OR REPLACE TABLE report_versions (
    url          VARCHAR NOT NULL,
    sha256       VARCHAR NOT NULL,
    report_id    VARCHAR,
    fetched_at   TIMESTAMP,
    published_on DATE,
    source       VARCHAR NOT NULL
);

-- Settings of this run. Deadlines are month and day of the year after the report year (the usual rule:
-- departments by 31 January, a county-level government's consolidated report by 31 March); jump
-- thresholds are the year-over-year ratios 40_trends.sql flags; warehouse is the folder analysed.
CREATE OR REPLACE TABLE analysis_settings AS
SELECT
    ${deadline_district_month}::INTEGER AS deadline_district_month,
    ${deadline_district_day}::INTEGER   AS deadline_district_day,
    ${deadline_other_month}::INTEGER    AS deadline_other_month,
    ${deadline_other_day}::INTEGER      AS deadline_other_day,
    ${jump_high}::DOUBLE                AS jump_high,
    ${jump_low}::DOUBLE                 AS jump_low,
    ${warehouse}::VARCHAR               AS warehouse;
