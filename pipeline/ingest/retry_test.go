package ingest_test

import (
	"context"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcnamara/mcnamara/pipeline/ingest"
	"github.com/mcnamara/mcnamara/pipeline/lake"
)

// TestRetryRejects: after the mapping is fixed, a replay re-reads the
// rejected records from the lake alone (the original file is gone): rows
// that pass now load with their original file and line, the others are
// rejected again, the first reject file is superseded, and every count
// reconciles.
func TestRetryRejects(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, "calls.csv")
	content, err := os.ReadFile("testdata/cases/crlf_rejects/calls.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, content, 0o644); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "lake")
	db := openDB(t)
	m := testMapping(t)
	opts := ingest.Options{Lake: root, BusinessTZ: "America/New_York"}
	first, err := ingest.Run(ctx, db, opts, []ingest.Source{{Name: "phone", Mapping: m, Files: []string{file}}})
	if err != nil {
		t.Fatal(err)
	}
	if first.Batch.RowsRejected != 4 {
		t.Fatalf("first batch rejected %d rows, want 4", first.Batch.RowsRejected)
	}
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}

	// The fix: "nonsense" is the ACD's word for other, "x" an unknown talk time.
	fixed := strings.Replace(strings.Replace(string(mustRead(t, "testdata/calls.sql")),
		`"Wrap"     AS disposition`, `CASE "Wrap" WHEN 'nonsense' THEN 'other' ELSE "Wrap" END AS disposition`, 1),
		`"TalkSec"  AS handle_seconds`, `nullif("TalkSec", 'x') AS handle_seconds`, 1)
	fm, err := ingest.ParseMapping("testdata/calls.sql", fixed)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ingest.Retry(ctx, db, opts, []ingest.Source{{Name: "phone", Mapping: fm}})
	if err != nil {
		t.Fatal(err)
	}
	b := res.Batch
	if !res.Committed || len(b.Inputs) != 1 {
		t.Fatalf("retry: committed %v, %d inputs", res.Committed, len(b.Inputs))
	}
	in := b.Inputs[0]
	if in.Retries != first.Batch.RejectFiles[0].Path || in.RowsRetried != 4 || in.RowsRead != 4 || in.RowsLoaded != 2 || in.RowsRejected != 2 || in.Path != file {
		t.Errorf("retry input = %+v", in)
	}

	if err := lake.AttachInputs(ctx, db, root); err != nil {
		t.Fatal(err)
	}
	got := queryStrings(t, db, `SELECT _source_file || ':' || _source_line || ' ' || contact_id || ' ' || coalesce(disposition, '-') || ' ' || coalesce(CAST(handle_seconds AS VARCHAR), '-') || ' ' || (_batch_id = '`+b.ID+`') || ' ' || department
		FROM contacts ORDER BY _source_line`)
	want := []string{
		file + ":2 c1 resolved 300.0 false Billing",
		file + ":5 c4 other 200.0 true Tech",
		file + ":6 c5 resolved - true Tech\r\nSupport",
		file + ":7 c6 resolved 200.0 false Tech",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("contacts (-want +got):\n%s", diff)
	}
	// The rejects view: the latest verdict only, the records byte for byte.
	got = queryStrings(t, db, `SELECT _source_line || ' ' || (_batch_id = '`+b.ID+`') || ' ' || hex(raw_bytes) FROM rejects ORDER BY _source_line`)
	want = []string{
		"3 true " + strings.ToUpper(hex.EncodeToString([]byte("c2,k2,Tech,a2,01/05/2026 10:00:00,20,200,resolved,EXTRA"))),
		"4 true " + strings.ToUpper(hex.EncodeToString([]byte("c3,\xff\xfe,Tech,a2,01/05/2026 10:00:00,20,200,resolved"))),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rejects (-want +got):\n%s", diff)
	}
	rep, err := lake.Check(ctx, db, root)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) > 0 || rep.RowsRetried != 4 {
		t.Errorf("check: retried %d, problems %v", rep.RowsRetried, rep.Problems)
	}
	// Read once from the files: loaded + the rejects now shown.
	var loaded, rejected int64
	if err := db.QueryRow("SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM rejects)").Scan(&loaded, &rejected); err != nil {
		t.Fatal(err)
	}
	if loaded+rejected != first.Batch.RowsRead {
		t.Errorf("loaded %d + rejected %d != %d rows read from the file", loaded, rejected, first.Batch.RowsRead)
	}

	// Again with nothing fixed: the same two stay rejected, superseding
	// the replay's reject file; nothing else changes.
	again, err := ingest.Retry(ctx, db, opts, []ingest.Source{{Name: "phone", Mapping: fm}})
	if err != nil {
		t.Fatal(err)
	}
	if a := again.Batch; !again.Committed || a.RowsRead != 2 || a.RowsRejected != 2 || a.Inputs[0].Retries != b.RejectFiles[0].Path {
		t.Errorf("second retry: %+v", a)
	}
	if rep, err := lake.Check(ctx, db, root); err != nil || len(rep.Problems) > 0 {
		t.Errorf("check after the second retry: %v %v", rep.Problems, err)
	}
	// A source not selected is left alone.
	none, err := ingest.Retry(ctx, db, opts, []ingest.Source{{Name: "chat", Mapping: fm}})
	if err != nil || none.Committed {
		t.Errorf("retry of another source: committed %v, %v", none.Committed, err)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func queryStrings(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}
