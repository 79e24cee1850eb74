package reports

// Model is everything the page shows. It is serialised as JSON into the
// page for the charts and CSV downloads, and rendered as text by the page
// template; the golden tests compare it.
type Model struct {
	Title     string    `json:"title"`
	Generated string    `json:"generated"`
	Period    string    `json:"period"`
	Tiles     Headline  `json:"headline"`
	Main      []Section `json:"main"`
	Journeys  []Section `json:"journeys"`
	Reference []Section `json:"reference"`
	// Drill holds the journeys behind the chart elements that open a
	// drill-down panel (drill.go); Filters the counts the filtered views
	// are drawn from (filters.go).
	Drill   *Drill   `json:"drill,omitempty"`
	Filters *Filters `json:"filters,omitempty"`
}

// Headline is the three tiles at the top and the sentence under them.
type Headline struct {
	Status  string `json:"status"`
	Note    string `json:"note,omitempty"`
	Finding string `json:"finding,omitempty"`
	// Figures are the numbers of Finding then Note, in the order printed.
	Figures []Figure `json:"figures,omitempty"`
	Week    string   `json:"week,omitempty"`
	// PrevWeek is the week the tiles' change is measured from.
	PrevWeek string `json:"prev_week,omitempty"`
	Tiles    []Tile `json:"tiles,omitempty"`
}

// Figure is one number a sentence prints, with what it measures and over
// which contacts, so that the figure audit test can recompute it from the
// glossary's definition. Every number in a finding or note is one.
type Figure struct {
	Text    string  `json:"text"`              // as printed
	Measure string  `json:"measure"`           // e.g. "gap_rate"; the audit's vocabulary
	Value   float64 `json:"value"`             // unrounded (dates: 0)
	Scope   Scope   `json:"scope"`             // whose figure it is
	Arg     string  `json:"arg,omitempty"`     // a measure's parameter (a KPI name, a bucket)
	Compare *Scope  `json:"compare,omitempty"` // for a change: the period it is measured from
}

// Scope says which contacts (or journeys) a figure is over.
type Scope struct {
	// Dim is all, agent, team, department, channel, topic, source_system,
	// first_channel (journeys, by the channel they started in) or journey.
	Dim    string `json:"dim"`
	Member string `json:"member,omitempty"`
	// Period is "all" (every contact), "settled" (the settled weeks),
	// "settled-since:YYYY-MM-DD" (the settled contacts of the weeks from
	// that Monday on), "since:YYYY-MM-DD", "week:YYYY-MM-DD" or "" (the
	// figure does not depend on one).
	Period string `json:"period,omitempty"`
	// Department and Channel narrow the contacts to one department and/or
	// channel (a filtered view's figures).
	Department string `json:"department,omitempty"`
	Channel    string `json:"channel,omitempty"`
}

// Tile is one headline figure, a rate, with the previous period's value.
type Tile struct {
	Key string `json:"key"`
	// Measure is what the tile's rates are (Figure.Measure).
	Measure string   `json:"measure"`
	Label   string   `json:"label"`
	Help    string   `json:"help"`
	Value   *float64 `json:"value"`
	Prev    *float64 `json:"prev"`
	Whole   *float64 `json:"whole"` // over the whole period
	// Note replaces the week-on-week change when there is none to give.
	Note string `json:"note,omitempty"`
	// Text, when set, is the tile's value as printed (a tile of money, not
	// a rate), Detail the line under it, and Figures the numbers of the
	// two, in order.
	Text    string   `json:"text,omitempty"`
	Detail  string   `json:"detail,omitempty"`
	Figures []Figure `json:"figures,omitempty"`
	// Good is the direction that is good news: "up" or "down".
	Good string `json:"good"`
}

// Section statuses.
const (
	statusOK     = "ok"
	statusNoData = "nodata"
	statusError  = "error"
)

// Section is one panel: a finding, an optional chart with its data, an
// optional table, optional scorecard figures.
type Section struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Status  string `json:"status"`
	Finding string `json:"finding,omitempty"`
	Note    string `json:"note,omitempty"`
	// Figures are the numbers of Finding then Note, in the order printed.
	Figures []Figure `json:"figures,omitempty"`
	Chart   *Chart   `json:"chart,omitempty"`
	Data    *Table   `json:"data,omitempty"`  // the chart's data, offered as CSV
	Table   *Table   `json:"table,omitempty"` // shown as an HTML table, offered as CSV
	Stats   []Stat   `json:"stats,omitempty"`
	Grid    *Grid    `json:"grid,omitempty"` // a matrix of coloured figures (the scorecard)
	Sub     string   `json:"sub,omitempty"`  // a short subtitle
	// Height of the chart in pixels; 0 lets the page choose.
	Height int `json:"height,omitempty"`
	// Drill names, for each row of Data, the drill-down list it opens
	// (a key of Model.Drill.Lists; "" for none).
	Drill []string `json:"drill,omitempty"`
}

