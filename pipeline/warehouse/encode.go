package warehouse

import (
	"bytes"
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/gkbench/gkbench/pipeline/report"
)

// rowWriter appends one row's values to a RecordBuilder's columns in schema order. end() checks the
// row filled every column, so a schema edit that is not mirrored in the encoder fails loudly in tests
// instead of writing misaligned columns.
type rowWriter struct {
	fields []array.Builder
	i      int
}

func (w *rowWriter) next() array.Builder {
	b := w.fields[w.i]
	w.i++
	return b
}

func (w *rowWriter) str(s string) { w.next().(*array.StringBuilder).Append(s) }

// optStr writes NULL for the empty string, so SQL tests IS NULL rather than comparing with an empty literal.
func (w *rowWriter) optStr(s string) {
	b := w.next().(*array.StringBuilder)
	if s == "" {
		b.AppendNull()
		return
	}
	b.Append(s)
}

func (w *rowWriter) i32(v int32)   { w.next().(*array.Int32Builder).Append(v) }
func (w *rowWriter) f64(v float64) { w.next().(*array.Float64Builder).Append(v) }
func (w *rowWriter) boolean(v bool) {
	w.next().(*array.BooleanBuilder).Append(v)
}

func (w *rowWriter) optF64(v *float64) {
	b := w.next().(*array.Float64Builder)
	if v == nil {
		b.AppendNull()
		return
	}
	b.Append(*v)
}

func (w *rowWriter) optI32(v int32, null bool) {
	b := w.next().(*array.Int32Builder)
	if null {
		b.AppendNull()
		return
	}
	b.Append(v)
}

func (w *rowWriter) strList(ss []string) {
	b := w.next().(*array.ListBuilder)
	b.Append(true) // never NULL: an empty list keeps len(warnings) = 0 usable in SQL
	vb := b.ValueBuilder().(*array.StringBuilder)
	for _, s := range ss {
		vb.Append(s)
	}
}

// optF64List writes a list of doubles, NULL when nil.
func (w *rowWriter) optF64List(vs []float64) {
	b := w.next().(*array.ListBuilder)
	if vs == nil {
		b.AppendNull()
		return
	}
	b.Append(true)
	vb := b.ValueBuilder().(*array.Float64Builder)
	vb.AppendValues(vs, nil)
}

func (w *rowWriter) optTime(t arrow.Timestamp, null bool) {
	b := w.next().(*array.TimestampBuilder)
	if null {
		b.AppendNull()
		return
	}
	b.Append(t)
}

// optDate writes a YYYY-MM-DD date, NULL when empty.
func (w *rowWriter) optDate(s string) error {
	b := w.next().(*array.Date32Builder)
	if s == "" {
		b.AppendNull()
		return nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return fmt.Errorf("warehouse: published_on %q: %w", s, err)
	}
	b.Append(arrow.Date32FromTime(t))
	return nil
}

func (w *rowWriter) end() {
	if w.i != len(w.fields) {
		panic(fmt.Sprintf("warehouse: row wrote %d of %d columns", w.i, len(w.fields)))
	}
	w.i = 0
}

func toInt32(what string, v int) (int32, error) {
	if v < math.MinInt32 || v > math.MaxInt32 {
		return 0, fmt.Errorf("warehouse: %s %d out of int32 range", what, v)
	}
	return int32(v), nil
}

// encodeReport returns the reports row of r as a Parquet file.
func encodeReport(r *report.Report) ([]byte, error) {
	year, err := toInt32("year", r.Year)
	if err != nil {
		return nil, err
	}
	factCount, err := toInt32("fact count", len(r.Facts))
	if err != nil {
		return nil, err
	}
	failed := 0
	for _, c := range r.Checks {
		if !c.Pass {
			failed++
		}
	}

	rb := array.NewRecordBuilder(memory.DefaultAllocator, ReportsSchema)
	defer rb.Release()
	w := &rowWriter{fields: rb.Fields()}
	w.str(r.ID)
	w.str(r.URL)
	w.str(r.SourcePath)
	w.str(r.SHA256)
	w.str(r.Issuer)
	w.str(string(r.IssuerFrom))
	w.str(r.Jurisdiction)
	w.str(string(r.JurisdictionFrom))
	w.optI32(year, r.Year == 0)
	w.str(string(r.YearFrom))
	if err := w.optDate(r.PublishedOn); err != nil {
		return nil, err
	}
	w.str(string(r.PublishedFrom))
	w.optStr(r.TemplateVersion)
	w.str(string(r.VersionFrom))
	w.str(r.Format)
	w.str(r.Title)
	w.str(string(r.Status))
	w.optStr(r.Error)
	w.strList(r.Warnings)
	w.i32(factCount)
	w.i32(int32(failed)) // ≤ len(Checks), which a report cannot push past int32 in practice
	// A zero ParsedAt is "unknown", not 0001-01-01.
	w.optTime(arrow.Timestamp(r.ParsedAt.UnixMicro()), r.ParsedAt.IsZero())
	w.str(r.ParserVersion)
	pages, err := toInt32("pages", r.Pages)
	if err != nil {
		return nil, err
	}
	w.optI32(pages, r.Pages == 0)
	w.end()
	return encodeRecord(rb)
}

