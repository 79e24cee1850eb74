package job

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mcnamara/mcnamara/config"
	"github.com/mcnamara/mcnamara/metrics"
	"github.com/mcnamara/mcnamara/pipeline/contract"
	"github.com/mcnamara/mcnamara/pipeline/ingest"
	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/pipeline/synth"
	"github.com/mcnamara/mcnamara/reports"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// The figure audit: every number the report prints — in a tile, a finding
// or note, a scorecard figure or a table cell — is recomputed here by a
// query of its own, written from the glossary's words (metrics.Concepts
// and the catalog's descriptions), and must match to the printed
// precision. The report records what each number measures and over which
// contacts (reports.Figure, Table.RowScope); this test parses the numbers
// back out of the sentences, checks that every one is accounted for, and
// recomputes each from the marts without the report's queries.
//
// A definition that changes fails here, in one place, naming the figure.

const auditKey = "figure audit"

func TestFigureAudit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo and every real data set (-short)")
	}
	t.Run("demo", func(t *testing.T) {
		cfg, db := demoLake(t)
		newAuditor(t, cfg, db).audit()
	})
	for _, d := range Datasets {
		t.Run(d.Name, func(t *testing.T) {
			r := runDataset(t, d.Name)
			newAuditor(t, r.cfg, r.db).audit()
		})
	}
}

