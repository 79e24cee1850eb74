package build_test

import (
	"bufio"
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcnamara/mcnamara/internal/benchrec"
	"github.com/mcnamara/mcnamara/pipeline/build"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// BenchmarkBuild builds the marts from synthetic inputs of N contacts
// (N/10 outcomes, N/5 surveys, identities for half the keys), generated
// with DuckDB range() into Parquet like the lake's. Sizes come from
// MCNAMARA_BENCH_CONTACTS (comma-separated, default 100000,1000000); the
// inputs are cached under $TMPDIR/mcnamara-bench so a second run measures
// the build alone. peak_rss_MiB is the process's high-water mark.
// MCNAMARA_BENCH_LAKE=dir keeps the marts in dir/N; MCNAMARA_BENCH_LOG=1
// logs each model's time. Each model's time (<model>_s) and each monthly
// mart's write (<mart>_write_s) are reported too, so that benchstat
// compares the steps of two versions, not only their sum (this VM's noise
// hides a step's change in the total).
//
//	MCNAMARA_BENCH_CONTACTS=10000000 go test -tags duckdb_arrow -run '^$' -bench Build -benchtime 1x ./pipeline/build
func BenchmarkBuild(b *testing.B) {
	sizes := []int{100_000, 1_000_000}
	if env := os.Getenv("MCNAMARA_BENCH_CONTACTS"); env != "" {
		sizes = nil
		for _, s := range strings.Split(env, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 1000 {
				b.Fatalf("MCNAMARA_BENCH_CONTACTS: %q is not a size (>= 1000)", s)
			}
			sizes = append(sizes, n)
		}
	}
	// MCNAMARA_BENCH_MEMORY is DuckDB's memory_limit (default 3GB);
	// MCNAMARA_BENCH_INTERMEDIATES (e.g. "memory,file") runs each size once
	// per [lake] intermediates mode, as stages build_<mode> and
	// build_duckdb_<mode> (default: auto, stages build and build_duckdb).
	memory := cmp.Or(os.Getenv("MCNAMARA_BENCH_MEMORY"), "3GB")
	modes := []string{""}
	if env := os.Getenv("MCNAMARA_BENCH_INTERMEDIATES"); env != "" {
		modes = strings.Split(env, ",")
	}
	// One spill directory for every size.
	spill := b.TempDir()
	for _, n := range sizes {
		for _, mode := range modes {
			name, suffix := fmt.Sprintf("contacts=%d", n), ""
			if mode != "" {
				name, suffix = name+"/intermediates="+mode, "_"+mode
			}
			benchBuild(b, name, suffix, n, memory, mode, spill)
		}
	}
}

func benchBuild(b *testing.B, name, suffix string, n int, memory, mode, spill string) {
	b.Run(name, func(b *testing.B) {
		// peak_rss_MiB of this size and mode alone: reset the process's
		// high-water mark (Linux: clear_refs 5)
		_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
		ctx := context.Background()
		db, err := duck.Open(ctx, duck.Options{Threads: 2, MemoryLimit: memory, TempDir: spill})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		dir := filepath.Join(os.TempDir(), "mcnamara-bench", strconv.Itoa(n))
		if err := synthesize(ctx, db, dir, n); err != nil {
			b.Fatal(err)
		}
		o := build.DefaultOptions()
		o.MemoryLimit, o.Threads = memory, 2
		o.Intermediates, o.Contacts, o.TempDir = mode, int64(n), spill
		// MCNAMARA_BENCH_BYMONTH: "month" or "whole", how contact_facts is
		// written (default: as the build decides, Options.WriteMonthly).
		switch env := os.Getenv("MCNAMARA_BENCH_BYMONTH"); env {
		case "month":
			o.ByMonth = build.WriteByMonth
		case "whole":
			o.ByMonth = build.WriteWhole
		case "":
		default:
			b.Fatalf("MCNAMARA_BENCH_BYMONTH: %q, want month or whole", env)
		}
		// the months DuckDB alone writes one by one, as the build finds them
		mrows, err := db.QueryContext(ctx, "SELECT DISTINCT strftime(started_at, '%Y-%m') AS m FROM contacts ORDER BY m")
		if err != nil {
			b.Fatal(err)
		}
		for mrows.Next() {
			var m string
			if err := mrows.Scan(&m); err != nil {
				b.Fatal(err)
			}
			o.ScriptMonths = append(o.ScriptMonths, m)
		}
		mrows.Close()
		b.Logf("contact_facts written month by month: %v", o.WriteMonthly())
		b.Logf("memory_limit %s, intermediates %q: on disk %v", memory, mode, o.IntermediatesOnDisk())
		steps := &stepTimes{total: map[string]time.Duration{}}
		if os.Getenv("MCNAMARA_BENCH_LOG") != "" {
			steps.next = slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
		}
		o.Logger = slog.New(steps)
		lakeDir := b.TempDir()
		if keep := os.Getenv("MCNAMARA_BENCH_LAKE"); keep != "" {
			// keep the marts, e.g. to compare two versions of the models
			lakeDir = filepath.Join(keep, strconv.Itoa(n))
		}
		// The same models and mart writes run by DuckDB alone (the
		// script of `build --print-sql --with-writes`), side by side:
		// odd iterations run it first, so neither always finds the
		// other's warm caches.
		direct := filepath.Join(b.TempDir(), "direct")
		script, err := build.WriteScript(o, direct)
		if err != nil {
			b.Fatal(err)
		}
		var buildTime, duckTime, syncTime time.Duration
		// the most the spill directory held (DuckDB's temp files and
		// the intermediates' database file), bytes allocated on disk
		var buildSpill, duckSpill int64
		defer build.TimeSyncs(&syncTime)()
		var martBytes int64
		i := 0
		for b.Loop() {
			runBuild := func() {
				stop := benchrec.WatchPeak(spill, 250*time.Millisecond)
				t0 := time.Now()
				if _, err := build.Build(ctx, db, lakeDir, o); err != nil {
					b.Fatal(err)
				}
				buildTime += time.Since(t0)
				buildSpill = max(buildSpill, stop())
			}
			runDuck := func() {
				stop := benchrec.WatchPeak(spill, 250*time.Millisecond)
				t0 := time.Now()
				runScript(b, db, script, direct)
				duckTime += time.Since(t0)
				duckSpill = max(duckSpill, stop())
				if err := os.Remove(build.ScriptScratchFile(o)); err != nil && !os.IsNotExist(err) {
					b.Fatal(err)
				}
			}
			if i%2 == 0 {
				runBuild()
				runDuck()
			} else {
				runDuck()
				runBuild()
			}
			i++
			if martBytes, err = benchrec.DirBytes(filepath.Join(lakeDir, "marts")); err != nil {
				b.Fatal(err)
			}
		}
		per := func(d time.Duration) float64 { return d.Seconds() / float64(b.N) }
		b.ReportMetric(float64(n)*float64(b.N)/buildTime.Seconds(), "contacts/s")
		b.ReportMetric(per(buildTime), "build_s")
		b.ReportMetric(per(duckTime), "duckdb_s")
		b.ReportMetric(buildTime.Seconds()/duckTime.Seconds(), "ratio_vs_duckdb")
		stepMetrics := steps.report(b)
		hwm := peakRSS()
		if hwm > 0 {
			b.ReportMetric(float64(hwm)/(1<<20), "peak_rss_MiB")
		}
		ratio := buildTime.Seconds() / duckTime.Seconds()
		stepMetrics["ratio_vs_duckdb"] = ratio
		// fsync of the marts' files and directories (the build's
		// crash safety; DuckDB alone does not sync)
		stepMetrics["fsync_s"] = per(syncTime)
		b.ReportMetric(per(syncTime), "fsync_s")
		b.ReportMetric(float64(buildSpill)/(1<<20), "spill_peak_MiB")
		stepMetrics["spill_peak_MiB"] = float64(buildSpill) / (1 << 20)
		onDisk := 0.0
		if o.IntermediatesOnDisk() {
			onDisk = 1
		}
		stepMetrics["intermediates_on_disk"] = onDisk
		record(b, benchrec.Result{Stage: "build" + suffix, Size: int64(n), Unit: "contacts", WallSeconds: per(buildTime),
			PeakRSSBytes: hwm, Bytes: martBytes, Metrics: stepMetrics})
		record(b, benchrec.Result{Stage: "build_duckdb" + suffix, Size: int64(n), Unit: "contacts", WallSeconds: per(duckTime),
			Metrics: map[string]float64{"build_over_duckdb": ratio, "spill_peak_MiB": float64(duckSpill) / (1 << 20)}})
	})
}

// synthesize writes contacts, outcomes, surveys and identities of n
// contacts as Parquet into dir (once) and creates the input views over them.
func synthesize(ctx context.Context, db *sql.DB, dir string, n int) error {
	persons := max(n/3, 1)
	gen := map[string]string{
		"contacts": fmt.Sprintf(`
SELECT
    'c' || i AS contact_id,
    CASE WHEN i %% 3 = 0 THEN 'chatsys' ELSE 'acd' END AS source_system,
    CASE WHEN i %% 20 = 0 THEN NULL ELSE 'k' || (hash(i) %% %[2]d) END AS customer_key,
    CASE WHEN i %% 5 = 0 THEN 'K' || (hash(i) %% %[2]d) END AS case_id,
    ['phone','phone','phone','chat','chat','email','store','branch','web','ivr'][1 + i %% 10] AS channel,
    ['Billing','Support','Retail','Claims','Sales','Tech','Loans','Cards'][CAST(1 + hash(i * 3) %% 8 AS BIGINT)] AS department,
    'a' || (hash(i * 5) %% 1000) AS agent_id,
    't' || (hash(i * 5) %% 1000 // 20) AS team,
    'topic' || (hash(i * 11) %% 20) AS topic,
    TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(CAST(hash(i * 7) %% (365 * 86400) AS BIGINT)) AS started_at,
    CAST(hash(i * 13) %% 180 AS DOUBLE) AS wait_seconds,
    CAST(30 + hash(i * 17) %% 900 AS DOUBLE) AS handle_seconds,
    CASE WHEN i %% 10 < 6 THEN CAST(hash(i * 53) %% 30 AS DOUBLE) END AS hold_seconds,
    CASE WHEN i %% 17 = 0 THEN 'Support' END AS transferred_to,
    CASE WHEN i %% 50 = 0 THEN NULL
         ELSE ['resolved','resolved','resolved','resolved','unresolved','transferred','escalated','abandoned','callback','other'][CAST(1 + hash(i * 19) %% 10 AS BIGINT)] END AS disposition,
    CASE WHEN i %% 50 = 0 THEN hash(i) %% 2 = 0 END AS sla_met,
    CASE WHEN i %% 9 = 0 THEN CAST(1 + hash(i * 23) %% 5 AS DOUBLE) END AS csat,
    CASE WHEN i %% 8 = 0 THEN CAST(hash(i * 47) %% 3 AS INTEGER) END AS reassignments,
    'bench' AS _batch_id, 'synthetic' AS _source_file, i AS _source_line
FROM range(%[1]d) t(i)`, n, persons),
		"outcomes": fmt.Sprintf(`
SELECT
    'e' || i AS event_id, 'crm' AS source_system,
    'k' || (hash(i * 29) %% %[2]d) AS customer_key,
    CASE WHEN i %% 4 = 0 THEN 'K' || (hash(i * 31) %% %[2]d) END AS case_id,
    TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(CAST(hash(i * 37) %% (400 * 86400) AS BIGINT)) AS occurred_at,
    ['resolved','reopened','complaint','dispute','churn','refund','cancelled'][CAST(1 + hash(i * 41) %% 7 AS BIGINT)] AS kind,
    CAST(NULL AS DOUBLE) AS amount, CAST(NULL AS VARCHAR) AS note,
    'bench' AS _batch_id, 'synthetic' AS _source_file, i AS _source_line
FROM range(%[1]d) t(i)`, max(n/10, 1), persons),
		"surveys": fmt.Sprintf(`
SELECT 'c' || (i * 5) AS contact_id, CASE WHEN (i * 5) %% 3 = 0 THEN 'chatsys' ELSE 'acd' END AS source_system,
       TIMESTAMPTZ '2024-06-01 00:00:00+00' AS answered_at,
       CAST(1 + hash(i * 43) %% 5 AS DOUBLE) AS csat, CAST(hash(i) %% 11 AS INTEGER) AS nps,
       'bench' AS _batch_id, 'synthetic' AS _source_file, i AS _source_line
FROM range(%[1]d) t(i)`, max(n/5, 1)),
		"identities": fmt.Sprintf(`
SELECT s.source_system, 'k' || i AS customer_key, 'P' || i AS person_id,
       'bench' AS _batch_id, 'synthetic' AS _source_file, i AS _source_line
FROM range(%[1]d) t(i), (VALUES ('acd'), ('chatsys'), ('crm')) s(source_system)
WHERE i %% 2 = 0`, persons),
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// The lake's contacts are read day by day (date partitions): the
	// synthetic ones are stored in time order too, so that the models see
	// them as the build of a real lake does (zone maps of contact_base by
	// date: the month-by-month write). The file's name says so: caches
	// of the unordered version are not reused.
	gen["contacts"] = "SELECT * FROM (" + gen["contacts"] + ") ORDER BY started_at"
	files := map[string]string{"contacts": "contacts.by-time.parquet"}
	for table, q := range gen {
		p := filepath.Join(dir, cmp.Or(files[table], table+".parquet"))
		if _, err := os.Stat(p); err != nil {
			tmp := p + ".tmp"
			if _, err := db.ExecContext(ctx, fmt.Sprintf("COPY (%s) TO %s (FORMAT parquet)", q, duck.Quote(tmp))); err != nil {
				return fmt.Errorf("synthesize %s: %w", table, err)
			}
			if err := os.Rename(tmp, p); err != nil {
				return err
			}
		}
		if _, err := db.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE VIEW %s AS SELECT * FROM read_parquet(%s)", table, duck.Quote(p))); err != nil {
			return err
		}
	}
	return nil
}

// stepTimes is a slog handler that sums the build's debug records of a
// model or a mart done, by step, and passes every record on to next (if
// any).
type stepTimes struct {
	mu    sync.Mutex
	total map[string]time.Duration
	next  slog.Handler
}

func (h *stepTimes) Enabled(context.Context, slog.Level) bool { return true }

func (h *stepTimes) Handle(ctx context.Context, r slog.Record) error {
	var step string
	var elapsed time.Duration
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "model":
			step = strings.TrimSuffix(a.Value.String(), ".sql")
		case "mart":
			step = a.Value.String() + "_write"
		case "elapsed":
			elapsed = a.Value.Duration()
		}
		return true
	})
	if step != "" && (r.Message == "model done" || r.Message == "mart written") {
		h.mu.Lock()
		h.total[step] += elapsed
		h.mu.Unlock()
	}
	if h.next != nil && h.next.Enabled(ctx, r.Level) {
		return h.next.Handle(ctx, r)
	}
	return nil
}

