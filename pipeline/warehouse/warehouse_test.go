package warehouse

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/gkbench/gkbench/pipeline/report"
)

func fp(v float64) *float64 { return &v }

var cst = time.FixedZone("CST", 8*3600)

// fullReport is a 2021-template report with the awkward cases: nil value beside 0, a row the
// template does not know (empty row key), an order-mapped column (empty label), failing checks,
// Chinese warnings and a non-UTC timestamp with nanoseconds.
func fullReport(id string) *report.Report {
	return &report.Report{
		ID:               id,
		URL:              "https://www.example.gov.cn/zwgk/ndbg/2023.html",
		SourcePath:       "data/raw/" + id + ".html",
		SHA256:           strings.Repeat("ab", 32),
		Issuer:           "北京市海淀区人民政府",
		IssuerFrom:       report.FromTitle,
		Jurisdiction:     "北京市",
		JurisdictionFrom: report.FromIssuer,
		Year:             2023,
		YearFrom:         report.FromTitle,
		PublishedOn:      "2024-02-20",
		PublishedFrom:    report.FromText,
		TemplateVersion:  "2021",
		VersionFrom:      report.FromLabels,
		Format:           "html",
		Title:            "北京市海淀区人民政府2023年政府信息公开工作年度报告",
		Status:           report.Partial,
		Warnings:         []string{"表四缺失", "表三“其他”列按模板顺序放置"},
		ParsedAt:         time.Date(2024, 3, 5, 22, 30, 15, 123456789, cst),
		ParserVersion:    "0.3.1",
		Facts: []report.Fact{
			{Table: "applications", Row: "new_received", Col: "natural_person", Value: fp(1234), Kind: report.Number,
				Raw: "1,234", LabelRow: "一、本年新收政府信息公开申请数量", LabelCol: "自然人", Mapping: "label", TableIdx: 2, RowIdx: 3, ColIdx: 1},
			{Table: "applications", Row: "carried_in", Col: "commercial", Value: fp(0), Kind: report.Zero,
				Raw: "0", LabelRow: "二、上年结转政府信息公开申请数量", LabelCol: "商业企业", Mapping: "label", TableIdx: 2, RowIdx: 4, ColIdx: 2},
			{Table: "applications", Row: "granted", Col: "research", Value: nil, Kind: report.Empty,
				Raw: "", LabelRow: "（一）予以公开", LabelCol: "", Mapping: "order", TableIdx: 2, RowIdx: 5, ColIdx: 3},
			{Table: "applications", Row: "", Col: "total", Value: fp(7), Kind: report.Number,
				Raw: "7", LabelRow: "（八）其他特殊情形", LabelCol: "总计", Mapping: "label", TableIdx: 2, RowIdx: 30, ColIdx: 8},
			{Table: "active", Row: "fees_amount", Col: "amount", Value: fp(12.5), Kind: report.Number,
				Raw: "12.5", LabelRow: "行政事业性收费", LabelCol: "收费金额（单位：万元）", Mapping: "label", TableIdx: 1, RowIdx: 9, ColIdx: 2},
			{Table: "active", Row: "licences", Col: "processed", Value: nil, Kind: report.NotApplicable,
				Raw: "——", LabelRow: "行政许可", LabelCol: "本年处理决定数量", Mapping: "label", TableIdx: 1, RowIdx: 7, ColIdx: 1},
			{Table: "active", Row: "rules", Col: "in_force", Value: nil, Kind: report.Text,
				Raw: "见附件", LabelRow: "规章", LabelCol: "现行有效件数", Mapping: "label", TableIdx: 1, RowIdx: 2, ColIdx: 3},
		},
		Checks: []report.Check{
			{Name: "t3_balance", Table: "applications", Scope: "column", Key: "total", Pass: true, Expected: 1241, Actual: 1241},
			{Name: "t3_applicant_sum", Table: "applications", Scope: "row", Key: "new_received", Pass: false, Expected: 1234, Actual: 1230.5},
			{Name: "t3_results_sum", Table: "applications", Scope: "column", Key: "natural_person", Pass: true, Expected: 0, Actual: 0},
		},
	}
}

// failedReport is what the parser makes of a document with no recognisable table.
func failedReport(id string) *report.Report {
	return &report.Report{
		ID:         id,
		SourcePath: "data/raw/" + id + ".pdf",
		SHA256:     strings.Repeat("0f", 32),
		Format:     "pdf",
		Status:     report.Failed,
		Error:      "未找到任何模板表格",
	}
}

