package reports

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/mcnamara/mcnamara/metrics"
)

// The gaming sections: who meets the handle-time target by shifting the
// work (the gaming_signals mart; docs/definitions.md, "Gaming signals").
// The first lists every flag with its evidence strength and opens the
// member's gap journeys; the next three show the evidence itself: the
// handle-time histogram around the target, the weekly AHT and repeat rate
// behind the slopes, and who gets surveyed.

// gamingRepeatDays is the repeat horizon of the slopes and the survey
// test: the mart reads repeat_within_7d, whatever the journey window.
const gamingRepeatDays = 7

// gamingDrawn is the most members a gaming evidence chart draws beside
// the centre.
const gamingDrawn = 6

// signalNames are the signals in words, in the order the sentences list
// them.
var signalNames = []struct{ key, label, short string }{
	{"bunching", "handle times bunched just under the AHT target", "bunching"},
	{"transfer_padding", "transfers and hang-ups just before the target", "transfers"},
	{"hold_padding", "holds just before the target", "holds"},
	{"aht_down_repeats_up", "AHT falling while repeats rise", "AHT/repeats"},
	{"selective_survey", "surveys of the customers who did not come back", "surveys"},
}

func signalLabel(key string) string {
	for _, s := range signalNames {
		if s.key == key {
			return s.label
		}
	}
	return key
}

func signalShort(key string) string {
	for _, s := range signalNames {
		if s.key == key {
			return s.short
		}
	}
	return key
}

// gamingBand is the build's handle-time band b (its default when the run
// does not say).
func (b *builder) gamingBand() float64 {
	if b.meta.Build.GamingBand > 0 {
		return b.meta.Build.GamingBand
	}
	return metrics.DefaultBuildSettings().GamingBand
}

func (b *builder) gamingWeekContacts() int {
	if b.meta.Build.GamingWeekContacts > 0 {
		return b.meta.Build.GamingWeekContacts
	}
	return metrics.DefaultBuildSettings().GamingWeekContacts
}

// gamingCols are the mart's columns the sections read.
var gamingCols = []string{"dimension", "member", "signal", "measure", "statistic", "p_value", "p_threshold",
	"estimate", "lo", "hi", "value", "baseline", "contacts", "flagged", "period_start", "period_end"}

// zFor is the z a one-sided p-value threshold asks a statistic to pass:
// P(Z > z) = p.
func zFor(p float64) float64 { return math.Sqrt2 * math.Erfinv(1-2*p) }

// gamingFlag is one flagged signal of a member, with the measure that
// decides it: for a p-value test its z against the z the Bonferroni
// threshold asks for; for the slopes the weaker of the two, each slope
// against its interval's half-width.
type gamingFlag struct {
	dimension, member, signal string
	statistic, threshold      float64
	value, baseline           *float64
	contacts                  int64
	from, to                  string
}

// strength is the statistic in units of its threshold: over 1 is flagged.
func (g gamingFlag) strength() float64 { return g.statistic / g.threshold }

func gamingFlags(rs []gamingRow) []gamingFlag {
	var out []gamingFlag
	for _, r := range rs {
		if r.Statistic == nil {
			continue
		}
		g := gamingFlag{dimension: r.Dimension, member: r.Member, signal: r.Signal, statistic: *r.Statistic,
			value: r.Value, baseline: r.Baseline, contacts: r.Contacts, from: str0(r.PeriodStart), to: str0(r.PeriodEnd)}
		switch {
		case r.Signal == "aht_down_repeats_up":
			if r.Lo == nil || r.Hi == nil || r.Estimate == nil || *r.Hi == *r.Lo {
				continue
			}
			// the interval is slope ± t·se: t = statistic · (hi − lo) / 2 / |slope|
			g.threshold = *r.Statistic * (*r.Hi - *r.Lo) / 2 / math.Abs(*r.Estimate)
			g.value, g.baseline = nil, nil
			n := len(out)
			if n > 0 && out[n-1].dimension == g.dimension && out[n-1].member == g.member && out[n-1].signal == g.signal {
				// the signal's two slopes: the weaker decides
				if g.strength() < out[n-1].strength() {
					g.contacts = out[n-1].contacts
					out[n-1] = g
				}
				continue
			}
		case r.PThreshold != nil:
			g.threshold = zFor(*r.PThreshold)
		default:
			continue
		}
		out = append(out, g)
	}
	return out
}

