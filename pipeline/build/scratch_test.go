package build_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcnamara/mcnamara/pipeline/build"
)

// scratchState says whether the intermediates' database is attached to
// db and whether its file (or write-ahead log) exists.
func scratchState(t testing.TB, db *sql.DB, file string) (attached, exists bool) {
	t.Helper()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM duckdb_databases() WHERE database_name = 'mc_scratch'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{file, file + ".wal"} {
		if _, err := os.Stat(p); err == nil {
			exists = true
		}
	}
	return n > 0, exists
}

// TestIntermediatesFileEqualsMemory: the models' tables in a database file
// give the same marts, row for row, as temp tables, on the fixtures; the
// file is really used during the build (its tables hold the models'
// intermediates), and neither attached nor on disk after it.
func TestIntermediatesFileEqualsMemory(t *testing.T) {
	ctx := context.Background()
	for _, fixture := range []string{"testdata/basic", "testdata/events"} {
		t.Run(filepath.Base(fixture), func(t *testing.T) {
			db := openDB(t)
			attachFixture(t, db, fixture)
			got := map[string]map[string][][]string{}
			fingerprints := map[string]string{}
			// "parts": the file, and contact_seq run in 3 parts of the
			// persons, as for a lake 10M contacts over a 1 GiB budget
			const parts = "parts"
			for _, run := range []string{build.IntermediatesMemory, build.IntermediatesFile, parts} {
				mode := run
				o := basicOptions(t)
				var log bytes.Buffer
				if run == parts {
					mode = build.IntermediatesFile
					o.MemoryLimit, o.Contacts = "1GiB", 10_000_000
					o.Logger = slog.New(slog.NewTextHandler(&log, nil))
					if n := o.PersonParts(); n != 3 {
						t.Fatalf("PersonParts = %d, want 3 (10M contacts × 200 B over 768 MiB)", n)
					}
				}
				o.Intermediates, o.TempDir = mode, t.TempDir()
				lakeDir := t.TempDir()
				file := build.ScratchFile(o.TempDir, lakeDir)
				var tables []string
				o.Hook = func(p string) error {
					if p != "build:before-commit" {
						return nil
					}
					if attached, exists := scratchState(t, db, file); attached != (mode == build.IntermediatesFile) || exists != attached {
						t.Errorf("%s: during the build the intermediates' database is attached %v, its file exists %v", mode, attached, exists)
					}
					if mode == build.IntermediatesFile {
						tables = colStrings(t, rows(t, db, "SELECT table_name FROM duckdb_tables() WHERE database_name = 'mc_scratch' ORDER BY 1"))
					}
					return nil
				}
				if _, err := build.Build(ctx, db, lakeDir, o); err != nil {
					t.Fatalf("%s: %v", mode, err)
				}
				if attached, exists := scratchState(t, db, file); attached || exists {
					t.Errorf("%s: after the build the intermediates' database is attached %v, its file exists %v", mode, attached, exists)
				}
				if mode == build.IntermediatesFile {
					for _, want := range []string{"contact_base", "contact_seq", "journey_events", "outcome_links", "gap"} {
						if !strings.Contains(","+strings.Join(tables, ",")+",", ","+want+",") {
							t.Errorf("the intermediates' file holds %v, not %s", tables, want)
						}
					}
				}
				if run == parts && !strings.Contains(log.String(), "person_parts=3") {
					t.Errorf("the build did not run in parts: %s", log.String())
				}
				got[run] = martRows(t, db, lakeDir)
				fingerprints[run] = fingerprint(t, lakeDir)
			}
			// the record is the same: Update after either is incremental
			if fingerprints[build.IntermediatesMemory] != fingerprints[build.IntermediatesFile] || fingerprints[parts] != fingerprints[build.IntermediatesFile] ||
				fingerprints[build.IntermediatesFile] == "" {
				t.Errorf("the build records fingerprints %v: the choice of intermediates must not be in it", fingerprints)
			}
			for _, m := range build.Marts {
				if len(got[build.IntermediatesMemory][m.Name]) == 0 && m.Name == "contact_facts" {
					t.Errorf("%s: the fixture's contact_facts is empty: the comparison proves nothing", fixture)
				}
				if diff := cmp.Diff(got[build.IntermediatesMemory][m.Name], got[build.IntermediatesFile][m.Name]); diff != "" {
					t.Errorf("mart %s differs (-temp tables +file):\n%s", m.Name, diff)
				}
				if diff := cmp.Diff(got[build.IntermediatesMemory][m.Name], got[parts][m.Name]); diff != "" {
					t.Errorf("mart %s differs (-temp tables +file, contact_seq in parts):\n%s", m.Name, diff)
				}
			}
		})
	}
}

