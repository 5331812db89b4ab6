package charts

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/gkbench/gkbench/pipeline/metrics"
	"github.com/gkbench/gkbench/pipeline/registry"
	"github.com/gkbench/gkbench/pipeline/template"
)

// DefaultLevel is the issuer level the site compares: the district governments (区人民政府), the unit the
// oversight bodies compare across districts.
const DefaultLevel = "district_government"

// entity is one issuer as the analysis groups it (entity_key).
type entity struct {
	Key, Name, Jurisdiction, Level, Parent string
	Label                                  string // short Chinese label for charts (东城区)
	Color                                  string
	Page                                   string // file name of its page; "" when it has none
	order                                  string // sort key
	Reports                                []metrics.QualityReport
}

// metricInfo is one metric as the site shows it: the dictionary entry when there is one, else what the
// exports say.
type metricInfo struct {
	Key, Name, Category, Description, Unit, Direction string
	Def                                               *metrics.Metric
	Page                                              string
	SortOrder                                         int
}

// ey keys a value by entity, metric and year.
type ey struct {
	entity, metric string
	year           int
}

type peerKey struct {
	year                  int
	metric, level, parent string
}

// model indexes the data for the pages.
type model struct {
	d        *Data
	level    string // level compared on metric pages
	entities map[string]*entity
	compared []*entity // entities of the compared level, in display order
	others   []*entity
	years    []int
	metrics  []*metricInfo
	byKey    map[string]*metricInfo
	values   map[ey]*metrics.Value
	ranks    map[ey]*metrics.Ranking
	trends   map[ey]*metrics.Trend
	peers    map[peerKey]*metrics.PeerStat
	versions map[int]map[string]bool // template versions of the compared entities' primary reports, by year
	parents  []string                // parents of the compared entities
	// mainParent is the parent most compared entities share: peer statistics (medians, pooled values) are
	// those of its group, and entities under another parent are labelled with theirs.
	mainParent string
	sample     bool
	// Rows by report id, for the source pages.
	valuesOf  map[string][]*metrics.Value
	sourcesOf map[string][]*metrics.Source
	factsOf   map[string][]*metrics.ReportFact
	editsOf   map[string][]*metrics.EditedFigure
}

// divisionOrder gives Beijing's districts their GB/T 2260 codes (东城 110101, 西城 110102, …): official
// tables list districts in this order, and a district's place in it fixes its colour. Other names sort
// after them by name.
var divisionOrder, divisionSlot = func() (map[string]string, map[string]int) {
	codes, slots := map[string]string{}, map[string]int{}
	reg, err := registry.LoadBeijing()
	if err != nil {
		return codes, slots // the shipped registry is tested in its package; without it names sort by name
	}
	for _, s := range reg.Sources {
		if s.Level == registry.District && s.DivisionCode != "" {
			codes[s.Jurisdiction] = s.DivisionCode
		}
	}
	var sorted []string
	for _, c := range codes {
		sorted = append(sorted, c)
	}
	slices.Sort(sorted)
	for j, c := range codes {
		slots[j] = slices.Index(sorted, c)
	}
	return codes, slots
}()

// finite returns p when it points at a finite number, else nil: a NaN or an infinity from a file would
// otherwise break the JSON of the charts.
func finite(p *float64) *float64 {
	if p == nil || math.IsNaN(*p) || math.IsInf(*p, 0) {
		return nil
	}
	return p
}

// cleaned returns a copy of d whose numbers are all finite (non-finite values become NULL; a ranking row
// without a finite value is dropped, as the analysis ranks only values).
func cleaned(d *Data) *Data {
	c := *d
	c.Values = slices.Clone(d.Values)
	for i := range c.Values {
		v := &c.Values[i]
		v.Numerator, v.Denominator, v.Value = finite(v.Numerator), finite(v.Denominator), finite(v.Value)
	}
	c.Rankings = nil
	for _, r := range d.Rankings {
		if finite(&r.Value) == nil {
			continue
		}
		r.Numerator, r.Denominator, r.Percentile = finite(r.Numerator), finite(r.Denominator), finite(r.Percentile)
		c.Rankings = append(c.Rankings, r)
	}
	c.PeerStats = slices.Clone(d.PeerStats)
	for i := range c.PeerStats {
		p := &c.PeerStats[i]
		p.Min, p.P25, p.P50, p.P75, p.Max = finite(p.Min), finite(p.P25), finite(p.P50), finite(p.P75), finite(p.Max)
		p.SumNumerator, p.SumDenominator, p.Pooled = finite(p.SumNumerator), finite(p.SumDenominator), finite(p.Pooled)
	}
	c.Trends = slices.Clone(d.Trends)
	for i := range c.Trends {
		t := &c.Trends[i]
		t.Value, t.PrevValue, t.Change, t.Ratio = finite(t.Value), finite(t.PrevValue), finite(t.Change), finite(t.Ratio)
	}
	return &c
}