func str0(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// gaming lists every flagged signal: a bar a flag, as long as its evidence
// is strong, opening the member's gap journeys.
func (b *builder) gaming(s *Section) error {
	if err := b.need("gaming_signals", gamingCols...); err != nil {
		return err
	}
	tests, err := rows[gamingTestRow](b, "gaming", "tests")
	if err != nil {
		return err
	}
	if len(tests) == 0 {
		return noData("No data: the gaming_signals mart is empty (no contact has a handle time against an AHT target).")
	}
	rs, err := rows[gamingRow](b, "gaming", "flagged")
	if err != nil {
		return err
	}
	flags := gamingFlags(rs)
	family := tests[0].Family
	tested := map[string]int64{}  // dimension → members any signal tested
	flagged := map[string]int64{} // dimension|signal → members flagged
	for _, t := range tests {
		tested[t.Dimension] = t.Tested
		flagged[t.Dimension+"|"+t.Signal] = t.Flagged
	}
	s.Data = &Table{Columns: []Column{
		col("level", "Level", fmtText), col("member", "Name", fmtText), col("signal", "Signal", fmtText),
		col("signal_label", "What", fmtText),
		mcol("strength", "Evidence (× threshold)", fmtNum, "gaming_strength"),
		mcol("statistic", "Statistic (z or t)", fmtNum, "gaming_statistic"),
		mcol("threshold", "Threshold", fmtNum, "gaming_threshold"),
		mcol("value", "Member's figure", fmtPct, "gaming_value"),
		mcol("baseline", "Compared with", fmtPct, "gaming_baseline"),
		mcol("contacts", "Contacts tested", fmtInt, "gaming_contacts"),
		col("period_start", "From", fmtDate), col("period_end", "To", fmtDate),
	}, RowScope: &RowScope{DimCol: "level", MemberCol: "member", ArgCol: "signal", Period: "all"}}
	for _, g := range flags {
		s.Data.Rows = append(s.Data.Rows, []any{g.dimension, g.member, g.signal, signalLabel(g.signal),
			round(g.strength()), round(g.statistic), round(g.threshold),
			nullable(roundedPtr(g.value)), nullable(roundedPtr(g.baseline)), g.contacts, g.from, g.to})
	}
	var f, fn figs // the finding's figures, then the note's
	defer func() { s.Figures = append(f.list, fn.list...) }()
	alpha := b.meta.Build.GamingAlpha
	if alpha <= 0 {
		alpha = metrics.DefaultBuildSettings().GamingAlpha
	}
	s.Note = fmt.Sprintf("A flag is evidence, not a verdict: it says whose calls to listen to. A p-value test flags when its one-sided p-value is under the family-wise false-positive rate, %s, divided by the %s the mart ran (Bonferroni); the slopes flag when both intervals lie on the gaming side of zero. Evidence is the statistic in units of the threshold it had to pass: over one is a flag. docs/definitions.md states every test and its false-positive rate on data with nothing planted.",
		fn.pct("gaming_alpha", alpha, Scope{}), fn.plural("gaming_tests", family, Scope{}, "test", "tests"))
	who := fmt.Sprintf("%s and %s", f.plural("gaming_tested_members", tested["agent"], Scope{Dim: "agent"}, "agent", "agents"),
		f.plural("gaming_tested_members", tested["team"], Scope{Dim: "team"}, "team", "teams"))
	if len(flags) == 0 {
		s.Finding = "No agent or team shows a gaming signal: of the " + who + " tested, none bunches handle times under the AHT target, pads holds or transfers before it, cuts its AHT while repeats rise or surveys selectively beyond what chance and the centre's own habits explain."
		return nil
	}
	members := map[string]bool{}
	for _, g := range flags {
		members[g.dimension+"\x00"+g.member] = true
	}
	anyText := f.n("gaming_flagged_any", int64(len(members)), Scope{})
	var parts []string
	for _, sn := range signalNames {
		var by []string
		for _, dim := range []string{"team", "agent"} {
			if n := flagged[dim+"|"+sn.key]; n > 0 {
				by = append(by, f.nArg("gaming_flagged_members", sn.key, n, Scope{Dim: dim})+" "+noun(n, dim, dim+"s"))
			}
		}
		if len(by) > 0 {
			parts = append(parts, sn.label+" ("+strings.Join(by, ", ")+")")
		}
	}
	top := flags[0]
	for _, g := range flags[1:] {
		if g.strength() > top.strength() {
			top = g
		}
	}
	s.Finding = fmt.Sprintf("Of the %s tested, %s show a sign of meeting the scorecard by shifting the work: %s. The strongest evidence is %s %s's %s.",
		who, anyText, strings.Join(parts, "; "), top.dimension, quoted(top.member), signalLabel(top.signal))
	s.Chart = &Chart{Kind: "gaming", Option: gamingOption(s.Data)}
	s.Height = max(220, 80+30*len(flags))
	return nil
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// gamingOption draws a bar a flag, its evidence strength, with the
// threshold (1) marked.
func gamingOption(t *Table) *Option {
	d := barDecl{Y: "who", Series: []barSeries{{Name: "Evidence (× threshold)", X: "strength", Color: cVerm}},
		Tip: []tipLine{{"Signal", "signal_label"}, {"Statistic", "statistic"}, {"Threshold", "threshold"},
			{"Member's figure", "value"}, {"Compared with", "baseline"}, {"Contacts tested", "contacts"}},
		Value: func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) + "×" }, AxisLabel: "{value}×",
		LabelSize: 11, Grid: [4]int{220, 60, 16, 30}, Drill: true}
	// the category: who and what, one line
	w := &Table{Columns: append(slices.Clone(t.Columns), col("who", "", fmtText))}
	for _, r := range t.Rows {
		who := capital(cellText(t, r, "level")) + " " + cellText(t, r, "member") + " · " + signalShort(cellText(t, r, "signal"))
		w.Rows = append(w.Rows, append(slices.Clone(r), who))
	}
	o := d.option(w, nil)
	o.Series[0].MarkLine = &MarkLine{Silent: true, Symbol: "none", LineStyle: &opts.LineStyle{Color: cInk, Type: "dashed", Width: 1},
		Label: &opts.Label{Show: opts.Bool(true), Formatter: "threshold", Position: "end"}, Data: []map[string]any{{"xAxis": 1}}}
	return o
}

