package build_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/mcnamara/mcnamara/internal/benchrec"
	"github.com/mcnamara/mcnamara/pipeline/build"
	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/pipeline/synth"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// BenchmarkIncremental: a lake holds 365 days of the generator's daily
// exports, built; the 366th day arrives as one batch. Measured on copies of
// that lake: Update (incremental: the persons the day touches) against a
// full Build of the same lake. Reported: seconds of each and their ratio
// (target < 0.15). The history size comes from MCNAMARA_BENCH_HISTORY
// (contacts over the 366 days, default 1000000); the generated files and
// the built 365-day lake are cached under $TMPDIR/mcnamara-bench-incr-<start>-N.
//
//	MCNAMARA_BENCH_HISTORY=1000000 go test -tags duckdb_arrow -run '^$' -bench Incremental -benchtime 1x ./pipeline/build
func BenchmarkIncremental(b *testing.B) {
	n := int64(1_000_000)
	if env := os.Getenv("MCNAMARA_BENCH_HISTORY"); env != "" {
		v, err := strconv.ParseInt(env, 10, 64)
		if err != nil || v < 10_000 {
			b.Fatalf("MCNAMARA_BENCH_HISTORY: %q is not a size (>= 10000)", env)
		}
		n = v
	}
	ctx := context.Background()
	const days = 366
	cache := filepath.Join(os.TempDir(), fmt.Sprintf("mcnamara-bench-incr-%s-%d", feedStart.Format("20060102"), n))
	history := filepath.Join(cache, "lake")
	o := build.DefaultOptions()
	o.TimeZone = synth.BusinessZone
	o.MemoryLimit, o.Threads = "3GB", 2
	if os.Getenv("MCNAMARA_BENCH_LOG") != "" {
		o.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	db, err := duck.Open(ctx, duck.Options{Threads: 2, MemoryLimit: "3GB", TempDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()

	// The 365-day lake, built once.
	if _, err := os.Stat(filepath.Join(cache, "done")); err != nil {
		os.RemoveAll(cache)
		if err := os.MkdirAll(history, 0o755); err != nil {
			b.Fatal(err)
		}
		ingest := dailyFeed(b, db, history, filepath.Join(cache, "gen"), n, days)
		ingest(1, days-1)
		o.Batches = batchIDs(b, history)
		if _, err := build.Build(ctx, db, history, o); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(cache, "done"), nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}

	// Marts of older models or settings: rebuild them once (Update does).
	if err := lake.AttachInputs(ctx, db, history); err != nil {
		b.Fatal(err)
	}
	o.Batches = batchIDs(b, history)
	if _, err := build.Update(ctx, db, history, o); err != nil {
		b.Fatal(err)
	}

	var incr, full time.Duration
	var persons, added int64
	for b.Loop() {
		b.StopTimer()
		work := filepath.Join(b.TempDir(), "lake")
		// Hard links: ingest and build only add files and rename over them.
		if out, err := exec.Command("cp", "-al", history, work).CombinedOutput(); err != nil {
			b.Fatalf("copy lake: %v: %s", err, out)
		}
		ingest := dailyFeed(b, db, work, filepath.Join(cache, "gen"), n, days)
		before := countContacts(b, db)
		ingest(days, days)
		// a day the ingest refused (say, as lying in the future) would
		// measure nothing
		if added = countContacts(b, db) - before; added == 0 {
			b.Fatal("the new day added no contacts to the lake")
		}
		o.Batches = batchIDs(b, work)
		b.StartTimer()

		t0 := time.Now()
		res, err := build.Update(ctx, db, work, o)
		if err != nil {
			b.Fatal(err)
		}
		if !res.Incremental {
			b.Fatalf("full build: %s", res.FullReason)
		}
		incr += time.Since(t0)
		persons = res.Persons

		t0 = time.Now()
		if _, err := build.Build(ctx, db, filepath.Join(b.TempDir(), "full"), o); err != nil {
			b.Fatal(err)
		}
		full += time.Since(t0)
	}
	b.ReportMetric(incr.Seconds()/float64(b.N), "incremental_s")
	b.ReportMetric(full.Seconds()/float64(b.N), "full_s")
	b.ReportMetric(incr.Seconds()/full.Seconds(), "ratio")
	b.ReportMetric(float64(persons), "persons_recomputed")
	b.ReportMetric(float64(added), "day_contacts")
	hwm := peakRSS()
	if hwm > 0 {
		b.ReportMetric(float64(hwm)/(1<<20), "peak_rss_MiB")
	}
	per := func(d time.Duration) float64 { return d.Seconds() / float64(b.N) }
	record(b, benchrec.Result{Stage: "update_1day", Size: n, Unit: "contacts", WallSeconds: per(incr), PeakRSSBytes: hwm,
		Metrics: map[string]float64{"over_full": incr.Seconds() / full.Seconds(), "persons_recomputed": float64(persons), "day_contacts": float64(added)}})
	record(b, benchrec.Result{Stage: "update_full_rebuild", Size: n, Unit: "contacts", WallSeconds: per(full)})
}

func countContacts(b *testing.B, db *sql.DB) int64 {
	var n int64
	if err := db.QueryRow("SELECT count(*) FROM contacts").Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}
