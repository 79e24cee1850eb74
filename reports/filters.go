package reports

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-echarts/go-echarts/v2/opts"
)

// Filters: a department, a channel and a period selector re-draw the
// headline tiles, the weekly trend, the quadrant and the heatmap. The page
// never sees a contact: it sums the counts embedded here (Cells,
// MemberCells: the gap mart's counts — contacts, judged, claimed, failed,
// gap — per department, channel, week and settledness, and per quadrant
// member, department, channel and period band) and divides, as the gap mart
// re-aggregates. The tiles and the finding sentences of a filtered view
// are not written in the browser: they are written here, by View, once per
// filter value (Views), so there is one writer of sentences and every
// number in them is a Figure the figure audit recomputes. So are the three
// charts: View builds each one's option with the section's own code
// (trendOption, quadrantOption, heatmapOption) and embeds it in compact
// form (ViewChart: what differs from the section's option, and the points
// as rows of numbers and indexes into Strings); the page only puts the
// pieces together and hands them to setOption (a browser test holds the
// drawn option equal to the one built here). The counts are not embedded:
// the page computes nothing from them.

// maxFilterMembers caps the departments (and channels) a selector offers:
// the ones with the most contacts; the rest count under "all" only.
const maxFilterMembers = 30

// Filters is what the filtered views are drawn from.
type Filters struct {
	Departments []string       `json:"departments"` // selectable, most contacts first
	Channels    []string       `json:"channels"`
	Periods     []FilterPeriod `json:"periods"`
	// Weeks are the trend's weeks (Monday, YYYY-MM-DD), oldest first.
	Weeks []string `json:"weeks"`
	// Cells are counts of contacts with one department, channel, week and
	// settledness: [department, channel, week, settled (0/1), contacts,
	// judged, claimed, failed, gap, journeyed, repeats]. Department
	// len(Departments) (channel len(Channels)) stands for all the others;
	// week -1 for the weeks before Weeks.
	Cells [][]int64 `json:"-"`
	// Members are the quadrant's points (agents and teams).
	Members []FilterMember `json:"-"`
	// MemberCells are counts of a member's settled contacts with one
	// department, channel and band: [member, department, channel, band,
	// contacts, judged, claimed, failed, gap]. A period counts the bands
	// from its own Band up.
	MemberCells [][]int64 `json:"-"`
	// Views are the tiles, sentences and charts of every selection, by
	// ViewKey.
	Views map[string]*FilterView `json:"views"`
	// Fields name, for each filtered chart (by section id), what a compact
	// point holds, in order (ViewChart.Points); Strings are the texts of
	// the views' charts, each once.
	Fields  map[string][]string `json:"fields"`
	Strings []string            `json:"strings"`

	strs       map[string]int // Strings' indexes
	heatRow    map[string]int // the heatmap section's row of a department and week
	heatHeight int            // the heatmap section's height
}

// FilterPeriod is a choice of the period selector: the weeks from From
// (a Monday; "" for every week).
type FilterPeriod struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	From  string `json:"from,omitempty"`
	Band  int    `json:"band"`
}

// FilterMember is a quadrant point, with the drill-down list it opens.
type FilterMember struct {
	Level string `json:"level"`
	Name  string `json:"name"`
	Drill string `json:"drill,omitempty"`
}

// Selection is a filter value: a department and a channel (indexes into
// Filters.Departments and Channels, -1 for all) and a period (an index
// into Filters.Periods).
type Selection struct {
	Department, Channel, Period int
}

// ViewKey names a selection in Filters.Views.
func ViewKey(s Selection) string {
	return fmt.Sprintf("%d|%d|%d", s.Department, s.Channel, s.Period)
}

// FilterView is the headline and findings of one selection.
type FilterView struct {
	// Week is the headline's week, PrevWeek the one its change is from.
	Week     string       `json:"week,omitempty"`
	PrevWeek string       `json:"prev_week,omitempty"`
	Tiles    []FilterTile `json:"tiles,omitempty"`
	Headline string       `json:"headline"`
	Trend    string       `json:"trend"`
	Quadrant string       `json:"quadrant"`
	Heatmap  string       `json:"heatmap"`

	// For the figure audit and the tests (not embedded): the figures of
	// each sentence in order, the scope of the tiles, and the rows the page
	// draws the charts from.
	Figures        map[string][]Figure `json:"-"`
	TileScopes     [3]Scope            `json:"-"` // value, previous week, whole period
	TrendRows      *Table              `json:"-"`
	QuadrantRows   *Table              `json:"-"`
	HeatmapRows    *Table              `json:"-"`
	QuadrantLines  [2]float64          `json:"-"`
	HeatmapColumns []string            `json:"-"` // the departments, in the order drawn
	// QuadrantMembers are the Members of QuadrantRows, row by row.
	QuadrantMembers []int `json:"-"`
	// Options are the charts' options as built (Charts is their compact
	// form).
	Options map[string]*Option `json:"-"`

	// Charts are the view's charts (trend, quadrant, heatmap), compact.
	Charts map[string]*ViewChart `json:"charts,omitempty"`
}

