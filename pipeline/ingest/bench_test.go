package ingest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcnamara/mcnamara/internal/benchrec"
	"github.com/mcnamara/mcnamara/pipeline/ingest"
	"github.com/mcnamara/mcnamara/pipeline/synth"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// benchSizes are the phone-CSV sizes (rows) benchmarked; MCNAMARA_BENCH_ROWS
// overrides them, e.g. MCNAMARA_BENCH_ROWS=1000000,10000000.
func benchSizes() []int64 {
	spec := os.Getenv("MCNAMARA_BENCH_ROWS")
	if spec == "" {
		spec = "1000000"
	}
	var out []int64
	for _, s := range strings.Split(spec, ",") {
		if n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// phoneCSV generates (once, cached in the temp dir) a synthetic export whose
// ACD call log has about rows rows, and returns its path and exact rows.
func phoneCSV(b *testing.B, rows int64) (string, int64) {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("mcnamara-bench-phone-2025-%d", rows))
	marker := filepath.Join(dir, "done")
	// The ACD log carries about 62% of all contacts.
	contacts := rows * 100 / 62
	if _, err := os.Stat(marker); err != nil {
		os.RemoveAll(dir)
		if _, err := synth.Generate(context.Background(), synth.Options{Out: dir, Contacts: contacts, Days: 365, Seed: 1, Start: time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)}); err != nil {
			b.Fatal(err)
		}
		os.WriteFile(marker, nil, 0o644)
	}
	p := filepath.Join(dir, "acd_calls.csv")
	db := openDB(b)
	var n int64
	if err := db.QueryRow("SELECT count(*) FROM read_csv(" + duck.Quote(p) + ", all_varchar = true)").Scan(&n); err != nil {
		b.Fatal(err)
	}
	return p, n
}

// BenchmarkIngestPhoneCSV measures ingest of the generator's phone CSV
// through the synth_acd preset against a plain DuckDB COPY of the same file
// to one Parquet file, in the same run. Reported: rows/s of each, their
// ratio (ingest / copy, higher is better), the ingest's wall time over the
// time DuckDB took to run the ingest's own statements (Result.SQL: the
// same mapping, validation, duplicate and write SQL; the rest is Go's
// hashing, manifest, renames and fsyncs) and the process's peak RSS.
func BenchmarkIngestPhoneCSV(b *testing.B) {
	m, err := ingest.Preset("synth_acd")
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range benchSizes() {
		b.Run(fmt.Sprintf("rows=%d", size), func(b *testing.B) {
			file, rows := phoneCSV(b, size)
			db, err := duck.Open(context.Background(), duck.Options{Threads: 2, MemoryLimit: "1536MB", TempDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			var ingestTime, sqlTime, copyTime time.Duration
			for b.Loop() {
				dir := b.TempDir()
				start := time.Now()
				res, err := ingest.Run(context.Background(), db, ingest.Options{Lake: filepath.Join(dir, "lake"), BusinessTZ: "America/New_York"},
					[]ingest.Source{{Mapping: m, Files: []string{file}}})
				if err != nil {
					b.Fatal(err)
				}
				ingestTime += time.Since(start)
				sqlTime += res.SQL
				if res.Batch.RowsRead != rows {
					b.Fatalf("read %d rows, file has %d", res.Batch.RowsRead, rows)
				}
				start = time.Now()
				if _, err := db.Exec("COPY (SELECT * FROM read_csv(" + duck.Quote(file) + ", all_varchar = true)) TO " +
					duck.Quote(filepath.Join(dir, "plain.parquet")) + " (FORMAT parquet, COMPRESSION zstd)"); err != nil {
					b.Fatal(err)
				}
				copyTime += time.Since(start)
				os.RemoveAll(dir)
			}
			n := float64(b.N)
			b.ReportMetric(float64(rows)*n/ingestTime.Seconds(), "ingest_rows/s")
			b.ReportMetric(float64(rows)*n/copyTime.Seconds(), "copy_rows/s")
			b.ReportMetric(copyTime.Seconds()/ingestTime.Seconds(), "ratio_vs_copy")
			b.ReportMetric(ingestTime.Seconds()/sqlTime.Seconds(), "over_own_sql")
			b.ReportMetric(float64(peakRSS())/(1<<20), "peak_rss_MiB")
			for _, r := range []benchrec.Result{
				{Stage: "ingest", Size: rows, Unit: "rows", WallSeconds: ingestTime.Seconds() / n, PeakRSSBytes: peakRSS(),
					Metrics: map[string]float64{"over_plain_copy": ingestTime.Seconds() / copyTime.Seconds(),
						"over_own_sql": ingestTime.Seconds() / sqlTime.Seconds()}},
				{Stage: "ingest_own_sql", Size: rows, Unit: "rows", WallSeconds: sqlTime.Seconds() / n},
				{Stage: "ingest_plain_copy", Size: rows, Unit: "rows", WallSeconds: copyTime.Seconds() / n},
			} {
				if err := benchrec.Append(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// peakRSS is the process's maximum resident set size in bytes.
func peakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss * 1024
}
