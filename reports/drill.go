package reports

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	mcsql "github.com/mcnamara/mcnamara/sql"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// Drill-down: clicking a chart element (a quadrant point, a heatmap cell, a
// department's bars, a Sankey flow — and any later section's rows) opens a
// panel listing the journeys behind it, each expandable to the timeline
// the worst-journey cards draw. Everything is embedded: a section names its
// rows' lists in Section.Drill (a key per row of its Data, "" for none),
// and Model.Drill holds the lists and, once each, the journeys they list.
//
// The size budget: a list embeds at most Top journeys (Options.DrillTop,
// [report] drill_top), worst first, and says how many there are in all; a
// timeline at most drillTimeline contacts. Customers and journeys are
// named by the keyed pseudonym of the worst-journey cards, never by their
// keys.

// DefaultDrillTop is how many journeys a drill-down list embeds when the
// configuration does not say. BenchmarkReport at 10M contacts (500 agents,
// 25 teams, 12 departments, 4 channels, 13 weeks) draws 683 elements that
// open a list: 10 journeys each is at most 6,830 journeys, shared down to
// 4,079, at 546 bytes a journey (drill_bytes/journey) 2.2 MB; the whole
// page, with the filtered views' charts (3.7 MB), is 7.3 MB, under the
// 8 MB budget (docs/performance.md).
const DefaultDrillTop = 10

// drillTimeline is how many contacts a drilled journey's timeline shows.
const drillTimeline = 20

// Drill is the data behind the drill-down panels.
type Drill struct {
	// Top is the most journeys a list embeds (the rest are counted).
	Top int `json:"top"`
	// TimelineMax is the most contacts a journey's timeline shows.
	TimelineMax int                   `json:"timeline_max"`
	Lists       map[string]*DrillList `json:"lists"`
	Journeys    []DrillJourney        `json:"journeys"`
	// TimelineOption is the timeline chart of a journey without its
	// contacts (timelineFrame: the worst-journey cards' chart, built in
	// Go); the page puts a journey's Timeline points in it. Strings are
	// the texts of the points' tooltips, each once (names repeat from
	// contact to contact: the file is smaller so).
	TimelineOption *Option  `json:"timeline_option"`
	Strings        []string `json:"strings"`
	// Note says how customers are named.
	Note string `json:"note"`
}

// DrillList is what one chart element opens.
type DrillList struct {
	Title string `json:"title"` // the element: "Agent “a.jones”"
	What  string `json:"what"`  // what the list holds, in words
	// Measure is what Total counts over Scope (the figure audit's
	// vocabulary): gap_journeys, unverified_resolution_journeys,
	// flow_journeys.
	Measure string `json:"measure"`
	Scope   Scope  `json:"scope"`
	// Total is how many journeys are behind the element; Rows are the
	// first Top of them, worst first.
	Total int64 `json:"total"`
	// In heads the count of each row's contacts behind the element ("" when
	// every row has one: a flow's journeys).
	In   string     `json:"in,omitempty"`
	Rows []DrillRow `json:"rows"`
}

// DrillRow is one journey of a list: its index in Drill.Journeys and how
// many of its contacts are behind the element; in JSON the pair [J, N].
type DrillRow struct {
	J int
	N int64
}

// MarshalJSON writes the row as [J, N].
func (r DrillRow) MarshalJSON() ([]byte, error) { return json.Marshal([2]int64{int64(r.J), r.N}) }

// DrillJourney is one journey, as a row of a panel and its timeline.
type DrillJourney struct {
	Customer string `json:"customer"` // pseudonym of the person
	ID       string `json:"id"`       // pseudonym of the journey
	First    string `json:"first,omitempty"`
	Last     string `json:"last,omitempty"`
	Contacts int64  `json:"contacts"`
	Gap      int64  `json:"gap"` // its gap contacts
	Outcome  string `json:"outcome"`
	// Timeline holds the first TimelineMax contacts as the timeline draws
	// them (timelinePoint): [time, dot, title, line 1, …], every text an
	// index into Drill.Strings, written by the formatter of the
	// worst-journey cards.
	Timeline [][]any `json:"timeline"`
}

