package reports

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mcnamara/mcnamara/sql/duck"
)

// BenchmarkReport renders the report from marts of growing size. The
// report aggregates in SQL and pulls only aggregates and five journeys into
// Go, so its time should grow far slower than the contact count.
// MCNAMARA_BENCH_CONTACTS=10000000 adds a size (e.g. the 10M target).
func BenchmarkReport(b *testing.B) {
	sizes := []int{100_000, 1_000_000}
	if v := os.Getenv("MCNAMARA_BENCH_CONTACTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("MCNAMARA_BENCH_CONTACTS=%q: %v", v, err)
		}
		sizes = append(sizes, n)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("contacts=%d", n), func(b *testing.B) {
			f := benchFixture(b, n)
			ctx := context.Background()
			o := testOptions()
			b.ReportAllocs()
			for b.Loop() {
				if err := Render(ctx, io.Discard, f.db, f.meta, o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchFixture writes marts of n contacts (journeys of one to four
// contacts, 500 agents, 12 departments, 13 weeks) with SQL, so that large
// sizes are quick to make.
func benchFixture(b *testing.B, n int) fixture {
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
			h %% 3 < 2 AS met_handle_time_seconds, h %% 4 < 3 AS met_wait_seconds
		FROM c WHERE seq <= jn LIMIT %d`, total, total, n))
	mustExec(b, db, `CREATE TABLE stage.journeys AS
		SELECT journey_id, any_value(person_id) AS person_id, min(started_at) AS first_contact_at, max(started_at) AS last_contact_at,
			count(*) AS contacts, count(*) FILTER (WHERE channel = 'phone') AS calls, count(*) FILTER (WHERE channel = 'chat') AS chats,
			count(*) FILTER (WHERE channel = 'store') AS visits, count(*) FILTER (WHERE channel = 'email') AS emails,
			count(*) - 1 AS hops, 0 AS loops, epoch(max(started_at) - min(started_at)) / 86400.0 AS days_to_resolution,
			sum(wait_seconds + handle_seconds) / 3600 AS customer_hours, bool_and(NOT outcome_failed OR seq_in_journey < 4) AS verified_resolved,
			false AS reopened, false AS complaint, false AS dispute, false AS churn, bool_or(outcome_failed) AS outcome_failed, false AS window_open
		FROM stage.contact_facts GROUP BY journey_id`)
	mustExec(b, db, `CREATE TABLE stage.targets AS SELECT DISTINCT department, 600.0 AS target FROM stage.contact_facts`)
	mustExec(b, db, `CREATE TABLE stage.gap AS `+gapSQL("stage.contact_facts", "stage.targets", 7))
	mustExec(b, db, `CREATE TABLE stage.journey_flows AS
		SELECT from_node, to_node, count(*) AS journeys, 0 AS loop_journeys FROM (
			SELECT department || ' #' || seq_in_journey AS from_node,
				lead(department || ' #' || seq_in_journey) OVER (PARTITION BY journey_id ORDER BY seq_in_journey) AS to_node
			FROM stage.contact_facts) WHERE to_node IS NOT NULL GROUP BY ALL`)
	mustExec(b, db, `CREATE TABLE stage.kpi_outcome_correlation AS `+
		corrSQL("stage.contact_facts", []string{"met_handle_time_seconds", "met_wait_seconds"}))
	writeMarts(b, db, dir, []string{"metric_targets", "coverage", "rejects"})
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
