package metrics

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// The row types of the exported files `analyze` writes (see Outputs). Nullable columns are pointers; an
// unknown string is "". Field tags name the Parquet column.

// Value is one row of metric_values.parquet: one report and metric.
type Value struct {
	ReportID        string   `col:"report_id"`
	EntityKey       string   `col:"entity_key"` // "" when the issuer is unknown
	EntityName      string   `col:"entity_name"`
	Issuer          string   `col:"issuer"`
	Jurisdiction    string   `col:"jurisdiction"`
	Level           string   `col:"level"`  // district_government, city_government, street_town, department, unknown
	Parent          string   `col:"parent"` // peers share year, level and parent
	Year            *int     `col:"year"`
	TemplateVersion string   `col:"template_version"`
	IsPrimary       bool     `col:"is_primary"` // the report that counts for its entity and year
	ReportStatus    string   `col:"report_status"`
	MetricKey       string   `col:"metric_key"`
	Name            string   `col:"name_zh"`
	Category        string   `col:"category_zh"`
	SortOrder       int      `col:"sort_order"`
	Unit            string   `col:"unit"`
	Direction       string   `col:"direction"`
	Scale           float64  `col:"scale"`
	Numerator       *float64 `col:"numerator"`
	Denominator     *float64 `col:"denominator"` // nil for counts
	Value           *float64 `col:"value"`       // nil: see Flags
	Reliable        bool     `col:"reliable"`
	Flags           []string `col:"flags"` // missing_input, no_population, blank_as_zero, denominator_zero, ...
	FlagsZH         string   `col:"flags_zh"`
	MissingCells    []string `col:"missing_cells"` // "table.row.col"
	BlankCells      []string `col:"blank_cells"`
	FailedChecks    []string `col:"failed_checks"`
}

// Ranking is one row of rankings.parquet.
type Ranking struct {
	Year            int      `col:"year"`
	MetricKey       string   `col:"metric_key"`
	Name            string   `col:"name_zh"`
	Unit            string   `col:"unit"`
	Direction       string   `col:"direction"`
	Level           string   `col:"level"`
	Parent          string   `col:"parent"`
	EntityKey       string   `col:"entity_key"`
	EntityName      string   `col:"entity_name"`
	Issuer          string   `col:"issuer"`
	Jurisdiction    string   `col:"jurisdiction"`
	ReportID        string   `col:"report_id"`
	TemplateVersion string   `col:"template_version"`
	Value           float64  `col:"value"`
	Numerator       *float64 `col:"numerator"`
	Denominator     *float64 `col:"denominator"`
	Reliable        bool     `col:"reliable"`
	Flags           []string `col:"flags"`
	FlagsZH         string   `col:"flags_zh"`
	// Ranked: a directed metric's reliable value. Unreliable values and neutral metrics are listed, not ranked.
	Ranked          bool `col:"ranked"`
	Rank            *int `col:"rank"`             // competition rank (1, 2, 2, 4), 1 = best; nil when not ranked
	RankedCount     int  `col:"ranked_count"`     // ranked rows of the peer group: "第 Rank/RankedCount"
	UnreliableCount int  `col:"unreliable_count"` // rows of the group shown but unreliable
	PeerCount       int  `col:"peer_count"`       // rows of the group with a value
	Position        int  `col:"position"`         // display order in the group, 1 = first
	// Percentile is oriented: 100 = best in the metric's direction (share of the other ranked peers that are
	// not better); nil when not ranked or alone.
	Percentile *float64 `col:"percentile"`
	P25        float64  `col:"p25"`
	P50        float64  `col:"p50"`
	P75        float64  `col:"p75"`
}

// PeerStat is one row of peer_stats.parquet: a peer group's distribution and pooled value.
type PeerStat struct {
	Year             int      `col:"year"`
	MetricKey        string   `col:"metric_key"`
	Name             string   `col:"name_zh"`
	Unit             string   `col:"unit"`
	Direction        string   `col:"direction"`
	Level            string   `col:"level"`
	Parent           string   `col:"parent"`
	Members          int      `col:"members"`
	MembersWithValue int      `col:"members_with_value"`
	MembersReliable  int      `col:"members_reliable"`
	Min              *float64 `col:"min_value"`
	P25              *float64 `col:"p25"`
	P50              *float64 `col:"p50"`
	P75              *float64 `col:"p75"`
	Max              *float64 `col:"max_value"`
	MembersPooled    int      `col:"members_pooled"`
	SumNumerator     *float64 `col:"sum_numerator"`
	SumDenominator   *float64 `col:"sum_denominator"`
	Pooled           *float64 `col:"pooled_value"` // Σnumerator / Σdenominator × scale (Σ for counts)
}

