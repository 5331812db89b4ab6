package parse

import (
	"strings"
	"testing"

	"github.com/gkbench/gkbench/pipeline/extract"
	"github.com/gkbench/gkbench/pipeline/report"
)

// TestFlatBlankLastCell: in a copy whose rows end with one bare "|", a row ending in "|" "|" has a blank last
// cell (read as empty); a row with one value short and only one bare "|" is ambiguous and stays dropped.
func TestFlatBlankLastCell(t *testing.T) {
	head := "二、主动公开政府信息情况\n第二十条第(一)项 |\n|||\n信息内容 |\n本年制发件数 |\n本年废止件数 |\n现行有效件数 |\n|\n"
	cases := []struct {
		name   string
		rules  string
		want   map[string]string // col → kind:raw
		warned string
	}{
		{"blank last cell", "规章 |\n0 |\n0 |\n|\n|\n", map[string]string{"issued": "zero:0", "repealed": "zero:0", "in_force": "empty:"}, ""},
		{"full row", "规章 |\n0 |\n0 |\n7 |\n|\n", map[string]string{"issued": "zero:0", "repealed": "zero:0", "in_force": "number:7"}, ""},
		{"ambiguous: one bare pipe", "规章 |\n0 |\n0 |\n|\n", map[string]string{}, "「规章」行有 2 个数值而应有 3 列"},
		{"ambiguous: three bare pipes", "规章 |\n0 |\n|\n|\n|\n", map[string]string{}, "「规章」行有 1 个数值而应有 3 列"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := extract.TextDocument(head + tc.rules + "行政规范性文件 |\n1 |\n2 |\n3 |\n|\n")
			if err != nil {
				t.Fatal(err)
			}
			res := Parse(doc, 2023)
			got := map[string]string{}
			normative := 0
			for _, f := range res.Facts {
				switch f.Row {
				case "rules":
					got[f.Col] = string(f.Kind) + ":" + f.Raw
				case "normative_docs":
					normative++
				}
			}
			if len(got) != len(tc.want) || normative != 3 {
				t.Fatalf("rules %v (want %v), normative_docs %d; warnings %v", got, tc.want, normative, res.Warnings)
			}
			for c, w := range tc.want {
				if got[c] != w {
					t.Errorf("rules.%s = %s, want %s", c, got[c], w)
				}
			}
			if tc.warned != "" && !strings.Contains(strings.Join(res.Warnings, "\n"), tc.warned) {
				t.Errorf("no warning %q: %v", tc.warned, res.Warnings)
			}
			for _, f := range res.Facts {
				if f.Kind == report.Empty && f.Value != nil {
					t.Errorf("empty cell with a value")
				}
			}
		})
	}
}
