package extract

import (
	"fmt"
	"testing"
)

// table builds a pdfTable from rows of cell texts; "^" continues the cell above (row span), ">" the cell to
// the left (column span).
func testTable(page int, rows [][]string) *pdfTable {
	t := &pdfTable{page: page, nrows: len(rows), ruled: true, top: true, bottom: true}
	for i := 0; i <= len(rows[0]); i++ {
		t.xs = append(t.xs, float64(100*i))
	}
	at := map[[2]int]*pdfCell{}
	for r, row := range rows {
		for c, s := range row {
			switch s {
			case "^":
				cl := at[[2]int{r - 1, c}]
				cl.rs++
				at[[2]int{r, c}] = cl
			case ">":
				cl := at[[2]int{r, c - 1}]
				if cl.r == r {
					cl.cs++
				}
				at[[2]int{r, c}] = cl
			default:
				cl := &pdfCell{r: r, c: c, rs: 1, cs: 1, text: s, page: page, box: pdfBox{1, 1, 2, 2}}
				t.cells = append(t.cells, cl)
				at[[2]int{r, c}] = cl
			}
		}
	}
	return t
}

func TestPDFTableJoin(t *testing.T) {
	cases := []struct {
		name       string
		upper, low [][]string
		want       [][]string
	}{
		{"header repeated on the next page is dropped",
			[][]string{{"信息内容", "本年新收"}, {"规章", "1"}},
			[][]string{{"信息内容", "本年新收"}, {"行政规范性文件", "2"}},
			[][]string{{"信息内容", "本年新收"}, {"规章", "1"}, {"行政规范性文件", "2"}}},
		{"a row-group label cut by the break joins (（四）无 / 法提供), an empty continuation too",
			[][]string{{"三、办理结果", "（四）无", "1.本机关不掌握", "746"}},
			[][]string{{"", "法提供", "2.没有现成信息", "11"}, {"^", "^", "3.补正后", "1"}},
			[][]string{{"三、办理结果", "（四）无法提供", "1.本机关不掌握", "746"}, {"^三、办理结果", "^（四）无法提供", "2.没有现成信息", "11"}, {"^三、办理结果", "^（四）无法提供", "3.补正后", "1"}}},
		{"two one-row labels stay two rows; numbered labels and figures never join",
			[][]string{{"信息内容", "（一）予以公开"}, {"规章", "8"}},
			[][]string{{"行政许可", "（二）部分公开"}, {"行政处罚", "9"}},
			[][]string{{"信息内容", "（一）予以公开"}, {"规章", "8"}, {"行政许可", "（二）部分公开"}, {"行政处罚", "9"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, b := testTable(1, tc.upper), testTable(2, tc.low)
			if !a.continues(b) {
				t.Fatal("tables with the same columns on consecutive pages should continue")
			}
			a.join(b)
			g := a.grid(0)
			checkGrid(t, g)
			if got := texts(g); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("\n got %q\nwant %q", got, tc.want)
			}
		})
	}
	a, b := testTable(1, [][]string{{"a", "1"}}), testTable(3, [][]string{{"b", "2"}})
	if a.continues(b) {
		t.Error("a table two pages later does not continue")
	}
	b = testTable(2, [][]string{{"b", "2", "3"}})
	if a.continues(b) {
		t.Error("a table with other columns does not continue")
	}
}