// ViewChart is a chart of a filtered view, compact: Set holds what differs
// from the section's option besides the points (the categories, the
// axes' bounds, the shaded areas and lines, the colour scale), each array
// element merged over the section's (Object.assign); Points are each
// series' data items, an item a row of the Filters.Fields of the chart (a
// text an index into Filters.Strings; "tip", last, takes the rest of the
// row); Tips are an axis-triggered chart's tooltips by category.
type ViewChart struct {
	Set    *Option   `json:"set"`
	Points [][][]any `json:"points"`
	Tips   [][]int   `json:"tips,omitempty"`
	// Height is the chart's own height in pixels when it differs from the
	// section's (a heatmap of fewer departments); 0: the section's.
	Height int `json:"height,omitempty"`
}

// FilterTile is a rate tile of a filtered headline (the order of the
// headline's: KPI-met, verified-outcome, gap rate).
type FilterTile struct {
	Value *float64 `json:"-"`
	Prev  *float64 `json:"-"`
	Whole *float64 `json:"-"`
	// The tile as the page shows it, written by the headline's formatters
	// (page.go): the value, the change (and its class: good, bad, flat)
	// and the period's figure.
	Text       string `json:"text"`
	Delta      string `json:"delta"`
	DeltaClass string `json:"class,omitempty"`
	WholeText  string `json:"whole"`
}

// wholeWords name a period's figure on a tile.
var wholeWords = map[string]string{"4w": "last 4 weeks ", "13w": "last 13 weeks ", "all": "whole period "}

// writeTiles writes the view's tiles' texts (KPI-met and verified-outcome
// rates are good up, the gap rate down).
func (f *Filters) writeTiles(v *FilterView, s Selection) {
	for i := range v.Tiles {
		t := &v.Tiles[i]
		good := "up"
		if i == 2 {
			good = "down"
		}
		t.Text = "–"
		if t.Value != nil {
			t.Text = pct(*t.Value)
		}
		d := tileDelta(Tile{Value: t.Value, Prev: t.Prev, Good: good})
		t.Delta, t.DeltaClass = d.Text, d.Class
		if t.Whole != nil {
			t.WholeText = wholeWords[f.Periods[s.Period].Key] + pct(*t.Whole)
		}
	}
}

// counts are the gap mart's counts of some contacts.
type counts struct{ contacts, judged, claimed, failed, gap, journeyed, repeats int64 }

func (c *counts) add(v []int64) {
	c.contacts += v[0]
	c.judged += v[1]
	c.claimed += v[2]
	c.failed += v[3]
	c.gap += v[4]
	if len(v) > 5 {
		c.journeyed += v[5]
		c.repeats += v[6]
	}
}

func (c counts) rates() (kpi, customer, gap *float64) {
	return rates(c.judged, c.claimed, c.failed, c.gap)
}

// filters reads the counts and writes every selection's view.
func (b *builder) filters(m *Model) {
	if m.Tiles.Status != statusOK || m.Tiles.Week == "" || len(b.weeks) == 0 || !b.total.ok {
		return // no settled week: nothing to filter
	}
	if !b.has("contact_facts", "department", "channel", "business_date", "started_at", "outcome_failed", "claimed_success", "gap", "is_repeat") {
		return
	}
	f, err := b.loadFilters(m)
	if err != nil {
		b.log.Warn("report: filters", "err", err)
		return
	}
	f.Views = map[string]*FilterView{}
	for d := -1; d < len(f.Departments); d++ {
		for c := -1; c < len(f.Channels); c++ {
			for p := range f.Periods {
				s := Selection{d, c, p}
				f.Views[ViewKey(s)] = f.View(s)
			}
		}
	}
	f.renumber()
	m.Filters = f
}

