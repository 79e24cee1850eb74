package reports

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// flows draws journey_flows as a Sankey. Sankey diagrams must be acyclic,
// but flows between departments go both ways, so every edge that closes a
// cycle is redirected to a "↩ to X" copy of its target: the volume stays
// visible and the graph stays drawable.
func (b *builder) flows(s *Section) error {
	if err := b.need("journey_flows", "from_node", "to_node", "journeys", "loop_journeys", "ping_pong_journeys"); err != nil {
		return err
	}
	t, err := rows[flowRow](b, "flows", "edges")
	if err != nil {
		return err
	}
	if len(t) == 0 {
		return noData("No data: the journey_flows mart is empty (no journey moved between departments or channels).")
	}
	s.Data = &Table{Columns: []Column{col("from_node", "From", fmtText), col("to_node", "To", fmtText),
		mcol("journeys", "Journeys", fmtInt, "flow_journeys"),
		mcol("loop_journeys", "Of which returning to a place already visited", fmtInt, "flow_loop_journeys"),
		mcol("ping_pong_journeys", "Of which back to the department of two contacts before (ping-pong)", fmtInt, "flow_ping_pong_journeys")},
		RowScope: &RowScope{Dim: "flow"}}
	var edges []edge
	var loop *flowRow
	for i, r := range t {
		s.Data.Rows = append(s.Data.Rows, []any{r.From, r.To, r.Journeys, r.Loops, r.PingPongs})
		edges = append(edges, edge{r.From, r.To, r.Journeys})
		if r.Loops > 0 && (loop == nil || r.Loops > loop.Loops) {
			loop = &t[i]
		}
	}
	nodes, links := acyclic(edges)
	s.Chart = &Chart{Kind: "sankey", Option: sankeyOption(nodes, links)}
	s.Height = max(360, min(900, 40*len(nodes)))

	top := edges[0]
	for _, e := range edges {
		if e.from != e.to {
			top = e
			break
		}
	}
	var total, hopped, looped int64
	if b.has("journeys", "hops", "loops") {
		jt, err := rows[hopsRow](b, "flows", "journeys")
		if err != nil {
			return err
		}
		total, hopped, looped = jt[0].Journeys, jt[0].Hopped, jt[0].Looped
	}
	var f figs
	defer func() { s.Figures = f.list }()
	move := func() string {
		if loop != nil {
			sc := Scope{Dim: "flow", Member: loop.From + "→" + loop.To}
			return fmt.Sprintf("the most common return is %s → %s (%s)", quoted(loop.From), quoted(loop.To),
				f.plural("flow_loop_journeys", loop.Loops, sc, "journey", "journeys"))
		}
		sc := Scope{Dim: "flow", Member: top.from + "→" + top.to}
		return fmt.Sprintf("the largest flow is %s → %s (%s)", quoted(top.from), quoted(top.to), f.plural("flow_journeys", top.n, sc, "journey", "journeys"))
	}
	if total > 0 {
		s.Finding = fmt.Sprintf("Of %s, %s crossed a department or channel boundary and %s came back to one already visited; ",
			f.plural("journeys", total, allTime, "journey", "journeys"), f.pct("hopped_share", float64(hopped)/float64(total), allTime),
			f.pct("looped_share", float64(looped)/float64(total), allTime))
		s.Finding += move() + "."
		s.Finding += b.pingPongs(&f)
	} else {
		m := move()
		s.Finding = strings.ToUpper(m[:1]) + m[1:] + "."
	}
	s.Note = fmt.Sprintf("The %s largest flows are shown.", f.n("flows_shown", int64(len(edges)), Scope{Dim: "flow"}))
	if len(nodes) > len(distinctNodes(edges)) {
		s.Note = "A flow that runs against the main direction (so that the diagram would go round in a circle) ends in a “↩ to …” node. " + s.Note
	}
	return nil
}

