// Package template holds the national annual-report template as data: versions, tables, rows and columns with
// their stable keys, Chinese labels and the aliases real reports use, and the identities a correct report
// satisfies. Parser, validator, SQL generation and charts all read this one definition.
package template

import (
	"fmt"
	"sort"
)

// Version names a template version by the year its circular was issued.
type Version string

const (
	// V2019 is the trial format (国办公开办函〔2019〕60号), used for reports on 2019 and 2020.
	V2019 Version = "2019"
	// V2021 is the format of 国办公开办函〔2021〕30号, used for reports on 2021 and later.
	V2021 Version = "2021"
)

// Table keys: the warehouse's names for the template's three tables.
const (
	Active           = "active"            // 表二 主动公开
	Applications     = "applications"      // 表三 依申请公开
	ReviewLitigation = "review_litigation" // 表四 行政复议、行政诉讼
)

// Row is one row of a template table.
type Row struct {
	Key   string // stable key, e.g. "unable_not_held"
	Label string // canonical label without numbering, e.g. "本机关不掌握相关政府信息"
	Group string // label of the group row it sits under, e.g. "无法提供"; empty for top-level rows
	// Aliases are other wordings seen in real reports (numbering prefixes, brackets, script and spacing are
	// handled by Norm and need no alias).
	Aliases []string
	// Cols lists the column keys this row has, for tables whose blocks have their own columns (table 2);
	// nil means every column of the table.
	Cols []string
	// Block is the 第二十条 item a table-2 row belongs to, e.g. "第二十条第(一)项".
	Block string
	// Optional rows are printed by some publishers only (2019: 政府集中采购, 其他对外管理服务事项).
	Optional bool
}

// Column is one value column of a template table.
type Column struct {
	Key     string
	Label   string
	Group   string // header group above it, e.g. "法人或其他组织"
	Aliases []string
	Money   bool // values are amounts in 万元 (decimals), not counts
	// Optional columns are printed by some publishers only (e.g. 小计); a report without them is complete.
	Optional bool
}

// Table is one of the template's tables in one version.
type Table struct {
	Key     string
	Number  int    // 2, 3 or 4: the section that holds it
	Heading string // section heading without numbering, e.g. "收到和处理政府信息公开申请情况"
	PathSep string // separator between group and label in display paths ("/" or "-")
	Rows    []Row
	Cols    []Column
	// RowsFromHeader is true for table 4, whose rows (复议, 直接起诉, 复议后起诉) are header groups above the
	// columns rather than labelled rows.
	RowsFromHeader bool
	// Anchors are labels that only this table uses: seeing one tells the parser which table it is in.
	Anchors []string
}

// Template is one version of the national template.
type Template struct {
	Version Version
	Tables  []*Table
}

// Table returns the table with the given key, or nil.
func (t *Template) Table(key string) *Table {
	for _, tb := range t.Tables {
		if tb.Key == key {
			return tb
		}
	}
	return nil
}

// Row returns the row with the given key, or nil.
func (t *Table) Row(key string) *Row {
	for i := range t.Rows {
		if t.Rows[i].Key == key {
			return &t.Rows[i]
		}
	}
	return nil
}

// Col returns the column with the given key, or nil.
func (t *Table) Col(key string) *Column {
	for i := range t.Cols {
		if t.Cols[i].Key == key {
			return &t.Cols[i]
		}
	}
	return nil
}

// RowCols returns the columns a row has, in template order.
func (t *Table) RowCols(r *Row) []Column {
	if r.Cols == nil {
		return t.Cols
	}
	out := make([]Column, 0, len(r.Cols))
	for _, k := range r.Cols {
		if c := t.Col(k); c != nil {
			out = append(out, *c)
		}
	}
	return out
}

// Path is the row's display label with its group, as the warehouse and truth files print it
// ("不予公开/属于国家秘密", "行政诉讼-未经复议直接起诉").
func (t *Table) Path(r *Row) string {
	if r.Group == "" {
		return r.Label
	}
	return r.Group + t.PathSep + r.Label
}

// Cell names one figure of a template: the unit the warehouse stores and the validator checks.
type Cell struct {
	Table, Row, Col string
}

func (c Cell) String() string { return c.Table + "." + c.Row + "." + c.Col }

// Cells lists every figure the template expects, in table, row and column order. Optional rows and
// columns are left out.
func (t *Template) Cells() []Cell {
	var out []Cell
	for _, tb := range t.Tables {
		for i := range tb.Rows {
			if tb.Rows[i].Optional {
				continue
			}
			for _, c := range tb.RowCols(&tb.Rows[i]) {
				if c.Optional {
					continue
				}
				out = append(out, Cell{tb.Key, tb.Rows[i].Key, c.Key})
			}
		}
	}
	return out
}

var versions = map[Version]*Template{}

func register(t *Template) *Template {
	versions[t.Version] = t
	return t
}

// Get returns the template of a version.
func Get(v Version) (*Template, error) {
	t, ok := versions[v]
	if !ok {
		return nil, fmt.Errorf("unknown template version %q", v)
	}
	return t, nil
}

// MustGet is Get for versions known at compile time.
func MustGet(v Version) *Template {
	t, err := Get(v)
	if err != nil {
		panic(err)
	}
	return t
}

// Versions lists the known versions, oldest first.
func Versions() []Version {
	out := make([]Version, 0, len(versions))
	for v := range versions {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// ForYear is the version a report on the given year is expected to use; the parser prefers evidence in the
// document itself and uses this only when the document gives none.
func ForYear(year int) Version {
	if year > 0 && year < 2021 {
		return V2019
	}
	return V2021
}

var numerals = []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// Numeral is the Chinese numeral the template numbers its sections and items with (3 → 三); "" outside
// 1–10.
func Numeral(n int) string {
	if n > 0 && n < len(numerals) {
		return numerals[n]
	}
	return ""
}
