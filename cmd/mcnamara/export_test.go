package main

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// TestExportDuckDB writes the BI database of the test lake, opens it the
// way a BI tool does (a fresh DuckDB, read-only, no setup of ours) and
// queries every view: each holds the rows the lake's own views hold.
func TestExportDuckDB(t *testing.T) {
	root := smallLake(t)
	file := filepath.Join(t.TempDir(), "lake.duckdb")
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"--lake", root, "export", "--duckdb", file})
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("export: %v\n%s", err, out.String())
	}

	// The lake's views, as `mcnamara query` sees them.
	ref, err := duck.Open(context.Background(), duck.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	if err := lake.AttachInputs(context.Background(), ref, root); err != nil {
		t.Fatal(err)
	}
	marts, err := lake.AttachMarts(context.Background(), ref, root)
	if err != nil {
		t.Fatal(err)
	}

	connector, err := duckdb.NewConnector(file+"?access_mode=read_only", nil)
	if err != nil {
		t.Fatal(err)
	}
	bi := sql.OpenDB(connector)
	defer bi.Close()
	var views []string
	rows, err := bi.Query("SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY view_name")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		views = append(views, v)
	}
	rows.Close()
	want := append([]string{"contacts", "identities", "outcomes", "rejects", "surveys"}, marts...)
	slices.Sort(want)
	if !slices.Equal(views, want) {
		t.Fatalf("views %v, want %v", views, want)
	}
	for _, must := range []string{"contact_facts", "journeys", "gap", "journey_flows"} {
		if !slices.Contains(views, must) {
			t.Errorf("no view %s", must)
		}
	}
	for _, v := range views {
		// an order-free checksum of every column of every row
		q := "SELECT count(*), CAST(sum(hash(t)) % 1000000007 AS BIGINT) FROM " + duck.Ident(v) + " t"
		var n, got, wantN, wantSum sql.NullInt64
		if err := bi.QueryRow(q).Scan(&n, &got); err != nil {
			t.Errorf("%s: %v", v, err)
			continue
		}
		if err := ref.QueryRow(q).Scan(&wantN, &wantSum); err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if n != wantN || got != wantSum {
			t.Errorf("view %s: %v rows (hash sum %v), the lake holds %v (%v)", v, n.Int64, got.Int64, wantN.Int64, wantSum.Int64)
		}
		if n.Int64 == 0 && v != "identities" {
			t.Errorf("view %s is empty", v)
		}
	}
	var batches int64
	var lakeDir string
	if err := bi.QueryRow("SELECT batches, lake FROM mcnamara_export").Scan(&batches, &lakeDir); err != nil {
		t.Fatal(err)
	}
	if m, _ := lake.ReadManifest(root); batches != int64(len(m)) || batches == 0 || !strings.HasSuffix(lakeDir, filepath.Base(root)) {
		t.Errorf("mcnamara_export: %d batches of %s, the lake has %d", batches, lakeDir, len(m))
	}
}
