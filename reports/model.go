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
}

// Headline is the three tiles at the top and the sentence under them.
type Headline struct {
	Status  string `json:"status"`
	Note    string `json:"note,omitempty"`
	Finding string `json:"finding,omitempty"`
	Week    string `json:"week,omitempty"`
	Tiles   []Tile `json:"tiles,omitempty"`
}

// Tile is one headline figure, a rate, with the previous period's value.
type Tile struct {
	Key   string   `json:"key"`
	Label string   `json:"label"`
	Help  string   `json:"help"`
	Value *float64 `json:"value"`
	Prev  *float64 `json:"prev"`
	Whole *float64 `json:"whole"` // over the whole period
	// Note replaces the week-on-week change when there is none to give.
	Note string `json:"note,omitempty"`
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
	Chart   *Chart `json:"chart,omitempty"`
	Data    *Table `json:"data,omitempty"`  // the chart's data, offered as CSV
	Table   *Table `json:"table,omitempty"` // shown as an HTML table, offered as CSV
	Stats   []Stat `json:"stats,omitempty"`
	Sub     string `json:"sub,omitempty"` // a short subtitle
	// Height of the chart in pixels; 0 lets the page choose.
	Height int `json:"height,omitempty"`
}

// Chart says how the page script draws a section's Data.
type Chart struct {
	Kind   string         `json:"kind"`
	Params map[string]any `json:"params,omitempty"`
}

// Table is a rectangular data set with typed columns.
type Table struct {
	Columns []Column `json:"columns"`
	Rows    [][]any  `json:"rows"`
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
}

// Stat is one figure of a customer scorecard.
type Stat struct {
	Label string `json:"label"`
	Value string `json:"value"`
	Bad   bool   `json:"bad,omitempty"`
}

func col(key, label, format string) Column { return Column{Key: key, Label: label, Format: format} }
