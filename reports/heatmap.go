package reports

import (
	"slices"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// heatmapRow is a row of sql/report/heatmap.sql's cells.
type heatmapRow struct {
	Department  string `col:"department"`
	Week        string `col:"week"`
	Settled     bool   `col:"settled"`
	Contacts    int64  `col:"contacts"`
	GapContacts int64  `col:"gap_contacts"`
	Claimed     int64  `col:"claimed"`
}

// heatmapColumns are the heatmap's data columns (the section's and every
// filtered view's).
func heatmapColumns() []Column {
	return []Column{
		col("department", "Department", fmtText), col("week", "Week starting", fmtDate),
		mcol("contacts", "Contacts", fmtInt, "contacts"), mcol("gap_contacts", "Gap contacts", fmtInt, "gap_contacts"),
		mcol("gap_rate", "Gap rate", fmtPct, "gap_rate"),
	}
}

var heatmapTip = []tipLine{{"Gap rate", "gap_rate"}, {"Gap contacts", "gap_contacts"}, {"Contacts", "contacts"}}

// heatmapOption draws a table of heatmapColumns as a grid of weeks across
// and departments (deps, in order) down, each cell coloured by its gap
// rate, labelled with it while the weeks are few enough to read.
func heatmapOption(t *Table, deps []string) *Option {
	var weeks []string
	for _, r := range t.Rows {
		weeks = append(weeks, cellText(t, r, "week"))
	}
	slices.Sort(weeks)
	weeks = slices.Compact(weeks)
	wi, di := map[string]int{}, map[string]int{}
	for i, w := range weeks {
		wi[w] = i
	}
	for i, d := range deps {
		di[d] = i
	}
	cats := make([]string, len(weeks))
	for i, w := range weeks {
		cats[i] = shortDay(w)
	}
	names := make([]string, len(deps))
	for i, d := range deps {
		names[i] = oneLine(d)
	}
	rc := colOf(t, "gap_rate")
	maxRate := 0.0
	items := make([]Item, 0, len(t.Rows))
	for i, r := range t.Rows {
		d, w := cellText(t, r, "department"), cellText(t, r, "week")
		v := cellAt(t, r, "gap_rate")
		text := ""
		if g, ok := num(v); ok {
			maxRate = max(maxRate, g)
			text = cell(rc, v)
		}
		items = append(items, Item{Value: []any{wi[w], di[d], tenth(chartValue(rc, v))}, I: ptr(i), Text: text,
			Tip: tipOf(t, r, oneLine(d)+", week of "+day(w), heatmapTip)})
	}
	top := max(maxRate, 0.01)
	o := newOption()
	o.Grid = grid(160, 20, 10, 70)
	o.Tooltip = tooltip("item")
	for _, l := range heatmapTip {
		o.TipLines = append(o.TipLines, l.Label)
	}
	o.XAxis = []opts.XAxis{{Type: "category", Data: cats, SplitArea: &opts.SplitArea{Show: opts.Bool(true)}}}
	o.YAxis = []opts.YAxis{{Type: "category", Data: names, Inverse: opts.Bool(true), AxisLabel: catLabel(),
		SplitArea: &opts.SplitArea{Show: opts.Bool(true)}}}
	o.VisualMap = []VisualMap{{VisualMap: opts.VisualMap{Calculable: opts.Bool(false), Min: 0, Max: float32(toPct(&top).(float64)),
		Orient: "horizontal", Left: "center", Bottom: "0", Text: []string{"gap rate " + pct(top), "0%"},
		InRange: &opts.VisualMapInRange{Color: []string{"#fbeee6", "#f2b38a", cVerm, "#7a2e00"}}}, ItemHeight: 160}}
	o.Series = []Series{{SingleSeries: charts.SingleSeries{Name: "Gap rate", Type: "heatmap", Data: items},
		Label: &Label{Label: opts.Label{Show: opts.Bool(len(weeks) <= 16), FontSize: 10, Formatter: textFormatter}}}}
	return o
}

// heatmapHeight is the height of a heatmap of n departments, in pixels.
func heatmapHeight(n int) int { return 120 + 28*n }
