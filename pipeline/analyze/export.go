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
	CSV     string
}

// Export writes every table of metrics.Outputs to dir as <table>.parquet and <table>.csv (UTF-8 with a BOM so
// Excel reads Chinese correctly; list columns joined with ";"). Each file appears complete or not at all.
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
		fmt.Fprintf(progress, "  导出 %-26s %8d 行 → %s, %s\n", o.Name, f.Rows, f.Parquet, filepath.Base(f.CSV))
		out = append(out, f)
	}
	return out, nil
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
	// CSV: lists as "a;b", then a BOM in front of DuckDB's output.
	sel := make([]string, len(cols))
	for i, c := range cols {
		if strings.HasSuffix(c.typ, "[]") {
			sel[i] = fmt.Sprintf("array_to_string(%s, ';') AS %s", ident(c.name), ident(c.name))
		} else {
			sel[i] = ident(c.name)
		}
	}
	raw := f.CSV + ".raw.tmp"
	defer os.Remove(raw)
	q = fmt.Sprintf("COPY (SELECT %s FROM %s%s) TO %s (FORMAT csv, HEADER true)", strings.Join(sel, ", "),
		ident(o.Name), order, Literal(raw))
	if _, err := a.db.ExecContext(ctx, q); err != nil {
		return f, err
	}
	if err := withBOM(raw, f.CSV); err != nil {
		return f, err
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