// stored is what ReadReports returns for r: no facts or checks, time at µs in UTC, empty warnings as nil.
func stored(r *report.Report) report.Report {
	out := *r
	out.Facts, out.Checks = nil, nil
	if !out.ParsedAt.IsZero() {
		out.ParsedAt = out.ParsedAt.Truncate(time.Microsecond).UTC()
	}
	if len(out.Warnings) == 0 {
		out.Warnings = nil
	}
	return out
}

func openTemp(t testing.TB) (*Warehouse, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "wh")
	w, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return w, dir
}

// listDir returns the entry names of <dir>/<table>, sorted.
func listDir(t *testing.T, dir, table string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(dir, table))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func TestRoundTrip(t *testing.T) {
	utcOnly := fullReport("c3a1f0e2")
	utcOnly.ParsedAt = time.Date(2025, 1, 2, 3, 4, 5, 6000, time.UTC)
	emptyWarnings := failedReport("0d9e")
	emptyWarnings.Warnings = []string{}
	nanosOnly := failedReport("nanos")
	nanosOnly.ParsedAt = time.Date(2024, 6, 1, 0, 0, 0, 999, time.UTC) // truncates to the second

	tests := []struct {
		name       string
		r          *report.Report
		factsFile  bool
		checksFile bool
	}{
		{"full report with nil, zero and unknown row", fullReport("7f3a9c"), true, true},
		{"utc time with microseconds", utcOnly, true, true},
		{"failed report without facts", failedReport("e51b"), false, false},
		{"empty warnings slice", emptyWarnings, false, false},
		{"sub-microsecond time", nanosOnly, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, dir := openTemp(t)
			if err := w.Put(tc.r); err != nil {
				t.Fatal(err)
			}
			if !w.Has(tc.r.ID) {
				t.Fatalf("Has(%q) = false after Put", tc.r.ID)
			}
			reps, err := ReadReports(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(reps) != 1 {
				t.Fatalf("ReadReports returned %d reports, want 1", len(reps))
			}
			if want := stored(tc.r); !reflect.DeepEqual(reps[0], want) {
				t.Errorf("report round trip:\n got %+v\nwant %+v", reps[0], want)
			}
			if !reps[0].ParsedAt.IsZero() && reps[0].ParsedAt.Location() != time.UTC {
				t.Errorf("ParsedAt location = %v, want UTC", reps[0].ParsedAt.Location())
			}

			facts, err := ReadFacts(dir, tc.r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(tc.r.Facts) == 0 {
				if facts != nil {
					t.Errorf("ReadFacts = %v, want nil", facts)
				}
			} else if !reflect.DeepEqual(facts, tc.r.Facts) {
				t.Errorf("facts round trip:\n got %+v\nwant %+v", facts, tc.r.Facts)
			}
			for i, f := range facts {
				if (f.Value == nil) != (tc.r.Facts[i].Value == nil) {
					t.Errorf("fact %d: nil value = %v, want %v", i, f.Value == nil, tc.r.Facts[i].Value == nil)
				}
			}

			checks, err := ReadChecks(dir, tc.r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(tc.r.Checks) == 0 {
				if checks != nil {
					t.Errorf("ReadChecks = %v, want nil", checks)
				}
			} else if !reflect.DeepEqual(checks, tc.r.Checks) {
				t.Errorf("checks round trip:\n got %+v\nwant %+v", checks, tc.r.Checks)
			}

			for table, want := range map[string]bool{TableFacts: tc.factsFile, TableChecks: tc.checksFile, TableReports: true} {
				_, err := os.Stat(path(dir, table, tc.r.ID))
				if got := err == nil; got != want {
					t.Errorf("%s file exists = %v, want %v", table, got, want)
				}
			}
		})
	}
}

// readRaw reads a Parquet file as Arrow without the package's decoders, to check what DuckDB sees.
func readRaw(t *testing.T, p string) arrow.Table {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tbl, err := pqarrow.ReadTable(context.Background(), f, nil, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tbl.Release)
	return tbl
}

func column(t *testing.T, tbl arrow.Table, name string) arrow.Array {
	t.Helper()
	idx := tbl.Schema().FieldIndices(name)
	if len(idx) != 1 {
		t.Fatalf("column %q missing", name)
	}
	chunks := tbl.Column(idx[0]).Data().Chunks()
	if len(chunks) != 1 {
		t.Fatalf("column %q: %d chunks, want 1", name, len(chunks))
	}
	return chunks[0]
}

func nulls(a arrow.Array) []bool {
	out := make([]bool, a.Len())
	for i := range out {
		out[i] = a.IsNull(i)
	}
	return out
}

// TestStoredColumns checks the files themselves: schemas as exported, NULLs where the SQL layer
// expects them, and the derived counts.
func TestStoredColumns(t *testing.T) {
	w, dir := openTemp(t)
	full, failed := fullReport("aa01"), failedReport("bb02")
	for _, r := range []*report.Report{full, failed} {
		if err := w.Put(r); err != nil {
			t.Fatal(err)
		}
	}

	for _, tc := range []struct {
		table  string
		id     string
		schema *arrow.Schema
	}{
		{TableReports, full.ID, ReportsSchema},
		{TableFacts, full.ID, FactsSchema},
		{TableChecks, full.ID, ChecksSchema},
	} {
		got := readRaw(t, path(dir, tc.table, tc.id)).Schema()
		// Field by field: the reader adds PARQUET:field_id metadata that is not part of the contract.
		if got.NumFields() != tc.schema.NumFields() {
			t.Fatalf("%s: %d columns, want %d", tc.table, got.NumFields(), tc.schema.NumFields())
		}
		for i, f := range got.Fields() {
			want := tc.schema.Field(i)
			if f.Name != want.Name || f.Nullable != want.Nullable || !arrow.TypeEqual(f.Type, want.Type) {
				t.Errorf("%s column %d = %s %v nullable=%v, want %s %v nullable=%v",
					tc.table, i, f.Name, f.Type, f.Nullable, want.Name, want.Type, want.Nullable)
			}
		}
		if names := fieldNames(got); !reflect.DeepEqual(names, Columns[tc.table]) {
			t.Errorf("%s columns = %v, want %v", tc.table, names, Columns[tc.table])
		}
	}

	facts := readRaw(t, path(dir, TableFacts, full.ID))
	for _, tc := range []struct {
		col  string
		want []bool
	}{
		{"value", []bool{false, false, true, false, false, true, true}},
		{"row_key", []bool{false, false, false, true, false, false, false}},
		{"label_col", []bool{false, false, true, false, false, false, false}},
		{"template_version", []bool{false, false, false, false, false, false, false}},
	} {
		if got := nulls(column(t, facts, tc.col)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("facts.%s nulls = %v, want %v", tc.col, got, tc.want)
		}
	}

	for _, tc := range []struct {
		id                   string
		yearNull, tvNull     bool
		errNull, parsedNull  bool
		factCount, failedCnt int32
		warnings             int
	}{
		{full.ID, false, false, true, false, 7, 1, 2},
		{failed.ID, true, true, false, true, 0, 0, 0},
	} {
		rep := readRaw(t, path(dir, TableReports, tc.id))
		for col, want := range map[string]bool{"year": tc.yearNull, "template_version": tc.tvNull, "error": tc.errNull, "parsed_at": tc.parsedNull, "warnings": false} {
			if got := column(t, rep, col).IsNull(0); got != want {
				t.Errorf("%s: reports.%s null = %v, want %v", tc.id, col, got, want)
			}
		}
		if got := column(t, rep, "fact_count").(*array.Int32).Value(0); got != tc.factCount {
			t.Errorf("%s: fact_count = %d, want %d", tc.id, got, tc.factCount)
		}
		if got := column(t, rep, "checks_failed").(*array.Int32).Value(0); got != tc.failedCnt {
			t.Errorf("%s: checks_failed = %d, want %d", tc.id, got, tc.failedCnt)
		}
		start, end := column(t, rep, "warnings").(*array.List).ValueOffsets(0)
		if got := int(end - start); got != tc.warnings {
			t.Errorf("%s: %d warnings, want %d", tc.id, got, tc.warnings)
		}
	}
	ts := column(t, readRaw(t, path(dir, TableReports, full.ID)), "parsed_at").(*array.Timestamp)
	if got, want := int64(ts.Value(0)), full.ParsedAt.UnixMicro(); got != want {
		t.Errorf("parsed_at = %d µs, want %d", got, want)
	}
}

func TestIdempotentPut(t *testing.T) {
	w, dir := openTemp(t)
	r := fullReport("5e8d")
	for i := 0; i < 2; i++ {
		if err := w.Put(r); err != nil {
			t.Fatal(err)
		}
	}
	ids, err := w.IDs()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ids, []string{r.ID}) {
		t.Errorf("IDs = %v, want [%s]", ids, r.ID)
	}
	facts, err := ReadFacts(dir, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(facts) != len(r.Facts) {
		t.Errorf("ReadFacts: %d facts, want %d", len(facts), len(r.Facts))
	}
	for _, table := range Tables {
		if got, want := listDir(t, dir, table), []string{r.ID + ".parquet"}; !reflect.DeepEqual(got, want) {
			t.Errorf("%s folder = %v, want %v", table, got, want)
		}
	}
}

func TestReplaceRemovesStaleFiles(t *testing.T) {
	tests := []struct {
		name                     string
		edit                     func(*report.Report)
		wantFacts, wantChecks    bool
		wantFactsN, wantChecksNs int
	}{
		{"no facts", func(r *report.Report) { r.Facts = nil }, false, true, 0, 3},
		{"no checks", func(r *report.Report) { r.Checks = nil }, true, false, 7, 0},
		{"neither", func(r *report.Report) { r.Facts, r.Checks = nil, nil; r.Status = report.Failed }, false, false, 0, 0},
		{"fewer facts", func(r *report.Report) { r.Facts = r.Facts[:2] }, true, true, 2, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, dir := openTemp(t)
			r := fullReport("9b1c")
			if err := w.Put(r); err != nil {
				t.Fatal(err)
			}
			r2 := fullReport("9b1c")
			tc.edit(r2)
			if err := w.Put(r2); err != nil {
				t.Fatal(err)
			}
			for table, want := range map[string]bool{TableFacts: tc.wantFacts, TableChecks: tc.wantChecks, TableReports: true} {
				_, err := os.Stat(path(dir, table, r.ID))
				if got := err == nil; got != want {
					t.Errorf("%s file exists = %v, want %v", table, got, want)
				}
			}
			facts, err := ReadFacts(dir, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			checks, err := ReadChecks(dir, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(facts) != tc.wantFactsN || len(checks) != tc.wantChecksNs {
				t.Errorf("got %d facts, %d checks; want %d, %d", len(facts), len(checks), tc.wantFactsN, tc.wantChecksNs)
			}
		})
	}
}

func TestCrashRecovery(t *testing.T) {
	w, dir := openTemp(t)
	good, orphan := fullReport("1111"), fullReport("2222")
	for _, r := range []*report.Report{good, orphan} {
		if err := w.Put(r); err != nil {
			t.Fatal(err)
		}
	}
	// A crash after the orphan's facts and checks were renamed into place but before its reports file was.
	if err := os.Remove(path(dir, TableReports, orphan.ID)); err != nil {
		t.Fatal(err)
	}
	// A crash mid-write leaves temp files (here half a file) in every folder.
	for _, table := range Tables {
		tmp := filepath.Join(dir, table, tempPrefix+orphan.ID+"-123456")
		if err := os.WriteFile(tmp, []byte("PAR1\x00\x00"), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	w, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range Tables {
		for _, name := range listDir(t, dir, table) {
			if strings.HasPrefix(name, tempPrefix) {
				t.Errorf("%s: temp file %s survived Open", table, name)
			}
		}
	}
	ids, err := w.IDs()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ids, []string{good.ID}) {
		t.Errorf("IDs = %v, want [%s]", ids, good.ID)
	}
	if w.Has(orphan.ID) {
		t.Errorf("Has(orphan) = true")
	}
	if _, err := ReadFacts(dir, orphan.ID); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFacts(orphan) error = %v, want fs.ErrNotExist", err)
	}
	reps, err := ReadReports(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 1 || reps[0].ID != good.ID {
		t.Errorf("ReadReports = %d reports, want only %s", len(reps), good.ID)
	}
	// Re-importing the orphan completes it: its files are replaced, not duplicated.
	if err := w.Put(orphan); err != nil {
		t.Fatal(err)
	}
	if facts, err := ReadFacts(dir, orphan.ID); err != nil || len(facts) != len(orphan.Facts) {
		t.Errorf("after re-import: %d facts, err %v; want %d", len(facts), err, len(orphan.Facts))
	}
}

func TestConcurrentPut(t *testing.T) {
	w, dir := openTemp(t)
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Go(func() {
			errs <- w.Put(fullReport(fmt.Sprintf("r%03d", i)))
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	ids, err := w.IDs()
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != n {
		t.Fatalf("IDs: %d, want %d", len(ids), n)
	}
	for _, id := range ids {
		facts, err := ReadFacts(dir, id)
		if err != nil || len(facts) != 7 {
			t.Errorf("%s: %d facts, err %v; want 7", id, len(facts), err)
		}
	}
	for _, table := range Tables {
		if got := len(listDir(t, dir, table)); got != n {
			t.Errorf("%s folder holds %d files, want %d", table, got, n)
		}
	}
}

// TestConcurrentSameID races versions of one report: whichever wins, its report row and its facts
// must belong to the same version.
func TestConcurrentSameID(t *testing.T) {
	w, dir := openTemp(t)
	var wg sync.WaitGroup
	for v := 0; v <= 7; v++ {
		wg.Go(func() {
			r := fullReport("same")
			r.Facts = r.Facts[:v]
			r.ParserVersion = fmt.Sprint(v)
			if err := w.Put(r); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	reps, err := ReadReports(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 1 {
		t.Fatalf("ReadReports: %d reports, want 1", len(reps))
	}
	facts, err := ReadFacts(dir, "same")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(len(facts)); got != reps[0].ParserVersion {
		t.Errorf("report version %s has %d facts", reps[0].ParserVersion, len(facts))
	}
}

func TestRemove(t *testing.T) {
	w, dir := openTemp(t)
	r := fullReport("dead")
	if err := w.Put(r); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ { // the second Remove finds nothing and is still fine
		if err := w.Remove(r.ID); err != nil {
			t.Fatal(err)
		}
	}
	if w.Has(r.ID) {
		t.Error("Has after Remove = true")
	}
	for _, table := range Tables {
		if got := listDir(t, dir, table); len(got) != 0 {
			t.Errorf("%s folder after Remove = %v", table, got)
		}
	}
}

func TestInvalidID(t *testing.T) {
	w, dir := openTemp(t)
	for _, id := range []string{"", ".hidden", "../escape", "a/b", `a\b`, "报告", strings.Repeat("x", 201)} {
		r := failedReport(id)
		if err := w.Put(r); err == nil {
			t.Errorf("Put(%q) succeeded", id)
		}
		if w.Has(id) {
			t.Errorf("Has(%q) = true", id)
		}
		if err := w.Remove(id); err == nil {
			t.Errorf("Remove(%q) succeeded", id)
		}
	}
	if got := listDir(t, filepath.Dir(dir), ""); !reflect.DeepEqual(got, []string{"wh"}) {
		t.Errorf("parent of warehouse holds %v", got)
	}
	if err := w.Put(nil); err == nil {
		t.Error("Put(nil) succeeded")
	}
}

// benchReport is the size of a real 2021-template report: table 2 (~20 cells), table 3 (26 rows × 8
// columns) and table 4 (3 × 5), plus the identity checks over table 3's columns and rows.
func benchReport(id string) *report.Report {
	r := fullReport(id)
	r.Facts = r.Facts[:0]
	for ti, tbl := range []struct {
		key        string
		rows, cols int
	}{{"active", 5, 4}, {"applications", 26, 8}, {"review_litigation", 3, 5}} {
		for row := 0; row < tbl.rows; row++ {
			for col := 0; col < tbl.cols; col++ {
				f := report.Fact{
					Table: tbl.key, Row: fmt.Sprintf("row_%02d", row), Col: fmt.Sprintf("col_%d", col),
					Value: fp(float64(row*col + 1)), Kind: report.Number, Raw: fmt.Sprint(row*col + 1),
					LabelRow: "（一）予以公开", LabelCol: "法人或其他组织", Mapping: "label",
					TableIdx: ti + 1, RowIdx: row + 2, ColIdx: col + 1,
				}
				if (row+col)%9 == 0 {
					f.Value, f.Kind, f.Raw = nil, report.Empty, ""
				}
				r.Facts = append(r.Facts, f)
			}
		}
	}
	r.Checks = r.Checks[:0]
	for i := 0; i < 60; i++ {
		r.Checks = append(r.Checks, report.Check{Name: "t3_balance", Table: "applications", Scope: "column",
			Key: fmt.Sprintf("col_%d", i%8), Pass: i%7 != 0, Expected: float64(i * 10), Actual: float64(i*10 - i%7)})
	}
	return r
}

func BenchmarkPut(b *testing.B) {
	w, dir := openTemp(b)
	r := benchReport("bench")
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Put(r); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var size int64
	for _, table := range Tables {
		if st, err := os.Stat(path(dir, table, r.ID)); err == nil {
			size += st.Size()
		}
	}
	b.ReportMetric(float64(len(r.Facts)), "facts")
	b.ReportMetric(float64(size), "bytes/report")
}
