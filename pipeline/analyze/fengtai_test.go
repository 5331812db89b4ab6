package analyze

import (
	"context"
	"github.com/gkbench/gkbench/internal/corpus"
	"path/filepath"
	"testing"

	"github.com/gkbench/gkbench/pipeline/ingest"
	"github.com/gkbench/gkbench/pipeline/metrics"
	"github.com/gkbench/gkbench/pipeline/template"
	"github.com/gkbench/gkbench/pipeline/warehouse"
)

// importCorpus imports the shared corpus of real reports (with its manifest) into a fresh warehouse.
func importCorpus(t *testing.T) string {
	t.Helper()
	dir := corpus.Dir(t)
	meta, err := ingest.ReadManifest(filepath.Join(dir, "manifest.csv"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := ingest.Files([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	whDir := t.TempDir()
	wh, err := warehouse.Open(whDir)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := (&ingest.Importer{Store: wh}).Import(context.Background(), files, meta)
	if err != nil || sum.StoreErrors > 0 || sum.Reports != len(files) {
		t.Fatalf("import: %v, %+v", err, sum)
	}
	return whDir
}

// TestFengtai2023 checks every metric of the 2021 template on the real 丰台区 2023 report, against
// values computed by hand from its printed figures (truth.csv in the corpus):
//
//	table 3 总计: 新收 2180 (商业企业 63, 其他 6, 法律服务机构 0), 上年结转 126, 予以公开 448, 部分公开 129,
//	  不予公开 14+1+0+9+12+28+27+4 = 95, 无法提供 1305+4+0 = 1309, 不予处理 15+5+0+0+0 = 20,
//	  其他处理 23+51+86 = 160, 总计 2161, 结转下年 145
//	table 4: 复议 维持75 纠正5 其他8 未审结18 总计106; 直接起诉 14 8 6 13 41; 复议后起诉 10 1 2 5 18
//	table 2: 行政规范性文件 27 / 18 / 228, 许可 92486, 处罚 26196, 强制 68, 收费 5098.4139 万元
//	population: 丰台区 2 019 764 (第七次全国人口普查)
func TestFengtai2023(t *testing.T) {
	wh := importCorpus(t)
	a, err := Build(context.Background(), Options{Warehouse: wh})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var rid string
	if err := a.DB().QueryRow(`SELECT report_id FROM report_base WHERE issuer = '北京市丰台区人民政府' AND year = 2023`).Scan(&rid); err != nil {
		t.Fatalf("丰台区 2023 report not found: %v", err)
	}
	const none = -1 // no denominator: a count
	cases := []struct {
		key      string
		num, den float64
		scale    float64
	}{
		{"new_received", 2180, none, 1},
		{"new_received_per_10k", 2180, 2019764, 10000},
		{"processed_total", 2161, none, 1},
		{"granted_rate", 448, 2161, 1},
		{"substantive_disclosure_rate", 448 + 129, 2161, 1},
		{"decidable_disclosure_rate", 448 + 129, 448 + 129 + 95, 1},
		{"unable_not_held_rate", 1305, 2161, 1}, // the 不掌握率 = 1305/2161
		{"unable_rate", 1309, 2161, 1},
		{"withheld_rate", 95, 2161, 1},
		{"rejected_rate", 20, 2161, 1},
		{"other_rate", 160, 2161, 1},
		{"share_withheld_state_secret", 14, 95, 1},
		{"share_withheld_law_prohibited", 1, 95, 1},
		{"share_withheld_three_safety", 0, 95, 1},
		{"share_withheld_third_party", 9, 95, 1},
		{"share_withheld_internal_affairs", 12, 95, 1},
		{"share_withheld_process_info", 28, 95, 1},
		{"share_withheld_enforcement_file", 27, 95, 1},
		{"share_withheld_query_matter", 4, 95, 1},
		{"completion_rate", 2161, 2180 + 126, 1},
		{"carryover_rate", 145, 2180 + 126, 1},
		{"org_applicant_share", 63 + 6, 2180, 1},
		{"legal_service_share", 0, 2180, 1},
		{"review_correction_rate", 5, 106 - 18, 1},               // the 复议纠错率 = 5/(106−18)
		{"litigation_loss_rate", 8 + 1, (41 - 13) + (18 - 5), 1}, // the 诉讼败诉率
		{"overall_correction_rate", 5 + 8 + 1, 88 + (41 - 13) + (18 - 5), 1},
		{"dispute_rate", 106 + 41, 2161, 100},
		{"normative_docs_issued", 27, none, 1},
		{"normative_docs_repealed", 18, none, 1},
		{"normative_docs_in_force", 228, none, 1},
		{"licensing_decisions", 92486, none, 1},
		{"penalty_decisions", 26196, none, 1},
		{"coercion_decisions", 68, none, 1},
		{"fees_amount", 5098.4139, none, 1},
	}
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.key] = true
		t.Run(c.key, func(t *testing.T) {
			m := mustMetric(t, a, rid, c.key)
			want := c.num * c.scale
			if c.den != none {
				want = c.num / c.den * c.scale
				if !m.den.Valid || m.den.Float64 != c.den {
					t.Errorf("denominator = %v, want %v", m.den, c.den)
				}
			} else if m.den.Valid {
				t.Errorf("a count has denominator %v", m.den.Float64)
			}
			if !m.num.Valid || m.num.Float64 != c.num {
				t.Errorf("numerator = %v, want %v", m.num, c.num)
			}
			if !m.value.Valid || !near(m.value.Float64, want) {
				t.Errorf("value = %v, want %v", m.value, want)
			}
			// The report is complete and passes every identity: no flag, reliable. Its cells were printed
			// as numbers or 0, never blank.
			if len(m.flags) != 0 || !m.reliable {
				t.Errorf("flags %v reliable %v, want none and reliable", m.flags, m.reliable)
			}
			if m.level != "district_government" || m.parent != "北京市" || !m.isPrimary {
				t.Errorf("level %q parent %q primary %v", m.level, m.parent, m.isPrimary)
			}
		})
	}
	// Every metric of the 2021 template is checked on real figures.
	for _, m := range metrics.All() {
		if m.AppliesTo(template.V2021) && !covered[m.Key] {
			t.Errorf("metric %s has no hand-computed Fengtai case", m.Key)
		}
	}
	if n := count(t, a, `SELECT count(*) FROM metric_values WHERE report_id = ?`, rid); n != len(cases) {
		t.Errorf("Fengtai has %d metric rows, want %d", n, len(cases))
	}
	// The partial corpus reports (cut off mid-table) have metric rows whose missing inputs are flagged, and
	// no invented value: the 通州区信访办 2019 report stops inside table 3.
	if n := count(t, a, `SELECT count(*) FROM metric_values WHERE report_status = 'partial' AND value IS NOT NULL
		AND list_contains(flags, 'missing_input')`); n != 0 {
		t.Errorf("%d values computed despite missing inputs", n)
	}
	if n := count(t, a, `SELECT count(*) FROM metric_values WHERE issuer = '北京市通州区信访办' AND metric_key = 'unable_not_held_rate'
		AND value IS NULL AND list_contains(flags, 'missing_input')`); n != 1 {
		t.Errorf("通州区信访办 2019 不掌握率: want one NULL row flagged missing_input, got %d", n)
	}
}