// drillSpec asks for the lists behind a section's rows. behind is a
// SELECT returning (k1, k2, journey_id): one row for every contact (or
// journey) behind the element named k1, k2; lists maps k1+"\x00"+k2 to the
// list's key and description.
type drillSpec struct {
	behind string
	args   []any
	keys   map[string][]string // an element → the lists of its rows (a member may be several)
	lists  map[string]*DrillList
}

// drillRows makes rows of s.Data drill targets: name(row) is the element
// the row draws ("" for none; it must be the k1, k2 behind returns) and
// list(row) its list's description (Title, What, Measure, Scope, In). The
// lists are filled by drillDown once every section is built, so a section
// adds drill-down with this one call.
func (b *builder) drillRows(s *Section, name func(row []any) (k1, k2 string), list func(row []any) DrillList, behind string, args ...any) {
	if s.Status != statusOK || s.Data == nil {
		return
	}
	spec := &drillSpec{behind: behind, args: args, keys: map[string][]string{}, lists: map[string]*DrillList{}}
	s.Drill = make([]string, len(s.Data.Rows))
	for i, r := range s.Data.Rows {
		k1, k2 := name(r)
		if k1 == "" {
			continue
		}
		key := fmt.Sprintf("%s-%d", s.ID, i+1)
		l := list(r)
		spec.keys[k1+"\x00"+k2] = append(spec.keys[k1+"\x00"+k2], key)
		spec.lists[key] = &l
		s.Drill[i] = key
	}
	b.drills = append(b.drills, spec)
}

// drillTargets registers the drill-down of the sections that have one.
func (b *builder) drillTargets(m *Model) {
	if !b.has("contact_facts", "journey_id", "seq_in_journey", "started_at", "channel", "department", "business_date") ||
		!b.has("journeys", "journey_id", "person_id", "contacts") {
		return
	}
	for i := range m.Main {
		s := &m.Main[i]
		if s.Status != statusOK || s.Data == nil {
			continue // a section without data has nothing to open
		}
		switch s.ID {
		case "quadrant":
			b.drillQuadrant(s)
		case "heatmap":
			b.drillHeatmap(s)
		case "resolution":
			b.drillResolution(s)
		case "gaming", "gaming_surveys":
			b.drillGaming(s)
		}
	}
	for i := range m.Journeys {
		if s := &m.Journeys[i]; s.ID == "flows" && s.Status == statusOK && s.Data != nil {
			b.drillFlows(s)
		}
	}
}

// cellText is a row's cell as text.
func cellText(t *Table, r []any, key string) string {
	for i, c := range t.Columns {
		if c.Key == key {
			if s, ok := r[i].(string); ok {
				return s
			}
			return fmtAny(r[i])
		}
	}
	return ""
}

func (b *builder) drillQuadrant(s *Section) {
	b.drillMembers(s, "", "(as the quadrant)")
}

// drillGaming opens, from a gaming flag, the member's gap journeys: where
// to listen first.
func (b *builder) drillGaming(s *Section) {
	b.drillMembers(s, "signal_label", "(the calls to listen to first)")
}

// drillMembers makes the agent and team rows of s.Data (columns level,
// member) open the member's gap journeys over the settled contacts; the
// column what (if any) names what the row shows, why says why to look.
func (b *builder) drillMembers(s *Section, what, why string) {
	if !b.has("contact_facts", "gap", "agent_id", "team") || !b.total.ok {
		return
	}
	t := s.Data
	b.drillRows(s, func(r []any) (string, string) {
		if l := cellText(t, r, "level"); l == "agent" || l == "team" {
			return l, cellText(t, r, "member")
		}
		return "", ""
	}, func(r []any) DrillList {
		level, name := cellText(t, r, "level"), cellText(t, r, "member")
		title := capital(level) + " " + quoted(name)
		if w := cellText(t, r, what); what != "" && w != "" {
			title += ": " + w
		}
		return DrillList{Title: title,
			What:    "Journeys with a contact of this " + level + " that the scorecard counted a success but that failed the customer, over the settled contacts " + why + ".",
			Measure: "gap_journeys", Scope: Scope{Dim: level, Member: name, Period: "settled"},
			In: "Gap contacts of this " + level}
	}, drillSQL("members"), b.total.through, b.total.through)
}

