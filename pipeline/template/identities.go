package template

// Scope says along which axis an identity is evaluated.
type Scope string

const (
	// ScopeColumn identities relate rows and hold in every column.
	ScopeColumn Scope = "column"
	// ScopeRow identities relate columns and hold in every row.
	ScopeRow Scope = "row"
)

// Identity is an accounting identity of a table: Σ Left = Σ Right, for every column (ScopeColumn, keys are
// rows) or every row (ScopeRow, keys are columns).
type Identity struct {
	Name  string
	Title string // Chinese description for reports and the site
	Table string
	Scope Scope
	Left  []string
	Right []string
}

// Identities returns the identities of a version (spec identities 1–4; the cross-year identity 5 needs two
// reports and lives in the analysis SQL).
func (t *Template) Identities() []Identity {
	app := t.Table(Applications)
	var parts []string
	for _, r := range app.Rows {
		switch r.Key {
		case "new_received", "carried_in", "processed_total", "carried_out":
		default:
			parts = append(parts, r.Key)
		}
	}
	orgs := []string{"commercial", "research", "public_interest", "legal_service", "other_org"}
	return []Identity{
		{Name: "t3_balance", Title: "第一项加第二项之和等于第三项加第四项之和", Table: Applications, Scope: ScopeColumn,
			Left: []string{"new_received", "carried_in"}, Right: []string{"processed_total", "carried_out"}},
		{Name: "t3_results_sum", Title: "办理结果总计等于各项办理结果之和", Table: Applications, Scope: ScopeColumn,
			Left: []string{"processed_total"}, Right: parts},
		{Name: "t3_applicant_sum", Title: "总计等于自然人与法人或其他组织各列之和", Table: Applications, Scope: ScopeRow,
			Left: []string{"total"}, Right: append([]string{"natural_person"}, orgs...)},
		{Name: "t3_org_subtotal", Title: "小计等于法人或其他组织五列之和", Table: Applications, Scope: ScopeRow,
			Left: []string{"org_subtotal"}, Right: orgs},
		{Name: "t4_group_sum", Title: "总计等于结果维持、结果纠正、其他结果、尚未审结之和", Table: ReviewLitigation, Scope: ScopeRow,
			Left: []string{"total"}, Right: []string{"upheld", "corrected", "other", "pending"}},
	}
}