// demoLake is the lake `mcnamara demo` builds (same size, seed and
// targets), on a fixed calendar.
func demoLake(t *testing.T) (config.File, *sql.DB) {
	t.Helper()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	sum, err := synth.Generate(context.Background(), synth.Options{Out: data, Contacts: 200_000, Days: 91, Seed: 1,
		Start: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return synthLake(t, dir, sum)
}

// synthLake ingests a generated centre (sum, in dir/data) through the
// presets into dir/lake with the targets of its ground truth, builds it,
// and returns the configuration and a handle on the lake.
func synthLake(t *testing.T, dir string, sum *synth.Summary) (config.File, *sql.DB) {
	t.Helper()
	cfg := config.Defaults()
	cfg.Lake.Dir = filepath.Join(dir, "lake")
	cfg.Lake.BusinessTimezone = synth.BusinessZone
	var err error
	if cfg.Metrics, err = SynthTargets(sum.Truth); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(filepath.Dir(sum.Truth), "*.*"))
	if err != nil {
		t.Fatal(err)
	}
	files = slices.DeleteFunc(files, func(f string) bool { return filepath.Base(f) == synth.TruthFile })
	sources, err := Job{Config: cfg}.Sources(files, "")
	if err != nil {
		t.Fatal(err)
	}
	return cfg, loadLake(t, cfg, sources)
}

// loadLake ingests and builds like `mcnamara run` and returns a DuckDB
// handle on the lake's views and marts.
func loadLake(t *testing.T, cfg config.File, sources []ingest.Source) *sql.DB {
	t.Helper()
	ctx := context.Background()
	j := Job{Config: cfg}
	err := j.WithLake(ctx, false, func(db *sql.DB) error {
		res, err := j.IngestLocked(ctx, db, sources)
		if err != nil {
			return err
		}
		if len(res.FileErrors) > 0 {
			return fmt.Errorf("files refused: %v", res.FileErrors)
		}
		_, err = j.BuildLocked(ctx, db, false)
		return err
	})
	if err != nil {
		t.Fatalf("ingest and build: %v", err)
	}
	db, err := duck.Open(ctx, duck.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1) // views and temp tables live on the connection
	if err := lake.AttachInputs(ctx, db, cfg.Lake.Dir); err != nil {
		t.Fatal(err)
	}
	if _, err := lake.AttachMarts(ctx, db, cfg.Lake.Dir); err != nil {
		t.Fatal(err)
	}
	return db
}

type auditor struct {
	t      *testing.T
	cfg    config.File
	db     *sql.DB
	m      *reports.Model
	window float64
	cache  map[string]map[string]float64
	worst  map[string]string // journey id → pseudonym of the cards shown
	// checked counts the figures recomputed, by measure.
	checked map[string]int
	// moves are the journeys of each Sankey move (flowJourneys).
	moves map[string]map[string]int64
	// gamingCache holds the gaming tests once computed (figures_gaming_test.go).
	gamingCache *gamingAudit
}

func newAuditor(t *testing.T, cfg config.File, db *sql.DB) *auditor {
	t.Helper()
	meta, err := Job{Config: cfg}.ReportMeta()
	if err != nil {
		t.Fatal(err)
	}
	m, err := reports.BuildModel(context.Background(), db, meta, reports.Options{
		PseudonymKey: []byte(auditKey), Timezone: cfg.Lake.BusinessTimezone})
	if err != nil {
		t.Fatal(err)
	}
	a := &auditor{t: t, cfg: cfg, db: db, m: m, window: cfg.Build.RepeatWindowDays,
		cache: map[string]map[string]float64{}, checked: map[string]int{}}
	a.prepare()
	return a
}

// prepare writes the glossary's definitions as columns of one temp table
// over contact_facts, from the marts' plain facts (dispositions, met
// flags, journey outcomes), not from the verdict columns the models wrote:
//
//	judged      of an identified customer, and no longer open
//	claimed     marked resolved (or within SLA where the source gives no
//	            disposition) and every scorecard KPI target held
//	failed      the customer came back in the same journey, or the journey
//	            ended without a verified resolution or in a reopening,
//	            complaint, dispute or churn
//	settled     the contact's repeat window has closed by the end of the
//	            data (the last contact's start)
func (a *auditor) prepare() {
	var scorecard sql.NullString
	a.scan(&scorecard, "SELECT scorecard FROM coverage")
	held := "true"
	if scorecard.String != "" {
		var parts []string
		for _, k := range strings.Split(scorecard.String, ",") {
			parts = append(parts, fmt.Sprintf("coalesce(f.met_%s, true)", k))
		}
		held = strings.Join(parts, " AND ")
	}
	tz := duck.Quote(a.cfg.Lake.BusinessTimezone)
	// [costs]: the agent hour of each channel, and a flat cost per visit
	rates, err := a.cfg.Costs.Rates(contract.Channels)
	if err != nil {
		a.t.Fatal(err)
	}
	costSQL := "CASE f.channel"
	for _, ch := range contract.Channels {
		costSQL += fmt.Sprintf(" WHEN %s THEN coalesce(f.handle_seconds, 0) / 3600.0 * %v + %v", duck.Quote(ch), rates.Hourly[ch], rates.PerContact[ch])
	}
	costSQL += " END"
	a.exec(fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE af AS
		WITH e AS (SELECT max(started_at) AS data_end FROM contact_facts)
		SELECT f.*,
			coalesce(f.agent_id, '(none)') AS d_agent, coalesce(f.team, '(none)') AS d_team,
			coalesce(f.department, '(none)') AS d_department, f.channel AS d_channel,
			coalesce(f.topic, '(none)') AS d_topic, f.source_system AS d_source_system, 'all' AS d_all,
			f.person_id IS NOT NULL AND f.window_open IS NOT TRUE AS a_judged,
			coalesce(f.disposition = 'resolved', f.sla_met, false) AS a_claimed_resolution,
			coalesce(f.disposition = 'resolved', f.sla_met, false) AND %[2]s AS a_claimed,
			f.followed_by_repeat OR NOT j.verified_resolved OR j.reopened OR j.complaint OR j.dispute OR j.churn AS a_failed,
			j.verified_resolved AS a_verified,
			-- cost: handle time × the channel's agent hour (+ a visit's flat cost)
			%[4]s AS a_cost,
			coalesce(f.handle_seconds, 0) / 3600.0 AS a_hours,
			-- the rework of a false success: an earlier contact of the journey
			-- was a claimed success
			coalesce(bool_or(coalesce(f.disposition = 'resolved', f.sla_met, false) AND %[2]s) OVER (PARTITION BY f.journey_id ORDER BY f.seq_in_journey
				ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false) AND f.journey_id IS NOT NULL AS a_follows_gap,
			-- a journey's contacts, each 1/n of it
			1.0 / count(*) OVER (PARTITION BY f.journey_id) AS a_share,
			-- ping-pong: back to the department of two contacts before, from another
			coalesce(coalesce(f.department, '(none)') = lag(coalesce(f.department, '(none)'), 2) OVER (PARTITION BY f.journey_id ORDER BY f.seq_in_journey)
				AND coalesce(f.department, '(none)') <> lag(coalesce(f.department, '(none)')) OVER (PARTITION BY f.journey_id ORDER BY f.seq_in_journey), false)
				AND f.journey_id IS NOT NULL AS a_ping_pong,
			lag(coalesce(f.department, '(none)')) OVER (PARTITION BY f.journey_id ORDER BY f.seq_in_journey) AS a_prev_department,
			CAST(date_trunc('week', f.business_date) AS DATE) AS a_week,
			f.started_at + to_seconds(%[3]s) <= e.data_end AS a_settled
		FROM contact_facts f
		LEFT JOIN journeys j ON j.journey_id = f.journey_id
		CROSS JOIN e`, tz, held, strconv.FormatFloat(a.window*86400, 'f', -1, 64), costSQL))
	// journeys with the channel they started in and their hops and loops
	// counted again from their contacts: a hop is a change of department or
	// channel from the previous contact (plus the source's own
	// reassignments), a loop a hop into a place visited before.
	a.exec(`CREATE OR REPLACE TEMP TABLE aj AS
		WITH c AS (
			SELECT journey_id, seq_in_journey AS seq, channel, reassignments, wait_seconds, handle_seconds, claimed_success,
				coalesce(department, '(none)') || '·' || channel AS node
			FROM contact_facts WHERE journey_id IS NOT NULL),
		h AS (
			SELECT *, lag(node) OVER (PARTITION BY journey_id ORDER BY seq) AS prev,
				min(seq) OVER (PARTITION BY journey_id, node) AS first_seen FROM c)
		SELECT j.*, s.first_channel, s.n, s.a_calls, s.a_chats, s.a_visits, s.a_emails, s.a_hops, s.a_loops,
			s.a_customer_seconds, s.a_claimed,
			j.verified_resolved AND NOT (j.reopened OR j.complaint OR j.dispute OR j.churn) AS a_resolved_well
		FROM journeys j JOIN (
			SELECT journey_id, any_value(channel) FILTER (WHERE seq = 1) AS first_channel, count(*) AS n,
				count(*) FILTER (WHERE channel IN ('phone', 'ivr')) AS a_calls,
				count(*) FILTER (WHERE channel = 'chat') AS a_chats,
				count(*) FILTER (WHERE channel IN ('branch', 'store')) AS a_visits,
				count(*) FILTER (WHERE channel = 'email') AS a_emails,
				count(*) FILTER (WHERE prev IS NOT NULL AND node <> prev) + coalesce(sum(reassignments), 0) AS a_hops,
				count(*) FILTER (WHERE prev IS NOT NULL AND node <> prev AND first_seen < seq) AS a_loops,
				coalesce(sum(wait_seconds), 0) + coalesce(sum(handle_seconds), 0) AS a_customer_seconds,
				count(*) FILTER (WHERE claimed_success) AS a_claimed
			FROM h GROUP BY journey_id) s USING (journey_id)`)
}

func (a *auditor) exec(q string, args ...any) {
	a.t.Helper()
	if _, err := a.db.Exec(q, args...); err != nil {
		a.t.Fatalf("%v\n%s", err, q)
	}
}

func (a *auditor) scan(dst any, q string, args ...any) {
	a.t.Helper()
	if err := a.db.QueryRow(q, args...).Scan(dst); err != nil {
		a.t.Fatalf("%v\n%s", err, q)
	}
}

// contactMeasures are the aggregates over af of the measures the report
// names, written from the glossary. {met} is a KPI's met flag.
var contactMeasures = map[string]string{
	"contacts":                 "count(*)",
	"judged_contacts":          "count(*) FILTER (WHERE a_judged)",
	"claimed_success_contacts": "count(*) FILTER (WHERE a_judged AND a_claimed)",
	"gap_contacts":             "count(*) FILTER (WHERE a_judged AND a_claimed AND a_failed)",
	"kpi_rate":                 "count(*) FILTER (WHERE a_judged AND a_claimed) / nullif(count(*) FILTER (WHERE a_judged), 0)",
	"customer_rate":            "count(*) FILTER (WHERE a_judged AND NOT a_failed) / nullif(count(*) FILTER (WHERE a_judged), 0)",
	"gap_rate":                 "count(*) FILTER (WHERE a_judged AND a_claimed AND a_failed) / nullif(count(*) FILTER (WHERE a_judged AND a_claimed), 0)",
	"claimed_resolution_rate":  "count(*) FILTER (WHERE a_judged AND a_claimed_resolution) / nullif(count(*) FILTER (WHERE a_judged), 0)",
	"verified_resolution_rate": "count(*) FILTER (WHERE a_judged AND NOT followed_by_repeat AND a_verified) / nullif(count(*) FILTER (WHERE a_judged), 0)",
	// over identified customers' contacts: anonymous ones cannot be repeats
	"failure_demand_share": "count(*) FILTER (WHERE person_id IS NOT NULL AND seq_in_journey > 1) / nullif(count(*) FILTER (WHERE person_id IS NOT NULL), 0)",
	// abandoned contacts were never handled
	"aht_seconds":        "avg(CASE WHEN disposition = 'abandoned' THEN NULL ELSE handle_seconds END)",
	"aht_target_seconds": "avg(target_handle_time_seconds) FILTER (WHERE disposition IS DISTINCT FROM 'abandoned' AND handle_seconds IS NOT NULL)",
	"met_rate":           "avg(CAST({met} AS DOUBLE))",
	"back_rate":          "avg(CAST(followed_by_repeat AS DOUBLE)) FILTER (WHERE {met})",
	"share_with_person":  "count(person_id) / count(*)",
	"share_with_case":    "count(case_id) / count(*)",
	"share_with_csat":    "count(csat) / count(*)",
	"share_with_agent":   "count(agent_id) / count(*)",
	"first_contact_at":   "epoch(CAST(timezone({tz}, min(started_at)) AS TIMESTAMP))",
	"last_contact_at":    "epoch(CAST(timezone({tz}, max(started_at)) AS TIMESTAMP))",
	"judged_members":     "count(DISTINCT {dim}) FILTER (WHERE a_judged AND {dimcol} IS NOT NULL)",
	// a KPI over the contacts measured on it: the mean, or for the call
	// count handled contacts / agent-days (a day counted in proportion)
	"kpi_value":    "CASE WHEN '{arg}' = 'contacts_handled_per_agent_day' THEN count({kpi}) / sum(1.0 / {kpi}) ELSE avg({kpi}) END",
	"kpi_target":   "avg({target}) FILTER (WHERE {kpi} IS NOT NULL)",
	"kpi_contacts": "count({kpi})",
	// the FCR ladder at W days: identified contacts whose W days have run
	"fcr_judged":   "count(repeat_within_{arg}d) FILTER (WHERE person_id IS NOT NULL)",
	"measured_fcr": "1 - count(*) FILTER (WHERE repeat_within_{arg}d) / count(repeat_within_{arg}d)",
	"claimed_fcr":  "count(*) FILTER (WHERE repeat_within_{arg}d IS NOT NULL AND a_claimed_resolution) / count(repeat_within_{arg}d)",
	// cost
	"agent_hours":                  "sum(a_hours)",
	"agent_cost":                   "sum(a_cost)",
	"cost_per_contact":             "sum(a_cost) / count(*)",
	"failure_demand_cost":          "coalesce(sum(a_cost) FILTER (WHERE seq_in_journey > 1), 0)",
	"failure_demand_share_of_cost": "coalesce(sum(a_cost) FILTER (WHERE seq_in_journey > 1), 0) / sum(a_cost)",
	"gap_cost":                     "coalesce(sum(a_cost) FILTER (WHERE a_follows_gap), 0)",
	"gap_hours":                    "coalesce(sum(a_hours) FILTER (WHERE a_follows_gap), 0)",
	"cost_per_resolved_journey":    "sum(a_cost) FILTER (WHERE a_verified) / sum(a_share) FILTER (WHERE a_verified)",
	"ping_pong_journeys":           "count(DISTINCT journey_id) FILTER (WHERE a_ping_pong)",
	"weeks_in":                     "count(DISTINCT a_week)",
	"members":                      "count(DISTINCT {dim}) FILTER (WHERE {dimcol} IS NOT NULL)",
	"open_contacts":                "count(*) FILTER (WHERE window_open)",
	"anonymous_contacts":           "count(*) FILTER (WHERE person_id IS NULL)",
	"persons":                      "count(DISTINCT person_id)",
	"rated_contacts":               "count(csat)",
}

// journeyMeasures are the aggregates over aj (journeys).
var journeyMeasures = map[string]string{
	"journeys":          "count(*)",
	"open_journeys":     "count(*) FILTER (WHERE n = 1 AND window_open)",
	"hopped_share":      "count(*) FILTER (WHERE a_hops > 0) / count(*)",
	"looped_share":      "count(*) FILTER (WHERE a_loops > 0) / count(*)",
	"resolved_journeys": "count(*) FILTER (WHERE a_resolved_well)",
	"median_days":       "median({days}) FILTER (WHERE a_resolved_well)",
	"p90_days":          "quantile_cont({days}, 0.9) FILTER (WHERE a_resolved_well)",
	"bucket_journeys":   "count(*) FILTER (WHERE a_resolved_well AND {bucket})",
}

// days from the first contact to the resolution, from the two instants.
const resolutionDays = "greatest(0, epoch(resolved_at) - epoch(first_contact_at)) / 86400"

var dimCol = map[string]string{"all": "d_all", "agent": "d_agent", "team": "d_team", "department": "d_department",
	"channel": "d_channel", "topic": "d_topic", "source_system": "d_source_system"}

// rawCol is the contact_facts column behind a dimension ("(none)" members
// are not members).
var rawCol = map[string]string{"agent": "agent_id", "team": "team", "department": "department", "channel": "channel",
	"topic": "topic", "source_system": "source_system", "all": "d_all"}

// period is the WHERE clause of a period scope over af.
func period(p string) string {
	switch {
	case p == "settled":
		return "a_settled"
	case strings.HasPrefix(p, "settled-since:"):
		return "a_settled AND a_week >= DATE " + duck.Quote(strings.TrimPrefix(p, "settled-since:"))
	case strings.HasPrefix(p, "week:"):
		return "a_week = DATE " + duck.Quote(strings.TrimPrefix(p, "week:"))
	case strings.HasPrefix(p, "since:"):
		return "business_date >= DATE " + duck.Quote(strings.TrimPrefix(p, "since:"))
	}
	return "true"
}

// value recomputes a measure for a scope; ok is false when it is not
// defined there (NULL).
func (a *auditor) value(measure, arg string, sc reports.Scope) (float64, bool) {
	a.t.Helper()
	a.checked[measure]++
	if v, ok, handled := a.gamingFigure(measure, arg, sc); handled {
		return v, ok
	}
	if sc.Department != "" || sc.Channel != "" {
		return a.sliceValue(measure, arg, sc)
	}
	key := measure + "|" + arg + "|" + sc.Dim + "|" + sc.Period
	vals, ok := a.cache[key]
	if !ok {
		vals = a.compute(measure, arg, sc)
		a.cache[key] = vals
	}
	member := sc.Member
	if member == "" {
		member = "all"
	}
	v, ok := vals[member]
	return v, ok
}

func (a *auditor) compute(measure, arg string, sc reports.Scope) map[string]float64 {
	a.t.Helper()
	if agg, ok := contactMeasures[measure]; ok {
		dim := sc.Dim
		if dim == "" {
			dim = "all"
		}
		col, ok := dimCol[dim]
		if !ok {
			a.t.Fatalf("measure %s over dimension %q: no definition", measure, dim)
		}
		met := "met_" + arg
		if arg == "claimed_success" {
			met = "a_claimed"
		}
		agg = strings.NewReplacer("{met}", met, "{tz}", duck.Quote(a.cfg.Lake.BusinessTimezone),
			"{dim}", col, "{dimcol}", rawCol[dim], "{arg}", arg, "{kpi}", duck.Ident(arg), "{target}", duck.Ident("target_"+arg)).Replace(agg)
		group := col
		if strings.Contains(measure, "members") {
			group = "'all'" // a count of members is over the whole scope
		}
		return a.grouped(fmt.Sprintf("SELECT %s, %s FROM af WHERE %s GROUP BY 1", group, agg, period(sc.Period)))
	}
	if agg, ok := journeyMeasures[measure]; ok {
		bucket := "true"
		if lo, hi, ok := strings.Cut(arg, "-"); ok {
			bucket = fmt.Sprintf("%s >= %s", resolutionDays, lo)
			if hi != "" {
				bucket += fmt.Sprintf(" AND %s < %s", resolutionDays, hi)
			}
		}
		agg = strings.NewReplacer("{days}", resolutionDays, "{bucket}", bucket).Replace(agg)
		switch sc.Dim {
		case "first_channel":
			return a.grouped("SELECT first_channel, " + agg + " FROM aj GROUP BY 1 UNION ALL SELECT 'all', " + agg + " FROM aj")
		case "all", "":
			return a.grouped("SELECT 'all', " + agg + " FROM aj")
		}
	}
	a.t.Fatalf("no definition of measure %q over %+v", measure, sc)
	return nil
}

func (a *auditor) grouped(q string) map[string]float64 {
	a.t.Helper()
	rows, err := a.db.Query(q)
	if err != nil {
		a.t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	out := map[string]float64{}
	for rows.Next() {
		var k sql.NullString
		var v sql.NullFloat64
		if err := rows.Scan(&k, &v); err != nil {
			a.t.Fatal(err)
		}
		if v.Valid {
			out[k.String] = v.Float64
		}
	}
	if err := rows.Err(); err != nil {
		a.t.Fatal(err)
	}
	return out
}

func (a *auditor) pseudonym(id string) string {
	m := hmac.New(sha256.New, []byte(auditKey))
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil))[:10]
}

// audit checks every printed number of the model.
func (a *auditor) audit() {
	t := a.t
	h := a.m.Tiles
	a.sentences("headline", h.Finding, h.Note, h.Figures)
	for _, tile := range h.Tiles {
		if tile.Text != "" {
			a.sentences("tile "+tile.Key, tile.Text, tile.Detail, tile.Figures)
			continue
		}
		for _, v := range []struct {
			what string
			p    *float64
			sc   reports.Scope
		}{
			{"value", tile.Value, a.tileScope(h.Week)},
			{"previous week", tile.Prev, a.tileScope(h.PrevWeek)},
			{"whole period", tile.Whole, reports.Scope{Dim: "all", Period: "settled"}},
		} {
			if v.p == nil {
				continue
			}
			a.printed("tile "+tile.Key+" "+v.what, pctText(*v.p), tile.Measure, "", v.sc)
		}
	}
	var all []reports.Section
	all = append(all, a.m.Main...)
	all = append(all, a.m.Journeys...)
	all = append(all, a.m.Reference...)
	for _, s := range all {
		if s.Status != "ok" {
			continue // a section without data says why; it prints no figure
		}
		a.sentences(s.ID, s.Finding, s.Note, s.Figures)
		for _, f := range s.Figures {
			if f.Measure == "shown_members" || f.Measure == "flows_shown" {
				a.checked[f.Measure]++
				if s.Data == nil || f.Text != strconv.Itoa(len(s.Data.Rows)) {
					t.Errorf("%s: says %s are shown; the chart's data has %d rows", s.ID, f.Text, len(s.Data.Rows))
				}
			}
		}
		for _, st := range s.Stats {
			if st.Figure == nil {
				if regexp.MustCompile(`\d`).MatchString(st.Value) {
					t.Errorf("%s: stat %q = %q prints a number without a figure", s.ID, st.Label, st.Value)
				}
				continue
			}
			if !strings.Contains(st.Value, st.Figure.Text) {
				t.Errorf("%s: stat %q = %q does not print its figure %q", s.ID, st.Label, st.Value, st.Figure.Text)
			}
			a.figure(s.ID+" stat "+st.Label, *st.Figure)
		}
		for _, tb := range []*reports.Table{s.Data, s.Table} {
			if tb != nil {
				a.table(s.ID, tb)
			}
		}
		if s.Grid != nil {
			a.grid(s.ID, s.Grid)
		}
	}
	a.auditFilters()
	a.auditDrill()
	var ms []string
	for m, n := range a.checked {
		ms = append(ms, fmt.Sprintf("%s %d", m, n))
	}
	sort.Strings(ms)
	t.Logf("figures recomputed: %s", strings.Join(ms, ", "))
	if len(a.checked) < 10 {
		t.Errorf("only %d kinds of figure were checked", len(a.checked))
	}
}

// tileScope is the scope of a tile's weekly figure; while no week is
// settled the tiles are the whole period so far.
func (a *auditor) tileScope(week string) reports.Scope {
	if week == "" {
		return reports.Scope{Dim: "all", Period: "all"}
	}
	return reports.Scope{Dim: "all", Period: "week:" + week}
}

// sentences checks that the numbers of a finding and its note are exactly
// the recorded figures, in order, and recomputes each.
func (a *auditor) sentences(where, finding, note string, figs []reports.Figure) {
	t := a.t
	got := reports.SentenceNumbers(finding + "\n" + note)
	var want []string
	for _, f := range figs {
		want = append(want, f.Text)
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: the sentences print %q but record the figures %q:\n%s\n%s", where, got, want, finding, note)
		return
	}
	for i, f := range figs {
		a.figure(fmt.Sprintf("%s figure %d (%s)", where, i+1, f.Text), f)
	}
}

// figure recomputes one recorded figure.
func (a *auditor) figure(where string, f reports.Figure) {
	t := a.t
	sc := f.Scope
	a.checked[f.Measure+" (sentence)"]++
	switch f.Measure {
	case "week_start":
		w := strings.TrimPrefix(sc.Period, "week:")
		if d, err := time.Parse(time.DateOnly, w); err != nil || d.Format("2 Jan 2006") != f.Text || d.Weekday() != time.Monday {
			t.Errorf("%s: %q is not the Monday %s", where, f.Text, w)
		}
		var n int64
		a.scan(&n, "SELECT count(*) FROM af WHERE a_week = CAST(? AS DATE)", w)
		if n == 0 {
			t.Errorf("%s: no contact in the week of %s", where, w)
		}
		return
	case "repeat_window_days":
		a.want(where, f.Text, a.window, true)
		return
	case "settled_through":
		var d string
		a.scan(&d, fmt.Sprintf("SELECT strftime(timezone(%s, max(started_at) - to_seconds(%v)), '%%-d %%b %%Y %%H:%%M') FROM contact_facts",
			duck.Quote(a.cfg.Lake.BusinessTimezone), a.window*86400))
		if d != f.Text {
			t.Errorf("%s: printed %q, the last settled start is %q", where, f.Text, d)
		}
		return
	case "weeks":
		var n float64
		a.scan(&n, "SELECT count(DISTINCT a_week) FROM af")
		a.want(where, f.Text, n, true)
		return
	case "kpi_rate_change", "customer_rate_change", "gap_rate_change":
		base := strings.TrimSuffix(f.Measure, "_change")
		cur, ok1 := a.value(base, f.Arg, sc)
		prev, ok2 := a.value(base, f.Arg, *f.Compare)
		a.want(where, f.Text, cur-prev, ok1 && ok2)
		return
	case "window_days":
		if !slices.Contains([]string{"1 day", "3 days", "7 days", "30 days"}, f.Text) {
			t.Errorf("%s: %q is no rung of the FCR ladder", where, f.Text)
		}
		return
	case "amber_band":
		a.want(where, f.Text, a.band(), true)
		return
	case "kpis_green", "kpis_measured":
		green, measured := a.kpiCounts(sc)
		a.want(where, f.Text, map[string]float64{"kpis_green": green, "kpis_measured": measured}[f.Measure], true)
		return
	case "gap_cost_annualised":
		v, ok := a.value("gap_cost", "", sc)
		weeks, _ := strconv.ParseFloat(f.Arg, 64)
		a.want(where, f.Text, v*52/weeks, ok)
		return
	case "gap_cost_share":
		v, ok1 := a.value("gap_cost", "", sc)
		all, ok2 := a.value("gap_cost", "", reports.Scope{Dim: "all", Period: sc.Period})
		a.want(where, f.Text, v/all, ok1 && ok2)
		return
	case "ping_pong_pair":
		parts := strings.Split(sc.Member, "\x00")
		var n float64
		a.scan(&n, `SELECT count(*) FROM af WHERE a_ping_pong AND least(coalesce(department, '(none)'), a_prev_department) = ?
			AND greatest(coalesce(department, '(none)'), a_prev_department) = ?`, parts[0], parts[1])
		a.want(where, f.Text, n, true)
		return
	case "quadrant_members":
		a.want(where, f.Text, a.quadrantMembers(sc), true)
		return
	case "shown_members", "flows_shown":
		return // checked against the table they describe (table)
	case "first_contact_day", "last_contact_day":
		fn := map[string]string{"first_contact_day": "min", "last_contact_day": "max"}[f.Measure]
		var d string
		a.scan(&d, fmt.Sprintf("SELECT strftime(timezone(%s, %s(started_at)), '%%-d %%b %%Y') FROM contact_facts",
			duck.Quote(a.cfg.Lake.BusinessTimezone), fn))
		if d != f.Text {
			t.Errorf("%s: printed %q, the data say %q", where, f.Text, d)
		}
		return
	case "spearman_rho", "rho_members":
		rho, n, ok := a.spearman(sc.Dim, f.Arg)
		if f.Measure == "rho_members" {
			a.want(where, f.Text, float64(n), true)
		} else {
			a.want(where, f.Text, rho, ok)
		}
		return
	case "flow_journeys", "flow_loop_journeys":
		from, to, _ := strings.Cut(sc.Member, "→")
		j, l, _ := a.flow(from, to)
		a.want(where, f.Text, map[string]float64{"flow_journeys": j, "flow_loop_journeys": l}[f.Measure], true)
		return
	case "catalog_metrics":
		cat, err := Job{Config: a.cfg}.BuildOptions()
		if err != nil {
			t.Fatal(err)
		}
		a.want(where, f.Text, float64(len(cat.Catalog.Metrics())), true)
		return
	case "targets":
		cat, err := Job{Config: a.cfg}.BuildOptions()
		if err != nil {
			t.Fatal(err)
		}
		a.want(where, f.Text, float64(len(cat.Catalog.Targets())), true)
		return
	case "batches", "files", "files_refused", "rows_read", "rows_loaded", "rows_rejected":
		a.want(where, f.Text, a.manifest(f.Measure, "", ""), true)
		return
	case "rejected_rows":
		a.want(where, f.Text, a.rejects(sc), true)
		return
	case "marts_present", "marts_read":
		return // checked with the run table
	case "outcomes", "outcomes_unattached":
		a.want(where, f.Text, a.outcomes(f.Measure), true)
		return
	}
	if sc.Dim == "journey" || sc.Dim == "worst" {
		a.want(where, f.Text, a.journeyFigure(f.Measure, sc), true)
		return
	}
	v, ok := a.value(f.Measure, f.Arg, sc)
	a.want(where, f.Text, v, ok)
}

// printed checks a value printed as text against the measure's recomputed
// value.
func (a *auditor) printed(where, text, measure, arg string, sc reports.Scope) {
	v, ok := a.value(measure, arg, sc)
	a.want(where, text, v, ok)
}

// want compares a printed text with the recomputed value, to the printed
// precision.
func (a *auditor) want(where, text string, v float64, ok bool) {
	a.t.Helper()
	if !ok {
		a.t.Errorf("%s: printed %q, but it is not defined there (no contacts to measure)", where, text)
		return
	}
	lo, hi, err := parsePrinted(text)
	if err != nil {
		a.t.Errorf("%s: %v", where, err)
		return
	}
	const eps = 1e-9
	if lo == hi && v != math.Trunc(v) {
		lo, hi = lo-0.5, hi+0.5 // a whole number printed for a fraction: rounded
	}
	if v < lo-eps || v > hi+eps {
		a.t.Errorf("%s: printed %q, the definition gives %v", where, text, v)
	}
}

var (
	pctRE     = regexp.MustCompile(`^(\d+(?:\.\d)?)%$`)
	ptsRE     = regexp.MustCompile(`^([+−])(\d+\.\d) pts$`)
	durRE     = regexp.MustCompile(`^(?:(\d+) h)? ?(?:(\d+) min)? ?(?:(\d+) s)?$`)
	daysRE    = regexp.MustCompile(`^(\d+(?:\.\d)?) days?$`)
	countRE   = regexp.MustCompile(`^\d{1,3}(?:,\d{3})*$|^\d+$`)
	rhoRE     = regexp.MustCompile(`^(−?)(\d\.\d\d)$`)
	moneyRE   = regexp.MustCompile(`^(−?)(?:[$€£])?(\d{1,3}(?:,\d{3})*(?:\.\d\d)?)(?: [A-Z]{3})?$`)
	decimalRE = regexp.MustCompile(`^[−-]?\d+\.\d+$`)
)

// parsePrinted turns a printed figure into the interval of values that
// print so.
func parsePrinted(s string) (lo, hi float64, err error) {
	num := func(x string) float64 { f, _ := strconv.ParseFloat(strings.ReplaceAll(x, ",", ""), 64); return f }
	half := func(x string) float64 { // half a unit of the last printed digit
		if i := strings.IndexByte(x, '.'); i >= 0 {
			return 0.5 * math.Pow(10, -float64(len(x)-i-1))
		}
		return 0.5
	}
	switch {
	case s == "no change":
		return -0.0005, 0.0005, nil
	case s == "under a day" || s == "the same day":
		return 0, 1 - 1e-12, nil
	case pctRE.MatchString(s):
		x := pctRE.FindStringSubmatch(s)[1]
		p := num(x)
		if !strings.Contains(x, ".") && p < 10 && p != 0 {
			return p / 100, p / 100, nil // below 10% a fraction prints a decimal
		}
		return (p - half(x)) / 100, (p + half(x)) / 100, nil
	case ptsRE.MatchString(s):
		m := ptsRE.FindStringSubmatch(s)
		p := num(m[2]) / 100
		if m[1] == "−" {
			p = -p
		}
		return p - 0.0005, p + 0.0005, nil
	case daysRE.MatchString(s):
		x := daysRE.FindStringSubmatch(s)[1]
		d := num(x)
		switch {
		case strings.Contains(x, "."):
			return d - 0.05, d + 0.05, nil
		case d >= 10:
			return d - 0.5, d + 0.5, nil
		}
		return d, d, nil // below 10 days a fraction prints a decimal
	case rhoRE.MatchString(s):
		m := rhoRE.FindStringSubmatch(s)
		r := num(m[2])
		if m[1] == "−" {
			r = -r
		}
		return r - 0.005, r + 0.005, nil
	case countRE.MatchString(s):
		n := num(s)
		return n, n, nil
	case moneyRE.MatchString(s):
		m := moneyRE.FindStringSubmatch(s)
		x := m[2]
		v := num(x)
		if m[1] == "−" {
			v = -v
		}
		return v - half(x), v + half(x), nil
	case decimalRE.MatchString(s):
		x := strings.TrimPrefix(strings.ReplaceAll(s, "−", "-"), "-")
		v := num(x)
		if strings.HasPrefix(s, "−") || strings.HasPrefix(s, "-") {
			v = -v
		}
		return v - half(x), v + half(x), nil
	case s != "" && durRE.MatchString(s):
		m := durRE.FindStringSubmatch(s)
		sec := num(m[1])*3600 + num(m[2])*60 + num(m[3])
		if m[3] == "" { // whole minutes
			return sec - 30, sec + 30, nil
		}
		return sec - 0.5, sec + 0.5, nil
	}
	return 0, 0, fmt.Errorf("%q is not a figure this audit can read", s)
}

func pctText(v float64) string {
	// the page's tiles print rates as the report's pct does
	p := v * 100
	if math.Abs(p) < 10 && p != math.Trunc(p) {
		return strconv.FormatFloat(p, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(math.Round(p), 'f', 0, 64) + "%"
}

// metric is a catalog entry by name.
func (a *auditor) metric(name string) (metrics.Metric, bool) {
	opts, err := Job{Config: a.cfg}.BuildOptions()
	if err != nil {
		a.t.Fatal(err)
	}
	return opts.Catalog.Metric(name)
}

func (a *auditor) band() float64 {
	cat, err := a.cfg.Catalog()
	if err != nil {
		a.t.Fatal(err)
	}
	return cat.AmberBand()
}

// kpiCounts are how many of the catalog's KPIs a member is measured on (a
// value and a target) and how many of those are green, over its scope.
func (a *auditor) kpiCounts(sc reports.Scope) (green, measured float64) {
	opts, err := Job{Config: a.cfg}.BuildOptions()
	if err != nil {
		a.t.Fatal(err)
	}
	for _, m := range opts.Catalog.KPIs() {
		v, ok1 := a.value("kpi_value", m.Name, sc)
		tg, ok2 := a.value("kpi_target", m.Name, sc)
		if !ok1 || !ok2 {
			continue
		}
		measured++
		if metrics.Status(m.Good, v, tg, opts.Catalog.AmberBand()) == "green" {
			green++
		}
	}
	return green, measured
}

// quadrantMembers counts the members of a dimension, over the settled
// weeks (or a filtered view's period and department or channel), whose
// KPI-met rate is at or above the organisation's (the view's) and whose
// verified-outcome rate is below it.
func (a *auditor) quadrantMembers(sc reports.Scope) float64 {
	all := reports.Scope{Dim: "all", Period: sc.Period, Department: sc.Department, Channel: sc.Channel}
	kx, _ := a.value("kpi_rate", "", all)
	ky, _ := a.value("customer_rate", "", all)
	col := rawCol[sc.Dim]
	var n float64
	where, args := sliceWhere(sc)
	a.scan(&n, fmt.Sprintf(`SELECT count(*) FROM (
		SELECT count(*) FILTER (WHERE a_judged AND a_claimed) / count(*) FILTER (WHERE a_judged) AS kpi,
			count(*) FILTER (WHERE a_judged AND NOT a_failed) / count(*) FILTER (WHERE a_judged) AS cust
		FROM af WHERE %s AND %s AND %s IS NOT NULL GROUP BY %s HAVING count(*) FILTER (WHERE a_judged) > 0)
		WHERE round(kpi, 6) >= round(?, 6) AND round(cust, 6) < round(?, 6)`, period(sc.Period), where, col, col), append(args, kx, ky)...)
	return n
}

// sliceWhere narrows af to a scope's department and channel.
func sliceWhere(sc reports.Scope) (string, []any) {
	where, args := "true", []any{}
	if sc.Department != "" {
		where += " AND d_department = ?"
		args = append(args, sc.Department)
	}
	if sc.Channel != "" {
		where += " AND d_channel = ?"
		args = append(args, sc.Channel)
	}
	return where, args
}

// sliceValue recomputes a contact measure over a scope narrowed to a
// department and/or channel (a filtered view's figure). One query per
// measure, dimension and period answers every department, channel and
// week at once (grouping sets), so a view costs no query of its own.
func (a *auditor) sliceValue(measure, arg string, sc reports.Scope) (float64, bool) {
	a.t.Helper()
	agg, ok := contactMeasures[measure]
	if !ok {
		a.t.Fatalf("measure %s over a filtered scope %+v: no definition", measure, sc)
	}
	dim := sc.Dim
	if dim == "" {
		dim = "all"
	}
	col, ok := dimCol[dim]
	if !ok {
		a.t.Fatalf("measure %s over dimension %q: no definition", measure, dim)
	}
	agg = strings.NewReplacer("{met}", "met_"+arg, "{tz}", duck.Quote(a.cfg.Lake.BusinessTimezone),
		"{dim}", col, "{dimcol}", rawCol[dim], "{arg}", arg, "{kpi}", duck.Ident(arg), "{target}", duck.Ident("target_"+arg)).Replace(agg)
	group := col
	if strings.Contains(measure, "members") {
		group = "'all'"
	}
	week, where := "'-'", period(sc.Period)
	kind := sc.Period
	if strings.HasPrefix(sc.Period, "week:") {
		week, kind, where = "strftime(a_week, '%Y-%m-%d')", "week", "true"
	}
	key := "slice|" + measure + "|" + arg + "|" + dim + "|" + kind
	vals, ok := a.cache[key]
	if !ok {
		// the slice's own columns (the dimension may be the department)
		vals = a.grouped(fmt.Sprintf(`SELECT concat_ws('|', %[1]s, %[2]s, coalesce(s_department, '*'), coalesce(s_channel, '*')), %[3]s
			FROM (SELECT *, d_department AS s_department, d_channel AS s_channel FROM af WHERE %[4]s)
			GROUP BY GROUPING SETS ((%[1]s, %[2]s, s_department, s_channel), (%[1]s, %[2]s, s_department), (%[1]s, %[2]s, s_channel))`,
			group, week, agg, where))
		a.cache[key] = vals
	}
	member := sc.Member
	if member == "" || group == "'all'" {
		member = "all"
	}
	w := "-"
	if kind == "week" {
		w = strings.TrimPrefix(sc.Period, "week:")
	}
	d, c := sc.Department, sc.Channel
	if d == "" {
		d = "*"
	}
	if c == "" {
		c = "*"
	}
	v, ok := vals[member+"|"+w+"|"+d+"|"+c]
	return v, ok
}

// spearman is the rank correlation, across the members of dim with
// contacts in the settled weeks, between how often a member met the KPI
// and how often its customers failed.
func (a *auditor) spearman(dim, kpi string) (float64, int, bool) {
	met := "met_" + kpi
	if kpi == "claimed_success" {
		met = "a_claimed"
	}
	col := rawCol[dim]
	rows, err := a.db.Query(fmt.Sprintf(`SELECT avg(CAST(%s AS DOUBLE)), avg(CAST(a_failed AS DOUBLE)) FILTER (WHERE a_judged)
		FROM af WHERE a_settled AND %s IS NOT NULL GROUP BY %s`, met, col, col))
	if err != nil {
		a.t.Fatal(err)
	}
	defer rows.Close()
	var xs, ys []float64
	for rows.Next() {
		var x, y sql.NullFloat64
		if err := rows.Scan(&x, &y); err != nil {
			a.t.Fatal(err)
		}
		if x.Valid && y.Valid {
			xs, ys = append(xs, x.Float64), append(ys, y.Float64)
		}
	}
	rho, ok := rankCorr(xs, ys)
	return rho, len(xs), ok && len(xs) >= 3
}

// rankCorr is Spearman's rho with tied values given their mean rank.
func rankCorr(x, y []float64) (float64, bool) {
	rank := func(v []float64) []float64 {
		idx := make([]int, len(v))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
		r := make([]float64, len(v))
		for i := 0; i < len(idx); {
			j := i
			for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
				j++
			}
			for k := i; k <= j; k++ {
				r[idx[k]] = float64(i+j)/2 + 1
			}
			i = j + 1
		}
		return r
	}
	if len(x) < 2 {
		return 0, false
	}
	rx, ry := rank(x), rank(y)
	var mx, my float64
	for i := range rx {
		mx += rx[i] / float64(len(rx))
		my += ry[i] / float64(len(ry))
	}
	var sxy, sxx, syy float64
	for i := range rx {
		sxy += (rx[i] - mx) * (ry[i] - my)
		sxx += (rx[i] - mx) * (rx[i] - mx)
		syy += (ry[i] - my) * (ry[i] - my)
	}
	if sxx == 0 || syy == 0 {
		return 0, false
	}
	return sxy / math.Sqrt(sxx*syy), true
}

// flow counts the journeys that move from one step's node to the next
// one's, counted from the contacts: "D·C #k" is the k-th contact's
// department and channel, "outcome·X" the journey's end.
func (a *auditor) flow(from, to string) (journeys, loops, pingPongs float64) {
	key := "flows"
	if _, ok := a.cache[key]; !ok {
		steps := a.cfg.Build.FlowSteps
		a.cache[key] = a.grouped(fmt.Sprintf(`WITH c AS (
				SELECT f.journey_id, f.seq_in_journey AS seq, coalesce(f.department, '(none)') || '·' || f.channel AS node, j.n, j.outcome
				FROM contact_facts f JOIN aj j USING (journey_id)),
			s AS (SELECT *, lag(node) OVER (PARTITION BY journey_id ORDER BY seq) AS prev,
				min(seq) OVER (PARTITION BY journey_id, node) < seq AS seen FROM c),
			e AS (
				SELECT prev || ' #' || (seq - 1) AS from_node, node || ' #' || seq AS to_node, prev <> node AND seen AS back,
					s.journey_id, s.seq
				FROM s WHERE seq BETWEEN 2 AND %[1]d
				UNION ALL
				SELECT node || ' #' || seq, 'outcome·' || outcome, false, NULL, NULL FROM s WHERE seq = least(n, %[1]d)),
			p AS (SELECT e.*, f.a_ping_pong FROM e LEFT JOIN af f ON f.journey_id = e.journey_id AND f.seq_in_journey = e.seq)
			SELECT from_node || '→' || to_node, count(*) FROM p GROUP BY 1
			UNION ALL
			SELECT 'loop:' || from_node || '→' || to_node, count(*) FILTER (WHERE back) FROM p GROUP BY 1
			UNION ALL
			SELECT 'pp:' || from_node || '→' || to_node, count(*) FILTER (WHERE a_ping_pong) FROM p GROUP BY 1`, steps))
	}
	v := a.cache[key]
	return v[from+"→"+to], v["loop:"+from+"→"+to], v["pp:"+from+"→"+to]
}

// journeyFigure recomputes a figure of one journey (dimension journey,
// member the pseudonym of its id) or of the worst journeys shown.
func (a *auditor) journeyFigure(measure string, sc reports.Scope) float64 {
	col := map[string]string{"contacts": "n", "calls": "a_calls", "chats": "a_chats", "visits": "a_visits", "emails": "a_emails",
		"hops": "a_hops", "loops": "a_loops", "customer_seconds": "a_customer_seconds + visits * " +
			strconv.FormatFloat(a.cfg.Build.TravelMinutesPerVisit*60, 'f', -1, 64),
		"claimed_success_contacts": "a_claimed", "days_to_resolution": "CASE WHEN a_resolved_well THEN " + resolutionDays + " END",
		"timeline_contacts": "least(n, 60)", "journeys": "1"}[measure]
	if col == "" {
		a.t.Fatalf("no definition of journey measure %q", measure)
	}
	a.checked[measure]++
	ids := a.worstIDs()
	var sum float64
	for id, p := range ids {
		if sc.Dim == "journey" && p != sc.Member {
			continue
		}
		var v sql.NullFloat64
		a.scan(&v, "SELECT CAST("+col+" AS DOUBLE) FROM aj WHERE journey_id = ?", id)
		sum += v.Float64
	}
	return sum
}

// worstIDs maps the journeys the report shows as cards (found by their
// pseudonyms among the failed journeys) to their pseudonyms.
func (a *auditor) worstIDs() map[string]string {
	if a.worst != nil {
		return a.worst
	}
	shown := map[string]bool{}
	for _, s := range a.m.Journeys {
		if strings.HasPrefix(s.ID, "journey-") && s.Table != nil && s.Table.RowScope != nil {
			shown[s.Table.RowScope.Member] = true
		}
	}
	out := map[string]string{}
	rows, err := a.db.Query("SELECT journey_id FROM journeys WHERE outcome_failed")
	if err != nil {
		a.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			a.t.Fatal(err)
		}
		if p := a.pseudonym(id); shown[p] {
			out[id] = p
		}
	}
	if len(out) != len(shown) {
		a.t.Errorf("the report shows %d journey cards; %d of them are failed journeys of the marts", len(shown), len(out))
	}
	a.worst = out
	return out
}

func (a *auditor) manifest(measure, table, mapping string) float64 {
	batches, err := lake.ReadManifest(a.cfg.Lake.Dir)
	if err != nil {
		a.t.Fatal(err)
	}
	var n float64
	for _, b := range batches {
		if measure == "batches" {
			n++
			continue
		}
		for _, in := range b.Inputs {
			if table != "" && (in.Table != table || in.Mapping != mapping) {
				continue
			}
			switch measure {
			case "files":
				n++
			case "files_refused":
				if in.Error != "" {
					n++
				}
			case "files_skipped":
				if in.Skipped != "" {
					n++
				}
			case "rows_read":
				n += float64(in.RowsRead)
			case "rows_loaded":
				n += float64(in.RowsLoaded)
			case "rows_rejected":
				n += float64(in.RowsRejected)
			}
		}
	}
	return n
}

func (a *auditor) rejects(sc reports.Scope) float64 {
	var n float64
	if sc.Dim == "reason" {
		p := strings.Split(sc.Member, "\x00")
		a.scan(&n, `SELECT count(*) FROM rejects WHERE "table" = ? AND "column" IS NOT DISTINCT FROM nullif(?, '') AND reason = ?`, p[0], p[1], p[2])
		return n
	}
	a.scan(&n, "SELECT count(*) FROM rejects")
	return n
}

func (a *auditor) outcomes(measure string) float64 {
	var all, attached float64
	a.scan(&all, "SELECT count(*) FROM outcomes")
	a.scan(&attached, "SELECT count(DISTINCT (source_system, event_id)) FROM outcome_links")
	if measure == "outcomes" {
		return all
	}
	return all - attached
}

// grid recomputes every cell of a scorecard grid: its figure, the target
// it is judged against and its status by the definition (metrics.Status).
func (a *auditor) grid(section string, g *reports.Grid) {
	t := a.t
	for _, r := range g.Rows {
		if len(r.Cells) != len(g.Columns) {
			t.Errorf("%s row %s: %d cells under %d columns", section, r.Label, len(r.Cells), len(g.Columns))
		}
		for ci, c := range r.Cells {
			where := fmt.Sprintf("%s grid %s / %s", section, r.Label, g.Columns[ci].Label)
			if c.Figure == nil {
				if c.Text != "" {
					t.Errorf("%s: prints %q without a figure", where, c.Text)
				}
				continue
			}
			if c.Text != c.Figure.Text {
				t.Errorf("%s: prints %q, its figure is %q", where, c.Text, c.Figure.Text)
			}
			a.figure(where, *c.Figure)
			if c.Target == nil {
				if c.Status != "" {
					t.Errorf("%s: status %s without a target", where, c.Status)
				}
				continue
			}
			a.figure(where+" target", *c.Target)
			if !strings.Contains(c.Title, c.Target.Text) {
				t.Errorf("%s: title %q does not print the target %q", where, c.Title, c.Target.Text)
			}
			v, ok1 := a.value("kpi_value", c.Figure.Arg, c.Figure.Scope)
			tg, ok2 := a.value("kpi_target", c.Figure.Arg, c.Figure.Scope)
			m, _ := a.metric(c.Figure.Arg)
			a.checked["kpi_status (grid)"]++
			if want := metrics.Status(m.Good, v, tg, a.band()); !ok1 || !ok2 || c.Status != want {
				t.Errorf("%s: status %s, the definition gives %s (value %v, target %v)", where, c.Status, want, v, tg)
			}
		}
	}
}

// table recomputes every figure cell of a table from its row scope.
func (a *auditor) table(section string, tb *reports.Table) {
	t := a.t
	hasMeasure := false
	for _, c := range tb.Columns {
		hasMeasure = hasMeasure || c.Measure != ""
	}
	if tb.RowScope == nil {
		for _, c := range tb.Columns {
			if c.Format != "text" && c.Format != "bool" && c.Format != "date" && c.Format != "time" {
				t.Errorf("%s: table column %s (%s) prints figures but the table has no row scope", section, c.Key, c.Format)
			}
		}
		if section == "run" {
			a.runTable(tb)
		}
		return
	}
	if !hasMeasure {
		t.Errorf("%s: a table with a row scope but no figure column", section)
	}
	ix := map[string]int{}
	for i, c := range tb.Columns {
		ix[c.Key] = i
	}
	cell := func(r []any, key string) string {
		if key == "" {
			return ""
		}
		if s, ok := r[ix[key]].(string); ok {
			return s
		}
		return fmt.Sprint(r[ix[key]])
	}
	rs := tb.RowScope
	for ri, r := range tb.Rows {
		sc := reports.Scope{Dim: rs.Dim, Member: rs.Member, Period: rs.Period, Department: rs.Department, Channel: rs.Channel}
		if rs.DimCol != "" {
			sc.Dim = cell(r, rs.DimCol)
		}
		if rs.MemberCol != "" {
			sc.Member = cell(r, rs.MemberCol)
		}
		if rs.WeekCol != "" {
			sc.Period = "week:" + cell(r, rs.WeekCol)[:10]
		}
		for ci, c := range tb.Columns {
			if c.Measure == "" || r[ci] == nil {
				continue
			}
			where := fmt.Sprintf("%s row %d (%s %s %s) %s", section, ri+1, sc.Dim, sc.Member, sc.Period, c.Key)
			arg := c.Arg
			if rs.ArgCol != "" && arg == "" {
				arg = cell(r, rs.ArgCol)
			}
			a.cellFigure(where, c, arg, sc, r, ix, tb)
		}
	}
	if section == "flows" || section == "resolution" {
		// the sentences' "N shown" are these rows
		return
	}
}

// cellFigure recomputes one table cell.
func (a *auditor) cellFigure(where string, c reports.Column, arg string, sc reports.Scope, r []any, ix map[string]int, tb *reports.Table) {
	t := a.t
	a.checked[c.Measure+" (table)"]++
	raw := r[ix[c.Key]]
	num, isNum := raw.(float64)
	if i, ok := raw.(int64); ok {
		num, isNum = float64(i), true
	}
	text := ""
	switch c.Format {
	case "pct":
		text = pctText(num)
	case "int":
		text = strconv.FormatFloat(num, 'f', 0, 64)
	case "dur":
		text = durText(num)
	case "days":
		text = daysText(num)
	case "num":
		text = strings.Replace(strconv.FormatFloat(num, 'f', 2, 64), "-", "−", 1)
	case "time":
		s, _ := raw.(string)
		ts, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Errorf("%s: %q is not a time", where, s)
			return
		}
		v, ok := a.value(c.Measure, arg, sc)
		if !ok || ts.Unix()/60 != int64(math.Floor(v))/60 { // printed to the minute
			t.Errorf("%s: printed %s, the data say %v", where, ts, time.Unix(int64(v), 0).UTC())
		}
		return
	}
	if c.Measure == "kpi_status" {
		v, ok1 := a.value("kpi_value", arg, sc)
		tg, ok2 := a.value("kpi_target", arg, sc)
		m, _ := a.metric(arg)
		want := metrics.Status(m.Good, v, tg, a.band())
		if !ok1 || !ok2 || raw != want {
			t.Errorf("%s: status %v, the definition gives %s (value %v, target %v)", where, raw, want, v, tg)
		}
		return
	}
	if !isNum && c.Format != "time" {
		t.Errorf("%s: %v is not a number", where, raw)
		return
	}
	switch sc.Dim {
	case "target":
		a.targetRow(where, r, ix, num)
		return
	case "input":
		a.want(where, text, a.manifest(c.Measure, r[ix["table"]].(string), r[ix["mapping"]].(string)), true)
		return
	case "rejects":
		col, _ := r[ix["column"]].(string)
		a.want(where, text, a.rejects(reports.Scope{Dim: "reason",
			Member: r[ix["table"]].(string) + "\x00" + col + "\x00" + r[ix["reason"]].(string)}), true)
		return
	case "flow":
		j, l, pp := a.flow(r[ix["from_node"]].(string), r[ix["to_node"]].(string))
		a.want(where, text, map[string]float64{"flow_journeys": j, "flow_loop_journeys": l, "flow_ping_pong_journeys": pp}[c.Measure], true)
		return
	case "journey_contact":
		a.contactCell(where, c, sc.Member, arg, num)
		return
	case "agent", "team":
		if c.Measure == "spearman_rho" || c.Measure == "rho_members" {
			rho, n, ok := a.spearman(sc.Dim, arg)
			if c.Measure == "rho_members" {
				a.want(where, text, float64(n), true)
			} else {
				a.want(where, text, rho, ok)
			}
			return
		}
	}
	v, ok := a.value(c.Measure, arg, sc)
	a.want(where, text, v, ok)
	_ = tb
}

func durText(sec float64) string {
	s := int64(math.Round(sec))
	switch {
	case s < 60:
		return fmt.Sprintf("%d s", s)
	case s < 600:
		if s%60 == 0 {
			return fmt.Sprintf("%d min", s/60)
		}
		return fmt.Sprintf("%d min %d s", s/60, s%60)
	case s < 3600:
		m := int64(math.Round(float64(s) / 60))
		if m == 60 {
			return "1 h"
		}
		return fmt.Sprintf("%d min", m)
	}
	m := int64(math.Round(float64(s) / 60))
	if m%60 == 0 {
		return fmt.Sprintf("%d h", m/60)
	}
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}

func daysText(d float64) string {
	switch {
	case d < 1:
		return "under a day"
	case d < 10 && d != math.Trunc(d):
		return strconv.FormatFloat(d, 'f', 1, 64) + " days"
	}
	return strconv.FormatFloat(math.Round(d), 'f', 0, 64) + " days"
}

// contactCell checks a timeline row against the journey's contact.
func (a *auditor) contactCell(where string, c reports.Column, journey, seq string, v float64) {
	var id string
	for jid, p := range a.worstIDs() {
		if p == journey {
			id = jid
		}
	}
	col := map[string]string{"contact_wait_seconds": "wait_seconds", "contact_handle_seconds": "handle_seconds"}[c.Measure]
	if col == "" {
		a.t.Fatalf("%s: no definition of %q", where, c.Measure)
	}
	a.checked[c.Measure]++
	var want sql.NullFloat64
	a.scan(&want, "SELECT "+col+" FROM contact_facts WHERE journey_id = ? AND seq_in_journey = CAST(? AS INTEGER)", id, seq)
	if math.Abs(want.Float64-v) > 1e-6 {
		a.t.Errorf("%s: %v, the contact has %v", where, v, want.Float64)
	}
}

// targetRow checks a target in force against the configuration and the
// printed text against the value.
func (a *auditor) targetRow(where string, r []any, ix map[string]int, v float64) {
	a.checked["target_value"]++
	opts, err := Job{Config: a.cfg}.BuildOptions()
	if err != nil {
		a.t.Fatal(err)
	}
	name := r[ix["name"]].(string)
	level, member, _ := strings.Cut(r[ix["scope"]].(string), " ")
	found := false
	for _, tg := range opts.Catalog.Targets() {
		if tg.Metric == name && string(tg.Level) == level && tg.Member == member {
			found = true
			if tg.Value != v {
				a.t.Errorf("%s: %v, the configuration says %v", where, v, tg.Value)
			}
		}
	}
	if !found {
		a.t.Errorf("%s: %s %s %s is no target in force", where, name, level, member)
	}
	text := r[ix["target"]].(string)
	_, shown, _ := strings.Cut(text, " ")
	m, _ := opts.Catalog.Metric(name)
	switch {
	case m.Unit == "seconds":
		a.want(where+" printed target", shown, v, true)
	case m.Unit == "ratio":
		a.want(where+" printed target", shown, v, true)
	default:
		if !strings.HasPrefix(shown, strconv.FormatFloat(v, 'f', -1, 64)+" ") && shown != strconv.FormatFloat(v, 'f', -1, 64) {
			a.t.Errorf("%s: printed %q for %v", where, text, v)
		}
	}
	if op := strings.Fields(text)[0]; (m.Good == "higher") != (op == "≥") {
		a.t.Errorf("%s: %q has the wrong direction for %s", where, text, name)
	}
}

// runTable checks the "About this run" mart row counts.
func (a *auditor) runTable(tb *reports.Table) {
	for _, r := range tb.Rows {
		item, _ := r[0].(string)
		mart, ok := strings.CutPrefix(item, "Mart ")
		if !ok {
			continue
		}
		val, _ := r[1].(string)
		if val == "missing" {
			continue
		}
		a.checked["mart_rows"]++
		var n int64
		a.scan(&n, "SELECT count(*) FROM "+duck.Ident(mart))
		if want := strconv.FormatInt(n, 10); strings.ReplaceAll(strings.Fields(val)[0], ",", "") != want {
			a.t.Errorf("run: mart %s: printed %q, it has %d rows", mart, val, n)
		}
	}
}

// auditFilters recomputes the counts the filtered views are drawn from and
// every number of every view: its tiles, its sentences and the rows of its
// charts, each over the view's department, channel and period.
func (a *auditor) auditFilters() {
	t := a.t
	F := a.m.Filters
	if F == nil {
		if a.m.Tiles.Week != "" {
			t.Error("the report has a settled week but no filters")
		}
		return
	}
	index := func(names []string) map[string]int64 {
		ix := map[string]int64{}
		for i, n := range names {
			ix[n] = int64(i)
		}
		return ix
	}
	di, ci, wi := index(F.Departments), index(F.Channels), index(F.Weeks)
	at := func(ix map[string]int64, k string, other int64) int64 {
		if i, ok := ix[k]; ok {
			return i
		}
		return other
	}
	// the cells: contacts of a department, channel, week and settledness,
	// counted from the glossary's definitions
	want := map[[4]int64][7]int64{}
	rows, err := a.db.Query(`SELECT d_department, d_channel, strftime(a_week, '%Y-%m-%d'), a_settled, count(*),
			count(*) FILTER (WHERE a_judged), count(*) FILTER (WHERE a_judged AND a_claimed),
			count(*) FILTER (WHERE a_judged AND a_failed), count(*) FILTER (WHERE a_judged AND a_claimed AND a_failed),
			count(*) FILTER (WHERE person_id IS NOT NULL), count(*) FILTER (WHERE person_id IS NOT NULL AND seq_in_journey > 1)
		FROM af GROUP BY ALL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var d, c, w string
		var settled bool
		var n [7]int64
		if err := rows.Scan(&d, &c, &w, &settled, &n[0], &n[1], &n[2], &n[3], &n[4], &n[5], &n[6]); err != nil {
			t.Fatal(err)
		}
		k := [4]int64{at(di, d, int64(len(F.Departments))), at(ci, c, int64(len(F.Channels))), at(wi, w, -1), 0}
		if settled {
			k[3] = 1
		}
		v := want[k]
		for i := range v {
			v[i] += n[i]
		}
		want[k] = v
	}
	rows.Close()
	got := map[[4]int64][7]int64{}
	for _, c := range F.Cells {
		got[[4]int64(c[:4])] = [7]int64(c[4:])
	}
	a.checked["filter_cells"] += len(F.Cells)
	sameCells(t, "filter cell", got, want)
	// the quadrant members' settled contacts by department, channel and band
	members := map[string]int64{}
	for i, m := range F.Members {
		members[m.Level+"\x00"+m.Name] = int64(i)
	}
	wantM := map[[4]int64][5]int64{}
	for _, level := range []string{"agent", "team"} {
		rows, err := a.db.Query(fmt.Sprintf(`SELECT %s, d_department, d_channel,
				CASE WHEN a_week >= CAST(? AS DATE) THEN 2 WHEN a_week >= CAST(? AS DATE) THEN 1 ELSE 0 END, count(*),
				count(*) FILTER (WHERE a_judged), count(*) FILTER (WHERE a_judged AND a_claimed),
				count(*) FILTER (WHERE a_judged AND a_failed), count(*) FILTER (WHERE a_judged AND a_claimed AND a_failed)
			FROM af WHERE a_settled AND %s IS NOT NULL GROUP BY ALL`, rawCol[level], rawCol[level]), F.Periods[0].From, F.Periods[1].From)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var m, d, c string
			var band int64
			var n [5]int64
			if err := rows.Scan(&m, &d, &c, &band, &n[0], &n[1], &n[2], &n[3], &n[4]); err != nil {
				t.Fatal(err)
			}
			mi, ok := members[level+"\x00"+m]
			if !ok {
				continue // not drawn
			}
			k := [4]int64{mi, at(di, d, int64(len(F.Departments))), at(ci, c, int64(len(F.Channels))), band}
			v := wantM[k]
			for i := range v {
				v[i] += n[i]
			}
			wantM[k] = v
		}
		rows.Close()
	}
	gotM := map[[4]int64][5]int64{}
	for _, c := range F.MemberCells {
		gotM[[4]int64(c[:4])] = [5]int64(c[4:])
	}
	a.checked["filter_member_cells"] += len(F.MemberCells)
	sameCells(t, "quadrant member cell", gotM, wantM)
	// every view: the tiles, the sentences, the rows of the charts
	measures := []string{"kpi_rate", "customer_rate", "gap_rate"}
	for key, v := range F.Views {
		where := "filtered view " + key
		for i, tile := range v.Tiles {
			for j, p := range []*float64{tile.Value, tile.Prev, tile.Whole} {
				if p != nil {
					a.printed(fmt.Sprintf("%s tile %s %d", where, measures[i], j), pctText(*p), measures[i], "", v.TileScopes[j])
				}
			}
		}
		for _, part := range []struct{ id, text string }{{"headline", v.Headline}, {"trend", v.Trend}, {"quadrant", v.Quadrant}, {"heatmap", v.Heatmap}} {
			a.sentences(where+" "+part.id, part.text, "", v.Figures[part.id])
		}
		for id, tb := range map[string]*reports.Table{"trend": v.TrendRows, "quadrant": v.QuadrantRows, "heatmap": v.HeatmapRows} {
			if tb != nil {
				a.table(where+" "+id, tb)
			}
		}
		a.checked["filtered_views"]++
	}
}

