package reports

import (
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// quadrantRow is a row of sql/report/quadrant.sql's members.
type quadrantRow struct {
	Dimension   string `col:"dimension"`
	Member      string `col:"member"`
	Contacts    int64  `col:"contacts"`
	Judged      int64  `col:"judged"`
	Claimed     int64  `col:"claimed"`
	Failed      int64  `col:"failed"`
	GapContacts int64  `col:"gap_contacts"`
}

// quadrantColumns are the quadrant's data columns (the section's and every
// filtered view's).
func quadrantColumns() []Column {
	return []Column{
		col("level", "Level", fmtText), col("member", "Name", fmtText), mcol("contacts", "Contacts", fmtInt, "contacts"),
		mcol("kpi_rate", "KPI attainment", fmtPct, "kpi_rate"), mcol("customer_rate", "Customer success", fmtPct, "customer_rate"),
		mcol("gap_rate", "Gap rate", fmtPct, "gap_rate"), mcol("gap_contacts", "Gap contacts", fmtInt, "gap_contacts"),
		col("kpi_met_customers_failed", "In the “KPI met, customers failed” quadrant", fmtBool),
	}
}

// quadrantTip names the lines of a quadrant point's tooltip.
var quadrantTip = []tipLine{{"Contacts", "contacts"}, {"KPI attainment", "kpi_rate"}, {"Customer success", "customer_rate"}, {"Gap rate", "gap_rate"}}

// quadrantOption draws the members of a table of quadrantColumns as
// points, KPI attainment across, customer success up, a point's area its
// contacts, with the quadrant lines at the overall rates (kx, ky) and the
// "KPI met, customers failed" corner shaded.
func quadrantOption(t *Table, kx, ky float64) *Option {
	o := quadrantFrame(t, kx, ky)
	maxN := 1.0
	for _, r := range t.Rows {
		if n, ok := num(cellAt(t, r, "contacts")); ok {
			maxN = max(maxN, n)
		}
	}
	for k := range o.Series {
		level := []string{"agent", "team"}[k]
		var items []Item
		for i, r := range t.Rows {
			if cellText(t, r, "level") != level {
				continue
			}
			n, _ := num(cellAt(t, r, "contacts"))
			title := map[string]string{"agent": "Agent ", "team": "Team "}[level] + oneLine(cellText(t, r, "member"))
			items = append(items, Item{Value: []any{tenth(chartValue(colOf(t, "kpi_rate"), cellAt(t, r, "kpi_rate"))),
				tenth(chartValue(colOf(t, "customer_rate"), cellAt(t, r, "customer_rate")))},
				SymbolSize: math.Round(6 + 34*math.Sqrt(n/maxN)), I: ptr(i), Tip: tipOf(t, r, title, quadrantTip)})
		}
		o.Series[k].Data = items
	}
	return o
}

// quadrantFrame is the quadrant's option without its points: the axes
// (from 5 points below the lowest rate, in steps of ten), the lines, the
// shaded corner and the two series, empty.
func quadrantFrame(t *Table, kx, ky float64) *Option {
	minX, minY := kx, ky
	for _, r := range t.Rows {
		if v, ok := num(cellAt(t, r, "kpi_rate")); ok {
			minX = min(minX, v)
		}
		if v, ok := num(cellAt(t, r, "customer_rate")); ok {
			minY = min(minY, v)
		}
	}
	lo := func(v float64) float64 { return math.Max(0, math.Floor((v-0.05)*10)*10) }
	o := newOption()
	o.Legend = scrollLegend()
	o.Grid = grid(64, 24, 40, 52)
	o.Tooltip = tooltip("item")
	for _, l := range quadrantTip {
		o.TipLines = append(o.TipLines, l.Label)
	}
	o.XAxis = []opts.XAxis{{Type: "value", Name: "KPI attainment (scorecard success) →", NameLocation: "middle", NameGap: 30,
		Min: lo(minX), Max: 100, AxisLabel: &opts.AxisLabel{Formatter: "{value}%"}}}
	o.YAxis = []opts.YAxis{{Type: "value", Name: "Customer success →", NameLocation: "middle", NameGap: 46,
		Min: lo(minY), Max: 100, AxisLabel: &opts.AxisLabel{Formatter: "{value}%"}}}
	px, py := toPct(&kx), toPct(&ky)
	agents := Series{SingleSeries: charts.SingleSeries{Name: "Agents", Type: "scatter", Symbol: "circle",
		ItemStyle: &opts.ItemStyle{Color: cBlue, Opacity: opts.Float(0.75), BorderColor: "#fff"}, Data: []Item{}}}
	agents.MarkArea = &MarkArea{Silent: true, ItemStyle: &opts.ItemStyle{Color: "rgba(213,94,0,0.09)"},
		Label: &opts.Label{Color: cVerm, FontWeight: "bold", Position: "insideBottomRight"},
		Data:  [][2]MarkCorner{{{Name: "KPI met, customers failed", Coord: []float64{px.(float64), py.(float64)}}, {Coord: []float64{100, lo(minY)}}}}}
	agents.MarkLine = &MarkLine{Silent: true, Symbol: "none", LineStyle: &opts.LineStyle{Color: cGrey, Type: "dashed"},
		Label: &opts.Label{Show: opts.Bool(false)}, Data: []map[string]any{{"xAxis": px}, {"yAxis": py}}}
	teams := Series{SingleSeries: charts.SingleSeries{Name: "Teams", Type: "scatter", Symbol: "diamond",
		ItemStyle: &opts.ItemStyle{Color: cOrange, Opacity: opts.Float(0.75), BorderColor: "#fff"}, Data: []Item{}}}
	o.Series = []Series{agents, teams}
	return o
}

// tenth rounds a chart value to a tenth (of a percent: a point's place on
// the chart; the tooltip gives the figure), which keeps the filtered
// views' points short.
func tenth(v any) any {
	if f, ok := v.(float64); ok {
		return math.Round(f*10) / 10
	}
	return v
}
