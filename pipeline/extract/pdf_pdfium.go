package extract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/enums"
	pdferr "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/structs"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// Reading a PDF's characters and ruling lines with PDFium, compiled to WebAssembly and run inside the
// process by wazero (no system library, no cgo). This is the only file that knows PDFium.
//
// The runtime is started once, on the first PDF, and shared: compiling the module is the expensive step
// (seconds; cached on disk under the user's cache folder, so later processes load it in about 0.2 s). A
// document borrows a module instance from a small pool (at most one per CPU, up to 4), so documents can be
// read in parallel; instances are reused, because starting one costs more than reading a short report,
// and an instance killed at its document's deadline is replaced. Each instance runs under the document's
// deadline (wazero aborts the call when the context ends) and a linear-memory cap.

// pdfiumMemoryPages caps one instance's linear memory (64 KiB pages): 768 MiB.
const pdfiumMemoryPages = 768 * 1024 / 64

var pdfiumRT struct {
	once sync.Once
	pool pdfium.Pool
	err  error
}

func pdfiumPool() (pdfium.Pool, error) {
	pdfiumRT.once.Do(func() {
		rc := wazero.NewRuntimeConfig().
			WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
			WithCloseOnContextDone(true).
			WithMemoryLimitPages(pdfiumMemoryPages)
		if dir, err := os.UserCacheDir(); err == nil {
			if cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(dir, "gkbench", "wazero")); err == nil {
				rc = rc.WithCompilationCache(cache)
			}
		}
		workers := min(runtime.GOMAXPROCS(0), 4)
		pdfiumRT.pool, pdfiumRT.err = webassembly.Init(webassembly.Config{
			MinIdle: 0, MaxIdle: workers, MaxTotal: workers,
			RuntimeConfig: rc,
			ReuseWorkers:  true,
			FSConfig:      wazero.NewFSConfig(), // documents are passed as bytes: no file system
			Stdout:        io.Discard,
			Stderr:        io.Discard,
		})
	})
	return pdfiumRT.pool, pdfiumRT.err
}

// errPDFPassword and errPDFFormat are PDFium's verdicts on a file it cannot open.
var (
	errPDFPassword = errors.New("pdf: encrypted")
	errPDFFormat   = errors.New("pdf: damaged")
)

// readPDF returns the pages of a PDF with their characters and ruling lines, stopping at lim.pages pages.
// total is the document's page count.
func readPDF(ctx context.Context, b []byte, maxPages int) (pages []pdfPage, total int, err error) {
	pool, err := pdfiumPool()
	if err != nil {
		return nil, 0, fmt.Errorf("pdf: 启动 PDFium 失败: %w", err)
	}
	inst, err := pool.GetInstanceWithContext(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("pdf: %w", err)
	}
	// A call stuck in the module is aborted by killing the instance when the deadline passes.
	done := make(chan struct{})
	var killed bool
	var killMu sync.Mutex
	go func() {
		select {
		case <-ctx.Done():
			killMu.Lock()
			killed = true
			inst.Kill()
			killMu.Unlock()
		case <-done:
		}
	}()
	defer func() {
		close(done)
		killMu.Lock()
		if !killed {
			inst.Close()
		}
		killMu.Unlock()
		if r := recover(); r != nil {
			err = fmt.Errorf("pdf: PDFium 出错: %v", r)
		}
		if ctx.Err() != nil {
			err = ctx.Err()
		}
	}()
	r := pdfReader{inst: inst, ctx: ctx}
	return r.read(b, maxPages)
}

type pdfReader struct {
	inst pdfium.Pdfium
	ctx  context.Context
}

func (r *pdfReader) read(b []byte, maxPages int) ([]pdfPage, int, error) {
	doc, err := r.inst.OpenDocument(&requests.OpenDocument{File: &b})
	if err != nil {
		switch {
		case errors.Is(err, pdferr.ErrPassword), errors.Is(err, pdferr.ErrSecurity):
			return nil, 0, errPDFPassword
		case errors.Is(err, pdferr.ErrFormat), errors.Is(err, pdferr.ErrFile):
			return nil, 0, errPDFFormat
		}
		return nil, 0, fmt.Errorf("pdf: %w", err)
	}
	defer r.inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
	pc, err := r.inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	if err != nil {
		return nil, 0, fmt.Errorf("pdf: 读取页数: %w", err)
	}
	var pages []pdfPage
	for i := 0; i < pc.PageCount && i < maxPages; i++ {
		if err := r.ctx.Err(); err != nil {
			return nil, pc.PageCount, err
		}
		p, err := r.page(doc.Document, i)
		if err != nil {
			return nil, pc.PageCount, fmt.Errorf("pdf: 第 %d 页: %w", i+1, err)
		}
		pages = append(pages, p)
	}
	return pages, pc.PageCount, nil
}

