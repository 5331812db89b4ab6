// Package warehouse stores parsed reports as Parquet files that DuckDB reads directly:
//
//	<wh>/reports/<report_id>.parquet   one row: the report's metadata (ReportsSchema)
//	<wh>/facts/<report_id>.parquet     its figures (FactsSchema); absent when it has none
//	<wh>/checks/<report_id>.parquet    its identity checks (ChecksSchema); absent when it has none
//
// e.g. SELECT * FROM read_parquet('<wh>/facts/**/*.parquet'). Column names are listed in Columns.
//
// One file per report and table makes re-importing a document (same report_id) replace its rows
// rather than add to them, and means a crash mid-batch leaves every finished report complete.
//
// The reports table is the commit record. Put writes facts and checks first and the reports file
// last, and when replacing a report it first removes the old reports file, so a report row exists
// only when the facts and checks files beside it belong to that same version. A crash can leave
// facts or checks files with no reports file (orphans); readers must therefore reach facts and
// checks through reports, e.g.
//
//	SELECT f.* FROM read_parquet('<wh>/facts/*.parquet') f
//	JOIN read_parquet('<wh>/reports/*.parquet') r USING (report_id)
//
// Every file is written to a dot-named temp file in the same folder, fsynced and renamed into place,
// so a *.parquet glob never sees a partial file. Open removes temp files left by a crash, which
// assumes one writing process per warehouse directory (any number of goroutines in it).
package warehouse

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/gkbench/gkbench/pipeline/report"
)

const (
	ext        = ".parquet"
	tempPrefix = ".tmp-"
)

// Warehouse is a warehouse directory opened for writing. Its methods are safe for concurrent use.
type Warehouse struct {
	dir string
	// Striped per-id locks: Puts of different ids proceed in parallel, while two Puts (or a Put and a
	// Remove) of the same id are serialised so their files cannot interleave. Bounded, unlike a map
	// with one mutex per id ever seen.
	locks [64]sync.Mutex
}

// Open creates dir and its table folders as needed and removes temp files a crashed writer left.
func Open(dir string) (*Warehouse, error) {
	for _, t := range Tables {
		sub := filepath.Join(dir, t)
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		ents, err := os.ReadDir(sub)
		if err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), tempPrefix) {
				if err := os.Remove(filepath.Join(sub, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return nil, fmt.Errorf("warehouse: remove stale temp file: %w", err)
				}
			}
		}
	}
	return &Warehouse{dir: dir}, nil
}

// Dir returns the warehouse directory.
func (w *Warehouse) Dir() string { return w.dir }

func (w *Warehouse) lock(id string) *sync.Mutex {
	h := fnv.New32a()
	h.Write([]byte(id))
	return &w.locks[h.Sum32()%uint32(len(w.locks))]
}

func path(dir, table, id string) string {
	return filepath.Join(dir, table, id+ext)
}

// checkID rejects ids that are unsafe as file names: the id is the file name, so a "/" or ".."
// would escape the table folder and a leading "." would hide the file from the *.parquet glob.
func checkID(id string) error {
	if id == "" {
		return errors.New("warehouse: empty report id")
	}
	if len(id) > 200 || id[0] == '.' {
		return fmt.Errorf("warehouse: invalid report id %q", id)
	}
	for _, c := range id {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			return fmt.Errorf("warehouse: invalid report id %q (allowed: letters, digits, - _ .)", id)
		}
	}
	return nil
}

// Put stores r, replacing any earlier version with the same ID. Facts and checks files are written
// only when r has facts or checks; a stale file from an earlier version is removed instead.
func (w *Warehouse) Put(r *report.Report) error {
	if r == nil {
		return errors.New("warehouse: nil report")
	}
	if err := checkID(r.ID); err != nil {
		return err
	}
	r.ValidUTF8() // the last guard: a string that is not UTF-8 would make the Parquet file unreadable
	// Encode everything before touching disk, so a report that cannot be encoded leaves the stored
	// version untouched.
	facts, err := encodeFacts(r)
	if err != nil {
		return fmt.Errorf("warehouse: report %s facts: %w", r.ID, err)
	}
	checks, err := encodeChecks(r)
	if err != nil {
		return fmt.Errorf("warehouse: report %s checks: %w", r.ID, err)
	}
	rep, err := encodeReport(r)
	if err != nil {
		return fmt.Errorf("warehouse: report %s: %w", r.ID, err)
	}

	mu := w.lock(r.ID)
	mu.Lock()
	defer mu.Unlock()

	// Uncommit the old version first: otherwise a crash between the facts and reports renames would
	// leave an old report row joined to new facts.
	if err := removeSynced(w.dir, TableReports, r.ID); err != nil {
		return err
	}
	for _, f := range []struct {
		table string
		data  []byte
	}{{TableFacts, facts}, {TableChecks, checks}} {
		if f.data == nil {
			err = removeSynced(w.dir, f.table, r.ID)
		} else {
			err = writeAtomic(w.dir, f.table, r.ID, f.data)
		}
		if err != nil {
			return err
		}
	}
	return writeAtomic(w.dir, TableReports, r.ID, rep)
}

// Has reports whether a committed report (a reports file) exists for id.
func (w *Warehouse) Has(id string) bool {
	if checkID(id) != nil {
		return false
	}
	_, err := os.Stat(path(w.dir, TableReports, id))
	return err == nil
}

// IDs returns the ids of the committed reports, sorted. Orphan facts or checks files are ignored.
func (w *Warehouse) IDs() ([]string, error) {
	return listIDs(w.dir)
}

// Remove deletes the report and its facts and checks. Removing an absent id is not an error.
func (w *Warehouse) Remove(id string) error {
	if err := checkID(id); err != nil {
		return err
	}
	mu := w.lock(id)
	mu.Lock()
	defer mu.Unlock()
	// Reports first: the report disappears atomically even if a later removal fails.
	for _, t := range []string{TableReports, TableFacts, TableChecks} {
		if err := removeSynced(w.dir, t, id); err != nil {
			return err
		}
	}
	return nil
}

func listIDs(dir string) ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(dir, TableReports))
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	var ids []string
	for _, e := range ents {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ext) {
			continue
		}
		ids = append(ids, strings.TrimSuffix(name, ext))
	}
	sort.Strings(ids)
	return ids, nil
}

// writeAtomic puts data at <dir>/<table>/<id>.parquet via a synced temp file and a rename, then
// syncs the folder so the rename itself survives a crash before the next file of the report is
// written (that ordering is what makes the reports file a commit record).
func writeAtomic(dir, table, id string, data []byte) (err error) {
	sub := filepath.Join(dir, table)
	f, err := os.CreateTemp(sub, tempPrefix+id+"-*")
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
			err = fmt.Errorf("warehouse: write %s/%s: %w", table, id+ext, err)
		}
	}()
	if _, err = f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err = f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	// CreateTemp makes the file 0600; the warehouse is shared with readers such as DuckDB.
	if err = os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	if err = os.Rename(tmp, path(dir, table, id)); err != nil {
		return err
	}
	return syncDir(sub)
}

// removeSynced removes <dir>/<table>/<id>.parquet if present and makes the removal durable.
func removeSynced(dir, table, id string) error {
	err := os.Remove(path(dir, table, id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	return syncDir(filepath.Join(dir, table))
}

func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil // directories cannot be fsynced there; the rename is still atomic
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("warehouse: sync %s: %w", dir, err)
	}
	return nil
}