// Chart is a section's chart: its kind and Option, the echarts option
// built in Go (chart.go), which the page hands to setOption as it is.
type Chart struct {
	Kind   string  `json:"kind"`
	Option *Option `json:"option,omitempty"`
}

// Table is a rectangular data set with typed columns.
type Table struct {
	Columns []Column `json:"columns"`
	Rows    [][]any  `json:"rows"`
	// RowScope says whose figures a row holds: the dimension (or the key
	// of the column holding it), the column of the member and of the
	// period (or a fixed period). The figure audit reads the columns'
	// Measure over that scope.
	RowScope *RowScope `json:"row_scope,omitempty"`
}

// RowScope describes the scope of each row of a Table.
type RowScope struct {
	Dim       string `json:"dim,omitempty"`        // fixed dimension
	DimCol    string `json:"dim_col,omitempty"`    // or the column holding it
	Member    string `json:"member,omitempty"`     // fixed member
	MemberCol string `json:"member_col,omitempty"` // the member's column
	Period    string `json:"period,omitempty"`     // fixed period ("settled", "all")
	WeekCol   string `json:"week_col,omitempty"`   // or the column of the week
	ArgCol    string `json:"arg_col,omitempty"`    // the column of the measures' Arg
	// Department and Channel narrow every row to the contacts of one
	// department and/or channel (a filtered view's rows).
	Department string `json:"department,omitempty"`
	Channel    string `json:"channel,omitempty"`
}

// Column formats: how the page shows a value (the CSV keeps raw values).
const (
	fmtText  = "text"
	fmtInt   = "int"
	fmtNum   = "num"
	fmtPct   = "pct"
	fmtDur   = "dur"   // seconds, shown as h/min
	fmtHours = "hours" // hours, shown as h/min
	fmtDays  = "days"
	fmtDate  = "date"
	fmtTime  = "time"
	fmtBool  = "bool"
)

// Column is one column of a Table.
type Column struct {
	Key    string `json:"key"`
	Label  string `json:"label"`
	Format string `json:"format"`
	// Measure is what the column's numbers are (the audit's vocabulary,
	// as Figure.Measure); "" for labels.
	Measure string `json:"measure,omitempty"`
	Arg     string `json:"arg,omitempty"`
}

// Grid is a matrix of figures shown as an HTML table: a row per member,
// a column per KPI, each cell coloured by its status against the target
// in force. Its data, long, is the section's Data.
type Grid struct {
	Corner  string       `json:"corner"`
	Columns []GridColumn `json:"columns"`
	Rows    []GridRow    `json:"rows"`
}

// GridColumn heads one column of a Grid.
type GridColumn struct {
	Label string `json:"label"`
	Help  string `json:"help,omitempty"`
}

// GridRow is one member's cells, in column order.
type GridRow struct {
	Label string     `json:"label"`
	Cells []GridCell `json:"cells"`
}

// GridCell is one figure with its status (green, amber, red; "" when it
// has none) and what the status is judged against.
type GridCell struct {
	Text   string  `json:"text,omitempty"` // "" where nothing was measured
	Status string  `json:"status,omitempty"`
	Title  string  `json:"title,omitempty"` // the target, shown on hover
	Figure *Figure `json:"figure,omitempty"`
	// Target is the number of Title.
	Target *Figure `json:"target,omitempty"`
}

// Stat is one figure of a customer scorecard.
type Stat struct {
	Label string `json:"label"`
	Value string `json:"value"`
	Bad   bool   `json:"bad,omitempty"`
	// Figure is the number in Value (nil when Value is words only).
	Figure *Figure `json:"figure,omitempty"`
}

func col(key, label, format string) Column { return Column{Key: key, Label: label, Format: format} }

// mcol is a column of figures: measure over the row's scope.
func mcol(key, label, format, measure string) Column {
	return Column{Key: key, Label: label, Format: format, Measure: measure}
}
