package ingest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gkbench/gkbench/pipeline/decode"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Reading the manifest, a CSV file with the columns path,url,issuer,jurisdiction,year and optionally
// published_on (header required, any order; every column but path may be empty). It comes from people:
// saved by Excel in GB18030 or UTF-8 with a BOM, with rows repeated, paths mistyped or pointing anywhere.
// Only a manifest that cannot be read at all is an error; a bad row becomes a failed report (Source.Problem)
// or a warning, and never stops the batch.

// manifestSniff is how much of a manifest decides its encoding.
const manifestSniff = 64 << 10

// Manifest is a manifest as read.
type Manifest struct {
	File     string
	Dir      string            // absolute folder the paths are relative to, and confined to
	Charset  string            // how the file was decoded: utf-8, gb18030, utf-16le, …
	Sources  map[string]Source // by path (cleaned, absolute; on disk, as the walk finds it)
	Paths    []string          // the paths in file order, each once
	Warnings []string          // about the file or rows without a document (Chinese, with line numbers)
}

// ManifestOptions changes how paths are taken.
type ManifestOptions struct {
	// AllowOutside lets paths leave the manifest's folder (../, absolute paths, links pointing out). By
	// default such a row fails and its file is not read.
	AllowOutside bool
}

// ReadManifest reads a manifest with the default options and returns its sources by path.
func ReadManifest(file string) (map[string]Source, error) {
	m, err := OpenManifest(file, ManifestOptions{})
	if err != nil {
		return nil, err
	}
	return m.Sources, nil
}

// OpenManifest reads a manifest. The error is for a file that cannot be read or has no path column.
func OpenManifest(file string, opt ManifestOptions) (*Manifest, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("清单 %s: %w", Printable(file), err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("清单 %s: 不是普通文件", Printable(file))
	}
	dir, err := filepath.Abs(filepath.Dir(file))
	if err != nil {
		return nil, fmt.Errorf("清单 %s: %w", Printable(file), err)
	}
	m := &Manifest{File: file, Dir: dir, Sources: map[string]Source{}}
	in, err := m.decoder(f)
	if err != nil {
		return nil, err
	}
	rd := csv.NewReader(in)
	rd.FieldsPerRecord = -1
	rd.LazyQuotes = true // Excel and hand edits leave stray quotes
	rd.ReuseRecord = true
	head, err := rd.Read()
	if err != nil {
		return nil, fmt.Errorf("清单 %s: 无法读取表头: %w", Printable(file), err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	if _, ok := col["path"]; !ok {
		return nil, fmt.Errorf("清单 %s: 缺少 path 列(应有 path,url,issuer,jurisdiction,year)", Printable(file))
	}
	rows := &manifestRows{m: m, opt: opt, col: col, first: map[string]manifestRow{}}
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			m.Warnings = append(m.Warnings, fmt.Sprintf("清单第 %d 行无法解析(%v),已跳过", pe.StartLine, pe.Err))
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("清单 %s: %w", Printable(file), err)
		}
		line, _ := rd.FieldPos(0)
		rows.add(line, rec)
	}
	return m, nil
}

// decoder returns the manifest's text as UTF-8, its encoding decided on its first bytes as for documents
// (a BOM, valid UTF-8, else GB18030 and the like).
func (m *Manifest) decoder(f io.Reader) (io.Reader, error) {
	head := make([]byte, manifestSniff)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("清单 %s: %w", Printable(m.File), err)
	}
	head = head[:n]
	sniff := head
	if n == manifestSniff {
		// Decide on whole lines: a multi-byte character cut at the end would look like bad UTF-8.
		if i := bytes.LastIndexByte(sniff, '\n'); i > 0 {
			sniff = sniff[:i+1]
		}
	}
	if !bytes.HasPrefix(sniff, []byte{0xff, 0xfe}) && !bytes.HasPrefix(sniff, []byte{0xfe, 0xff}) {
		// A NUL in a row (a path typed with one) does not make the file binary; only UTF-16 holds many.
		sniff = bytes.ReplaceAll(sniff, []byte{0}, []byte{' '})
	}
	_, info, err := decode.Decode(sniff, "text/csv")
	if err != nil {
		return nil, fmt.Errorf("清单 %s: 不是文本文件(%w)", Printable(m.File), err)
	}
	m.Charset = info.Charset
	all := io.MultiReader(bytes.NewReader(head), f)
	if info.Charset == "utf-8" {
		return all, nil // a BOM is dropped with the header's first name
	}
	enc, err := htmlindex.Get(info.Charset)
	if err != nil {
		return nil, fmt.Errorf("清单 %s: 不支持的编码 %s", Printable(m.File), info.Charset)
	}
	m.Warnings = append(m.Warnings, fmt.Sprintf("清单文件不是 UTF-8 编码,已按 %s 读取", strings.ToUpper(info.Charset)))
	return enc.NewDecoder().Reader(all), nil
}

// manifestRows turns records into sources, one path at a time.
type manifestRows struct {
	m     *Manifest
	opt   ManifestOptions
	col   map[string]int
	first map[string]manifestRow // by path: the first row naming it
}