// The build logs with neither attributes nor groups of its own.
func (h *stepTimes) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *stepTimes) WithGroup(string) slog.Handler      { return h }

// report reports every model's time and the monthly marts' writes, per
// build, and returns them.
func (h *stepTimes) report(b *testing.B) map[string]float64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]float64{}
	monthly := map[string]bool{}
	for _, m := range build.Marts {
		monthly[m.Name+"_write"] = m.Month != ""
	}
	for step, d := range h.total {
		if _, isMart := monthly[step]; isMart && !monthly[step] {
			continue
		}
		b.ReportMetric(d.Seconds()/float64(b.N), step+"_s")
		out[step+"_s"] = d.Seconds() / float64(b.N)
	}
	return out
}

// runScript runs the steps on a connection of their own (temp tables and
// variables live on it), into a fresh directory dir, as DuckDB alone would.
func runScript(b *testing.B, db *sql.DB, steps []build.Step, dir string) {
	b.Helper()
	ctx := context.Background()
	if err := os.RemoveAll(dir); err != nil {
		b.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		conn.Close()
	}()
	for _, s := range steps {
		if _, err := conn.ExecContext(ctx, s.SQL); err != nil {
			b.Fatalf("duckdb alone: %s: %v", s.Name, err)
		}
	}
}

