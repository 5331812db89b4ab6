package analyze

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gkbench/gkbench/pipeline/analyze/fixture"
	"github.com/gkbench/gkbench/pipeline/rawstore"
)

// dongcheng is a 东城区 series: 2019 and 2020 in the 2019 format, 2021 and 2023 in the 2021 format, no 2022.
//
//	year  new  in  processed  out   new_received ratio
//	2019  100   0     90       10
//	2020   10  10     15        5   0.1  (jump down)
//	2021   60   7     62        5   6    (jump up, version change; carried in 7 ≠ 5 carried out in 2020)
//	2022    —                        (missing)
//	2023   50   5     50        5        (previous year missing)
func dongcheng() []fixture.Spec {
	const issuer, jur = "北京市东城区人民政府", "东城区"
	url := func(y string) string { return "https://www.bjdch.gov.cn/gknb/" + y + ".html" }
	return []fixture.Spec{
		{Issuer: issuer, Jurisdiction: jur, Year: 2019, URL: url("2019"),
			T3: map[string]float64{"new_received": 100, "granted": 50, "unable_not_held": 30, "other": 10}},
		{Issuer: issuer, Jurisdiction: jur, Year: 2020, URL: url("2020"),
			T3: map[string]float64{"new_received": 10, "carried_in": 10, "granted": 10, "unable_not_held": 5}},
		{Issuer: issuer, Jurisdiction: jur, Year: 2021, URL: url("2021"),
			T3: map[string]float64{"new_received": 60, "carried_in": 7, "granted": 50, "unable_not_held": 10, "other_other": 2},
			T2: map[string]float64{"normative_docs.issued": 3}},
		{Issuer: issuer, Jurisdiction: jur, Year: 2023, URL: url("2023"),
			T3: map[string]float64{"new_received": 50, "carried_in": 5, "granted": 40, "unable_not_held": 10}},
	}
}

// xicheng: 不掌握率 0 in 2021, 0.1 in 2022 (from zero); the 2022 page was edited after publication.
func xicheng() []fixture.Spec {
	const issuer, jur = "北京市西城区人民政府", "西城区"
	first := fixture.Spec{Issuer: issuer, Jurisdiction: jur, Year: 2022, URL: "https://www.bjxch.gov.cn/gknb/2022.html",
		T3:       map[string]float64{"new_received": 100, "granted": 90, "unable_not_held": 10},
		ParsedAt: time.Date(2023, 2, 1, 0, 0, 0, 0, time.UTC)}
	edited := first
	edited.Variant, edited.ParsedAt = "edited", time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)
	edited.T3 = map[string]float64{"new_received": 100, "granted": 88, "unable_not_held": 12} // the correction
	return []fixture.Spec{
		{Issuer: issuer, Jurisdiction: jur, Year: 2021, T3: map[string]float64{"new_received": 100, "granted": 100}},
		first, edited,
	}
}

type trendRow struct {
	year                 int
	value, prev, change  sql.NullFloat64
	ratio                sql.NullFloat64
	prevYear             sql.NullInt64
	flags                []string
	version, prevVersion sql.NullString
}

func trend(t *testing.T, a *Analysis, entity, metric string) map[int]trendRow {
	t.Helper()
	rows, err := a.DB().Query(`SELECT year, value, prev_value, change, ratio, prev_year, flags, template_version,
		prev_template_version FROM trends WHERE entity_name = ? AND metric_key = ? ORDER BY year`, entity, metric)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int]trendRow{}
	for rows.Next() {
		var r trendRow
		var flags any
		if err := rows.Scan(&r.year, &r.value, &r.prev, &r.change, &r.ratio, &r.prevYear, &flags, &r.version, &r.prevVersion); err != nil {
			t.Fatal(err)
		}
		r.flags = strs(flags)
		slices.Sort(r.flags)
		out[r.year] = r
	}
	return out
}

func nf(v float64) sql.NullFloat64 { return sql.NullFloat64{Float64: v, Valid: true} }

var null sql.NullFloat64

func sameNull(a, b sql.NullFloat64) bool {
	return a.Valid == b.Valid && (!a.Valid || near(a.Float64, b.Float64))
}