// pingPongs is the flows finding's sentence on customers passed back and
// forth between two departments (A → B → A), from contact_facts.ping_pong.
func (b *builder) pingPongs(f *figs) string {
	if !b.has("journeys", "ping_pongs") || !b.has("contact_facts", "ping_pong", "journey_contacts", "seq_in_journey", "department") {
		return ""
	}
	t, err := rows[pingPongRow](b, "flows", "ping_pongs")
	if err != nil || len(t) == 0 || t[0].Journeys == 0 {
		return ""
	}
	r := t[0]
	return fmt.Sprintf(" %s passed the customer back to a department they had just left (A → B → A), most often between %s and %s (%s).",
		f.plural("ping_pong_journeys", r.Journeys, allTime, "journey", "journeys"), quoted(r.A), quoted(r.B),
		f.plural("ping_pong_pair", r.N, Scope{Dim: "pair", Member: r.A + "\x00" + r.B}, "ping-pong", "ping-pongs"))
}

func distinctNodes(es []edge) map[string]bool {
	m := map[string]bool{}
	for _, e := range es {
		m[e.from], m[e.to] = true, true
	}
	return m
}

type edge struct {
	from, to string
	n        int64
}

// sankeyNode is a node of the drawn graph; nodes are addressed by index
// so that no source label can collide with another or with ours.
type sankeyNode struct {
	Label string `json:"label"`
	Back  bool   `json:"back,omitempty"`
}

type sankeyLink struct {
	Source int   `json:"source"`
	Target int   `json:"target"`
	Value  int64 `json:"value"`
}

func acyclic(edges []edge) ([]sankeyNode, []sankeyLink) {
	var nodes []sankeyNode
	id := map[string]int{}
	backID := map[string]int{}
	node := func(label string) int {
		if i, ok := id[label]; ok {
			return i
		}
		id[label] = len(nodes)
		nodes = append(nodes, sankeyNode{Label: label})
		return id[label]
	}
	adj := map[string][]int{} // edge indexes by source, in input order
	var order []string
	for i, e := range edges {
		if _, ok := adj[e.from]; !ok {
			order = append(order, e.from)
		}
		adj[e.from] = append(adj[e.from], i)
		node(e.from)
		node(e.to)
	}
	// Depth-first search from the sources in order of volume; an edge to a
	// node on the current path closes a cycle.
	back := make([]bool, len(edges))
	state := map[string]int{} // 0 new, 1 on path, 2 done
	var visit func(string)
	visit = func(u string) {
		state[u] = 1
		for _, ei := range adj[u] {
			v := edges[ei].to
			switch state[v] {
			case 0:
				visit(v)
			case 1:
				back[ei] = true
			}
		}
		state[u] = 2
	}
	for _, u := range order {
		if state[u] == 0 {
			visit(u)
		}
	}
	links := make([]sankeyLink, 0, len(edges))
	for i, e := range edges {
		t := id[e.to]
		if back[i] {
			bi, ok := backID[e.to]
			if !ok {
				bi = len(nodes)
				backID[e.to] = bi
				nodes = append(nodes, sankeyNode{Label: e.to, Back: true})
			}
			t = bi
		}
		links = append(links, sankeyLink{Source: id[e.from], Target: t, Value: e.n})
	}
	return nodes, links
}

// dayBuckets are the bins of the days-to-resolution chart: [lo, hi).
var dayBuckets = []struct {
	lo, hi int
	label  string
}{
	{0, 1, "same day"}, {1, 2, "1 day"}, {2, 4, "2–3 days"}, {4, 8, "4–7 days"},
	{8, 15, "8–14 days"}, {15, 31, "15–30 days"}, {31, 61, "31–60 days"}, {61, -1, "61+ days"},
}