// gamingBunching draws the handle-time histogram around the target for
// the members flagged for bunching, beside the centre's.
func (b *builder) gamingBunching(s *Section) error {
	if err := b.need("gaming_signals", gamingCols...); err != nil {
		return err
	}
	if err := b.need("contact_facts", "agent_id", "team", "handle_seconds", "target_handle_time_seconds"); err != nil {
		return err
	}
	band := b.gamingBand()
	hs, err := rows[gamingBinRow](b, "gaming", "histogram", band, gamingDrawn)
	if err != nil {
		return err
	}
	if len(hs) == 0 {
		return noData("No data: no handled contact has an AHT target to read its handle time against.")
	}
	s.Data = &Table{Columns: []Column{
		col("level", "Level", fmtText), col("member", "Name", fmtText), col("bin", "Bin", fmtText),
		col("bin_label", "Handle time / AHT target", fmtText),
		mcol("contacts", "Contacts", fmtInt, "handle_bin_contacts"),
		mcol("share", "Share of the member's contacts in the range", fmtPct, "handle_bin_share"),
	}, RowScope: &RowScope{DimCol: "level", MemberCol: "member", ArgCol: "bin", Period: "all"}}
	members := 0
	for i, h := range hs {
		if i == 0 || h.Dimension != hs[i-1].Dimension || h.Member != hs[i-1].Member {
			members++
		}
		s.Data.Rows = append(s.Data.Rows, []any{h.Dimension, h.Member, binKey(h.Lo, h.Hi), binLabel(h.Lo, h.Hi), h.Contacts, nullable(roundedPtr(h.Share))})
	}
	s.Chart = &Chart{Kind: "gaming_bunching", Option: bunchingOption(s.Data)}
	s.Height = 340
	var f, fn figs // the finding's figures, then the note's
	defer func() { s.Figures = append(f.list, fn.list...) }()
	bandText := fn.pct("gaming_band", band, Scope{})
	s.Note = fmt.Sprintf("Bins of handle time as a share of each contact's own AHT target; the shaded band is the %s just under the target the bunching test counts. A smooth distribution falls or rises evenly through the target; a cliff at the target is contacts ended to meet it.", bandText)
	if members == 1 {
		s.Finding = "No agent or team is flagged for bunching: the centre's handle times pass through the AHT target without a cliff beyond what chance explains."
		return nil
	}
	flags, err := rows[gamingRow](b, "gaming", "flagged")
	if err != nil {
		return err
	}
	var top *gamingRow
	var handoff *float64
	second := hs[len(hs)-1] // the first member drawn after the centre
	for _, h := range hs {
		if h.Dimension != "all" {
			second = h
			break
		}
	}
	for i, r := range flags {
		if r.Signal == "bunching" && r.Measure == "density_contrast" && r.Dimension == second.Dimension && r.Member == second.Member {
			top = &flags[i]
		}
	}
	all, err := rows[gamingRow](b, "gaming", "handoff")
	if err == nil {
		for _, r := range all {
			if r.Dimension == second.Dimension && r.Member == second.Member {
				handoff = r.Value
			}
		}
	}
	if top == nil || top.Value == nil || top.Baseline == nil {
		s.Finding = fmt.Sprintf("%s %s is flagged for bunching under the AHT target.", capital(second.Dimension), quoted(second.Member))
		return nil
	}
	sc := Scope{Dim: top.Dimension, Member: top.Member, Period: "all"}
	s.Finding = fmt.Sprintf("Of %s %s's contacts within %s of the AHT target, %s ended just under it, where a smooth distribution predicts %s",
		top.Dimension, quoted(top.Member), f.pct("gaming_band", band, Scope{}),
		f.pctArg("gaming_value", "bunching", *top.Value, sc), f.pctArg("gaming_baseline", "bunching", *top.Baseline, sc))
	if handoff != nil {
		s.Finding += fmt.Sprintf("; %s of those just under it ended in a transfer, a callback or a hang-up", f.pct("gaming_handoff_under", *handoff, sc))
	}
	s.Finding += "."
	return nil
}

