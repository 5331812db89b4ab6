package synth

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gkbench/gkbench/pipeline/template"
)

// blockKind says what a page block is; HTML and Text each print every kind their own way.
type blockKind int

const (
	bCrumb   blockKind = iota // breadcrumb, items separated by ">>"
	bTitle                    // the report title heading
	bInfo                     // 日期, 来源, 分享, 字号
	bPara                     // a prose paragraph
	bHeading                  // a section heading 一、…六、
	bSub                      // a sub-heading inside a section
	bTable                    // a report table
	bImage                    // an image standing for a table
	bFooter                   // site footer lines
	bPopup                    // the leave-site popup lines
)

type block struct {
	kind  blockKind
	lines []string
	grid  *grid
	src   string // bImage
	body  bool   // part of the report body (NestedTables wraps these)
}

type page struct {
	title  string // <title>
	portal string
	blocks []block
}

// portalName is the site's name as its pages print it (“北京市丰台区人民政府”).
func portalName(jurisdiction string) string {
	if strings.HasSuffix(jurisdiction, "政府") || jurisdiction == "" {
		return jurisdiction
	}
	return jurisdiction + "人民政府"
}

// ReportTitle is the title heading a page prints for r in style s.
func ReportTitle(r *Report, s Style) string {
	if r.Title != "" {
		return r.Title
	}
	if s.TitleYearFirst {
		return fmt.Sprintf("%d年%s政府信息公开工作年度报告", r.Year, r.Issuer)
	}
	return fmt.Sprintf("%s%d年政府信息公开工作年度报告", r.Issuer, r.Year)
}

func pick(g *rng, options ...string) string { return options[g.intn(len(options))] }

// buildPage assembles a report's page in style s: chrome, prose and table grids, in reading order.
func buildPage(r *Report, s Style) *page {
	tp := template.MustGet(r.Version)
	p := r.Printed(s)
	g := newRNG(r.Seed, "page")
	pg := &page{portal: portalName(r.Jurisdiction)}
	title := ReportTitle(r, s)
	pg.title = title + "_" + pg.portal
	popup := block{kind: bPopup, lines: []string{"您访问的链接即将离开“" + pg.portal + "”门户网站", "是否继续？"}}
	footer := block{kind: bFooter, lines: []string{
		"主办：" + pg.portal + "办公室",
		fmt.Sprintf("网站标识码：%010d", g.next()%1e10),
		fmt.Sprintf("ICP备%08d号", g.next()%1e8),
	}}

	tables := func(sec int, key string) []block {
		if key == s.OmitTable {
			return nil
		}
		if s.TablesAsImages {
			return []block{{kind: bImage, body: true, src: fmt.Sprintf("/images/%d/%08x_%d.png", r.Year, uint32(r.Seed), sec)}}
		}
		var gs []*grid
		switch key {
		case template.Active:
			gs = []*grid{activeGrid(tp, p, s)}
		case template.Applications:
			gs = applicationsGrids(tp, p, s)
		case template.ReviewLitigation:
			gs = []*grid{reviewGrid(tp, p, s)}
		}
		var out []block
		for _, gr := range gs {
			out = append(out, block{kind: bTable, grid: gr, body: true})
		}
		return out
	}

	if s.NoTitle {
		pg.title = pg.portal
		pg.blocks = append(pg.blocks, popup)
		for _, sec := range template.SectionHeadings {
			if sec.Table != "" {
				pg.blocks = append(pg.blocks, tables(sec.Number, sec.Table)...)
			}
		}
		pg.blocks = append(pg.blocks, footer)
	} else {
		pg.blocks = append(pg.blocks,
			block{kind: bCrumb, lines: []string{"首页", "政府信息公开", "政府信息公开年报"}},
			block{kind: bTitle, lines: []string{title}},
			block{kind: bInfo, lines: []string{"日期：" + r.Date, "来源：" + r.Issuer, "分享：", "字号：大 中 小"}},
		)
		intro := para(fmt.Sprintf("本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）第五十条编制，"+
			"内容包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"+
			"存在的主要问题及改进情况、其他需要报告的事项。本报告所列数据的统计期限为%d年1月1日至%d年12月31日。", r.Year, r.Year))
		if s.NoProse {
			intro = para("(本页按原报告的表格数据重新排版,正文从略。)")
		}
		pg.blocks = append(pg.blocks, intro)
		for _, sec := range template.SectionHeadings {
			pg.blocks = append(pg.blocks, block{kind: bHeading, body: true, lines: []string{template.Numeral(sec.Number) + "、" + sec.Heading}})
			switch {
			case sec.Table != "":
				pg.blocks = append(pg.blocks, tables(sec.Number, sec.Table)...)
			case s.NoProse:
			case sec.Number == 1:
				pg.blocks = append(pg.blocks, overview(r, g)...)
			case sec.Number == 5:
				pg.blocks = append(pg.blocks, problems(g)...)
			default:
				pg.blocks = append(pg.blocks, otherMatters(r, g)...)
			}
		}
		pg.blocks = append(pg.blocks, footer, popup)
	}
	if s.Traditional {
		pg.title = traditional(pg.title)
		for i := range pg.blocks {
			b := &pg.blocks[i]
			for j := range b.lines {
				b.lines[j] = traditional(b.lines[j])
			}
			if b.grid != nil {
				for _, row := range b.grid.rows {
					for k := range row {
						if !row[k].value {
							for j := range row[k].lines {
								row[k].lines[j] = traditional(row[k].lines[j])
							}
						}
					}
				}
			}
		}
	}
	return pg
}

