package charts

// 下载 (downloads.html): the exported tables.

type downloadsBody struct {
	Files                []download
	Workbook, WorkbookKB string
}

func (r *renderer) downloadsPage() *page {
	return &page{File: "downloads.html", Title: "数据下载", Nav: "downloads", Body: &downloadsBody{Files: r.downloads, Workbook: r.workbook.path, WorkbookKB: r.workbook.kb}}
}
