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

	schema map[string]map[string]string // view → column → type
	span   struct {
		ok          bool
		contacts    int64
		first, last string // local wall-clock times, RFC 3339 shaped
	}
	weeks []weekRow // the weekly KPI vs customer series (gap mart)
	// total is the whole-period row of the gap mart (dimension all).
	total struct {
		ok                 bool
		kpi, customer, gap *float64
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
		{&m.Main, b.one("quadrant", "Agents and teams: KPI attainment against customer success", b.quadrant)},
		{&m.Main, b.one("resolution", "Claimed vs verified resolution by department", b.resolution)},
		{&m.Main, b.one("heatmap", "Gap rate by department and week", b.heatmap)},
		{&m.Main, b.one("goodhart", "Goodhart panel: does meeting the KPI help the customer?", b.goodhart)},
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
		}
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
	t, err := b.q.query(b.ctx, `SELECT table_name, column_name, data_type
		FROM information_schema.columns
		WHERE table_catalog = current_database() AND table_schema = current_schema()`)
	if err != nil {
		return fmt.Errorf("report: read the database schema: %w", err)
	}
	b.schema = map[string]map[string]string{}
	for _, r := range t.recs() {
		tn := r.str("table_name")
		if b.schema[tn] == nil {
			b.schema[tn] = map[string]string{}
		}
		b.schema[tn][r.str("column_name")] = r.str("data_type")
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

// optCol selects a column when the view has it, else a typed NULL, so
// optional columns never stop a section.
func (b *builder) optCol(view, c, typ string) string {
	return b.optColAs(view, c, typ, c)
}

// optColAs selects the first of the candidate columns the view has, named
// alias (marts may spell a column differently, e.g. churn / churned).
func (b *builder) optColAs(view, alias, typ string, candidates ...string) string {
	for _, c := range candidates {
		if b.has(view, c) {
			return fmt.Sprintf("CAST(%s AS %s) AS %s", ident(c), typ, ident(alias))
		}
	}
	return fmt.Sprintf("CAST(NULL AS %s) AS %s", typ, ident(alias))
}

// firstCol returns the first of the candidate columns the view has, or "".
func (b *builder) firstCol(view string, candidates ...string) string {
	for _, c := range candidates {
		if b.has(view, c) {
			return c
		}
	}
	return ""
}

// window is the repeat window in days, as written in sentences.
func (b *builder) window() string {
	return strconv.FormatFloat(b.meta.RepeatWindowDays, 'f', -1, 64)
}

func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func (b *builder) loadSpan() {
	if !b.has("contact_facts", "started_at") {
		return
	}
	t, err := b.q.query(b.ctx, `SELECT count(*) AS n,
		timezone(?, min(started_at)) AS first, timezone(?, max(started_at)) AS last
		FROM contact_facts`, b.opts.Timezone, b.opts.Timezone)
	if err != nil {
		b.log.Warn("report: read the period covered", "err", err)
		return
	}
	if len(t.rows) == 1 {
		r := t.recs()[0]
		b.span.contacts = r.n("n")
		b.span.first, b.span.last = r.str("first"), r.str("last")
		b.span.ok = b.span.contacts > 0 && b.span.last != ""
	}
}

func (b *builder) loadTotal() {
	if !b.has("gap", gapCols...) {
		return
	}
	t, err := b.q.query(b.ctx, `SELECT CAST(claimed_success_rate AS DOUBLE) AS kpi_rate,
			1 - CAST(outcome_failed_rate AS DOUBLE) AS customer_rate, CAST(gap_rate AS DOUBLE) AS gap_rate
			FROM gap WHERE dimension = 'all' AND grain = 'total' LIMIT 1`)
	if err != nil {
		b.log.Warn("report: read the whole-period rates", "err", err)
		return
	}
	if len(t.rows) == 1 {
		r := t.recs()[0]
		b.total.ok = true
		b.total.kpi, b.total.customer, b.total.gap = optF(r, "kpi_rate"), optF(r, "customer_rate"), optF(r, "gap_rate")
	}
}

// gapCols are the gap mart columns the rate sections rely on.
var gapCols = []string{"dimension", "member", "grain", "period_start", "contacts",
	"claimed_success_rate", "outcome_failed_rate", "gap_contacts", "gap_rate"}

type weekRow struct {
	week                      string
	contacts, gapContacts     int64
	kpi, customer, gap, fdemd *float64
}

// settled reports whether the repeat window after the week has closed
// before the end of the data, so its outcomes are known.
func (b *builder) settled(week string) bool {
	w, err := time.Parse(time.DateOnly, week)
	if err != nil || !b.span.ok {
		return false
	}
	last, err := time.Parse(time.RFC3339, b.span.last)
	if err != nil {
		return false
	}
	closes := w.Add(time.Duration((7 + b.meta.RepeatWindowDays) * float64(24*time.Hour)))
	return !closes.After(last)
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
		if b.settled(b.weeks[i].week) && b.weeks[i].contacts >= minN {
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
	t, err := b.q.query(b.ctx, `SELECT CAST(period_start AS DATE) AS week,
			CAST(contacts AS BIGINT) AS contacts,
			CAST(claimed_success_rate AS DOUBLE) AS kpi_rate,
			1 - CAST(outcome_failed_rate AS DOUBLE) AS customer_rate,
			CAST(gap_rate AS DOUBLE) AS gap_rate,
			CAST(gap_contacts AS BIGINT) AS gap_contacts,
			`+b.optCol("gap", "failure_demand_share", "DOUBLE")+`
		FROM gap WHERE dimension = 'all' AND grain = 'week' AND period_start IS NOT NULL
		ORDER BY week DESC LIMIT 104`)
	if err != nil {
		return err
	}
	if len(t.rows) == 0 {
		return noData("No data: the gap mart has no weekly rows for dimension “all”.")
	}
	slices.Reverse(t.rows)
	s.Chart = &Chart{Kind: "trend"}
	s.Data = &Table{Columns: []Column{
		col("week", "Week starting", fmtDate),
		col("contacts", "Contacts", fmtInt),
		col("kpi_rate", "KPI-met rate (scorecard success)", fmtPct),
		col("customer_rate", "Verified-outcome rate (customer not failed)", fmtPct),
		col("gap_rate", "Gap rate (successes that failed the customer)", fmtPct),
		col("gap_contacts", "Gap contacts", fmtInt),
		col("failure_demand_share", "Failure demand share", fmtPct),
	}}
	var sumN, sumKPI, sumCust, sumGap float64
	for _, r := range t.recs() {
		w := weekRow{week: r.str("week"), contacts: r.n("contacts"), gapContacts: r.n("gap_contacts"),
			kpi: optF(r, "kpi_rate"), customer: optF(r, "customer_rate"), gap: optF(r, "gap_rate"), fdemd: optF(r, "failure_demand_share")}
		b.weeks = append(b.weeks, w)
		if b.settled(w.week) {
			s.Data.Rows = append(s.Data.Rows, []any{w.week, w.contacts, jf(w.kpi), jf(w.customer), jf(w.gap), w.gapContacts, jf(w.fdemd)})
		} else {
			// Until its repeat window closes, a week's rates count only the
			// contacts whose outcome is already known (customers who came
			// back at once, say): a biased few (the demo's last week showed
			// a 100% gap rate).
			s.Data.Rows = append(s.Data.Rows, []any{w.week, w.contacts, nil, nil, nil, w.gapContacts, jf(w.fdemd)})
		}
		n := float64(w.contacts)
		if w.kpi != nil && w.customer != nil {
			sumN += n
			sumKPI += *w.kpi * n
			sumCust += *w.customer * n
		}
		sumGap += float64(w.gapContacts)
	}
	if sumN == 0 {
		s.Finding = fmt.Sprintf("The gap mart lists %s but no contacts with known rates.", plural(int64(len(b.weeks)), "week", "weeks"))
		return nil
	}
	// The whole-period row has the right denominators; the contact-weighted
	// mean of the weeks is only a stand-in when it is missing.
	kpi, cust, gap := sumKPI/sumN, sumCust/sumN, (*float64)(nil)
	if sumKPI > 0 {
		g := sumGap / sumKPI
		gap = &g
	}
	if b.total.ok && b.total.kpi != nil && b.total.customer != nil {
		kpi, cust, gap = *b.total.kpi, *b.total.customer, b.total.gap
	}
	s.Finding = fmt.Sprintf("Over %s the scorecard counted %s of contacts a success, while %s of customers had a verified good outcome",
		plural(int64(len(b.weeks)), "week", "weeks"), pct(kpi), pct(cust))
	if gap != nil {
		s.Finding += fmt.Sprintf("; %s of the scorecard's successes failed the customer", pct(*gap))
	}
	first, last := b.weeks[0], b.weeks[len(b.weeks)-1]
	i, settled := b.latestSettled()
	if settled {
		last = b.weeks[i]
	}
	switch {
	// a change between weeks whose outcomes are still open would be noise
	case !settled || len(b.weeks) < 2 || first.week == last.week || first.gap == nil || last.gap == nil:
	case pct(*first.gap) == pct(*last.gap):
		s.Finding += fmt.Sprintf(", the gap rate standing at %s both in the week of %s and in the week of %s",
			pct(*last.gap), day(first.week), day(last.week))
	default:
		s.Finding += fmt.Sprintf(", the gap rate moving from %s in the week of %s to %s in the week of %s",
			pct(*first.gap), day(first.week), pct(*last.gap), day(last.week))
	}
	s.Finding += "."
	for _, w := range b.weeks {
		if !b.settled(w.week) {
			// The page shades the weeks whose outcomes are still open.
			s.Chart.Params = map[string]any{"open_from": w.week}
			break
		}
	}
	if _, ok := b.latestSettled(); ok && !b.settled(b.weeks[len(b.weeks)-1].week) {
		s.Note = fmt.Sprintf("The latest weeks (shaded) are still open: their customers may yet come back within the %s-day repeat window. Their rates are left out until then: they would count only the contacts whose outcome is already known, a biased few.", b.window())
	}
	return nil
}

func optF(r rec, name string) *float64 {
	v, ok := r.num(name)
	if !ok {
		return nil
	}
	v = round(v)
	return &v
}

// jf turns an optional float into a JSON cell.
func jf(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func (b *builder) headline() Headline {
	h := Headline{Status: statusOK}
	if len(b.weeks) == 0 {
		h.Status = statusNoData
		h.Note = "No data: the headline needs the weekly rows of the gap mart (run `mcnamara build`)."
		return h
	}
	i, settled := b.latestSettled()
	cur := b.weeks[i]
	var prev *weekRow
	if i > 0 {
		prev = &b.weeks[i-1]
	}
	h.Week = cur.week
	whole := b.total
	pick := func(w *weekRow, f func(weekRow) *float64) *float64 {
		if w == nil {
			return nil
		}
		return f(*w)
	}
	kpiF := func(w weekRow) *float64 { return w.kpi }
	custF := func(w weekRow) *float64 { return w.customer }
	gapF := func(w weekRow) *float64 { return w.gap }
	h.Tiles = []Tile{
		{Key: "kpi", Label: "KPI-met rate", Help: "Contacts the scorecard counts a success: resolved and every KPI target held.",
			Value: cur.kpi, Prev: pick(prev, kpiF), Whole: whole.kpi, Good: "up"},
		{Key: "customer", Label: "Verified-outcome rate", Help: "Contacts whose customer did not have to come back and whose journey did not end badly.",
			Value: cur.customer, Prev: pick(prev, custF), Whole: whole.customer, Good: "up"},
		{Key: "gap", Label: "Gap rate", Help: "Of the scorecard's successes, the share whose customer nevertheless failed.",
			Value: cur.gap, Prev: pick(prev, gapF), Whole: whole.gap, Good: "down"},
	}
	if !settled {
		return b.openHeadline(h)
	}
	if i < len(b.weeks)-1 {
		h.Note = fmt.Sprintf("The week of %s is the latest whose %s-day repeat window has closed; later weeks are still open.", day(cur.week), b.window())
	}
	if cur.kpi == nil || cur.customer == nil {
		return h
	}
	f := fmt.Sprintf("In the week of %s the scorecard counted %s of contacts a success", day(cur.week), pct(*cur.kpi))
	if prev != nil && prev.kpi != nil {
		f += fmt.Sprintf(" (%s on the week before)", pts(*cur.kpi-*prev.kpi))
	}
	if *cur.customer < *cur.kpi {
		f += fmt.Sprintf(", yet only %s of customers had a verified good outcome", pct(*cur.customer))
	} else {
		f += fmt.Sprintf(", and %s of customers had a verified good outcome", pct(*cur.customer))
	}
	if cur.gap != nil {
		f += fmt.Sprintf("; %s of the scorecard's successes failed the customer", pct(*cur.gap))
		if prev != nil && prev.gap != nil {
			f += fmt.Sprintf(" (%s)", pts(*cur.gap-*prev.gap))
		}
	}
	h.Finding = f + "."
	return h
}

// openHeadline is the headline while no week's outcomes are judged (the
// first days of data): a week's figures would read as facts although most
// of its customers may still come back, so the tiles and the sentence give
// the whole period so far, over the contacts already judged, without a
// week-on-week change.
func (b *builder) openHeadline(h Headline) Headline {
	h.Week = ""
	whole := b.total
	for i := range h.Tiles {
		t := &h.Tiles[i]
		t.Value, t.Prev, t.Whole = nil, nil, nil
		switch t.Key {
		case "kpi":
			t.Value = whole.kpi
		case "customer":
			t.Value = whole.customer
		case "gap":
			t.Value = whole.gap
		}
		t.Note = "so far: no week judged yet"
	}
	h.Note = fmt.Sprintf("No week has closed its %s-day repeat window yet: the figures are for the whole period so far, over the contacts whose outcome is already known; the rest are still open.", b.window())
	if whole.kpi == nil || whole.customer == nil {
		return h
	}
	f := fmt.Sprintf("So far the scorecard counted %s of contacts a success, and %s of customers whose outcome is known had a verified good outcome", pct(*whole.kpi), pct(*whole.customer))
	if whole.gap != nil {
		f += fmt.Sprintf("; %s of the scorecard's judged successes failed the customer", pct(*whole.gap))
	}
	h.Finding = f + "."
	return h
}

type member struct {
	dim, name               string
	contacts, gapContacts   int64
	kpi, customer, gap      float64
	hasKPI, hasCust, hasGap bool
}

func (b *builder) quadrant(s *Section) error {
	if err := b.need("gap", gapCols...); err != nil {
		return err
	}
	t, err := b.q.query(b.ctx, `SELECT dimension, member, CAST(contacts AS BIGINT) AS contacts,
			CAST(claimed_success_rate AS DOUBLE) AS kpi_rate,
			1 - CAST(outcome_failed_rate AS DOUBLE) AS customer_rate,
			CAST(gap_rate AS DOUBLE) AS gap_rate, CAST(gap_contacts AS BIGINT) AS gap_contacts
		FROM gap WHERE grain = 'total' AND dimension IN ('agent', 'team') AND contacts > 0
		QUALIFY row_number() OVER (PARTITION BY dimension ORDER BY contacts DESC, member) <= 1000
		ORDER BY dimension, contacts DESC, member`)
	if err != nil {
		return err
	}
	var ms []member
	for _, r := range t.recs() {
		m := member{dim: r.str("dimension"), name: r.str("member"), contacts: r.n("contacts"), gapContacts: r.n("gap_contacts")}
		m.kpi, m.hasKPI = r.num("kpi_rate")
		m.customer, m.hasCust = r.num("customer_rate")
		m.gap, m.hasGap = r.num("gap_rate")
		if m.hasKPI && m.hasCust {
			ms = append(ms, m)
		}
	}
	if len(ms) == 0 {
		return noData("No data: the gap mart has no agent or team totals with rates.")
	}
	// The quadrant lines sit at the organisation's overall rates.
	var kx, ky float64
	if b.total.ok && b.total.kpi != nil && b.total.customer != nil {
		kx, ky = *b.total.kpi, *b.total.customer
	} else {
		var n float64
		for _, m := range ms {
			if m.dim == "agent" {
				n += float64(m.contacts)
				kx += m.kpi * float64(m.contacts)
				ky += m.customer * float64(m.contacts)
			}
		}
		if n > 0 {
			kx, ky = kx/n, ky/n
		}
	}
	bad := func(m member) bool { return m.kpi >= kx && m.customer < ky }
	s.Chart = &Chart{Kind: "quadrant", Params: map[string]any{"kpi_line": round(kx), "customer_line": round(ky)}}
	s.Data = &Table{Columns: []Column{
		col("level", "Level", fmtText), col("member", "Name", fmtText), col("contacts", "Contacts", fmtInt),
		col("kpi_rate", "KPI attainment", fmtPct), col("customer_rate", "Customer success", fmtPct),
		col("gap_rate", "Gap rate", fmtPct), col("gap_contacts", "Gap contacts", fmtInt),
		col("kpi_met_customers_failed", "In the “KPI met, customers failed” quadrant", fmtBool),
	}}
	n := map[string][2]int64{}
	var worst *member
	sizes := map[string][]int64{}
	for _, m := range ms {
		sizes[m.dim] = append(sizes[m.dim], m.contacts)
	}
	minN := map[string]int64{"agent": sizable(sizes["agent"]), "team": sizable(sizes["team"])}
	for i, m := range ms {
		var gap any
		if m.hasGap {
			gap = round(m.gap)
		}
		s.Data.Rows = append(s.Data.Rows, []any{m.dim, m.name, m.contacts, round(m.kpi), round(m.customer), gap, m.gapContacts, bad(m)})
		c := n[m.dim]
		c[1]++
		if bad(m) {
			c[0]++
			// Prefer a team for the sentence: it is where management acts.
			if m.hasGap && m.contacts >= minN[m.dim] && len(sizes[m.dim]) > 1 && (worst == nil || (m.dim == "team" && worst.dim != "team") ||
				(m.dim == worst.dim && m.gap > worst.gap)) {
				worst = &ms[i]
			}
		}
		n[m.dim] = c
	}
	var parts []string
	for _, d := range []string{"agent", "team"} {
		if c := n[d]; c[1] > 1 { // a single team is the whole organisation
			parts = append(parts, fmt.Sprintf("%s of %s", count(c[0]), plural(c[1], d, d+"s")))
		}
	}
	if n["agent"][0]+n["team"][0] == 0 {
		s.Finding = "No agent or team sits in the “KPI met, customers failed” quadrant: where the scorecard is above average, so are customer outcomes."
		return nil
	}
	s.Finding = strings.Join(parts, " and ") + " sit in the “KPI met, customers failed” quadrant (scorecard success above the overall " +
		pct(kx) + ", customer success below the overall " + pct(ky) + ")."
	if worst != nil {
		s.Finding += fmt.Sprintf(" In %s %s the scorecard counts %s of contacts a success, yet %s of those successes failed the customer.",
			worst.dim, quoted(worst.name), pct(worst.kpi), pct(worst.gap))
	}
	return nil
}

func (b *builder) resolution(s *Section) error {
	if err := b.need("gap", "dimension", "member", "grain", "contacts", "claimed_resolution_rate", "verified_resolution_rate"); err != nil {
		return err
	}
	t, err := b.q.query(b.ctx, `SELECT member AS department, CAST(contacts AS BIGINT) AS contacts,
			CAST(claimed_resolution_rate AS DOUBLE) AS claimed, CAST(verified_resolution_rate AS DOUBLE) AS verified,
			`+b.optCol("gap", "aht_seconds", "DOUBLE")+`, `+b.optCol("gap", "aht_target_seconds", "DOUBLE")+`
		FROM gap WHERE dimension = 'department' AND grain = 'total' AND contacts > 0
		ORDER BY contacts DESC, member LIMIT 30`)
	if err != nil {
		return err
	}
	if len(t.rows) == 0 {
		return noData("No data: the gap mart has no department totals.")
	}
	s.Chart = &Chart{Kind: "resolution"}
	s.Height = max(260, 90+46*len(t.rows)) // two bars per department
	s.Data = &Table{Columns: []Column{
		col("department", "Department", fmtText), col("contacts", "Contacts", fmtInt),
		col("claimed", "Claimed resolution", fmtPct), col("verified", "Verified resolution", fmtPct),
		col("aht_seconds", "Average handle time", fmtDur), col("aht_target_seconds", "Handle-time target", fmtDur),
	}}
	var widest rec
	var widestDiff float64
	found := false
	var ns []int64
	for _, r := range t.recs() {
		ns = append(ns, r.n("contacts"))
	}
	minN := sizable(ns)
	for _, r := range t.recs() {
		s.Data.Rows = append(s.Data.Rows, []any{r.get("department"), r.n("contacts"), jf(optF(r, "claimed")), jf(optF(r, "verified")),
			jf(optF(r, "aht_seconds")), jf(optF(r, "aht_target_seconds"))})
		c, ok1 := r.num("claimed")
		v, ok2 := r.num("verified")
		if ok1 && ok2 && r.n("contacts") >= minN && (!found || c-v > widestDiff) {
			widest, widestDiff, found = r, c-v, true
		}
	}
	if more := b.countMembers("department"); more > int64(len(t.rows)) {
		s.Note = fmt.Sprintf("Showing the %d departments with the most contacts of %s.", len(t.rows), count(more))
	}
	switch {
	case !found:
		s.Finding = "No department has both a claimed and a verified resolution rate."
	case widestDiff <= 0:
		s.Finding = "In every department verified resolution matches or beats what the scorecard claims."
	default:
		s.Finding = fmt.Sprintf("%s reports %s of its contacts resolved, but only %s were verified resolved by what the customer did next — the widest difference of %s.",
			quoted(widest.str("department")), pct(widest.f("claimed")), pct(widest.f("verified")), plural(int64(len(t.rows)), "department", "departments"))
	}
	return nil
}

// countMembers counts the members of a gap dimension (for "top N of M" notes).
func (b *builder) countMembers(dim string) int64 {
	t, err := b.q.query(b.ctx, `SELECT count(DISTINCT member) AS n FROM gap WHERE dimension = ? AND grain = 'total'`, dim)
	if err != nil || len(t.rows) == 0 {
		return 0
	}
	return t.recs()[0].n("n")
}

func (b *builder) heatmap(s *Section) error {
	if err := b.need("gap", gapCols...); err != nil {
		return err
	}
	t, err := b.q.query(b.ctx, `WITH g AS (
			SELECT member, CAST(period_start AS DATE) AS week, CAST(contacts AS BIGINT) AS contacts,
				CAST(gap_contacts AS BIGINT) AS gap_contacts, CAST(gap_rate AS DOUBLE) AS gap_rate,
				CAST(claimed_success_rate AS DOUBLE) AS kpi_rate
			FROM gap WHERE dimension = 'department' AND grain = 'week' AND period_start IS NOT NULL),
		d AS (SELECT member, sum(contacts) AS n FROM g GROUP BY member ORDER BY n DESC, member LIMIT 30),
		w AS (SELECT DISTINCT week FROM g ORDER BY week DESC LIMIT 52)
		SELECT g.member AS department, g.week, g.contacts, g.gap_contacts, g.gap_rate,
			CASE WHEN g.gap_rate > 0 THEN round(g.gap_contacts / g.gap_rate) END AS claimed
		FROM g JOIN d USING (member) JOIN w USING (week)
		ORDER BY d.n DESC, department, week`)
	if err != nil {
		return err
	}
	if len(t.rows) == 0 {
		return noData("No data: the gap mart has no weekly department rows.")
	}
	s.Chart = &Chart{Kind: "heatmap"}
	s.Data = &Table{Columns: []Column{
		col("department", "Department", fmtText), col("week", "Week starting", fmtDate),
		col("contacts", "Contacts", fmtInt), col("gap_contacts", "Gap contacts", fmtInt), col("gap_rate", "Gap rate", fmtPct),
	}}
	var deps []any
	seen := map[string]bool{}
	var hot rec
	hotRate, hotFound := 0.0, false
	// Cells with few successes make noisy rates; the sentence prefers
	// cells with at least 10 claimed successes when any exist.
	minClaimed := 10.0
	maxClaimed := 0.0
	// Open weeks look worse than they are (only their early-judged
	// contacts count), so the sentence names a settled week when it can.
	anySettled := false
	for _, r := range t.recs() {
		maxClaimed = max(maxClaimed, r.f("claimed"))
		anySettled = anySettled || b.settled(r.str("week"))
	}
	if maxClaimed < minClaimed {
		minClaimed = 1
	}
	openWeeks := false
	for _, r := range t.recs() {
		d := r.str("department")
		if !seen[d] {
			seen[d] = true
			deps = append(deps, r.get("department"))
		}
		rate := jf(optF(r, "gap_rate"))
		if anySettled && !b.settled(r.str("week")) {
			rate, openWeeks = nil, true // as in the trend: a biased few
		}
		s.Data.Rows = append(s.Data.Rows, []any{r.get("department"), r.get("week"), r.n("contacts"), r.n("gap_contacts"), rate})
		if g, ok := r.num("gap_rate"); ok && r.f("claimed") >= minClaimed && (!anySettled || b.settled(r.str("week"))) && (!hotFound || g > hotRate) {
			hot, hotRate, hotFound = r, g, true
		}
	}
	s.Chart.Params = map[string]any{"departments": deps}
	s.Height = 120 + 28*len(deps)
	if openWeeks {
		s.Note = fmt.Sprintf("The latest weeks are blank: their %s-day repeat window is still open, so their gap rates would count only the contacts already judged.", b.window())
	}
	if hotFound {
		s.Finding = fmt.Sprintf("The gap was widest in %s in the week of %s: %s of the contacts the scorecard counted a success failed the customer (%s of %s).",
			quoted(hot.str("department")), day(hot.str("week")), pct(hotRate), count(hot.n("gap_contacts")), count(hot.n("claimed")))
	} else {
		s.Finding = "No department week has a gap rate: no contact was counted a success."
	}
	return nil
}
