package analyze

import (
	"database/sql"
	"math"
	"testing"

	"github.com/gkbench/gkbench/pipeline/analyze/fixture"
	"github.com/gkbench/gkbench/pipeline/report"
	"github.com/gkbench/gkbench/pipeline/template"
)

// district is a consistent report with the given processed total, granted and not-held figures; the rest of
// the processed applications are 信访举报投诉类 rejections.
func district(issuer, jur string, year int, processed, granted, notHeld float64) fixture.Spec {
	return fixture.Spec{Issuer: issuer, Jurisdiction: jur, Year: year,
		T3: map[string]float64{"new_received": processed, "granted": granted, "unable_not_held": notHeld,
			"rejected_petition": processed - granted - notHeld}}
}

// rankingFixture: Beijing districts in 2022 and 2023, two 东城区 departments, a district of another city,
// and a second (partial) copy of one report.
func rankingFixture() []fixture.Spec {
	shijingshan := district("北京市石景山区人民政府", "石景山区", 2022, 100, 40, 10)
	shijingshan.Text = []template.Cell{fixture.T3Cell("unable_not_held", "total")} // 不掌握率 unknown
	copyDC := district("北京市东城区人民政府", "东城区", 2022, 100, 90, 0)
	copyDC.Variant, copyDC.Status = "copy", report.Partial
	return []fixture.Spec{
		district("北京市东城区人民政府", "东城区", 2022, 100, 50, 10),  // 不掌握率 0.10, 予以公开率 0.50
		district("北京市西城区人民政府", "西城区", 2022, 100, 50, 30),  // 0.30, 0.50
		district("北京市朝阳区人民政府", "朝阳区", 2022, 100, 20, 10),  // 0.10, 0.20
		district("北京市丰台区人民政府", "丰台区", 2022, 200, 160, 40), // 0.20, 0.80
		district("北京市通州区人民政府", "通州区", 2022, 4, 2, 0),      // 0/4, 2/4: denominator < 5, unreliable
		shijingshan, // —, 0.40
		copyDC,      // not primary: the complete report wins
		district("北京市东城区财政局", "东城区", 2022, 50, 40, 5),       // department: 0.10
		district("北京市东城区教育委员会", "东城区", 2022, 50, 20, 20),    // department: 0.40
		district("河北省石家庄市长安区人民政府", "长安区", 2022, 100, 50, 5), // another city: alone
		district("北京市东城区人民政府", "东城区", 2023, 100, 50, 20),    // 2023: 0.20
		district("西城区人民政府", "西城区", 2023, 100, 50, 10),       // 2023: 0.10 (name without the city)
	}
}