// encodeFacts returns the facts rows of r as a Parquet file, or nil when r has no facts.
func encodeFacts(r *report.Report) ([]byte, error) {
	if len(r.Facts) == 0 {
		return nil, nil
	}
	rb := array.NewRecordBuilder(memory.DefaultAllocator, FactsSchema)
	defer rb.Release()
	rb.Reserve(len(r.Facts))
	w := &rowWriter{fields: rb.Fields()}
	for i := range r.Facts {
		f := &r.Facts[i]
		ti, err1 := toInt32("table index", f.TableIdx)
		ri, err2 := toInt32("row index", f.RowIdx)
		ci, err3 := toInt32("col index", f.ColIdx)
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, fmt.Errorf("fact %d (%s/%s/%s): index out of int32 range", i, f.Table, f.Row, f.Col)
		}
		w.str(r.ID)
		w.optStr(r.TemplateVersion)
		w.str(f.Table)
		w.optStr(f.Row)
		w.str(f.Col)
		w.optF64(f.Value)
		w.str(string(f.Kind))
		w.str(f.Raw)
		w.str(f.LabelRow)
		w.optStr(f.LabelCol)
		w.str(f.Mapping)
		w.i32(ti)
		w.i32(ri)
		w.i32(ci)
		pg, err := toInt32("page", f.Page)
		if err != nil {
			return nil, err
		}
		w.optI32(pg, f.Page == 0)
		w.optF64List(f.BBox)
		w.end()
	}
	return encodeRecord(rb)
}

// encodeChecks returns the checks rows of r as a Parquet file, or nil when r has no checks.
func encodeChecks(r *report.Report) ([]byte, error) {
	if len(r.Checks) == 0 {
		return nil, nil
	}
	rb := array.NewRecordBuilder(memory.DefaultAllocator, ChecksSchema)
	defer rb.Release()
	rb.Reserve(len(r.Checks))
	w := &rowWriter{fields: rb.Fields()}
	for i := range r.Checks {
		c := &r.Checks[i]
		w.str(r.ID)
		w.optStr(r.TemplateVersion)
		w.str(c.Name)
		w.str(c.Table)
		w.str(c.Scope)
		w.str(c.Key)
		w.boolean(c.Pass)
		w.f64(c.Expected)
		w.f64(c.Actual)
		w.end()
	}
	return encodeRecord(rb)
}

// encodeRecord serialises the builder's rows as one zstd-compressed Parquet file (one row group:
// a report is at most a few thousand rows). Encoding into memory rather than straight into the
// temp file keeps a failed encode from touching disk, and the files are small.
func encodeRecord(rb *array.RecordBuilder) ([]byte, error) {
	rec := rb.NewRecordBatch()
	defer rec.Release()

	props := parquet.NewWriterProperties(
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithDictionaryDefault(true), // report_id, table_key, kinds repeat on every row
		parquet.WithStats(true),
		parquet.WithCreatedBy("gkbench warehouse"),
	)
	// The stored Arrow schema carries the timestamp zone and list element name back to arrow readers.
	arrProps := pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema())

	var buf bytes.Buffer
	fw, err := pqarrow.NewFileWriter(rec.Schema(), &buf, props, arrProps)
	if err != nil {
		return nil, err
	}
	if err := fw.Write(rec); err != nil {
		fw.Close()
		return nil, err
	}
	if err := fw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
