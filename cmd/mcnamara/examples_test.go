package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcnamara/mcnamara/config"
	"github.com/mcnamara/mcnamara/job"
	"github.com/mcnamara/mcnamara/pipeline/synth"
	mcsql "github.com/mcnamara/mcnamara/sql"
	"github.com/mcnamara/mcnamara/sql/query"
)

var (
	lakeOnce sync.Once
	lakeDir  string
	lakeErr  error
)

// smallLake generates a small synthetic contact center (Aug–Oct 2026),
// ingests it through the presets plus one bad file, and builds the marts,
// once per test binary.
func smallLake(t *testing.T) string {
	t.Helper()
	lakeOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mcnamara-examples-")
		if err != nil {
			lakeErr = err
			return
		}
		data := filepath.Join(dir, "data")
		if _, err := synth.Generate(context.Background(), synth.Options{Out: data, Contacts: 20000, Days: 91, Seed: 7,
			Start: time.Date(2026, 8, 3, 0, 0, 0, 0, time.UTC)}); err != nil {
			lakeErr = err
			return
		}
		// One export with a broken row, so rejects are not empty.
		bad := filepath.Join(data, "acd_calls_extra.csv")
		head, _ := os.ReadFile(filepath.Join(data, "acd_calls.csv"))
		header, _, _ := strings.Cut(string(head), "\n")
		os.WriteFile(bad, []byte(header+"\nX1,CN1,IN,123,,BILL_INQ,Q_BILLING,1,B-1,13/45/2026 99:00:00 AM,1,2,3,4,RESOLVED,,Y\n"), 0o644)
		lakeDir = filepath.Join(dir, "lake")
		files, _ := filepath.Glob(filepath.Join(data, "*.*"))
		var exports []string
		for _, f := range files {
			if filepath.Base(f) != synth.TruthFile {
				exports = append(exports, f)
			}
		}
		root := newRootCmd()
		root.SetArgs(append([]string{"--lake", lakeDir, "ingest"}, exports...))
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&out)
		if err := root.ExecuteContext(context.Background()); err != nil && exitCode(err) != exitRejected {
			lakeErr = err
			return
		}
		cfg := config.Defaults()
		cfg.Lake.Dir = lakeDir
		cfg.Lake.BusinessTimezone = synth.BusinessZone
		_, lakeErr = job.Job{Config: cfg}.Build(context.Background(), false, false)
	})
	if lakeErr != nil {
		t.Fatalf("build the test lake: %v", lakeErr)
	}
	return lakeDir
}

// TestExamples runs every sql/examples query, with the example values of
// its documented parameters, in every output format.
func TestExamples(t *testing.T) {
	root := smallLake(t)
	cfg := config.Defaults()
	cfg.Lake.Dir = root
	j := job.Job{Config: cfg}
	for _, name := range mcsql.ExampleNames() {
		t.Run(name, func(t *testing.T) {
			text, err := mcsql.Example(name)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(text, "-- ") {
				t.Errorf("%s.sql does not start with a comment saying what it is for", name)
			}
			req := query.Request{Name: name + ".sql", SQL: text, Params: mcsql.ExampleParams(text)}
			for _, format := range query.Formats {
				req.Format = format
				var out bytes.Buffer
				if err := j.Query(context.Background(), req, "", &out); err != nil {
					t.Fatalf("%s: %v", format, err)
				}
				if out.Len() == 0 {
					t.Errorf("%s: empty output", format)
				}
				if format == "csv" {
					recs, err := csv.NewReader(&out).ReadAll()
					if err != nil {
						t.Fatal(err)
					}
					if len(recs) < 2 {
						t.Errorf("no rows: the example finds nothing in the synthetic data")
					}
				}
			}
		})
	}
}

// TestQueryGuards checks the analyst-facing errors of query.
func TestQueryGuards(t *testing.T) {
	root := smallLake(t)
	cfg := config.Defaults()
	cfg.Lake.Dir = root
	tests := []struct {
		name, sql string
		params    map[string]string
		want      string
	}{
		{"missing param", "SELECT * FROM gap WHERE member = $who", nil, "uses parameter $who but it was not given"},
		{"unused param", "SELECT 1", map[string]string{"x": "1"}, "--param x given but the query never uses it"},
		{"not a select", "DELETE FROM contacts", nil, "only a single SELECT"},
		{"copy out", "COPY contacts TO '/tmp/x.csv'", nil, "only a single SELECT"},
		{"two statements", "SELECT 1; SELECT 2", nil, "holds 2 statements"},
		{"attach", "ATTACH '/tmp/x.db'", nil, "only a single SELECT"},
		{"outside the lake", "SELECT * FROM read_csv('/etc/hostname')", nil, "disabled by configuration"},
		{"error line", "SELECT\n  1,\n  no_such_column\nFROM contacts", nil, "q.sql:3: Binder Error"},
		{"injection stays a value", "SELECT count(*) AS n FROM contacts WHERE agent_id = $a", map[string]string{"a": "x' OR '1'='1"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := (job.Job{Config: cfg}).Query(context.Background(), query.Request{Name: "q.sql", SQL: tt.sql, Params: tt.params, Format: "csv"}, "", &out)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got := strings.TrimSpace(out.String()); got != "n\n0" {
					t.Errorf("bound parameter changed the query: %q", got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}
