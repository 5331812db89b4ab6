package textwidth

import (
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	if Of("丰台区ab") != 8 || Of("２０２３") != 8 {
		t.Fatalf("widths %d %d", Of("丰台区ab"), Of("２０２３"))
	}
	var b strings.Builder
	Table(&b, "", [][]string{{"发布机关", "年份"}, {"北京市丰台区人民政府", "2023"}, {"x", "7"}}, []bool{false, true})
	want := "发布机关              年份\n北京市丰台区人民政府  2023\nx                        7\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
