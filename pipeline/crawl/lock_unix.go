//go:build unix

package crawl

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// LockFile is the lock's name inside the data directory.
const LockFile = "crawl.lock"

// Lock takes the data directory's crawl lock, or returns ErrLocked. The lock is an flock on DIR/crawl.lock,
// so the kernel releases it when the process dies however it dies: a killed crawl never blocks the next.
func Lock(dir string) (unlock func(), err error) {
	p := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("crawl: lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(p)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w(%s,进程 %s)", ErrLocked, p, string(holder))
		}
		return nil, fmt.Errorf("crawl: lock %s: %w", p, err)
	}
	// The pid is only for the message another process shows.
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())), 0)
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
