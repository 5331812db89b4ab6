package ingest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/warehouse"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var testNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// A complete small report in the one-cell-per-line text form, built from template labels.
const table4Text = `四、政府信息公开行政复议、行政诉讼情况
行政复议 |
行政诉讼 |
结果维持 |
结果纠正 |
其他结果 |
尚未审结 |
总计 |
未经复议直接起诉 |
复议后起诉 |
结果维持 |
结果纠正 |
其他结果 |
尚未审结 |
总计 |
结果维持 |
结果纠正 |
其他结果 |
尚未审结 |
总计 |
3 |
1 |
0 |
1 |
5 |
2 |
1 |
0 |
0 |
3 |
0 |
0 |
0 |
0 |
0 |
`

func gbk(t *testing.T, s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBadInput(t *testing.T) {
	htmlTable3 := `<html><head><meta charset="utf-8"><title>某区某局2022年政府信息公开工作年度报告</title></head><body>
<p>三、收到和处理政府信息公开申请情况</p>
<table><tr><td colspan=3 rowspan=3>(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)</td><td colspan=7>申请人情况</td></tr>
<tr><td rowspan=2>自然人</td><td colspan=5>法人或其他组织</td><td rowspan=2>总计</td></tr>
<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
<tr><td colspan=3>一、本年新收政府信息公开申请数量</td><td>12</td><td>3</td><td>0</td><td>0</td><td>0</td><td>0</td><td>15</td></tr>
<tr><td colspan=3>二、上年结转政府信息公开申请数量</td><td>1O</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>10</td></tr>
</table></body></html>`
	cases := []struct {
		name       string
		data       []byte
		status     report.Status
		errHas     string // substring of Error (failed) or of a warning (partial)
		minFacts   int
		wantFigure string // "row.col=value" that must be read
	}{
		{"empty file", nil, report.Failed, "文件为空", 0, ""},
		{"binary garbage", append([]byte{0x00, 0x01, 0xff, 0xfe, 0x00, 0x9c}, bytes.Repeat([]byte{0, 0xde, 0xad, 0xbe, 0xef}, 200)...), report.Failed, "二进制", 0, ""},
		{"not a report", []byte("<html><head><title>新闻</title></head><body><p>今天天气晴。</p><table><tr><td>姓名</td><td>年龄</td></tr><tr><td>张三</td><td>30</td></tr></table></body></html>"), report.Failed, "未找到", 0, ""},
		{"tables are images", []byte("<html><body><p>二、主动公开政府信息情况</p><img src=a.png><p>三、收到和处理政府信息公开申请情况</p><img src=b.png><p>四、政府信息公开行政复议、行政诉讼情况</p><img src=c.png></body></html>"), report.Failed, "表格缺失", 0, ""},
		{"report without table 3", []byte(table4Text), report.Partial, "缺少表三", 15, "review.total=5"},
		{"unreadable number", []byte(htmlTable3), report.Partial, "无法读取的数值「1O」", 14, "new_received.total=15"},
		{"truncated table 4", []byte(strings.Join(strings.Split(table4Text, "\n")[:27], "\n")), report.Partial, "中断", 7, "review.upheld=3"},
		{"wrong encoding label", append([]byte(`<html><head><meta charset="utf-8"></head><body>`), gbk(t, strings.ReplaceAll(htmlTable3, "1O", "10"))...), report.Partial, "缺少表二", 14, "carried_in.natural_person=10"},
		{"too large", bytes.Repeat([]byte("a"), MaxSize+1), report.Failed, "文件过大", 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := Parse(Source{Path: tc.name + ".html"}, tc.data, testNow)
			if r.Status != tc.status {
				t.Fatalf("status %s, want %s (error %q, warnings %q)", r.Status, tc.status, r.Error, r.Warnings)
			}
			text := r.Error + "\n" + strings.Join(r.Warnings, "\n")
			if !strings.Contains(text, tc.errHas) {
				t.Errorf("error/warnings %q do not mention %q", text, tc.errHas)
			}
			if len(r.Facts) < tc.minFacts {
				t.Errorf("%d facts, want at least %d", len(r.Facts), tc.minFacts)
			}
			if tc.wantFigure != "" {
				key, val, _ := strings.Cut(tc.wantFigure, "=")
				found := false
				for _, f := range r.Facts {
					if f.Row+"."+f.Col == key && f.Value != nil && trimFloat(*f.Value) == val {
						found = true
					}
				}
				if !found {
					t.Errorf("figure %s not read; facts %v", tc.wantFigure, r.Facts)
				}
			}
			if r.ID == "" {
				t.Error("no report id")
			}
		})
	}
}

func trimFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// TestBatchSurvivesBadFiles imports good and bad files together: the bad ones become failed reports,
// the good one is complete, and a second import adds no rows.
func TestBatchSurvivesBadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a_empty.txt", nil)
	write("b_garbage.html", []byte{0, 1, 2, 3, 0xff, 0})
	write("c_table4.txt", []byte(table4Text))
	write("d_empty_too.txt", nil)
	write("notes.md", []byte("not a document type: skipped when a folder is imported"))
	whDir := t.TempDir()
	wh, err := warehouse.Open(whDir)
	if err != nil {
		t.Fatal(err)
	}
	files, err := Files([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 4 {
		t.Fatalf("files %v, want 4 (notes.md skipped)", files)
	}
	im := &Importer{Store: wh, Workers: 2, Now: func() time.Time { return testNow }}
	for round := 1; round <= 2; round++ {
		sum, err := im.Import(context.Background(), files, nil)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Reports != 4 || sum.Failed != 3 || sum.Partial != 1 || sum.StoreErrors != 0 {
			t.Fatalf("round %d: %+v", round, sum)
		}
		ids, err := wh.IDs()
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 4 {
			t.Fatalf("round %d: %d reports in the warehouse, want 4 (two empty files stay apart)", round, len(ids))
		}
		facts := 0
		for _, id := range ids {
			fs, err := warehouse.ReadFacts(whDir, id)
			if err != nil {
				t.Fatal(err)
			}
			facts += len(fs)
		}
		if facts != 15 {
			t.Fatalf("round %d: %d facts, want 15", round, facts)
		}
	}
}

// TestHugeFile imports a 50 MB file from disk: it fails with a clear reason without being read whole.
func TestHugeFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "huge.html")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(50 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	im := &Importer{Now: func() time.Time { return testNow }}
	sum, err := im.Import(context.Background(), []string{p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 1 || !strings.Contains(sum.Results[0].Error, "文件过大") {
		t.Fatalf("%+v: %q", sum, sum.Results[0].Error)
	}
}
