package analyze

// The Excel workbook: the figures for people rather than programs. One sheet per metric (Chinese headers,
// shares as percentages beside their numerator and denominator, the rank among peers, flags), a sheet of every
// report figure, and a 说明 sheet. excelize writes every text as a string cell, never as a formula, so a
// crawled title cannot run in Excel.

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/gkbench/gkbench/pipeline/metrics"
)

// Sheet names of the workbook besides the metric sheets.
const (
	SheetReadme = "说明"
	SheetFacts  = "报告数据"
)

// excelMaxRows is Excel's row limit per sheet; the facts continue on further sheets beyond it, up to
// maxFactSheets sheets (the workbook stays a size Excel opens; report_facts.csv and .parquet hold every row).
const (
	excelMaxRows  = 1_048_576
	maxFactSheets = 4
)

// workbookMetric is one metric sheet.
type workbookMetric struct {
	key, name, unit, direction, description, formula string
	sheet                                            string
}

// Workbook writes the workbook to path (via a temp file and a rename).
func (a *Analysis) Workbook(ctx context.Context, path string) (err error) {
	ms, err := a.workbookMetrics(ctx)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newSheetStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetReadme); err != nil {
		return err
	}
	for _, m := range ms {
		if err := a.metricSheet(ctx, f, st, m); err != nil {
			return fmt.Errorf("工作表 %s: %w", m.sheet, err)
		}
	}
	factSheets, omitted, err := a.factsSheets(ctx, f, st)
	if err != nil {
		return fmt.Errorf("工作表 %s: %w", SheetFacts, err)
	}
	if err := readmeSheet(f, st, ms, factSheets, omitted); err != nil {
		return fmt.Errorf("工作表 %s: %w", SheetReadme, err)
	}
	f.SetActiveSheet(0)
	tmp := path + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	_, err = f.WriteTo(out)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