func (b *builder) loadFilters(m *Model) (*Filters, error) {
	f := &Filters{}
	for _, w := range b.weeks {
		f.Weeks = append(f.Weeks, w.week)
	}
	h, err := time.Parse(time.DateOnly, m.Tiles.Week)
	if err != nil {
		return nil, fmt.Errorf("headline week %q: %w", m.Tiles.Week, err)
	}
	// A period starts at the first week with contacts of its calendar
	// weeks (one reaching back before the data starts at its first week).
	from := func(weeks int) string {
		cal := h.AddDate(0, 0, -7*(weeks-1)).Format(time.DateOnly)
		for _, w := range f.Weeks {
			if w >= cal {
				return w
			}
		}
		return m.Tiles.Week
	}
	f.Periods = []FilterPeriod{
		{Key: "4w", Label: "Last 4 weeks", From: from(4), Band: 2},
		{Key: "13w", Label: "Last quarter (13 weeks)", From: from(13), Band: 1},
		{Key: "all", Label: "Every week", Band: 0},
	}
	recs, err := rows[cellRow](b, "filters", "cells", b.total.through)
	if err != nil {
		return nil, err
	}
	volume := func(key func(cellRow) string, skip string) []string {
		n := map[string]int64{}
		for _, r := range recs {
			n[key(r)] += r.Contacts
		}
		var names []string
		for k := range n {
			if k != skip {
				names = append(names, k)
			}
		}
		slices.SortFunc(names, func(a, b string) int {
			if n[a] != n[b] {
				if n[a] > n[b] {
					return -1
				}
				return 1
			}
			return strings.Compare(a, b)
		})
		if len(names) > maxFilterMembers {
			names = names[:maxFilterMembers]
		}
		return names
	}
	f.Departments = volume(func(r cellRow) string { return r.Department }, noMember)
	f.Channels = volume(func(r cellRow) string { return r.Channel }, "")
	index := func(names []string) map[string]int64 {
		ix := map[string]int64{}
		for i, n := range names {
			ix[n] = int64(i)
		}
		return ix
	}
	di, ci, wi := index(f.Departments), index(f.Channels), index(f.Weeks)
	at := func(ix map[string]int64, k string, other int64) int64 {
		if i, ok := ix[k]; ok {
			return i
		}
		return other
	}
	cells := map[[4]int64]*[7]int64{}
	var keys [][4]int64
	for _, r := range recs {
		settled := int64(0)
		if r.Settled {
			settled = 1
		}
		k := [4]int64{at(di, r.Department, int64(len(f.Departments))), at(ci, r.Channel, int64(len(f.Channels))),
			at(wi, r.Week, -1), settled}
		c, ok := cells[k]
		if !ok {
			c = &[7]int64{}
			cells[k] = c
			keys = append(keys, k)
		}
		for i, n := range []int64{r.Contacts, r.Judged, r.Claimed, r.Failed, r.Gap, r.Journeyed, r.Repeats} {
			c[i] += n
		}
	}
	slices.SortFunc(keys, func(a, b [4]int64) int { return slices.Compare(a[:], b[:]) })
	for _, k := range keys {
		f.Cells = append(f.Cells, append(k[:], cells[k][:]...))
	}
	// The heatmap's cells, as drawn (a filtered cell opens the section's
	// list of its department and week).
	f.heatRow = map[string]int{}
	for i := range m.Main {
		if h := m.Main[i]; h.ID == "heatmap" && h.Status == statusOK && h.Data != nil {
			f.heatHeight = h.Height
			for k, r := range h.Data.Rows {
				f.heatRow[cellText(h.Data, r, "department")+"\x00"+cellText(h.Data, r, "week")] = k
			}
		}
	}
	// The quadrant's members, as drawn, and their settled contacts.
	var q *Section
	for i := range m.Main {
		if m.Main[i].ID == "quadrant" && m.Main[i].Status == statusOK && m.Main[i].Data != nil {
			q = &m.Main[i]
		}
	}
	if q == nil || !b.has("contact_facts", "agent_id", "team") {
		return f, nil
	}
	mi := map[string]int64{}
	for i, r := range q.Data.Rows {
		fm := FilterMember{Level: cellText(q.Data, r, "level"), Name: cellText(q.Data, r, "member")}
		if i < len(q.Drill) {
			fm.Drill = q.Drill[i]
		}
		mi[fm.Level+"\x00"+fm.Name] = int64(len(f.Members))
		f.Members = append(f.Members, fm)
	}
	mt, err := rows[memberCellRow](b, "filters", "members", f.Periods[0].From, f.Periods[1].From, b.total.through)
	if err != nil {
		return nil, err
	}
	mcells := map[[4]int64]*[5]int64{}
	var mkeys [][4]int64
	for _, r := range mt {
		m, ok := mi[r.Level+"\x00"+r.Member]
		if !ok {
			continue // not drawn
		}
		k := [4]int64{m, at(di, r.Department, int64(len(f.Departments))), at(ci, r.Channel, int64(len(f.Channels))), r.Band}
		c, ok := mcells[k]
		if !ok {
			c = &[5]int64{}
			mcells[k] = c
			mkeys = append(mkeys, k)
		}
		for i, n := range []int64{r.Contacts, r.Judged, r.Claimed, r.Failed, r.Gap} {
			c[i] += n
		}
	}
	slices.SortFunc(mkeys, func(a, b [4]int64) int { return slices.Compare(a[:], b[:]) })
	for _, k := range mkeys {
		f.MemberCells = append(f.MemberCells, append(k[:], mcells[k][:]...))
	}
	return f, nil
}

