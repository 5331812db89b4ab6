package template

import (
	"strings"
	"sync"
)

// How says how a label was matched to a template key.
type How string

const (
	NoMatch   How = ""
	Exact     How = "exact"     // the label or an alias, after Norm
	LooseHow  How = "loose"     // after removing parenthesized remarks
	PrefixHow How = "truncated" // the label is the unique prefix of a known label (a lost second line)
)

type index struct {
	exact, loose map[string][]int
	// prefixes maps every proper prefix of two characters or more of each entry's canonical label (its
	// Loose form) to the entries it begins, for truncated labels.
	prefixes map[string][]int
}

func buildIndex(n int, labels func(i int) []string) *index {
	ix := &index{exact: map[string][]int{}, loose: map[string][]int{}, prefixes: map[string][]int{}}
	for i := 0; i < n; i++ {
		ls := labels(i)
		for _, l := range ls {
			ix.exact[Norm(l)] = appendUniq(ix.exact[Norm(l)], i)
			ix.loose[Loose(l)] = appendUniq(ix.loose[Loose(l)], i)
		}
		k := Loose(ls[0])
		runes := 0
		for b := range k {
			if runes >= 2 {
				ix.prefixes[k[:b]] = appendUniq(ix.prefixes[k[:b]], i)
			}
			runes++
		}
	}
	return ix
}

func appendUniq(s []int, v int) []int {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// lookup returns candidate entries for label and how they matched.
func (ix *index) lookup(label string) ([]int, How) {
	f := normalized(label)
	n, l := f.norm, f.loose
	if n == "" {
		return nil, NoMatch
	}
	if c := ix.exact[n]; len(c) > 0 {
		return c, Exact
	}
	if c := ix.loose[l]; len(c) > 0 {
		return c, LooseHow
	}
	if c := ix.loose[n]; len(c) > 0 {
		return c, LooseHow
	}
	// A truncated label: at least two characters and the prefix of a known label.
	if c := ix.prefixes[l]; len(c) > 0 {
		return c, PrefixHow
	}
	return nil, NoMatch
}

type tableIndex struct {
	rows, cols, anchors *index
}

// indexes holds each table's tableIndex, built on first use; reads take no lock.
var indexes sync.Map // *Table → *tableIndex

func (t *Table) index() *tableIndex {
	if ti, ok := indexes.Load(t); ok {
		return ti.(*tableIndex)
	}
	ti := &tableIndex{
		rows:    buildIndex(len(t.Rows), func(i int) []string { return append([]string{t.Rows[i].Label}, t.Rows[i].Aliases...) }),
		cols:    buildIndex(len(t.Cols), func(i int) []string { return append([]string{t.Cols[i].Label}, t.Cols[i].Aliases...) }),
		anchors: buildIndex(len(t.Anchors), func(i int) []string { return []string{t.Anchors[i]} }),
	}
	v, _ := indexes.LoadOrStore(t, ti)
	return v.(*tableIndex)
}

// MatchRow finds the row a label names. group is the label of the group row the label sits under (may be
// empty); it decides between rows that share a label (3.其他 under 其他处理). Ambiguous labels match nothing.
func (t *Table) MatchRow(label, group string) (*Row, How) {
	cands, how := t.index().rows.lookup(label)
	if len(cands) > 1 && group != "" {
		g := Loose(group)
		var f []int
		for _, c := range cands {
			if Loose(t.Rows[c].Group) == g {
				f = append(f, c)
			}
		}
		cands = f
	}
	if len(cands) != 1 {
		return nil, NoMatch
	}
	return &t.Rows[cands[0]], how
}

// MatchCol finds the column a header label names; ambiguous labels match nothing.
func (t *Table) MatchCol(label string) (*Column, How) {
	cands, how := t.index().cols.lookup(label)
	if len(cands) != 1 {
		return nil, NoMatch
	}
	return &t.Cols[cands[0]], how
}

// IsAnchor reports whether label is one of the table's own labels (see Table.Anchors). Truncated
// labels do not count.
func (t *Table) IsAnchor(label string) bool {
	c, how := t.index().anchors.lookup(label)
	return len(c) > 0 && how != PrefixHow
}

// AnchorTable returns the key of the first table (in template order) for which label is an anchor (see
// IsAnchor), or "". It answers what asking IsAnchor of each table would, with one lookup of the label's forms.
func (tp *Template) AnchorTable(label string) string {
	f := normalized(label)
	if f.norm == "" {
		return ""
	}
	ax := anchorsOf(tp)
	best := len(tp.Tables)
	for _, m := range [...]struct {
		forms map[string]int
		key   string
	}{{ax.exact, f.norm}, {ax.loose, f.loose}, {ax.loose, f.norm}} {
		if i, ok := m.forms[m.key]; ok && i < best {
			best = i
		}
	}
	if best == len(tp.Tables) {
		return ""
	}
	return tp.Tables[best].Key
}

// anchorIndex maps the Norm and Loose forms of every table's anchors to the first table that has them.
type anchorIndex struct{ exact, loose map[string]int }

var anchorIndexes sync.Map // *Template → *anchorIndex

func anchorsOf(tp *Template) *anchorIndex {
	if ax, ok := anchorIndexes.Load(tp); ok {
		return ax.(*anchorIndex)
	}
	ax := &anchorIndex{exact: map[string]int{}, loose: map[string]int{}}
	for i := len(tp.Tables) - 1; i >= 0; i-- { // backwards: the first table wins
		ix := tp.Tables[i].index().anchors
		for form := range ix.exact {
			ax.exact[form] = i
		}
		for form := range ix.loose {
			ax.loose[form] = i
		}
	}
	v, _ := anchorIndexes.LoadOrStore(tp, ax)
	return v.(*anchorIndex)
}

// IsGroup reports whether label heads a group of table-3 rows in this version, and returns its canonical form.
func (tp *Template) IsGroup(label string) (string, bool) {
	g, ok := groupsByLoose(tp.Version)[Loose(label)]
	return g, ok
}

// groupsByLoose maps the Loose form of each group label of a version to the label.
func groupsByLoose(v Version) map[string]string {
	if m, ok := groupIndex.Load(v); ok {
		return m.(map[string]string)
	}
	m := map[string]string{}
	for _, g := range groupLabels(v) {
		m[Loose(g)] = g
	}
	groupIndex.Store(v, m)
	return m
}

var groupIndex sync.Map // Version → map[string]string

// IsBlock reports whether label names a 第二十条 item of table 2 (第二十条第(一)项 and the like).
func IsBlock(label string) bool {
	n := Norm(label)
	return strings.HasPrefix(n, "第二十条第") && strings.HasSuffix(n, "项") && !Longer(n, 12)
}

// sectionsByLoose maps the Loose form of each section heading to its index in SectionHeadings.
var sectionsByLoose = sync.OnceValue(func() map[string]int {
	m := map[string]int{}
	for i, s := range SectionHeadings {
		m[Loose(s.Heading)] = i
	}
	return m
})

// Section matches a section heading (二、主动公开政府信息情况) and returns its number and table key.
func Section(label string) (number int, table string, ok bool) {
	if Longer(label, 40) {
		return 0, "", false
	}
	i, ok := sectionsByLoose()[Loose(label)]
	if !ok {
		return 0, "", false
	}
	s := SectionHeadings[i]
	return s.Number, s.Table, true
}
