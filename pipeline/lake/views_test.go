package lake

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mcnamara/mcnamara/sql/duck"
)

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := duck.Open(context.Background(), duck.Options{Threads: 1, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestAttachOlderFiles: a lake file written before a contract column
// existed (here: no reassignments, no csat) still reads through the view,
// with NULL in the missing columns; files outside the manifest stay unseen.
func TestAttachOlderFiles(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	db := openDB(t)
	rel := "contacts/date=2026-01-05/b1_f000_0.parquet"
	orphan := "contacts/date=2026-01-05/b2_f000_0.parquet"
	if err := os.MkdirAll(filepath.Join(root, "contacts", "date=2026-01-05"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{rel, orphan} {
		if _, err := db.Exec(`COPY (SELECT 'c1' AS contact_id, 'acd' AS source_system, 'phone' AS channel,
			TIMESTAMPTZ '2026-01-05 10:00:00+00' AS started_at, 'b1' AS _batch_id, 'x.csv' AS _source_file, 2::BIGINT AS _source_line)
			TO ` + duck.Quote(filepath.Join(root, p)) + ` (FORMAT parquet)`); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteBatch(root, Batch{ID: "b1", StartedAt: time.Now(), Files: []File{{Path: rel, Table: "contacts", Rows: 1}},
		RowsRead: 1, RowsLoaded: 1, Inputs: []Input{{Path: "x.csv", RowsRead: 1, RowsLoaded: 1}}}); err != nil {
		t.Fatal(err)
	}
	if err := AttachInputs(ctx, db, root); err != nil {
		t.Fatal(err)
	}
	var n int
	var re sql.NullInt64
	var csat sql.NullFloat64
	var date time.Time
	if err := db.QueryRow(`SELECT count(*), any_value(reassignments), any_value(csat), any_value("date") FROM contacts`).Scan(&n, &re, &csat, &date); err != nil {
		t.Fatal(err)
	}
	if n != 1 || re.Valid || csat.Valid || date.Format("2006-01-02") != "2026-01-05" {
		t.Errorf("contacts view: n=%d reassignments=%v csat=%v date=%v", n, re, csat, date)
	}

	// A newer file with the column, in a later batch: both read through
	// one view, each with what it has.
	newer := "contacts/date=2026-01-06/b3_f000_0.parquet"
	if err := os.MkdirAll(filepath.Join(root, "contacts", "date=2026-01-06"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`COPY (SELECT 'c2' AS contact_id, 'acd' AS source_system, 'phone' AS channel,
		TIMESTAMPTZ '2026-01-06 10:00:00+00' AS started_at, 3::INTEGER AS reassignments,
		'b3' AS _batch_id, 'y.csv' AS _source_file, 2::BIGINT AS _source_line)
		TO ` + duck.Quote(filepath.Join(root, newer)) + ` (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	if err := WriteBatch(root, Batch{ID: "b3", StartedAt: time.Now().Add(time.Second), Files: []File{{Path: newer, Table: "contacts", Rows: 1}},
		RowsRead: 1, RowsLoaded: 1, Inputs: []Input{{Path: "y.csv", RowsRead: 1, RowsLoaded: 1}}}); err != nil {
		t.Fatal(err)
	}
	if err := AttachInputs(ctx, db, root); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := db.QueryRow(`SELECT string_agg(contact_id || ':' || coalesce(CAST(reassignments AS VARCHAR), '-') || ':' || "date", ' ' ORDER BY contact_id) FROM contacts`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "c1:-:2026-01-05 c2:3:2026-01-06" {
		t.Errorf("contacts over two schemas = %q", got)
	}

	rep, err := Check(ctx, db, root)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Path != orphan {
		t.Errorf("check problems = %v, want the orphan %s only", rep.Problems, orphan)
	}
}

// TestAttachMarts: a mart is a file or a directory of monthly files;
// directories without Parquet files (a build's temp directory, one a crash
// left empty) are not marts.
func TestAttachMarts(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	db := openDB(t)
	marts := filepath.Join(root, MartsDir)
	for _, d := range []string{"journeys", "empty", ".build-1"} {
		if err := os.MkdirAll(filepath.Join(marts, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"gap.parquet", "journeys/2026-01.parquet", "journeys/2026-02.parquet", ".build-1/x.parquet"} {
		if _, err := db.Exec("COPY (SELECT 1 AS n) TO " + duck.Quote(filepath.Join(marts, p)) + " (FORMAT parquet)"); err != nil {
			t.Fatal(err)
		}
	}
	names, err := AttachMarts(ctx, db, root)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 2 || names[0] != "gap" || names[1] != "journeys" {
		t.Errorf("marts = %v, want [gap journeys]", names)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM journeys").Scan(&n); err != nil || n != 2 {
		t.Errorf("journeys: %d rows (%v), want one per monthly file", n, err)
	}
}

// TestRejectsOldAndNew: reject files of an older version (raw as JSON, no
// raw_bytes or mapped) and of this one read through one rejects view.
func TestRejectsOldAndNew(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	db := openDB(t)
	old := "_rejects/contacts/b1_f000.parquet"
	cur := "_rejects/contacts/b2_f000.parquet"
	writeParquet(t, root, filepath.Join(root, old), `SELECT 'b1' AS _batch_id, 'contacts' AS "table", 'x.csv' AS _source_file, 3::BIGINT AS _source_line,
		'csat' AS "column", 'csat: bad' AS reason, '{"csat":"9"}' AS raw`)
	writeParquet(t, root, filepath.Join(root, cur), `SELECT 'b2' AS _batch_id, 'contacts' AS "table", 'y.csv' AS _source_file, 4::BIGINT AS _source_line,
		'csat' AS "column", 'csat: bad' AS reason, 'c1,9' AS raw, '\xFF,9'::BLOB AS raw_bytes, '{"csat":"9"}' AS mapped`)
	for i, p := range []string{old, cur} {
		id := []string{"b1", "b2"}[i]
		if err := WriteBatch(root, Batch{ID: id, StartedAt: time.Now().Add(time.Duration(i) * time.Second), RejectFiles: []File{{Path: p, Table: "contacts", Rows: 1}},
			RowsRead: 1, RowsRejected: 1, Inputs: []Input{{Path: "x.csv", RowsRead: 1, RowsRejected: 1}}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := AttachInputs(ctx, db, root); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := db.QueryRow(`SELECT string_agg(_batch_id || ':' || raw || ':' || coalesce(hex(raw_bytes), '-') || ':' || coalesce(mapped, '-'), ' ' ORDER BY _batch_id) FROM rejects`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := `b1:{"csat":"9"}:-:- b2:c1,9:FF2C39:{"csat":"9"}`; got != want {
		t.Errorf("rejects = %s, want %s", got, want)
	}
	if rep, err := Check(ctx, db, root); err != nil || len(rep.Problems) > 0 {
		t.Errorf("check: %v %v", rep.Problems, err)
	}
}

// TestCopyOf: the files of one ingest COPY (one per date partition, and
// any a size limit split off) are one group, whose footer stands for all;
// files of another source file or batch, or named otherwise, are not.
func TestCopyOf(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"contacts/date=2026-01-05/20261204T183147Z-a14366_f005_0.parquet", "contacts/date=2026-01-06/20261204T183147Z-a14366_f005_0.parquet", true},
		{"contacts/date=2026-01-05/20261204T183147Z-a14366_f005_0.parquet", "contacts/date=2026-01-05/20261204T183147Z-a14366_f005_1.parquet", true},
		{"contacts/date=2026-01-05/20261204T183147Z-a14366_f005_0.parquet", "contacts/date=2026-01-05/20261204T183147Z-a14366_f006_0.parquet", false},
		{"contacts/date=2026-01-05/b1_f000_0.parquet", "contacts/date=2026-01-05/b3_f000_0.parquet", false},
		{"identities/b1_f000_0.parquet", "identities/b1_f001_0.parquet", false},
		{"contacts/date=2026-01-05/other.parquet", "contacts/date=2026-01-06/other.parquet", false},
	} {
		if got := copyOf(tc.a) == copyOf(tc.b); got != tc.same {
			t.Errorf("copyOf(%s) == copyOf(%s): %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}