func TestTrends(t *testing.T) {
	a := build(t, Options{}, append(dongcheng(), xicheng()...)...)
	got := trend(t, a, "北京市东城区人民政府", "new_received")
	want := []struct {
		year                       int
		value, prev, change, ratio sql.NullFloat64
		flags                      []string
	}{
		{2019, nf(100), null, null, null, nil},
		{2020, nf(10), nf(100), nf(-90), nf(0.1), []string{"jump_down"}},
		{2021, nf(60), nf(10), nf(50), nf(6), []string{"jump_up", "version_change"}},
		{2022, null, nf(60), null, null, []string{"missing_year"}},
		{2023, nf(50), null, null, null, []string{"prev_missing"}},
	}
	if len(got) != len(want) {
		t.Fatalf("trend rows for years %v, want 2019–2023", got)
	}
	for _, w := range want {
		g := got[w.year]
		if !sameNull(g.value, w.value) || !sameNull(g.prev, w.prev) || !sameNull(g.change, w.change) || !sameNull(g.ratio, w.ratio) {
			t.Errorf("%d: value %v prev %v change %v ratio %v; want %v %v %v %v", w.year, g.value, g.prev, g.change, g.ratio,
				w.value, w.prev, w.change, w.ratio)
		}
		if !slices.Equal(g.flags, w.flags) {
			t.Errorf("%d: flags %v, want %v", w.year, g.flags, w.flags)
		}
	}
	if g := got[2019]; g.prevYear.Valid {
		t.Errorf("first year has prev_year %v", g.prevYear)
	}
	if g := got[2021]; g.version.String != "2021" || g.prevVersion.String != "2019" {
		t.Errorf("2021 versions %v / %v", g.version, g.prevVersion)
	}
	// A 2021-only metric cannot be compared with a 2019-format year.
	if g := trend(t, a, "北京市东城区人民政府", "normative_docs_issued")[2021]; !slices.Equal(g.flags, []string{"prev_not_applicable", "version_change"}) {
		t.Errorf("normative_docs_issued 2021 flags %v", g.flags)
	}
	// 2019-format table-2 metrics end with the 2019 format: no rows for 2021 on.
	if n := count(t, a, `SELECT count(*) FROM trends WHERE metric_key LIKE 'v2019_%' AND year >= 2021`); n != 0 {
		t.Errorf("%d 2019-format rows in 2021+ years", n)
	}
	// Since the first year: 2023's 50 against 2019's 100.
	var baseYear int
	var baseValue, since, ratioSince float64
	if err := a.DB().QueryRow(`SELECT base_year, base_value, change_since, ratio_since FROM trends
		WHERE entity_name = '北京市东城区人民政府' AND metric_key = 'new_received' AND year = 2023`).Scan(&baseYear, &baseValue, &since, &ratioSince); err != nil {
		t.Fatal(err)
	}
	if baseYear != 2019 || baseValue != 100 || since != -50 || ratioSince != 0.5 {
		t.Errorf("since: base %d %v, change %v, ratio %v; want 2019 100 -50 0.5", baseYear, baseValue, since, ratioSince)
	}
	if n := count(t, a, `SELECT count(*) FROM trends WHERE year = base_year AND (change_since IS NOT NULL OR ratio_since IS NOT NULL)`); n != 0 {
		t.Errorf("%d base-year rows compare with themselves", n)
	}
	// The edited 西城 2022 page: the correction's figures, old → new.
	changes := queryStrings(t, a, `SELECT table_zh || ' ' || label_row || ' ' || label_col || ' ' || old_text || '→' || new_text || ' ' ||
		version_no || ' ' || array_to_string(affected_metrics, '+') FROM quality_edited_figures
		WHERE url = 'https://www.bjxch.gov.cn/gknb/2022.html' AND col_key = 'total' ORDER BY row_key`)
	if len(changes) != 2 || !strings.HasPrefix(changes[0], "表三 予以公开 总计 90→88 2 ") ||
		!strings.HasPrefix(changes[1], "表三 无法提供/本机关不掌握相关政府信息 总计 10→12 2 ") || !strings.Contains(changes[1], "unable_not_held_rate") {
		t.Errorf("edited figures %q", changes)
	}
	// From zero: 不掌握率 0 → 0.1 has no ratio but a flag.
	if g := trend(t, a, "北京市西城区人民政府", "unable_not_held_rate")[2022]; !slices.Equal(g.flags, []string{"from_zero"}) || g.ratio.Valid {
		t.Errorf("西城 2022 不掌握率: flags %v ratio %v", g.flags, g.ratio)
	}
}