// binKey names a bin as the audit reads it back: "0.85-0.9".
func binKey(lo, hi float64) string {
	return strconv.FormatFloat(lo, 'f', -1, 64) + "-" + strconv.FormatFloat(hi, 'f', -1, 64)
}

func binLabel(lo, hi float64) string {
	return strconv.FormatFloat(lo*100, 'f', 0, 64) + "–" + strconv.FormatFloat(hi*100, 'f', 0, 64) + "%"
}

// bunchingOption draws a line a member over the bins, the centre dashed,
// the band just under the target shaded.
func bunchingOption(t *Table) *Option {
	o := newOption()
	o.Legend = plainLegend() // wraps: a printed page shows every member (a scrolling legend would hide some)
	o.Grid = grid(56, 20, 60, 48)
	o.Tooltip = tooltip("item")
	var cats []string
	type line struct {
		name  string
		items []Item
	}
	var lines []*line
	key := ""
	for _, r := range t.Rows {
		level, member := cellText(t, r, "level"), cellText(t, r, "member")
		name := "Centre (all tested contacts)"
		if level != "all" {
			name = capital(level) + " " + oneLine(member)
		}
		if k := level + "\x00" + member; k != key {
			key = k
			lines = append(lines, &line{name: name})
		}
		l := lines[len(lines)-1]
		if len(lines) == 1 {
			lo, _, _ := strings.Cut(cellText(t, r, "bin"), "-")
			f, _ := strconv.ParseFloat(lo, 64)
			cats = append(cats, strconv.FormatFloat(f*100, 'f', 0, 64)+"%")
		}
		share := cellAt(t, r, "share")
		l.items = append(l.items, Item{Value: chartValue(colOf(t, "share"), share),
			Tip: Tip{name + ", " + cellText(t, r, "bin_label") + " of the target", "Share", tipText(colOf(t, "share"), share),
				"Contacts", tipText(colOf(t, "contacts"), cellAt(t, r, "contacts"))}})
	}
	o.XAxis = []opts.XAxis{{Type: "category", Data: cats, Name: "handle time / AHT target", NameLocation: "middle", NameGap: 30}}
	o.YAxis = []opts.YAxis{{Type: "value", AxisLabel: &opts.AxisLabel{Formatter: "{value}%"}}}
	for i, l := range lines {
		color, width, style := palette[(i-1+len(palette))%len(palette)], float32(2), "solid"
		if i == 0 {
			color, width, style = cInk, 3, "dashed"
		}
		o.Series = append(o.Series, Series{SingleSeries: charts.SingleSeries{Name: l.name, Type: "line", Data: l.items,
			SymbolSize: 5, LineStyle: &opts.LineStyle{Width: width, Type: style, Color: color}, ItemStyle: &opts.ItemStyle{Color: color}}})
	}
	if len(o.Series) > 0 && len(cats) == 24 {
		// bins of b/3 from 1 − 4b: [1 − b, 1) is bins 9 to 11
		o.Series[0].MarkArea = &MarkArea{Silent: true, ItemStyle: &opts.ItemStyle{Color: "rgba(213,94,0,0.10)"},
			Label: &opts.Label{Show: opts.Bool(true), Formatter: "just under the target", Position: "insideTop", FontSize: 11},
			Data:  [][2]MarkCorner{{{XAxis: ptr(9)}, {XAxis: ptr(11)}}}}
	}
	return o
}

