package charts

// 方法说明 (method.html): every metric's definition and what cannot be compared across template versions.

type methodRow struct {
	M           *metricInfo
	Definitions []definition
	Direction   string
	MinDen      string
	Note        string
}

type methodBody struct {
	Groups []struct {
		Category string
		Rows     []methodRow
	}
	NotComparable []methodRow
	Level         string
}

func (r *renderer) methodPage() *page {
	b := &methodBody{Level: levelZH(r.m.level)}
	for _, g := range r.site.Groups {
		grp := struct {
			Category string
			Rows     []methodRow
		}{Category: g.Category}
		for _, mi := range g.Metrics {
			row := methodRow{M: mi, Direction: directionZH(mi.Direction)}
			if mi.Def != nil {
				for _, v := range mi.Def.Versions {
					row.Definitions = append(row.Definitions, definitionOf(mi.Def, v))
				}
				if mi.Def.MinDen > 0 {
					row.MinDen = formatNumber(&mi.Def.MinDen)
				}
			}
			ok, note := comparableAcrossVersions(mi.Def)
			row.Note = note
			grp.Rows = append(grp.Rows, row)
			if !ok {
				b.NotComparable = append(b.NotComparable, row)
			}
		}
		b.Groups = append(b.Groups, grp)
	}
	return &page{File: "method.html", Title: "方法说明", Nav: "method", Body: b}
}
