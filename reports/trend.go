package reports

import (
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Typed rows of sql/report/headline.sql and trend.sql.

type schemaRow struct {
	Table  string `col:"table_name"`
	Column string `col:"column_name"`
	Type   string `col:"data_type"`
}

type spanRow struct {
	Contacts int64   `col:"contacts"`
	First    *string `col:"first"`
	Last     *string `col:"last"`
}

type settledTotalRow struct {
	Judged       int64   `col:"judged"`
	Claimed      int64   `col:"claimed"`
	Failed       int64   `col:"failed"`
	Gap          int64   `col:"gap"`
	Through      *string `col:"through"`
	ThroughLocal *string `col:"through_local"`
}

type countsRow struct {
	Judged  int64 `col:"judged"`
	Claimed int64 `col:"claimed"`
	Failed  int64 `col:"failed"`
	Gap     int64 `col:"gap"`
}

type trendWeekRow struct {
	Week               string   `col:"week"`
	Settled            bool     `col:"settled"`
	Contacts           int64    `col:"contacts"`
	Judged             int64    `col:"judged"`
	Claimed            int64    `col:"claimed"`
	Failed             int64    `col:"failed"`
	GapContacts        int64    `col:"gap_contacts"`
	FailureDemandShare *float64 `col:"failure_demand_share"`
}

func strOr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// roundedPtr is an optional float, rounded (round).
func roundedPtr(p *float64) *float64 {
	if p == nil {
		return nil
	}
	return ptr(round(*p))
}

// trendColumns are the trend's data columns (the section's and every
// filtered view's).
func trendColumns() []Column {
	return []Column{
		col("week", "Week starting", fmtDate),
		mcol("contacts", "Contacts", fmtInt, "contacts"),
		mcol("kpi_rate", "KPI-met rate (scorecard success)", fmtPct, "kpi_rate"),
		mcol("customer_rate", "Verified-outcome rate (customer not failed)", fmtPct, "customer_rate"),
		mcol("gap_rate", "Gap rate (successes that failed the customer)", fmtPct, "gap_rate"),
		mcol("gap_contacts", "Gap contacts", fmtInt, "gap_contacts"),
		mcol("failure_demand_share", "Failure demand share", fmtPct, "failure_demand_share"),
	}
}

// trendChart declares the trend: a line a rate over the weeks, the rates
// in percent, the weeks whose outcomes are still open shaded.
var trendChart = lineDecl{
	X: "week",
	Series: []lineSeries{
		{Name: "KPI-met rate", Y: "kpi_rate", Color: cBlue},
		{Name: "Verified-outcome rate", Y: "customer_rate", Color: cOrange},
		{Name: "Gap rate", Y: "gap_rate", Color: cVerm, Dashed: true},
		{Name: "Failure demand share", Y: "failure_demand_share", Color: cGrey, Dashed: true, Hidden: true},
	},
	Tip: []tipLine{{"Contacts", "contacts"}, {"KPI-met rate", "kpi_rate"}, {"Verified-outcome rate", "customer_rate"},
		{"Gap rate", "gap_rate"}, {"Failure demand share", "failure_demand_share"}},
}

// trendOption is the trend's option over a table of trendColumns.
func trendOption(t *Table) *Option {
	o := trendChart.option(t, func(row []any) string { return "Week of " + day(cellText(t, row, "week")) })
	// Shade the weeks whose outcomes are still open (no rates yet) from the
	// last settled week's point: the open weeks have no points of their own,
	// and one open week alone would give a band of no width.
	open := -1
	for i, r := range t.Rows {
		if cellAt(t, r, "kpi_rate") == nil && cellAt(t, r, "contacts") != nil {
			open = i
			break
		}
	}
	if len(o.Series) > 0 {
		// none shaded (kept, so that a filtered view's trend replaces it)
		o.Series[0].MarkArea = &MarkArea{Data: [][2]MarkCorner{}}
	}
	if open >= 0 && len(o.Series) > 0 {
		from, to := max(open-1, 0), len(t.Rows)-1
		o.Series[0].MarkArea = &MarkArea{Silent: true, ItemStyle: &opts.ItemStyle{Color: "rgba(140,149,159,0.14)"},
			Label: &opts.Label{Color: cGrey, Position: "insideTop", Formatter: "outcomes still open"},
			Data:  [][2]MarkCorner{{{XAxis: ptr(from)}, {XAxis: ptr(to)}}}}
	}
	return o
}