// gamingSlopes draws the weekly AHT and 7-day repeat rate of the teams
// flagged aht_down_repeats_up, with each slope and its interval.
func (b *builder) gamingSlopes(s *Section) error {
	if err := b.need("gaming_signals", gamingCols...); err != nil {
		return err
	}
	rs, err := rows[gamingSlopeRow](b, "gaming", "slopes")
	if err != nil {
		return err
	}
	var f figs
	defer func() { s.Figures = f.list }()
	s.Table = &Table{Columns: []Column{
		col("member", "Team", fmtText), col("measure", "Measure", fmtText), col("measure_label", "Slope of", fmtText),
		mcol("slope", "Change per week", fmtNum, "gaming_slope"),
		mcol("lo", "Interval from", fmtNum, "gaming_slope_lo"), mcol("hi", "to", fmtNum, "gaming_slope_hi"),
		mcol("mean", "Weekly mean", fmtNum, "gaming_slope_mean"),
		mcol("judged", "Judged contacts", fmtInt, "gaming_slope_contacts"),
	}, RowScope: &RowScope{Dim: "team", MemberCol: "member", ArgCol: "measure", Period: "all"}}
	for _, r := range rs {
		// the repeat rate's slope in points a week, the AHT's in seconds
		k, label := 1.0, "AHT (seconds)"
		if r.Measure == "repeat_slope" {
			k, label = 100, "7-day repeat rate (points)"
		}
		s.Table.Rows = append(s.Table.Rows, []any{r.Member, r.Measure, label, round(r.Estimate * k), round(r.Lo * k), round(r.Hi * k), round(r.Value * k), r.Contacts})
	}
	if len(rs) == 0 {
		s.Table = nil
		s.Finding = "No team's AHT fell while its customers' repeats rose beyond noise: no team has both slopes' intervals on the gaming side of zero."
		s.Note = "Per team, the least-squares slope per week of its weekly AHT and of its weekly repeat rate (customers back within a week), over the whole weeks whose customers' repeat windows have closed, each with its interval."
		return nil
	}
	ws, err := rows[gamingWeekRow](b, "gaming", "weekly", b.gamingWeekContacts())
	if err != nil {
		return err
	}
	s.Data = &Table{Columns: []Column{
		col("member", "Team", fmtText), col("week", "Week starting", fmtDate),
		mcol("aht_seconds", "AHT", fmtDur, "gaming_week_aht"),
		mcol("repeat_rate", "7-day repeat rate", fmtPct, "gaming_week_repeat_rate"),
		mcol("judged", "Judged contacts", fmtInt, "gaming_week_judged"),
	}, RowScope: &RowScope{Dim: "team", MemberCol: "member", WeekCol: "week"}}
	for _, w := range ws {
		s.Data.Rows = append(s.Data.Rows, []any{w.Member, w.Week, nullable(roundedPtr(w.AHT)), nullable(roundedPtr(w.RepeatRate)), w.Judged})
	}
	s.Chart = &Chart{Kind: "gaming_slopes", Option: slopesOption(s.Data)}
	s.Height = 340
	var aht, rep *gamingSlopeRow
	for i := range rs {
		if rs[i].Member != rs[0].Member {
			break
		}
		if rs[i].Measure == "aht_slope" {
			aht = &rs[i]
		} else {
			rep = &rs[i]
		}
	}
	if aht == nil || rep == nil {
		return nil
	}
	sc := Scope{Dim: "team", Member: aht.Member, Period: "all"}
	s.Finding = fmt.Sprintf("Team %s's AHT fell %s a week (interval %s to %s) while its customers' repeat rate within %s rose %s a week (%s to %s): the scorecard's handle time improved by sending customers back.",
		quoted(aht.Member), f.add(dur(-aht.Estimate), "gaming_aht_fall", -aht.Estimate, sc, ""),
		f.add(dur(-aht.Hi), "gaming_aht_fall_lo", -aht.Hi, sc, ""), f.add(dur(-aht.Lo), "gaming_aht_fall_hi", -aht.Lo, sc, ""),
		f.days("gaming_repeat_days", gamingRepeatDays, Scope{}, ""),
		f.add(pts(rep.Estimate), "gaming_repeat_rise", rep.Estimate, sc, ""),
		f.add(pts(rep.Lo), "gaming_repeat_rise_lo", rep.Lo, sc, ""), f.add(pts(rep.Hi), "gaming_repeat_rise_hi", rep.Hi, sc, ""))
	s.Note = "Least-squares slopes per week over the whole weeks whose customers' repeat windows have closed, each week with enough judged contacts; the intervals are the slopes' own (Student's t), flagged when both lie on the gaming side of zero."
	return nil
}

