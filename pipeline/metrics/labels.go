package metrics

// Chinese names of the analysis' codes, for the site and the workbook.

// LevelZH names an issuer level.
func LevelZH(l string) string {
	switch l {
	case "district_government":
		return "区人民政府"
	case "city_government":
		return "市人民政府"
	case "street_town":
		return "街道、乡镇"
	case "department":
		return "部门"
	case "unknown", "":
		return "未知"
	}
	return l
}

// VersionZH names a template version.
func VersionZH(v string) string {
	switch v {
	case "2019":
		return "2019 试行版"
	case "2021":
		return "2021 版"
	case "":
		return "—"
	}
	return v + " 版"
}

// CellKindZH names what a report cell held (report.CellKind).
func CellKindZH(k string) string {
	switch k {
	case "number":
		return "数字"
	case "zero":
		return "零"
	case "empty":
		return "空白(按0计)"
	case "na":
		return "不适用(按0计)"
	case "text":
		return "文字"
	case "":
		return "报告中没有"
	}
	return k
}

// UnitLabel is the unit printed after a value or in a header: % for shares, else the unit.
func UnitLabel(unit string) string {
	if unit == UnitRatio {
		return "%"
	}
	return unit
}
