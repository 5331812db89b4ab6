package warehouse

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/gkbench/gkbench/pipeline/report"
)

// ReadReports returns every committed report in the warehouse at dir, sorted by ID, with Facts and
// Checks left empty (see ReadFacts, ReadChecks). It does not need an open Warehouse.
func ReadReports(dir string) ([]report.Report, error) {
	ids, err := listIDs(dir)
	if err != nil {
		return nil, err
	}
	out := make([]report.Report, 0, len(ids))
	for _, id := range ids {
		err := readFile(path(dir, TableReports, id), func(rec arrow.RecordBatch) error {
			return decodeReports(rec, &out)
		})
		// A concurrent Put or Remove may take the file away between listing and reading.
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("warehouse: reports/%s%s: %w", id, ext, err)
		}
	}
	return out, nil
}

// ReadFacts returns the facts of the committed report id in stored order (nil when it has none).
// The error wraps fs.ErrNotExist when no report id is committed, even if an orphan facts file exists.
func ReadFacts(dir, id string) ([]report.Fact, error) {
	var out []report.Fact
	err := readChild(dir, TableFacts, id, func(rec arrow.RecordBatch) error {
		return decodeFacts(rec, &out)
	})
	return out, err
}

// ReadChecks returns the checks of the committed report id in stored order (nil when it has none).
// The error wraps fs.ErrNotExist when no report id is committed.
func ReadChecks(dir, id string) ([]report.Check, error) {
	var out []report.Check
	err := readChild(dir, TableChecks, id, func(rec arrow.RecordBatch) error {
		return decodeChecks(rec, &out)
	})
	return out, err
}

// readChild reads a facts or checks file, going through the reports file as readers must.
func readChild(dir, table, id string, fn func(arrow.RecordBatch) error) error {
	if err := checkID(id); err != nil {
		return err
	}
	if _, err := os.Stat(path(dir, TableReports, id)); err != nil {
		return fmt.Errorf("warehouse: report %s: %w", id, err)
	}
	err := readFile(path(dir, table, id), fn)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // a committed report without facts (or checks) has no file
	}
	if err != nil {
		return fmt.Errorf("warehouse: %s/%s%s: %w", table, id, ext, err)
	}
	return nil
}

// readFile reads a whole Parquet file and hands it to fn one record batch at a time.
func readFile(p string, fn func(arrow.RecordBatch) error) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	tbl, err := pqarrow.ReadTable(context.Background(), f, nil, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return err
	}
	defer tbl.Release()
	tr := array.NewTableReader(tbl, -1)
	defer tr.Release()
	for tr.Next() {
		if err := fn(tr.RecordBatch()); err != nil {
			return err
		}
	}
	return tr.Err()
}

// cols looks columns up by name, so files stay readable if columns are appended or reordered.
// The first missing or mistyped column is kept in err; getters return a zero array after that.
type cols struct {
	rec arrow.RecordBatch
	err error
}

func col[T arrow.Array](c *cols, name string) T {
	var zero T
	if c.err != nil {
		return zero
	}
	idx := c.rec.Schema().FieldIndices(name)
	if len(idx) != 1 {
		c.err = fmt.Errorf("column %q missing", name)
		return zero
	}
	a, ok := c.rec.Column(idx[0]).(T)
	if !ok {
		c.err = fmt.Errorf("column %q has type %s, want %T", name, c.rec.Column(idx[0]).DataType(), zero)
		return zero
	}
	return a
}

// optCol is col for a column added after the first release: files written before it lack it, and it
// reads as absent (nil) there.
func optCol[T arrow.Array](c *cols, name string) T {
	var zero T
	if c.err != nil || len(c.rec.Schema().FieldIndices(name)) == 0 {
		return zero
	}
	return col[T](c, name)
}

// str copies the value out of the Arrow buffer: Value aliases memory the allocator may reuse.
func str(a *array.String, i int) string {
	if a.IsNull(i) {
		return ""
	}
	return strings.Clone(a.Value(i))
}

