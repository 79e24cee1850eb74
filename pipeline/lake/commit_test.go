package lake

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcnamara/mcnamara/sql/duck"
)

func writeParquet(t *testing.T, root, path, q string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	if _, err := db.Exec("COPY (" + q + ") TO " + duck.Quote(path) + " (FORMAT parquet)"); err != nil {
		t.Fatal(err)
	}
}

// stage writes a batch of contacts over two date partitions (and one
// reject file) into the staging area, as ingest does, and returns its
// record.
func stage(t *testing.T, root, id string, at time.Time) Batch {
	t.Helper()
	b := Batch{ID: id, StartedAt: at, FinishedAt: at}
	for i, day := range []string{"2026-01-05", "2026-01-06"} {
		rel := "contacts/date=" + day + "/" + id + "_f000_0.parquet"
		writeParquet(t, root, StagingPath(root, id, rel), `SELECT '`+id+day+`' || range AS contact_id, 'acd' AS source_system, 'phone' AS channel,
			TIMESTAMPTZ '`+day+` 10:00:00+00' AS started_at, '`+id+`' AS _batch_id, 'x.csv' AS _source_file, range AS _source_line FROM range(`+string(rune('2'+i))+`)`)
		b.Files = append(b.Files, File{Path: rel, Table: "contacts", Rows: int64(2 + i)})
	}
	rel := "_rejects/contacts/" + id + "_f000.parquet"
	writeParquet(t, root, StagingPath(root, id, rel), `SELECT '`+id+`' AS _batch_id, 'contacts' AS "table", 'x.csv' AS _source_file, 9::BIGINT AS _source_line,
		NULL::VARCHAR AS "column", 'bad' AS reason, 'raw' AS raw`)
	b.RejectFiles = []File{{Path: rel, Table: "contacts", Rows: 1}}
	b.Inputs = []Input{{Path: "x.csv", RowsRead: 6, RowsLoaded: 5, RowsRejected: 1}}
	b.RowsRead, b.RowsLoaded, b.RowsRejected = 6, 5, 1
	return b
}

// outsideRows is what a Parquet engine globbing the table folders reads
// (contacts/date=*/*.parquet, _rejects/contacts/*.parquet): the batches of
// the files it finds, and their rows.
func outsideRows(t *testing.T, root string) (map[string]bool, int64) {
	t.Helper()
	db := openDB(t)
	ids := map[string]bool{}
	var n int64
	for _, g := range []string{"contacts/date=*/*.parquet", "_rejects/contacts/*.parquet"} {
		files, _ := filepath.Glob(filepath.Join(root, g))
		for _, f := range files {
			rows, err := db.Query("SELECT _batch_id, count(*) FROM read_parquet(" + duck.Quote(f) + ") GROUP BY ALL")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id string
				var c int64
				if err := rows.Scan(&id, &c); err != nil {
					t.Fatal(err)
				}
				ids[id] = true
				n += c
			}
			rows.Close()
		}
	}
	return ids, n
}