// slopesOption draws each flagged team's weekly AHT (left axis) and 7-day
// repeat rate (right axis, dashed).
func slopesOption(t *Table) *Option {
	o := newOption()
	o.Legend = plainLegend()
	o.Grid = grid(64, 56, 60, 36)
	o.Tooltip = tooltip("item")
	var weeks []string
	seen := map[string]int{}
	for _, r := range t.Rows {
		w := cellText(t, r, "week")
		if _, ok := seen[w]; !ok {
			seen[w] = 0
			weeks = append(weeks, w)
		}
	}
	slices.Sort(weeks)
	cats := make([]string, len(weeks))
	for i, w := range weeks {
		seen[w] = i
		cats[i] = shortDay(w)
	}
	o.XAxis = []opts.XAxis{{Type: "category", Data: cats}}
	o.YAxis = []opts.YAxis{
		{Type: "value", Name: "AHT (s)", Scale: opts.Bool(true)},
		{Type: "value", Name: "repeat rate", Scale: opts.Bool(true), AxisLabel: &opts.AxisLabel{Formatter: "{value}%"}, SplitLine: &opts.SplitLine{Show: opts.Bool(false)}},
	}
	var teams []string
	for _, r := range t.Rows {
		if m := cellText(t, r, "member"); !slices.Contains(teams, m) {
			teams = append(teams, m)
		}
	}
	for i, team := range teams {
		color := palette[i%len(palette)]
		aht := make([]Item, len(weeks))
		rep := make([]Item, len(weeks))
		for k := range weeks {
			aht[k], rep[k] = Item{Value: "-"}, Item{Value: "-"}
		}
		for _, r := range t.Rows {
			if cellText(t, r, "member") != team {
				continue
			}
			k := seen[cellText(t, r, "week")]
			title := "Team " + oneLine(team) + ", week of " + day(cellText(t, r, "week"))
			tip := Tip{title, "AHT", tipText(colOf(t, "aht_seconds"), cellAt(t, r, "aht_seconds")),
				"7-day repeat rate", tipText(colOf(t, "repeat_rate"), cellAt(t, r, "repeat_rate")),
				"Judged contacts", tipText(colOf(t, "judged"), cellAt(t, r, "judged"))}
			if v, ok := num(cellAt(t, r, "aht_seconds")); ok {
				aht[k] = Item{Value: math.Round(v), Tip: tip}
			}
			rep[k] = Item{Value: chartValue(colOf(t, "repeat_rate"), cellAt(t, r, "repeat_rate")), Tip: tip}
		}
		o.Series = append(o.Series,
			Series{SingleSeries: charts.SingleSeries{Name: oneLine(team) + " AHT", Type: "line", Data: aht, SymbolSize: 6, ConnectNulls: opts.Bool(false),
				LineStyle: &opts.LineStyle{Width: 3, Color: color}, ItemStyle: &opts.ItemStyle{Color: color}}},
			Series{SingleSeries: charts.SingleSeries{Name: oneLine(team) + " repeat rate", Type: "line", Data: rep, SymbolSize: 6, YAxisIndex: 1, ConnectNulls: opts.Bool(false),
				LineStyle: &opts.LineStyle{Width: 2, Type: "dashed", Color: color}, ItemStyle: &opts.ItemStyle{Color: color}}})
	}
	return o
}