func TestRankings(t *testing.T) {
	a := build(t, Options{}, rankingFixture()...)
	type want struct {
		rank       int     // 0: not ranked (NULL)
		percentile float64 // NaN: NULL
		ranked     int     // ranked_count
		position   int
	}
	nan := math.NaN()
	cases := []struct {
		metric, level, parent, entity string
		year                          int
		want                          want
	}{
		// 不掌握率 (lower is better) among Beijing districts in 2022: 0.10, 0.10, 0.20, 0.30 — a tie for first, so
		// the next is third (competition ranking); percentile 100 is the best; 通州区's 0/4 is listed last, not
		// ranked.
		{"unable_not_held_rate", "district_government", "北京市", "北京市东城区人民政府", 2022, want{1, 100, 4, 1}},
		{"unable_not_held_rate", "district_government", "北京市", "北京市朝阳区人民政府", 2022, want{1, 100, 4, 2}},
		{"unable_not_held_rate", "district_government", "北京市", "北京市丰台区人民政府", 2022, want{3, 100.0 / 3, 4, 3}},
		{"unable_not_held_rate", "district_government", "北京市", "北京市西城区人民政府", 2022, want{4, 0, 4, 4}},
		{"unable_not_held_rate", "district_government", "北京市", "北京市通州区人民政府", 2022, want{0, nan, 4, 5}},
		// 予以公开率 (higher is better): 0.80, 0.50, 0.50, 0.40, 0.20 (通州区's 0.50 unreliable).
		{"granted_rate", "district_government", "北京市", "北京市丰台区人民政府", 2022, want{1, 100, 5, 1}},
		{"granted_rate", "district_government", "北京市", "北京市东城区人民政府", 2022, want{2, 75, 5, 2}},
		{"granted_rate", "district_government", "北京市", "北京市西城区人民政府", 2022, want{2, 75, 5, 3}},
		{"granted_rate", "district_government", "北京市", "北京市石景山区人民政府", 2022, want{4, 25, 5, 4}},
		{"granted_rate", "district_government", "北京市", "北京市朝阳区人民政府", 2022, want{5, 0, 5, 5}},
		{"granted_rate", "district_government", "北京市", "北京市通州区人民政府", 2022, want{0, nan, 5, 6}},
		// 新收申请量 (neutral): sorted from the highest value, never ranked.
		{"new_received", "district_government", "北京市", "北京市丰台区人民政府", 2022, want{0, nan, 0, 1}},
		{"new_received", "district_government", "北京市", "北京市石景山区人民政府", 2022, want{0, nan, 0, 4}}, // ties by name
		{"new_received", "district_government", "北京市", "北京市通州区人民政府", 2022, want{0, nan, 0, 6}},
		// Departments rank among their district's departments only.
		{"unable_not_held_rate", "department", "东城区", "北京市东城区财政局", 2022, want{1, 100, 2, 1}},
		{"unable_not_held_rate", "department", "东城区", "北京市东城区教育委员会", 2022, want{2, 0, 2, 2}},
		// A district of another city is alone among its peers: rank 1 of 1, no percentile.
		{"unable_not_held_rate", "district_government", "石家庄市", "河北省石家庄市长安区人民政府", 2022, want{1, nan, 1, 1}},
		// 2023 is ranked on its own; 西城区人民政府 (no city in the name) is still a Beijing district and the same
		// entity as 北京市西城区人民政府.
		{"unable_not_held_rate", "district_government", "北京市", "北京市西城区人民政府", 2023, want{1, 100, 2, 1}},
		{"unable_not_held_rate", "district_government", "北京市", "北京市东城区人民政府", 2023, want{2, 0, 2, 2}},
	}
	for _, c := range cases {
		t.Run(c.metric+"/"+c.entity, func(t *testing.T) {
			var rank sql.NullInt64
			var ranked, position int
			var pct sql.NullFloat64
			err := a.DB().QueryRow(`SELECT rank, ranked_count, position, percentile FROM rankings
				WHERE metric_key = ? AND level = ? AND parent = ? AND entity_name = ? AND year = ?`,
				c.metric, c.level, c.parent, c.entity, c.year).Scan(&rank, &ranked, &position, &pct)
			if err != nil {
				t.Fatal(err)
			}
			if int(rank.Int64) != c.want.rank || rank.Valid != (c.want.rank > 0) || ranked != c.want.ranked || position != c.want.position {
				t.Errorf("rank %v of %d at %d, want %d of %d at %d", rank, ranked, position, c.want.rank, c.want.ranked, c.want.position)
			}
			if math.IsNaN(c.want.percentile) != !pct.Valid || (pct.Valid && !near(pct.Float64, c.want.percentile)) {
				t.Errorf("percentile %v, want %v", pct, c.want.percentile)
			}
		})
	}
	if n := count(t, a, `SELECT count(*) FROM rankings WHERE metric_key = 'unable_not_held_rate' AND year = 2022
		AND parent = '北京市' AND level = 'district_government' AND unreliable_count = 1 AND peer_count = 5`); n != 5 {
		t.Errorf("unreliable_count/peer_count wrong on %d of 5 rows", 5-n)
	}
	if n := count(t, a, `SELECT count(*) FROM rankings WHERE issuer = '西城区人民政府' AND entity_name = '北京市西城区人民政府'
		AND entity_key = 'district_government|北京市|西城区' AND year = 2023 AND metric_key = 'new_received'`); n != 1 {
		t.Errorf("西城区人民政府 2023 is not merged into the 西城区 entity")
	}
	// Not listed: a missing value (石景山 不掌握率) and the non-primary copy.
	if n := count(t, a, `SELECT count(*) FROM rankings WHERE metric_key = 'unable_not_held_rate' AND year = 2022
		AND level = 'district_government' AND parent = '北京市'`); n != 5 {
		t.Errorf("%d listed, want 5", n)
	}
	if n := count(t, a, `SELECT count(*) FROM rankings r JOIN report_base b USING (report_id) WHERE NOT b.is_primary`); n != 0 {
		t.Errorf("%d rankings of non-primary reports", n)
	}

	// Quartiles (continuous, as Excel PERCENTILE.INC) and pooled values from summed numerators and denominators.
	stats := []struct {
		metric                 string
		p25, p50, p75, pooled  float64
		members, withValue, po int
	}{
		// Quartiles of the reliable values 0.10, 0.10, 0.20, 0.30 (通州区's 0/4 is left out); pooled over every
		// member, (10+30+10+40+0)/(100+100+100+200+4) = 90/504, not the mean of rates.
		{"unable_not_held_rate", 0.10, 0.15, 0.225, 90.0 / 504, 6, 5, 5},
		// 0.20, 0.40, 0.50, 0.50, 0.80 (without 通州区's unreliable 0.50); pooled 322/604.
		{"granted_rate", 0.40, 0.50, 0.50, 322.0 / 604, 6, 6, 6},
		// Counts pool by summing: 4, 100, 100, 100, 100, 200.
		{"new_received", 100, 100, 100, 604, 6, 6, 6},
	}
	for _, s := range stats {
		var p25, p50, p75, pooled float64
		var members, withValue, pooledN int
		err := a.DB().QueryRow(`SELECT p25, p50, p75, pooled_value, members, members_with_value, members_pooled
			FROM peer_stats WHERE year = 2022 AND metric_key = ? AND level = 'district_government' AND parent = '北京市'`,
			s.metric).Scan(&p25, &p50, &p75, &pooled, &members, &withValue, &pooledN)
		if err != nil {
			t.Fatal(err)
		}
		if !near(p25, s.p25) || !near(p50, s.p50) || !near(p75, s.p75) || !near(pooled, s.pooled) {
			t.Errorf("%s: p25 %v p50 %v p75 %v pooled %v; want %v %v %v %v", s.metric, p25, p50, p75, pooled, s.p25, s.p50, s.p75, s.pooled)
		}
		if members != s.members || withValue != s.withValue || pooledN != s.po {
			t.Errorf("%s: members %d/%d/%d, want %d/%d/%d", s.metric, members, withValue, pooledN, s.members, s.withValue, s.po)
		}
		// The rankings rows carry the same quartiles.
		if n := count(t, a, `SELECT count(*) FROM rankings WHERE year = 2022 AND metric_key = ? AND level = 'district_government'
			AND parent = '北京市' AND abs(p50 - ?) > 1e-12`, s.metric, s.p50); n != 0 {
			t.Errorf("%s: %d ranking rows with another median", s.metric, n)
		}
	}
	// The pooled_rate macro gives the same pooled value for any grouping.
	var pooled float64
	if err := a.DB().QueryRow(`SELECT pooled_rate(numerator, denominator) FROM metric_values WHERE is_primary AND year = 2022
		AND metric_key = 'unable_not_held_rate' AND level = 'district_government' AND parent = '北京市'`).Scan(&pooled); err != nil {
		t.Fatal(err)
	}
	if !near(pooled, 90.0/504) {
		t.Errorf("pooled_rate = %v, want 90/504", pooled)
	}
}