// TestCommitCrashPoints: a batch interrupted at each point of its commit
// never shows a file of an uncommitted batch to an outside reader of the
// table folders; check passes at every point (a committed batch whose files
// are still in staging is read from there); Recover converges on the batch
// fully in place, or on no trace of it.
func TestCommitCrashPoints(t *testing.T) {
	ctx := context.Background()
	crash := errors.New("crash")
	for _, c := range []struct {
		point     string
		committed bool
	}{
		{"ingest:before-manifest", false},
		{"ingest:manifest-written", true},
		{"ingest:mid-publish", true},
		{"ingest:published", true},
		{"", true},
	} {
		t.Run(strings.TrimPrefix(c.point, "ingest:"), func(t *testing.T) {
			root := t.TempDir()
			db := openDB(t)
			first := stage(t, root, "b1", time.Now())
			if err := Commit(root, first, nil); err != nil {
				t.Fatal(err)
			}
			b := stage(t, root, "b2", time.Now().Add(time.Second))
			hook := func(p string) error {
				if p == c.point {
					return crash
				}
				return nil
			}
			err := Commit(root, b, hook)
			if c.point != "" && !errors.Is(err, crash) {
				t.Fatalf("err = %v, want the crash", err)
			}
			if c.point == "" && err != nil {
				t.Fatal(err)
			}
			// A killed process runs no cleanup: before the commit point
			// its staged files stay where Commit's error path removed them.
			if !c.committed {
				stage(t, root, "b2", time.Now().Add(time.Second))
			}
			batches, err := ReadManifest(root)
			if err != nil {
				t.Fatal(err)
			}
			wantRows := int64(6)
			wantIDs := map[string]bool{"b1": true}
			if c.committed {
				wantRows, wantIDs["b2"] = 12, true
			}
			if len(batches) != len(wantIDs) {
				t.Fatalf("%d batches committed, want %d", len(batches), len(wantIDs))
			}
			ids, n := outsideRows(t, root)
			for id := range ids {
				if !wantIDs[id] {
					t.Errorf("an outside reader sees rows of uncommitted batch %s", id)
				}
			}
			if n > wantRows {
				t.Errorf("an outside reader sees %d rows, more than the %d committed", n, wantRows)
			}
			if c.point != "ingest:manifest-written" && c.point != "ingest:mid-publish" && n != wantRows {
				t.Errorf("an outside reader sees %d rows, want the %d committed", n, wantRows)
			}
			rep, err := Check(ctx, db, root)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Problems) > 0 {
				t.Errorf("check: %v", rep.Problems)
			}
			if err := AttachInputs(ctx, db, root); err != nil {
				t.Fatal(err)
			}
			var viewRows, rejects int64
			if err := db.QueryRow("SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM rejects)").Scan(&viewRows, &rejects); err != nil {
				t.Fatal(err)
			}
			if viewRows+rejects != wantRows {
				t.Errorf("views read %d + %d rows, want %d", viewRows, rejects, wantRows)
			}

			// The next writer converges: everything committed in place,
			// nothing else anywhere.
			if err := Recover(root); err != nil {
				t.Fatal(err)
			}
			if _, n := outsideRows(t, root); n != wantRows {
				t.Errorf("after recovery an outside reader sees %d rows, want %d", n, wantRows)
			}
			entries, _ := os.ReadDir(filepath.Join(root, StagingDir))
			if len(entries) > 0 {
				t.Errorf("staging not empty after recovery: %v", entries)
			}
			if un, _ := Unpublished(root, batches); len(un) > 0 {
				t.Errorf("unpublished after recovery: %v", un)
			}
		})
	}
}

// TestRecoverOldLake: a lake an older version wrote (files moved into the
// table folders before the manifest record) keeps reading, and the orphans
// of its interrupted batches are still removed; a staging directory it left
// behind for a committed batch (killed before its cleanup) is removed
// without touching the batch.
func TestRecoverOldLake(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	db := openDB(t)
	b := stage(t, root, "old1", time.Now())
	for _, f := range batchFiles(b) {
		dst := filepath.Join(root, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(StagingPath(root, b.ID, f.Path), dst); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteBatch(root, b); err != nil {
		t.Fatal(err)
	}
	// an interrupted old batch: moved, never recorded
	o := stage(t, root, "old2", time.Now())
	orphan := filepath.Join(root, filepath.FromSlash(o.Files[0].Path))
	if err := os.Rename(StagingPath(root, o.ID, o.Files[0].Path), orphan); err != nil {
		t.Fatal(err)
	}
	rep, err := Check(ctx, db, root)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].Reason, "not listed by any batch") {
		t.Errorf("check of an old lake with an orphan: %v", rep.Problems)
	}
	if err := Recover(root); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(orphan); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("orphan %s not removed: %v", orphan, err)
	}
	if rep, err = Check(ctx, db, root); err != nil || len(rep.Problems) > 0 {
		t.Errorf("check after recovery: %v %v", rep.Problems, err)
	}
	if err := AttachInputs(ctx, db, root); err != nil {
		t.Fatal(err)
	}
	var got []string
	rows, err := db.Query("SELECT DISTINCT _batch_id FROM contacts")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		got = append(got, s)
	}
	rows.Close()
	if !slices.Equal(got, []string{"old1"}) {
		t.Errorf("batches read: %v", got)
	}
}

// TestTableRows: a table's rows are the sum over every batch's files of
// that table, whatever other tables the batches hold.
func TestTableRows(t *testing.T) {
	batches := []Batch{
		{ID: "a", Files: []File{{Table: "contacts", Rows: 3}, {Table: "outcomes", Rows: 100}, {Table: "contacts", Rows: 4}}},
		{ID: "b", Files: []File{{Table: "surveys", Rows: 9}}},
		{ID: "c", Files: []File{{Table: "contacts", Rows: 5}}},
	}
	if got := TableRows(batches, "contacts"); got != 12 {
		t.Errorf("contacts: %d rows, want 12", got)
	}
	if got := TableRows(nil, "contacts"); got != 0 {
		t.Errorf("no batches: %d rows", got)
	}
}