func (a *Analysis) workbookMetrics(ctx context.Context) ([]workbookMetric, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT metric_key, any_value(name_zh), any_value(unit), any_value(direction),
		any_value(description_zh), string_agg(template_version || ' 版:' || formula_sql, ';' ORDER BY template_version)
		FROM metric_dictionary GROUP BY metric_key ORDER BY min(sort_order), metric_key`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []workbookMetric
	used := map[string]bool{SheetReadme: true, SheetFacts: true}
	for rows.Next() {
		var m workbookMetric
		if err := rows.Scan(&m.key, &m.name, &m.unit, &m.direction, &m.description, &m.formula); err != nil {
			return nil, err
		}
		m.sheet = sheetName(m.name, used)
		out = append(out, m)
	}
	return out, rows.Err()
}

// sheetName makes a valid, unique sheet name: Excel forbids []:*?/\ and allows 31 characters.
func sheetName(name string, used map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		switch {
		case r == ':':
			return '：'
		case strings.ContainsRune(`[]*?/\`, r):
			return '·'
		}
		return r
	}, name)
	base := truncateRunes(name, 31)
	out := base
	for i := 2; used[out]; i++ {
		suffix := fmt.Sprintf("(%d)", i)
		out = truncateRunes(base, 31-utf8.RuneCountInString(suffix)) + suffix
	}
	used[out] = true
	return out
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

type sheetStyles struct {
	header, title, wrap, percent, count, decimal, amount int
}

func newSheetStyles(f *excelize.File) (sheetStyles, error) {
	var s sheetStyles
	fmtp := func(code string) *string { return &code }
	for _, x := range []struct {
		id    *int
		style *excelize.Style
	}{
		{&s.header, &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#E8EDF3"}},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}}},
		{&s.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&s.wrap, &excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&s.percent, &excelize.Style{CustomNumFmt: fmtp("0.0%")}},
		{&s.count, &excelize.Style{CustomNumFmt: fmtp("#,##0")}},
		{&s.decimal, &excelize.Style{CustomNumFmt: fmtp("#,##0.00")}},
		{&s.amount, &excelize.Style{CustomNumFmt: fmtp("#,##0.0000")}},
	} {
		id, err := f.NewStyle(x.style)
		if err != nil {
			return s, err
		}
		*x.id = id
	}
	return s, nil
}

// valueStyle is the number format of a metric's values.
func (s sheetStyles) valueStyle(unit string) int {
	switch unit {
	case metrics.UnitRatio:
		return s.percent
	case metrics.UnitCount, metrics.UnitItems:
		return s.count
	case metrics.UnitTenThouYu:
		return s.amount
	}
	return s.decimal
}

// numberStyle formats a numerator or denominator: whole numbers with separators, else four decimals.
func (s sheetStyles) numberStyle(v float64) int {
	if v == float64(int64(v)) {
		return s.count
	}
	return s.amount
}

func headerRow(st sheetStyles, names ...string) []any {
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = excelize.Cell{StyleID: st.header, Value: n}
	}
	return out
}

func cellName(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

// metricSheet lists every primary report's value of one metric, newest year first, each peer group in its
// ranking order.
func (a *Analysis) metricSheet(ctx context.Context, f *excelize.File, st sheetStyles, m workbookMetric) error {
	sw, err := streamSheet(f, m.sheet, 8, 30, 12, 12, 12, 12, 12, 12, 14, 12, 10, 40, 50)
	if err != nil {
		return err
	}
	unit := metrics.UnitLabel(m.unit)
	if err := sw.SetRow("A1", headerRow(st, "年度", "机关", "层级", "上级(同级组)", "模板版本", "数值("+unit+")",
		"分子", "分母", "名次(第 n/m)", "百分位(100=同级最好)", "数值可靠", "说明(†:仅供参考)", "网址")); err != nil {
		return err
	}
	rows, err := a.db.QueryContext(ctx, `SELECT v.year, v.entity_name, v.level, v.parent, v.template_version, v.value,
			v.numerator, v.denominator, r.rank, r.ranked_count, r.percentile, v.reliable, v.direction, v.flags_zh,
			coalesce(b.url, '')
		FROM metric_values v
		LEFT JOIN rankings r ON r.report_id = v.report_id AND r.metric_key = v.metric_key
		LEFT JOIN report_base b ON b.report_id = v.report_id
		WHERE v.is_primary AND v.metric_key = ?
		ORDER BY v.year DESC, v.level, v.parent, r.position NULLS LAST, v.entity_name`, m.key)
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 2
	for rows.Next() {
		var year, rank, ranked sql.NullInt64
		var name, level, parent, version, direction, flags, url string
		var value, num, den, pct sql.NullFloat64
		var reliable bool
		if err := rows.Scan(&year, &name, &level, &parent, &version, &value, &num, &den, &rank, &ranked, &pct,
			&reliable, &direction, &flags, &url); err != nil {
			return err
		}
		rankText := ""
		switch {
		case rank.Valid:
			rankText = fmt.Sprintf("第 %d/%d", rank.Int64, ranked.Int64)
		case value.Valid && direction == string(metrics.Neutral):
			rankText = "不排名(描述性指标)"
		case value.Valid:
			rankText = "未排名(仅供参考)"
		}
		note := flags
		if !reliable && value.Valid {
			note = strings.TrimSuffix("†;"+flags, ";")
		}
		row := []any{nullInt(year), name, metrics.LevelZH(level), parent, metrics.VersionZH(version),
			styled(value, st.valueStyle(m.unit)), number(num, st), number(den, st), rankText,
			styled(pct, st.count), map[bool]string{true: "是", false: "否"}[reliable], note, url}
		if err := sw.SetRow(cellName(1, n), row); err != nil {
			return err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return sw.Flush()
}

// streamSheet adds a sheet written row by row, with its column widths and the header row frozen.
func streamSheet(f *excelize.File, name string, widths ...float64) (*excelize.StreamWriter, error) {
	if _, err := f.NewSheet(name); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, err
		}
	}
	return sw, sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

func nullInt(v sql.NullInt64) any {
	if !v.Valid {
		return nil
	}
	return v.Int64
}

func styled(v sql.NullFloat64, style int) any {
	if !v.Valid {
		return nil
	}
	return excelize.Cell{StyleID: style, Value: v.Float64}
}

func number(v sql.NullFloat64, st sheetStyles) any {
	if !v.Valid {
		return nil
	}
	return excelize.Cell{StyleID: st.numberStyle(v.Float64), Value: v.Float64}
}

// factsSheets writes every report figure, continuing on 报告数据(2)… past Excel's row limit. It returns the
// sheet names and how many figures did not fit in maxFactSheets sheets.
func (a *Analysis) factsSheets(ctx context.Context, f *excelize.File, st sheetStyles) (_ []string, omitted int64, _ error) {
	rows, err := a.db.QueryContext(ctx, `SELECT entity_name, issuer, year, template_version, table_zh, label_row,
			label_col, printed_row, value, cell_kind, raw_text, url, report_id
		FROM report_facts ORDER BY year NULLS LAST, entity_name NULLS LAST, report_id, table_key, row_key, col_key`)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var sheets []string
	var sw *excelize.StreamWriter
	n := 0
	start := func() error {
		name := SheetFacts
		if len(sheets) > 0 {
			name = fmt.Sprintf("%s(%d)", SheetFacts, len(sheets)+1)
		}
		var err error
		if sw, err = streamSheet(f, name, 28, 28, 8, 12, 8, 36, 16, 36, 12, 12, 14, 50, 20); err != nil {
			return err
		}
		sheets = append(sheets, name)
		n = 2
		return sw.SetRow("A1", headerRow(st, "机关", "发布机关", "年度", "模板版本", "表", "行", "列", "行(报告原文)",
			"数值", "单元格类型", "原文", "网址", "报告代码"))
	}
	if err := start(); err != nil {
		return nil, 0, err
	}
	for rows.Next() {
		var entity, issuer, version, table, row, col, printed, kind, raw, url, id sql.NullString
		var year sql.NullInt64
		var value sql.NullFloat64
		if err := rows.Scan(&entity, &issuer, &year, &version, &table, &row, &col, &printed, &value, &kind, &raw, &url, &id); err != nil {
			return nil, 0, err
		}
		if n > excelMaxRows {
			if len(sheets) == maxFactSheets {
				omitted++
				continue
			}
			if err := sw.Flush(); err != nil {
				return nil, 0, err
			}
			if err := start(); err != nil {
				return nil, 0, err
			}
		}
		if err := sw.SetRow(cellName(1, n), []any{entity.String, issuer.String, nullInt(year),
			metrics.VersionZH(version.String), table.String, row.String, col.String, printed.String,
			number(value, st), metrics.CellKindZH(kind.String), raw.String, url.String, id.String}); err != nil {
			return nil, 0, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return sheets, omitted, sw.Flush()
}

// readmeSheet explains the workbook: what each sheet holds and how to read ranks, percentiles and flags.
func readmeSheet(f *excelize.File, st sheetStyles, ms []workbookMetric, factSheets []string, omitted int64) error {
	if err := f.SetColWidth(SheetReadme, "A", "A", 30); err != nil {
		return err
	}
	if err := f.SetColWidth(SheetReadme, "B", "B", 100); err != nil {
		return err
	}
	lines := [][2]string{
		{"政府信息公开工作年度报告 比较分析数据", ""},
		{"生成时间", time.Now().Format("2006-01-02 15:04")},
		{"数据来源", "各发布机关网站公开的《政府信息公开工作年度报告》,由 gkbench 按国家模板逐项提取、校验后计算。"},
		{"", ""},
		{"工作表", "内容"},
		{SheetReadme, "本说明。"},
	}
	for _, m := range ms {
		lines = append(lines, [2]string{m.sheet, m.description + "单位:" + metrics.UnitLabel(m.unit) + "。公式:" + m.formula})
	}
	facts := "每份报告表格中的全部数字:机关、年度、表、行、列、数值、单元格类型、原文与网址。"
	if omitted > 0 {
		facts += fmt.Sprintf("超出 Excel 容量,另有 %d 个数字未列入本工作簿,完整数据见 report_facts.csv 或 report_facts.parquet。", omitted)
	}
	lines = append(lines, [2]string{strings.Join(factSheets, "、"), facts})
	lines = append(lines,
		[2]string{"", ""},
		[2]string{"如何阅读", ""},
		[2]string{"同级组", "同一年度、同一层级、同一上级的机关互相比较;不同组的机关从不一起排名。"},
		[2]string{"名次", "“第 n/m”:在同级组中 m 个参与排名的机关里排第 n(1 为最好);数值相同者名次相同,其后的名次顺延(1, 2, 2, 4)。"},
		[2]string{"未排名", "分母过小、所用数据未通过勾稽关系校验或比率超出范围的数值(说明栏以 † 开头)照常列出,但不参与排名;描述性指标(如申请量)只排序,不排名。"},
		[2]string{"百分位", "100 = 同级最好,0 = 同级最差:同级其他参与排名的机关中数值不优于本机关者所占比例,已按指标方向换算。"},
		[2]string{"比率", "以百分数显示,分子、分母为报告所列数字之和;合计口径为分子之和除以分母之和,不是比率的平均。"},
		[2]string{"空白单元格", "报告中空白或“/”的单元格按 0 计,并在说明中注明。"},
	)
	for i, l := range lines {
		r := i + 1
		if err := f.SetSheetRow(SheetReadme, cellName(1, r), &[]any{l[0], l[1]}); err != nil {
			return err
		}
		style := st.wrap
		switch {
		case i == 0:
			style = st.title
		case l[0] == "工作表" || l[0] == "如何阅读":
			style = st.header
		}
		if err := f.SetCellStyle(SheetReadme, cellName(1, r), cellName(2, r), style); err != nil {
			return err
		}
	}
	return nil
}