// in reports whether a cell's department and channel are selected.
func (s Selection) in(dept, channel int64) bool {
	return (s.Department < 0 || int64(s.Department) == dept) && (s.Channel < 0 || int64(s.Channel) == channel)
}

// scope is the scope of a figure of the selection.
func (f *Filters) scope(s Selection, sc Scope) Scope {
	if s.Department >= 0 {
		sc.Department = f.Departments[s.Department]
	}
	if s.Channel >= 0 {
		sc.Channel = f.Channels[s.Channel]
	}
	return sc
}

// settledPeriod is the period of the selection's whole-period figures: the
// settled contacts of its weeks.
func (f *Filters) settledPeriod(s Selection) string {
	if p := f.Periods[s.Period]; p.From != "" {
		return "settled-since:" + p.From
	}
	return "settled"
}

// filteredWeek is one week of a selection: every contact, and whether all
// are settled.
type filteredWeek struct {
	week    string
	all     counts
	settled bool
}

// weeks are the selection's weeks in its period that have contacts.
func (f *Filters) weeks(s Selection) []filteredWeek {
	by := make([]counts, len(f.Weeks))
	open := make([]bool, len(f.Weeks))
	for _, c := range f.Cells {
		if c[2] < 0 || !s.in(c[0], c[1]) {
			continue
		}
		by[c[2]].add(c[4:])
		if c[3] == 0 {
			open[c[2]] = true
		}
	}
	from := f.Periods[s.Period].From
	var out []filteredWeek
	for i, w := range f.Weeks {
		if by[i].contacts > 0 && w >= from {
			out = append(out, filteredWeek{week: w, all: by[i], settled: !open[i]})
		}
	}
	return out
}

// whole is the selection's settled contacts over its period.
func (f *Filters) whole(s Selection) counts {
	var c counts
	from := f.Periods[s.Period].From
	for _, v := range f.Cells {
		if v[3] == 1 && s.in(v[0], v[1]) && (from == "" || v[2] >= 0 && f.Weeks[v[2]] >= from) {
			c.add(v[4:])
		}
	}
	return c
}

// lead names the selection at the head of a sentence: "In “Billing” on
// “phone”, since the week of 5 Feb 2024". withPeriod leaves out the period
// for the headline, which is about one week.
func (f *Filters) lead(fs *figs, s Selection, withPeriod bool) string {
	var where string
	switch {
	case s.Department >= 0 && s.Channel >= 0:
		where = "in " + quoted(f.Departments[s.Department]) + " on " + quoted(f.Channels[s.Channel])
	case s.Department >= 0:
		where = "in " + quoted(f.Departments[s.Department])
	case s.Channel >= 0:
		where = "on " + quoted(f.Channels[s.Channel])
	}
	if p := f.Periods[s.Period]; withPeriod && p.From != "" {
		if where != "" {
			where += ", "
		}
		where += "since the week of " + fs.week(p.From)
	}
	return where
}

