package reports

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcnamara/mcnamara/sql/duck"
)

// world names everything a fixture's source data calls things. The clean
// world uses ordinary labels; the hostile world puts payloads in every
// text field.
type world struct {
	departments []string
	teams       []string
	agents      []string // agent i belongs to team i % len(teams)
	topics      []string
	channels    []string // the first is counted as calls, the second chats, the third emails, the fourth visits
	sources     []string
	person      func(i int) string
	extraKPI    string // the name of a third KPI flag column, if any
	files       []string
	reasons     []string
	metrics     []Metric
	version     string
	title       string
	window      float64 // the repeat window in days (0: 7)
}

func cleanWorld() world {
	return world{
		departments: []string{"Billing", "Repairs", "Sales", "Store Services"},
		teams:       []string{"East", "West", "North"},
		agents:      []string{"a.jones", "b.smith", "c.nguyen", "d.garcia", "e.kim", "f.okafor", "g.silva", "h.novak", "i.rossi"},
		topics:      []string{"bill dispute", "broken device", "upgrade", "warranty"},
		channels:    []string{"phone", "chat", "email", "store"},
		sources:     []string{"acd", "crm"},
		person:      func(i int) string { return fmt.Sprintf("cust-%04d", i) },
		files:       []string{"calls_2024-01.csv", "outcomes_2024-01.csv"},
		reasons:     []string{"started_at: not a timestamp", "channel: not one of phone, chat, email"},
		metrics: []Metric{
			{Name: "handle_time_seconds", Title: "Handle time", Description: "Time an agent spends on the contact, talk plus wrap-up.", Unit: "seconds",
				Kind: "kpi", Good: "lower", Targets: []Target{{Scope: "all departments", Op: "≤", Value: 600}}},
			{Name: "wait_seconds", Title: "Answer wait", Description: "Time the customer waits before an agent answers.", Unit: "seconds",
				Kind: "kpi", Good: "lower", Targets: []Target{{Scope: "all channels", Op: "≤", Value: 120}}},
		},
		version: "test",
		title:   "McNamara gap report",
	}
}

// payloads try every way data could turn into markup or code. Each sets
// window.__pwned or the document title if it ever runs.
var payloads = []string{
	`<script>window.__pwned=1;document.title='PWNED'</script>`,
	`<img src=x onerror="window.__pwned=2;document.title='PWNED'">`,
	`</script><script>window.__pwned=3;document.title='PWNED'</script>`,
	`{{.}}{{template "section" .}}`,
	`javascript:window.__pwned=4`,
	"line\u2028sep\u2029para <!-- x",
	`"><svg onload="window.__pwned=5;document.title='PWNED'">`,
	`<iframe src="javascript:parent.__pwned=6"></iframe>`,
	`{a|rich}{b}{c} <b>bold</b> ${7*7}`,
	`=HYPERLINK("http://example.invalid","x")`,
	`<style>body{display:none}</style>`,
	`' OR 1=1; -- "; DROP TABLE gap; --`,
}

func (w world) repeatWindow() float64 {
	if w.window == 0 {
		return 7
	}
	return w.window
}

func hostile(i int) string { return fmt.Sprintf("%s #%d", payloads[i%len(payloads)], i) }

func hostileWorld() world {
	w := cleanWorld()
	n := 0
	next := func() string { n++; return hostile(n) }
	for _, list := range []*[]string{&w.departments, &w.teams, &w.agents, &w.topics, &w.channels, &w.sources, &w.files, &w.reasons} {
		for i := range *list {
			(*list)[i] = next()
		}
	}
	w.person = func(i int) string { return hostile(i) }
	w.extraKPI = `<img src=x onerror="window.__pwned=7">`
	w.metrics[0].Title = next()
	w.metrics[0].Description = next()
	w.metrics[0].Targets[0].Scope = next()
	w.metrics[1].Unit = next()
	w.version = next()
	w.title = next()
	return w
}