// Trend is one row of trends.parquet.
type Trend struct {
	EntityKey           string   `col:"entity_key"`
	EntityName          string   `col:"entity_name"`
	Level               string   `col:"level"`
	Parent              string   `col:"parent"`
	MetricKey           string   `col:"metric_key"`
	Name                string   `col:"name_zh"`
	Unit                string   `col:"unit"`
	Direction           string   `col:"direction"`
	SortOrder           int      `col:"sort_order"`
	Year                int      `col:"year"`
	ReportID            string   `col:"report_id"` // "" for a missing year
	TemplateVersion     string   `col:"template_version"`
	Value               *float64 `col:"value"`
	Reliable            *bool    `col:"reliable"`
	PrevYear            *int     `col:"prev_year"`
	PrevReportID        string   `col:"prev_report_id"`
	PrevTemplateVersion string   `col:"prev_template_version"`
	PrevValue           *float64 `col:"prev_value"`
	PrevReliable        *bool    `col:"prev_reliable"`
	Change              *float64 `col:"change"`
	Ratio               *float64 `col:"ratio"`
	BaseYear            *int     `col:"base_year"` // the first year with a value ("自 BaseYear 年以来")
	BaseValue           *float64 `col:"base_value"`
	BaseTemplateVersion string   `col:"base_template_version"`
	ChangeSince         *float64 `col:"change_since"` // value − base_value; nil in the base year
	RatioSince          *float64 `col:"ratio_since"`
	Flags               []string `col:"flags"` // missing_year, prev_missing, version_change, jump_up, ...
	FlagsZH             string   `col:"flags_zh"`
}

// ReadValues reads <dir>/metric_values.parquet.
func ReadValues(dir string) ([]Value, error) { return readOutput[Value](dir, "metric_values") }

// ReadRankings reads <dir>/rankings.parquet.
func ReadRankings(dir string) ([]Ranking, error) { return readOutput[Ranking](dir, "rankings") }

// ReadPeerStats reads <dir>/peer_stats.parquet.
func ReadPeerStats(dir string) ([]PeerStat, error) { return readOutput[PeerStat](dir, "peer_stats") }

// ReadTrends reads <dir>/trends.parquet.
func ReadTrends(dir string) ([]Trend, error) { return readOutput[Trend](dir, "trends") }

func readOutput[T any](dir, name string) ([]T, error) {
	p := filepath.Join(dir, name+".parquet")
	out, err := ReadParquet[T](p)
	if err != nil {
		return nil, fmt.Errorf("读取 %s: %w", p, err)
	}
	return out, nil
}

// ReadParquet reads a Parquet file into structs whose fields are tagged `col:"name"`. Supported field
// types: string, bool, int, int64, float64, time.Time, []string and pointers to the scalar ones (nil for
// NULL). A tagged column missing from the file is an error.
func ReadParquet[T any](path string) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tbl, err := pqarrow.ReadTable(context.Background(), f, nil, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return nil, err
	}
	defer tbl.Release()
	tr := array.NewTableReader(tbl, -1)
	defer tr.Release()
	var out []T
	typ := reflect.TypeFor[T]()
	if typ.Kind() != reflect.Struct {
		return nil, fmt.Errorf("ReadParquet: %s is not a struct", typ)
	}
	for tr.Next() {
		rec := tr.RecordBatch()
		type binding struct {
			field int
			arr   arrow.Array
			name  string
		}
		var bs []binding
		for i := 0; i < typ.NumField(); i++ {
			name := typ.Field(i).Tag.Get("col")
			if name == "" {
				continue
			}
			idx := rec.Schema().FieldIndices(name)
			if len(idx) != 1 {
				return nil, fmt.Errorf("column %q missing", name)
			}
			bs = append(bs, binding{i, rec.Column(idx[0]), name})
		}
		start := len(out)
		out = append(out, make([]T, rec.NumRows())...)
		for r := 0; r < int(rec.NumRows()); r++ {
			v := reflect.ValueOf(&out[start+r]).Elem()
			for _, b := range bs {
				if err := set(v.Field(b.field), b.arr, r); err != nil {
					return nil, fmt.Errorf("column %q: %w", b.name, err)
				}
			}
		}
	}
	return out, tr.Err()
}

