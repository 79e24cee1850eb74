package reports

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mcnamara/mcnamara/sql/duck"
)

// BenchmarkReport renders the report from marts of growing size. The
// report aggregates in SQL and pulls only aggregates, the drill-down lists'
// journeys (at most DrillTop per chart element) and five worst journeys
// into Go, so its time and size should grow far slower than the contact
// count. Besides the time of the whole render it reports the time to build
// the model (model_s), the page's bytes (report_bytes), of which the
// drill-down data (drill_bytes) and the filters' counts and views
// (filter_bytes) as embedded, and the drill-down's lists, journeys and
// bytes a journey. MCNAMARA_BENCH_CONTACTS=10000000 adds a size (the 10M
// target); MCNAMARA_BENCH_DRILL_TOP sets DrillTop; MCNAMARA_BENCH_LOG=1
// logs each section's, the drill-down's and the filters' time.
func BenchmarkReport(b *testing.B) {
	sizes := []int{100_000, 1_000_000}
	if v := os.Getenv("MCNAMARA_BENCH_CONTACTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("MCNAMARA_BENCH_CONTACTS=%q: %v", v, err)
		}
		sizes = append(sizes, n)
	}
	o := testOptions()
	if os.Getenv("MCNAMARA_BENCH_LOG") != "" {
		// each section's, the drill-down's and the filters' time
		o.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if v := os.Getenv("MCNAMARA_BENCH_DRILL_TOP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("MCNAMARA_BENCH_DRILL_TOP=%q: %v", v, err)
		}
		o.DrillTop = n
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("contacts=%d", n), func(b *testing.B) {
			f := benchFixture(b, n)
			ctx := context.Background()
			b.ReportAllocs()
			var model time.Duration
			var page int
			var m *Model
			for b.Loop() {
				start := time.Now()
				var err error
				if m, err = BuildModel(ctx, f.db, f.meta, o); err != nil {
					b.Fatal(err)
				}
				model += time.Since(start)
				var w countWriter
				if err := writePage(&w, m, false); err != nil {
					b.Fatal(err)
				}
				page = int(w)
			}
			b.ReportMetric(model.Seconds()/float64(b.N), "model_s")
			b.ReportMetric(float64(page), "report_bytes")
			if m.Drill != nil {
				js, _ := modelJSON(&Model{Drill: m.Drill}, false)
				b.ReportMetric(float64(len(js)), "drill_bytes")
				b.ReportMetric(float64(len(m.Drill.Journeys)), "drill_journeys")
				b.ReportMetric(float64(len(m.Drill.Lists)), "drill_lists")
				if len(m.Drill.Journeys) > 0 {
					b.ReportMetric(float64(len(js))/float64(len(m.Drill.Journeys)), "drill_bytes/journey")
				}
			}
			if m.Filters != nil {
				js, _ := modelJSON(&Model{Filters: m.Filters}, false)
				b.ReportMetric(float64(len(js)), "filter_bytes")
			}
		})
	}
}

// countWriter counts the bytes written to it.
type countWriter int

func (w *countWriter) Write(p []byte) (int, error) {
	*w += countWriter(len(p))
	return len(p), nil
}

