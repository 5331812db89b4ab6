package synth

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"

	"github.com/gkbench/gkbench/pipeline/template"
)

// FromTruth builds the report of one file of a truth table (the corpus's truth.csv: file, issuer, year,
// table_key, row_key, col_key, cell_kind, value, label_row, label_col, raw), its figures printed as the
// published report printed them. Used to re-render a real report from its figures alone (prose is not
// in the truth and stays out).
func FromTruth(truthCSV []byte, file, issuer, jurisdiction string) (*Report, error) {
	recs, err := csv.NewReader(bytes.NewReader(truthCSV)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("truth: %w", err)
	}
	if len(recs) < 2 || len(recs[0]) < 11 || recs[0][0] != "file" {
		return nil, fmt.Errorf("truth: unexpected header %v", recs[0])
	}
	r := &Report{Issuer: issuer, Jurisdiction: jurisdiction, Cells: map[template.Cell]Value{}}
	for _, rec := range recs[1:] {
		if rec[0] != file {
			continue
		}
		y, err := strconv.Atoi(rec[2])
		if err != nil {
			return nil, fmt.Errorf("truth %s: year %q: %w", file, rec[2], err)
		}
		r.Year = y
		r.Cells[template.Cell{Table: rec[3], Row: rec[4], Col: rec[5]}] = Value{Raw: rec[10]}
	}
	if len(r.Cells) == 0 {
		return nil, fmt.Errorf("truth: no rows for %s", file)
	}
	r.Version = template.ForYear(r.Year)
	return r, nil
}
