package synth

import (
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/gkbench/gkbench/pipeline/template"
)

// Report is one synthetic report: metadata, the figures as printed, and the few facts the prose states.
type Report struct {
	Issuer, Jurisdiction string
	Year                 int
	Version              template.Version
	// Cells holds every printed figure, keyed by template cell. A cell absent from the map prints empty.
	Cells map[template.Cell]Value
	// Title overrides the generated title when set.
	Title string
	// Date is the publication date the page chrome shows ("2024-01-31").
	Date string
	// FeeNotices and FeeYuan are what section 六 states: fee notices sent and the amount charged, in yuan.
	FeeNotices, FeeYuan int
	// Seed drives the choice of prose and chrome details.
	Seed int64
	// Extra are printed rows the template does not know (see UnknownRows), in print order.
	Extra []ExtraRow
}

// Value is one printed cell.
type Value struct {
	Raw string // exactly what is printed in the cell
}

// ExtraRow is a printed row without a template key.
type ExtraRow struct {
	Table  string           // table key
	Parent string           // key of the template row it is printed under
	Label  string           // its label as printed (Simplified)
	Cells  map[string]Value // by column key
}

// Column and row keys whose meaning the generator needs (all defined by the template).
const (
	colTotal     = "total"
	colSubtotal  = "org_subtotal"
	colNatural   = "natural_person"
	rowOtherSvc  = "other_services"
	rowProcure   = "procurement"
	rowNotHeld   = "unable_not_held"
	rowNoFee     = "other_no_fee"
	rowGranted   = "granted"
	rowPartly    = "partly_granted"
	rowOtherOnly = "other"
	rowOtherElse = "other_other"
	rowNoCorrect = "other_no_correction"
)

// rng is splitmix64: tiny, and its sequence never changes between Go releases, so fixtures stay stable.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) intn(n int) int {
	if n <= 0 {
		return 0
	}
	return int(r.next() % uint64(n))
}

// between returns an int in [lo, hi].
func (r *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.intn(hi-lo+1)
}

func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

func (r *rng) uniform(lo, hi float64) float64 { return lo + (hi-lo)*r.float() }

// logUniform spreads magnitudes evenly over decades, as report figures are.
func (r *rng) logUniform(lo, hi float64) float64 {
	return math.Exp(r.uniform(math.Log(lo), math.Log(hi)))
}

func (r *rng) chance(p float64) bool { return r.float() < p }

func newRNG(seed int64, parts ...string) *rng {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	r := &rng{s: uint64(seed) ^ h.Sum64()}
	r.next()
	return r
}

// split divides total into len(weights) non-negative integers proportional to weights (largest remainder;
// ties go to the earlier index, so the result is deterministic).
func split(total int, weights []float64) []int {
	out := make([]int, len(weights))
	var sum float64
	for _, w := range weights {
		sum += w
	}
	if total <= 0 || sum <= 0 {
		return out
	}
	rem := make([]float64, len(weights))
	given := 0
	for i, w := range weights {
		exact := float64(total) * w / sum
		out[i] = int(exact)
		rem[i] = exact - float64(out[i])
		given += out[i]
	}
	for ; given < total; given++ {
		best := 0
		for i := range rem {
			if rem[i] > rem[best] {
				best = i
			}
		}
		out[best]++
		rem[best] = -1
	}
	return out
}

// Generate produces a plausible report whose figures satisfy every identity of the version's template.
// scale multiplies the magnitude of counts (≤ 0 means 1). Figures are printed as plain ASCII digits; fees
// and procurement amounts are decimals in 万元 with up to four places.
func Generate(seed int64, issuer, jurisdiction string, year int, v template.Version, scale float64) *Report {
	return generate(seed, issuer, jurisdiction, year, v, scale, nil)
}