func (b *builder) drillHeatmap(s *Section) {
	if !b.has("contact_facts", "gap") || len(s.Data.Rows) == 0 {
		return
	}
	t := s.Data
	first := ""
	for _, r := range t.Rows {
		if w := cellText(t, r, "week"); first == "" || w < first {
			first = w
		}
	}
	b.drillRows(s, func(r []any) (string, string) {
		return cellText(t, r, "department"), cellText(t, r, "week")
	}, func(r []any) DrillList {
		d, w := cellText(t, r, "department"), cellText(t, r, "week")
		return DrillList{Title: quoted(d) + ", week of " + day(w),
			What:    "Journeys with a contact of this department in this week that the scorecard counted a success but that failed the customer.",
			Measure: "gap_journeys", Scope: weekScope("department", d, w), In: "Gap contacts in this cell"}
	}, drillSQL("heatmap"), first)
}

func (b *builder) drillResolution(s *Section) {
	if !b.has("contact_facts", "claimed_resolution", "verified_resolution") || !b.total.ok {
		return
	}
	t := s.Data
	b.drillRows(s, func(r []any) (string, string) {
		return cellText(t, r, "department"), ""
	}, func(r []any) DrillList {
		d := cellText(t, r, "department")
		return DrillList{Title: quoted(d) + ": claimed resolved, not verified",
			What:    "Journeys with a contact of this department that the scorecard claimed resolved but that the customer's next steps did not verify, over the settled contacts (as the bars).",
			Measure: "unverified_resolution_journeys", Scope: Scope{Dim: "department", Member: d, Period: "settled"},
			In: "Such contacts in this department"}
	}, drillSQL("resolution"), b.total.through)
}

// drillFlows lists the journeys that made each drawn move. The nodes are
// the journey_flows mart's: journey_node(department, channel) and the
// contact's step, or the journey's outcome; journeys longer than the
// build's flow_steps go from their flow_steps-th contact to their outcome,
// so the steps are read back from the mart (its deepest move between two
// contacts ends at step flow_steps).
func (b *builder) drillFlows(s *Section) {
	if !b.has("journeys", "outcome") {
		return
	}
	t := s.Data
	var froms, tos []string
	steps := 1
	for _, r := range t.Rows {
		f, to := cellText(t, r, "from_node"), cellText(t, r, "to_node")
		froms, tos = append(froms, f), append(tos, to)
		if !strings.HasPrefix(to, "outcome·") {
			steps = max(steps, nodeStep(to))
		}
	}
	if err := b.defineMacros(); err != nil {
		b.log.Warn("report: drill-down of the flows", "err", err)
		return
	}
	// every move the mart can draw of the journeys that reach deeper than
	// the deepest drawn move is still found: steps only bounds the search
	if all, err := b.q.query(b.ctx, drillSQL("flow_depth")); err == nil {
		for _, r := range all.recs() {
			steps = max(steps, nodeStep(r.str("to_node")))
		}
	}
	b.drillRows(s, func(r []any) (string, string) {
		return cellText(t, r, "from_node"), cellText(t, r, "to_node")
	}, func(r []any) DrillList {
		f, to := cellText(t, r, "from_node"), cellText(t, r, "to_node")
		return DrillList{Title: quoted(f) + " → " + quoted(to),
			What:    "Journeys that made this move.",
			Measure: "flow_journeys", Scope: Scope{Dim: "flow", Member: f + "→" + to}}
	}, drillSQL("flows"), froms, tos, steps, drillParts, drillPart, drillParts, drillPart, steps)
}

