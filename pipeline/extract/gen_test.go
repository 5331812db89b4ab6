package extract

import (
	"fmt"
	"strings"
)

// Generators of report-like pages for benchmarks and the large-input test: template labels, invented
// figures, markup in the style of word-processor exports.

func soupCell(attrs, text string) string {
	return `<td ` + attrs + ` valign=top><p class=MsoNormal align=center><span style='font-size:10.0pt'>` +
		text + `<o:p></o:p></span></p></td>`
}

var table3Rows = []string{
	"一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量",
	"(一)予以公开", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",
	"1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
	"5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
	"1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
	"1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
	"5.要求行政机关确认或重新出具已获取信息",
	"1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
	"2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他",
	"(七)总计", "四、结转下年度继续办理",
}

// reportBody returns the body of one invented report with tables 2, 3 and 4; seed varies the figures.
func reportBody(seed int) string {
	var sb strings.Builder
	n := func(i int) string { return fmt.Sprint((seed*31 + i*7) % 97) }
	sb.WriteString("<p class=MsoNormal><b><span>一、总体情况</span></b></p>\n")
	for i := range 3 {
		fmt.Fprintf(&sb, "<p class=MsoNormal style='text-indent:32.0pt'><span>本年度共主动公开政府信息%s条,"+
			"办理政府信息公开申请%s件,\r\n按时答复率100%%。</span></p>\n", n(i), n(i+1))
	}
	sb.WriteString("<p><b>二、主动公开政府信息情况</b></p>\n<table class=MsoNormalTable border=1 cellspacing=0>\n")
	sb.WriteString("<tr>" + soupCell("colspan=4", "第二十条第(一)项") + "</tr>\n")
	sb.WriteString("<tr>" + soupCell("", "信息内容") + soupCell("", "本年制发件数") + soupCell("", "本年废止件数") +
		soupCell("", "现行有效件数") + "</tr>\n")
	for i, l := range []string{"规章", "行政规范性文件"} {
		sb.WriteString("<tr>" + soupCell("", l) + soupCell("", n(i)) + soupCell("", n(i+2)) + soupCell("", n(i+3)) + "</tr>\n")
	}
	for _, blk := range []struct {
		head, col string
		rows      []string
	}{
		{"第二十条第(五)项", "本年处理决定数量", []string{"行政许可"}},
		{"第二十条第(六)项", "本年处理决定数量", []string{"行政处罚", "行政强制"}},
		{"第二十条第(八)项", "本年收费金额(单位:万元)", []string{"行政事业性收费"}},
	} {
		sb.WriteString("<tr>" + soupCell("colspan=4", blk.head) + "</tr>\n")
		sb.WriteString("<tr>" + soupCell("", "信息内容") + soupCell("colspan=3", blk.col) + "</tr>\n")
		for i, l := range blk.rows {
			sb.WriteString("<tr>" + soupCell("", l) + soupCell("colspan=3", n(i+5)) + "</tr>\n")
		}
	}
	sb.WriteString("</table>\n<p><b>三、收到和处理政府信息公开申请情况</b></p>\n<table border=1>\n<tr>")
	sb.WriteString(soupCell("colspan=3 rowspan=3", "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"))
	sb.WriteString(soupCell("colspan=7", "申请人情况") + "</tr>\n<tr>")
	sb.WriteString(soupCell("rowspan=2", "自然人") + soupCell("colspan=5", "法人或其他组织") + soupCell("rowspan=2", "总计") + "</tr>\n<tr>")
	for _, l := range []string{"商业<br>企业", "科研<br>机构", "社会公益组织", "法律服务机构", "其他"} {
		sb.WriteString(soupCell("", l))
	}
	sb.WriteString("</tr>\n")
	for i, l := range table3Rows {
		sb.WriteString("<tr>" + soupCell("colspan=3", l))
		for j := range 7 {
			sb.WriteString(soupCell("", n(i*7+j)))
		}
		sb.WriteString("</tr>\n")
	}
	sb.WriteString("</table>\n<p><b>四、政府信息公开行政复议、行政诉讼情况</b></p>\n<table border=1>\n<tr>")
	sb.WriteString(soupCell("colspan=5", "行政复议") + soupCell("colspan=10", "行政诉讼") + "</tr>\n<tr>")
	for _, l := range []string{"结果<br>维持", "结果<br>纠正", "其他<br>结果", "尚未<br>审结", "总计"} {
		sb.WriteString(soupCell("rowspan=2", l))
	}
	sb.WriteString(soupCell("colspan=5", "未经复议直接起诉") + soupCell("colspan=5", "复议后起诉") + "</tr>\n<tr>")
	for range 2 {
		for _, l := range []string{"结果<br>维持", "结果<br>纠正", "其他<br>结果", "尚未<br>审结", "总计"} {
			sb.WriteString(soupCell("", l))
		}
	}
	sb.WriteString("</tr>\n<tr>")
	for j := range 15 {
		sb.WriteString(soupCell("", n(j)))
	}
	sb.WriteString("</tr>\n</table>\n<p><b>五、存在的主要问题及改进情况</b></p>\n<p>公开内容的针对性有待加强。</p>\n")
	return sb.String()
}

func reportPage(bodies int) string {
	var sb strings.Builder
	sb.WriteString("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>2023年政府信息公开工作年度报告</title>" +
		"<script>var x = '<table>';</script><style>td{border:1px}</style></head><body>\n")
	for i := range bodies {
		sb.WriteString(reportBody(i))
	}
	sb.WriteString("</body></html>")
	return sb.String()
}