// GenerateSeries produces one report a year from..to (inclusive) for one issuer, each in the version
// template.ForYear gives, with every year's 上年结转 equal to the previous year's 结转下年度 (the cross-year
// identity holds).
func GenerateSeries(seed int64, issuer, jurisdiction string, from, to int, scale float64) []*Report {
	var out []*Report
	var prev *Report
	for y := from; y <= to; y++ {
		r := generate(seed, issuer, jurisdiction, y, template.ForYear(y), scale, prev)
		out = append(out, r)
		prev = r
	}
	return out
}

func generate(seed int64, issuer, jurisdiction string, year int, v template.Version, scale float64, prev *Report) *Report {
	if scale <= 0 {
		scale = 1
	}
	tp := template.MustGet(v)
	g := newRNG(seed, issuer, jurisdiction, strconv.Itoa(year), string(v))
	r := &Report{
		Issuer: issuer, Jurisdiction: jurisdiction, Year: year, Version: v,
		Cells: map[template.Cell]Value{},
		Date:  fmt.Sprintf("%d-%02d-%02d", year+1, g.between(1, 3), g.between(5, 28)),
		Seed:  int64(g.next() >> 1),
	}
	genActive(r, tp.Table(template.Active), g, scale)
	genApplications(r, tp, g, scale, prev)
	genReview(r, tp.Table(template.ReviewLitigation), g, scale)
	genFees(r, g)
	return r
}

func (r *Report) setInt(table, row, col string, n int) {
	r.Cells[template.Cell{Table: table, Row: row, Col: col}] = Value{Raw: strconv.Itoa(n)}
}

// formatMoney prints an amount given in ten-thousandths of 万元 with up to four decimals.
func formatMoney(units int64) string {
	whole, frac := units/10000, units%10000
	if frac == 0 {
		return strconv.FormatInt(whole, 10)
	}
	return strings.TrimRight(fmt.Sprintf("%d.%04d", whole, frac), "0")
}

func randMoney(g *rng, lo, hi float64) string {
	return formatMoney(int64(g.logUniform(lo, hi) * 10000))
}

func genActive(r *Report, tb *template.Table, g *rng, scale float64) {
	count := func(lo, hi float64) int { return int(g.logUniform(lo, hi) * scale) }
	for i := range tb.Rows {
		row := &tb.Rows[i]
		vals := map[string]int{}
		money := ""
		switch row.Key {
		case "rules": // districts rarely make 规章: mostly zero
			if !g.chance(0.85) {
				vals["issued"], vals["made"] = g.between(0, 2), g.between(0, 2)
				vals["published"] = vals["made"]
				vals["repealed"] = g.between(0, 1)
				vals["in_force"], vals["public_total"] = g.between(1, 12), g.between(1, 12)
			}
		case "normative_docs":
			made := int(g.uniform(0, 30) * math.Sqrt(scale))
			vals["issued"], vals["made"], vals["published"] = made, made, made
			vals["repealed"] = g.between(0, made/2+5)
			vals["in_force"] = int(g.uniform(20, 300) * math.Sqrt(scale))
			vals["public_total"] = vals["in_force"]
		case "fees":
			vals["prev_items"], vals["change"] = g.between(0, 20), g.between(-3, 3)
			if g.chance(0.8) {
				money = randMoney(g, 0.5, 10000*scale)
			} else {
				money = "0"
			}
		case rowProcure:
			vals["items"] = int(g.uniform(0, 60) * scale)
			money = randMoney(g, 1, 50000*scale)
		default: // 许可, 其他对外管理服务事项, 处罚, 强制: decisions in the tens to tens of thousands
			vals["prev_items"], vals["change"] = g.between(5, 500), g.between(-10, 10)
			vals["decisions"] = count(10, 50000)
			if row.Key == "coercion" {
				vals["decisions"] = count(1, 300)
			}
		}
		for _, c := range tb.RowCols(row) {
			if c.Money {
				r.Cells[template.Cell{Table: tb.Key, Row: row.Key, Col: c.Key}] = Value{Raw: money}
				continue
			}
			r.setInt(tb.Key, row.Key, c.Key, vals[c.Key])
		}
	}
}

