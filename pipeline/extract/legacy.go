package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Legacy Word formats (DOC, and WPS Writer's .wps) are binary OLE files with no maintained Go reader; they
// are converted to DOCX by LibreOffice, run headless as a separate process, and then read as DOCX. Each
// conversion gets its own temporary folder and its own LibreOffice profile (so parallel conversions and a
// desktop LibreOffice of the same user do not lock each other out) and a time bound.

// ErrNoLibreOffice is returned by ConvertLegacy when LibreOffice is not installed.
var ErrNoLibreOffice = errors.New("需要 LibreOffice 才能读取 DOC/WPS 文件")

// LegacyTimeout bounds one conversion.
const LegacyTimeout = 60 * time.Second

// sofficeNames are the names LibreOffice's command has on Linux distributions.
var sofficeNames = []string{"soffice", "libreoffice"}

// Soffice returns the path of LibreOffice's command, or "" when it is not on the PATH.
func Soffice() string {
	for _, n := range sofficeNames {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// ConvertLegacy converts a DOC or WPS document (ext "doc" or "wps") to DOCX with LibreOffice.
func ConvertLegacy(b []byte, ext string) ([]byte, error) {
	bin := Soffice()
	if bin == "" {
		return nil, ErrNoLibreOffice
	}
	ctx, cancel := context.WithTimeout(context.Background(), LegacyTimeout)
	defer cancel()
	return convert(ctx, bin, b, ext, "docx")
}

// convert runs LibreOffice on b (saved as in.<ext>) and returns the converted file (<to>).
func convert(ctx context.Context, bin string, b []byte, ext, to string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "gkbench-soffice-")
	if err != nil {
		return nil, fmt.Errorf("转换: %w", err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in."+ext)
	if err := os.WriteFile(in, b, 0o600); err != nil {
		return nil, fmt.Errorf("转换: %w", err)
	}
	out := filepath.Join(dir, "out")
	cmd := exec.CommandContext(ctx, bin, "--headless", "--norestore", "--nolockcheck",
		"-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--convert-to", to, "--outdir", out, in)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	cmd.WaitDelay = 5 * time.Second
	err = cmd.Run()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("LibreOffice 转换超时(%s)", LegacyTimeout)
	}
	res, rerr := os.ReadFile(filepath.Join(out, "in."+to))
	if err != nil || rerr != nil || len(res) == 0 {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 200 {
			msg = msg[:200]
		}
		return nil, fmt.Errorf("LibreOffice 无法转换该文件(文件可能已损坏): %v %s", errors.Join(err, rerr), msg)
	}
	return res, nil
}
