package reports

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
)

// builder computes the model section by section. A section whose mart or
// columns are missing says so instead of failing the whole report.
type builder struct {
	ctx  context.Context
	q    querier
	meta Meta
	opts Options
	log  *slog.Logger

	// drills are the drill-down lists the sections asked for (drill.go);
	// macros is set once the models' macros are defined on the connection.
	drills []*drillSpec
	macros bool

	schema map[string]map[string]string // view → column → type
	span   struct {
		ok          bool
		contacts    int64
		first, last string // local wall-clock times, RFC 3339 shaped
	}
	weeks []weekRow // the weekly KPI vs customer series (gap mart)
	// total is the whole period: the settled contacts (gap's settled grain).
	total struct {
		ok bool
		// through is the latest start of a settled contact (the end of
		// the data less the repeat window), UTC and local wall-clock.
		through, throughLocal string
		kpi, customer, gap    *float64
	}
}

// noData explains, in words for the reader, why a section is empty.
type noData string

func (e noData) Error() string { return string(e) }

func (b *builder) build() (*Model, error) {
	if err := b.loadSchema(); err != nil {
		return nil, err
	}
	m := &Model{Title: b.opts.Title}
	if !b.meta.GeneratedAt.IsZero() {
		m.Generated = b.meta.GeneratedAt.UTC().Format("2 Jan 2006 15:04 UTC")
	}
	b.loadSpan()
	b.loadTotal()
	if b.span.ok {
		m.Period = day(b.span.first) + " – " + day(b.span.last)
	}
	steps := []struct {
		dst *[]Section
		f   func() []Section
	}{
		{&m.Main, b.one("trend", "KPI view vs customer view, week by week", b.trend)},
		{&m.Main, b.one("scorecard", "The scorecard: every KPI against its target, department by department", b.scorecard)},
		{&m.Main, b.one("quadrant", "Agents and teams: KPI attainment against customer success", b.quadrant)},
		{&m.Main, b.one("resolution", "Claimed vs verified resolution by department", b.resolution)},
		{&m.Main, b.one("fcr", "The FCR ladder: claimed first-contact resolution against what customers did next", b.fcrLadder)},
		{&m.Main, b.one("cost", "What the gap costs: rework and failure demand by department and team", b.costs)},
		{&m.Main, b.one("heatmap", "Gap rate by department and week", b.heatmap)},
		{&m.Main, b.one("goodhart", "Goodhart panel: does meeting the KPI help the customer?", b.goodhart)},
		{&m.Main, b.one("gaming", "Gaming the scorecard: who meets the handle-time target by shifting the work", b.gaming)},
		{&m.Main, b.one("gaming_bunching", "Bunching: handle times around the AHT target", b.gamingBunching)},
		{&m.Main, b.one("gaming_slopes", "AHT falling while repeats rise, week by week", b.gamingSlopes)},
		{&m.Main, b.one("gaming_surveys", "Surveys protect the system: who gets asked", b.gamingSurveys)},
		{&m.Journeys, b.one("flows", "Journeys across departments and channels: hops and loops", b.flows)},
		{&m.Journeys, b.one("days", "Days to a verified resolution, by the channel the journey started in", b.daysToResolution)},
		{&m.Journeys, b.worstJourneys},
		{&m.Reference, b.one("glossary", "Glossary", b.glossary)},
		{&m.Reference, b.one("targets", "Targets in force", b.targets)},
		{&m.Reference, b.one("coverage", "Data coverage", b.coverage)},
		{&m.Reference, b.one("inputs", "Input files", b.inputs)},
		{&m.Reference, b.one("rejects", "Rejected rows", b.rejects)},
		{&m.Reference, b.one("run", "About this run", b.runInfo)},
	}
	for i, s := range steps {
		start := time.Now()
		*s.dst = append(*s.dst, s.f()...)
		b.log.Debug("report: section built", "section", (*s.dst)[len(*s.dst)-1].ID, "took", time.Since(start))
		if err := b.ctx.Err(); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		if i == 0 {
			// The headline reads the weekly series the trend loaded.
			m.Tiles = b.headline()
			if t := b.costTile(); t != nil && m.Tiles.Status == statusOK && m.Tiles.Week != "" {
				m.Tiles.Tiles = append(m.Tiles.Tiles, *t)
			}
		}
	}
	// The page's drill-down panels and filters, over the sections built.
	start := time.Now()
	b.drillTargets(m)
	b.drillDown(m)
	b.log.Debug("report: drill-down built", "took", time.Since(start))
	start = time.Now()
	b.filters(m)
	b.log.Debug("report: filters built", "took", time.Since(start))
	if err := b.ctx.Err(); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return m, nil
}