// record appends a result to the run's JSON file (make bench).
func record(b *testing.B, r benchrec.Result) {
	b.Helper()
	if err := benchrec.Append(r); err != nil {
		b.Fatal(err)
	}
}

// peakRSS returns the process's peak resident set size in bytes (Linux).
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// TestBenchInputsBuild builds the benchmark's synthetic inputs at a small
// size, so that a contract change (a new column) breaks this test instead
// of leaving BenchmarkBuild broken until the next time someone runs it.
func TestBenchInputsBuild(t *testing.T) {
	ctx := context.Background()
	db, err := duck.Open(ctx, duck.Options{Threads: 2, MemoryLimit: "1GB", TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := synthesize(ctx, db, t.TempDir(), 3000); err != nil {
		t.Fatal(err)
	}
	// with the models' tables as temp tables and in a database file, and
	// contact_facts written month by month
	for _, mode := range []string{build.IntermediatesMemory, build.IntermediatesFile} {
		t.Run(mode, func(t *testing.T) { benchInputsBuild(t, ctx, db, mode, build.WriteWhole) })
	}
	t.Run("by-month", func(t *testing.T) { benchInputsBuild(t, ctx, db, build.IntermediatesFile, build.WriteByMonth) })
}

func benchInputsBuild(t *testing.T, ctx context.Context, db *sql.DB, mode string, by int) {
	o := build.DefaultOptions()
	o.MemoryLimit, o.Threads = "1GB", 2
	o.Intermediates, o.TempDir, o.ByMonth = mode, t.TempDir(), by
	if by == build.WriteByMonth {
		o.ScriptMonths = colStrings(t, rows(t, db, "SELECT DISTINCT strftime(started_at, '%Y-%m') AS m FROM contacts ORDER BY m")[1:])
		if len(o.ScriptMonths) < 2 {
			t.Fatalf("the synthesized contacts span months %v", o.ScriptMonths)
		}
	}
	res, err := build.Build(ctx, db, t.TempDir(), o)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range res.Marts {
		if m.Name == "contact_facts" && m.Rows != 3000 {
			t.Errorf("contact_facts has %d rows, want the 3000 synthesized contacts", m.Rows)
		}
	}
	if len(res.Marts) == 0 {
		t.Error("the build wrote no marts")
	}

	// The script of `build --print-sql --with-writes`, run by DuckDB alone,
	// writes the same marts: the benchmark's comparison is of the same work.
	direct := filepath.Join(t.TempDir(), "direct")
	script, err := build.WriteScript(o, direct)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(direct, 0o755)
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// discarded, as runScript does: its temp views must not reach the
	// next build through the pool
	defer func() {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		conn.Close()
	}()
	for _, s := range script {
		if _, err := conn.ExecContext(ctx, s.SQL); err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
	}
	for _, m := range res.Marts {
		built, alone := filepath.Join(m.Path, "*.parquet"), filepath.Join(direct, m.Name+".parts", "*", "*.parquet")
		if m.Name == "contact_facts" && by == build.WriteByMonth {
			alone = filepath.Join(direct, m.Name+".month.*.parquet")
		}
		if !strings.HasSuffix(m.Path, ".parquet") {
			built = filepath.Join(m.Path, "[0-9n]*.parquet") // the months, not the schema file
		} else {
			built, alone = m.Path, filepath.Join(direct, m.Name+".parquet")
		}
		var diff int64
		q := fmt.Sprintf(`SELECT count(*) FROM (
			    (SELECT * FROM read_parquet(%[1]s, hive_partitioning = false) EXCEPT ALL SELECT * FROM read_parquet(%[2]s, hive_partitioning = false))
			    UNION ALL
			    (SELECT * FROM read_parquet(%[2]s, hive_partitioning = false) EXCEPT ALL SELECT * FROM read_parquet(%[1]s, hive_partitioning = false)))`,
			duck.Quote(built), duck.Quote(alone))
		if err := conn.QueryRowContext(ctx, q).Scan(&diff); err != nil {
			t.Fatalf("compare %s: %v", m.Name, err)
		}
		if diff != 0 {
			t.Errorf("mart %s: %d rows differ between the build and its script run by DuckDB alone", m.Name, diff)
		}
	}
	if _, err := os.Stat(build.ScriptScratchFile(o)); (err == nil) != (mode == build.IntermediatesFile) {
		t.Errorf("%s: the script's intermediates file: %v", mode, err)
	}
}
