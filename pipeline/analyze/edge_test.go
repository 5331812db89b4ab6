package analyze

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gkbench/gkbench/pipeline/analyze/fixture"
	"github.com/gkbench/gkbench/pipeline/metrics"
	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/template"
	"github.com/gkbench/gkbench/pipeline/warehouse"
)

// base is a complete, consistent 2021-format district report: 100 new, 10 carried in, 60 granted, 30 not held,
// 10 withheld (third party) → processed 100, carried out 10.
func base(issuer, jurisdiction string, year int) fixture.Spec {
	return fixture.Spec{
		Issuer: issuer, Jurisdiction: jurisdiction, Year: year,
		T3: map[string]float64{"new_received": 100, "carried_in": 10, "granted": 60, "unable_not_held": 30,
			"withheld_third_party": 10},
		T4: map[string][4]float64{"review": {8, 2, 0, 0}, "litigation_direct": {5, 1, 0, 4}},
	}
}

func TestEdgeCases(t *testing.T) {
	zero := fixture.Spec{Issuer: "北京市东城区人民政府", Jurisdiction: "东城区", Year: 2022,
		T3: map[string]float64{}, T4: map[string][4]float64{}}
	small := base("北京市西城区人民政府", "西城区", 2022)
	small.T4 = map[string][4]float64{"review": {2, 1, 0, 3}} // closed = 6 − 3 = 3 < 5
	blank := base("北京市朝阳区人民政府", "朝阳区", 2022)
	// A blank cell that means 0 (its row is all zero), a text cell, and an absent cell.
	blank.Blank = []template.Cell{fixture.T3Cell("withheld_three_safety", "total")}
	text := base("北京市海淀区人民政府", "海淀区", 2022)
	text.Text = []template.Cell{fixture.T3Cell("unable_not_held", "total")}
	omitted := base("北京市丰台区人民政府", "丰台区", 2022)
	omitted.Omit = []template.Cell{fixture.T4Cell("review", "pending")}
	negative := base("北京市石景山区人民政府", "石景山区", 2022)
	negative.Set = map[template.Cell]float64{fixture.T4Cell("review", "pending"): 20} // pending > total
	dept := base("北京市东城区财政局", "东城区", 2022)
	outside := base("河北省石家庄市长安区人民政府", "长安区", 2022)
	failed := fixture.Spec{Issuer: "北京市房山区人民政府", Jurisdiction: "房山区", Year: 2022, NoTables: true, Status: report.Failed}

	a := build(t, Options{}, zero, small, blank, text, omitted, negative, dept, outside, failed)

	type want struct {
		valueNull bool
		value     float64
		flags     []string
		reliable  bool
	}
	cases := []struct {
		name string
		spec fixture.Spec
		key  string
		want want
	}{
		{"zero denominator", zero, "unable_not_held_rate", want{valueNull: true, flags: []string{"denominator_zero"}}},
		{"zero closed reviews", zero, "review_correction_rate", want{valueNull: true, flags: []string{"denominator_zero"}}},
		{"zero count is a value", zero, "new_received", want{value: 0, reliable: true}},
		{"small denominator shown but unreliable", small, "review_correction_rate",
			want{value: 1.0 / 3, flags: []string{"small_denominator"}}},
		{"small denominator does not touch other metrics", small, "unable_not_held_rate", want{value: 0.3, reliable: true}},
		{"blank cell counts as zero, flagged", blank, "withheld_rate",
			want{value: 0.1, flags: []string{"blank_as_zero"}, reliable: true}},
		{"blank cell not an input: no flag", blank, "unable_not_held_rate", want{value: 0.3, reliable: true}},
		{"text cell is missing", text, "unable_not_held_rate", want{valueNull: true, flags: []string{"missing_input"}}},
		{"text cell missing in sums too", text, "unable_rate", want{valueNull: true, flags: []string{"missing_input"}}},
		{"absent cell is missing", omitted, "review_correction_rate", want{valueNull: true, flags: []string{"missing_input"}}},
		{"absent cell elsewhere is harmless", omitted, "granted_rate", want{value: 0.6, reliable: true}},
		{"negative denominator", negative, "review_correction_rate",
			want{valueNull: true, flags: []string{"denominator_negative", "identity_failure"}}},
		{"district population", base("北京市西城区人民政府", "西城区", 2022), "new_received_per_10k",
			want{value: 100.0 / 1106214 * 10000, reliable: true}},
		{"department: no population", dept, "new_received_per_10k", want{valueNull: true, flags: []string{"no_population"}}},
		{"district outside the population table", outside, "new_received_per_10k",
			want{valueNull: true, flags: []string{"no_population"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := mustMetric(t, a, id(t, c.spec), c.key)
			if c.want.valueNull != !m.value.Valid || (m.value.Valid && !near(m.value.Float64, c.want.value)) {
				t.Errorf("value = %v, want null=%v %v", m.value, c.want.valueNull, c.want.value)
			}
			flags := slices.Clone(m.flags)
			slices.Sort(flags)
			wantFlags := slices.Clone(c.want.flags)
			slices.Sort(wantFlags)
			if !slices.Equal(flags, wantFlags) {
				t.Errorf("flags = %v, want %v", m.flags, c.want.flags)
			}
			if m.reliable != c.want.reliable {
				t.Errorf("reliable = %v, want %v", m.reliable, c.want.reliable)
			}
			if len(m.flags) > 0 && m.flagsZH == "" {
				t.Error("flags without Chinese text")
			}
		})
	}
	// The zero report keeps its numerator and denominator (0 and 0) next to the NULL value.
	if m := mustMetric(t, a, id(t, zero), "unable_not_held_rate"); !m.num.Valid || m.num.Float64 != 0 || !m.den.Valid || m.den.Float64 != 0 {
		t.Errorf("zero report: numerator %v denominator %v, want 0 and 0", m.num, m.den)
	}
	// The missing cells are named.
	if m := mustMetric(t, a, id(t, text), "unable_not_held_rate"); !slices.Equal(m.missing, []string{"applications.unable_not_held.total"}) {
		t.Errorf("missing cells = %v", m.missing)
	}
	// Levels and parents from the issuer names.
	for _, c := range []struct {
		spec          fixture.Spec
		level, parent string
	}{
		{dept, "department", "东城区"},
		{outside, "district_government", "石家庄市"},
		{small, "district_government", "北京市"},
	} {
		if m := mustMetric(t, a, id(t, c.spec), "new_received"); m.level != c.level || m.parent != c.parent {
			t.Errorf("%s: level %q parent %q, want %q %q", c.spec.Issuer, m.level, m.parent, c.level, c.parent)
		}
	}
	// A failed report has no metric rows but is in the quality overview.
	if n := count(t, a, `SELECT count(*) FROM metric_values WHERE report_id = ?`, id(t, failed)); n != 0 {
		t.Errorf("failed report has %d metric rows", n)
	}
	if n := count(t, a, `SELECT count(*) FROM quality_reports WHERE report_id = ? AND status = 'failed'`, id(t, failed)); n != 1 {
		t.Error("failed report missing from quality_reports")
	}
}

// TestIdentityFailureVisible: a wrong number shows in the quality tables and on exactly the metric rows that
// read a cell of the failed identity.
func TestIdentityFailureVisible(t *testing.T) {
	wrong := base("北京市通州区人民政府", "通州区", 2022)
	// 总计 printed as 120 while its parts add up to 100 (and 一+二 = 110 = 120 + 10 fails too).
	wrong.Set = map[template.Cell]float64{fixture.T3Cell("processed_total", "total"): 120}
	good := base("北京市顺义区人民政府", "顺义区", 2022)
	a := build(t, Options{}, wrong, good)
	rid := id(t, wrong)

	// quality_identity: the failed checks, their difference and the metrics they affect.
	rows, err := a.DB().Query(`SELECT check_name, scope, key, expected, actual, difference, affected_metrics
		FROM quality_identity WHERE report_id = ? ORDER BY check_name, key`, rid)
	if err != nil {
		t.Fatal(err)
	}
	type failure struct {
		name, scope, key         string
		expected, actual, differ float64
	}
	var got []failure
	var affected []string
	for rows.Next() {
		var f failure
		var aff any
		if err := rows.Scan(&f.name, &f.scope, &f.key, &f.expected, &f.actual, &f.differ, &aff); err != nil {
			t.Fatal(err)
		}
		got = append(got, f)
		affected = append(affected, strs(aff)...)
	}
	want := []failure{
		// 一 + 二 = 110 (actual), 三(七) + 四 = 120 + 10 = 130 (expected).
		{"t3_applicant_sum", "row", "processed_total", 100, 120, 20},
		{"t3_balance", "column", "total", 130, 110, -20},
		{"t3_results_sum", "column", "total", 100, 120, 20},
	}
	if !slices.Equal(got, want) {
		t.Errorf("quality_identity =\n %v\nwant\n %v", got, want)
	}
	for _, k := range []string{"unable_not_held_rate", "granted_rate", "completion_rate", "dispute_rate", "processed_total"} {
		if !slices.Contains(affected, k) {
			t.Errorf("affected_metrics lacks %s", k)
		}
	}
	if n := count(t, a, `SELECT checks_failed FROM quality_reports WHERE report_id = ?`, rid); n != 3 {
		t.Errorf("quality_reports.checks_failed = %d, want 3", n)
	}
	// Metric rows reading 总计 are flagged and unreliable; the value is still shown (30/120).
	m := mustMetric(t, a, rid, "unable_not_held_rate")
	if !has(m.flags, "identity_failure") || m.reliable || !m.value.Valid || !near(m.value.Float64, 30.0/120) {
		t.Errorf("unable_not_held_rate on a wrong report: %+v", m)
	}
	// 总计.总计 is in all three failed identities (an identity that fails puts every cell in it in doubt).
	if !slices.Equal(m.failed, []string{"t3_applicant_sum", "t3_balance", "t3_results_sum"}) {
		t.Errorf("failed_checks = %v", m.failed)
	}
	// carried_out and new_received (总计 column) are in the failed balance, every result row in the failed
	// results sum: the metrics reading them are flagged too, though their own cells may be right.
	for _, k := range []string{"carryover_rate", "org_applicant_share", "share_withheld_third_party", "new_received"} {
		if m := mustMetric(t, a, rid, k); !has(m.flags, "identity_failure") {
			t.Errorf("%s flags %v, want identity_failure", k, m.flags)
		}
	}
	// Metrics that read no cell of a failed identity (tables 4 and 2 here) are not.
	for _, k := range []string{"review_correction_rate", "litigation_loss_rate", "licensing_decisions"} {
		if m := mustMetric(t, a, rid, k); len(m.flags) != 0 || !m.reliable {
			t.Errorf("%s flagged %v on cells the failures do not touch", k, m.flags)
		}
	}
	// The good report is untouched.
	if n := count(t, a, `SELECT count(*) FROM metric_values WHERE report_id = ? AND len(flags) > 0`, id(t, good)); n != 0 {
		t.Errorf("good report has %d flagged metrics", n)
	}
	// The rankings keep the flagged value, marked unreliable.
	if n := count(t, a, `SELECT count(*) FROM rankings WHERE report_id = ? AND metric_key = 'unable_not_held_rate' AND NOT reliable`, rid); n != 1 {
		t.Error("wrong report's ranking row is not marked unreliable")
	}
}

// TestVersions2019And2021: each version reads its own rows; table-2 keys never mix.
func TestVersions2019And2021(t *testing.T) {
	old := fixture.Spec{Issuer: "北京市昌平区人民政府", Jurisdiction: "昌平区", Year: 2020,
		T3: map[string]float64{"new_received": 50, "granted": 20, "other": 5, "unable_not_held": 25},
		T2: map[string]float64{"licensing.decisions": 700, "normative_docs.made": 4}}
	cur := fixture.Spec{Issuer: "北京市昌平区人民政府", Jurisdiction: "昌平区", Year: 2021,
		T3: map[string]float64{"new_received": 50, "granted": 20, "other_no_correction": 2, "other_no_fee": 1, "other_other": 2,
			"unable_not_held": 25},
		T2: map[string]float64{"licensing.decisions": 900, "normative_docs.issued": 6}}
	a := build(t, Options{}, old, cur)
	oldID, curID := id(t, old), id(t, cur)

	for _, c := range []struct {
		rid, key string
		present  bool
		value    float64
	}{
		{oldID, "other_rate", true, 5.0 / 50},
		{curID, "other_rate", true, 5.0 / 50},
		{oldID, "v2019_licensing_decisions", true, 700},
		{oldID, "v2019_normative_docs_made", true, 4},
		{oldID, "licensing_decisions", false, 0},
		{oldID, "normative_docs_issued", false, 0},
		{curID, "licensing_decisions", true, 900},
		{curID, "normative_docs_issued", true, 6},
		{curID, "v2019_licensing_decisions", false, 0},
	} {
		m, ok := metric(t, a, c.rid, c.key)
		if ok != c.present {
			t.Errorf("%s %s: present %v, want %v", c.rid[:6], c.key, ok, c.present)
			continue
		}
		if ok && (!m.value.Valid || !near(m.value.Float64, c.value)) {
			t.Errorf("%s %s = %v, want %v", m.templateVersion, c.key, m.value, c.value)
		}
	}
	// Both versions produce exactly the dictionary's metrics for them.
	for _, c := range []struct {
		rid string
		v   template.Version
	}{{oldID, template.V2019}, {curID, template.V2021}} {
		want := 0
		for _, m := range metrics.All() {
			if m.AppliesTo(c.v) {
				want++
			}
		}
		if n := count(t, a, `SELECT count(*) FROM metric_values WHERE report_id = ?`, c.rid); n != want {
			t.Errorf("version %s: %d metric rows, want %d", c.v, n, want)
		}
	}
	// metric_dictionary in DuckDB is the Go dictionary.
	if n := count(t, a, `SELECT count(DISTINCT metric_key) FROM metric_dictionary`); n != len(metrics.All()) {
		t.Errorf("metric_dictionary has %d metrics, Go has %d", n, len(metrics.All()))
	}
	for _, m := range metrics.All() {
		for _, v := range m.Versions {
			num, den, formula := m.SQL(v)
			if n := count(t, a, `SELECT count(*) FROM metric_dictionary WHERE metric_key = ? AND template_version = ?
				AND numerator_sql = ? AND coalesce(denominator_sql, '') = ? AND formula_sql = ? AND direction = ? AND unit = ?`,
				m.Key, string(v), num, den, formula, string(m.Direction), m.Unit); n != 1 {
				t.Errorf("metric_dictionary row %s %s differs from the Go dictionary", m.Key, v)
			}
		}
	}
}

func TestEmptyWarehouse(t *testing.T) {
	dir := t.TempDir()
	if _, err := warehouse.Open(dir); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, filepath.Join(dir, "does-not-exist")} {
		_, err := Build(context.Background(), Options{Warehouse: d})
		if !errors.Is(err, ErrEmptyWarehouse) {
			t.Errorf("%s: err = %v, want ErrEmptyWarehouse", d, err)
		}
	}
	// Only failed reports: no facts or checks files at all. read_parquet must not see an empty glob.
	a := build(t, Options{}, fixture.Spec{Issuer: "北京市房山区人民政府", Jurisdiction: "房山区", Year: 2022, NoTables: true,
		Status: report.Failed})
	if n := count(t, a, `SELECT count(*) FROM reports`); n != 1 {
		t.Errorf("reports = %d", n)
	}
	if n := count(t, a, `SELECT count(*) FROM metric_values`); n != 0 {
		t.Errorf("metric_values = %d", n)
	}
}