// drillSQL is a query of sql/report/drill.sql (checked by TestReportQueries;
// a missing name is a programming error).
func drillSQL(name string) string {
	q, ok := mcsql.ReportQueries["drill"][name]
	if !ok {
		panic("sql/report/drill.sql has no query " + name)
	}
	return q
}

// nodeStep is the step of a flow node "Billing·phone #3" (0 for none).
func nodeStep(node string) int {
	i := strings.LastIndex(node, " #")
	if i < 0 {
		return 0
	}
	n, _ := strconv.Atoi(node[i+2:])
	return n
}

// defineMacros makes the models' shared macros (journey_node, …) known on
// the report's connection, so that the report names a flow's nodes by the
// rule the build wrote them with.
func (b *builder) defineMacros() error {
	if b.macros {
		return nil
	}
	if _, err := b.q.query(b.ctx, mcsql.Macros()); err != nil {
		return fmt.Errorf("define the models' macros: %w", err)
	}
	b.macros = true
	return nil
}

// drillDown runs the registered drill-down queries and fills Model.Drill.
func (b *builder) drillDown(m *Model) {
	if len(b.drills) == 0 {
		return
	}
	d := &Drill{Top: b.opts.DrillTop, TimelineMax: drillTimeline, Lists: map[string]*DrillList{}, TimelineOption: timelineFrame()}
	if b.opts.RevealCustomerKeys {
		d.Note = "Customers are shown by their person id (pseudonymisation is switched off)."
	} else {
		d.Note = "Customers are shown by a keyed pseudonym, never by their customer number."
	}
	type ref struct {
		list *DrillList
		id   string
		n    int64
	}
	var refs []ref
	var ids []string
	seen := map[string]bool{}
	parts := b.drillParts()
	for _, spec := range b.drills {
		start := time.Now()
		els, n, err := b.drillLists(spec, parts)
		if err != nil {
			b.log.Warn("report: drill-down lists", "err", err)
			continue
		}
		b.log.Debug("report: drill-down lists", "lists", len(spec.lists), "passes", n, "took", time.Since(start))
		for key, l := range spec.lists {
			l.Rows = []DrillRow{} // an element with nothing behind it says so
			d.Lists[key] = l
		}
		for _, e := range els {
			keys := spec.keys[e.k1+"\x00"+e.k2] // none: not drawn
			for _, key := range keys {
				d.Lists[key].Total = e.total
			}
			if len(keys) == 0 {
				continue
			}
			for _, c := range e.top {
				for _, key := range keys {
					refs = append(refs, ref{d.Lists[key], c.id, c.n})
				}
				if !seen[c.id] {
					seen[c.id] = true
					ids = append(ids, c.id)
				}
			}
		}
	}
	if len(d.Lists) == 0 {
		return
	}
	start := time.Now()
	index, err := b.drillJourneys(d, ids)
	b.log.Debug("report: drill-down journeys", "journeys", len(ids), "took", time.Since(start))
	if err != nil {
		b.log.Warn("report: drill-down journeys", "err", err)
		return
	}
	for _, r := range refs {
		if j, ok := index[r.id]; ok {
			r.list.Rows = append(r.list.Rows, DrillRow{J: j, N: r.n})
		}
	}
	m.Drill = d
}

// drillPart and drillParts stand, in a drill spec's arguments, for the
// part a pass reads (hash(journey_id) % parts = part): drillDown runs a
// spec that names them once per part and merges the parts' lists, so that
// a query with a row for every contact (the flows') holds 1/parts of the
// lake at a time. Specs without them run once.
type partArg int

const (
	drillParts partArg = iota + 1
	drillPart
)

