package reports

import (
	"math"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
)

// The charts' echarts options are built here, in Go, from go-echarts'
// typed options (its opts and charts types; never its HTML templates and
// renderers, which write data raw into a <script>). An option reaches the
// page inside the model's JSON (page.go: modelJSON escapes it), and the
// page script hands it to setOption. Every number a chart shows — axis
// labels, bar labels, tooltips — is written here with format.go's
// formatters, so the page has no formatter of its own.
//
// What go-echarts' types cannot express is built by hand, as typed Go
// structs, and listed in docs/architecture.md:
//   - a formatter function: echarts calls a function to write a tooltip,
//     which JSON cannot carry. The tooltip's text is written here instead,
//     per data item (Tip: a title and name/value lines), and the page's
//     one tooltip function only escapes and joins it (report.js: tip());
//     Option.Tooltip.Formatter is set to tipFormatter to ask for it. Labels
//     from the data (a Sankey node's name, which echarts' label templates
//     would read "{b}" in) come the same way: Item.Text and a label
//     formatter of textFormatter.
//   - per-item fields: the row an element draws (Item.I, for the
//     drill-down) and its tooltip, beside go-echarts' data types.
//   - a Sankey's layoutIterations, a markArea whose corners are given by
//     axis index, a scatter's per-point symbol size as a number on the
//     item (go-echarts' ScatterData has an int): Series and the item types
//     below carry them.

// Option is one chart's echarts option.
type Option struct {
	Legend    *opts.Legend    `json:"legend,omitempty"`
	Grid      *opts.Grid      `json:"grid,omitempty"`
	Tooltip   *Tooltip        `json:"tooltip,omitempty"`
	XAxis     []opts.XAxis    `json:"xAxis,omitempty"`
	YAxis     []opts.YAxis    `json:"yAxis,omitempty"`
	VisualMap []VisualMap     `json:"visualMap,omitempty"`
	Series    []Series        `json:"series"`
	UseUTC    bool            `json:"useUTC,omitempty"`
	Animation bool            `json:"animation"`
	TextStyle *opts.TextStyle `json:"textStyle,omitempty"`
	// Not echarts options (hand-built; the page's tooltip function reads
	// them): TipLines name the lines of the tooltips (a Tip holds the
	// title then one value a line), written once, not per item; Tips are
	// the tooltips of an axis-triggered chart, one per category.
	TipLines []string `json:"tipLines,omitempty"`
	Tips     []Tip    `json:"tips,omitempty"`
}

// newOption is an option with the page's font and no animation (a
// printed chart must be drawn at once).
func newOption() *Option {
	return &Option{TextStyle: &opts.TextStyle{FontFamily: `system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif`}}
}

// Series is go-echarts' series with the options it lacks.
type Series struct {
	charts.SingleSeries
	// LayoutIterations of a Sankey (go-echarts has no field for it).
	LayoutIterations int `json:"layoutIterations,omitempty"`
	// MarkArea replaces SingleSeries' (whose corner types cannot give a
	// corner by category index and a label per area).
	MarkArea *MarkArea `json:"markArea,omitempty"`
	// MarkLine replaces SingleSeries' (which cannot make a line silent nor
	// place one at an x or y value).
	MarkLine *MarkLine `json:"markLine,omitempty"`
	// Label replaces SingleSeries' (go-echarts' label has no width nor
	// overflow: a name from the data must be cut, not run off the chart).
	Label *Label `json:"label,omitempty"`
	// Z orders a series' drawing and Silent takes it out of the mouse's
	// way (go-echarts has neither).
	Z      int  `json:"z,omitempty"`
	Silent bool `json:"silent,omitempty"`
}

// VisualMap is go-echarts' visual map with the length of its colour bar
// (itemHeight), which go-echarts lacks.
type VisualMap struct {
	opts.VisualMap
	ItemHeight int `json:"itemHeight,omitempty"`
}

// Label is go-echarts' label with a width and what text beyond it does.
type Label struct {
	opts.Label
	Width    int    `json:"width,omitempty"`
	Overflow string `json:"overflow,omitempty"`
}

// MarkLine is a series' reference lines (hand-built: see above), each at
// an x ({"xAxis": v}) or a y ({"yAxis": v}) value.
type MarkLine struct {
	Silent    bool             `json:"silent"`
	Symbol    string           `json:"symbol,omitempty"`
	LineStyle *opts.LineStyle  `json:"lineStyle,omitempty"`
	Label     *opts.Label      `json:"label,omitempty"`
	Data      []map[string]any `json:"data"`
}

// MarkArea is a shaded band of a series (hand-built: see above).
type MarkArea struct {
	Silent    bool            `json:"silent"`
	ItemStyle *opts.ItemStyle `json:"itemStyle,omitempty"`
	Label     *opts.Label     `json:"label,omitempty"`
	Data      [][2]MarkCorner `json:"data"`
}