// resultWeight is the share of processed applications a result row gets before jitter: 不掌握 dominates,
// as in real reports.
func resultWeight(row *template.Row) float64 {
	switch row.Key {
	case rowNotHeld:
		return 0.38
	case rowGranted:
		return 0.22
	case rowPartly:
		return 0.05
	case rowOtherElse:
		return 0.08
	case rowOtherOnly:
		return 0.14
	case rowNoCorrect:
		return 0.05
	case rowNoFee:
		return 0.01
	}
	switch {
	case strings.HasPrefix(row.Key, "unable_"):
		return 0.02
	case strings.HasPrefix(row.Key, "rejected_"):
		return 0.015
	}
	return 0.006 // 不予公开 items
}

// identity returns the template's identity of a table and scope whose left side has n keys and whose
// right side holds key (any, when key is empty).
func identity(tp *template.Template, table string, scope template.Scope, n int, key string) template.Identity {
	for _, id := range tp.Identities() {
		if id.Table != table || id.Scope != scope || len(id.Left) != n {
			continue
		}
		for _, k := range id.Right {
			if key == "" || k == key {
				return id
			}
		}
	}
	panic("synth: template lacks identity for " + table)
}

func genApplications(r *Report, tp *template.Template, g *rng, scale float64, prev *Report) {
	tb := tp.Table(template.Applications)
	balance := identity(tp, tb.Key, template.ScopeColumn, 2, "")     // 一 + 二 = 总计 + 四
	results := identity(tp, tb.Key, template.ScopeColumn, 1, "")     // 总计 = Σ results
	rowSum := identity(tp, tb.Key, template.ScopeRow, 1, colNatural) // 总计 = Σ applicant columns
	newKey, inKey := balance.Left[0], balance.Left[1]
	doneKey, outKey := balance.Right[0], balance.Right[1]
	parts := rowSum.Right

	total := int(g.logUniform(20, 3000) * scale)
	shares := []float64{g.uniform(0.85, 0.97)}
	orgW := []float64{0.5, 0.03, 0.05, 0.2, 0.22}
	var orgSum float64
	for i := range orgW {
		orgW[i] *= g.uniform(0.3, 1.7)
		orgSum += orgW[i]
	}
	for _, w := range orgW {
		shares = append(shares, (1-shares[0])*w/orgSum)
	}
	newBy := split(total, shares)

	var rowW []float64
	for _, k := range results.Right {
		rowW = append(rowW, resultWeight(tb.Row(k))*g.uniform(0.5, 1.5))
	}
	sums := map[string]int{}
	for i, col := range parts {
		in := int(float64(newBy[i]) * g.uniform(0.02, 0.1))
		if prev != nil {
			if n, ok := prev.Number(template.Cell{Table: tb.Key, Row: outKey, Col: col}); ok {
				in = int(n)
			}
		}
		out := int(float64(newBy[i]+in) * g.uniform(0.02, 0.08))
		done := newBy[i] + in - out
		r.setInt(tb.Key, newKey, col, newBy[i])
		r.setInt(tb.Key, inKey, col, in)
		r.setInt(tb.Key, outKey, col, out)
		r.setInt(tb.Key, doneKey, col, done)
		sums[newKey] += newBy[i]
		sums[inKey] += in
		sums[outKey] += out
		sums[doneKey] += done
		// Jitter per column so small columns do not always land on the same rows.
		w := make([]float64, len(rowW))
		for j := range rowW {
			w[j] = rowW[j] * g.uniform(0.6, 1.4)
		}
		for j, n := range split(done, w) {
			r.setInt(tb.Key, results.Right[j], col, n)
			sums[results.Right[j]] += n
		}
	}
	for _, row := range tb.Rows {
		r.setInt(tb.Key, row.Key, rowSum.Left[0], sums[row.Key])
	}
}