// sentence joins a lead and the rest, capitalised.
func sentence(lead, rest string) string {
	s := rest
	if lead != "" {
		s = lead + ", " + rest
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// View writes the tiles and findings of a selection from the counts: the
// headline, the trend, the quadrant and the heatmap, as their sections
// write them for the whole organisation.
func (f *Filters) View(s Selection) *FilterView {
	v := &FilterView{Figures: map[string][]Figure{}}
	weeks := f.weeks(s)
	whole := f.whole(s)
	f.viewHeadline(v, s, weeks, whole)
	f.writeTiles(v, s)
	f.viewTrend(v, s, weeks, whole)
	f.viewQuadrant(v, s, whole)
	f.viewHeatmap(v, s)
	f.viewCharts(v)
	return v
}

// viewFields are the fields of a compact point of each filtered chart:
// value (as is), x and y (the value's two numbers), symbolSize and i (as
// are), di (i less the series' previous point's i, the first's less -1:
// the points come in row order, so mostly 1), text (an index into
// Strings), tip (the rest of the row, indexes into Strings), lines (the
// same without the title: the title is the one of the section's item of
// the same i; a quadrant member keeps its name whatever the view).
var viewFields = map[string][]string{
	"trend":    {"value"},
	"quadrant": {"x", "y", "symbolSize", "di", "lines"},
	"heatmap":  {"value", "i", "text", "tip"},
}

// viewCharts builds the view's charts as their sections do, then their
// compact forms. A point's row (Item.I, the drill-down) is the section's
// row drawing the same element: a quadrant member's, a heatmap cell's (a
// cell the section does not draw opens nothing).
func (f *Filters) viewCharts(v *FilterView) {
	if f.Fields == nil {
		f.Fields, f.strs = viewFields, map[string]int{}
	}
	v.Options, v.Charts = map[string]*Option{}, map[string]*ViewChart{}
	if v.TrendRows != nil && len(v.TrendRows.Rows) > 0 {
		o := trendOption(v.TrendRows)
		set := &Option{XAxis: []opts.XAxis{{Data: o.XAxis[0].Data}}, Series: []Series{{MarkArea: o.Series[0].MarkArea}}}
		v.Options["trend"], v.Charts["trend"] = o, f.compact(o, set, "trend")
	}
	if q := v.QuadrantRows; q != nil && len(q.Rows) > 0 {
		o := quadrantOption(q, v.QuadrantLines[0], v.QuadrantLines[1])
		for _, se := range o.Series {
			for k, it := range se.Data.([]Item) {
				se.Data.([]Item)[k].I = ptr(v.QuadrantMembers[*it.I])
			}
		}
		set := &Option{XAxis: []opts.XAxis{{Min: o.XAxis[0].Min}}, YAxis: []opts.YAxis{{Min: o.YAxis[0].Min}},
			Series: []Series{{MarkArea: o.Series[0].MarkArea, MarkLine: o.Series[0].MarkLine}}}
		v.Options["quadrant"], v.Charts["quadrant"] = o, f.compact(o, set, "quadrant")
	}
	if h := v.HeatmapRows; h != nil && len(h.Rows) > 0 {
		o := heatmapOption(h, v.HeatmapColumns)
		items := o.Series[0].Data.([]Item)
		for k, it := range items {
			r := h.Rows[*it.I]
			if i, ok := f.heatRow[cellText(h, r, "department")+"\x00"+cellText(h, r, "week")]; ok {
				items[k].I = ptr(i)
			} else {
				items[k].I = nil
			}
		}
		set := &Option{XAxis: []opts.XAxis{{Data: o.XAxis[0].Data}}, YAxis: []opts.YAxis{{Data: o.YAxis[0].Data}},
			VisualMap: o.VisualMap, Series: []Series{{Label: o.Series[0].Label}}}
		v.Options["heatmap"], v.Charts["heatmap"] = o, f.compact(o, set, "heatmap")
		if h := heatmapHeight(len(v.HeatmapColumns)); h != f.heatHeight {
			v.Charts["heatmap"].Height = h
		}
	}
}

// str is a text's index in Strings.
func (f *Filters) str(s string) int {
	i, ok := f.strs[s]
	if !ok {
		i = len(f.Strings)
		f.strs[s] = i
		f.Strings = append(f.Strings, s)
	}
	return i
}

// compact is an option's compact form: set, and its points and tooltips.
func (f *Filters) compact(o *Option, set *Option, chart string) *ViewChart {
	vc := &ViewChart{Set: set}
	for _, se := range o.Series {
		items, _ := se.Data.([]Item)
		rows := make([][]any, len(items))
		prev := -1
		for k, it := range items {
			var row []any
			for _, field := range f.Fields[chart] {
				switch field {
				case "value":
					row = append(row, it.Value)
				case "x", "y":
					row = append(row, it.Value.([]any)[map[string]int{"x": 0, "y": 1}[field]])
				case "symbolSize":
					row = append(row, it.SymbolSize)
				case "di":
					row = append(row, *it.I-prev)
					prev = *it.I
				case "i":
					if it.I == nil {
						row = append(row, nil)
					} else {
						row = append(row, *it.I)
					}
				case "text":
					row = append(row, f.str(it.Text))
				case "tip", "lines":
					tip := it.Tip
					if field == "lines" {
						tip = tip[1:]
					}
					for _, t := range tip {
						row = append(row, f.str(t))
					}
				}
			}
			rows[k] = row
		}
		vc.Points = append(vc.Points, rows)
	}
	for _, t := range o.Tips {
		ix := make([]int, len(t))
		for k, x := range t {
			ix[k] = f.str(x)
		}
		vc.Tips = append(vc.Tips, ix)
	}
	return vc
}

// latestSettled mirrors builder.latestSettled over the selection's weeks.
func latestSettledOf(ws []filteredWeek) (int, bool) {
	ns := make([]int64, len(ws))
	for i, w := range ws {
		ns[i] = w.all.contacts
	}
	minN := sizable(ns)
	for i := len(ws) - 1; i >= 0; i-- {
		if ws[i].settled && ws[i].all.contacts >= minN {
			return i, true
		}
	}
	return len(ws) - 1, false
}

func (f *Filters) viewHeadline(v *FilterView, s Selection, ws []filteredWeek, whole counts) {
	var fs figs
	defer func() { v.Figures["headline"] = fs.list }()
	wk, wc, wg := whole.rates()
	v.TileScopes[2] = f.scope(s, Scope{Dim: "all", Period: f.settledPeriod(s)})
	i, settled := latestSettledOf(ws)
	if !settled {
		v.Tiles = []FilterTile{{Whole: wk}, {Whole: wc}, {Whole: wg}}
		v.Headline = sentence(f.lead(&fs, s, true), "no week's outcomes are known yet.")
		return
	}
	cur := ws[i]
	var prev *filteredWeek
	if i > 0 && ws[i-1].settled {
		prev = &ws[i-1]
	}
	v.Week = cur.week
	v.TileScopes[0] = f.scope(s, weekScope("all", "", cur.week))
	ck, cc, cg := cur.all.rates()
	var pk, pc, pg *float64
	if prev != nil {
		v.PrevWeek = prev.week
		v.TileScopes[1] = f.scope(s, weekScope("all", "", prev.week))
		pk, pc, pg = prev.all.rates()
	}
	v.Tiles = []FilterTile{{Value: ck, Prev: pk, Whole: wk}, {Value: cc, Prev: pc, Whole: wc}, {Value: cg, Prev: pg, Whole: wg}}
	if ck == nil || cc == nil {
		v.Headline = sentence(f.lead(&fs, s, false), "no contact of the week of "+fs.week(cur.week)+" was judged.")
		return
	}
	sc, from := v.TileScopes[0], v.TileScopes[1]
	lead := f.lead(&fs, s, false)
	rest := fmt.Sprintf("in the week of %s the scorecard counted %s of judged contacts a success", fs.week(cur.week), fs.pct("kpi_rate", *ck, sc))
	if pk != nil {
		rest += fmt.Sprintf(" (%s on the week before)", fs.change("kpi_rate", *ck, *pk, sc, from))
	}
	if *cc < *ck {
		rest += fmt.Sprintf(", yet only %s of customers had a verified good outcome", fs.pct("customer_rate", *cc, sc))
	} else {
		rest += fmt.Sprintf(", and %s of customers had a verified good outcome", fs.pct("customer_rate", *cc, sc))
	}
	if cg != nil {
		rest += fmt.Sprintf("; %s of the scorecard's successes failed the customer", fs.pct("gap_rate", *cg, sc))
		if pg != nil {
			rest += fmt.Sprintf(" (%s)", fs.change("gap_rate", *cg, *pg, sc, from))
		}
	}
	v.Headline = sentence(lead, rest+".")
}

func (f *Filters) viewTrend(v *FilterView, s Selection, ws []filteredWeek, whole counts) {
	var fs figs
	defer func() { v.Figures["trend"] = fs.list }()
	base := f.scope(s, Scope{})
	v.TrendRows = &Table{Columns: trendColumns(), RowScope: &RowScope{Dim: "all", WeekCol: "week", Department: base.Department, Channel: base.Channel}}
	for _, w := range ws {
		var fd *float64
		if w.all.journeyed > 0 {
			x := round(float64(w.all.repeats) / float64(w.all.journeyed))
			fd = &x
		}
		k, c, g := w.all.rates()
		if !w.settled {
			k, c, g = nil, nil, nil // as the trend: a biased few
		}
		v.TrendRows.Rows = append(v.TrendRows.Rows, []any{w.week, w.all.contacts, nullable(k), nullable(c), nullable(g), w.all.gap, nullable(fd)})
	}
	lead := f.lead(&fs, s, true)
	kpi, cust, gap := whole.rates()
	if kpi == nil || cust == nil {
		v.Trend = sentence(lead, "no contact is settled yet: no week's outcomes are known.")
		return
	}
	sc := f.scope(s, Scope{Dim: "all", Period: f.settledPeriod(s)})
	rest := fmt.Sprintf("of the settled contacts the scorecard counted %s of judged contacts a success, while %s of customers had a verified good outcome",
		fs.pct("kpi_rate", *kpi, sc), fs.pct("customer_rate", *cust, sc))
	if gap != nil {
		rest += fmt.Sprintf("; %s of the scorecard's successes failed the customer", fs.pct("gap_rate", *gap, sc))
	}
	if len(ws) > 0 {
		first, last := ws[0], ws[len(ws)-1]
		i, settled := latestSettledOf(ws)
		if settled {
			last = ws[i]
		}
		_, _, fg := first.all.rates()
		_, _, lg := last.all.rates()
		switch {
		case !settled || !first.settled || len(ws) < 2 || first.week == last.week || fg == nil || lg == nil:
		case pct(*fg) == pct(*lg):
			rest += fmt.Sprintf(", the gap rate standing at %s both in the week of %s and in the week of %s",
				fs.pct("gap_rate", *lg, f.scope(s, weekScope("all", "", last.week))), fs.week(first.week), fs.week(last.week))
		default:
			rest += fmt.Sprintf(", the gap rate moving from %s in the week of %s to %s in the week of %s",
				fs.pct("gap_rate", *fg, f.scope(s, weekScope("all", "", first.week))), fs.week(first.week),
				fs.pct("gap_rate", *lg, f.scope(s, weekScope("all", "", last.week))), fs.week(last.week))
		}
	}
	v.Trend = sentence(lead, rest+".")
}

func (f *Filters) viewQuadrant(v *FilterView, s Selection, whole counts) {
	var fs figs
	defer func() { v.Figures["quadrant"] = fs.list }()
	band := f.Periods[s.Period].Band
	by := make([]counts, len(f.Members))
	for _, c := range f.MemberCells {
		if c[3] >= int64(band) && s.in(c[1], c[2]) {
			by[c[0]].add(c[4:])
		}
	}
	period := f.settledPeriod(s)
	base := f.scope(s, Scope{})
	v.QuadrantRows = &Table{Columns: quadrantColumns(), RowScope: &RowScope{DimCol: "level", MemberCol: "member", Period: period, Department: base.Department, Channel: base.Channel}}
	lead := f.lead(&fs, s, true)
	kx, ky, _ := whole.rates()
	if kx == nil || ky == nil || len(f.Members) == 0 {
		v.Quadrant = sentence(lead, "no agent's or team's outcomes are known.")
		return
	}
	v.QuadrantLines = [2]float64{*kx, *ky}
	var ms []member
	for i, c := range by {
		if c.judged == 0 {
			continue
		}
		v.QuadrantMembers = append(v.QuadrantMembers, i)
		k, cu, g := c.rates()
		m := member{dim: f.Members[i].Level, name: f.Members[i].Name, contacts: c.contacts, gapContacts: c.gap,
			kpi: *k, customer: *cu, hasKPI: true, hasCust: true}
		if g != nil {
			m.gap, m.hasGap = *g, true
		}
		ms = append(ms, m)
	}
	if len(ms) == 0 {
		v.Quadrant = sentence(lead, "no agent or team has judged contacts.")
		return
	}
	bad := func(m member) bool { return m.kpi >= *kx && m.customer < *ky }
	rows, n, worst := quadrantRows(ms, bad)
	v.QuadrantRows.Rows = append(v.QuadrantRows.Rows, rows...)
	all := f.scope(s, Scope{Dim: "all", Period: period})
	if n["agent"][0]+n["team"][0] == 0 {
		v.Quadrant = sentence(lead, "no agent or team sits in the “KPI met, customers failed” quadrant: where the scorecard is above average, so are customer outcomes.")
		return
	}
	var parts []string
	for _, d := range []string{"agent", "team"} {
		if c := n[d]; c[1] > 1 {
			sc := f.scope(s, Scope{Dim: d, Period: period})
			parts = append(parts, fmt.Sprintf("%s of %s", fs.n("quadrant_members", c[0], sc), fs.plural("judged_members", c[1], sc, d, d+"s")))
		}
	}
	if len(parts) == 0 {
		v.Quadrant = sentence(lead, "a single agent and team are judged: there is nothing to compare.")
		return
	}
	rest := strings.Join(parts, " and ") + " sit in the “KPI met, customers failed” quadrant (scorecard success above the overall " +
		fs.pct("kpi_rate", *kx, all) + ", customer success below the overall " + fs.pct("customer_rate", *ky, all) + ")."
	if worst != nil {
		sc := f.scope(s, Scope{Dim: worst.dim, Member: worst.name, Period: period})
		rest += fmt.Sprintf(" In %s %s the scorecard counts %s of contacts a success, yet %s of those successes failed the customer.",
			worst.dim, quoted(worst.name), fs.pct("kpi_rate", worst.kpi, sc), fs.pct("gap_rate", worst.gap, sc))
	}
	v.Quadrant = sentence(lead, rest)
}

func (f *Filters) viewHeatmap(v *FilterView, s Selection) {
	var fs figs
	defer func() { v.Figures["heatmap"] = fs.list }()
	from := f.Periods[s.Period].From
	type cell struct {
		all  counts
		open bool
	}
	nd := len(f.Departments)
	by := map[[2]int64]*cell{}
	volume := make([]int64, nd)
	weekSeen := map[int64]bool{}
	for _, c := range f.Cells {
		if c[0] >= int64(nd) || c[2] < 0 || f.Weeks[c[2]] < from || !s.in(c[0], c[1]) {
			continue
		}
		k := [2]int64{c[0], c[2]}
		x, ok := by[k]
		if !ok {
			x = &cell{}
			by[k] = x
		}
		x.all.add(c[4:])
		x.open = x.open || c[3] == 0
		volume[c[0]] += c[4]
		weekSeen[c[2]] = true
	}
	var weeks []int64
	for w := range weekSeen {
		weeks = append(weeks, w)
	}
	slices.Sort(weeks)
	if len(weeks) > 52 {
		weeks = weeks[len(weeks)-52:]
	}
	var deps []int64
	for d := range volume {
		if volume[d] > 0 {
			deps = append(deps, int64(d))
		}
	}
	slices.SortStableFunc(deps, func(a, b int64) int {
		if volume[a] != volume[b] {
			if volume[a] > volume[b] {
				return -1
			}
			return 1
		}
		return strings.Compare(f.Departments[a], f.Departments[b])
	})
	base := f.scope(s, Scope{})
	v.HeatmapRows = &Table{Columns: heatmapColumns(), RowScope: &RowScope{Dim: "department", MemberCol: "department", WeekCol: "week", Channel: base.Channel}}
	anySettled := false
	var maxClaimed int64
	for _, d := range deps {
		for _, w := range weeks {
			if x := by[[2]int64{d, w}]; x != nil {
				anySettled = anySettled || !x.open
				maxClaimed = max(maxClaimed, x.all.claimed)
			}
		}
	}
	minClaimed := int64(10)
	if maxClaimed < minClaimed {
		minClaimed = 1
	}
	type hotCell struct {
		dept, week string
		rate       float64
		c          counts
	}
	var hot *hotCell
	for _, d := range deps {
		v.HeatmapColumns = append(v.HeatmapColumns, f.Departments[d])
		for _, w := range weeks {
			x := by[[2]int64{d, w}]
			if x == nil {
				continue
			}
			var rate any
			if x.all.claimed > 0 {
				rate = round(float64(x.all.gap) / float64(x.all.claimed))
			}
			if anySettled && x.open {
				rate = nil
			}
			v.HeatmapRows.Rows = append(v.HeatmapRows.Rows, []any{f.Departments[d], f.Weeks[w], x.all.contacts, x.all.gap, rate})
			if g, ok := rate.(float64); ok && x.all.claimed >= minClaimed && (hot == nil || g > hot.rate) {
				hot = &hotCell{f.Departments[d], f.Weeks[w], g, x.all}
			}
		}
	}
	lead := f.lead(&fs, s, true)
	if hot == nil {
		v.Heatmap = sentence(lead, "no department week has a gap rate: no contact was counted a success.")
		return
	}
	sc := f.scope(s, weekScope("department", hot.dept, hot.week))
	where := " in " + quoted(hot.dept)
	if s.Department >= 0 {
		where = "" // the lead names it
	}
	v.Heatmap = sentence(lead, fmt.Sprintf("the gap was widest%s in the week of %s: %s of the contacts the scorecard counted a success failed the customer (%s of %s).",
		where, fs.week(hot.week), fs.pct("gap_rate", hot.rate, sc),
		fs.n("gap_contacts", hot.c.gap, sc), fs.n("claimed_success_contacts", hot.c.claimed, sc)))
}

// renumber orders Strings by how often the views' charts use them, the most
// used first, so that the indexes written most are the shortest.
func (f *Filters) renumber() {
	uses := make([]int, len(f.Strings))
	each := func(fn func(p *any)) {
		for _, v := range f.Views {
			for id, vc := range v.Charts {
				fields := f.Fields[id]
				for _, rows := range vc.Points {
					for _, r := range rows {
						for k, field := range fields {
							switch field {
							case "text":
								fn(&r[k])
							case "tip", "lines":
								for j := k; j < len(r); j++ {
									fn(&r[j])
								}
							}
						}
					}
				}
				for _, t := range vc.Tips {
					for j := range t {
						var x any = t[j]
						fn(&x)
						t[j] = x.(int)
					}
				}
			}
		}
	}
	each(func(p *any) { uses[(*p).(int)]++ })
	to, strs := byUse(f.Strings, uses)
	each(func(p *any) { *p = to[(*p).(int)] })
	f.Strings = strs
	for i, s := range strs {
		f.strs[s] = i
	}
}

// Typed rows of sql/report/filters.sql.

type cellRow struct {
	Department string `col:"department"`
	Channel    string `col:"channel"`
	Week       string `col:"week"`
	Settled    bool   `col:"settled"`
	Contacts   int64  `col:"contacts"`
	Judged     int64  `col:"judged"`
	Claimed    int64  `col:"claimed"`
	Failed     int64  `col:"failed"`
	Gap        int64  `col:"gap"`
	Journeyed  int64  `col:"journeyed"`
	Repeats    int64  `col:"repeats"`
}

type memberCellRow struct {
	Level      string `col:"level"`
	Member     string `col:"member"`
	Department string `col:"department"`
	Channel    string `col:"channel"`
	Band       int64  `col:"band"`
	Contacts   int64  `col:"contacts"`
	Judged     int64  `col:"judged"`
	Claimed    int64  `col:"claimed"`
	Failed     int64  `col:"failed"`
	Gap        int64  `col:"gap"`
}
