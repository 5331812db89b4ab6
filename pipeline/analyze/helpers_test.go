package analyze

import (
	"context"
	"database/sql"
	"math"
	"slices"
	"testing"

	"github.com/gkbench/gkbench/pipeline/analyze/fixture"
)

// build stores the specs in a fresh warehouse and analyses it in memory.
func build(t *testing.T, opt Options, specs ...fixture.Spec) *Analysis {
	t.Helper()
	if opt.Warehouse == "" {
		opt.Warehouse = t.TempDir()
	}
	if _, err := fixture.Put(opt.Warehouse, specs...); err != nil {
		t.Fatal(err)
	}
	a, err := Build(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// metricRow is one row of metric_values as the tests read it.
type metricRow struct {
	num, den, value  sql.NullFloat64
	reliable         bool
	flags            []string
	missing, blanks  []string
	failed           []string
	isPrimary        bool
	level, parent    string
	templateVersion  string
	flagsZH, issuerN string
}

func strs(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// metric reads the metric row of the report with the given id.
func metric(t *testing.T, a *Analysis, reportID, key string) (metricRow, bool) {
	t.Helper()
	var m metricRow
	var flags, missing, blanks, failed any
	err := a.DB().QueryRow(`SELECT numerator, denominator, value, reliable, flags, missing_cells, blank_cells,
		failed_checks, is_primary, coalesce(level, ''), coalesce(parent, ''), template_version, flags_zh, coalesce(entity_name, '')
		FROM metric_values WHERE report_id = ? AND metric_key = ?`, reportID, key).Scan(
		&m.num, &m.den, &m.value, &m.reliable, &flags, &missing, &blanks, &failed, &m.isPrimary, &m.level, &m.parent,
		&m.templateVersion, &m.flagsZH, &m.issuerN)
	if err == sql.ErrNoRows {
		return m, false
	}
	if err != nil {
		t.Fatalf("metric %s %s: %v", reportID, key, err)
	}
	m.flags, m.missing, m.blanks, m.failed = strs(flags), strs(missing), strs(blanks), strs(failed)
	return m, true
}

func mustMetric(t *testing.T, a *Analysis, reportID, key string) metricRow {
	t.Helper()
	m, ok := metric(t, a, reportID, key)
	if !ok {
		t.Fatalf("no metric row %s for report %s", key, reportID)
	}
	return m
}

func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b))
}

func has(list []string, s string) bool { return slices.Contains(list, s) }

// count runs a count query.
func count(t *testing.T, a *Analysis, q string, args ...any) int {
	t.Helper()
	var n int
	if err := a.DB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// id is the report id fixture.Spec derives.
func id(t *testing.T, s fixture.Spec) string {
	t.Helper()
	r, err := s.Report()
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}