func (b *builder) daysToResolution(s *Section) error {
	if err := b.need("journeys", "journey_id", "days_to_resolution", "verified_resolved"); err != nil {
		return err
	}
	if err := b.need("contact_facts", "journey_id", "seq_in_journey", "channel"); err != nil {
		return err
	}
	t, err := rows[daysRow](b, "days", "channels")
	if err != nil {
		return err
	}
	// The first row is the total over all channels.
	if len(t) < 2 || !t[0].IsTotal || t[0].Journeys == 0 {
		return noData("No data: no journey has reached a verified resolution yet.")
	}
	all := t[0]
	t = t[1:]
	cols := []Column{col("channel", "First channel", fmtText), mcol("journeys", "Resolved journeys", fmtInt, "resolved_journeys"),
		mcol("median_days", "Median days", fmtDays, "median_days"), mcol("p90_days", "90th percentile days", fmtDays, "p90_days")}
	for i, bk := range dayBuckets {
		c := mcol(fmt.Sprintf("b%d", i), bk.label, fmtInt, "bucket_journeys")
		c.Arg = fmt.Sprintf("%d-", bk.lo)
		if bk.hi > 0 {
			c.Arg += fmt.Sprint(bk.hi)
		}
		cols = append(cols, c)
	}
	s.Data = &Table{Columns: cols, RowScope: &RowScope{Dim: "first_channel", MemberCol: "channel", Period: "all"}}
	// Compare channels on the median, or on the 90th percentile when the
	// medians agree (often all "same day": most journeys need one contact).
	var rs []daysRow
	var most int64
	for _, r := range t {
		row := []any{strOr(r.Channel), r.Journeys, nullable(roundedPtr(r.Median)), nullable(roundedPtr(r.P90))}
		for _, n := range r.Buckets() {
			row = append(row, n)
		}
		s.Data.Rows = append(s.Data.Rows, row)
		most = max(most, r.Journeys)
	}
	s.Chart = &Chart{Kind: "days", Option: daysOption(s.Data)}
	minN := min(most, 5) // enough journeys for a median to mean something
	for _, r := range t {
		if r.Journeys >= minN {
			rs = append(rs, r)
		}
	}
	spread := func(key func(daysRow) float64) (slow, fast daysRow) {
		slow, fast = rs[0], rs[0]
		for _, r := range rs {
			if key(r) > key(slow) {
				slow = r
			}
			if key(r) < key(fast) {
				fast = r
			}
		}
		return slow, fast
	}
	median := func(r daysRow) float64 { return num0(r.Median) }
	p90 := func(r daysRow) float64 { return num0(r.P90) }
	slow, fast := spread(median)
	slow90, fast90 := spread(p90)
	var f figs
	defer func() { s.Figures = f.list }()
	ch := func(r daysRow) Scope { return Scope{Dim: "first_channel", Member: strOr(r.Channel), Period: "all"} }
	name := func(r daysRow) string { return quoted(strOr(r.Channel)) }
	within := func(measure string, d float64, sc Scope) string {
		if d < 1 {
			return f.add("the same day", measure, d, sc, "")
		}
		return "within " + f.days(measure, d, sc, "")
	}
	switch {
	case len(rs) > 1 && days(median(slow)) != days(median(fast)):
		s.Finding = fmt.Sprintf("Journeys that start by %s take a median of %s to reach a verified resolution, against %s for %s.",
			name(slow), f.days("median_days", median(slow), ch(slow), ""),
			f.days("median_days", median(fast), ch(fast), ""), name(fast))
	case len(rs) > 1 && days(p90(slow90)) != days(p90(fast90)):
		s.Finding = fmt.Sprintf("Half of all journeys resolve %s whatever the channel they start in, but one in ten that start by %s takes longer than %s, against %s for %s.",
			within("median_days", median(all), allTime), name(slow90),
			f.days("p90_days", p90(slow90), ch(slow90), ""), f.days("p90_days", p90(fast90), ch(fast90), ""), name(fast90))
	case (median(all) < 1) == (p90(all) < 1) && days(median(all)) == days(p90(all)):
		s.Finding = fmt.Sprintf("Nine in ten journeys that reach a verified resolution reach it %s, whatever the channel they start in.",
			within("p90_days", p90(all), allTime))
	default:
		s.Finding = fmt.Sprintf("Half of all journeys reach a verified resolution %s and nine in ten %s.",
			within("median_days", median(all), allTime), within("p90_days", p90(all), allTime))
	}
	return nil
}

