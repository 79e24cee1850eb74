package reports

import (
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
)

// Chart declarations: a chart is declared by its kind, the column of its
// categories (x), its series (the column of each one's values, y), and
// its tooltip's lines; the format of every number is its column's
// (Column.Format), written by cell(), the formatter the HTML tables use.
// option builds the echarts option from a section's Data.

// tipLine is a tooltip line: its name and the column of its value.
type tipLine struct{ Label, Key string }

// lineSeries is one line of a lineDecl.
type lineSeries struct {
	Name, Y, Color string
	Dashed, Hidden bool
}

// lineDecl is a line chart over categories (weeks).
type lineDecl struct {
	X      string
	Series []lineSeries
	Tip    []tipLine
}

func (d lineDecl) option(t *Table, title func(row []any) string) *Option {
	o := newOption()
	o.Legend = scrollLegend()
	o.Grid = grid(56, 20, 40, 36)
	o.Tooltip = axisTooltip(false)
	cats := make([]string, len(t.Rows))
	for i, r := range t.Rows {
		cats[i] = axisText(colOf(t, d.X), cellAt(t, r, d.X))
		o.Tips = append(o.Tips, tipOf(t, r, title(r), d.Tip))
	}
	for _, l := range d.Tip {
		o.TipLines = append(o.TipLines, l.Label)
	}
	o.XAxis = []opts.XAxis{{Type: "category", Data: cats}}
	o.YAxis = []opts.YAxis{valueYAxis(colOf(t, d.Series[0].Y))}
	for _, sd := range d.Series {
		c := colOf(t, sd.Y)
		items := make([]Item, len(t.Rows))
		for i, r := range t.Rows {
			items[i] = Item{Value: chartValue(c, cellAt(t, r, sd.Y))}
		}
		style := "solid"
		if sd.Dashed {
			style = "dashed"
		}
		o.Series = append(o.Series, Series{SingleSeries: charts.SingleSeries{Name: sd.Name, Type: "line", Data: items,
			ConnectNulls: opts.Bool(false), SymbolSize: 6,
			LineStyle: &opts.LineStyle{Width: 3, Type: style, Color: sd.Color}, ItemStyle: &opts.ItemStyle{Color: sd.Color}}})
		if sd.Hidden {
			if o.Legend.Selected == nil {
				o.Legend.Selected = map[string]bool{}
			}
			o.Legend.Selected[sd.Name] = false
		}
	}
	return o
}

// colOf is the column of a key (a zero Column when there is none).
func colOf(t *Table, key string) Column {
	for _, c := range t.Columns {
		if c.Key == key {
			return c
		}
	}
	return Column{Key: key, Format: fmtText}
}

// cellAt is a row's value of a column (nil when there is none).
func cellAt(t *Table, r []any, key string) any {
	for i, c := range t.Columns {
		if c.Key == key && i < len(r) {
			return r[i]
		}
	}
	return nil
}

// tipOf is a row's tooltip: the title, then each line's value as its
// column formats it ("–" for none).
func tipOf(t *Table, r []any, title string, lines []tipLine) Tip {
	tip := Tip{title}
	for _, l := range lines {
		tip = append(tip, tipText(colOf(t, l.Key), cellAt(t, r, l.Key)))
	}
	return tip
}

// tipText is a value as a tooltip shows it.
func tipText(c Column, v any) string {
	if v == nil {
		return "–"
	}
	if c.Format == fmtText {
		if s, ok := v.(string); ok {
			return oneLine(s)
		}
	}
	if c.Format == fmtBool {
		if b, ok := v.(bool); ok && b {
			return "yes"
		}
		return "no"
	}
	return cell(c, v)
}

// axisText is a category as an axis labels it: a date as "5 Feb", a name
// on one line.
func axisText(c Column, v any) string {
	s, _ := v.(string)
	if c.Format == fmtDate {
		return shortDay(s)
	}
	if s == "" && v != nil {
		return fmtAny(v)
	}
	return oneLine(s)
}