// auditDrill recomputes every drill-down list: the journeys behind its
// element, counted from the glossary's words, and that each embedded
// journey is one of them, with its contacts, gap contacts and customer.
func (a *auditor) auditDrill() {
	t := a.t
	d := a.m.Drill
	if d == nil {
		return
	}
	ids := map[string]string{}     // pseudonym → journey id
	persons := map[string]string{} // journey id → person's pseudonym
	rows, err := a.db.Query("SELECT journey_id, person_id FROM journeys")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var j, p string
		if err := rows.Scan(&j, &p); err != nil {
			t.Fatal(err)
		}
		ids[a.pseudonym(j)] = j
		persons[j] = a.pseudonym(p)
	}
	rows.Close()
	// the journeys behind every member of a dimension at once, by measure
	// and period: member → journey → its contacts behind the member
	cache := map[string]map[string]map[string]int64{}
	behind := func(l *reports.DrillList) map[string]int64 {
		sc := l.Scope
		var cond string
		switch l.Measure {
		case "gap_journeys":
			// a contact the scorecard counted a success whose customer failed
			cond = "a_judged AND a_claimed AND a_failed"
		case "unverified_resolution_journeys":
			// claimed resolved, and not verified resolved by what followed
			cond = "a_judged AND a_claimed_resolution AND NOT (NOT followed_by_repeat AND a_verified)"
		case "flow_journeys":
			from, to, _ := strings.Cut(sc.Member, "→")
			return a.flowJourneys(from, to)
		default:
			t.Fatalf("drill list %s: no definition of %s", l.Title, l.Measure)
		}
		ck := l.Measure + "|" + sc.Dim + "|" + sc.Period
		if _, ok := cache[ck]; !ok {
			q := fmt.Sprintf("SELECT %s, journey_id, count(*) FROM af WHERE %s AND %s AND journey_id IS NOT NULL GROUP BY ALL",
				dimCol[sc.Dim], cond, period(sc.Period))
			rows, err := a.db.Query(q)
			if err != nil {
				t.Fatalf("%v\n%s", err, q)
			}
			by := map[string]map[string]int64{}
			for rows.Next() {
				var m, j string
				var n int64
				if err := rows.Scan(&m, &j, &n); err != nil {
					t.Fatal(err)
				}
				if by[m] == nil {
					by[m] = map[string]int64{}
				}
				by[m][j] = n
			}
			rows.Close()
			cache[ck] = by
		}
		return cache[ck][sc.Member]
	}
	for key, l := range d.Lists {
		js := behind(l)
		a.checked["drill_"+l.Measure]++
		if l.Total != int64(len(js)) {
			t.Errorf("drill list %s (%s): %d journeys behind it, the definition gives %d", key, l.Title, l.Total, len(js))
		}
		if len(l.Rows) != min(d.Top, len(js)) {
			t.Errorf("drill list %s: %d journeys embedded of %d, at most %d", key, len(l.Rows), len(js), d.Top)
		}
		if sc := l.Scope; strings.HasPrefix(sc.Period, "week:") {
			if w, _ := time.Parse(time.DateOnly, strings.TrimPrefix(sc.Period, "week:")); !strings.Contains(l.Title, w.Format("2 Jan 2006")) {
				t.Errorf("drill list %s: title %q does not name the week %s", key, l.Title, sc.Period)
			}
		}
		for _, r := range l.Rows {
			j := d.Journeys[r.J]
			id := ids[j.ID]
			n, ok := js[id]
			if !ok {
				t.Errorf("drill list %s: journey %s is not behind %s", key, j.ID, l.Title)
				continue
			}
			if l.In != "" && r.N != n {
				t.Errorf("drill list %s: journey %s has %d contacts behind it, the definition gives %d", key, j.ID, r.N, n)
			}
		}
	}
	// the embedded journeys, counted again from their contacts
	var list []string
	for _, j := range d.Journeys {
		list = append(list, ids[j.ID])
	}
	type facts struct{ contacts, gap int64 }
	byID := map[string]facts{}
	rows, err = a.db.Query(`SELECT journey_id, count(*), count(*) FILTER (WHERE a_judged AND a_claimed AND a_failed)
		FROM af WHERE journey_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY 1`, list)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		var f facts
		if err := rows.Scan(&id, &f.contacts, &f.gap); err != nil {
			t.Fatal(err)
		}
		byID[id] = f
	}
	rows.Close()
	for i, j := range d.Journeys {
		id := ids[j.ID]
		f := byID[id]
		a.checked["drill_journey"]++
		if id == "" || j.Contacts != f.contacts || j.Gap != f.gap || j.Customer != persons[id] || len(j.Timeline) != int(min(f.contacts, int64(d.TimelineMax))) {
			t.Errorf("drill journey %d (%s): %d contacts, %d gap, customer %s, %d on the timeline; the data say %d, %d, %s",
				i, j.ID, j.Contacts, j.Gap, j.Customer, len(j.Timeline), f.contacts, f.gap, persons[id])
		}
	}
}

