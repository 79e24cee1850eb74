package build_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcnamara/mcnamara/metrics"
	"github.com/mcnamara/mcnamara/pipeline/build"
	"github.com/mcnamara/mcnamara/pipeline/ingest"
	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/pipeline/synth"
	mcsql "github.com/mcnamara/mcnamara/sql"
)

// dailyLake generates a synthetic contact center's daily exports (one file
// per export and day) and returns an ingest function that loads the given
// days (1-based) as one batch through the synth presets, like a nightly run.
func dailyLake(t testing.TB, db *sql.DB, lakeDir string, contacts int64, days int) func(from, to int) {
	t.Helper()
	return dailyFeed(t, db, lakeDir, t.TempDir(), contacts, days)
}

// feedStart is the first day of the daily feeds: more than a year ago, so
// that ingest takes none of 366 days for the future (it refuses instants
// more than two days ahead of its clock).
var feedStart = time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)

// dailyFeed is dailyLake with the exports generated into (or, when already
// there, reused from) out.
func dailyFeed(t testing.TB, db *sql.DB, lakeDir, out string, contacts int64, days int) func(from, to int) {
	t.Helper()
	ctx := context.Background()
	start := feedStart
	if _, err := os.Stat(filepath.Join(out, "ground_truth.json")); err != nil {
		if _, err := synth.Generate(ctx, synth.Options{Out: out, Contacts: contacts, Days: days, Seed: 11, Start: start, Daily: true}); err != nil {
			t.Fatal(err)
		}
	}
	var maps []ingest.Mapping
	for _, n := range mcsql.PresetNames() {
		if !strings.HasPrefix(n, "synth_") {
			continue
		}
		m, err := ingest.Preset(n)
		if err != nil {
			t.Fatal(err)
		}
		maps = append(maps, m)
	}
	return func(from, to int) {
		t.Helper()
		var sources []ingest.Source
		for _, m := range maps {
			var files []string
			for d := from; d <= to; d++ {
				day := start.AddDate(0, 0, d-1).Format("2006-01-02")
				all, _ := filepath.Glob(filepath.Join(out, "*_"+day+".*"))
				for _, f := range all {
					if m.Matches(f) {
						files = append(files, f)
					}
				}
			}
			sources = append(sources, ingest.Source{Mapping: m, Files: files})
		}
		if _, err := ingest.Run(ctx, db, ingest.Options{Lake: lakeDir, BusinessTZ: synth.BusinessZone}, sources); err != nil {
			t.Fatal(err)
		}
		if err := lake.AttachInputs(ctx, db, lakeDir); err != nil {
			t.Fatal(err)
		}
	}
}

func batchIDs(t testing.TB, lakeDir string) []string {
	t.Helper()
	batches, err := lake.ReadManifest(lakeDir)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, b := range batches {
		ids = append(ids, b.ID)
	}
	return ids
}

// equalsFull builds the marts in full into a fresh directory and reports,
// mart by mart, any difference from those of lakeDir.
func equalsFull(t *testing.T, db *sql.DB, lakeDir string, o build.Options) bool {
	t.Helper()
	fullDir := t.TempDir()
	if _, err := build.Build(context.Background(), db, fullDir, o); err != nil {
		t.Fatal(err)
	}
	got, want := martRows(t, db, lakeDir), martRows(t, db, fullDir)
	equal := true
	for _, m := range build.Marts {
		if diff := cmp.Diff(want[m.Name], got[m.Name]); diff != "" {
			t.Errorf("incremental %s differs from a full build (-full +incremental):\n%s", m.Name, diff)
			equal = false
		}
	}
	return equal
}

// martRows reads every mart of lakeDir in a canonical order.
func martRows(t testing.TB, db *sql.DB, lakeDir string) map[string][][]string {
	t.Helper()
	out := map[string][][]string{}
	for _, m := range build.Marts {
		out[m.Name] = rows(t, db, fmt.Sprintf("SELECT * FROM read_parquet(%s) ORDER BY ALL", mart(lakeDir, m.Name)))
	}
	return out
}

// TestIncrementalEqualsFull: day after day, a batch of new files is
// ingested and Update merges it into the previous marts; every mart must
// equal, row for row, a full build of the same lake. The synthetic exports
// bring new contacts, late outcome events for old journeys, surveys, and
// identity links that stitch keys to persons for the first time.
//
// Both homes of the seeds' tables are run: temp tables, and the
// intermediates' database file a lake too big for memory_limit gets.
//
// "months": 75 days, so that the nights' changes start months after the
// first and the updates keep the earlier months' cells (gap_cells).
func TestIncrementalEqualsFull(t *testing.T) {
	for _, mode := range []string{build.IntermediatesMemory, build.IntermediatesFile} {
		t.Run(mode, func(t *testing.T) { incrementalEqualsFull(t, mode, 5000, 21, false) })
	}
	t.Run("months", func(t *testing.T) { incrementalEqualsFull(t, build.IntermediatesMemory, 3000, 75, true) })
}

