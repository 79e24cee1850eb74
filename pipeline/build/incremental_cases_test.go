package build_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mcnamara/mcnamara/pipeline/build"
	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// writeBatch commits a hand-made batch to a lake: each table's rows (a
// SELECT naming the contract columns it uses) as one Parquet file, and the
// manifest record.
func writeBatch(t *testing.T, db *sql.DB, root, id string, at time.Time, tables map[string]string) {
	t.Helper()
	b := lake.Batch{ID: id, StartedAt: at, FinishedAt: at}
	for table, q := range tables {
		rel := filepath.Join(table, "date=2024-01-01", id+".parquet")
		if table == "identities" {
			rel = filepath.Join(table, id+".parquet")
		}
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(rel)), 0o755); err != nil {
			t.Fatal(err)
		}
		q = fmt.Sprintf("SELECT *, %s AS _batch_id, 'hand.csv' AS _source_file, CAST(row_number() OVER () AS BIGINT) AS _source_line FROM (%s)", duck.Quote(id), q)
		var n int64
		if err := db.QueryRow(fmt.Sprintf("SELECT count(*) FROM (%s)", q)).Scan(&n); err != nil {
			t.Fatalf("%s %s: %v", id, table, err)
		}
		if _, err := db.Exec(fmt.Sprintf("COPY (%s) TO %s (FORMAT parquet)", q, duck.Quote(filepath.Join(root, rel)))); err != nil {
			t.Fatalf("%s %s: %v", id, table, err)
		}
		b.Files = append(b.Files, lake.File{Path: filepath.ToSlash(rel), Table: table, Rows: n})
		b.RowsRead += n
		b.RowsLoaded += n
	}
	if err := lake.WriteBatch(root, b); err != nil {
		t.Fatal(err)
	}
	if err := lake.AttachInputs(context.Background(), db, root); err != nil {
		t.Fatal(err)
	}
}

// updateIncrementally runs Update and fails unless it was incremental.
func updateIncrementally(t *testing.T, db *sql.DB, root string, o build.Options) build.Result {
	t.Helper()
	res, err := build.Update(context.Background(), db, root, o)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Incremental {
		t.Fatalf("full build: %s", res.FullReason)
	}
	return res
}

// contactRows renders (contact_id, customer_key, case_id, started_at) as the
// contacts SELECT writeBatch takes.
func contactRows(rows ...[4]string) string {
	q := ""
	for i, r := range rows {
		if i > 0 {
			q += " UNION ALL "
		}
		key, cs := "NULL", "NULL"
		if r[1] != "" {
			key = duck.Quote(r[1])
		}
		if r[2] != "" {
			cs = duck.Quote(r[2])
		}
		q += fmt.Sprintf(`SELECT %s AS contact_id, 'acd' AS source_system, CAST(%s AS VARCHAR) AS customer_key, CAST(%s AS VARCHAR) AS case_id,
			'phone' AS channel, 'Billing' AS department, 'a1' AS agent_id, 'T1' AS team, 'bill' AS topic,
			TIMESTAMPTZ %s AS started_at, 30.0 AS wait_seconds, 300.0 AS handle_seconds, 'resolved' AS disposition`,
			duck.Quote(r[0]), key, cs, duck.Quote(r[3]))
	}
	return q
}

