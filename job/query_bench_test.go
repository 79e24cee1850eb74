package job

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/mcnamara/mcnamara/config"
	"github.com/mcnamara/mcnamara/internal/benchrec"
	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/sql/duck"
	"github.com/mcnamara/mcnamara/sql/query"
)

// benchQueries are analysts' queries over the marts' views: an
// aggregation over every contact and a sort of every journey.
var benchQueries = []string{
	`SELECT department, channel, count(*) AS contacts, avg(handle_seconds) AS aht, count_if(gap) AS gap_contacts
	 FROM contact_facts GROUP BY department, channel ORDER BY department, channel`,
	`SELECT * FROM journeys ORDER BY contacts DESC, journey_id LIMIT 1000`,
}

// BenchmarkQuery runs `mcnamara query --format parquet` (Job.Query: a
// read-only DuckDB, the lake's views, the locked-down session, the result
// written atomically) against DuckDB alone doing the same: the same views
// over the same files and the same SQL copied to a Parquet file, side by
// side; both write zstd level 1, as `--format parquet` does (DuckDB's COPY
// alone writes snappy, less work: 5% of the ratio on 2026-12-04). The lake
// is a demo lake of MCNAMARA_BENCH_QUERY_CONTACTS contacts (default
// 200000), cached under $TMPDIR.
//
//	go test -tags duckdb_arrow -run '^$' -bench Query -benchtime 3x ./job
func BenchmarkQuery(b *testing.B) {
	n := int64(200_000)
	if env := os.Getenv("MCNAMARA_BENCH_QUERY_CONTACTS"); env != "" {
		v, err := strconv.ParseInt(env, 10, 64)
		if err != nil || v < 1000 {
			b.Fatalf("MCNAMARA_BENCH_QUERY_CONTACTS: %q is not a size (>= 1000)", env)
		}
		n = v
	}
	ctx := context.Background()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("mcnamara-bench-query-%d", n))
	cfg := config.Defaults()
	cfg.Lake.MemoryLimit, cfg.Lake.Threads = "2GB", 2
	if _, err := os.Stat(filepath.Join(dir, "done")); err != nil {
		os.RemoveAll(dir)
		if _, _, err := (Job{Config: cfg}).Demo(ctx, DemoOptions{Dir: dir, Contacts: n, Days: 90, Seed: 3}); err != nil {
			b.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "done"), nil, 0o644)
	}
	cfg.Lake.Dir = filepath.Join(dir, "lake")
	j := Job{Config: cfg}
	out := b.TempDir()
	var jobTime, duckTime time.Duration
	i := 0
	for b.Loop() {
		runJob := func() {
			t0 := time.Now()
			for k, q := range benchQueries {
				if err := j.Query(ctx, query.Request{Name: "-e", SQL: q, Format: "parquet"}, filepath.Join(out, fmt.Sprintf("job%d.parquet", k)), io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			jobTime += time.Since(t0)
		}
		runDuck := func() {
			t0 := time.Now()
			for k, q := range benchQueries {
				db, err := duck.Open(ctx, duck.Options{MemoryLimit: cfg.Lake.MemoryLimit, Threads: cfg.Lake.Threads})
				if err != nil {
					b.Fatal(err)
				}
				if err := lake.AttachInputs(ctx, db, cfg.Lake.Dir); err != nil {
					b.Fatal(err)
				}
				if _, err := lake.AttachMarts(ctx, db, cfg.Lake.Dir); err != nil {
					b.Fatal(err)
				}
				if _, err := db.ExecContext(ctx, fmt.Sprintf("COPY (%s) TO %s (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)", q, duck.Quote(filepath.Join(out, fmt.Sprintf("duck%d.parquet", k))))); err != nil {
					b.Fatal(err)
				}
				db.Close()
			}
			duckTime += time.Since(t0)
		}
		if i%2 == 0 {
			runJob()
			runDuck()
		} else {
			runDuck()
			runJob()
		}
		i++
	}
	per := func(d time.Duration) float64 { return d.Seconds() / float64(b.N) }
	ratio := jobTime.Seconds() / duckTime.Seconds()
	b.ReportMetric(per(jobTime), "query_s")
	b.ReportMetric(per(duckTime), "duckdb_s")
	b.ReportMetric(ratio, "ratio_vs_duckdb")
	for _, r := range []benchrec.Result{
		{Stage: "query", Size: n, Unit: "contacts", WallSeconds: per(jobTime), PeakRSSBytes: benchrec.PeakRSS(), Metrics: map[string]float64{"ratio_vs_duckdb": ratio}},
		{Stage: "query_duckdb", Size: n, Unit: "contacts", WallSeconds: per(duckTime)},
	} {
		if err := benchrec.Append(r); err != nil {
			b.Fatal(err)
		}
	}
}