// and joins words as a list: "a, b and c".
func and(ws []string) string {
	if len(ws) < 2 {
		return strings.Join(ws, "")
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " and " + ws[len(ws)-1]
}

// pseudonym replaces a person id by a keyed hash, so the report can name
// "the same customer" without revealing who.
func (b *builder) pseudonym(id string) string {
	if b.opts.RevealCustomerKeys {
		return id
	}
	if id == "" {
		return "anonymous"
	}
	m := hmac.New(sha256.New, b.opts.PseudonymKey)
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil))[:10]
}

func (b *builder) worstJourneys() []Section {
	head := Section{ID: "worst", Title: "The worst journeys, as the customer lived them", Status: statusOK}
	core := []string{"journey_id", "person_id", "contacts", "outcome_failed"}
	if err := b.need("journeys", core...); err != nil {
		head.Status, head.Note = statusNoData, err.Error()
		return []Section{head}
	}
	if err := b.need("contact_facts", "journey_id", "seq_in_journey", "started_at", "channel", "department"); err != nil {
		head.Status, head.Note = statusNoData, err.Error()
		return []Section{head}
	}
	js, contacts, err := b.loadWorst()
	if err != nil {
		head.Status, head.Note = statusError, "This section could not be computed: "+err.Error()
		b.log.Warn("report: section failed", "section", head.ID, "err", err)
		return []Section{head}
	}
	if len(js) == 0 {
		head.Status, head.Note = statusNoData, "No data: no journey has a failed outcome."
		return []Section{head}
	}
	var all, claimed int64
	out := []Section{head}
	for i, j := range js {
		s := b.journeySection(i, j, contacts[j.ID])
		all += j.Contacts
		claimed += j.Claimed
		out = append(out, s)
	}
	var f figs
	worst := Scope{Dim: "worst"}
	out[0].Finding = fmt.Sprintf("These %s with a failed outcome cost their customers the most contacts: %s in all, of which the scorecard counted %s a success.",
		f.plural("journeys", int64(len(js)), worst, "journey", "journeys"), f.n("contacts", all, worst), f.n("claimed_success_contacts", claimed, worst))
	out[0].Figures = f.list
	if b.opts.RevealCustomerKeys {
		out[0].Note = "Customers are shown by their person id (pseudonymisation is switched off)."
	} else {
		out[0].Note = "Customers are shown by a keyed pseudonym, never by their customer number. “Worst” means the most contacts, then the most loops, hops and hours of the customer's time."
	}
	return out
}

func (b *builder) loadWorst() ([]journeyRow, map[string][]contactRow, error) {
	tz := b.opts.Timezone
	js, err := rows[journeyRow](b, "journeys", "journeys", tz, tz, nil, b.opts.WorstJourneys)
	if err != nil || len(js) == 0 {
		return nil, nil, err
	}
	ids := make([]string, len(js))
	for i, j := range js {
		ids[i] = j.ID
	}
	cs, err := b.timelines(ids, 60)
	return js, cs, err
}

// timelines are the first max contacts of each journey of ids.
func (b *builder) timelines(ids []string, max int) (map[string][]contactRow, error) {
	ct, err := rows[contactRow](b, "journeys", "timelines", b.opts.Timezone, ids, max)
	if err != nil {
		return nil, err
	}
	byJ := map[string][]contactRow{}
	for _, r := range ct {
		byJ[r.Journey] = append(byJ[r.Journey], r)
	}
	return byJ, nil
}

// Typed rows of sql/report/journeys.sql.