func TestQuality(t *testing.T) {
	specs := append(dongcheng(), xicheng()...)
	reports := map[string]string{} // url → sha256
	for _, s := range specs {
		r, err := s.Report()
		if err != nil {
			t.Fatal(err)
		}
		reports[r.URL] = r.SHA256
	}
	dir := t.TempDir()
	versions := filepath.Join(dir, "report_versions.csv")
	csv := "url,sha256,fetched_at,published_on\n" +
		// By hash: 2023 report published 2024-03-15 (deadline 03-31: on time, 16 days early).
		"https://www.bjdch.gov.cn/gknb/2023.html," + reports["https://www.bjdch.gov.cn/gknb/2023.html"] + ",2024-03-20T08:00:00Z,2024-03-15\n" +
		// By URL (another hash: the page changed since): 2021 report published 2022-04-10 (late by 10 days).
		"https://www.bjdch.gov.cn/gknb/2021.html,00ff,2022-04-11,2022-04-10\n" +
		// A page the warehouse does not hold, fetched twice with different content.
		"https://www.bjdch.gov.cn/gknb/other.html,aa,2024-01-01,\n" +
		"https://www.bjdch.gov.cn/gknb/other.html,bb,2024-02-01 10:00:00,\n"
	if err := os.WriteFile(versions, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	registry := filepath.Join(dir, "registry.csv")
	if err := os.WriteFile(registry, []byte("\ufeffissuer,level,parent,first_year,last_year\n"+
		"北京市西城区人民政府,,,2019,\n"+
		"北京市东城区审计局,department,东城区,2021,\n"+
		"北京经济技术开发区管理委员会,district_government,北京市,,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	yizhuang := district("北京经济技术开发区管理委员会", "", 2022, 100, 50, 10)
	a := build(t, Options{Versions: versions, Registry: registry}, append(specs, yizhuang)...)

	// Cross-year: 2020 carried in 10 = 2019 carried out 10 in every column; 2021 carried in 7 ≠ 5.
	rows := queryStrings(t, a, `SELECT year || ' ' || col_key || ' ' || carried_in || ' ' || prev_carried_out || ' ' || pass
		FROM quality_cross_year WHERE entity_name = '北京市东城区人民政府' AND (NOT pass OR col_key = 'total') ORDER BY year, col_key`)
	wantRows := []string{"2020 total 10.0 10.0 true", "2021 natural_person 7.0 5.0 false", "2021 total 7.0 5.0 false"}
	if !slices.Equal(rows, wantRows) {
		t.Errorf("cross-year rows %q, want %q", rows, wantRows)
	}
	if n := count(t, a, `SELECT count(*) FROM quality_cross_year WHERE entity_name = '北京市东城区人民政府'`); n != 14 {
		t.Errorf("%d cross-year comparisons, want 7 columns × 2 year pairs", n)
	}
	// Missing entity-years (latest year in the warehouse: 2023).
	missing := queryStrings(t, a, `SELECT entity_name || ' ' || year FROM quality_missing_reports ORDER BY entity_name, year`)
	wantMissing := []string{
		"北京市东城区人民政府 2022",
		"北京市东城区审计局 2021", "北京市东城区审计局 2022", "北京市东城区审计局 2023", // registered, never published
		"北京市西城区人民政府 2019", "北京市西城区人民政府 2020", "北京市西城区人民政府 2023", // registry: from 2019
		"北京经济技术开发区管理委员会 2023",
	}
	if !slices.Equal(missing, wantMissing) {
		t.Errorf("missing reports\n %q\nwant\n %q", missing, wantMissing)
	}
	// The registry's level puts 经开区 among the Beijing districts.
	if n := count(t, a, `SELECT count(*) FROM rankings WHERE issuer = '北京经济技术开发区管理委员会' AND level = 'district_government'
		AND parent = '北京市' AND metric_key = 'new_received' AND year = 2022 AND peer_count = 2`); n != 1 {
		t.Error("registry level/parent not applied")
	}
	// Edits: the 西城 2022 page in two versions in the warehouse; a page twice in report_versions; the 东城 2021
	// page whose recorded hash differs from the imported one.
	edited := queryStrings(t, a, `SELECT url || ' ' || versions || ' ' || array_to_string(evidence, '+') FROM quality_edited_reports ORDER BY url`)
	wantEdited := []string{
		"https://www.bjdch.gov.cn/gknb/2021.html 2 report_versions.csv+warehouse",
		"https://www.bjdch.gov.cn/gknb/other.html 2 report_versions.csv",
		"https://www.bjxch.gov.cn/gknb/2022.html 2 warehouse",
	}
	if !slices.Equal(edited, wantEdited) {
		t.Errorf("edited %q, want %q", edited, wantEdited)
	}
	// The later version of the edited page is the primary report.
	ed := xicheng()[2]
	if n := count(t, a, `SELECT count(*) FROM report_base WHERE report_id = ? AND is_primary AND reports_same_year = 2`, id(t, ed)); n != 1 {
		t.Error("the edited (later) version is not primary")
	}
	// Publication against the deadline.
	pub := queryStrings(t, a, `SELECT year || ' ' || status || ' ' || coalesce(days_late::VARCHAR, '-') FROM quality_publication
		WHERE entity_name = '北京市东城区人民政府' ORDER BY year`)
	wantPub := []string{"2019 unknown -", "2020 unknown -", "2021 late 10", "2023 on_time -16"}
	if !slices.Equal(pub, wantPub) {
		t.Errorf("publication %q, want %q", pub, wantPub)
	}
	// The deadline is configurable: 1 March makes the 2023 report late.
	b, err := Build(context.Background(), Options{Warehouse: a.warehouse(t), Versions: versions, DistrictDeadline: MonthDay{3, 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if got := queryStrings(t, b, `SELECT status || ' ' || days_late FROM quality_publication WHERE entity_name = '北京市东城区人民政府' AND year = 2023`); !slices.Equal(got, []string{"late 14"}) {
		t.Errorf("deadline 03-01: %q", got)
	}
}

// TestRawStoreVersions reads the crawler's versions.jsonl (pipeline/rawstore): edits, the newest fetched
// version as the primary report, and first-seen times as evidence of on-time publication.
func TestRawStoreVersions(t *testing.T) {
	specs := append(dongcheng(), xicheng()...)
	first, edited := specs[5], specs[6]
	// Parsed in the opposite order: only the crawler's record says which version is newer.
	first.ParsedAt, edited.ParsedAt = time.Date(2023, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(2023, 6, 2, 0, 0, 0, 0, time.UTC)
	specs[5], specs[6] = first, edited
	raw := filepath.Join(t.TempDir(), "raw")
	st, err := rawstore.Open(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		spec fixture.Spec
		seen time.Time
	}{
		{first, time.Date(2023, 1, 10, 9, 0, 0, 0, time.UTC)},   // before the 2023-03-31 deadline
		{edited, time.Date(2023, 6, 1, 9, 0, 0, 0, time.UTC)},   // figures changed after publication
		{specs[3], time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}, // 东城 2023, first seen after its deadline
	} {
		r, err := c.spec.Report()
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.AddVersion(rawstore.Version{URL: r.URL, SHA256: r.SHA256, ReportID: r.ID, SeenAt: c.seen, Kind: "report"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	a := build(t, Options{Raw: raw}, specs...)
	if got := queryStrings(t, a, `SELECT url || ' ' || array_to_string(evidence, '+') FROM quality_edited_reports`); !slices.Equal(got,
		[]string{"https://www.bjxch.gov.cn/gknb/2022.html versions.jsonl+warehouse"}) {
		t.Errorf("edited %q", got)
	}
	if n := count(t, a, `SELECT count(*) FROM report_base WHERE report_id = ? AND is_primary`, id(t, edited)); n != 1 {
		t.Error("the newest fetched version is not primary")
	}
	pub := queryStrings(t, a, `SELECT entity_name || ' ' || year || ' ' || status || ' ' || coalesce(basis, '-') FROM quality_publication
		WHERE year IN (2022, 2023) ORDER BY entity_name, year`)
	want := []string{"北京市东城区人民政府 2023 unknown -", "北京市西城区人民政府 2022 on_time first_seen"}
	if !slices.Equal(pub, want) {
		t.Errorf("publication %q, want %q", pub, want)
	}
}

// TestShippedRegistry: the crawler's registry of the 16 districts makes every district expected every year.
func TestShippedRegistry(t *testing.T) {
	// 延庆区 publishes under its short name in 2023 only.
	yanqing := district("延庆区人民政府", "延庆区", 2023, 100, 50, 10)
	a := build(t, Options{Registry: ShippedRegistry}, append(dongcheng(), yanqing)...)
	// 14 districts without any report × 2019–2023, 延庆区 2019–2022 and 东城区 2022.
	if n := count(t, a, `SELECT count(*) FROM quality_missing_reports`); n != 14*5+4+1 {
		t.Errorf("%d missing entity-years, want 75", n)
	}
	if got := queryStrings(t, a, `SELECT entity_name || ' ' || year FROM quality_missing_reports WHERE entity_key LIKE '%延庆区%' ORDER BY year`); !slices.Equal(got,
		[]string{"北京市延庆区人民政府 2019", "北京市延庆区人民政府 2020", "北京市延庆区人民政府 2021", "北京市延庆区人民政府 2022"}) {
		t.Errorf("延庆区 missing years %q", got)
	}
	if n := count(t, a, `SELECT count(*) FROM quality_missing_reports WHERE entity_name = '北京市怀柔区人民政府' AND year = 2019
		AND level = 'district_government' AND parent = '北京市'`); n != 1 {
		t.Error("怀柔区 2019 not expected")
	}
	if n := count(t, a, `SELECT count(*) FROM report_base WHERE level_from = 'registry' AND level = 'district_government' AND parent = '北京市'`); n != 4 {
		t.Errorf("东城区 reports not matched to the registry: %d", n)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("version: 1\nsources:\n  - id: X\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(context.Background(), Options{Warehouse: a.warehouse(t), Registry: bad}); err == nil || !strings.Contains(err.Error(), "登记表") {
		t.Errorf("bad registry: %v", err)
	}
}

// TestQualityWithoutInputs: no report_versions file → no edits, unknown publication dates.
func TestQualityWithoutInputs(t *testing.T) {
	a := build(t, Options{}, dongcheng()...)
	if n := count(t, a, `SELECT count(*) FROM quality_edited_reports`); n != 0 {
		t.Errorf("%d edited reports without evidence", n)
	}
	if n := count(t, a, `SELECT count(*) FROM quality_publication WHERE status <> 'unknown' OR published_on IS NOT NULL`); n != 0 {
		t.Errorf("%d publication dates invented", n)
	}
	if n := count(t, a, `SELECT count(*) FROM report_versions`); n != 0 {
		t.Errorf("report_versions has %d rows", n)
	}
}

func TestBadInputFiles(t *testing.T) {
	dir := t.TempDir()
	wh := filepath.Join(dir, "wh")
	if _, err := fixture.Put(wh, dongcheng()...); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		name string
		opt  Options
		want string
	}{
		{"versions without sha256", Options{Versions: write("v1.csv", "url,fetched_at\nx,2024-01-01\n")}, "缺少 sha256"},
		{"versions bad date", Options{Versions: write("v2.csv", "url,sha256,published_on\nx,ab,2024/13/01\n")}, "v2.csv:2"},
		{"registry bad level", Options{Registry: write("r.csv", "issuer,level\n某局,ministry\n")}, "level"},
		{"population without source", Options{Population: write("p.csv", "city,jurisdiction,year,residents,source\n北京市,东城区,2020,1,\n")}, "来源"},
		{"population bad number", Options{Population: write("p2.csv", "city,jurisdiction,year,residents,source\n北京市,东城区,2020,many,x\n")}, "residents"},
		{"missing file", Options{Registry: filepath.Join(dir, "nope.csv")}, "nope.csv"},
	} {
		c.opt.Warehouse = wh
		_, err := Build(context.Background(), c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to mention %q", c.name, err, c.want)
		}
	}
}

func queryStrings(t *testing.T, a *Analysis, q string, args ...any) []string {
	t.Helper()
	rows, err := a.DB().Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// warehouse returns the warehouse folder the analysis read.
func (a *Analysis) warehouse(t *testing.T) string {
	t.Helper()
	var w string
	if err := a.DB().QueryRow(`SELECT warehouse FROM analysis_settings`).Scan(&w); err != nil {
		t.Fatal(err)
	}
	return w
}
