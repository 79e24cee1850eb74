package ingest_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mcnamara/mcnamara/internal/golden"
	"github.com/mcnamara/mcnamara/pipeline/contract"
	"github.com/mcnamara/mcnamara/pipeline/ingest"
	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// vendorDir holds one directory per contact-center platform: exports
// written by hand from the vendor's public schema (see each preset's
// header), shared with other packages' tests.
var vendorDir = filepath.Join("..", "..", "testdata", "vendors")

// vendorPresets are the shipped presets for platforms' own exports; each
// must load a fixture in vendorDir.
var vendorPresets = []string{
	"amazon_connect_ctr", "amazon_connect_datalake", "genesys_cloud_conversations",
	"salesforce_case", "salesforce_case_history", "zendesk_ticket_events", "zendesk_tickets",
}

// TestVendorPresets ingests each vendor directory through the real ingest
// path, every file through each shipped preset whose globs accept its name
// (as `mcnamara ingest FILE…` picks them), and compares every loaded
// contract row and every reject with the directory's want.txt. A file
// NAME.parquet.sql is DuckDB SQL that writes NAME.parquet ({{out}}): the
// Parquet fixtures are kept as readable values.
func TestVendorPresets(t *testing.T) {
	presets, err := ingest.Presets()
	if err != nil {
		t.Fatal(err)
	}
	dirs, err := filepath.Glob(filepath.Join(vendorDir, "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no vendor fixtures in %s (%v)", vendorDir, err)
	}
	used := map[string]bool{}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			in := materialise(t, dir)
			sources, unmatched := ingest.MatchSources(in, presets)
			for _, f := range unmatched {
				t.Errorf("no shipped preset's match globs accept %s", filepath.Base(f))
			}
			for _, s := range sources {
				used[strings.TrimPrefix(s.Mapping.Name, "preset ")] = true
			}
			root := t.TempDir()
			db := openDB(t)
			res, err := ingest.Run(context.Background(), db, ingest.Options{Lake: root, BusinessTZ: "America/New_York"}, sources)
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range res.Batch.Inputs {
				if in.Error != "" {
					t.Errorf("%s refused as a whole: %s", filepath.Base(in.Path), in.Error)
				}
				if in.RowsRead != in.RowsLoaded+in.RowsRejected {
					t.Errorf("%s: read %d != loaded %d + rejected %d", in.Path, in.RowsRead, in.RowsLoaded, in.RowsRejected)
				}
			}
			rep, err := lake.Check(context.Background(), db, root)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Problems) > 0 {
				t.Errorf("lake check: %v", rep.Problems)
			}
			got := describeRows(t, db, root, filepath.Dir(in[0]), res)
			golden.Check(t, filepath.Join(dir, "want.txt"), got)
		})
	}
	for _, n := range vendorPresets {
		if !used[n] {
			t.Errorf("preset %s has no fixture in %s", n, vendorDir)
		}
	}
}

// materialise copies a fixture directory to a temporary one, running each
// NAME.parquet.sql to write NAME.parquet, and returns the input files.
func materialise(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	db := openDB(t)
	var out []string
	for _, e := range entries {
		name := e.Name()
		if name == "want.txt" || e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if target, ok := strings.CutSuffix(name, ".sql"); ok {
			p := filepath.Join(tmp, target)
			if _, err := db.Exec(strings.ReplaceAll(string(b), "{{out}}", duck.Quote(p))); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out = append(out, p)
			continue
		}
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// describeRows renders a batch as stable text: per input the counts, then
// every contract column of every loaded row and every reject.
func describeRows(t *testing.T, db *sql.DB, root, dir string, res ingest.Result) string {
	t.Helper()
	var b strings.Builder
	clean := func(s string) string { return strings.ReplaceAll(s, dir+string(filepath.Separator), "") }
	for _, in := range res.Batch.Inputs {
		fmt.Fprintf(&b, "file %s via %s: read=%d loaded=%d rejected=%d\n", clean(in.Path), in.Mapping, in.RowsRead, in.RowsLoaded, in.RowsRejected)
	}
	if err := lake.AttachInputs(context.Background(), db, root); err != nil {
		t.Fatal(err)
	}
	for _, tab := range contract.Tables {
		cols := make([]string, len(tab.Columns))
		for i, c := range tab.Columns {
			v := duck.Ident(c.Name) + "::VARCHAR"
			if c.Type == contract.Instant {
				v = fmt.Sprintf("strftime(%s AT TIME ZONE 'UTC', '%%Y-%%m-%%dT%%H:%%M:%%SZ')", duck.Ident(c.Name))
			}
			cols[i] = fmt.Sprintf("%s || '=' || coalesce(%s, '-')", duck.Quote(c.Name), v)
		}
		q := fmt.Sprintf("SELECT _source_file, _source_line, concat_ws(' ', %s) FROM %s ORDER BY _source_file, _source_line, %s",
			strings.Join(cols, ", "), duck.Ident(tab.Name), strings.Join(tab.Key, ", "))
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		first := true
		for rows.Next() {
			var f, line, row string
			if err := rows.Scan(&f, &line, &row); err != nil {
				t.Fatal(err)
			}
			if first {
				fmt.Fprintf(&b, "%s:\n", tab.Name)
				first = false
			}
			fmt.Fprintf(&b, "  %s:%s %s\n", clean(f), line, row)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	b.WriteString("rejects:\n")
	rows, err := db.Query(`SELECT _source_file, _source_line, coalesce("column", '-'), reason FROM rejects ORDER BY _source_file, _source_line`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var f, line, col, reason string
		if err := rows.Scan(&f, &line, &col, &reason); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "  %s:%s column=%s reason=%q\n", clean(f), line, col, clean(reason))
	}
	return b.String()
}