func incrementalEqualsFull(t *testing.T, mode string, contacts int64, days int, wantKept bool) {
	ctx := context.Background()
	db := openDB(t)
	lakeDir := t.TempDir()
	ingestDays := dailyLake(t, db, lakeDir, contacts, days)
	o := build.DefaultOptions()
	o.TimeZone = synth.BusinessZone
	o.Intermediates, o.TempDir = mode, t.TempDir()
	var log bytes.Buffer
	o.Logger = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))

	ingestDays(1, days-3)
	o.Batches = batchIDs(t, lakeDir)
	res, err := build.Update(ctx, db, lakeDir, o)
	if err != nil {
		t.Fatal(err)
	}
	keptCells := 0
	if res.Incremental || res.FullReason == "" {
		t.Fatalf("first build: incremental=%v reason=%q, want a full build", res.Incremental, res.FullReason)
	}
	for day := days - 2; day <= days; day++ {
		ingestDays(day, day)
		o.Batches = batchIDs(t, lakeDir)
		log.Reset()
		res, err := build.Update(ctx, db, lakeDir, o)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Incremental {
			t.Fatalf("day %d: full build (%s), want incremental", day, res.FullReason)
		}
		if inFile := strings.Contains(log.String(), "keys and events in a database file"); inFile != (mode == build.IntermediatesFile) {
			t.Errorf("day %d: working tables in a file: %v, want %v", day, inFile, mode == build.IntermediatesFile)
		}
		if left, _ := filepath.Glob(filepath.Join(o.TempDir, "*.duckdb*")); len(left) > 0 {
			t.Errorf("day %d: the intermediates' file outlived the update: %v", day, left)
		}
		if !equalsFull(t, db, lakeDir, o) {
			t.Fatalf("day %d: the incremental marts differ from a full build", day)
		}
		var persons int64
		if err := db.QueryRow("SELECT persons FROM read_parquet(" + mart(lakeDir, "coverage") + ")").Scan(&persons); err != nil {
			t.Fatal(err)
		}
		if res.Persons <= 0 || res.Persons >= persons {
			t.Errorf("day %d: recomputed %d of %d persons", day, res.Persons, persons)
		}
		t.Logf("day %d: recomputed %d of %d persons in %v", day, res.Persons, persons, res.Duration.Round(time.Millisecond))
		if m := regexp.MustCompile(`msg="cells recomputed from" month=(\S+)`).FindStringSubmatch(log.String()); m != nil && m[1] > feedStart.Format("2006-01-02") {
			keptCells++
		}
	}
	if wantKept && keptCells == 0 {
		t.Error("no update kept January's cells (cells_from stayed at the first month): the merge of cells is not exercised")
	}

	// Nothing new: nothing to do.
	res, err = build.Update(ctx, db, lakeDir, o)
	if err != nil || !res.UpToDate {
		t.Fatalf("no new batch: up to date = %v, err = %v", res.UpToDate, err)
	}
}

// TestUpdateFallsBack: Update rebuilds fully, and says why, whenever the
// previous marts cannot be merged into.
func TestUpdateFallsBack(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	lakeDir := t.TempDir()
	ingestDays := dailyLake(t, db, lakeDir, 2000, 20)
	o := build.DefaultOptions()
	o.TimeZone = synth.BusinessZone
	ingestDays(1, 18)
	o.Batches = batchIDs(t, lakeDir)
	if _, err := build.Build(ctx, db, lakeDir, o); err != nil {
		t.Fatal(err)
	}
	ingestDays(19, 19)
	o.Batches = batchIDs(t, lakeDir)

	other := o
	other.RepeatWindowDays = 3
	cat, err := metrics.New(metrics.Config{Targets: map[string]metrics.TargetSpec{
		"handle_time_seconds": {Default: ptr(123.0)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	targets := o
	targets.Catalog = cat
	asOf := o
	asOf.AsOf = time.Date(2026, 1, 8, 0, 0, 0, 0, time.UTC)
	removed := o
	removed.Batches = o.Batches[1:]

	for _, tt := range []struct {
		name string
		o    build.Options
		want string
	}{
		{"settings", other, "settings"},
		{"targets", targets, "settings, targets"},
		{"as_of", asOf, "as_of"},
		{"batch removed", removed, "no longer in the lake"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := build.Update(ctx, db, lakeDir, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			if res.Incremental || !strings.Contains(res.FullReason, tt.want) {
				t.Fatalf("incremental=%v reason=%q, want a full build because of %q", res.Incremental, res.FullReason, tt.want)
			}
			// put the recorded build back to o's
			if _, err := build.Build(ctx, db, lakeDir, withBatches(o, o.Batches[:len(o.Batches)-1])); err != nil {
				t.Fatal(err)
			}
		})
	}
	res, err := build.Update(ctx, db, lakeDir, o)
	if err != nil || !res.Incremental {
		t.Fatalf("same settings, one new batch: incremental=%v (%s), err=%v", res.Incremental, res.FullReason, err)
	}
}

func withBatches(o build.Options, b []string) build.Options {
	o.Batches = b
	return o
}

func ptr[T any](v T) *T { return &v }