func (r *pdfReader) page(doc references.FPDF_DOCUMENT, index int) (pdfPage, error) {
	p := pdfPage{num: index + 1}
	lp, err := r.inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: index})
	if err != nil {
		return p, err
	}
	defer r.inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: lp.Page})
	page := requests.Page{ByReference: &lp.Page}
	w, err := r.inst.FPDF_GetPageWidthF(&requests.FPDF_GetPageWidthF{Page: page})
	if err != nil {
		return p, err
	}
	h, err := r.inst.FPDF_GetPageHeightF(&requests.FPDF_GetPageHeightF{Page: page})
	if err != nil {
		return p, err
	}
	p.w, p.h = float64(w.PageWidth), float64(h.PageHeight)

	tp, err := r.inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: page})
	if err != nil {
		return p, err
	}
	defer r.inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
	n, err := r.inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil {
		return p, err
	}
	if n.Count > maxPDFChars {
		return p, fmt.Errorf("字符过多(%d 个,上限 %d)", n.Count, maxPDFChars)
	}
	for i := range n.Count {
		g, err := r.inst.FPDFText_IsGenerated(&requests.FPDFText_IsGenerated{TextPage: tp.TextPage, Index: i})
		if err == nil && g.IsGenerated {
			continue // spaces and line breaks PDFium inferred
		}
		u, err := r.inst.FPDFText_GetUnicode(&requests.FPDFText_GetUnicode{TextPage: tp.TextPage, Index: i})
		if err != nil || u.Unicode == 0 || u.Unicode > 0x10FFFF {
			continue
		}
		bx, err := r.inst.FPDFText_GetLooseCharBox(&requests.FPDFText_GetLooseCharBox{TextPage: tp.TextPage, Index: i})
		if err != nil {
			continue
		}
		// PDF space has its origin bottom left; the page model uses top left.
		p.chars = append(p.chars, pdfChar{r: rune(u.Unicode),
			x0: float64(bx.Rect.Left), x1: float64(bx.Rect.Right),
			y0: p.h - float64(bx.Rect.Top), y1: p.h - float64(bx.Rect.Bottom)})
	}

	oc, err := r.inst.FPDFPage_CountObjects(&requests.FPDFPage_CountObjects{Page: page})
	if err != nil {
		return p, err
	}
	segs := 0
	for i := range oc.Count {
		o, err := r.inst.FPDFPage_GetObject(&requests.FPDFPage_GetObject{Page: page, Index: i})
		if err != nil {
			continue
		}
		if err := r.object(&p, o.PageObject, identity, 0, &segs); err != nil {
			return p, err
		}
	}
	return p, nil
}

type matrix struct{ a, b, c, d, e, f float64 }

var identity = matrix{a: 1, d: 1}

// then returns m followed by n (apply m, then n).
func (m matrix) then(n matrix) matrix {
	return matrix{
		a: m.a*n.a + m.b*n.c, b: m.a*n.b + m.b*n.d,
		c: m.c*n.a + m.d*n.c, d: m.c*n.b + m.d*n.d,
		e: m.e*n.a + m.f*n.c + n.e, f: m.e*n.b + m.f*n.d + n.f,
	}
}

func (m matrix) apply(x, y float64) (float64, float64) {
	return m.a*x + m.c*y + m.e, m.b*x + m.d*y + m.f
}

