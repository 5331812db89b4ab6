// Package sqlfiles embeds gkbench's DuckDB SQL: the files of this folder, run in name order by
// pipeline/analyze over the Parquet warehouse, and the data tables shipped with them (population).
//
// Files named in pipeline/metrics.Generated are generated from the template and the metric dictionary
// (go generate ./pipeline/metrics); the others are written by hand. Each file states what it reads and
// creates. Placeholders of the form ${name} are substituted by the Go code with quoted literals.
package sqlfiles

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

//go:embed *.sql *.csv
var FS embed.FS

// Scripts returns the names of the SQL files in the order they run (by name).
func Scripts() []string {
	ents, err := fs.ReadDir(FS, ".")
	if err != nil {
		return nil // cannot happen for an embedded folder
	}
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".sql") {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// Read returns the text of an embedded file.
func Read(name string) (string, error) {
	b, err := FS.ReadFile(name)
	return string(b), err
}