// shortDay renders a YYYY-MM-DD as "5 Feb".
func shortDay(s string) string {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.Format("2 Jan")
	}
	return s
}

// chartValue is a value as a chart draws it: rates in percent, NULL as
// "-" (no point).
func chartValue(c Column, v any) any {
	f, ok := num(v)
	if !ok {
		return "-"
	}
	if c.Format == fmtPct {
		return toPct(&f)
	}
	return f
}

func num(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	}
	return 0, false
}

// valueYAxis is the value axis of a column's format.
func valueYAxis(c Column) opts.YAxis {
	if c.Format == fmtPct {
		return pctYAxis()
	}
	return opts.YAxis{Type: "value"}
}

// barSeries is one series of a barDecl.
type barSeries struct{ Name, X, Color string }

// barDecl is a chart of horizontal bars: a category (Y, a column of names)
// a band, from the top down, a bar a series, each labelled at its end.
type barDecl struct {
	Y      string
	Series []barSeries
	Tip    []tipLine
	// Value formats a bar's value for its label and the value axis
	// (AxisLabel, an echarts template); nil: the column's format, a rate
	// axis.
	Value     func(float64) string
	AxisLabel string
	LabelSize float32
	Grid      [4]int // left, right, top, bottom
	Legend    *opts.Legend
	Drill     bool // items carry their row (the drill-down)
	// TipValue formats the tooltip's value of a column its own way (money
	// from a column of plain numbers); the others by their column.
	TipValue map[string]func(float64) string
}

// option draws the rows of t that keep holds (all, for nil).
func (d barDecl) option(t *Table, keep func(row []any) bool) *Option {
	o := newOption()
	o.Legend = d.Legend
	o.Grid = grid(d.Grid[0], d.Grid[1], d.Grid[2], d.Grid[3])
	o.Tooltip = axisTooltip(true)
	for _, l := range d.Tip {
		o.TipLines = append(o.TipLines, l.Label)
	}
	var cats []string
	var idx []int
	for i, r := range t.Rows {
		if keep == nil || keep(r) {
			cats = append(cats, axisText(colOf(t, d.Y), cellAt(t, r, d.Y)))
			idx = append(idx, i)
			tip := tipOf(t, r, oneLine(cellText(t, r, d.Y)), d.Tip)
			for k, l := range d.Tip {
				if f, ok := d.TipValue[l.Key]; ok {
					if v, isNum := num(cellAt(t, r, l.Key)); isNum {
						tip[k+1] = f(v)
					}
				}
			}
			o.Tips = append(o.Tips, tip)
		}
	}
	x := pctAxis()
	if d.Value != nil {
		x = opts.XAxis{Type: "value", AxisLabel: &opts.AxisLabel{Formatter: types.FuncStr(d.AxisLabel)}}
	}
	o.XAxis = []opts.XAxis{x}
	o.YAxis = []opts.YAxis{{Type: "category", Data: cats, Inverse: opts.Bool(true), AxisLabel: catLabel()}}
	for _, sd := range d.Series {
		c := colOf(t, sd.X)
		items := make([]Item, len(idx))
		for k, i := range idx {
			v := cellAt(t, t.Rows[i], sd.X)
			text := ""
			if f, ok := num(v); ok {
				if d.Value != nil {
					items[k].Value, text = f, d.Value(f)
				} else {
					items[k].Value, text = chartValue(c, v), cell(c, v)
				}
			} else {
				items[k].Value = "-"
			}
			if text == "" {
				items[k].Label = &opts.Label{Show: opts.Bool(false)}
			} else {
				items[k].Label = &opts.Label{Formatter: text}
			}
			if d.Drill {
				items[k].I = ptr(i)
			}
		}
		o.Series = append(o.Series, Series{SingleSeries: charts.SingleSeries{Name: sd.Name, Type: "bar", Data: items,
			ItemStyle: &opts.ItemStyle{Color: sd.Color}},
			Label: &Label{Label: opts.Label{Show: opts.Bool(true), Position: "right", FontSize: d.LabelSize}}})
	}
	return o
}
