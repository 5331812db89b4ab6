package analyze

import (
	"context"
	"database/sql"
	"fmt"
)

// Result is the outcome of an ad-hoc query: column names and rows of driver values (nil for NULL).
type Result struct {
	Columns []string
	Rows    [][]any
}

// Query runs an ad-hoc SQL query and returns at most limit rows (0: all) and the total number of rows.
func (a *Analysis) Query(ctx context.Context, q string, limit int) (*Result, int, error) {
	rows, err := a.db.QueryContext(ctx, q)
	if err != nil {
		return nil, 0, fmt.Errorf("查询失败: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, 0, fmt.Errorf("查询失败: %w", err)
	}
	res := &Result{Columns: cols}
	total := 0
	for rows.Next() {
		total++
		if limit > 0 && len(res.Rows) >= limit {
			continue
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, 0, fmt.Errorf("读取查询结果: %w", err)
		}
		res.Rows = append(res.Rows, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("查询失败: %w", err)
	}
	return res, total, nil
}

// Summary counts what an analysis found.
type Summary struct {
	Reports, PrimaryReports         int
	FirstYear, LastYear             sql.NullInt64
	MetricRows, MetricValues        int
	UnreliableValues                int
	RankedRows, PeerGroups          int
	TrendRows, TrendJumps           int
	IdentityFailures                int
	ReportsWithIdentityFailures     int
	CrossYearChecks, CrossYearFails int
	MissingReports, EditedURLs      int
	LatePublications, UnknownDates  int
}

// Summary counts the main tables.
func (a *Analysis) Summary(ctx context.Context) (Summary, error) {
	var s Summary
	err := a.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM report_base),
		(SELECT count(*) FROM report_base WHERE is_primary),
		(SELECT min(year) FROM report_base WHERE is_primary),
		(SELECT max(year) FROM report_base WHERE is_primary),
		(SELECT count(*) FROM metric_values),
		(SELECT count(value) FROM metric_values),
		(SELECT count(*) FROM metric_values WHERE value IS NOT NULL AND NOT reliable),
		(SELECT count(*) FROM rankings),
		(SELECT count(*) FROM peer_stats),
		(SELECT count(*) FROM trends),
		(SELECT count(*) FROM trends WHERE list_has_any(flags, ['jump_up', 'jump_down', 'from_zero'])),
		(SELECT count(*) FROM quality_identity),
		(SELECT count(DISTINCT report_id) FROM quality_identity),
		(SELECT count(*) FROM quality_cross_year),
		(SELECT count(*) FROM quality_cross_year WHERE NOT pass),
		(SELECT count(*) FROM quality_missing_reports),
		(SELECT count(*) FROM quality_edited_reports),
		(SELECT count(*) FROM quality_publication WHERE status = 'late'),
		(SELECT count(*) FROM quality_publication WHERE status = 'unknown')`).Scan(
		&s.Reports, &s.PrimaryReports, &s.FirstYear, &s.LastYear, &s.MetricRows, &s.MetricValues,
		&s.UnreliableValues, &s.RankedRows, &s.PeerGroups, &s.TrendRows, &s.TrendJumps, &s.IdentityFailures,
		&s.ReportsWithIdentityFailures, &s.CrossYearChecks, &s.CrossYearFails, &s.MissingReports, &s.EditedURLs,
		&s.LatePublications, &s.UnknownDates)
	if err != nil {
		return s, fmt.Errorf("汇总分析结果: %w", err)
	}
	return s, nil
}