// TestOrphansIgnored: facts of a report whose reports file is missing (an interrupted write) are not read.
func TestOrphansIgnored(t *testing.T) {
	dir := t.TempDir()
	s := base("北京市大兴区人民政府", "大兴区", 2022)
	a := build(t, Options{Warehouse: dir}, s)
	before := count(t, a, `SELECT count(*) FROM facts`)
	orphan := base("北京市怀柔区人民政府", "怀柔区", 2022)
	if _, err := fixture.Put(dir, orphan); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "reports", id(t, orphan)+".parquet")); err != nil {
		t.Fatal(err)
	}
	b, err := Build(context.Background(), Options{Warehouse: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if n := count(t, b, `SELECT count(*) FROM facts`); n != before {
		t.Errorf("facts = %d, want %d (orphans must be ignored)", n, before)
	}
}

func TestPathsQuotedAndChecked(t *testing.T) {
	// A quote in the path is quoted, not injected.
	dir := filepath.Join(t.TempDir(), "o'brien; DROP TABLE reports; --")
	a := build(t, Options{Warehouse: dir}, base("北京市密云区人民政府", "密云区", 2022))
	if n := count(t, a, `SELECT count(*) FROM reports`); n != 1 {
		t.Errorf("reports = %d", n)
	}
	var w string
	if err := a.DB().QueryRow(`SELECT warehouse FROM analysis_settings`).Scan(&w); err != nil || !strings.HasSuffix(w, "o'brien; DROP TABLE reports; --") {
		t.Errorf("warehouse setting %q, %v", w, err)
	}
	// Glob characters cannot be read literally by DuckDB: refused with a clear error.
	glob := filepath.Join(t.TempDir(), "wh[1]")
	if _, err := fixture.Put(glob, base("北京市延庆区人民政府", "延庆区", 2022)); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(context.Background(), Options{Warehouse: glob}); err == nil || !strings.Contains(err.Error(), "通配符") {
		t.Errorf("glob path: err = %v", err)
	}
}

func TestMemoryLimit(t *testing.T) {
	wh := t.TempDir()
	a := build(t, Options{Warehouse: wh, MemoryLimit: "256MB"}, base("北京市平谷区人民政府", "平谷区", 2022))
	var limit string
	if err := a.DB().QueryRow(`SELECT current_setting('memory_limit')`).Scan(&limit); err != nil || !strings.Contains(limit, "MiB") {
		t.Errorf("memory_limit = %q, %v", limit, err)
	}
	if _, err := Build(context.Background(), Options{Warehouse: wh, MemoryLimit: "2GB'; DROP TABLE x; --"}); err == nil {
		t.Error("invalid memory limit accepted")
	}
}

func TestSubstitute(t *testing.T) {
	for _, c := range []struct {
		in, want, err string
	}{
		{"SELECT ${a}, ${b}", "SELECT 'x''y', 2", ""},
		{"SELECT ${a} -- ${a}", "SELECT 'x''y' -- 'x''y'", ""},
		{"SELECT ${typo}", "", "typo"},
		{"SELECT $a, {b}, $ {a}", "SELECT $a, {b}, $ {a}", ""},
	} {
		got, err := Substitute(c.in, map[string]string{"a": Literal("x'y"), "b": "2"})
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: err %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestParseMonthDay(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{{"03-31", true}, {"1-31", true}, {"02-28", true}, {"02-29", false}, {"04-31", false}, {"13-01", false}, {"0331", false}, {"", false}} {
		_, err := ParseMonthDay(c.in)
		if (err == nil) != c.ok {
			t.Errorf("ParseMonthDay(%q) err = %v", c.in, err)
		}
	}
}