// gamingSurveys is "surveys protect the system": the survey rate of the
// customers who came back against the others', and what each said, for
// the centre and the members flagged for surveying selectively.
func (b *builder) gamingSurveys(s *Section) error {
	if err := b.need("gaming_signals", gamingCols...); err != nil {
		return err
	}
	if err := b.need("contact_facts", "agent_id", "team", "handle_seconds", "csat", "repeat_within_7d"); err != nil {
		return err
	}
	rs, err := rows[gamingSurveyRow](b, "gaming", "surveys", gamingDrawn)
	if err != nil {
		return err
	}
	if len(rs) == 0 || rs[0].Dimension != "all" || rs[0].RateCameBack == nil || rs[0].RateNotBack == nil {
		return noData("No data: no judged contact with a handle time (the survey rates need customers whose repeat window has closed).")
	}
	s.Data = &Table{Columns: []Column{
		col("level", "Level", fmtText), col("member", "Name", fmtText),
		mcol("rate_came_back", "Surveyed: came back within 7 days", fmtPct, "survey_rate_came_back"),
		mcol("rate_not_back", "Surveyed: did not come back", fmtPct, "survey_rate_not_back"),
		mcol("csat_came_back", "CSAT: came back", fmtNum, "csat_came_back"),
		mcol("csat_not_back", "CSAT: did not come back", fmtNum, "csat_not_back"),
		mcol("judged", "Judged contacts", fmtInt, "gaming_judged_contacts"),
		{Key: "statistic", Label: "z", Format: fmtNum, Measure: "gaming_statistic", Arg: "selective_survey"},
	}, RowScope: &RowScope{DimCol: "level", MemberCol: "member", Period: "all"}}
	for _, r := range rs {
		s.Data.Rows = append(s.Data.Rows, []any{r.Dimension, r.Member, nullable(roundedPtr(r.RateCameBack)), nullable(roundedPtr(r.RateNotBack)),
			nullable(roundedPtr(r.CSATCameBack)), nullable(roundedPtr(r.CSATNotBack)), r.Judged, nullable(roundedPtr(r.Statistic))})
	}
	w := &Table{Columns: append(slices.Clone(s.Data.Columns), col("who", "", fmtText))}
	for _, r := range s.Data.Rows {
		who := "Centre (all)"
		if l := cellText(s.Data, r, "level"); l != "all" {
			who = capital(l) + " " + cellText(s.Data, r, "member")
		}
		w.Rows = append(w.Rows, append(slices.Clone(r), who))
	}
	s.Chart = &Chart{Kind: "gaming_surveys", Option: barDecl{Y: "who",
		Series: []barSeries{{Name: "Came back within 7 days", X: "rate_came_back", Color: cVerm}, {Name: "Did not come back", X: "rate_not_back", Color: cBlue}},
		Tip: []tipLine{{"Surveyed: came back", "rate_came_back"}, {"Surveyed: did not", "rate_not_back"},
			{"CSAT: came back", "csat_came_back"}, {"CSAT: did not", "csat_not_back"}, {"Judged contacts", "judged"}, {"z", "statistic"}},
		LabelSize: 11, Grid: [4]int{140, 60, 30, 30}, Legend: plainLegend(), Drill: true}.option(w, nil)}
	s.Height = max(220, 90+50*len(rs))
	var f figs
	defer func() { s.Figures = f.list }()
	c := rs[0]
	s.Finding = fmt.Sprintf("Across the centre, %s of the contacts whose customer came back within %s got a survey answer, against %s of the others",
		f.pct("survey_rate_came_back", *c.RateCameBack, allTime), f.days("gaming_repeat_days", gamingRepeatDays, Scope{}, ""),
		f.pct("survey_rate_not_back", *c.RateNotBack, allTime))
	if len(rs) > 1 && rs[1].RateCameBack != nil && rs[1].RateNotBack != nil {
		m := rs[1]
		sc := Scope{Dim: m.Dimension, Member: m.Member, Period: "all"}
		s.Finding += fmt.Sprintf("; %s %s's surveys reached %s of its customers who came back and %s of those who did not, more one-sided than the centre's own wrap codes explain",
			m.Dimension, quoted(m.Member), f.pct("survey_rate_came_back", *m.RateCameBack, sc), f.pct("survey_rate_not_back", *m.RateNotBack, sc))
	} else {
		s.Finding += "; no agent or team surveys more selectively than the centre's own wrap codes explain"
	}
	s.Finding += ". Surveys protect the system: the customers it failed are the ones it does not ask."
	s.Note = "A survey answer is a contact with a CSAT score. The selective-survey test compares who a member's surveys reached with what the centre's survey rates by wrap code (resolved or not) predict, so a centre-wide habit of surveying after “resolved” is not held against one agent."
	return nil
}

