package reports

// resolutionRow is a row of sql/report/resolution.sql's departments.
type resolutionRow struct {
	Department       string   `col:"department"`
	Contacts         int64    `col:"contacts"`
	Claimed          *float64 `col:"claimed"`
	Verified         *float64 `col:"verified"`
	AHTSeconds       *float64 `col:"aht_seconds"`
	AHTTargetSeconds *float64 `col:"aht_target_seconds"`
	Departments      int64    `col:"departments"`
}

// resolutionChart declares the claimed-vs-verified chart: a band a
// department, the claimed and the verified rate as bars.
var resolutionChart = barDecl{
	Y: "department",
	Series: []barSeries{
		{Name: "Claimed resolution (scorecard)", X: "claimed", Color: cBlue},
		{Name: "Verified resolution (customer)", X: "verified", Color: cOrange},
	},
	Tip: []tipLine{{"Contacts", "contacts"}, {"Claimed resolution", "claimed"}, {"Verified resolution", "verified"},
		{"Average handle time", "aht_seconds"}, {"Handle-time target", "aht_target_seconds"}},
	LabelSize: 11,
	Grid:      [4]int{160, 56, 36, 28},
	Legend:    scrollLegend(),
	Drill:     true,
}