func para(s string) block { return block{kind: bPara, body: true, lines: []string{s}} }
func sub(s string) block  { return block{kind: bSub, body: true, lines: []string{s}} }

// total reads a table-3 总计 figure from the generated (unprinted) report for the prose.
func total(r *Report, row string) (int, bool) {
	n, ok := r.Number(template.Cell{Table: template.Applications, Row: row, Col: colTotal})
	return int(n), ok
}

func overview(r *Report, g *rng) []block {
	sh := applicationsShape(template.MustGet(r.Version))
	out := []block{para(pick(g,
		fmt.Sprintf("%d年，%s认真贯彻落实《中华人民共和国政府信息公开条例》，围绕年度政务公开重点任务，持续规范政府信息公开工作，不断提升公开质量和实效。", r.Year, r.Issuer),
		fmt.Sprintf("%d年，本机关坚持以公开为常态、不公开为例外，认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政府信息公开各项工作。", r.Year),
		fmt.Sprintf("本年度，%s按照《中华人民共和国政府信息公开条例》要求，健全工作机制，加强统筹协调，政府信息公开工作平稳有序开展。", r.Issuer),
	))}
	out = append(out, sub("（一）主动公开"), para(fmt.Sprintf(pick(g,
		"本年度通过门户网站主动公开各类政府信息%d条，及时发布政策文件、工作动态和通知公告，重要政策同步发布解读材料。",
		"全年在政府信息公开专栏发布信息%d条，围绕群众关注的重点领域做好信息发布，做到应公开尽公开。",
	), int(g.logUniform(80, 9000)))))
	out = append(out, sub("（二）依申请公开"))
	nw, ok1 := total(r, sh.newKey)
	in, ok2 := total(r, sh.inKey)
	if ok1 && ok2 {
		out = append(out, para(fmt.Sprintf("本年度共收到政府信息公开申请%d件，上年结转%d件，均依法依规在法定期限内作出答复。", nw, in)))
	} else {
		out = append(out, para("规范依申请公开的受理、审查、答复各环节，确保申请在法定期限内得到答复。"))
	}
	out = append(out,
		sub("（三）政府信息管理"), para(pick(g,
			"落实公开前保密审查和发布审核制度，对拟公开的信息逐条审核，定期清理已公开信息。",
			"完善政府信息发布流程，明确公开属性认定和审核责任，做好政策文件的动态更新。",
		)),
		sub("（四）政府信息公开平台建设"), para(pick(g,
			"加强政府网站信息公开专栏维护，优化栏目设置，提升信息检索和浏览体验。",
			"依托门户网站、政务新媒体等渠道发布信息，保障平台稳定运行，方便公众查阅。",
		)),
		sub("（五）监督保障"), para(fmt.Sprintf(pick(g,
			"将政府信息公开工作纳入年度绩效考核，全年组织业务培训%d次，提升工作人员业务水平。",
			"建立日常检查机制，全年开展专项检查和业务培训共%d次，及时整改发现的问题。",
		), g.between(1, 12))),
	)
	return out
}

func problems(g *rng) []block {
	return []block{
		sub("（一）存在的主要问题"),
		para(pick(g,
			"一是部分栏目信息更新不够及时；二是政策解读形式还不够丰富，解读的针对性有待加强。",
			"一是信息公开的规范化程度有待提高；二是依申请公开答复的说理还需进一步细化。",
		)),
		sub("（二）改进情况"),
		para(pick(g,
			"下一步，将加强信息发布审核和栏目日常维护，丰富解读形式，进一步提升政府信息公开质量。",
			"下一步，将完善工作制度，加强业务培训，持续做好依申请公开答复工作，切实保障公众知情权。",
		)),
	}
}

func otherMatters(r *Report, g *rng) []block {
	fee := "本年度未发出收费通知，未收取信息处理费。"
	if r.FeeNotices > 0 {
		fee = "本年度依据《政府信息公开信息处理费管理办法》发出收费通知" + strconv.Itoa(r.FeeNotices) +
			"件，收取信息处理费共计" + strconv.Itoa(r.FeeYuan) + "元。"
	}
	return []block{para(fee), para(pick(g, "本年度无其他需要报告的事项。", "无其他需要报告的事项。"))}
}
