package charts

// 比较 (compare.html): two to five districts side by side — every metric's value, rank and change in a year,
// and one metric's trend — chosen on the page and kept in the address
// (compare.html?d=东湖区,西山区&year=2023&metric=unable_not_held_rate), so a link reopens the same view. The
// page carries the figures as JSON; site.js draws the table and the chart.

import (
	"encoding/json"
	"fmt"
	"html/template"
	"slices"
)

// MaxCompared is the most districts the comparison shows at once.
const MaxCompared = 5

type compareEntity struct {
	Label  string `json:"label"`
	Name   string `json:"name"`
	Color  string `json:"color"`
	Page   string `json:"page"`
	Parent string `json:"parent"`
}

type compareMetric struct {
	Key       string `json:"key"`
	Name      string `json:"name"`
	Category  string `json:"category"`
	Unit      string `json:"unit"`
	Direction string `json:"direction"`
	Page      string `json:"page"`
	Headline  bool   `json:"headline,omitempty"`
}

// compareValue is one figure: value, its text with unit, rank text, change on the year before, source link,
// unreliable.
type compareValue struct {
	V      float64 `json:"v"`
	Text   string  `json:"t"`
	Rank   string  `json:"r,omitempty"`
	Change string  `json:"c,omitempty"`
	Arrow  string  `json:"a,omitempty"`
	Class  string  `json:"k,omitempty"`
	Link   string  `json:"l,omitempty"`
	Unrel  bool    `json:"u,omitempty"`
}

type compareData struct {
	Entities []compareEntity `json:"entities"`
	Metrics  []compareMetric `json:"metrics"`
	Years    []int           `json:"years"`
	Max      int             `json:"max"`
	Sample   bool            `json:"sample,omitempty"`
	// Values[metric][entity label][year as string]
	Values map[string]map[string]map[string]compareValue `json:"values"`
}

type compareBody struct {
	Entities []*entity
	Years    []int
	Metrics  []*metricInfo
	Default  []*entity // chosen when the address names none: the first two of the main peer group
	Max      int
}

// IsDefault reports whether e is chosen by default.
func (b *compareBody) IsDefault(e *entity) bool { return slices.Contains(b.Default, e) }

func (r *renderer) comparePage() (*page, error) {
	m := r.m
	d := compareData{Years: m.years, Max: MaxCompared, Sample: m.sample, Values: map[string]map[string]map[string]compareValue{}}
	b := &compareBody{Entities: m.compared, Years: m.years, Metrics: m.metrics, Max: MaxCompared}
	for _, e := range m.compared {
		d.Entities = append(d.Entities, compareEntity{Label: e.Label, Name: e.Name, Color: e.Color, Page: e.Page, Parent: e.Parent})
		if e.Parent == m.mainParent && len(b.Default) < 2 {
			b.Default = append(b.Default, e)
		}
	}
	for _, mi := range m.metrics {
		d.Metrics = append(d.Metrics, compareMetric{Key: mi.Key, Name: mi.Name, Category: mi.Category, Unit: mi.Unit,
			Direction: mi.Direction, Page: mi.Page, Headline: mi.Def != nil && mi.Def.Headline})
		byEntity := map[string]map[string]compareValue{}
		for _, e := range m.compared {
			for _, y := range m.years {
				v := m.values[ey{e.Key, mi.Key, y}]
				if v == nil || v.Value == nil {
					continue
				}
				c := r.cell(e, mi, y)
				cv := compareValue{V: *v.Value, Text: c.Text, Rank: c.Sub, Link: c.Link, Unrel: c.Unreliable}
				if t := m.trends[ey{e.Key, mi.Key, y}]; t != nil && t.Change != nil {
					ch := changeCell(mi, t)
					cv.Change, cv.Arrow, cv.Class = ch.Text+" "+ch.Sub, ch.Arrow, ch.Class
				}
				if byEntity[e.Label] == nil {
					byEntity[e.Label] = map[string]compareValue{}
				}
				byEntity[e.Label][itoa(y)] = cv
			}
		}
		d.Values[mi.Key] = byEntity
	}
	js, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("比较页数据: %w", err)
	}
	safe, err := scriptJSON(json.RawMessage(js))
	if err != nil {
		return nil, fmt.Errorf("比较页数据: %w", err)
	}
	return &page{File: "compare.html", Title: "比较", Nav: "compare", Body: b, DataJSON: template.JS(safe), Scripts: true}, nil
}