func newModel(d *Data, opt Options) *model {
	d = cleaned(d)
	m := &model{d: d, entities: map[string]*entity{}, byKey: map[string]*metricInfo{},
		values: map[ey]*metrics.Value{}, ranks: map[ey]*metrics.Ranking{}, trends: map[ey]*metrics.Trend{},
		peers: map[peerKey]*metrics.PeerStat{}, versions: map[int]map[string]bool{}}
	yearSet := map[int]bool{}
	add := func(key, name, jurisdiction, level, parent string) *entity {
		if key == "" {
			return nil
		}
		e := m.entities[key]
		if e == nil {
			e = &entity{Key: key}
			m.entities[key] = e
		}
		// Fill what earlier rows left empty (missing-report rows carry no jurisdiction).
		e.Name = cmp.Or(e.Name, name)
		e.Jurisdiction = cmp.Or(e.Jurisdiction, jurisdiction)
		e.Level = cmp.Or(e.Level, level)
		e.Parent = cmp.Or(e.Parent, parent)
		if isSampleName(name) {
			m.sample = true
		}
		return e
	}
	for i := range d.Values {
		v := &d.Values[i]
		add(v.EntityKey, v.EntityName, v.Jurisdiction, v.Level, v.Parent)
		if v.IsPrimary && v.Year != nil && v.EntityKey != "" {
			m.values[ey{v.EntityKey, v.MetricKey, *v.Year}] = v
			yearSet[*v.Year] = true
		}
		if isSampleName(v.Issuer) {
			m.sample = true
		}
	}
	for i := range d.Reports {
		r := d.Reports[i]
		if e := add(r.EntityKey, r.EntityName, r.Jurisdiction, r.Level, ""); e != nil {
			e.Reports = append(e.Reports, r)
		}
		if r.Year != nil && r.IsPrimary {
			yearSet[*r.Year] = true
		}
		if isSampleName(r.Issuer) {
			m.sample = true
		}
	}
	for _, r := range d.Missing {
		add(r.EntityKey, r.EntityName, "", r.Level, r.Parent)
		yearSet[r.Year] = true
	}
	for i := range d.Rankings {
		r := &d.Rankings[i]
		add(r.EntityKey, r.EntityName, r.Jurisdiction, r.Level, r.Parent)
		m.ranks[ey{r.EntityKey, r.MetricKey, r.Year}] = r
	}
	for i := range d.Trends {
		t := &d.Trends[i]
		m.trends[ey{t.EntityKey, t.MetricKey, t.Year}] = t
	}
	for i := range d.PeerStats {
		p := &d.PeerStats[i]
		m.peers[peerKey{p.Year, p.MetricKey, p.Level, p.Parent}] = p
	}
	for y := range yearSet {
		m.years = append(m.years, y)
	}
	slices.Sort(m.years)
	m.level = m.chooseLevel(opt.Level)
	m.placeEntities()
	for _, e := range m.compared {
		for _, r := range e.Reports {
			if r.IsPrimary && r.Year != nil && r.TemplateVersion != "" {
				if m.versions[*r.Year] == nil {
					m.versions[*r.Year] = map[string]bool{}
				}
				m.versions[*r.Year][r.TemplateVersion] = true
			}
		}
	}
	m.placeMetrics()
	m.indexReports()
	return m
}

// chooseLevel is the wanted level when any entity has it, else the level with the most ranked entities (a
// warehouse of departments only still gets a comparison).
func (m *model) chooseLevel(want string) string {
	want = cmp.Or(want, DefaultLevel)
	count := map[string]int{}
	for _, e := range m.entities {
		if e.Level == want {
			return want
		}
		if e.Level != "" && e.Level != "unknown" {
			count[e.Level]++
		}
	}
	best, n := want, 0
	for l, c := range count {
		if c > n || (c == n && l < best) {
			best, n = l, c
		}
	}
	return best
}