// set stores row r of a into the field; NULL leaves the zero value.
func set(field reflect.Value, a arrow.Array, r int) error {
	if a.IsNull(r) {
		return nil
	}
	if field.Kind() == reflect.Pointer {
		p := reflect.New(field.Type().Elem())
		if err := set(p.Elem(), a, r); err != nil {
			return err
		}
		field.Set(p)
		return nil
	}
	switch x := a.(type) {
	case *array.String:
		return setString(field, strings.Clone(x.Value(r)))
	case *array.LargeString:
		return setString(field, strings.Clone(x.Value(r)))
	case *array.Boolean:
		if field.Kind() != reflect.Bool {
			return fmt.Errorf("boolean into %s", field.Type())
		}
		field.SetBool(x.Value(r))
	case *array.Int8, *array.Int16, *array.Int32, *array.Int64, *array.Uint8, *array.Uint16, *array.Uint32, *array.Uint64:
		n, err := intValue(a, r)
		if err != nil {
			return err
		}
		switch field.Kind() {
		case reflect.Int, reflect.Int64, reflect.Int32:
			field.SetInt(n)
		case reflect.Float64:
			field.SetFloat(float64(n))
		default:
			return fmt.Errorf("integer into %s", field.Type())
		}
	case *array.Float64:
		if field.Kind() != reflect.Float64 {
			return fmt.Errorf("double into %s", field.Type())
		}
		field.SetFloat(x.Value(r))
	case *array.Float32:
		if field.Kind() != reflect.Float64 {
			return fmt.Errorf("float into %s", field.Type())
		}
		field.SetFloat(float64(x.Value(r)))
	case *array.Date32:
		return setTime(field, x.Value(r).ToTime())
	case *array.Timestamp:
		unit := x.DataType().(*arrow.TimestampType).Unit
		return setTime(field, x.Value(r).ToTime(unit).UTC())
	case *array.List:
		if field.Type() != reflect.TypeFor[[]string]() {
			return fmt.Errorf("list into %s", field.Type())
		}
		start, end := x.ValueOffsets(r)
		vals, ok := x.ListValues().(*array.String)
		if !ok {
			return fmt.Errorf("list of %s, want strings", x.ListValues().DataType())
		}
		l := make([]string, 0, end-start)
		for i := start; i < end; i++ {
			l = append(l, strings.Clone(vals.Value(int(i))))
		}
		field.Set(reflect.ValueOf(l))
	default:
		return fmt.Errorf("unsupported column type %s", a.DataType())
	}
	return nil
}

func setString(field reflect.Value, s string) error {
	if field.Kind() != reflect.String {
		return fmt.Errorf("string into %s", field.Type())
	}
	field.SetString(s)
	return nil
}

func setTime(field reflect.Value, t time.Time) error {
	if field.Type() != reflect.TypeFor[time.Time]() {
		return fmt.Errorf("time into %s", field.Type())
	}
	field.Set(reflect.ValueOf(t))
	return nil
}

func intValue(a arrow.Array, r int) (int64, error) {
	switch x := a.(type) {
	case *array.Int8:
		return int64(x.Value(r)), nil
	case *array.Int16:
		return int64(x.Value(r)), nil
	case *array.Int32:
		return int64(x.Value(r)), nil
	case *array.Int64:
		return x.Value(r), nil
	case *array.Uint8:
		return int64(x.Value(r)), nil
	case *array.Uint16:
		return int64(x.Value(r)), nil
	case *array.Uint32:
		return int64(x.Value(r)), nil
	case *array.Uint64:
		return int64(x.Value(r)), nil
	}
	return 0, fmt.Errorf("not an integer: %s", a.DataType())
}