func decodeReports(rec arrow.RecordBatch, out *[]report.Report) error {
	c := &cols{rec: rec}
	id := col[*array.String](c, "report_id")
	url := col[*array.String](c, "url")
	src := col[*array.String](c, "source_path")
	sha := col[*array.String](c, "sha256")
	issuer := col[*array.String](c, "issuer")
	issuerFrom := col[*array.String](c, "issuer_from")
	jur := col[*array.String](c, "jurisdiction")
	jurFrom := col[*array.String](c, "jurisdiction_from")
	year := col[*array.Int32](c, "year")
	yearFrom := col[*array.String](c, "year_from")
	published := col[*array.Date32](c, "published_on")
	publishedFrom := col[*array.String](c, "published_from")
	tv := col[*array.String](c, "template_version")
	tvFrom := col[*array.String](c, "version_from")
	format := col[*array.String](c, "format")
	title := col[*array.String](c, "title")
	status := col[*array.String](c, "status")
	errText := col[*array.String](c, "error")
	warnings := col[*array.List](c, "warnings")
	parsedAt := col[*array.Timestamp](c, "parsed_at")
	parserVersion := col[*array.String](c, "parser_version")
	pages := optCol[*array.Int32](c, "pages")
	if c.err != nil {
		return c.err
	}
	warnVals, ok := warnings.ListValues().(*array.String)
	if !ok {
		return fmt.Errorf("column %q: elements have type %s, want utf8", "warnings", warnings.ListValues().DataType())
	}
	toTime, err := parsedAt.DataType().(*arrow.TimestampType).GetToTimeFunc()
	if err != nil {
		return err
	}

	for i := 0; i < int(rec.NumRows()); i++ {
		r := report.Report{
			ID:               str(id, i),
			URL:              str(url, i),
			SourcePath:       str(src, i),
			SHA256:           str(sha, i),
			Issuer:           str(issuer, i),
			IssuerFrom:       report.Found(str(issuerFrom, i)),
			Jurisdiction:     str(jur, i),
			JurisdictionFrom: report.Found(str(jurFrom, i)),
			YearFrom:         report.Found(str(yearFrom, i)),
			PublishedFrom:    report.Found(str(publishedFrom, i)),
			TemplateVersion:  str(tv, i),
			VersionFrom:      report.Found(str(tvFrom, i)),
			Format:           str(format, i),
			Title:            str(title, i),
			Status:           report.Status(str(status, i)),
			Error:            str(errText, i),
			ParserVersion:    str(parserVersion, i),
		}
		if year.IsValid(i) {
			r.Year = int(year.Value(i))
		}
		if published.IsValid(i) {
			r.PublishedOn = published.Value(i).ToTime().Format("2006-01-02")
		}
		// An empty list reads back as nil: the column cannot tell nil from empty, and nil is what a
		// parser that found nothing to warn about produces.
		if warnings.IsValid(i) {
			start, end := warnings.ValueOffsets(i)
			for j := start; j < end; j++ {
				r.Warnings = append(r.Warnings, str(warnVals, int(j)))
			}
		}
		if parsedAt.IsValid(i) {
			r.ParsedAt = toTime(parsedAt.Value(i)).UTC()
		}
		if pages != nil && pages.IsValid(i) {
			r.Pages = int(pages.Value(i))
		}
		*out = append(*out, r)
	}
	return nil
}

func decodeFacts(rec arrow.RecordBatch, out *[]report.Fact) error {
	c := &cols{rec: rec}
	table := col[*array.String](c, "table_key")
	row := col[*array.String](c, "row_key")
	colKey := col[*array.String](c, "col_key")
	value := col[*array.Float64](c, "value")
	kind := col[*array.String](c, "cell_kind")
	raw := col[*array.String](c, "raw_text")
	labelRow := col[*array.String](c, "label_row")
	labelCol := col[*array.String](c, "label_col")
	mapping := col[*array.String](c, "mapping")
	ti := col[*array.Int32](c, "table_index")
	ri := col[*array.Int32](c, "row_index")
	ci := col[*array.Int32](c, "col_index")
	page := optCol[*array.Int32](c, "page")
	bbox := optCol[*array.List](c, "bbox")
	if c.err != nil {
		return c.err
	}
	var bboxVals *array.Float64
	if bbox != nil {
		var ok bool
		if bboxVals, ok = bbox.ListValues().(*array.Float64); !ok {
			return fmt.Errorf("column %q: elements have type %s, want float64", "bbox", bbox.ListValues().DataType())
		}
	}
	n := int(rec.NumRows())
	*out = slices.Grow(*out, n)
	// One backing array for all values instead of one allocation per fact.
	vals := make([]float64, n)
	for i := 0; i < n; i++ {
		f := report.Fact{
			Table:    str(table, i),
			Row:      str(row, i),
			Col:      str(colKey, i),
			Kind:     report.CellKind(str(kind, i)),
			Raw:      str(raw, i),
			LabelRow: str(labelRow, i),
			LabelCol: str(labelCol, i),
			Mapping:  str(mapping, i),
			TableIdx: int(ti.Value(i)),
			RowIdx:   int(ri.Value(i)),
			ColIdx:   int(ci.Value(i)),
		}
		if value.IsValid(i) {
			vals[i] = value.Value(i)
			f.Value = &vals[i]
		}
		if page != nil && page.IsValid(i) {
			f.Page = int(page.Value(i))
		}
		if bbox != nil && bbox.IsValid(i) {
			start, end := bbox.ValueOffsets(i)
			f.BBox = slices.Clone(bboxVals.Float64Values()[start:end])
		}
		*out = append(*out, f)
	}
	return nil
}

func decodeChecks(rec arrow.RecordBatch, out *[]report.Check) error {
	c := &cols{rec: rec}
	name := col[*array.String](c, "check_name")
	table := col[*array.String](c, "table_key")
	scope := col[*array.String](c, "scope")
	key := col[*array.String](c, "key")
	pass := col[*array.Boolean](c, "pass")
	expected := col[*array.Float64](c, "expected")
	actual := col[*array.Float64](c, "actual")
	if c.err != nil {
		return c.err
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		*out = append(*out, report.Check{
			Name:     str(name, i),
			Table:    str(table, i),
			Scope:    str(scope, i),
			Key:      str(key, i),
			Pass:     pass.Value(i),
			Expected: expected.Value(i),
			Actual:   actual.Value(i),
		})
	}
	return nil
}