// MarkCorner is one corner of a MarkArea: by category index (XAxis), or by
// coordinates (a value axis' corner "max": Coord's number stands).
type MarkCorner struct {
	Name  string    `json:"name,omitempty"`
	XAxis *int      `json:"xAxis,omitempty"`
	Coord []float64 `json:"coord,omitempty"`
}

// Tooltip is go-echarts' tooltip with what it lacks: confined to the
// chart (a tooltip must not spill off a narrow screen) and its text size.
type Tooltip struct {
	opts.Tooltip
	Confine   bool            `json:"confine"`
	TextStyle *opts.TextStyle `json:"textStyle,omitempty"`
}

// Tip is a data item's tooltip: its title, then the value of each of the
// option's TipLines (or, with no TipLines, name/value pairs: name, value,
// name, value…), written here; the page escapes them into the tooltip's
// HTML.
type Tip []string

// Item is one data item: go-echarts' value, name, style and label, with
// the row of the section's data it draws (I, for the drill-down), its
// tooltip and its label's text.
type Item struct {
	Name       string          `json:"name,omitempty"`
	Value      any             `json:"value"`
	ItemStyle  *opts.ItemStyle `json:"itemStyle,omitempty"`
	Label      *opts.Label     `json:"label,omitempty"`
	SymbolSize float64         `json:"symbolSize,omitempty"`
	I          *int            `json:"i,omitempty"`
	Tip        Tip             `json:"tip,omitempty"`
	Text       string          `json:"text,omitempty"`
}

// Formatter markers the page replaces with its one tooltip function and
// its one label function (neither formats: they read Tip and Text).
const (
	tipFormatter  types.FuncStr = "@tip"
	textFormatter               = "@text"
)

// The palette (Okabe–Ito, safe for colour-blind readers).
const (
	cBlue   = "#0072B2"
	cOrange = "#E69F00"
	cVerm   = "#D55E00"
	cGreen  = "#009E73"
	cSky    = "#56B4E9"
	cPurple = "#CC79A7"
	cYellow = "#F0E442"
	cGrey   = "#8c959f"
	cInk    = "#1d2329"
)

var palette = []string{cBlue, cOrange, cGreen, cVerm, cSky, cPurple, cYellow, "#555555"}

// Declared chart shapes shared by the sections.

func tooltip(trigger string) *Tooltip {
	return &Tooltip{Tooltip: opts.Tooltip{Trigger: trigger, Formatter: tipFormatter}, Confine: true,
		TextStyle: &opts.TextStyle{FontSize: 12}}
}

func axisTooltip(shadow bool) *Tooltip {
	t := tooltip("axis")
	if shadow {
		t.AxisPointer = &opts.AxisPointer{Type: "shadow"}
	}
	return t
}

func scrollLegend() *opts.Legend {
	return &opts.Legend{Top: "0", Type: "scroll", TextStyle: &opts.TextStyle{Width: 220, Overflow: "truncate"}}
}

func plainLegend() *opts.Legend {
	return &opts.Legend{Top: "0", TextStyle: &opts.TextStyle{FontSize: 11}}
}

func grid(left, right, top, bottom int) *opts.Grid {
	return &opts.Grid{Left: px(left), Right: px(right), Top: px(top), Bottom: px(bottom)}
}

func px(n int) string { return strconv.Itoa(n) }

// pctAxis is a value axis of rates, in percent (the series' values are
// percents: toPct).
func pctAxis() opts.XAxis {
	return opts.XAxis{Type: "value", Min: 0, Max: 100, AxisLabel: &opts.AxisLabel{Formatter: "{value}%"}}
}

func pctYAxis() opts.YAxis {
	return opts.YAxis{Type: "value", Min: 0, Max: 100, AxisLabel: &opts.AxisLabel{Formatter: "{value}%"}}
}

// catLabel is a category axis label of names: one line, cut at 150 px.
func catLabel() *opts.AxisLabel {
	return &opts.AxisLabel{Width: 150, Overflow: "truncate"}
}

// toPct is a rate as the percent a chart draws (nil: "-", no point).
func toPct(p *float64) any {
	if p == nil {
		return "-"
	}
	return math.Round(*p*1e6) / 1e4
}

func pctOr(p *float64) string {
	if p == nil {
		return "–"
	}
	return pct(*p)
}

func ptr[T any](v T) *T { return &v }

// oneLine is a name from the data as one line of text (an axis label
// cannot break), "(blank)" when empty.
func oneLine(s string) string {
	if s == "" {
		return "(blank)"
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029'
	}), " ")
}