func (m *model) placeEntities() {
	var keys []string
	jurCount := map[string]int{}
	for _, e := range m.entities {
		if e.Level == m.level {
			keys = append(keys, e.Key)
			jurCount[e.Jurisdiction]++
		}
	}
	fixed := map[string]int{}
	for _, e := range m.entities {
		if slot, ok := divisionSlot[e.Jurisdiction]; ok && e.Level == DefaultLevel && jurCount[e.Jurisdiction] == 1 {
			fixed[e.Key] = slot
		}
	}
	colors := assignColors(keys, fixed)
	parents := map[string]int{}
	for _, e := range m.entities {
		if e.Level == m.level {
			parents[e.Parent]++
		}
	}
	for p, n := range parents {
		if n > parents[m.mainParent] || (n == parents[m.mainParent] && p < m.mainParent) {
			m.mainParent = p
		}
	}
	for _, e := range m.entities {
		slices.SortFunc(e.Reports, func(a, b metrics.QualityReport) int {
			return cmp.Or(cmp.Compare(deref(a.Year), deref(b.Year)), cmp.Compare(a.ReportID, b.ReportID))
		})
		e.Label = cmp.Or(e.Name, e.Key)
		e.Name = e.Label
		if e.Level == m.level {
			if e.Level == DefaultLevel && e.Jurisdiction != "" {
				e.Label = e.Jurisdiction
				if jurCount[e.Jurisdiction] > 1 {
					e.Label = e.Parent + e.Jurisdiction
				}
			}
			if e.Parent != m.mainParent && e.Parent != "" && !strings.HasPrefix(e.Label, e.Parent) {
				e.Label = e.Parent + "·" + e.Label
			}
			e.Color = colors[e.Key]
			e.Page = entityPage(e.Key)
			code := divisionOrder[e.Jurisdiction]
			if code == "" {
				code = "999999"
			}
			group := "1" + e.Parent // the main peer group first
			if e.Parent == m.mainParent {
				group = "0"
			}
			e.order = group + "\x00" + code + "\x00" + e.Label
			m.compared = append(m.compared, e)
		} else {
			e.order = e.Level + "\x00" + e.Name
			m.others = append(m.others, e)
		}
	}
	byOrder := func(a, b *entity) int {
		return cmp.Or(strings.Compare(a.order, b.order), strings.Compare(a.Key, b.Key))
	}
	slices.SortFunc(m.compared, byOrder)
	slices.SortFunc(m.others, byOrder)
	for p := range parents {
		m.parents = append(m.parents, p)
	}
	slices.Sort(m.parents)
}