func genReview(r *Report, tb *template.Table, g *rng, scale float64) {
	base := math.Sqrt(scale)
	maxima := []float64{60, 30, 15} // 复议, 直接起诉, 复议后起诉
	for i, row := range tb.Rows {
		n := int(base * g.uniform(0, maxima[i%len(maxima)]))
		w := []float64{0.55 * g.uniform(0.5, 1.5), 0.1 * g.uniform(0.5, 1.5), 0.2 * g.uniform(0.5, 1.5), 0.15 * g.uniform(0.5, 1.5)}
		parts := split(n, w)
		j := 0
		for _, c := range tb.Cols {
			if c.Key == colTotal {
				r.setInt(tb.Key, row.Key, c.Key, n)
				continue
			}
			r.setInt(tb.Key, row.Key, c.Key, parts[j%len(parts)])
			j++
		}
	}
}

func genFees(r *Report, g *rng) {
	if r.Version == template.V2019 {
		// Fee charging started with the 2021 rules; older reports state that none were charged.
		return
	}
	n, _ := r.Number(template.Cell{Table: template.Applications, Row: rowNoFee, Col: colTotal})
	if g.chance(0.4) && n == 0 {
		return
	}
	r.FeeNotices = int(n) + g.between(0, 12)
	r.FeeYuan = r.FeeNotices * g.between(10, 400) * 10
}

// Clone returns a deep copy.
func (r *Report) Clone() *Report {
	c := *r
	c.Cells = make(map[template.Cell]Value, len(r.Cells))
	for k, v := range r.Cells {
		c.Cells[k] = v
	}
	c.Extra = nil
	for _, e := range r.Extra {
		ne := e
		ne.Cells = map[string]Value{}
		for k, v := range e.Cells {
			ne.Cells[k] = v
		}
		c.Extra = append(c.Extra, ne)
	}
	return &c
}

// Number reads a cell back as a number: the expected value a parser should find. It accepts what the
// styles print (full-width digits, separators, "? " prefixes, 万元/元 units, signs); empty, "/", "—", "-"
// and "无" are not numbers.
func (r *Report) Number(c template.Cell) (float64, bool) {
	v, ok := r.Cells[c]
	if !ok {
		return 0, false
	}
	return ParseNumber(v.Raw)
}