// benchFixture writes marts of n contacts (journeys of one to four
// contacts, 500 agents, 12 departments, 13 weeks) with SQL, so that large
// sizes are quick to make.
func benchFixture(b testing.TB, n int) fixture {
	b.Helper()
	start := time.Now()
	ctx := context.Background()
	dir := b.TempDir()
	db, err := duck.Open(ctx, duck.Options{TempDir: filepath.Join(dir, "tmp")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	mustExec(b, db, `CREATE SCHEMA stage`)
	// Journeys keep 1–4 of their 4 slots (2.5 on average): make enough.
	total := n*8/5 + 8
	mustExec(b, db, fmt.Sprintf(`CREATE TABLE stage.contact_facts AS
		WITH c AS (
			SELECT i, hash(i) AS h, i // 4 AS j, 1 + (hash(i // 4) %% 4)::INT AS jn, (i %% 4)::INT + 1 AS seq
			FROM range(%d) t(i))
		SELECT 'c' || i AS contact_id, 'src' || (h %% 3) AS source_system, 'k' || (j // 2) AS customer_key,
			NULL::VARCHAR AS case_id, ['phone', 'chat', 'email', 'store'][1 + (h %% 4)::INT] AS channel,
			'Department ' || (h // 7 %% 12) AS department, 'agent' || (h // 11 %% 500) AS agent_id,
			'team' || (h // 11 %% 500 %% 25) AS team, 'topic ' || (h // 13 %% 20) AS topic,
			TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(j * (91 * 86400 // (%d // 4 + 1)) + seq * 3600 * 20) AS started_at,
			(h // 17 %% 300)::DOUBLE AS wait_seconds, (60 + h // 19 %% 900)::DOUBLE AS handle_seconds,
			NULL::VARCHAR AS transferred_to, CASE WHEN h %% 5 < 3 THEN 'resolved' ELSE 'unresolved' END AS disposition,
			h %% 2 = 0 AS sla_met, NULL::DOUBLE AS csat, 'p' || (j // 2) AS person_id, 'j' || j AS journey_id,
			seq AS seq_in_journey, seq > 1 AS is_repeat, seq < jn AS followed_by_repeat, false AS window_open,
			h %% 5 < 3 AND h %% 3 < 2 AS claimed_success, seq < jn OR h %% 7 = 0 AS outcome_failed,
			h %% 5 < 3 AND h %% 3 < 2 AND (seq < jn OR h %% 7 = 0) AS gap,
			h %% 3 < 2 AS met_handle_time_seconds, h %% 4 < 3 AS met_wait_seconds,
			h %% 5 < 3 AS claimed_resolution, NOT (seq < jn OR h %% 7 = 0) AS verified_resolution,
			CAST(TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(j * (91 * 86400 // (%d // 4 + 1)) + seq * 3600 * 20) AS DATE) AS business_date
		FROM c WHERE seq <= jn LIMIT %d`, total, total, total, n))
	mustExec(b, db, `CREATE TABLE stage.journeys AS
		SELECT journey_id, any_value(person_id) AS person_id, min(started_at) AS first_contact_at, max(started_at) AS last_contact_at,
			count(*) AS contacts, count(*) FILTER (WHERE channel = 'phone') AS calls, count(*) FILTER (WHERE channel = 'chat') AS chats,
			count(*) FILTER (WHERE channel = 'store') AS visits, count(*) FILTER (WHERE channel = 'email') AS emails,
			count(*) - 1 AS hops, 0 AS loops, epoch(max(started_at) - min(started_at)) / 86400.0 AS days_to_resolution,
			sum(wait_seconds + handle_seconds) / 3600 AS customer_hours, bool_and(NOT outcome_failed OR seq_in_journey < 4) AS verified_resolved,
			false AS reopened, false AS complaint, false AS dispute, false AS churn, bool_or(outcome_failed) AS outcome_failed, false AS window_open,
			CASE WHEN bool_or(outcome_failed) THEN 'failed' ELSE 'resolved' END AS outcome,
			count(*) FILTER (WHERE claimed_success) AS claimed_success_contacts
		FROM stage.contact_facts GROUP BY journey_id`)
	mustExec(b, db, `CREATE TABLE stage.targets AS SELECT DISTINCT department, 600.0 AS target FROM stage.contact_facts`)
	mustExec(b, db, `CREATE TABLE stage.gap AS `+gapSQL("stage.contact_facts", "stage.targets", 7))
	// nodes as the real mart names them (department·channel #step), each
	// journey ending in its outcome
	mustExec(b, db, `CREATE TABLE stage.journey_flows AS
		SELECT from_node, to_node, count(*) AS journeys, 0 AS loop_journeys, 0 AS ping_pong_journeys FROM (
			SELECT department || '·' || channel || ' #' || seq_in_journey AS from_node,
				coalesce(lead(department || '·' || channel || ' #' || seq_in_journey) OVER (PARTITION BY journey_id ORDER BY seq_in_journey),
					'outcome·' || j.outcome) AS to_node
			FROM stage.contact_facts JOIN (SELECT journey_id, outcome FROM stage.journeys) j USING (journey_id)) GROUP BY ALL`)
	mustExec(b, db, `CREATE TABLE stage.kpi_outcome_correlation AS `+
		corrSQL("stage.contact_facts", []string{"met_handle_time_seconds", "met_wait_seconds"}))
	mustExec(b, db, `CREATE TABLE stage.coverage AS SELECT
		(SELECT count(*) FROM stage.contact_facts) AS contacts, 0 AS anonymous_contacts, 0 AS open_contacts,
		(SELECT count(DISTINCT person_id) FROM stage.contact_facts) AS persons, (SELECT count(*) FROM stage.journeys) AS journeys,
		0 AS open_journeys, (SELECT max(started_at) FROM stage.contact_facts) AS data_end, 7 AS repeat_window_days`)
	writeMarts(b, db, dir, []string{"metric_targets", "rejects", "fcr_ladder", "cost", "gaming_signals"})
	mustExec(b, db, `DROP SCHEMA stage CASCADE`)
	var size int64
	entries, _ := os.ReadDir(filepath.Join(dir, "marts"))
	var names []string
	for _, e := range entries {
		if fi, err := e.Info(); err == nil {
			size += fi.Size()
			names = append(names, e.Name())
		}
	}
	b.Logf("fixture: %d contacts, marts %s (%d MB) made in %s", n, strings.Join(names, ", "), size>>20, time.Since(start).Round(time.Millisecond))
	return fixture{db: db, dir: dir, meta: Meta{RepeatWindowDays: 7, GeneratedAt: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)}}
}

// TestBenchFixture builds the benchmark's marts at a small size and the
// report from them, so that the benchmark's data cannot rot unseen: every
// section, the drill-down and the filters must come out.
func TestBenchFixture(t *testing.T) {
	f := benchFixture(t, 5000)
	m, err := BuildModel(context.Background(), f.db, f.meta, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range allSections(m) {
		if s.Status == statusError {
			t.Errorf("section %s: %s", s.ID, s.Note)
		}
	}
	if m.Drill == nil || len(m.Drill.Journeys) == 0 || m.Filters == nil || len(m.Filters.Views) == 0 {
		t.Fatal("the benchmark's report has no drill-down or no filters")
	}
	for _, prefix := range []string{"quadrant-", "heatmap-", "resolution-", "flows-"} {
		n := int64(0)
		for k, l := range m.Drill.Lists {
			if strings.HasPrefix(k, prefix) {
				n += l.Total
			}
		}
		if n == 0 {
			t.Errorf("no journey behind any %s element", strings.TrimSuffix(prefix, "-"))
		}
	}
}
