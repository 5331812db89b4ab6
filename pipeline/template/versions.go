package template

// The two template versions as data. Labels are the canonical wording of the official templates; aliases
// are wordings seen in published reports.

// Table-3 group labels.
const (
	grpResults   = "本年度办理结果"
	grpWithheld  = "不予公开"
	grpUnable    = "无法提供"
	grpRejected  = "不予处理"
	grpOther     = "其他处理"
	grpOrg       = "法人或其他组织"
	grpLitigate  = "行政诉讼"
	blockItem1   = "第二十条第(一)项"
	blockItem5   = "第二十条第(五)项"
	blockItem6   = "第二十条第(六)项"
	blockItem8   = "第二十条第(八)项"
	blockItem9   = "第二十条第(九)项"
	headingTable = "主动公开政府信息情况"
)

func applicationRows(v Version) []Row {
	rows := []Row{
		{Key: "new_received", Label: "本年新收政府信息公开申请数量", Aliases: []string{"本年新收申请数量", "本年新收政府信息公开申请"}},
		{Key: "carried_in", Label: "上年结转政府信息公开申请数量", Aliases: []string{"上年结转申请数量", "上年结转政府信息公开申请"}},
		{Key: "granted", Label: "予以公开", Group: ""},
		{Key: "partly_granted", Label: "部分公开", Aliases: []string{"部分公开(区分处理的,只计这一情形,不计其他情形)"}},
		{Key: "withheld_state_secret", Label: "属于国家秘密", Group: grpWithheld},
		{Key: "withheld_law_prohibited", Label: "其他法律行政法规禁止公开", Group: grpWithheld, Aliases: []string{"其他法律、行政法规禁止公开"}},
		{Key: "withheld_three_safety", Label: "危及“三安全一稳定”", Group: grpWithheld, Aliases: []string{"危及三安全一稳定"}},
		{Key: "withheld_third_party", Label: "保护第三方合法权益", Group: grpWithheld},
		{Key: "withheld_internal_affairs", Label: "属于三类内部事务信息", Group: grpWithheld},
		{Key: "withheld_process_info", Label: "属于四类过程性信息", Group: grpWithheld},
		{Key: "withheld_enforcement_file", Label: "属于行政执法案卷", Group: grpWithheld},
		{Key: "withheld_query_matter", Label: "属于行政查询事项", Group: grpWithheld},
		{Key: "unable_not_held", Label: "本机关不掌握相关政府信息", Group: grpUnable, Aliases: []string{"本机关不掌握相关信息"}},
		{Key: "unable_needs_creation", Label: "没有现成信息需要另行制作", Group: grpUnable},
		{Key: "unable_unclear", Label: "补正后申请内容仍不明确", Group: grpUnable},
		{Key: "rejected_petition", Label: "信访举报投诉类申请", Group: grpRejected},
		{Key: "rejected_repeat", Label: "重复申请", Group: grpRejected},
		{Key: "rejected_publication", Label: "要求提供公开出版物", Group: grpRejected},
		{Key: "rejected_mass_repeat", Label: "无正当理由大量反复申请", Group: grpRejected},
		{Key: "rejected_confirmation", Label: "要求行政机关确认或重新出具已获取信息", Group: grpRejected},
	}
	if v == V2021 {
		rows = append(rows,
			Row{Key: "other_no_correction", Label: "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", Group: grpOther,
				Aliases: []string{"申请人无正当理由逾期不补正"}},
			Row{Key: "other_no_fee", Label: "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", Group: grpOther,
				Aliases: []string{"申请人逾期未按收费通知要求缴纳费用"}},
			Row{Key: "other_other", Label: "其他", Group: grpOther},
		)
	} else {
		rows = append(rows, Row{Key: "other", Label: "其他处理"})
	}
	rows = append(rows,
		Row{Key: "processed_total", Label: "总计", Aliases: []string{"合计"}},
		Row{Key: "carried_out", Label: "结转下年度继续办理", Aliases: []string{"结转下年度继续办理申请数量"}},
	)
	return rows
}

func applicationCols() []Column {
	return []Column{
		{Key: "natural_person", Label: "自然人"},
		{Key: "commercial", Label: "商业企业", Group: grpOrg},
		{Key: "research", Label: "科研机构", Group: grpOrg},
		{Key: "public_interest", Label: "社会公益组织", Group: grpOrg},
		{Key: "legal_service", Label: "法律服务机构", Group: grpOrg},
		{Key: "other_org", Label: "其他", Group: grpOrg},
		{Key: "org_subtotal", Label: "小计", Group: grpOrg, Optional: true},
		{Key: "total", Label: "总计", Aliases: []string{"合计"}},
	}
}

// GroupLabels are table-3 rows that only head a group of rows and carry no figures in the given version.
func groupLabels(v Version) []string {
	g := []string{grpResults, grpWithheld, grpUnable, grpRejected}
	if v == V2021 {
		g = append(g, grpOther)
	}
	return g
}