type fxContact struct {
	id, source, customer, caseID, channel, dept, agent, team, topic string
	at                                                              time.Time
	wait, handle                                                    float64
	disposition                                                     string
	slaMet                                                          bool
	csat                                                            *float64
	person, journey                                                 string
	seq                                                             int
	repeat, followed, open, claimed, failed, gap                    bool
	met                                                             []bool
}

type fxJourney struct {
	id, person                                string
	contacts                                  []*fxContact
	reopened, complaint, dispute, churned     bool
	open, verified, failed                    bool
	hops, loops, calls, chats, visits, emails int
	days                                      *float64
	hours                                     float64
}

// fixtureStart is a Monday, so weeks start on the first day.
var fixtureStart = time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)

var deptTarget = []float64{420, 600, 540, 900}

// generate builds a deterministic contact history: six weeks, 150 people.
// Some agents are "fast" (short handling, more contacts marked resolved)
// and their customers come back more often, so the scorecard and the
// customers disagree in a measurable way.
func generate(w world) ([]*fxContact, []*fxJourney) {
	r := rand.New(rand.NewPCG(1, 2))
	var cs []*fxContact
	var js []*fxJourney
	horizon := fixtureStart.Add(42 * 24 * time.Hour) // six weeks
	for p := range 150 {
		at := fixtureStart.Add(time.Duration(r.IntN(38*24)) * time.Hour)
		for at.Before(horizon) {
			j := &fxJourney{id: fmt.Sprintf("J%04d-%d", p, len(js)), person: w.person(p)}
			dept := r.IntN(len(w.departments))
			visited := map[int]bool{dept: true}
			for seq := 1; ; seq++ {
				ai := r.IntN(len(w.agents))
				fast := float64(ai) / float64(len(w.agents)-1) // 0 slow … 1 fast
				ch := (dept + r.IntN(2)*r.IntN(4)) % len(w.channels)
				c := &fxContact{
					id: fmt.Sprintf("c%05d", len(cs)), source: w.sources[len(cs)%len(w.sources)], customer: w.person(p),
					caseID: "", channel: w.channels[ch], dept: w.departments[dept], agent: w.agents[ai], team: w.teams[ai%len(w.teams)],
					topic: w.topics[(p+seq)%len(w.topics)], at: at, wait: float64(5 + r.IntN(170)),
					handle: float64(int((1.4 - fast) * 600 * (0.6 + 0.8*r.Float64()))),
					person: j.person, journey: j.id, seq: seq, repeat: seq > 1,
				}
				if p%3 == 0 {
					c.caseID = fmt.Sprintf("case-%d", len(js))
				}
				c.slaMet = c.wait <= 120
				switch {
				case r.Float64() < 0.6+0.35*fast:
					c.disposition = "resolved"
				case r.IntN(2) == 0:
					c.disposition = "transferred"
				default:
					c.disposition = "unresolved"
				}
				if r.IntN(3) == 0 {
					v := float64(1 + r.IntN(5))
					c.csat = &v
				}
				c.met = []bool{c.handle <= deptTarget[dept], c.wait <= 120}
				if w.extraKPI != "" {
					c.met = append(c.met, seq%2 == 1)
				}
				c.claimed = c.disposition == "resolved" && !slices.Contains(c.met, false)
				cs = append(cs, c)
				j.contacts = append(j.contacts, c)
				at = at.Add(time.Duration(3+r.IntN(5*24)) * time.Hour)
				if seq >= 8 || r.Float64() > 0.2+0.45*fast || !at.Before(horizon) {
					break
				}
				if r.Float64() < 0.45 {
					nd := r.IntN(len(w.departments))
					if nd != dept && visited[nd] {
						j.loops++
					}
					dept = nd
					visited[dept] = true
				}
			}
			bad := len(j.contacts) >= 3 && r.IntN(3) == 0
			if bad {
				switch r.IntN(4) {
				case 0:
					j.complaint = true
				case 1:
					j.dispute = true
				case 2:
					j.reopened = true
				default:
					j.churned = true
				}
			}
			js = append(js, j)
			at = at.Add(time.Duration(10*24+r.IntN(15*24)) * time.Hour)
		}
	}
	end := cs[0].at
	for _, c := range cs {
		if c.at.After(end) {
			end = c.at
		}
	}
	for _, j := range js {
		last := j.contacts[len(j.contacts)-1]
		j.open = last.at.Add(7 * 24 * time.Hour).After(end)
		bad := j.complaint || j.dispute || j.reopened || j.churned
		j.verified = !j.open && !bad
		j.failed = !j.open && (len(j.contacts) > 1 || bad)
		if j.verified {
			d := last.at.Sub(j.contacts[0].at).Hours() / 24
			j.days = &d
		}
		for i, c := range j.contacts {
			c.followed = i < len(j.contacts)-1
			c.open = !c.followed && j.open
			c.failed = !c.open && (c.followed || bad)
			c.gap = c.claimed && c.failed
			j.hours += (c.wait + c.handle) / 3600
			switch slices.Index(w.channels, c.channel) {
			case 0:
				j.calls++
			case 1:
				j.chats++
			case 2:
				j.emails++
			case 3:
				j.visits++
				j.hours += 0.5 // travel
			}
			if i > 0 && (c.dept != j.contacts[i-1].dept || c.channel != j.contacts[i-1].channel) {
				j.hops++
			}
		}
	}
	return cs, js
}