type journeyRow struct {
	ID        string   `col:"journey_id"`
	Person    *string  `col:"person_id"`
	Contacts  int64    `col:"contacts"`
	First     *string  `col:"first_contact_at"`
	Last      *string  `col:"last_contact_at"`
	Calls     int64    `col:"calls"`
	Chats     int64    `col:"chats"`
	Visits    int64    `col:"visits"`
	Emails    int64    `col:"emails"`
	Hops      int64    `col:"hops"`
	Loops     int64    `col:"loops"`
	Days      *float64 `col:"days_to_resolution"`
	Hours     *float64 `col:"customer_hours"`
	Verified  bool     `col:"verified_resolved"`
	Reopened  bool     `col:"reopened"`
	Complaint bool     `col:"complaint"`
	Dispute   bool     `col:"dispute"`
	Claimed   int64    `col:"claimed_success_contacts"`
	Churned   bool     `col:"churn"`
	Open      bool     `col:"window_open"`
}

type contactRow struct {
	Journey     string   `col:"journey_id"`
	Seq         int64    `col:"seq"`
	At          string   `col:"contact_at"`
	Channel     *string  `col:"channel"`
	Department  *string  `col:"department"`
	Team        *string  `col:"team"`
	Agent       *string  `col:"agent_id"`
	Topic       *string  `col:"topic"`
	Disposition *string  `col:"disposition"`
	Wait        *float64 `col:"wait_seconds"`
	Handle      *float64 `col:"handle_seconds"`
	Claimed     *bool    `col:"claimed_success"`
	Gap         *bool    `col:"gap"`
	JourneyGap  int64    `col:"journey_gap"`
}

// timelineColumns are the columns of a journey's timeline table (the
// worst-journey cards and the drill-down panels draw it).
func timelineColumns() []Column {
	return []Column{
		col("seq", "#", fmtInt), col("contact_at", "When", fmtTime), col("channel", "Channel", fmtText), col("department", "Department", fmtText),
		col("team", "Team", fmtText), col("agent_id", "Agent", fmtText), col("topic", "Topic", fmtText),
		mcol("wait_seconds", "Wait", fmtDur, "contact_wait_seconds"), mcol("handle_seconds", "Handle", fmtDur, "contact_handle_seconds"),
		col("disposition", "Disposition", fmtText), col("claimed_success", "Scorecard success", fmtBool), col("gap", "Gap", fmtBool),
	}
}

// timelineRows are a journey's contacts as rows of timelineColumns.
func timelineRows(cs []contactRow) [][]any {
	opt := func(p *string) any {
		if p == nil {
			return nil
		}
		return *p
	}
	var out [][]any
	for _, r := range cs {
		row := []any{r.Seq, r.At, opt(r.Channel), opt(r.Department), opt(r.Team), opt(r.Agent), opt(r.Topic),
			nullable(roundedPtr(r.Wait)), nullable(roundedPtr(r.Handle)), opt(r.Disposition), nil, nil}
		if r.Claimed != nil {
			row[10] = *r.Claimed
		}
		if r.Gap != nil {
			row[11] = *r.Gap
		}
		out = append(out, row)
	}
	return out
}