// drillRowBytes is the memory taken for one contact's rows in a drill-down
// pass (the flows': its node, the join on the next step, the grouping by
// journey). At 100M contacts one pass over 6 GiB of DuckDB memory failed
// ("could not allocate block"); 10M passed in 0.7 GiB (docs/performance.md).
const drillRowBytes = 256

// drillPartsOverride, when set, fixes the number of parts (tests).
var drillPartsOverride int

// drillParts is how many parts a drill-down pass over every contact is
// split into: enough that each holds the contacts of a part in DuckDB's
// memory_limit at drillRowBytes a contact; 1 when there is no limit known.
func (b *builder) drillParts() int {
	if drillPartsOverride > 0 {
		return drillPartsOverride
	}
	if !b.span.ok || b.span.contacts <= 0 {
		return 1
	}
	t, err := b.q.query(b.ctx, "SELECT current_setting('memory_limit') AS m")
	if err != nil || len(t.rows) != 1 {
		return 1
	}
	limit, ok := duck.ParseBytes(t.recs()[0].str("m"))
	if !ok || limit <= 0 {
		return 1
	}
	return int(max(1, (b.span.contacts*drillRowBytes+limit-1)/limit))
}

// drillElement is one element's lists as a query found them: how many
// journeys are behind it and the worst of them, worst first.
type drillElement struct {
	k1, k2 string
	total  int64
	top    []drillCandidate
}

// drillCandidate is a journey of an element with its rank (sql/report/
// drill.sql `lists`: contacts, loops, hops, customer hours, then a hash of
// the id; the greater the worse).
type drillCandidate struct {
	id      string
	n       int64
	c, l, h int64
	t       float64
	x       uint64
}

// cmp orders candidates as max_by ranks them (greater is worse).
func (a drillCandidate) cmp(o drillCandidate) int {
	if c := cmp.Compare(a.c, o.c); c != 0 {
		return c
	}
	if c := cmp.Compare(a.l, o.l); c != 0 {
		return c
	}
	if c := cmp.Compare(a.h, o.h); c != 0 {
		return c
	}
	if c := cmp.Compare(a.t, o.t); c != 0 {
		return c
	}
	return cmp.Compare(a.x, o.x)
}

// drillLists runs spec's lists, in parts when its arguments name them
// (drillPart), and returns the elements ordered by k1, k2 with the worst
// DrillTop journeys of each: a journey is in one part only, so an
// element's total is the sum of its parts' and its worst are the worst of
// its parts' worst. n is how many passes ran.
func (b *builder) drillLists(spec *drillSpec, parts int) (els []drillElement, n int, err error) {
	if !slices.Contains(spec.args, any(drillPart)) {
		parts = 1
	}
	q := "WITH behind AS (" + spec.behind + ") SELECT * FROM (" + drillSQL("lists") + ")"
	byKey := map[string]*drillElement{}
	for part := range parts {
		args := make([]any, 0, len(spec.args)+1)
		for _, a := range spec.args {
			switch a {
			case drillParts:
				a = parts
			case drillPart:
				a = part
			}
			args = append(args, a)
		}
		t, err := b.q.query(b.ctx, q, append(args, b.opts.DrillTop)...)
		if err != nil {
			return nil, part, fmt.Errorf("part %d of %d: %w", part+1, parts, err)
		}
		counted := map[*drillElement]bool{}
		for _, r := range t.recs() {
			key := r.str("k1") + "\x00" + r.str("k2")
			e := byKey[key]
			if e == nil {
				e = &drillElement{k1: r.str("k1"), k2: r.str("k2")}
				byKey[key] = e
			}
			if !counted[e] {
				counted[e] = true
				e.total += r.int("total")
			}
			x, _ := strconv.ParseUint(r.str("x"), 10, 64)
			e.top = append(e.top, drillCandidate{id: r.str("id"), n: r.int("n"),
				c: r.int("c"), l: r.int("l"), h: r.int("h"), t: r.float("t"), x: x})
		}
	}
	for _, e := range byKey {
		slices.SortStableFunc(e.top, func(a, b drillCandidate) int { return b.cmp(a) })
		e.top = e.top[:min(len(e.top), b.opts.DrillTop)]
		els = append(els, *e)
	}
	slices.SortFunc(els, func(a, b drillElement) int {
		return cmp.Or(strings.Compare(a.k1, b.k1), strings.Compare(a.k2, b.k2))
	})
	return els, parts, nil
}

