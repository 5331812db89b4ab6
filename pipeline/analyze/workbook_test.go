package analyze

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/gkbench/gkbench/pipeline/analyze/fixture"
	"github.com/gkbench/gkbench/pipeline/metrics"
)

// TestFengtai2023Workbook exports the real 丰台区 2023 report and reads the workbook back with excelize: the
// sheets, their Chinese headers, and the report's figures as it prints them — 不掌握率 1305/2161, 诉讼败诉率
// 9/41, and 表三 本机关不掌握相关政府信息 总计 1305 on the facts sheet. The source trail (metric_sources) names
// the same cells.
func TestFengtai2023Workbook(t *testing.T) {
	wh := importCorpus(t)
	ctx := context.Background()
	a, err := Build(ctx, Options{Warehouse: wh})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	out := t.TempDir()
	if _, err := a.Export(ctx, out, nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(filepath.Join(out, WorkbookName))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if sheets[0] != SheetReadme || !slices.Contains(sheets, SheetFacts) {
		t.Errorf("sheets %v", sheets)
	}
	if len(sheets) != len(metrics.All())+2 || !slices.Contains(sheets, "不予公开理由占比：属于国家秘密") {
		t.Errorf("%d sheets, want one per metric (%d) and two: %v", len(sheets), len(metrics.All()), sheets)
	}
	readme, _ := f.GetRows(SheetReadme)
	if len(readme) < 10 || !strings.Contains(flat(readme), "百分位") || !strings.Contains(flat(readme), "第 n/m") {
		t.Errorf("说明 sheet: %v", readme)
	}

	row := func(sheet, entity string, year string) []string {
		t.Helper()
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"年度", "机关", "层级", "上级(同级组)", "模板版本"}
		if len(rows) == 0 || !slices.Equal(rows[0][:5], want) {
			t.Fatalf("%s: header %v", sheet, rows[0])
		}
		for _, r := range rows[1:] {
			if len(r) > 1 && r[0] == year && r[1] == entity {
				return r
			}
		}
		t.Fatalf("%s: no row for %s %s", sheet, entity, year)
		return nil
	}
	// Values are numbers with a display format: GetRows returns them as shown.
	r := row("不掌握率", "北京市丰台区人民政府", "2023")
	if r[5] != "60.4%" || r[6] != "1,305" || r[7] != "2,161" || r[2] != "区人民政府" || r[3] != "北京市" || r[10] != "是" {
		t.Errorf("不掌握率 row %q", r)
	}
	if raw, _ := f.GetCellValue("不掌握率", "F2", excelize.Options{RawCellValue: true}); !strings.HasPrefix(raw, "0.6038") {
		t.Errorf("不掌握率 F2 raw %q, want the share 1305/2161 as a number", raw)
	}
	if r := row("诉讼败诉率", "北京市丰台区人民政府", "2023"); r[6] != "9" || r[7] != "41" || r[5] != "22.0%" {
		t.Errorf("诉讼败诉率 row %q", r)
	}
	if r := row("行政事业性收费金额", "北京市丰台区人民政府", "2023"); r[5] != "5,098.4139" {
		t.Errorf("收费金额 row %q", r)
	}
	facts, err := f.GetRows(SheetFacts)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"机关", "发布机关", "年度", "模板版本", "表", "行", "列"}; !slices.Equal(facts[0][:7], want) {
		t.Errorf("报告数据 header %v", facts[0])
	}
	found := false
	for _, x := range facts {
		if len(x) > 9 && x[1] == "北京市丰台区人民政府" && x[2] == "2023" && x[4] == "表三" &&
			x[5] == "无法提供/本机关不掌握相关政府信息" && x[6] == "总计" {
			found = x[8] == "1,305" && x[9] == "数字"
			if !found {
				t.Errorf("facts row %q", x)
			}
		}
	}
	if !found {
		t.Error("报告数据 lacks 表三 本机关不掌握相关政府信息 总计 of 丰台区 2023")
	}

	// The source trail of 不掌握率: one numerator cell, 1305, and one denominator cell, 2161, as printed.
	rows, err := a.DB().Query(`SELECT s.part, s.table_zh, s.label_row, s.label_col, s.raw_text, s.value, s.checks_total, s.checks_failed
		FROM metric_sources s JOIN report_base b USING (report_id)
		WHERE b.issuer = '北京市丰台区人民政府' AND b.year = 2023 AND s.metric_key = 'unable_not_held_rate' ORDER BY s.part DESC`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var part, table, lr, lc, raw string
		var value float64
		var total, failed int
		if err := rows.Scan(&part, &table, &lr, &lc, &raw, &value, &total, &failed); err != nil {
			t.Fatal(err)
		}
		if total == 0 || failed != 0 {
			t.Errorf("%s: %d checks, %d failed", part, total, failed)
		}
		got = append(got, strings.Join([]string{part, table, lr, lc, raw}, " "))
	}
	want := []string{"numerator 表三 无法提供/本机关不掌握相关政府信息 总计 1305", "denominator 表三 总计 总计 2161"}
	if !slices.Equal(got, want) {
		t.Errorf("source trail %q, want %q", got, want)
	}
}

