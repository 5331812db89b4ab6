package metrics

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// writeParquet writes a small file the way DuckDB types the exports: VARCHAR, BIGINT, DOUBLE, BOOLEAN,
// VARCHAR[], with NULLs.
func writeParquet(t *testing.T) string {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "x", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "ok", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "flags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"丰台区", ""}, []bool{true, false})
	b.Field(1).(*array.Int64Builder).AppendValues([]int64{3, 0}, []bool{true, false})
	b.Field(2).(*array.Float64Builder).AppendValues([]float64{0.25, 0}, []bool{true, false})
	b.Field(3).(*array.BooleanBuilder).AppendValues([]bool{true, false}, nil)
	lb := b.Field(4).(*array.ListBuilder)
	lb.Append(true)
	lb.ValueBuilder().(*array.StringBuilder).AppendValues([]string{"a", "b"}, nil)
	lb.Append(true)
	rec := b.NewRecordBatch()
	defer rec.Release()
	p := filepath.Join(t.TempDir(), "x.parquet")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w, err := pqarrow.NewFileWriter(schema, f, nil, pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadParquet(t *testing.T) {
	p := writeParquet(t)
	type row struct {
		Name  string   `col:"name"`
		N     *int     `col:"n"`
		X     *float64 `col:"x"`
		OK    bool     `col:"ok"`
		Flags []string `col:"flags"`
		Skip  string
	}
	rows, err := ReadParquet[row](p)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	r0, r1 := rows[0], rows[1]
	if r0.Name != "丰台区" || r0.N == nil || *r0.N != 3 || r0.X == nil || *r0.X != 0.25 || !r0.OK || !slices.Equal(r0.Flags, []string{"a", "b"}) {
		t.Errorf("row 0: %+v", r0)
	}
	if r1.Name != "" || r1.N != nil || r1.X != nil || r1.OK || len(r1.Flags) != 0 {
		t.Errorf("row 1 (NULLs): %+v", r1)
	}
	type missing struct {
		Y string `col:"y"`
	}
	if _, err := ReadParquet[missing](p); err == nil || !strings.Contains(err.Error(), `"y"`) {
		t.Errorf("missing column: %v", err)
	}
	type wrong struct {
		Name int `col:"name"`
	}
	if _, err := ReadParquet[wrong](p); err == nil {
		t.Error("string read into int")
	}
	if _, err := ReadValues(t.TempDir()); err == nil || !strings.Contains(err.Error(), "metric_values.parquet") {
		t.Errorf("absent file: %v", err)
	}
}