func (b *builder) journeySection(i int, j journeyRow, cs []contactRow) Section {
	s := Section{ID: fmt.Sprintf("journey-%d", i+1), Status: statusOK}
	s.Title = "Customer " + b.pseudonym(strOr(j.Person))
	if f, l := strOr(j.First), strOr(j.Last); f != "" {
		s.Sub = day(f) + " – " + day(l)
	}
	// The journey is named by a keyed hash of its id, like its customer.
	sc := Scope{Dim: "journey", Member: b.pseudonym(j.ID)}
	n := j.Contacts
	stat := func(label, value string, bad bool, fig *Figure) {
		s.Stats = append(s.Stats, Stat{Label: label, Value: value, Bad: bad, Figure: fig})
	}
	figure := func(text, measure string, v float64) *Figure {
		return &Figure{Text: text, Measure: measure, Value: v, Scope: sc}
	}
	switch {
	case j.Days != nil:
		d := *j.Days
		stat("Days to resolution", days(d), d >= 7, figure(days(d), "days_to_resolution", d))
	case j.Open:
		stat("Days to resolution", "still open", true, nil)
	default:
		stat("Days to resolution", "not resolved", true, nil)
	}
	stat("Contacts", count(n), n > 1, figure(count(n), "contacts", float64(n)))
	var f figs
	var kinds []string
	channels := []struct {
		n            int64
		c, one, many string
	}{{j.Calls, "calls", "call", "calls"}, {j.Chats, "chats", "chat", "chats"}, {j.Visits, "visits", "visit", "visits"}, {j.Emails, "emails", "email", "emails"}}
	for _, k := range channels {
		stat(strings.ToUpper(k.many[:1])+k.many[1:], count(k.n), false, figure(count(k.n), k.c, float64(k.n)))
	}
	hours, hasHours := 0.0, j.Hours != nil
	if hasHours {
		hours = *j.Hours
		stat("Customer's time", dur(hours*3600), hours >= 1, figure(dur(hours*3600), "customer_seconds", hours*3600))
	}
	hops, loops := j.Hops, j.Loops
	stat("Hops", count(hops), hops > 0, figure(count(hops), "hops", float64(hops)))
	stat("Loops", count(loops), loops > 0, figure(count(loops), "loops", float64(loops)))
	var ends, endWords []string
	for _, e := range []struct {
		on         bool
		word, stat string
	}{{j.Reopened, "a reopening", "reopened"}, {j.Complaint, "a complaint", "complaint"},
		{j.Dispute, "a dispute", "dispute"}, {j.Churned, "the customer leaving", "customer left"}} {
		if e.on {
			ends = append(ends, e.word)
			endWords = append(endWords, e.stat)
		}
	}
	var outcome string
	var outFig *Figure
	switch {
	case len(endWords) > 0:
		outcome = strings.Join(endWords, ", ")
	case j.Verified:
		outcome = "resolved, after " + plural(n, "contact", "contacts")
		outFig = figure(count(n), "contacts", float64(n))
	case j.Open:
		outcome = "still open"
	default:
		outcome = "not resolved"
	}
	stat("Outcome", outcome, true, outFig)

	claimed := j.Claimed
	s.Table = &Table{Columns: timelineColumns(), RowScope: &RowScope{Dim: "journey_contact", Member: sc.Member, ArgCol: "seq"}}
	s.Table.Rows = timelineRows(cs)
	s.Chart = &Chart{Kind: "timeline", Option: timelineOption(s.Table)}
	s.Height = 140 + 26*len(s.Chart.Option.YAxis[0].Data.([]string))

	fs := fmt.Sprintf("This customer made %s", f.plural("contacts", n, sc, "contact", "contacts"))
	for _, k := range channels {
		if k.n > 0 {
			kinds = append(kinds, f.plural(k.c, k.n, sc, k.one, k.many))
		}
	}
	if len(kinds) > 0 {
		fs += " (" + strings.Join(kinds, ", ") + ")"
	}
	if j.Days != nil {
		fs += " over " + f.days("days_to_resolution", *j.Days, sc, "")
	}
	if hops > 0 {
		fs += ", crossed " + f.plural("hops", hops, sc, "department or channel boundary", "department or channel boundaries")
	}
	if loops == 1 {
		fs += ", returned once to a place already visited"
	} else if loops > 1 {
		fs += ", returned " + f.n("loops", loops, sc) + " times to a place already visited"
	}
	if hasHours && hours*3600 >= 30 {
		fs += ", spending " + f.dur("customer_seconds", hours*3600, sc) + " of their own time"
	}
	switch {
	case n == 1 && claimed == 1:
		fs += "; the scorecard counted it a success"
	case claimed == 0:
		fs += "; the scorecard counted none of the contacts a success"
	default:
		fs += fmt.Sprintf("; the scorecard counted %s of the %s a success", f.n("claimed_success_contacts", claimed, sc),
			f.plural("contacts", n, sc, "contact", "contacts"))
	}
	if len(ends) > 0 {
		fs += ", and the journey ended in " + and(ends)
	}
	s.Finding = fs + "."
	if int64(len(cs)) < n {
		s.Note = fmt.Sprintf("The timeline shows the first %s contacts.", f.n("timeline_contacts", int64(len(cs)), sc))
	}
	s.Figures = f.list
	return s
}
