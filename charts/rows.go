package charts

// Rows shared by the district and quality pages: reports with their sources and snapshots, identity
// failures.

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gkbench/gkbench/pipeline/decode"
	"github.com/gkbench/gkbench/pipeline/metrics"
	tpl "github.com/gkbench/gkbench/pipeline/template"
)

type reportRow struct {
	ID, Year, Version, Status, StatusClass string
	Title, URL, Snapshot, SnapshotKind     string
	SnapshotText, SnapshotNote             string // the UTF-8 rendering and which charset it was decoded from
	Facts, ChecksFailed                    int
	Publication, Error                     string
	Primary                                bool
	Warnings                               []string
	Source                                 string // the report's source page ("" when it has none)
}

type identityRow struct {
	Year, Version, Check, Where string
	Expected, Actual, Diff      string
	Metrics                     []*metricInfo
	Primary                     bool
	Entity                      *entity
	EntityName                  string
}

func (r *renderer) reportRow(rep metrics.QualityReport) reportRow {
	row := reportRow{ID: rep.ReportID, Year: "未知", Version: versionZH(rep.TemplateVersion), Status: statusZH(rep.Status),
		StatusClass: "st-" + rep.Status, URL: webURL(rep.URL), Facts: rep.FactCount, ChecksFailed: rep.ChecksFailed,
		Error: rep.Error, Primary: rep.IsPrimary, Warnings: rep.Warnings}
	if r.reportPages[rep.ReportID] {
		row.Source = reportPage(rep.ReportID)
	}
	if rep.Year != nil {
		row.Year = itoa(*rep.Year)
	}
	if doc, ok := r.m.d.Docs[rep.ReportID]; ok {
		row.Title = doc.Title
		if row.URL == "" {
			row.URL = webURL(doc.URL)
		}
	}
	if s := r.snaps[rep.ReportID]; s.Raw != "" {
		row.Snapshot = s.Raw
		row.SnapshotKind = map[string]string{".txt": "原始字节", ".pdf": "PDF", ".docx": "Word", ".doc": "Word"}[filepath.Ext(s.Raw)]
		if row.SnapshotKind == "" {
			row.SnapshotKind = "文件"
		}
		if s.Text != "" {
			row.SnapshotText = s.Text
			row.SnapshotNote = charsetNote(s.Charset, s.Source)
		}
	}
	if pub := r.pubs[rep.ReportID]; pub != nil {
		row.Publication = pub.StatusZH
		if pub.DaysLate != nil && *pub.DaysLate > 0 {
			row.Publication += fmt.Sprintf("(晚 %d 天)", *pub.DaysLate)
		}
	}
	return row
}

// charsetNote says how a snapshot's bytes were decoded for its UTF-8 rendering.
func charsetNote(charset, source string) string {
	name := strings.ToUpper(charset)
	if charset == "gb18030" {
		// pipeline/decode reads GBK and GB2312 pages as GB18030, their superset; say so, since the page
		// itself usually declares gbk or gb2312.
		name = "GB18030(兼容 GBK、GB2312)"
	}
	why := map[string]string{decode.SourceBOM: "依据字节顺序标记", decode.SourceMeta: "依据网页 <meta> 声明",
		decode.SourceHeader: "依据 HTTP 头声明", decode.SourceSniff: "未声明字符集,按内容判断",
		decode.SourceDefault: "未声明字符集,按默认"}[source]
	note := "按 " + name + " 解码"
	if strings.HasSuffix(name, ")") {
		note = "按 " + name + "解码" // no space after a full-width bracket
	}
	if why == "" {
		return note
	}
	return note + "(" + why + ")"
}

// keyLabel names the row or column an identity check is about.
func keyLabel(version, table, scope, key string) string {
	tp, err := tpl.Get(tpl.Version(version))
	if err != nil {
		return key
	}
	tb := tp.Table(table)
	if tb == nil {
		return key
	}
	if scope == "column" {
		if c := tb.Col(key); c != nil {
			return tableNames[tb.Number] + " “" + c.Label + "”列"
		}
	}
	if row := tb.Row(key); row != nil {
		return tableNames[tb.Number] + " “" + tb.Path(row) + "”行"
	}
	if c := tb.Col(key); c != nil {
		return tableNames[tb.Number] + " “" + c.Label + "”列"
	}
	return tableNames[tb.Number] + " " + key
}

func (r *renderer) identityRows(keep func(*metrics.IdentityFailure) bool) []identityRow {
	var out []identityRow
	for i := range r.m.d.Identity {
		f := &r.m.d.Identity[i]
		if !keep(f) {
			continue
		}
		row := identityRow{Year: "未知", Version: versionZH(f.TemplateVersion), Check: f.Title,
			Where: keyLabel(f.TemplateVersion, f.TableKey, f.Scope, f.Key), Expected: formatNumber(f.Expected),
			Actual: formatNumber(f.Actual), Diff: formatNumber(f.Difference), Primary: f.IsPrimary,
			Entity: r.m.entities[f.EntityKey], EntityName: f.EntityName}
		if row.Check == "" {
			row.Check = f.CheckName
		}
		if f.Difference != nil && *f.Difference > 0 {
			row.Diff = "+" + row.Diff
		}
		if f.Year != nil {
			row.Year = itoa(*f.Year)
		}
		for _, k := range f.AffectedMetrics {
			if mi := r.m.byKey[k]; mi != nil {
				row.Metrics = append(row.Metrics, mi)
			}
		}
		out = append(out, row)
	}
	return out
}

// headlineRates are the ratio metrics a district page follows over the years.
