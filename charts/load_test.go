package charts

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/gkbench/gkbench/pipeline/metrics"
)

// writeRows writes rows to a Parquet file with the column names and types of the row type's `col` tags,
// typed the way DuckDB exports them (VARCHAR, BIGINT, DOUBLE, BOOLEAN, VARCHAR[], TIMESTAMP; pointers and
// nil lists as NULL), so Load reads the same schema it reads from analyze.
func writeRows[T any](t *testing.T, path string, rows []T) {
	t.Helper()
	typ := reflect.TypeFor[T]()
	var fields []arrow.Field
	var idx []int
	for i := 0; i < typ.NumField(); i++ {
		name := typ.Field(i).Tag.Get("col")
		if name == "" {
			continue
		}
		var dt arrow.DataType
		ft := typ.Field(i).Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft == reflect.TypeFor[time.Time]():
			dt = &arrow.TimestampType{Unit: arrow.Microsecond}
		case ft.Kind() == reflect.String:
			dt = arrow.BinaryTypes.String
		case ft.Kind() == reflect.Bool:
			dt = arrow.FixedWidthTypes.Boolean
		case ft.Kind() == reflect.Int:
			dt = arrow.PrimitiveTypes.Int64
		case ft.Kind() == reflect.Float64:
			dt = arrow.PrimitiveTypes.Float64
		case ft == reflect.TypeFor[[]string]():
			dt = arrow.ListOf(arrow.BinaryTypes.String)
		default:
			t.Fatalf("writeRows: field %s of type %s", typ.Field(i).Name, ft)
		}
		fields = append(fields, arrow.Field{Name: name, Type: dt, Nullable: true})
		idx = append(idx, i)
	}
	schema := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for _, row := range rows {
		v := reflect.ValueOf(row)
		for j, i := range idx {
			f := v.Field(i)
			fb := b.Field(j)
			if (f.Kind() == reflect.Pointer || f.Kind() == reflect.Slice) && f.IsNil() {
				fb.AppendNull()
				continue
			}
			if f.Kind() == reflect.Pointer {
				f = f.Elem()
			}
			switch x := fb.(type) {
			case *array.StringBuilder:
				x.Append(f.String())
			case *array.BooleanBuilder:
				x.Append(f.Bool())
			case *array.Int64Builder:
				x.Append(f.Int())
			case *array.Float64Builder:
				x.Append(f.Float())
			case *array.TimestampBuilder:
				x.Append(arrow.Timestamp(f.Interface().(time.Time).UnixMicro()))
			case *array.ListBuilder:
				x.Append(true)
				for _, s := range f.Interface().([]string) {
					x.ValueBuilder().(*array.StringBuilder).Append(s)
				}
			}
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := pqarrow.NewFileWriter(schema, out, nil, pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestLoad writes the hand-made exports as Parquet and reads them back through Load: the same rows, the
// absent quality tables empty, and a site that equals the one rendered from the structs.
func TestLoad(t *testing.T) {
	d := smallData("北京市")
	d.Edited = []metrics.EditedReport{{URL: "https://www.example.gov.cn/a.html", Versions: 2,
		FirstFetchedAt: ptr(time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)), Evidence: []string{"versions.jsonl"},
		ReportIDs: []string{"东城区2021"}, EntityName: "北京市东城区人民政府", Year: ptr(2021)}}
	dir := t.TempDir()
	writeRows(t, filepath.Join(dir, "metric_values.parquet"), d.Values)
	writeRows(t, filepath.Join(dir, "rankings.parquet"), d.Rankings)
	writeRows(t, filepath.Join(dir, "peer_stats.parquet"), d.PeerStats)
	writeRows(t, filepath.Join(dir, "trends.parquet"), d.Trends)
	writeRows(t, filepath.Join(dir, "quality_reports.parquet"), d.Reports)
	writeRows(t, filepath.Join(dir, "quality_identity.parquet"), d.Identity)
	writeRows(t, filepath.Join(dir, "quality_missing_reports.parquet"), d.Missing)
	writeRows(t, filepath.Join(dir, "quality_edited_reports.parquet"), d.Edited)
	os.WriteFile(filepath.Join(dir, "metric_values.csv"), []byte("\ufeffreport_id\n"), 0o644)

	quiet := Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	got, err := Load(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	for name, pair := range map[string][2]any{
		"values":   {d.Values, got.Values},
		"rankings": {d.Rankings, got.Rankings},
		"peers":    {d.PeerStats, got.PeerStats},
		"trends":   {d.Trends, got.Trends},
		"reports":  {d.Reports, got.Reports},
		"identity": {d.Identity, got.Identity},
		"missing":  {d.Missing, got.Missing},
		"edited":   {d.Edited, got.Edited},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s: read back differently\n got %+v\nwant %+v", name, pair[1], pair[0])
		}
	}
	if len(got.CrossYear)+len(got.Publication)+len(got.Duplicates) != 0 || got.OutputsDir != dir {
		t.Errorf("absent tables not empty: %+v", got)
	}
	// The downloads page offers exactly the files present.
	site, sum := renderSmall(t, got, Options{})
	if sum.Downloads != 8 { // the eight tables written above
		t.Errorf("%d downloads, want 8", sum.Downloads)
	}
	page := readPage(t, site, "downloads.html")
	if !strings.Contains(page, `href="data/metric_values.csv"`) || !strings.Contains(page, `href="data/metric_values.parquet"`) ||
		strings.Contains(page, `href="data/population.csv"`) {
		t.Error("downloads page does not match the files present")
	}
	if _, err := os.Stat(filepath.Join(site, "data", "rankings.parquet")); err != nil {
		t.Error(err)
	}
	// Without metric_values there is nothing to draw: a clear error naming the file.
	if _, err := Load(t.TempDir(), quiet); err == nil || !strings.Contains(err.Error(), "metric_values.parquet") {
		t.Errorf("empty outputs folder: %v", err)
	}
	// A corrupt table is an error, not an empty table.
	os.WriteFile(filepath.Join(dir, "rankings.parquet"), []byte("not parquet"), 0o644)
	if _, err := Load(dir, quiet); err == nil || !strings.Contains(err.Error(), "rankings.parquet") {
		t.Errorf("corrupt rankings: %v", err)
	}
}
