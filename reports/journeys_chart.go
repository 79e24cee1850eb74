package reports

import (
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Typed rows of sql/report/flows.sql and days.sql.

type flowRow struct {
	From      string `col:"from_node"`
	To        string `col:"to_node"`
	Journeys  int64  `col:"journeys"`
	Loops     int64  `col:"loop_journeys"`
	PingPongs int64  `col:"ping_pong_journeys"`
}

type hopsRow struct {
	Journeys int64 `col:"journeys"`
	Hopped   int64 `col:"hopped"`
	Looped   int64 `col:"looped"`
}

type pingPongRow struct {
	Journeys int64  `col:"journeys"`
	A        string `col:"a"`
	B        string `col:"b"`
	N        int64  `col:"n"`
}

type daysRow struct {
	Channel  *string  `col:"channel"`
	IsTotal  bool     `col:"is_total"`
	Journeys int64    `col:"journeys"`
	Median   *float64 `col:"median_days"`
	P90      *float64 `col:"p90_days"`
	B0       int64    `col:"b0"`
	B1       int64    `col:"b1"`
	B2       int64    `col:"b2"`
	B3       int64    `col:"b3"`
	B4       int64    `col:"b4"`
	B5       int64    `col:"b5"`
	B6       int64    `col:"b6"`
	B7       int64    `col:"b7"`
}

// Buckets are the row's journeys in each of dayBuckets.
func (r daysRow) Buckets() []int64 { return []int64{r.B0, r.B1, r.B2, r.B3, r.B4, r.B5, r.B6, r.B7} }

// sankeyItem is a Sankey node (go-echarts' SankeyNode with the label's
// text and the tooltip a node shows; nodes are named by index, "n3", so
// that no name from the data can collide with another or with ours).
type sankeyItem struct {
	Name      string          `json:"name"`
	ItemStyle *opts.ItemStyle `json:"itemStyle,omitempty"`
	Text      string          `json:"text"`
	Tip       Tip             `json:"tip"`
}

// sankeyItemLink is a Sankey link (go-echarts' SankeyLink has a float32
// value and no tooltip).
type sankeyItemLink struct {
	Source string `json:"source"`
	Target string `json:"target"`
	Value  int64  `json:"value"`
	Tip    Tip    `json:"tip"`
}

// sankeyOption draws the flows: a node a place (its "↩ to" copies in
// vermilion), a link a move, its width the journeys.
func sankeyOption(nodes []sankeyNode, links []sankeyLink) *Option {
	text := func(n sankeyNode) string {
		if n.Back {
			return "↩ to " + oneLine(n.Label)
		}
		return oneLine(n.Label)
	}
	in, out := make([]int64, len(nodes)), make([]int64, len(nodes))
	ls := make([]sankeyItemLink, len(links))
	for i, l := range links {
		out[l.Source] += l.Value
		in[l.Target] += l.Value
		ls[i] = sankeyItemLink{Source: "n" + px(l.Source), Target: "n" + px(l.Target), Value: l.Value,
			Tip: Tip{text(nodes[l.Source]) + " → " + text(nodes[l.Target]), "Journeys", count(l.Value)}}
	}
	ns := make([]sankeyItem, len(nodes))
	for i, n := range nodes {
		color := []string{cBlue, cSky, cGreen}[i%3]
		if n.Back {
			color = cVerm
		}
		ns[i] = sankeyItem{Name: "n" + px(i), ItemStyle: &opts.ItemStyle{Color: color}, Text: text(n),
			Tip: Tip{text(n), "Journeys", count(max(in[i], out[i]))}}
	}
	o := newOption()
	o.Tooltip = tooltip("item")
	o.Series = []Series{{SingleSeries: charts.SingleSeries{Type: "sankey", Left: "8", Right: "180", Top: "10", Bottom: "10",
		NodeGap: opts.Int(8), NodeAlign: "left", Draggable: opts.Bool(false), Data: ns, Links: ls,
		Emphasis:  &opts.Emphasis{Focus: "adjacency"},
		LineStyle: &opts.LineStyle{Color: "gradient", Opacity: opts.Float(0.35)}},
		LayoutIterations: 64,
		Label:            &Label{Label: opts.Label{FontSize: 11, Formatter: textFormatter}, Width: 170, Overflow: "truncate"}}}
	return o
}

// daysOption draws, a bar a channel in each bin of days, the share of the
// channel's resolved journeys that took so long.
func daysOption(t *Table) *Option {
	o := newOption()
	o.Legend = scrollLegend()
	o.Grid = grid(56, 20, 40, 36)
	o.Tooltip = axisTooltip(true)
	cats := make([]string, len(dayBuckets))
	for i, bk := range dayBuckets {
		cats[i] = bk.label
		o.Tips = append(o.Tips, Tip{bk.label})
	}
	o.XAxis = []opts.XAxis{{Type: "category", Data: cats}}
	o.YAxis = []opts.YAxis{{Type: "value", AxisLabel: &opts.AxisLabel{Formatter: "{value}%"}}}
	for k, r := range t.Rows {
		name := oneLine(cellText(t, r, "channel"))
		o.TipLines = append(o.TipLines, name)
		n, _ := num(cellAt(t, r, "journeys"))
		items := make([]Item, len(dayBuckets))
		for i := range dayBuckets {
			b, _ := num(cellAt(t, r, "b"+px(i)))
			share := 0.0
			if n > 0 {
				share = b / n
			}
			items[i] = Item{Value: toPct(&share)}
			text := "–"
			if n > 0 {
				text = pct(share)
			}
			o.Tips[i] = append(o.Tips[i], text+" ("+count(int64(b))+")")
		}
		o.Series = append(o.Series, Series{SingleSeries: charts.SingleSeries{Name: name, Type: "bar", Data: items,
			ItemStyle: &opts.ItemStyle{Color: palette[k%len(palette)]}}})
	}
	return o
}

// timelineTip names the lines of a contact's tooltip on a timeline.
var timelineTip = []string{"Channel", "Department", "Team", "Agent", "Topic", "Wait", "Handle", "Disposition", "Scorecard", "Customer"}

// timelinePoint is a contact as a timeline draws it: its time (epoch
// milliseconds of its wall-clock start, drawn in UTC; "-" for none), its
// dot (0: the scorecard counted a success the customer then failed, 1:
// another success, 2: not a success) and its tooltip (a title and the
// lines of timelineTip: the channel, its label, is line 1 and the
// department, its row, line 2).
type timelinePoint struct {
	At  any
	Dot int
	Tip Tip
}

// timelinePoints are the contacts of a table of timelineColumns.
func timelinePoints(t *Table) []timelinePoint {
	var pts []timelinePoint
	for _, r := range t.Rows {
		at := cellText(t, r, "contact_at")
		var ms any = "-"
		if tm, err := time.Parse(time.RFC3339, at); err == nil {
			ms = tm.UnixMilli()
		}
		claimed, _ := cellAt(t, r, "claimed_success").(bool)
		gapped, _ := cellAt(t, r, "gap").(bool)
		p := timelinePoint{At: ms, Dot: 2}
		score, cust := "not a success", "–"
		if claimed {
			score, p.Dot = "success", 1
		}
		if gapped {
			cust = "failed despite the success"
			if claimed {
				p.Dot = 0
			}
		}
		p.Tip = Tip{"Contact " + cellText(t, r, "seq") + ", " + stamp(at)}
		for _, k := range []string{"channel", "department", "team", "agent_id", "topic", "wait_seconds", "handle_seconds", "disposition"} {
			c, v := colOf(t, k), cellAt(t, r, k)
			if c.Format == fmtText {
				s, _ := v.(string)
				p.Tip = append(p.Tip, oneLine(s)) // a name, "(blank)" as on the axis
			} else {
				p.Tip = append(p.Tip, tipText(c, v))
			}
		}
		p.Tip = append(p.Tip, score, cust)
		pts = append(pts, p)
	}
	return pts
}

// timelineOption draws a journey's contacts (a table of timelineColumns)
// in time across and department down, joined by its path, each contact a
// dot: vermilion where the scorecard counted a success the customer then
// failed, blue for the other successes, grey for the rest.
func timelineOption(t *Table) *Option {
	pts := timelinePoints(t)
	o := timelineFrame()
	var deps []string
	seen := map[string]bool{}
	for _, p := range pts {
		d := p.Tip[2]
		if !seen[d] {
			seen[d] = true
			deps = append(deps, d)
		}
		v := []any{p.At, d}
		o.Series[0].Data = append(o.Series[0].Data.([]Item), Item{Value: v})
		o.Series[1+p.Dot].Data = append(o.Series[1+p.Dot].Data.([]Item), Item{Value: v, Tip: p.Tip, Text: p.Tip[1]})
	}
	o.YAxis[0].Data = deps
	for i := 1; i < len(o.Series); i++ {
		o.Series[i].Label.Show = opts.Bool(len(pts) <= 12)
	}
	return o
}

// timelineFrame is the timeline's option without its contacts: the axes
// (no departments yet), the path and the three series of dots, empty. The
// drill-down panels fill it in the page with the points written here
// (Drill.TimelineOption, DrillJourney.Timeline).
func timelineFrame() *Option {
	o := newOption()
	o.UseUTC = true
	o.Legend = scrollLegend()
	o.Grid = grid(160, 30, 40, 30)
	o.Tooltip = tooltip("item")
	o.TipLines = timelineTip
	o.XAxis = []opts.XAxis{{Type: "time", AxisLabel: &opts.AxisLabel{HideOverlap: opts.Bool(true), Formatter: "{d} {MMM}"}}}
	o.YAxis = []opts.YAxis{{Type: "category", Data: []string{}, AxisLabel: catLabel()}}
	o.Series = []Series{{SingleSeries: charts.SingleSeries{Name: "Path", Type: "line", Data: []Item{}, Symbol: "none",
		LineStyle: &opts.LineStyle{Color: cGrey, Width: 1.5}, ItemStyle: &opts.ItemStyle{Color: cGrey}}, Z: 1, Silent: true}}
	for _, d := range []struct{ name, color, symbol string }{
		{"Scorecard: success, customer failed", cVerm, "diamond"},
		{"Scorecard: success", cBlue, "circle"},
		{"Scorecard: not a success", cGrey, "circle"},
	} {
		o.Series = append(o.Series, Series{SingleSeries: charts.SingleSeries{Name: d.name, Type: "scatter", Symbol: d.symbol, SymbolSize: 14,
			ItemStyle: &opts.ItemStyle{Color: d.color}, Data: []Item{}}, Z: 3,
			Label: &Label{Label: opts.Label{Show: opts.Bool(true), Position: "top", FontSize: 10, Color: cInk,
				Formatter: textFormatter}, Width: 90, Overflow: "truncate"}})
	}
	return o
}