func reviewTable() *Table {
	return &Table{
		Key: ReviewLitigation, Number: 4, Heading: "政府信息公开行政复议、行政诉讼情况", PathSep: "-",
		RowsFromHeader: true,
		Rows: []Row{
			{Key: "review", Label: "行政复议"},
			{Key: "litigation_direct", Label: "未经复议直接起诉", Group: grpLitigate},
			{Key: "litigation_after_review", Label: "复议后起诉", Group: grpLitigate},
		},
		Cols: []Column{
			{Key: "upheld", Label: "结果维持", Aliases: []string{"维持"}},
			{Key: "corrected", Label: "结果纠正", Aliases: []string{"纠正"}},
			{Key: "other", Label: "其他结果"},
			{Key: "pending", Label: "尚未审结", Aliases: []string{"未审结"}},
			{Key: "total", Label: "总计", Aliases: []string{"合计"}},
		},
		Anchors: []string{"行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "结果维持", "尚未审结"},
	}
}

func applicationsTable(v Version) *Table {
	return &Table{
		Key: Applications, Number: 3, Heading: "收到和处理政府信息公开申请情况", PathSep: "/",
		Rows: applicationRows(v),
		Cols: applicationCols(),
		Anchors: []string{"申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
			"本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量",
			"本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和"},
	}
}

var v2021 = register(&Template{
	Version: V2021,
	Tables: []*Table{
		{
			Key: Active, Number: 2, Heading: headingTable, PathSep: "/",
			Rows: []Row{
				{Key: "rules", Label: "规章", Block: blockItem1, Cols: []string{"issued", "repealed", "in_force"}},
				{Key: "normative_docs", Label: "行政规范性文件", Block: blockItem1, Cols: []string{"issued", "repealed", "in_force"},
					Aliases: []string{"规范性文件"}},
				{Key: "licensing", Label: "行政许可", Block: blockItem5, Cols: []string{"decisions"}},
				{Key: "penalty", Label: "行政处罚", Block: blockItem6, Cols: []string{"decisions"}},
				{Key: "coercion", Label: "行政强制", Block: blockItem6, Cols: []string{"decisions"}},
				{Key: "fees", Label: "行政事业性收费", Block: blockItem8, Cols: []string{"amount_10k_yuan"}},
			},
			Cols: []Column{
				{Key: "issued", Label: "本年制发件数", Aliases: []string{"本年新制发件数"}},
				{Key: "repealed", Label: "本年废止件数"},
				{Key: "in_force", Label: "现行有效件数", Aliases: []string{"现行有效件数(历史累计)"}},
				{Key: "decisions", Label: "本年处理决定数量", Aliases: []string{"处理决定数量"}},
				{Key: "amount_10k_yuan", Label: "本年收费金额(单位:万元)", Money: true,
					Aliases: []string{"本年收费金额", "本年收费金额(万元)"}},
			},
			Anchors: []string{blockItem1, blockItem5, blockItem6, blockItem8, "信息内容", "本年制发件数", "本年废止件数", "现行有效件数"},
		},
		applicationsTable(V2021),
		reviewTable(),
	},
})

var v2019 = register(&Template{
	Version: V2019,
	Tables: []*Table{
		{
			Key: Active, Number: 2, Heading: headingTable, PathSep: "/",
			Rows: []Row{
				{Key: "rules", Label: "规章", Block: blockItem1, Cols: []string{"made", "published", "public_total"}},
				{Key: "normative_docs", Label: "规范性文件", Block: blockItem1, Cols: []string{"made", "published", "public_total"},
					Aliases: []string{"行政规范性文件"}},
				{Key: "licensing", Label: "行政许可", Block: blockItem5, Cols: []string{"prev_items", "change", "decisions"}},
				{Key: "other_services", Label: "其他对外管理服务事项", Block: blockItem5, Cols: []string{"prev_items", "change", "decisions"},
					Optional: true},
				{Key: "penalty", Label: "行政处罚", Block: blockItem6, Cols: []string{"prev_items", "change", "decisions"}},
				{Key: "coercion", Label: "行政强制", Block: blockItem6, Cols: []string{"prev_items", "change", "decisions"}},
				{Key: "fees", Label: "行政事业性收费", Block: blockItem8, Cols: []string{"prev_items", "change"}},
				{Key: "procurement", Label: "政府集中采购", Block: blockItem9, Cols: []string{"items", "amount_10k_yuan"}, Optional: true},
			},
			Cols: []Column{
				{Key: "made", Label: "本年新制作数量"},
				{Key: "published", Label: "本年新公开数量"},
				{Key: "public_total", Label: "对外公开总数量"},
				{Key: "prev_items", Label: "上一年项目数量"},
				{Key: "change", Label: "本年增/减", Aliases: []string{"本年增减", "本年增加/减少"}},
				{Key: "decisions", Label: "处理决定数量", Aliases: []string{"本年处理决定数量"}},
				{Key: "items", Label: "采购项目数量"},
				{Key: "amount_10k_yuan", Label: "采购总金额", Money: true,
					Aliases: []string{"采购总金额(万元,保留四位小数)", "采购总金额(万元)"}},
			},
			Anchors: []string{blockItem1, blockItem5, blockItem6, blockItem8, blockItem9, "信息内容", "本年新制作数量",
				"本年新公开数量", "对外公开总数量", "上一年项目数量"},
		},
		applicationsTable(V2019),
		reviewTable(),
	},
})

// GroupLabels returns the labels of table-3 rows that head a group and carry no figures.
func (t *Template) GroupLabels() []string { return groupLabels(t.Version) }

// Markers are labels that only one version prints: the parser counts them to tell the version of a report.
var Markers = map[Version][]string{
	V2021: {"本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额(单位:万元)",
		"申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
		"申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"},
	V2019: {"本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "政府集中采购",
		"其他对外管理服务事项"},
}

// SectionHeadings maps the six fixed section headings (without numbering) to the table each section holds;
// prose sections map to "".
var SectionHeadings = []struct {
	Number  int
	Heading string
	Table   string
}{
	{1, "总体情况", ""},
	{2, headingTable, Active},
	{3, "收到和处理政府信息公开申请情况", Applications},
	{4, "政府信息公开行政复议、行政诉讼情况", ReviewLitigation},
	{5, "存在的主要问题及改进情况", ""},
	{6, "其他需要报告的事项", ""},
}
