package ingest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Walking the paths given to an import. Nothing here stops the batch: a path that cannot be read becomes
// a Problem (a failed report with its reason), and special files are skipped with a warning.

// documentExts are the file endings taken when a folder is imported; files named explicitly are always read.
var documentExts = map[string]bool{
	".html": true, ".htm": true, ".shtml": true, ".xhtml": true, ".txt": true,
	".pdf": true, ".doc": true, ".docx": true, ".wps": true,
}

// Walked is what a walk found.
type Walked struct {
	Files []string // documents to import, in a stable order, each once (the paths in Problems included)
	// Problems holds, for paths in Files, why they cannot be read: they become failed reports and are not
	// opened again.
	Problems map[string]string
	Warnings []string // what was skipped, and why (Chinese)
}

func (w *Walked) add(p, problem string, seen map[string]bool) {
	if seen[p] {
		return
	}
	seen[p] = true
	w.Files = append(w.Files, p)
	if problem != "" {
		w.Problems[p] = problem
	}
}

// Walk expands paths (files and folders) into the documents to import. A folder contributes its files
// with a document ending (documentExts), sorted, skipping hidden folders; a symbolic link given as a path
// is followed, with or without a trailing slash, but links to folders inside a folder are not (as find).
// FIFOs, devices and sockets are never opened (one would block the import): they are skipped with a
// warning. A path that does not exist or cannot be read is kept, with its reason in Problems.
func Walk(paths []string) *Walked {
	w := &Walked{Problems: map[string]string{}}
	seen := map[string]bool{}
	for _, arg := range paths {
		p := absClean(arg)
		if strings.ContainsRune(arg, 0) {
			w.add(p, "路径含有 NUL 字符,不是有效的文件名", seen)
			continue
		}
		st, err := os.Stat(p) // follows a symbolic link given as the path itself
		if err != nil {
			w.add(p, describeOpenError(p, err), seen)
			continue
		}
		switch {
		case special(st.Mode()):
			w.Warnings = append(w.Warnings, fmt.Sprintf("跳过 %s:%s,不是普通文件", Printable(p), kindOf(st.Mode())))
			continue
		case !st.IsDir():
			w.add(p, "", seen)
			continue
		}
		root := p
		if real, err := filepath.EvalSymlinks(p); err == nil {
			root = real // a link given as the path: walk where it points
		}
		// Files under a linked root keep the path the user gave, so messages show what was typed.
		show := func(f string) string {
			if rel, err := filepath.Rel(root, f); err == nil && root != p {
				return filepath.Join(p, rel)
			}
			return f
		}
		var found []string
		problems := map[string]string{}
		w.walkDir(root, show, &found, problems)
		sort.Strings(found)
		for _, f := range found {
			w.add(f, problems[f], seen)
		}
	}
	return w
}

// readDir lists a folder; tests replace it to make one unreadable (root reads any folder).
var readDir = os.ReadDir

// walkDir collects the documents under dir, as show names them. A folder that cannot be listed is itself
// collected, with its reason in problems: it becomes one failed report, and the walk goes on.
func (w *Walked) walkDir(dir string, show func(string) string, found *[]string, problems map[string]string) {
	entries, err := readDir(dir)
	if err != nil {
		*found = append(*found, show(dir))
		problems[show(dir)] = describeOpenError(show(dir), err)
		return
	}
	for _, d := range entries {
		path := filepath.Join(dir, d.Name())
		switch {
		case d.IsDir():
			if !strings.HasPrefix(d.Name(), ".") {
				w.walkDir(path, show, found, problems)
			}
		case !documentExts[strings.ToLower(filepath.Ext(path))]:
		case special(d.Type()):
			w.Warnings = append(w.Warnings, fmt.Sprintf("跳过 %s:%s,不是普通文件", Printable(show(path)), kindOf(d.Type())))
		default:
			*found = append(*found, show(path)) // a link to a file is read where it points; to a folder, not followed
		}
	}
}

// Files expands paths (files and folders) into the documents to import, in a stable order (see Walk). It
// returns the first problem as an error; the import command uses Walk, which keeps going.
func Files(paths []string) ([]string, error) {
	w := Walk(paths)
	var errs []error
	for _, f := range w.Files {
		if why, ok := w.Problems[f]; ok {
			errs = append(errs, fmt.Errorf("import %s: %s", Printable(f), why))
		}
	}
	return w.Files, errors.Join(errs...)
}

func absClean(p string) string {
	p = filepath.Clean(p)
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	return p
}

// special reports file types that must not be opened as documents.
func special(m fs.FileMode) bool {
	return m&(fs.ModeNamedPipe|fs.ModeDevice|fs.ModeCharDevice|fs.ModeSocket|fs.ModeIrregular) != 0
}

func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "命名管道(FIFO)"
	case m&fs.ModeSocket != 0:
		return "套接字"
	case m&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return "设备文件"
	}
	return "特殊文件"
}

// describeOpenError says in Chinese why a path cannot be read.
func describeOpenError(p string, err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("文件不存在:%s", Printable(p))
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("没有读取权限:%s", Printable(p))
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the path is already in the message
	}
	return fmt.Sprintf("无法读取 %s:%s", Printable(p), Printable(err.Error()))
}

// Collect decides what an import reads: the paths given (walked), or when none, every path of the
// manifest in its order. meta holds what the manifest says of each document and the problems found;
// warnings are the manifest's and the walk's.
func Collect(paths []string, m *Manifest) (files []string, meta map[string]Source, warnings []string) {
	meta = map[string]Source{}
	if m != nil {
		for p, s := range m.Sources {
			meta[p] = s
		}
		warnings = append(warnings, m.Warnings...)
		if len(paths) == 0 {
			return append([]string(nil), m.Paths...), meta, warnings
		}
	}
	w := Walk(paths)
	var byReal map[string]string // manifest path by the path it resolves to, made when first needed
	for _, f := range w.Files {
		if _, ok := meta[f]; ok || m == nil {
			continue
		}
		// The same file reached another way (a linked folder): match it to its manifest row.
		real, err := filepath.EvalSymlinks(f)
		if err != nil {
			continue
		}
		if byReal == nil {
			byReal = map[string]string{}
			for p := range m.Sources {
				if r, err := filepath.EvalSymlinks(p); err == nil {
					byReal[r] = p
				}
			}
		}
		if p, ok := byReal[real]; ok {
			s := meta[p]
			s.Path = f
			meta[f] = s
		}
	}
	for p, why := range w.Problems {
		s := meta[p]
		s.Problem = first(s.Problem, why)
		meta[p] = s
	}
	return w.Files, meta, append(warnings, w.Warnings...)
}