func flat(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, " "))
		b.WriteString("\n")
	}
	return b.String()
}

// TestCSVInjection: a crawled issuer that a spreadsheet would run as a formula is exported inert in every
// CSV (a leading apostrophe), numbers stay numbers, the *_zh.csv files carry Chinese headers for every column,
// and the workbook keeps the text as a plain string cell.
func TestCSVInjection(t *testing.T) {
	const evil = `=HYPERLINK("http://evil.invalid")&"点击查看"`
	spec := district(evil, "东城区", 2022, 100, 50, 10)
	ctx := context.Background()
	wh := t.TempDir()
	if _, err := fixture.Put(wh, spec, district("北京市东城区人民政府", "东城区", 2022, 100, 40, 30)); err != nil {
		t.Fatal(err)
	}
	a, err := Build(ctx, Options{Warehouse: wh})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	out := t.TempDir()
	files, err := a.Export(ctx, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	inert := 0
	for _, file := range files {
		for _, p := range []string{file.CSV, file.CSVZH} {
			recs := readCSVFile(t, p)
			for _, rec := range recs[1:] {
				for _, cell := range rec {
					if len(cell) > 0 && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && !isNumber(cell) {
						t.Errorf("%s: cell %q would run as a formula", filepath.Base(p), cell)
					}
					if cell == "'"+evil {
						inert++
					}
				}
			}
			if p == file.CSVZH {
				for _, h := range recs[0] {
					if h == "" || strings.ContainsAny(h, "abcdefghijklmnopqrstuvwxyz_") && h != "P25" && h != "P75" && !strings.Contains(h, "SQL") {
						t.Errorf("%s: header %q is not Chinese", filepath.Base(p), h)
					}
				}
			}
		}
	}
	if inert < 4 {
		t.Errorf("the issuer was exported inert %d times, want it in several tables", inert)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "rankings.csv")); !strings.Contains(string(b), "'"+strings.ReplaceAll(evil, `"`, `""`)) {
		t.Error("rankings.csv does not hold the neutralised issuer")
	}
	f, err := excelize.OpenFile(filepath.Join(out, WorkbookName))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("不掌握率")
	seen := false
	for _, r := range rows {
		if len(r) > 1 && r[1] == evil {
			seen = true
		}
	}
	if !seen {
		t.Error("workbook: the issuer is not kept as text")
	}
	for _, s := range f.GetSheetList() {
		rows, _ := f.GetRows(s)
		for i := range rows {
			for j := range rows[i] {
				c, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if formula, _ := f.GetCellFormula(s, c); formula != "" {
					t.Errorf("%s!%s holds a formula %q", s, c, formula)
				}
			}
		}
	}
}

func readCSVFile(t *testing.T, p string) [][]string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff"))).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("%s: %v", p, err)
	}
	return recs
}

func isNumber(s string) bool {
	for i, r := range s {
		if !(r >= '0' && r <= '9' || r == '.' || r == 'e' || r == 'E' || (r == '-' || r == '+') && (i == 0 || s[i-1] == 'e' || s[i-1] == 'E')) {
			return false
		}
	}
	return true
}