// one wraps a section builder so that a missing mart or a failing query
// becomes a note on that section.
func (b *builder) one(id, title string, f func(*Section) error) func() []Section {
	return func() []Section {
		s := Section{ID: id, Title: title, Status: statusOK}
		if err := f(&s); err != nil {
			s = Section{ID: id, Title: title, Status: statusNoData, Note: err.Error()}
			var nd noData
			if !errors.As(err, &nd) {
				s.Status = statusError
				s.Note = "This section could not be computed: " + err.Error()
				b.log.Warn("report: section failed", "section", id, "err", err)
			}
		}
		return []Section{s}
	}
}

func (b *builder) loadSchema() error {
	cols, err := rows[schemaRow](b, "headline", "schema")
	if err != nil {
		return fmt.Errorf("report: read the database schema: %w", err)
	}
	b.schema = map[string]map[string]string{}
	for _, c := range cols {
		if b.schema[c.Table] == nil {
			b.schema[c.Table] = map[string]string{}
		}
		b.schema[c.Table][c.Column] = c.Type
	}
	return nil
}

// has reports whether a view has all the columns.
func (b *builder) has(view string, cols ...string) bool {
	return b.need(view, cols...) == nil
}

// need returns a noData naming what is missing, or nil.
func (b *builder) need(view string, cols ...string) error {
	vc, ok := b.schema[view]
	if !ok {
		return noData(fmt.Sprintf("No data: the %s mart is not in the lake yet (run `mcnamara build`).", view))
	}
	var missing []string
	for _, c := range cols {
		if _, ok := vc[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return noData(fmt.Sprintf("No data: the %s mart lacks the column(s) %s (rebuild the marts with this version of mcnamara).",
			view, strings.Join(missing, ", ")))
	}
	return nil
}

// window is the repeat window in days, as written in sentences.
func (b *builder) window() string {
	return strconv.FormatFloat(b.meta.RepeatWindowDays, 'f', -1, 64)
}

func (b *builder) loadSpan() {
	if !b.has("contact_facts", "started_at") {
		return
	}
	t, err := rows[spanRow](b, "headline", "span", b.opts.Timezone, b.opts.Timezone)
	if err != nil {
		b.log.Warn("report: read the period covered", "err", err)
		return
	}
	if len(t) == 1 && t[0].First != nil && t[0].Last != nil {
		b.span.contacts = t[0].Contacts
		b.span.first, b.span.last = *t[0].First, *t[0].Last
		b.span.ok = b.span.contacts > 0 && b.span.last != ""
	}
}

// loadTotal reads the whole-period figures: over the settled contacts
// only (the gap mart's settled grain), whose repeat window has closed. Among
// the others only the customers who already came back are judged, a biased
// few; the trend leaves out the weeks that are not settled for the same
// reason.
func (b *builder) loadTotal() {
	if !b.has("gap", gapCols...) || !b.has("coverage", "data_end", "repeat_window_days") {
		return
	}
	t, err := rows[settledTotalRow](b, "headline", "settled_total", b.opts.Timezone)
	if err != nil {
		b.log.Warn("report: read the whole-period rates", "err", err)
		return
	}
	if len(t) == 0 {
		return // no contact is settled yet
	}
	r := t[0]
	b.total.ok = r.Judged > 0
	b.total.through, b.total.throughLocal = strOr(r.Through), strOr(r.ThroughLocal)
	b.total.kpi, b.total.customer, b.total.gap = rates(r.Judged, r.Claimed, r.Failed, r.Gap)
}

// settledSpan names the settled contacts: "those that started by 23 Nov
// 2026 14:35".
func (b *builder) settledSpan(f *figs) string {
	return "those that started by " + f.add(stamp(b.total.throughLocal), "settled_through", 0, allSettled, "")
}

// rates are the KPI-met, verified-outcome and gap rates of judged contacts
// (nil where the denominator is 0), from the counts.
func rates(judged, claimed, failed, gap int64) (kpi, customer, gapRate *float64) {
	ratio := func(n, d int64) *float64 {
		if d == 0 {
			return nil
		}
		v := round(float64(n) / float64(d))
		return &v
	}
	return ratio(claimed, judged), ratio(judged-failed, judged), ratio(gap, claimed)
}

// gapCols are the gap mart columns the rate sections rely on.
var gapCols = []string{"dimension", "member", "grain", "period_start", "settled", "contacts",
	"judged_contacts", "claimed_success_contacts", "outcome_failed_contacts", "gap_contacts",
	"claimed_resolution_contacts", "verified_resolution_contacts", "journeyed_contacts", "repeat_contacts",
	"handle_time_seconds_contacts", "handle_time_seconds", "target_handle_time_seconds"}

type weekRow struct {
	week                   string
	settled                bool
	contacts, gapContacts  int64
	kpi, customer, gap, fd *float64
}

// latestSettled is the index of the latest week whose outcomes are known,
// or the latest week when none is.
func (b *builder) latestSettled() (int, bool) {
	// A thin week (the ragged edge of an extract) makes a headline of
	// noise: skip weeks far below the typical one.
	ns := make([]int64, len(b.weeks))
	for i, w := range b.weeks {
		ns[i] = w.contacts
	}
	minN := sizable(ns)
	for i := len(b.weeks) - 1; i >= 0; i-- {
		if b.weeks[i].settled && b.weeks[i].contacts >= minN {
			return i, true
		}
	}
	return len(b.weeks) - 1, false
}

// median of counts (0 for none).
func median(ns []int64) int64 {
	if len(ns) == 0 {
		return 0
	}
	s := slices.Clone(ns)
	slices.Sort(s)
	return s[len(s)/2]
}

// sizable is the smallest group a sentence may single out: groups far
// smaller than the typical one have rates of 0% or 100% by chance.
func sizable(ns []int64) int64 {
	m := max(10, median(ns)/2)
	if slices.Max(append(ns, 0)) < m {
		return 1 // all groups are small: say what there is
	}
	return m
}

func (b *builder) trend(s *Section) error {
	if err := b.need("gap", gapCols...); err != nil {
		return err
	}
	t, err := rows[trendWeekRow](b, "trend", "weeks")
	if err != nil {
		return err
	}
	if len(t) == 0 {
		return noData("No data: the gap mart has no weekly rows for dimension “all”.")
	}
	slices.Reverse(t)
	s.Chart = &Chart{Kind: "trend"}
	s.Data = &Table{Columns: trendColumns(), RowScope: &RowScope{Dim: "all", WeekCol: "week"}}
	for _, r := range t {
		w := weekRow{week: r.Week, settled: r.Settled, contacts: r.Contacts, gapContacts: r.GapContacts, fd: roundedPtr(r.FailureDemandShare)}
		w.kpi, w.customer, w.gap = rates(r.Judged, r.Claimed, r.Failed, r.GapContacts)
		b.weeks = append(b.weeks, w)
		if w.settled {
			s.Data.Rows = append(s.Data.Rows, []any{w.week, w.contacts, nullable(w.kpi), nullable(w.customer), nullable(w.gap), w.gapContacts, nullable(w.fd)})
		} else {
			// Until its repeat window closes, a week's rates count only the
			// contacts whose outcome is already known (customers who came
			// back at once, say): a biased few (the demo's last week showed
			// a 100% gap rate).
			s.Data.Rows = append(s.Data.Rows, []any{w.week, w.contacts, nil, nil, nil, w.gapContacts, nullable(w.fd)})
		}
	}
	s.Chart.Option = trendOption(s.Data)
	var f figs
	defer func() { s.Figures = f.list }()
	tot := b.total
	if !tot.ok || tot.kpi == nil || tot.customer == nil {
		s.Finding = fmt.Sprintf("The gap mart lists %s; none has closed its %s-day repeat window yet, so no week's outcomes are known.",
			f.plural("weeks", int64(len(b.weeks)), allTime, "week", "weeks"), f.window(b.meta.RepeatWindowDays))
		return nil
	}
	s.Finding = fmt.Sprintf("Of the contacts whose %s-day repeat window has closed (%s) the scorecard counted %s of judged contacts a success, while %s of customers had a verified good outcome",
		f.window(b.meta.RepeatWindowDays), b.settledSpan(&f),
		f.pct("kpi_rate", *tot.kpi, allSettled), f.pct("customer_rate", *tot.customer, allSettled))
	if tot.gap != nil {
		s.Finding += fmt.Sprintf("; %s of the scorecard's successes failed the customer", f.pct("gap_rate", *tot.gap, allSettled))
	}
	first, last := b.weeks[0], b.weeks[len(b.weeks)-1]
	i, settled := b.latestSettled()
	if settled {
		last = b.weeks[i]
	}
	switch {
	// a change between weeks whose outcomes are still open would be noise
	case !settled || !first.settled || len(b.weeks) < 2 || first.week == last.week || first.gap == nil || last.gap == nil:
	case pct(*first.gap) == pct(*last.gap):
		s.Finding += fmt.Sprintf(", the gap rate standing at %s both in the week of %s and in the week of %s",
			f.pct("gap_rate", *last.gap, weekScope("all", "", last.week)), f.week(first.week), f.week(last.week))
	default:
		s.Finding += fmt.Sprintf(", the gap rate moving from %s in the week of %s to %s in the week of %s",
			f.pct("gap_rate", *first.gap, weekScope("all", "", first.week)), f.week(first.week),
			f.pct("gap_rate", *last.gap, weekScope("all", "", last.week)), f.week(last.week))
	}
	s.Finding += "."
	if !b.weeks[len(b.weeks)-1].settled {
		s.Note = fmt.Sprintf("The latest weeks (shaded) are still open: their customers may yet come back within the %s-day repeat window. Their rates are left out until then: they would count only the contacts whose outcome is already known, a biased few.",
			f.window(b.meta.RepeatWindowDays))
	}
	return nil
}

// rounded is a numeric column as a rounded optional value (nil: NULL).
func (r rec) rounded(name string) *float64 {
	v, ok := r.num(name)
	if !ok {
		return nil
	}
	v = round(v)
	return &v
}

// nullable turns an optional float into a JSON cell.
func nullable(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func (b *builder) headline() (h Headline) {
	h = Headline{Status: statusOK}
	if len(b.weeks) == 0 {
		h.Status = statusNoData
		h.Note = "No data: the headline needs the weekly rows of the gap mart (run `mcnamara build`)."
		return h
	}
	i, settled := b.latestSettled()
	if !settled {
		return b.openHeadline(h)
	}
	cur := b.weeks[i]
	var prev *weekRow
	if i > 0 && b.weeks[i-1].settled {
		prev = &b.weeks[i-1]
	}
	h.Week = cur.week
	if prev != nil {
		h.PrevWeek = prev.week
	}
	pick := func(w *weekRow, f func(weekRow) *float64) *float64 {
		if w == nil {
			return nil
		}
		return f(*w)
	}
	kpiF := func(w weekRow) *float64 { return w.kpi }
	custF := func(w weekRow) *float64 { return w.customer }
	gapF := func(w weekRow) *float64 { return w.gap }
	whole := b.total
	h.Tiles = []Tile{
		{Key: "kpi", Measure: "kpi_rate", Label: "KPI-met rate", Help: "Judged contacts the scorecard counts a success: resolved and every KPI target held.",
			Value: cur.kpi, Prev: pick(prev, kpiF), Whole: whole.kpi, Good: "up"},
		{Key: "customer", Measure: "customer_rate", Label: "Verified-outcome rate", Help: "Judged contacts whose customer did not have to come back and whose journey did not end badly.",
			Value: cur.customer, Prev: pick(prev, custF), Whole: whole.customer, Good: "up"},
		{Key: "gap", Measure: "gap_rate", Label: "Gap rate", Help: "Of the scorecard's successes, the share whose customer nevertheless failed.",
			Value: cur.gap, Prev: pick(prev, gapF), Whole: whole.gap, Good: "down"},
	}
	var f figs
	defer func() { h.Figures = f.list }()
	if cur.kpi == nil || cur.customer == nil {
		return h
	}
	sc := weekScope("all", "", cur.week)
	var from Scope
	if prev != nil {
		from = weekScope("all", "", prev.week)
	}
	fs := fmt.Sprintf("In the week of %s the scorecard counted %s of judged contacts a success", f.week(cur.week), f.pct("kpi_rate", *cur.kpi, sc))
	if prev != nil && prev.kpi != nil {
		fs += fmt.Sprintf(" (%s on the week before)", f.change("kpi_rate", *cur.kpi, *prev.kpi, sc, from))
	}
	if *cur.customer < *cur.kpi {
		fs += fmt.Sprintf(", yet only %s of customers had a verified good outcome", f.pct("customer_rate", *cur.customer, sc))
	} else {
		fs += fmt.Sprintf(", and %s of customers had a verified good outcome", f.pct("customer_rate", *cur.customer, sc))
	}
	if cur.gap != nil {
		fs += fmt.Sprintf("; %s of the scorecard's successes failed the customer", f.pct("gap_rate", *cur.gap, sc))
		if prev != nil && prev.gap != nil {
			fs += fmt.Sprintf(" (%s)", f.change("gap_rate", *cur.gap, *prev.gap, sc, from))
		}
	}
	h.Finding = fs + "."
	if i < len(b.weeks)-1 {
		h.Note = fmt.Sprintf("The week of %s is the latest whose %s-day repeat window has closed; later weeks are still open.",
			f.week(cur.week), f.window(b.meta.RepeatWindowDays))
	}
	return h
}

// openHeadline is the headline while no week's outcomes are judged (the
// first days of data): a week's figures would read as facts although most
// of its customers may still come back, so the tiles and the sentence give
// the whole period so far, over the contacts already judged, without a
// week-on-week change.
func (b *builder) openHeadline(in Headline) (h Headline) {
	h = in
	var f figs
	defer func() { h.Figures = f.list }()
	t, err := rows[countsRow](b, "headline", "open_total")
	var kpi, cust, gap *float64
	if err == nil && len(t) == 1 {
		kpi, cust, gap = rates(t[0].Judged, t[0].Claimed, t[0].Failed, t[0].Gap)
	}
	h.Tiles = []Tile{
		{Key: "kpi", Measure: "kpi_rate", Label: "KPI-met rate", Help: "Judged contacts the scorecard counts a success: resolved and every KPI target held.", Value: kpi, Good: "up"},
		{Key: "customer", Measure: "customer_rate", Label: "Verified-outcome rate", Help: "Judged contacts whose customer did not have to come back and whose journey did not end badly.", Value: cust, Good: "up"},
		{Key: "gap", Measure: "gap_rate", Label: "Gap rate", Help: "Of the scorecard's successes, the share whose customer nevertheless failed.", Value: gap, Good: "down"},
	}
	for i := range h.Tiles {
		h.Tiles[i].Note = "so far: no week judged yet"
	}
	if kpi != nil && cust != nil {
		fs := fmt.Sprintf("So far the scorecard counted %s of judged contacts a success, and %s of customers whose outcome is known had a verified good outcome",
			f.pct("kpi_rate", *kpi, allTime), f.pct("customer_rate", *cust, allTime))
		if gap != nil {
			fs += fmt.Sprintf("; %s of the scorecard's judged successes failed the customer", f.pct("gap_rate", *gap, allTime))
		}
		h.Finding = fs + "."
	}
	h.Note = fmt.Sprintf("No week has closed its %s-day repeat window yet: the figures are for the whole period so far, over the contacts whose outcome is already known; the rest are still open.",
		f.window(b.meta.RepeatWindowDays))
	return h
}

type member struct {
	dim, name               string
	contacts, gapContacts   int64
	kpi, customer, gap      float64
	hasKPI, hasCust, hasGap bool
}

// quadrantRows are the quadrant's table rows of members ms, with, per
// dimension, how many sit in the "KPI met, customers failed" quadrant (bad)
// and of how many ([bad, all]), and the member the finding names: the
// widest gap among the sizable bad members, a team before an agent (a team
// is where management acts). The unfiltered section and every filtered
// view use it, so they name the same member for the same data.
func quadrantRows(ms []member, bad func(member) bool) (rows [][]any, n map[string][2]int64, worst *member) {
	n = map[string][2]int64{}
	sizes := map[string][]int64{}
	for _, m := range ms {
		sizes[m.dim] = append(sizes[m.dim], m.contacts)
	}
	minN := map[string]int64{"agent": sizable(sizes["agent"]), "team": sizable(sizes["team"])}
	for i, m := range ms {
		var gap any
		if m.hasGap {
			gap = m.gap
		}
		rows = append(rows, []any{m.dim, m.name, m.contacts, m.kpi, m.customer, gap, m.gapContacts, bad(m)})
		c := n[m.dim]
		c[1]++
		if bad(m) {
			c[0]++
			if m.hasGap && m.contacts >= minN[m.dim] && len(sizes[m.dim]) > 1 && (worst == nil || (m.dim == "team" && worst.dim != "team") ||
				(m.dim == worst.dim && m.gap > worst.gap)) {
				worst = &ms[i]
			}
		}
		n[m.dim] = c
	}
	return rows, n, worst
}

// noMember is how the gap mart names a missing agent, team or department:
// contacts without an agent are not an agent (nor without a team a team,
// without a department a department), so the member panels leave it out.
const noMember = "(none)"

func (b *builder) quadrant(s *Section) error {
	if err := b.need("gap", gapCols...); err != nil {
		return err
	}
	if !b.total.ok || b.total.kpi == nil || b.total.customer == nil {
		return noData(fmt.Sprintf("No data yet: no week has closed its %s-day repeat window, so no agent's or team's outcomes are known.", b.window()))
	}
	// Contacts without an agent (IVR, self-service, abandoned in queue)
	// are not an agent; nor are contacts without a team a team.
	t, err := rows[quadrantRow](b, "quadrant", "members", noMember)
	if err != nil {
		return err
	}
	var ms []member
	for _, r := range t {
		m := member{dim: r.Dimension, name: r.Member, contacts: r.Contacts, gapContacts: r.GapContacts}
		kpi, cust, gap := rates(r.Judged, r.Claimed, r.Failed, r.GapContacts)
		if kpi == nil || cust == nil {
			continue
		}
		m.kpi, m.customer, m.hasKPI, m.hasCust = *kpi, *cust, true, true
		if gap != nil {
			m.gap, m.hasGap = *gap, true
		}
		ms = append(ms, m)
	}
	if len(ms) == 0 {
		return noData("No data: the gap mart has no agent or team with judged contacts in the settled weeks.")
	}
	// The quadrant lines sit at the organisation's overall rates.
	kx, ky := *b.total.kpi, *b.total.customer
	bad := func(m member) bool { return m.kpi >= kx && m.customer < ky }
	s.Data = &Table{Columns: quadrantColumns(), RowScope: &RowScope{DimCol: "level", MemberCol: "member", Period: "settled"}}
	rows, n, worst := quadrantRows(ms, bad)
	s.Data.Rows = append(s.Data.Rows, rows...)
	s.Chart = &Chart{Kind: "quadrant", Option: quadrantOption(s.Data, kx, ky)}
	var f figs
	defer func() { s.Figures = f.list }()
	if n["agent"][0]+n["team"][0] == 0 {
		s.Finding = "No agent or team sits in the “KPI met, customers failed” quadrant: where the scorecard is above average, so are customer outcomes."
		return nil
	}
	var parts []string
	for _, d := range []string{"agent", "team"} {
		if c := n[d]; c[1] > 1 { // a single team is the whole organisation
			sc := Scope{Dim: d, Period: "settled"}
			parts = append(parts, fmt.Sprintf("%s of %s", f.n("quadrant_members", c[0], sc), f.plural("judged_members", c[1], sc, d, d+"s")))
		}
	}
	s.Finding = strings.Join(parts, " and ") + " sit in the “KPI met, customers failed” quadrant (scorecard success above the overall " +
		f.pct("kpi_rate", kx, allSettled) + ", customer success below the overall " + f.pct("customer_rate", ky, allSettled) + ")."
	if worst != nil {
		sc := Scope{Dim: worst.dim, Member: worst.name, Period: "settled"}
		s.Finding += fmt.Sprintf(" In %s %s the scorecard counts %s of contacts a success, yet %s of those successes failed the customer.",
			worst.dim, quoted(worst.name), f.pct("kpi_rate", worst.kpi, sc), f.pct("gap_rate", worst.gap, sc))
	}
	s.Note = "Over the settled contacts (" + b.settledSpan(&f) + "); contacts without an agent or team (self-service, IVR, abandoned in the queue) are left out."
	return nil
}

func (b *builder) resolution(s *Section) error {
	if err := b.need("gap", gapCols...); err != nil {
		return err
	}
	if !b.total.ok {
		return noData(fmt.Sprintf("No data yet: no week has closed its %s-day repeat window, so no resolution is verified.", b.window()))
	}
	t, err := rows[resolutionRow](b, "resolution", "departments", noMember)
	if err != nil {
		return err
	}
	if len(t) == 0 {
		return noData("No data: the gap mart has no department with judged contacts in the settled weeks.")
	}
	s.Chart = &Chart{Kind: "resolution"}
	s.Height = max(260, 90+46*len(t)) // two bars per department
	s.Data = &Table{Columns: []Column{
		col("department", "Department", fmtText), mcol("contacts", "Contacts", fmtInt, "contacts"),
		mcol("claimed", "Claimed resolution", fmtPct, "claimed_resolution_rate"), mcol("verified", "Verified resolution", fmtPct, "verified_resolution_rate"),
		mcol("aht_seconds", "Average handle time", fmtDur, "aht_seconds"), mcol("aht_target_seconds", "Handle-time target", fmtDur, "aht_target_seconds"),
	}, RowScope: &RowScope{Dim: "department", MemberCol: "department", Period: "settled"}}
	var widest *resolutionRow
	var widestDiff float64
	var ns []int64
	for _, r := range t {
		ns = append(ns, r.Contacts)
	}
	minN := sizable(ns)
	for i, r := range t {
		s.Data.Rows = append(s.Data.Rows, []any{r.Department, r.Contacts, nullable(roundedPtr(r.Claimed)), nullable(roundedPtr(r.Verified)),
			nullable(roundedPtr(r.AHTSeconds)), nullable(roundedPtr(r.AHTTargetSeconds))})
		if r.Claimed != nil && r.Verified != nil && r.Contacts >= minN && (widest == nil || *r.Claimed-*r.Verified > widestDiff) {
			widest, widestDiff = &t[i], *r.Claimed-*r.Verified
		}
	}
	s.Chart.Option = resolutionChart.option(s.Data, nil)
	var f figs
	defer func() { s.Figures = f.list }()
	switch {
	case widest == nil:
		s.Finding = "No department has both a claimed and a verified resolution rate."
	case widestDiff <= 0:
		s.Finding = "In every department verified resolution matches or beats what the scorecard claims."
	default:
		sc := Scope{Dim: "department", Member: widest.Department, Period: "settled"}
		s.Finding = fmt.Sprintf("%s reports %s of its judged contacts resolved, but only %s were verified resolved by what the customer did next — the widest difference of %s.",
			quoted(widest.Department), f.pct("claimed_resolution_rate", *widest.Claimed, sc),
			f.pct("verified_resolution_rate", *widest.Verified, sc),
			f.plural("shown_members", int64(len(t)), Scope{Dim: "department", Period: "settled"}, "department", "departments"))
	}
	s.Note = "Over the judged contacts among the settled ones (" + b.settledSpan(&f) + ")."
	if more := t[0].Departments; more > int64(len(t)) {
		s.Note += fmt.Sprintf(" Showing the %s departments with the most contacts of %s.",
			f.n("shown_members", int64(len(t)), Scope{Dim: "department", Period: "settled"}),
			f.n("judged_members", more, Scope{Dim: "department", Period: "settled"}))
	}
	return nil
}

func (b *builder) heatmap(s *Section) error {
	if err := b.need("gap", gapCols...); err != nil {
		return err
	}
	t, err := rows[heatmapRow](b, "heatmap", "cells", noMember)
	if err != nil {
		return err
	}
	if len(t) == 0 {
		return noData("No data: the gap mart has no weekly department rows.")
	}
	s.Data = &Table{Columns: heatmapColumns(), RowScope: &RowScope{Dim: "department", MemberCol: "department", WeekCol: "week"}}
	var deps []string
	seen := map[string]bool{}
	var hot heatmapRow
	var hotRate float64
	hotFound := false
	// Cells with few successes make noisy rates; the sentence prefers
	// cells with at least 10 claimed successes when any exist.
	minClaimed := int64(10)
	var maxClaimed int64
	// Open weeks look worse than they are (only their early-judged
	// contacts count), so the sentence names a settled week when it can.
	anySettled := false
	for _, r := range t {
		maxClaimed = max(maxClaimed, r.Claimed)
		anySettled = anySettled || r.Settled
	}
	if maxClaimed < minClaimed {
		minClaimed = 1
	}
	openWeeks := false
	for _, r := range t {
		if !seen[r.Department] {
			seen[r.Department] = true
			deps = append(deps, r.Department)
		}
		var rate any
		if r.Claimed > 0 {
			rate = round(float64(r.GapContacts) / float64(r.Claimed))
		}
		if anySettled && !r.Settled {
			rate, openWeeks = nil, true // as in the trend: a biased few
		}
		s.Data.Rows = append(s.Data.Rows, []any{r.Department, r.Week, r.Contacts, r.GapContacts, rate})
		if g, ok := rate.(float64); ok && r.Claimed >= minClaimed && (!hotFound || g > hotRate) {
			hot, hotRate, hotFound = r, g, true
		}
	}
	s.Chart = &Chart{Kind: "heatmap", Option: heatmapOption(s.Data, deps)}
	s.Height = heatmapHeight(len(deps))
	var f figs
	defer func() { s.Figures = f.list }()
	if hotFound {
		sc := weekScope("department", hot.Department, hot.Week)
		s.Finding = fmt.Sprintf("The gap was widest in %s in the week of %s: %s of the contacts the scorecard counted a success failed the customer (%s of %s).",
			quoted(hot.Department), f.week(hot.Week), f.pct("gap_rate", hotRate, sc),
			f.n("gap_contacts", hot.GapContacts, sc), f.n("claimed_success_contacts", hot.Claimed, sc))
	} else {
		s.Finding = "No department week has a gap rate: no contact was counted a success."
	}
	if openWeeks {
		s.Note = fmt.Sprintf("The latest weeks are blank: their %s-day repeat window is still open, so their gap rates would count only the contacts already judged.",
			f.window(b.meta.RepeatWindowDays))
	}
	return nil
}