type manifestRow struct {
	line   int
	fields [6]string // path as written, url, issuer, jurisdiction, year, published_on
}

var manifestColumns = [6]string{"path", "url", "issuer", "jurisdiction", "year", "published_on"}

func (rs *manifestRows) add(line int, rec []string) {
	var row manifestRow
	row.line = line
	var bad []string
	for i, name := range manifestColumns {
		j, ok := rs.col[name]
		if !ok || j >= len(rec) {
			continue
		}
		v := strings.TrimSpace(rec[j])
		if !utf8.ValidString(v) {
			v = strings.ToValidUTF8(v, "\uFFFD")
			bad = append(bad, name)
		}
		row.fields[i] = v
	}
	raw := row.fields[0]
	if raw == "" {
		if row.fields != ([6]string{}) {
			rs.m.Warnings = append(rs.m.Warnings, fmt.Sprintf("清单第 %d 行 path 为空,已跳过", line))
		}
		return
	}
	src := Source{URL: row.fields[1], Issuer: row.fields[2], Jurisdiction: row.fields[3]}
	if len(bad) > 0 {
		src.Warnings = append(src.Warnings, fmt.Sprintf("清单第 %d 行的 %s 列含有无效字节,已替换为 U+FFFD", line, strings.Join(bad, "、")))
	}
	src.Path, src.Problem = rs.resolve(line, raw)
	if y := row.fields[4]; y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1990 || n > 2100 {
			src.Problem = first(src.Problem, fmt.Sprintf("清单第 %d 行的年份「%s」无效", line, Printable(y)))
		} else {
			src.Year = n
		}
	}
	if d := row.fields[5]; d != "" {
		if _, err := time.Parse("2006-01-02", d); err != nil {
			src.Problem = first(src.Problem, fmt.Sprintf("清单第 %d 行的发布日期「%s」无效(应为 YYYY-MM-DD)", line, Printable(d)))
		} else {
			src.PublishedOn = d
		}
	}
	prev, dup := rs.first[src.Path]
	if !dup {
		rs.first[src.Path] = row
		rs.m.Paths = append(rs.m.Paths, src.Path)
		rs.m.Sources[src.Path] = src
		return
	}
	if slices.Equal(prev.fields[1:], row.fields[1:]) { // the same file, however its path is written
		rs.m.Warnings = append(rs.m.Warnings, fmt.Sprintf("清单第 %d 行与第 %d 行重复,已忽略", line, prev.line))
		return
	}
	// Two rows say different things about one file: which is right is not ours to guess.
	kept := rs.m.Sources[src.Path]
	if kept.Problem == "" || !strings.Contains(kept.Problem, "指向同一文件") {
		kept.Problem = fmt.Sprintf("清单第 %d 行与第 %d 行指向同一文件,但%s,该文件未导入:请删去或改正其中一行",
			prev.line, line, difference(prev, row))
	}
	rs.m.Sources[src.Path] = kept
}

// difference names the first column two rows disagree on, with both values.
func difference(a, b manifestRow) string {
	for i, name := range manifestColumns[1:] {
		i++
		if a.fields[i] != b.fields[i] {
			return fmt.Sprintf(" %s 不同(「%s」/「%s」)", name, Printable(a.fields[i]), Printable(b.fields[i]))
		}
	}
	return "内容不同"
}

// resolve makes a manifest path absolute and checks it stays in the manifest's folder; problem says why
// the file must not be read. A path written in UTF-8 that names a file saved under its GBK bytes (a folder
// unzipped from Windows) is matched to that file.
func (rs *manifestRows) resolve(line int, raw string) (path, problem string) {
	if strings.ContainsRune(raw, 0) {
		// The NUL is shown, not kept: no file name holds one.
		return filepath.Join(rs.m.Dir, strings.ReplaceAll(raw, "\x00", `\x00`)), fmt.Sprintf("清单第 %d 行的路径含有 NUL 字符,不是有效的文件名", line)
	}
	p := filepath.FromSlash(raw)
	if !filepath.IsAbs(p) {
		p = filepath.Join(rs.m.Dir, p)
	}
	p = filepath.Clean(p)
	if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) && !isASCIIString(p) {
		if g, err := simplifiedchinese.GB18030.NewEncoder().String(p); err == nil {
			if _, err := os.Lstat(g); err == nil {
				p = g
			}
		}
	}
	if rs.opt.AllowOutside {
		return p, ""
	}
	if !within(rs.m.Dir, p) {
		return p, fmt.Sprintf("清单第 %d 行的路径 %s 在清单所在文件夹之外,未读取(确需导入请加 --allow-outside)", line, Printable(raw))
	}
	// A link inside the folder may still point out of it.
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return p, "" // missing: the read says so
	}
	base, err := filepath.EvalSymlinks(rs.m.Dir)
	if err != nil {
		base = rs.m.Dir
	}
	if !within(base, real) {
		return p, fmt.Sprintf("清单第 %d 行的路径 %s 经符号链接指向清单所在文件夹之外,未读取(确需导入请加 --allow-outside)", line, Printable(raw))
	}
	return p, ""
}

// within reports whether the cleaned absolute path p lies in (or is) dir.
func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