// fingerprint is the fingerprint the build recorded in lakeDir.
func fingerprint(t testing.TB, lakeDir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(lakeDir, "marts", build.StateFile))
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Fingerprint string `json:"fingerprint"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	return st.Fingerprint
}

func colStrings(t testing.TB, rs [][]string) []string {
	t.Helper()
	var out []string
	for _, r := range rs {
		out = append(out, r[0])
	}
	return out
}

// TestIntermediatesFileCleanup: a build that fails (a crash point, a model
// error) detaches and removes the file; what a killed build left (a file
// that is no database, a stale write-ahead log) is removed by the next,
// which then succeeds.
func TestIntermediatesFileCleanup(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	attachFixture(t, db, "testdata/basic")
	o := basicOptions(t)
	o.Intermediates, o.TempDir = build.IntermediatesFile, filepath.Join(t.TempDir(), "spill", "new")
	lakeDir := t.TempDir()
	file := build.ScratchFile(o.TempDir, lakeDir)

	crash := errors.New("simulated crash")
	failing := o
	failing.Hook = func(p string) error {
		if p == "build:mart-written:contact_facts" {
			return crash
		}
		return nil
	}
	if _, err := build.Build(ctx, db, lakeDir, failing); !errors.Is(err, crash) {
		t.Fatalf("build with a crash point: %v", err)
	}
	if attached, exists := scratchState(t, db, file); attached || exists {
		t.Errorf("after a failed build the intermediates' database is attached %v, its file exists %v", attached, exists)
	}

	// a model failing half-way
	if _, err := db.Exec("CREATE OR REPLACE VIEW outcomes AS SELECT 1 AS nonsense"); err != nil {
		t.Fatal(err)
	}
	if _, err := build.Build(ctx, db, lakeDir, o); err == nil {
		t.Fatal("build over a broken outcomes view succeeded")
	}
	if attached, exists := scratchState(t, db, file); attached || exists {
		t.Errorf("after a failed model the intermediates' database is attached %v, its file exists %v", attached, exists)
	}
	attachFixture(t, db, "testdata/basic")

	// what a killed process leaves: DuckDB cannot open it as a database
	for _, p := range []string{file, file + ".wal"} {
		if err := os.WriteFile(p, []byte("half a database"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := build.Build(ctx, db, lakeDir, o); err != nil {
		t.Fatalf("build after a killed one: %v", err)
	}
	if attached, exists := scratchState(t, db, file); attached || exists {
		t.Errorf("after a build over leftovers the intermediates' database is attached %v, its file exists %v", attached, exists)
	}

}

// TestIntermediatesOnDisk: the choice — forced either way, or, on auto,
// the lake's contacts × ~600 bytes against memory_limit.
func TestIntermediatesOnDisk(t *testing.T) {
	for _, c := range []struct {
		mode, limit string
		contacts    int64
		want        bool
	}{
		{build.IntermediatesFile, "8GiB", 10, true},
		{build.IntermediatesMemory, "100MB", 100_000_000, false},
		{"", "8GiB", 100_000_000, true},                      // 60 GB of tables
		{build.IntermediatesAuto, "8GiB", 10_000_000, false}, // 6 GB
		{"", "1GiB", 10_000_000, true},
		{"", "2GB", 1_000_000, false},
		{"", "2GB", 3_400_000, true},
		{"", "", 100_000_000, false}, // DuckDB's default: no estimate
		{"", "nonsense", 100_000_000, false},
	} {
		o := build.DefaultOptions()
		o.Intermediates, o.MemoryLimit, o.Contacts = c.mode, c.limit, c.contacts
		if got := o.IntermediatesOnDisk(); got != c.want {
			t.Errorf("%q, memory_limit %q, %d contacts: on disk %v, want %v", c.mode, c.limit, c.contacts, got, c.want)
		}
	}
	o := build.DefaultOptions()
	o.Intermediates = "disk"
	if _, err := build.Script(o); err == nil || !strings.Contains(err.Error(), "intermediates") {
		t.Errorf("intermediates %q: %v", o.Intermediates, err)
	}
}

// TestPrintScriptIntermediates: `build --print-sql` prints the design the
// build runs: with the tables in a file, it attaches the file and creates
// no model table as a temp table; with temp tables it is Script.
func TestPrintScriptIntermediates(t *testing.T) {
	o := build.DefaultOptions()
	o.TempDir = "/spill"
	o.Intermediates = build.IntermediatesFile
	steps, err := build.PrintScript(o)
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, s := range steps {
		all.WriteString(s.SQL)
		if s.Model.Name != "" && strings.Contains(s.SQL, "CREATE OR REPLACE TEMP TABLE") {
			t.Errorf("%s still creates a temp table", s.Name)
		}
	}
	for _, want := range []string{"ATTACH '" + build.ScriptScratchFile(o) + "' AS mc_scratch", "SET search_path = 'mc_scratch.main,memory.main'",
		"CREATE OR REPLACE TABLE mc_scratch.main.contact_base AS", "CREATE OR REPLACE TEMP VIEW contact_facts AS"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("the printed script lacks %q", want)
		}
	}
	o.Intermediates = build.IntermediatesMemory
	printed, err := build.PrintScript(o)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := build.Script(o)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(plain, printed); diff != "" {
		t.Errorf("with temp tables the printed script is not Script:\n%s", diff)
	}
}
