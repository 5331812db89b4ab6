package analyze

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gkbench/gkbench/pipeline/metrics"
)

// ExportedFile is one table written by Export.
type ExportedFile struct {
	Table   string
	Rows    int64
	Parquet string
	CSV     string // English column names (the keys programs read)
	CSVZH   string // the same rows under Chinese column names (metrics.ColumnZH)
}

// WorkbookName is the Excel workbook Export writes beside the tables.
const WorkbookName = metrics.WorkbookName

// Export writes every table of metrics.Outputs to dir as <table>.parquet, <table>.csv and <table>_zh.csv
// (UTF-8 with a BOM so Excel reads Chinese correctly; list columns joined with ";"; text cells that a
// spreadsheet would run as a formula neutralised, see csvText), then the workbook gkbench.xlsx (Workbook).
// Each file appears complete or not at all.
func (a *Analysis) Export(ctx context.Context, dir string, progress io.Writer) ([]ExportedFile, error) {
	if progress == nil {
		progress = io.Discard
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("创建输出目录: %w", err)
	}
	var out []ExportedFile
	for _, o := range metrics.Outputs {
		f, err := a.exportTable(ctx, dir, o)
		if err != nil {
			return out, fmt.Errorf("导出 %s: %w", o.Name, err)
		}
		fmt.Fprintf(progress, "  导出 %-26s %8d 行 → %s, %s, %s\n", o.Name, f.Rows, f.Parquet, filepath.Base(f.CSV),
			filepath.Base(f.CSVZH))
		out = append(out, f)
	}
	wb := filepath.Join(dir, WorkbookName)
	if err := a.Workbook(ctx, wb); err != nil {
		return out, fmt.Errorf("导出 %s: %w", WorkbookName, err)
	}
	fmt.Fprintf(progress, "  导出 Excel 工作簿 → %s\n", wb)
	return out, nil
}

// csvText neutralises a text expression for CSV: a cell starting with = + - @ TAB or CR is read by Excel and
// other spreadsheets as a formula (OWASP "CSV injection"; a crawled title can say =HYPERLINK(…)), so it gets
// a leading apostrophe, which spreadsheets show as text. Numeric columns are typed and cannot hold a
// formula; they are left as they are, so -0.5 stays a number.
func csvText(expr string) string {
	return fmt.Sprintf("CASE WHEN left(%[1]s, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || %[1]s ELSE %[1]s END", expr)
}

// columnZH is a column's Chinese header; a column without one keeps its key (the tests require one).
func columnZH(name string) string {
	if zh, ok := metrics.ColumnZH[name]; ok {
		return zh
	}
	return name
}

func (a *Analysis) exportTable(ctx context.Context, dir string, o metrics.Output) (ExportedFile, error) {
	f := ExportedFile{Table: o.Name,
		Parquet: filepath.Join(dir, o.Name+".parquet"), CSV: filepath.Join(dir, o.Name+".csv")}
	if err := a.db.QueryRowContext(ctx, "SELECT count(*) FROM "+ident(o.Name)).Scan(&f.Rows); err != nil {
		return f, err
	}
	cols, err := a.columns(ctx, o.Name)
	if err != nil {
		return f, err
	}
	order := ""
	if o.OrderBy != "" {
		order = " ORDER BY " + o.OrderBy
	}
	// Parquet keeps the types (lists stay lists).
	tmp := f.Parquet + ".tmp" // not matched by a *.parquet glob
	q := fmt.Sprintf("COPY (SELECT * FROM %s%s) TO %s (FORMAT parquet, COMPRESSION zstd)", ident(o.Name), order, Literal(tmp))
	if _, err := a.db.ExecContext(ctx, q); err != nil {
		os.Remove(tmp)
		return f, err
	}
	if err := os.Rename(tmp, f.Parquet); err != nil {
		os.Remove(tmp)
		return f, err
	}
	// CSV: lists as "a;b", text neutralised, then a BOM in front of DuckDB's output; once with the keys as
	// headers, once with the Chinese names.
	sel, selZH := make([]string, len(cols)), make([]string, len(cols))
	for i, c := range cols {
		expr := ident(c.name)
		switch {
		case strings.HasSuffix(c.typ, "[]"):
			expr = csvText(fmt.Sprintf("array_to_string(%s, ';')", ident(c.name)))
		case c.typ == "VARCHAR":
			expr = csvText(ident(c.name))
		}
		sel[i] = expr + " AS " + ident(c.name)
		selZH[i] = expr + " AS " + ident(columnZH(c.name))
	}
	f.CSVZH = filepath.Join(dir, o.Name+"_zh.csv")
	for _, out := range []struct {
		sel  []string
		path string
	}{{sel, f.CSV}, {selZH, f.CSVZH}} {
		raw := out.path + ".raw.tmp"
		q = fmt.Sprintf("COPY (SELECT %s FROM %s%s) TO %s (FORMAT csv, HEADER true)", strings.Join(out.sel, ", "),
			ident(o.Name), order, Literal(raw))
		if _, err := a.db.ExecContext(ctx, q); err != nil {
			os.Remove(raw)
			return f, err
		}
		err := withBOM(raw, out.path)
		os.Remove(raw)
		if err != nil {
			return f, err
		}
	}
	return f, nil
}

type column struct{ name, typ string }

func (a *Analysis) columns(ctx context.Context, table string) ([]column, error) {
	rows, err := a.db.QueryContext(ctx,
		`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.name, &c.typ); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("表 %s 不存在", table)
	}
	return out, nil
}

// ident quotes a SQL identifier.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// withBOM writes a UTF-8 BOM followed by src's content to dst via a synced temp file and a rename.
func withBOM(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := dst + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			out.Close()
			if rmErr := os.Remove(tmp); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
				err = errors.Join(err, rmErr)
			}
		}
	}()
	if _, err = out.WriteString("\ufeff"); err != nil {
		return err
	}
	if _, err = io.Copy(out, in); err != nil {
		return err
	}
	if err = out.Sync(); err != nil {
		return err
	}
	if err = out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}