// TestIncrementalCases: the links that reach across persons. A new
// contact's case turns an event that attached by person (to Q) into one that
// attaches by case (to R): Q is recomputed although nothing of Q's is new.
// A second person's contact with A's case shares A's case event. A key
// stitched to a person only now moves its earlier contacts to that person.
// A survey arrives for an old contact; an anonymous contact is added; the
// new end of data closes one open repeat window and leaves another open.
// The update must equal a full build.
func TestIncrementalCases(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	root := t.TempDir()
	day := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)

	filler := make([][4]string, 0, 40)
	for i := range 40 {
		filler = append(filler, [4]string{fmt.Sprintf("f%d", i), fmt.Sprintf("F%d", i), "", fmt.Sprintf("2024-01-0%d 09:00:00+00", 1+i%9)})
	}
	writeBatch(t, db, root, "b1", day, map[string]string{
		"contacts": contactRows(append(filler,
			[4]string{"c1", "A", "K1", "2024-01-02 10:00:00+00"},
			[4]string{"c2", "Q", "", "2024-01-03 10:00:00+00"},
			[4]string{"c3", "R", "", "2024-01-05 10:00:00+00"},
			[4]string{"c4", "T", "", "2024-01-06 10:00:00+00"},
			[4]string{"c5", "", "", "2024-01-07 10:00:00+00"},
			[4]string{"c6", "S", "", "2024-01-25 10:00:00+00"},
			[4]string{"c10", "W", "", "2024-01-20 10:00:00+00"},
		)...),
		"outcomes": `SELECT * FROM (VALUES
			('e1', 'crm', 'Q', 'K2', TIMESTAMPTZ '2024-01-04 10:00:00+00', 'resolved'),
			('e2', 'crm', NULL, 'K1', TIMESTAMPTZ '2024-01-06 10:00:00+00', 'complaint'),
			('e3', 'crm', 'A', 'K1', TIMESTAMPTZ '2024-01-03 10:00:00+00', 'resolved'))
			t(event_id, source_system, customer_key, case_id, occurred_at, kind)`,
		"identities": `SELECT 'crm' AS source_system, 'Q' AS customer_key, 'acd/Q' AS person_id`,
	})
	o := build.DefaultOptions()
	o.Batches = []string{"b1"}
	if _, err := build.Build(ctx, db, root, o); err != nil {
		t.Fatal(err)
	}
	var before string
	if err := db.QueryRow("SELECT string_agg(journey_id || '/' || attached_by, ' ' ORDER BY journey_id) FROM read_parquet(" + mart(root, "outcome_links") + ") WHERE event_id = 'e1'").Scan(&before); err != nil {
		t.Fatal(err)
	}
	if before != "acd:c2/person" {
		t.Fatalf("before: e1 attached to %q, want Q's journey by person", before)
	}

	writeBatch(t, db, root, "b2", day.Add(24*time.Hour), map[string]string{
		"contacts": contactRows(
			[4]string{"c7", "R", "K2", "2024-01-28 10:00:00+00"},
			[4]string{"c8", "B", "K1", "2024-01-28 11:00:00+00"},
			[4]string{"c9", "", "", "2024-01-28 12:00:00+00"},
		),
		"identities": `SELECT 'acd' AS source_system, 'T' AS customer_key, 'person-A' AS person_id
			UNION ALL SELECT 'acd', 'A', 'person-A'`,
		"surveys": `SELECT 'c3' AS contact_id, 'acd' AS source_system, TIMESTAMPTZ '2024-01-06 10:00:00+00' AS answered_at, 1.0 AS csat, 0 AS nps`,
	})
	o.Batches = []string{"b1", "b2"}
	res := updateIncrementally(t, db, root, o)
	var after string
	if err := db.QueryRow("SELECT string_agg(journey_id || '/' || attached_by, ' ' ORDER BY journey_id) FROM read_parquet(" + mart(root, "outcome_links") + ") WHERE event_id = 'e1'").Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != "acd:c7/case" {
		t.Errorf("after: e1 attached to %q, want R's case journey", after)
	}
	equalsFull(t, db, root, o)
	// Recomputed: Q (no new data of its own), R, B, A's new person (case
	// K1, and the keys A and T stitched to it), crm/A (event e3 of case K1),
	// W, whose repeat window (20 January + 7 days) was open at the previous
	// end of data (25 January 10:00) and is closed at the new one (28
	// January 12:00), and S, whose journey window is still open but whose
	// FCR ladder's 1- and 3-day windows (25 January + 1, + 3 days) closed:
	// repeat_within_1d and _3d turn from NULL to known. Not the filler
	// persons.
	if res.Persons != 7 {
		t.Errorf("recomputed %d persons, want the 7 the new data reaches", res.Persons)
	}
}

// TestIncrementalMonths: the big marts are kept by month and an update
// rewrites only the months whose rows change. A late contact of P on 30
// January joins P's journey of 1 February, which now starts in January:
// journeys of February (P's was its only one) disappear, contact_facts of
// January and February are rewritten, March's files stay the very same.
func TestIncrementalMonths(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	root := t.TempDir()
	day := time.Date(2024, 3, 20, 0, 0, 0, 0, time.UTC)
	var rows [][4]string
	for i := range 10 {
		rows = append(rows,
			[4]string{fmt.Sprintf("j%d", i), fmt.Sprintf("J%d", i), "", fmt.Sprintf("2024-01-0%d 09:00:00+00", 1+i%9)},
			[4]string{fmt.Sprintf("m%d", i), fmt.Sprintf("M%d", i), "", fmt.Sprintf("2024-03-0%d 09:00:00+00", 1+i%9)})
	}
	writeBatch(t, db, root, "b1", day, map[string]string{
		"contacts": contactRows(append(rows, [4]string{"p1", "P", "", "2024-02-01 10:00:00+00"})...),
	})
	o := build.DefaultOptions()
	o.Batches = []string{"b1"}
	if _, err := build.Build(ctx, db, root, o); err != nil {
		t.Fatal(err)
	}
	file := func(mart, month string) string { return filepath.Join(root, "marts", mart, month+".parquet") }
	stat := func(p string) os.FileInfo {
		t.Helper()
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi
	}
	march := map[string]os.FileInfo{"journeys": stat(file("journeys", "2024-03")), "contact_facts": stat(file("contact_facts", "2024-03"))}
	feb := stat(file("contact_facts", "2024-02"))
	stat(file("journeys", "2024-02"))

	writeBatch(t, db, root, "b2", day.Add(24*time.Hour), map[string]string{
		"contacts": contactRows([4]string{"p0", "P", "", "2024-01-30 10:00:00+00"}),
	})
	o.Batches = []string{"b1", "b2"}
	updateIncrementally(t, db, root, o)
	for mart, before := range march {
		if !os.SameFile(before, stat(file(mart, "2024-03"))) {
			t.Errorf("%s of March was rewritten; nothing in it changed", mart)
		}
	}
	if os.SameFile(feb, stat(file("contact_facts", "2024-02"))) {
		t.Error("contact_facts of February was not rewritten; p1 is now a repeat contact")
	}
	if _, err := os.Stat(file("journeys", "2024-02")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("journeys of February still there (%v); its only journey now starts in January", err)
	}
	equalsFull(t, db, root, o)
}