// flowJourneys are the journeys that make a move of the Sankey (as flow
// counts them), each with one; every move's are read at once.
func (a *auditor) flowJourneys(from, to string) map[string]int64 {
	if a.moves == nil {
		a.moves = map[string]map[string]int64{}
		steps := a.cfg.Build.FlowSteps
		rows, err := a.db.Query(fmt.Sprintf(`WITH c AS (
				SELECT f.journey_id, f.seq_in_journey AS seq, coalesce(f.department, '(none)') || '·' || f.channel AS node, j.n, j.outcome
				FROM contact_facts f JOIN aj j USING (journey_id)),
			s AS (SELECT *, lag(node) OVER (PARTITION BY journey_id ORDER BY seq) AS prev FROM c)
			SELECT prev || ' #' || (seq - 1), node || ' #' || seq, journey_id FROM s WHERE seq BETWEEN 2 AND %[1]d
			UNION ALL
			SELECT node || ' #' || seq, 'outcome·' || outcome, journey_id FROM s WHERE seq = least(n, %[1]d)`, steps))
		if err != nil {
			a.t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var f, t, j string
			if err := rows.Scan(&f, &t, &j); err != nil {
				a.t.Fatal(err)
			}
			k := f + "→" + t
			if a.moves[k] == nil {
				a.moves[k] = map[string]int64{}
			}
			a.moves[k][j] = 1
		}
	}
	return a.moves[from+"→"+to]
}

// sameCells compares the counts a report embeds (got) with the ones the
// contacts give (want), cell by cell and in number.
func sameCells[K, V comparable](t *testing.T, what string, got, want map[K]V) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s %v: %v embedded, the contacts give %v", what, k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d %ss embedded, the contacts make %d", len(got), what, len(want))
	}
}