func (m *model) placeMetrics() {
	for _, def := range metrics.All() {
		def := def
		mi := &metricInfo{Key: def.Key, Name: def.Name, Category: def.Category, Description: def.Description,
			Unit: def.Unit, Direction: string(def.Direction), Def: &def, Page: metricPage(def.Key)}
		m.metrics = append(m.metrics, mi)
		m.byKey[mi.Key] = mi
	}
	// Metrics of the exports that this build's dictionary lacks (an older or newer analysis) still get pages.
	var extra []*metricInfo
	for i := range m.d.Values {
		v := &m.d.Values[i]
		if v.MetricKey == "" || m.byKey[v.MetricKey] != nil {
			continue
		}
		mi := &metricInfo{Key: v.MetricKey, Name: cmp.Or(v.Name, v.MetricKey), Category: cmp.Or(v.Category, "其他"),
			Unit: v.Unit, Direction: v.Direction, Page: metricPage(v.MetricKey), SortOrder: v.SortOrder}
		m.byKey[mi.Key] = mi
		extra = append(extra, mi)
	}
	slices.SortFunc(extra, func(a, b *metricInfo) int {
		return cmp.Or(cmp.Compare(a.SortOrder, b.SortOrder), strings.Compare(a.Key, b.Key))
	})
	m.metrics = append(m.metrics, extra...)
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// metricYears are the years in which some compared entity has a value of the metric.
func (m *model) metricYears(mi *metricInfo) []int {
	var out []int
	for _, y := range m.years {
		for _, e := range m.compared {
			if v := m.values[ey{e.Key, mi.Key, y}]; v != nil && v.Value != nil {
				out = append(out, y)
				break
			}
		}
	}
	return out
}

// defaultYear is the latest year in which at least two compared entities have a value (a ranking of one is
// no comparison), else the latest year with any.
func (m *model) defaultYear(mi *metricInfo, years []int) int {
	for i := len(years) - 1; i >= 0; i-- {
		n := 0
		for _, e := range m.compared {
			if v := m.values[ey{e.Key, mi.Key, years[i]}]; v != nil && v.Value != nil {
				n++
			}
		}
		if n >= 2 {
			return years[i]
		}
	}
	if len(years) > 0 {
		return years[len(years)-1]
	}
	return 0
}

// peerGroup is one peer group's ranking of a metric in a year: the compared entities of one parent, in
// the analysis' order (rankings.position). Nobody from another group is ever drawn in it.
type peerGroup struct {
	Parent string
	Main   bool // the group of the site's main parent
	Rows   []*metrics.Ranking
	Stat   *metrics.PeerStat
}

// peerGroups returns the peer groups of the compared level for a metric and year, the main group first,
// then the others by parent; groups of a single entity are no ranking and come back as others (shown as
// "其他地区(不参与排名)").
func (m *model) peerGroups(key string, year int) (groups []peerGroup, others []*metrics.Ranking) {
	byParent := map[string][]*metrics.Ranking{}
	for _, e := range m.compared {
		if r := m.ranks[ey{e.Key, key, year}]; r != nil && r.Level == m.level {
			byParent[r.Parent] = append(byParent[r.Parent], r)
		}
	}
	var parents []string
	for p := range byParent {
		parents = append(parents, p)
	}
	slices.SortFunc(parents, func(a, b string) int {
		return cmp.Or(cmpBool(a != m.mainParent, b != m.mainParent), strings.Compare(a, b))
	})
	for _, p := range parents {
		rows := byParent[p]
		slices.SortFunc(rows, func(a, b *metrics.Ranking) int {
			return cmp.Or(cmp.Compare(a.Position, b.Position), strings.Compare(a.EntityKey, b.EntityKey))
		})
		if len(rows) < 2 {
			others = append(others, rows...)
			continue
		}
		groups = append(groups, peerGroup{Parent: p, Main: p == m.mainParent, Rows: rows,
			Stat: m.peers[peerKey{year, key, m.level, p}]})
	}
	return groups, others
}

// groupLabel names a peer group: "示例市 各区(16 个)".
func (m *model) groupLabel(g peerGroup) string {
	what := "各区"
	if m.level != DefaultLevel {
		what = levelZH(m.level)
	}
	if g.Parent == "" {
		return fmt.Sprintf("%s(%d 个)", what, len(g.Rows))
	}
	return fmt.Sprintf("%s %s(%d 个)", g.Parent, what, len(g.Rows))
}

// yearVersions describes the template versions used by the compared entities in a year.
func (m *model) yearVersions(y int) []string {
	var out []string
	for v := range m.versions[y] {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// yearLabel labels a year with its template version(s), e.g. "2020 年(2019 试行版)".
func (m *model) yearLabel(y int) string {
	vs := m.yearVersions(y)
	if len(vs) == 0 {
		return itoa(y) + " 年"
	}
	names := make([]string, len(vs))
	for i, v := range vs {
		names[i] = versionZH(v)
	}
	return itoa(y) + " 年(" + strings.Join(names, "、") + ")"
}

// versionSpans returns runs of consecutive years whose compared reports all use version v.
func (m *model) versionSpans(v string) [][2]int {
	var out [][2]int
	start := -1
	prev := 0
	for _, y := range m.years {
		vs := m.versions[y]
		if vs[v] && len(vs) == 1 {
			if start < 0 {
				start = y
			}
			prev = y
			continue
		}
		if start >= 0 {
			out = append(out, [2]int{start, prev})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, prev})
	}
	return out
}

// comparableAcrossVersions reports whether a metric reads the same cells in both template versions, and if
// not, why not (for the notes on metric pages and the method page).
func comparableAcrossVersions(def *metrics.Metric) (bool, string) {
	if def == nil {
		return true, ""
	}
	if len(def.Versions) == 1 {
		return false, "仅适用于" + versionZH(string(def.Versions[0])) + "模板的报告,与另一版本不可比。"
	}
	n19, d19, _ := def.SQL(template.V2019)
	n21, d21, _ := def.SQL(template.V2021)
	if n19 != n21 || d19 != d21 {
		return false, "2019 试行版与 2021 版模板所含单元格不同(见下方公式),跨版本比较时口径不完全一致。"
	}
	return true, ""
}

func itoa(y int) string { return strconv.Itoa(y) }