// Typed rows of sql/report/gaming.sql.

type gamingRow struct {
	Dimension   string   `col:"dimension"`
	Member      string   `col:"member"`
	Signal      string   `col:"signal"`
	Measure     string   `col:"measure"`
	Statistic   *float64 `col:"statistic"`
	PThreshold  *float64 `col:"p_threshold"`
	Estimate    *float64 `col:"estimate"`
	Lo          *float64 `col:"lo"`
	Hi          *float64 `col:"hi"`
	Value       *float64 `col:"value"`
	Baseline    *float64 `col:"baseline"`
	Contacts    int64    `col:"contacts"`
	PeriodStart *string  `col:"period_start"`
	PeriodEnd   *string  `col:"period_end"`
}

type gamingTestRow struct {
	Dimension string `col:"dimension"`
	Signal    string `col:"signal"`
	Flagged   int64  `col:"flagged"`
	Tested    int64  `col:"tested"`
	Family    int64  `col:"family"`
}

type gamingBinRow struct {
	Dimension string   `col:"dimension"`
	Member    string   `col:"member"`
	Lo        float64  `col:"lo"`
	Hi        float64  `col:"hi"`
	Contacts  int64    `col:"contacts"`
	Share     *float64 `col:"share"`
}

type gamingSlopeRow struct {
	Member   string  `col:"member"`
	Measure  string  `col:"measure"`
	Estimate float64 `col:"estimate"`
	Lo       float64 `col:"lo"`
	Hi       float64 `col:"hi"`
	Value    float64 `col:"value"`
	Contacts int64   `col:"contacts"`
}

type gamingWeekRow struct {
	Member     string   `col:"member"`
	Week       string   `col:"week"`
	AHT        *float64 `col:"aht_seconds"`
	RepeatRate *float64 `col:"repeat_rate"`
	Judged     int64    `col:"judged"`
}

type gamingSurveyRow struct {
	Dimension    string   `col:"dimension"`
	Member       string   `col:"member"`
	RateCameBack *float64 `col:"rate_came_back"`
	RateNotBack  *float64 `col:"rate_not_back"`
	CSATCameBack *float64 `col:"csat_came_back"`
	CSATNotBack  *float64 `col:"csat_not_back"`
	Judged       int64    `col:"judged"`
	Statistic    *float64 `col:"statistic"`
	PThreshold   *float64 `col:"p_threshold"`
}
