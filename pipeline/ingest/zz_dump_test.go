package ingest

import (
	"fmt"
	"os"
	"testing"
	"time"
)

func TestDumpHuaian(t *testing.T) {
	b, _ := os.ReadFile("/work/shared/corpus-attachments/huaian_2024.pdf")
	r := Parse(Source{Path: "huaian_2024.pdf", Issuer: "淮安市人民政府", Year: 2024}, b, time.Now())
	fmt.Println(r.Status, r.Error, r.Format, r.Pages, len(r.Facts), r.Warnings)
	for _, c := range r.Checks {
		if !c.Pass {
			fmt.Println("FAIL", c)
		}
	}
}