func (w world) kpiCols() []string {
	cols := []string{"met_handle_time_seconds", "met_wait_seconds"}
	if w.extraKPI != "" {
		cols = append(cols, "met_"+w.extraKPI)
	}
	return cols
}

// fixture is a lake directory with marts and a database with the views.
type fixture struct {
	db   *sql.DB
	dir  string
	meta Meta
}

// without lists marts (or "rejects") the fixture leaves out, and
// mart.column pairs it drops, to test that sections degrade.
func newFixture(t testing.TB, w world, without ...string) fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := duck.Open(ctx, duck.Options{Threads: 2, TempDir: filepath.Join(dir, "tmp")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	// One connection: the staging tables below are per database anyway,
	// and a single connection keeps the inserts cheap.
	db.SetMaxOpenConns(1)
	cs, js := generate(w)
	mustExec(t, db, `CREATE SCHEMA stage`)
	kpiDefs := ""
	for _, k := range w.kpiCols() {
		kpiDefs += ", " + duck.Ident(k) + " BOOLEAN"
	}
	mustExec(t, db, `CREATE TABLE stage.contact_facts (contact_id VARCHAR, source_system VARCHAR, customer_key VARCHAR,
		case_id VARCHAR, channel VARCHAR, department VARCHAR, agent_id VARCHAR, team VARCHAR, topic VARCHAR,
		started_at TIMESTAMPTZ, wait_seconds DOUBLE, handle_seconds DOUBLE, transferred_to VARCHAR, disposition VARCHAR,
		sla_met BOOLEAN, csat DOUBLE, person_id VARCHAR, journey_id VARCHAR, seq_in_journey INTEGER, is_repeat BOOLEAN,
		followed_by_repeat BOOLEAN, window_open BOOLEAN, claimed_success BOOLEAN, outcome_failed BOOLEAN, gap BOOLEAN,
		claimed_resolution BOOLEAN, verified_resolution BOOLEAN`+kpiDefs+`)`)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	ph := strings.Repeat(", ?", 26+len(w.kpiCols()))
	ins, err := tx.Prepare(`INSERT INTO stage.contact_facts VALUES (?` + ph + `)`)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		var transferred any
		if c.disposition == "transferred" {
			transferred = c.dept
		}
		var caseID any
		if c.caseID != "" {
			caseID = c.caseID
		}
		// As in the real mart, an open contact's customer view is NULL.
		var failed, gap, verified any = c.failed, c.gap, !c.failed
		if c.open {
			failed, gap, verified = nil, nil, nil
		}
		args := []any{c.id, c.source, c.customer, caseID, c.channel, c.dept, c.agent, c.team, c.topic, c.at, c.wait, c.handle,
			transferred, c.disposition, c.slaMet, c.csat, c.person, c.journey, c.seq, c.repeat, c.followed, c.open, c.claimed, failed, gap,
			c.disposition == "resolved", verified}
		for _, m := range c.met {
			args = append(args, m)
		}
		if _, err := ins.Exec(args...); err != nil {
			t.Fatal(err)
		}
	}
	mustExec(t, tx, `CREATE TABLE stage.journeys (journey_id VARCHAR, person_id VARCHAR, first_contact_at TIMESTAMPTZ,
		last_contact_at TIMESTAMPTZ, contacts BIGINT, calls BIGINT, chats BIGINT, visits BIGINT, emails BIGINT, hops BIGINT,
		loops BIGINT, days_to_resolution DOUBLE, customer_hours DOUBLE, verified_resolved BOOLEAN, reopened BOOLEAN,
		complaint BOOLEAN, dispute BOOLEAN, churn BOOLEAN, outcome_failed BOOLEAN, window_open BOOLEAN, outcome VARCHAR,
		claimed_success_contacts BIGINT)`)
	jins, err := tx.Prepare(`INSERT INTO stage.journeys VALUES (?` + strings.Repeat(", ?", 21) + `)`)
	if err != nil {
		t.Fatal(err)
	}
	type flowKey struct{ from, to string }
	flows := map[flowKey]*[3]int{} // journeys, loop journeys, ping-pong journeys
	for _, j := range js {
		outcome := "resolved"
		switch {
		case j.open:
			outcome = "open"
		case j.failed:
			outcome = "failed"
		}
		claimed := 0
		for _, c := range j.contacts {
			if c.claimed {
				claimed++
			}
		}
		if _, err := jins.Exec(j.id, j.person, j.contacts[0].at, j.contacts[len(j.contacts)-1].at, len(j.contacts),
			j.calls, j.chats, j.visits, j.emails, j.hops, j.loops, j.days, j.hours, j.verified, j.reopened, j.complaint,
			j.dispute, j.churned, j.failed, j.open, outcome, claimed); err != nil {
			t.Fatal(err)
		}
		// Like the real mart: nodes (department·channel) indexed by step
		// (so the graph is acyclic), the journey's end as a last node.
		node := func(i int) string { return fmt.Sprintf("%s·%s #%d", j.contacts[i].dept, j.contacts[i].channel, i+1) }
		seen := map[string]bool{j.contacts[0].dept: true}
		add := func(k flowKey, loop, pingPong bool) {
			if flows[k] == nil {
				flows[k] = &[3]int{}
			}
			flows[k][0]++
			if loop {
				flows[k][1]++
			}
			if pingPong {
				flows[k][2]++
			}
		}
		for i := 1; i < len(j.contacts); i++ {
			d := j.contacts[i].dept
			// a ping-pong: back to the department of two contacts before
			pingPong := i >= 2 && d == j.contacts[i-2].dept && d != j.contacts[i-1].dept
			add(flowKey{node(i - 1), node(i)}, seen[d] && d != j.contacts[i-1].dept, pingPong)
			seen[d] = true
		}
		add(flowKey{node(len(j.contacts) - 1), "outcome·" + outcome}, false, false)
	}
	mustExec(t, tx, `CREATE TABLE stage.journey_flows (from_node VARCHAR, to_node VARCHAR, journeys BIGINT, loop_journeys BIGINT,
		ping_pong_journeys BIGINT)`)
	for k, v := range flows {
		mustExec(t, tx, `INSERT INTO stage.journey_flows VALUES (?, ?, ?, ?, ?)`, k.from, k.to, v[0], v[1], v[2])
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	mustExec(t, db, `ALTER TABLE stage.contact_facts ADD COLUMN business_date DATE`)
	mustExec(t, db, `UPDATE stage.contact_facts SET business_date = CAST(timezone('UTC', started_at) AS DATE)`)
	mustExec(t, db, `CREATE TABLE stage.targets (department VARCHAR, target DOUBLE)`)
	for i, d := range w.departments {
		mustExec(t, db, `INSERT INTO stage.targets VALUES (?, ?)`, d, deptTarget[i])
	}
	// what the gaming sections read: the AHT target in force, a hold, the
	// 7-day repeat flag of the judged contacts
	mustExec(t, db, `ALTER TABLE stage.contact_facts ADD COLUMN target_handle_time_seconds DOUBLE`)
	mustExec(t, db, `UPDATE stage.contact_facts f SET target_handle_time_seconds = t.target FROM stage.targets t WHERE t.department = f.department`)
	mustExec(t, db, `ALTER TABLE stage.contact_facts ADD COLUMN hold_seconds DOUBLE`)
	mustExec(t, db, `UPDATE stage.contact_facts SET hold_seconds = CASE WHEN handle_seconds > 300 THEN 30 ELSE 0 END`)
	mustExec(t, db, `ALTER TABLE stage.contact_facts ADD COLUMN repeat_within_7d BOOLEAN`)
	mustExec(t, db, `UPDATE stage.contact_facts SET repeat_within_7d = CASE WHEN NOT window_open THEN followed_by_repeat END`)
	// a gaming_signals mart of one flag of each kind, on the first agent and
	// team (names from the data: the hostile world's too)
	mustExec(t, db, `CREATE TABLE stage.gaming_signals AS
		WITH m AS (SELECT min(agent_id) AS agent, min(team) AS team, min(business_date) AS d0, max(business_date) AS d1
			FROM stage.contact_facts WHERE agent_id IS NOT NULL AND team IS NOT NULL)
		SELECT v.dimension, CASE v.dimension WHEN 'agent' THEN m.agent ELSE m.team END AS member, v.signal, v.measure,
			v.statistic, v.p_value, v.p_threshold, v.dispersion, v.estimate, v.lo, v.hi, v.value, v.baseline,
			CAST(v.contacts AS BIGINT) AS contacts, v.flagged, m.d0 AS period_start, m.d1 AS period_end
		FROM m, (VALUES
			('agent', 'bunching', 'density_contrast', 5.2, 1e-7, 0.001, 1.1, 2.1, 1.6, 2.6, 0.93, 0.69, 420, true),
			('agent', 'bunching', 'handoff_share', NULL, NULL, NULL, NULL, 0.61, NULL, NULL, 0.61, 0.25, 260, true),
			('agent', 'transfer_padding', 'handoff_share', 4.4, 1e-5, 0.001, 1.0, 0.4, 0.3, 0.5, 0.61, 0.21, 900, true),
			('agent', 'hold_padding', 'held_share', 0.4, 0.34, 0.001, 1.0, 0.01, -0.04, 0.06, 0.31, 0.30, 880, false),
			('team', 'aht_down_repeats_up', 'aht_slope', 6.1, NULL, NULL, NULL, -21.5, -28.6, -14.4, 402.0, NULL, 3100, true),
			('team', 'aht_down_repeats_up', 'repeat_slope', 4.8, NULL, NULL, NULL, 0.018, 0.010, 0.026, 0.39, NULL, 3100, true),
			('agent', 'selective_survey', 'came_back_survey_share', 3.9, 5e-5, 0.001, 1.2, 0.14, 0.07, 0.21, 0.02, 0.19, 1100, true),
			('agent', 'selective_survey', 'csat_came_back', NULL, NULL, NULL, NULL, 4.3, NULL, NULL, 4.3, NULL, 9, true),
			('agent', 'selective_survey', 'csat_not_back', NULL, NULL, NULL, NULL, 4.4, NULL, NULL, 4.4, NULL, 170, true)
		) v(dimension, signal, measure, statistic, p_value, p_threshold, dispersion, estimate, lo, hi, value, baseline, contacts, flagged)`)
	mustExec(t, db, `CREATE TABLE stage.gap AS `+gapSQL("stage.contact_facts", "stage.targets", w.repeatWindow()))
	mustExec(t, db, `CREATE TABLE stage.kpi_outcome_correlation AS `+corrSQL("stage.contact_facts", w.kpiCols()))
	// the FCR ladder: a contact followed in its journey counts as repeated
	// at every rung, the last open contacts are open (a fixture's rule)
	mustExec(t, db, `CREATE TABLE stage.fcr_ladder AS
		SELECT d.dimension, d.member, 'total' AS grain, CAST(NULL AS DATE) AS period_start, w.window_days,
			count(*) FILTER (WHERE NOT window_open) AS judged_contacts,
			count(*) FILTER (WHERE NOT window_open AND followed_by_repeat) AS repeated_contacts,
			1 - count(*) FILTER (WHERE NOT window_open AND followed_by_repeat) / count(*) FILTER (WHERE NOT window_open) AS measured_fcr,
			count(*) FILTER (WHERE NOT window_open AND disposition = 'resolved') / count(*) FILTER (WHERE NOT window_open) AS claimed_fcr,
			count(*) FILTER (WHERE window_open) AS open_contacts
		FROM (SELECT *, 'all' AS dimension, 'all' AS member FROM stage.contact_facts
		      UNION ALL SELECT *, 'department', department FROM stage.contact_facts) d,
		     (SELECT unnest([1, 3, 7, 30]) AS window_days) w
		GROUP BY ALL`)
	mustExec(t, db, `CREATE TABLE stage.cost AS
		SELECT d.dimension, d.member, 'total' AS grain, CAST(NULL AS DATE) AS period_start, count(*) AS contacts,
			sum(handle_seconds) / 3600 AS agent_hours, sum(handle_seconds) / 3600 * 35 AS agent_cost,
			sum(handle_seconds) FILTER (WHERE is_repeat) / 3600 AS failure_demand_hours,
			sum(handle_seconds) FILTER (WHERE is_repeat) / 3600 * 35 AS failure_demand_cost,
			coalesce(sum(handle_seconds) FILTER (WHERE is_repeat AND followed_by_repeat), 0) / 3600 AS gap_hours,
			coalesce(sum(handle_seconds) FILTER (WHERE is_repeat AND followed_by_repeat), 0) / 3600 * 35 AS gap_cost,
			sum(handle_seconds) / 3600 * 35 / count(*) AS cost_per_contact,
			sum(handle_seconds) / 3600 * 35 / count(*) * 2 AS cost_per_resolved_journey
		FROM (SELECT *, 'all' AS dimension, 'all' AS member FROM stage.contact_facts
		      UNION ALL SELECT *, 'department', department FROM stage.contact_facts
		      UNION ALL SELECT *, 'team', team FROM stage.contact_facts) d
		GROUP BY ALL
		UNION ALL BY NAME
		SELECT 'all' AS dimension, 'all' AS member, 'week' AS grain, CAST(date_trunc('week', started_at) AS DATE) AS period_start,
			count(*) AS contacts, coalesce(sum(handle_seconds) FILTER (WHERE is_repeat AND followed_by_repeat), 0) / 3600 AS gap_hours,
			coalesce(sum(handle_seconds) FILTER (WHERE is_repeat AND followed_by_repeat), 0) / 3600 * 35 AS gap_cost
		FROM stage.contact_facts GROUP BY ALL`)
	mustExec(t, db, `CREATE TABLE stage.metric_targets AS
		SELECT 1 AS ordinal, 'handle_time_seconds' AS metric, 'kpi' AS kind, 'seconds' AS unit, 'lower' AS good, true AS in_scorecard,
			'department' AS level, 2 AS level_rank, department AS member, target FROM stage.targets
		UNION ALL SELECT 2, 'wait_seconds', 'kpi', 'seconds', 'lower', true, 'default', 4, NULL, 120`)
	mustExec(t, db, `CREATE TABLE stage.coverage AS SELECT
		(SELECT count(*) FROM stage.contact_facts) AS contacts,
		(SELECT count(*) FROM stage.contact_facts WHERE person_id IS NULL) AS anonymous_contacts,
		(SELECT count(*) FROM stage.contact_facts WHERE window_open) AS open_contacts,
		(SELECT count(DISTINCT person_id) FROM stage.contact_facts) AS persons,
		(SELECT count(*) FROM stage.journeys) AS journeys,
		(SELECT count(*) FROM stage.journeys WHERE window_open) AS open_journeys,
		(SELECT max(started_at) FROM stage.contact_facts) AS data_end, `+fmt.Sprint(w.repeatWindow())+` AS repeat_window_days`)
	mustExec(t, db, `CREATE TABLE stage.rejects ("table" VARCHAR, "column" VARCHAR, reason VARCHAR, _source_file VARCHAR,
		_source_line BIGINT, _batch_id VARCHAR, raw VARCHAR)`)
	for i := range 7 {
		mustExec(t, db, `INSERT INTO stage.rejects VALUES ('contacts', ?, ?, ?, ?, 'b1', ?)`,
			strings.SplitN(w.reasons[i%2], ":", 2)[0], w.reasons[i%2], "/inbox/"+w.files[0], 10+i, "raw,"+w.reasons[0])
	}
	writeMarts(t, db, dir, without)
	f := fixture{db: db, dir: dir, meta: Meta{
		GeneratedAt:      time.Date(2024, 2, 20, 6, 0, 0, 0, time.UTC),
		Version:          w.version,
		LakeDir:          "/srv/lake",
		ConfigPath:       "mcnamara.toml",
		RepeatWindowDays: w.repeatWindow(),
		Metrics:          w.metrics,
		Batches: []Batch{
			{ID: "b1", StartedAt: time.Date(2024, 2, 19, 2, 0, 0, 0, time.UTC), FinishedAt: time.Date(2024, 2, 19, 2, 1, 0, 0, time.UTC),
				Inputs:   []Input{{Path: "/inbox/" + w.files[0], Table: "contacts", Mapping: "preset acd", RowsRead: int64(len(cs) + 7), RowsLoaded: int64(len(cs)), RowsRejected: 7}},
				RowsRead: int64(len(cs) + 7), RowsLoaded: int64(len(cs)), RowsRejected: 7},
			{ID: "b2", StartedAt: time.Date(2024, 2, 20, 2, 0, 0, 0, time.UTC), FinishedAt: time.Date(2024, 2, 20, 2, 0, 30, 0, time.UTC),
				Inputs: []Input{{Path: "/inbox/" + w.files[1], Table: "outcomes", Mapping: "crm.sql", RowsRead: 40, RowsLoaded: 40},
					{Path: "/inbox/broken.csv", Table: "outcomes", Mapping: "crm.sql", Error: "missing column occurred_at"}},
				RowsRead: 40, RowsLoaded: 40},
		},
	}}
	return f
}

// fixtureMarts are the marts the fixture writes.
var fixtureMarts = []string{"contact_facts", "journeys", "gap", "journey_flows", "kpi_outcome_correlation", "metric_targets", "coverage", "rejects", "fcr_ladder", "cost", "gaming_signals"}

// writeMarts copies the staging tables to lake/marts/*.parquet and attaches
// them as views, the way the pipeline's lake.AttachMarts does.
func writeMarts(t testing.TB, db *sql.DB, dir string, without []string) {
	t.Helper()
	marts := filepath.Join(dir, "marts")
	if err := os.MkdirAll(marts, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, m := range fixtureMarts {
		if slices.Contains(without, m) {
			continue
		}
		exclude := ""
		for _, w := range without {
			if mart, c, ok := strings.Cut(w, "."); ok && mart == m {
				exclude += duck.Ident(c) + ", "
			}
		}
		sel := "*"
		if exclude != "" {
			sel = "* EXCLUDE (" + strings.TrimSuffix(exclude, ", ") + ")"
		}
		p := filepath.Join(marts, m+".parquet")
		mustExec(t, db, fmt.Sprintf("COPY (SELECT %s FROM stage.%s) TO %s (FORMAT parquet)", sel, m, duck.Quote(p)))
		mustExec(t, db, fmt.Sprintf("CREATE OR REPLACE VIEW main.%s AS SELECT * FROM read_parquet(%s)", duck.Ident(m), duck.Quote(p)))
	}
}

// gapSQL aggregates contact_facts into the gap mart's long form.
func gapSQL(facts, targets string, window float64) string {
	dims := map[string]string{"agent": "agent_id", "team": "team", "department": "f.department", "channel": "channel", "topic": "topic", "all": "'all'"}
	grains := map[string]string{"week": "CAST(date_trunc('week', started_at) AS DATE)", "month": "CAST(date_trunc('month', started_at) AS DATE)",
		"total": "CAST(NULL AS DATE)", "settled": "CAST(NULL AS DATE)"}
	settled := fmt.Sprintf("started_at + to_seconds(%v) <= (SELECT max(started_at) FROM %s)", window*86400, facts)
	var parts []string
	for _, d := range []string{"agent", "team", "department", "channel", "topic", "all"} {
		for _, g := range []string{"week", "month", "total", "settled"} {
			target := "avg(t.target)"
			where := "true"
			if g == "settled" {
				where = settled
			}
			parts = append(parts, fmt.Sprintf(`SELECT '%s' AS dimension, %s AS member, '%s' AS grain, %s AS period_start,
				bool_and(%s) AS settled,
				count(*) AS contacts,
				count(*) FILTER (WHERE NOT window_open AND person_id IS NOT NULL) AS judged_contacts,
				count(*) FILTER (WHERE NOT window_open AND claimed_success) AS claimed_success_contacts,
				count(*) FILTER (WHERE NOT window_open AND outcome_failed) AS outcome_failed_contacts,
				count(*) FILTER (WHERE gap) AS gap_contacts,
				count(*) FILTER (WHERE NOT window_open AND disposition = 'resolved') AS claimed_resolution_contacts,
				count(*) FILTER (WHERE NOT window_open AND NOT outcome_failed) AS verified_resolution_contacts,
				count(*) AS journeyed_contacts, count(*) FILTER (WHERE is_repeat) AS repeat_contacts,
				count(handle_seconds) AS handle_time_seconds_contacts,
				avg(claimed_success::INT) AS claimed_success_ratio,
				avg(outcome_failed::INT) AS outcome_failed_ratio,
				sum(gap::INT) / nullif(sum(claimed_success::INT), 0) AS gap_ratio,
				avg((disposition = 'resolved')::INT) AS claimed_resolution_ratio,
				avg(CASE WHEN NOT window_open THEN (NOT outcome_failed)::INT END) AS verified_resolution_ratio,
				avg(is_repeat::INT) AS failure_demand_ratio, avg(handle_seconds) AS handle_time_seconds, %s AS target_handle_time_seconds,
				avg(wait_seconds) AS wait_seconds, count(wait_seconds) AS wait_seconds_contacts, 120.0 AS target_wait_seconds
				FROM %s f LEFT JOIN %s t ON t.department = f.department WHERE %s GROUP BY ALL`,
				d, dims[d], g, grains[g], settled, target, facts, targets, where))
		}
	}
	return strings.Join(parts, "\nUNION ALL\n")
}

// corrSQL computes Spearman's rho (ranks without tie averaging, which is
// close enough for a fixture) of each KPI's met rate against the
// outcome-failed rate across agents and teams, like the real mart.
func corrSQL(facts string, kpis []string) string {
	var parts []string
	for _, level := range []string{"agent_id", "team"} {
		for _, k := range kpis {
			name := strings.TrimPrefix(k, "met_")
			lv := strings.TrimSuffix(level, "_id")
			parts = append(parts, fmt.Sprintf(`SELECT '%s' AS dimension, %s AS kpi, count(*) AS n, corr(rx, ry) AS spearman_rho FROM (
				SELECT rank() OVER (ORDER BY m) AS rx, rank() OVER (ORDER BY f) AS ry FROM (
					SELECT avg(%s::INT) AS m, avg(CASE WHEN NOT window_open THEN outcome_failed::INT END) AS f
					FROM %s GROUP BY %s))`, lv, duck.Quote(name), duck.Ident(k), facts, level))
		}
	}
	return strings.Join(parts, "\nUNION ALL\n")
}

type execer interface {
	Exec(string, ...any) (sql.Result, error)
}

func mustExec(t testing.TB, db execer, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
}