// drillJourneys loads the journeys of the lists, with their timelines, into
// d.Journeys in the order given, and returns each id's index.
func (b *builder) drillJourneys(d *Drill, ids []string) (map[string]int, error) {
	index := map[string]int{}
	if len(ids) == 0 {
		return index, nil
	}
	tz := b.opts.Timezone
	jt, err := rows[journeyRow](b, "journeys", "journeys", tz, tz, ids, len(ids))
	if err != nil {
		return nil, err
	}
	byID := map[string]journeyRow{}
	for _, r := range jt {
		byID[r.ID] = r
	}
	contacts, err := b.timelines(ids, drillTimeline)
	if err != nil {
		return nil, err
	}
	strs := map[string]int{}
	cols := timelineColumns()
	points := func(cs []contactRow) [][]any {
		var rows [][]any
		for _, p := range timelinePoints(&Table{Columns: cols, Rows: timelineRows(cs)}) {
			row := []any{p.At, p.Dot}
			for _, v := range p.Tip {
				i, ok := strs[v]
				if !ok {
					i = len(d.Strings)
					strs[v] = i
					d.Strings = append(d.Strings, v)
				}
				row = append(row, i)
			}
			rows = append(rows, row)
		}
		return rows
	}
	for _, id := range ids {
		j, ok := byID[id]
		if !ok {
			continue
		}
		cs := contacts[id]
		dj := DrillJourney{Customer: b.pseudonym(strOr(j.Person)), ID: b.pseudonym(id),
			First: strOr(j.First), Last: strOr(j.Last),
			Contacts: j.Contacts, Outcome: outcomeWords(j), Timeline: points(cs)}
		if len(cs) > 0 {
			dj.Gap = cs[0].JourneyGap
		}
		index[id] = len(d.Journeys)
		d.Journeys = append(d.Journeys, dj)
	}
	d.renumber()
	return index, nil
}

// renumber orders Strings by how often the timelines use them, the most
// used first, so that the indexes written most are the shortest.
func (d *Drill) renumber() {
	uses := make([]int, len(d.Strings))
	for _, j := range d.Journeys {
		for _, r := range j.Timeline {
			for _, x := range r[2:] {
				uses[x.(int)]++
			}
		}
	}
	to, strs := byUse(d.Strings, uses)
	for _, j := range d.Journeys {
		for _, r := range j.Timeline {
			for k := 2; k < len(r); k++ {
				r[k] = to[r[k].(int)]
			}
		}
	}
	d.Strings = strs
}

// byUse orders strs by uses (how often each index is written), the most
// used first, and returns each old index's new one and the strings in
// their new order.
func byUse(strs []string, uses []int) (to []int, ordered []string) {
	order := make([]int, len(strs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return uses[b] - uses[a] })
	to = make([]int, len(order))
	ordered = make([]string, len(order))
	for n, i := range order {
		to[i], ordered[n] = n, strs[i]
	}
	return to, ordered
}

// outcomeWords says how a journey ended, as the customer scorecard does.
func outcomeWords(j journeyRow) string {
	var ends []string
	for _, e := range []struct {
		on   bool
		word string
	}{{j.Reopened, "reopened"}, {j.Complaint, "complaint"}, {j.Dispute, "dispute"}, {j.Churned, "customer left"}} {
		if e.on {
			ends = append(ends, e.word)
		}
	}
	switch {
	case len(ends) > 0:
		return strings.Join(ends, ", ")
	case j.Verified:
		return "resolved"
	case j.Open:
		return "still open"
	}
	return "not resolved"
}
