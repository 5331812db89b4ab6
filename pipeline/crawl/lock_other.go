//go:build !unix

package crawl

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// LockFile is the lock's name inside the data directory.
const LockFile = "crawl.lock"

// Lock takes the data directory's crawl lock by creating DIR/crawl.lock exclusively. Without flock a
// killed crawl leaves the file behind; remove it by hand after making sure no crawl runs.
func Lock(dir string) (unlock func(), err error) {
	p := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("%w(%s)", ErrLocked, p)
	}
	if err != nil {
		return nil, fmt.Errorf("crawl: lock: %w", err)
	}
	f.Close()
	return func() { os.Remove(p) }, nil
}
