package metrics

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gkbench/gkbench/pipeline/template"
	sqlfiles "github.com/gkbench/gkbench/sql"
)

var update = flag.Bool("update", false, "rewrite the generated files in sql/")

// TestGeneratedSQL keeps the generated SQL files equal to what the template and the dictionary produce:
// there is one definition, and the SQL is derived from it.
func TestGeneratedSQL(t *testing.T) {
	for _, f := range Generated() {
		if *update {
			if err := os.WriteFile(filepath.Join("..", "..", "sql", f.Name), []byte(f.Text), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := sqlfiles.Read(f.Name)
		if err != nil {
			t.Fatalf("sql/%s missing: %v (run go generate ./pipeline/metrics)", f.Name, err)
		}
		if got != f.Text {
			t.Errorf("sql/%s is out of date with the template or the metric dictionary: run go generate ./pipeline/metrics", f.Name)
		}
	}
}

func TestDictionaryValid(t *testing.T) {
	for _, err := range Validate() {
		t.Error(err)
	}
	if len(dictionary) < 30 {
		t.Errorf("dictionary has %d metrics, expected the issue's full list", len(dictionary))
	}
}

// TestIssueMetrics pins the formulas the issue states, in SQL over the wide columns.
func TestIssueMetrics(t *testing.T) {
	cases := []struct {
		key, version, num, den string
	}{
		{"unable_not_held_rate", "2021", "t3_unable_not_held__total", "t3_processed_total__total"},
		{"granted_rate", "2021", "t3_granted__total", "t3_processed_total__total"},
		{"substantive_disclosure_rate", "2019", "t3_granted__total + t3_partly_granted__total", "t3_processed_total__total"},
		{"review_correction_rate", "2021", "t4_review__corrected", "t4_review__total - t4_review__pending"},
		{"litigation_loss_rate", "2021", "t4_litigation_direct__corrected + t4_litigation_after_review__corrected",
			"t4_litigation_direct__total - t4_litigation_direct__pending + t4_litigation_after_review__total - t4_litigation_after_review__pending"},
		{"completion_rate", "2021", "t3_processed_total__total", "t3_new_received__total + t3_carried_in__total"},
		{"carryover_rate", "2021", "t3_carried_out__total", "t3_new_received__total + t3_carried_in__total"},
		{"legal_service_share", "2021", "t3_new_received__legal_service", "t3_new_received__total"},
		{"org_applicant_share", "2021", "t3_new_received__commercial + t3_new_received__research + t3_new_received__public_interest + t3_new_received__legal_service + t3_new_received__other_org", "t3_new_received__total"},
		{"dispute_rate", "2021", "t4_review__total + t4_litigation_direct__total", "t3_processed_total__total"},
		{"new_received_per_10k", "2021", "t3_new_received__total", "population"},
		// 2019 has one 其他处理 row, 2021 three: each version reads its own rows.
		{"other_rate", "2019", "t3_other__total", "t3_processed_total__total"},
		{"other_rate", "2021", "t3_other_no_correction__total + t3_other_no_fee__total + t3_other_other__total", "t3_processed_total__total"},
		// Table 2 keeps each version's keys apart.
		{"normative_docs_issued", "2021", "t2_2021_normative_docs__issued", ""},
		{"v2019_licensing_decisions", "2019", "t2_2019_licensing__decisions", ""},
		{"licensing_decisions", "2021", "t2_2021_licensing__decisions", ""},
	}
	for _, c := range cases {
		m, ok := Lookup(c.key)
		if !ok {
			t.Errorf("metric %s missing", c.key)
			continue
		}
		v := template.Version(c.version)
		if !m.AppliesTo(v) {
			t.Errorf("%s does not apply to %s", c.key, v)
			continue
		}
		num, den, _ := m.SQL(v)
		if num != c.num || den != c.den {
			t.Errorf("%s %s:\n num %q\n want %q\n den %q\n want %q", c.key, v, num, c.num, den, c.den)
		}
	}
	// Σwithheld has the eight reasons; the 2021-only metrics do not apply to 2019 and vice versa.
	m, _ := Lookup("withheld_rate")
	if num, _, _ := m.SQL(template.V2021); strings.Count(num, "t3_withheld_") != 8 {
		t.Errorf("withheld_rate numerator %q: want 8 reasons", num)
	}
	for key, v := range map[string]template.Version{"normative_docs_issued": template.V2019, "v2019_normative_docs_made": template.V2021} {
		m, _ := Lookup(key)
		if m.AppliesTo(v) {
			t.Errorf("%s must not apply to version %s", key, v)
		}
	}
}

func TestWideColumnsUnique(t *testing.T) {
	// A wide column is shared only by the same cell key in tables 3 and 4 of both versions.
	owner := map[string]template.Cell{}
	for _, c := range WideCells() {
		if o, ok := owner[c.Column]; ok && o != c.Cell {
			t.Errorf("wide column %s holds both %s and %s", c.Column, o, c.Cell)
		}
		owner[c.Column] = c.Cell
	}
	if _, ok := owner["t2_2019_licensing__decisions"]; !ok {
		t.Error("2019 table 2 has no wide column")
	}
}