// ParseNumber is the reading Number uses, for raw strings outside a report (ExtraRow cells).
func ParseNumber(raw string) (float64, bool) {
	s := norm.NFKC.String(raw)
	s = strings.Map(func(r rune) rune {
		switch r {
		case ',', ' ', '\u00a0', '\t':
			return -1
		}
		return r
	}, s)
	s = strings.TrimLeft(s, "?")
	div := 1.0
	switch {
	case strings.HasSuffix(s, "万元"):
		s = strings.TrimSuffix(s, "万元")
	case strings.HasSuffix(s, "元"):
		s, div = strings.TrimSuffix(s, "元"), 10000
	}
	switch s {
	case "", "/", "—", "-", "无":
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return f / div, true
}

// Breaking returns a copy of r with cell c's printed number changed by delta, so that the identities the
// cell takes part in fail on purpose. A cell that is not a number is printed as delta.
func (r *Report) Breaking(c template.Cell, delta int) *Report {
	out := r.Clone()
	n, _ := r.Number(c)
	n += float64(delta)
	if n == math.Trunc(n) {
		out.Cells[c] = Value{Raw: strconv.FormatInt(int64(n), 10)}
	} else {
		out.Cells[c] = Value{Raw: formatMoney(int64(math.Round(n * 10000)))}
	}
	return out
}

// UnknownRows are the rows Style.ExtraUnknownRows prints under 其他对外管理服务事项 in a 2019 report: 行政检查
// and 行政确认, which split that row's figures between them (其他对外管理服务事项 itself then prints no
// figures). Nil for other versions.
func UnknownRows(r *Report) []ExtraRow {
	tb := template.MustGet(r.Version).Table(template.Active)
	parent := tb.Row(rowOtherSvc)
	if parent == nil {
		return nil
	}
	a := ExtraRow{Table: tb.Key, Parent: parent.Key, Label: "行政检查", Cells: map[string]Value{}}
	b := ExtraRow{Table: tb.Key, Parent: parent.Key, Label: "行政确认", Cells: map[string]Value{}}
	for _, c := range tb.RowCols(parent) {
		v, ok := r.Number(template.Cell{Table: tb.Key, Row: parent.Key, Col: c.Key})
		if !ok {
			a.Cells[c.Key], b.Cells[c.Key] = Value{}, Value{}
			continue
		}
		n := int64(v)
		a.Cells[c.Key] = Value{Raw: strconv.FormatInt(n-n/2, 10)}
		b.Cells[c.Key] = Value{Raw: strconv.FormatInt(n/2, 10)}
	}
	return []ExtraRow{a, b}
}

// Printed returns the report as a page in style s prints it: cells blanked, regrouped or reformatted by the
// style, optional columns added or dropped, unknown rows in Extra. Its cells are exactly the text of the
// printed cells, so it is the expected result of parsing HTML(r, s) or Text(r, …) — except for what the
// style hides altogether (TablesAsImages, OmitTable, Truncate), which Printed does not model.
func (r *Report) Printed(s Style) *Report {
	p := r.Clone()
	tp := template.MustGet(r.Version)
	app := tp.Table(template.Applications)
	for _, row := range app.Rows {
		sub := template.Cell{Table: app.Key, Row: row.Key, Col: colSubtotal}
		if !s.Subtotal {
			delete(p.Cells, sub)
			continue
		}
		if _, ok := p.Cells[sub]; ok {
			continue
		}
		var sum float64
		found := false
		for _, c := range app.Cols {
			if c.Group != "" && !c.Optional {
				if n, ok := p.Number(template.Cell{Table: app.Key, Row: row.Key, Col: c.Key}); ok {
					sum += n
					found = true
				}
			}
		}
		if found {
			p.Cells[sub] = Value{Raw: strconv.FormatInt(int64(sum), 10)}
		}
	}
	if r.Version == template.V2019 {
		act := tp.Table(template.Active)
		if row := act.Row(rowProcure); s.NoProcurement && row != nil {
			for _, c := range act.RowCols(row) {
				delete(p.Cells, template.Cell{Table: act.Key, Row: row.Key, Col: c.Key})
			}
		}
		if s.ExtraUnknownRows && act.Row(rowOtherSvc) != nil {
			p.Extra = append(p.Extra, UnknownRows(r)...)
			for _, c := range act.RowCols(act.Row(rowOtherSvc)) {
				delete(p.Cells, template.Cell{Table: act.Key, Row: rowOtherSvc, Col: c.Key})
			}
		}
	}
	format := func(v Value, table, col string) Value {
		if s.TotalColumnBlank && table == app.Key && col == colTotal {
			return Value{}
		}
		return Value{Raw: printRaw(v.Raw, s)}
	}
	for k, v := range p.Cells {
		p.Cells[k] = format(v, k.Table, k.Col)
	}
	for i := range p.Extra {
		for k, v := range p.Extra[i].Cells {
			p.Extra[i].Cells[k] = format(v, p.Extra[i].Table, k)
		}
	}
	return p
}

// printRaw applies the style's number printing to one plain raw value; other raws pass unchanged.
func printRaw(raw string, s Style) string {
	if !isPlainNumber(raw) {
		return raw
	}
	if s.NBSPBlankZeros {
		if n, ok := ParseNumber(raw); ok && n == 0 {
			return "\u00a0"
		}
	}
	out := raw
	if s.ThousandsSep != SepNone {
		sep := ","
		if s.ThousandsSep == SepFullWidth {
			sep = "，"
		}
		out = groupThousands(out, sep)
	}
	if s.FullWidthDigits {
		out = strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r - '0' + '０'
			}
			return r
		}, out)
	}
	if s.StrayPrefix {
		out = "? " + out
	}
	return out
}

func isPlainNumber(s string) bool {
	if s == "" {
		return false
	}
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '-' && i == 0, r == '.':
		default:
			return false
		}
	}
	return digits > 0
}

func groupThousands(s, sep string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	if len(intPart) < 4 {
		return sign + s
	}
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return sign + b.String() + frac
}