// object collects the ruling lines and image area of one page object; outer maps the object's parent form
// space to page space.
func (r *pdfReader) object(p *pdfPage, o references.FPDF_PAGEOBJECT, outer matrix, depth int, segs *int) error {
	t, err := r.inst.FPDFPageObj_GetType(&requests.FPDFPageObj_GetType{PageObject: o})
	if err != nil {
		return nil
	}
	switch t.Type {
	case enums.FPDF_PAGEOBJ_IMAGE:
		bd, err := r.inst.FPDFPageObj_GetBounds(&requests.FPDFPageObj_GetBounds{PageObject: o})
		if err == nil {
			x0, y0 := outer.apply(float64(bd.Left), float64(bd.Bottom))
			x1, y1 := outer.apply(float64(bd.Right), float64(bd.Top))
			p.images = append(p.images, pdfBox{min(x0, x1), p.h - max(y0, y1), max(x0, x1), p.h - min(y0, y1)})
		}
	case enums.FPDF_PAGEOBJ_FORM:
		if depth >= maxPDFFormDepth {
			return nil
		}
		m, err := r.inst.FPDFPageObj_GetMatrix(&requests.FPDFPageObj_GetMatrix{PageObject: o})
		if err != nil {
			return nil
		}
		inner := toMatrix(m.Matrix).then(outer)
		n, err := r.inst.FPDFFormObj_CountObjects(&requests.FPDFFormObj_CountObjects{PageObject: o})
		if err != nil {
			return nil
		}
		for i := range n.Count {
			c, err := r.inst.FPDFFormObj_GetObject(&requests.FPDFFormObj_GetObject{PageObject: o, Index: uint64(i)})
			if err != nil {
				continue
			}
			if err := r.object(p, c.PageObject, inner, depth+1, segs); err != nil {
				return err
			}
		}
	case enums.FPDF_PAGEOBJ_PATH:
		return r.path(p, o, outer, segs)
	}
	return nil
}

// path turns the straight horizontal and vertical pieces of a path into ruling lines: every such segment
// of a stroked path, and the centre line of every thin filled rectangle (how Chromium and WPS draw cell
// borders).
func (r *pdfReader) path(p *pdfPage, o references.FPDF_PAGEOBJECT, outer matrix, segs *int) error {
	dm, err := r.inst.FPDFPath_GetDrawMode(&requests.FPDFPath_GetDrawMode{PageObject: o})
	if err != nil {
		return nil
	}
	filled := dm.FillMode != enums.FPDF_FILLMODE_NONE
	if !dm.Stroke && !filled {
		return nil // a clipping or invisible path
	}
	m, err := r.inst.FPDFPageObj_GetMatrix(&requests.FPDFPageObj_GetMatrix{PageObject: o})
	if err != nil {
		return nil
	}
	mt := toMatrix(m.Matrix).then(outer)
	n, err := r.inst.FPDFPath_CountSegments(&requests.FPDFPath_CountSegments{PageObject: o})
	if err != nil {
		return nil
	}
	*segs += n.Count
	if *segs > maxPDFSegments {
		return fmt.Errorf("图形路径过多(上限 %d 段)", maxPDFSegments)
	}
	var sub []pdfPoint // the current subpath, in page space (top-down)
	flush := func(closed bool) {
		p.addPath(sub, closed, dm.Stroke, filled)
		sub = sub[:0]
	}
	for i := range n.Count {
		sg, err := r.inst.FPDFPath_GetPathSegment(&requests.FPDFPath_GetPathSegment{PageObject: o, Index: i})
		if err != nil {
			continue
		}
		st, err := r.inst.FPDFPathSegment_GetType(&requests.FPDFPathSegment_GetType{PathSegment: sg.PathSegment})
		if err != nil {
			continue
		}
		pt, err := r.inst.FPDFPathSegment_GetPoint(&requests.FPDFPathSegment_GetPoint{PathSegment: sg.PathSegment})
		if err != nil {
			continue
		}
		x, y := mt.apply(float64(pt.X), float64(pt.Y))
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
			continue
		}
		q := pdfPoint{x, p.h - y, st.Type == enums.FPDF_SEGMENT_BEZIERTO}
		if st.Type == enums.FPDF_SEGMENT_MOVETO && len(sub) > 0 {
			flush(false)
		}
		sub = append(sub, q)
		cl, err := r.inst.FPDFPathSegment_GetClose(&requests.FPDFPathSegment_GetClose{PathSegment: sg.PathSegment})
		if err == nil && cl.IsClose {
			flush(true)
		}
	}
	if len(sub) > 0 {
		flush(false)
	}
	return nil
}

func toMatrix(m structs.FPDF_FS_MATRIX) matrix {
	return matrix{float64(m.A), float64(m.B), float64(m.C), float64(m.D), float64(m.E), float64(m.F)}
}

// pdfDeadline is the context for one document's PDFium work.
func pdfDeadline(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}
