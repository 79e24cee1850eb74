package ingest_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcnamara/mcnamara/internal/golden"
	"github.com/mcnamara/mcnamara/pipeline/ingest"
	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/sql/duck"
)

func openDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := duck.Open(context.Background(), duck.Options{Threads: 2, MemoryLimit: "1GB", TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func testMapping(t testing.TB) ingest.Mapping {
	t.Helper()
	text, err := os.ReadFile("testdata/calls.sql")
	if err != nil {
		t.Fatal(err)
	}
	m, err := ingest.ParseMapping("testdata/calls.sql", string(text))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBadInputCorpus loads each testdata/cases/<case>/*.csv as one batch and
// compares the outcome (per-file counts, loaded rows with their lines, every
// reject with line, column and reason) with the case's want.txt.
func TestBadInputCorpus(t *testing.T) {
	cases, err := filepath.Glob("testdata/cases/*")
	if err != nil {
		t.Fatal(err)
	}
	m := testMapping(t)
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
			sort.Strings(files)
			m := m
			if _, err := os.Stat(filepath.Join(dir, "mapping.sql")); err == nil {
				text, _ := os.ReadFile(filepath.Join(dir, "mapping.sql"))
				if m, err = ingest.ParseMapping("mapping.sql", string(text)); err != nil {
					t.Fatal(err)
				}
			}
			root := t.TempDir()
			db := openDB(t)
			res, err := ingest.Run(context.Background(), db, ingest.Options{Lake: root, BusinessTZ: "America/New_York"},
				[]ingest.Source{{Mapping: m, Files: files}})
			if err != nil {
				t.Fatal(err)
			}
			got := describe(t, db, root, dir, res)

			golden.Check(t, filepath.Join(dir, "want.txt"), got)

			// Nothing lost: every input reconciles and the lake checks clean.
			for _, in := range res.Batch.Inputs {
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

			// Idempotent: the same files again change nothing.
			before := snapshot(t, root)
			res2, err := ingest.Run(context.Background(), db, ingest.Options{Lake: root, BusinessTZ: "America/New_York"},
				[]ingest.Source{{Mapping: m, Files: files}})
			if err != nil {
				t.Fatal(err)
			}
			if res2.Committed && len(res.FileErrors) == 0 {
				t.Errorf("second ingest of the same files committed batch %s", res2.Batch.ID)
			}
			if res.Committed && len(res.FileErrors) == 0 {
				if diff := cmp.Diff(before, snapshot(t, root)); diff != "" {
					t.Errorf("second ingest changed the lake:\n%s", diff)
				}
			}
		})
	}
}

// describe renders a batch's outcome as stable text for the golden file.
func describe(t *testing.T, db *sql.DB, root, dir string, res ingest.Result) string {
	t.Helper()
	var b strings.Builder
	clean := func(s string) string {
		s = strings.ReplaceAll(s, res.Batch.ID, "BATCH")
		abs, _ := filepath.Abs(dir)
		s = strings.ReplaceAll(s, abs+string(filepath.Separator), "")
		return strings.ReplaceAll(s, dir+string(filepath.Separator), "")
	}
	fmt.Fprintf(&b, "committed: %v\n", res.Committed)
	for _, in := range res.Batch.Inputs {
		fmt.Fprintf(&b, "file %s: read=%d loaded=%d rejected=%d", clean(in.Path), in.RowsRead, in.RowsLoaded, in.RowsRejected)
		if in.Error != "" {
			fmt.Fprintf(&b, " error=%q", clean(in.Error))
		}
		b.WriteString("\n")
	}
	if err := lake.AttachInputs(context.Background(), db, root); err != nil {
		t.Fatal(err)
	}
	b.WriteString("loaded:\n")
	rows, err := db.Query(`SELECT _source_file, _source_line, contact_id, coalesce(customer_key, '-'), strftime(started_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ'),
		coalesce(department, '-'), coalesce(wait_seconds::VARCHAR, '-'), coalesce(handle_seconds::VARCHAR, '-'), coalesce(disposition, '-'), "date"::VARCHAR
		FROM contacts ORDER BY _source_file, _source_line`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var f, id, key, at, dep, wait, handle, disp, date string
		var line int64
		if err := rows.Scan(&f, &line, &id, &key, &at, &dep, &wait, &handle, &disp, &date); err != nil {
			t.Fatal(err)
		}
		if len(dep) > 20 {
			dep = dep[:20] + fmt.Sprintf("…(%d chars)", len(dep))
		}
		fmt.Fprintf(&b, "  %s:%d %s key=%s at=%s dept=%q wait=%s handle=%s disp=%s date=%s\n", clean(f), line, id, key, at, dep, wait, handle, disp, date)
	}
	rows.Close()
	b.WriteString("rejects:\n")
	rows, err = db.Query(`SELECT _source_file, _source_line, coalesce("column", '-'), reason, raw_bytes, coalesce(left(mapped, 100), '-')
		FROM rejects ORDER BY _source_file, _source_line`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var f, col, reason, mapped string
		var raw []byte
		var line int64
		if err := rows.Scan(&f, &line, &col, &reason, &raw, &mapped); err != nil {
			t.Fatal(err)
		}
		if len(raw) > 120 {
			raw = append(raw[:120:120], "…"...)
		}
		fmt.Fprintf(&b, "  %s:%d column=%s reason=%q\n    raw=%q\n    mapped=%q\n", clean(f), line, col, clean(reason), raw, mapped)
	}
	return b.String()
}

// snapshot lists the lake's files and sizes (the manifest included).
func snapshot(t *testing.T, root string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && !strings.HasSuffix(p, lake.LockFile) {
			rel, _ := filepath.Rel(root, p)
			out[rel] = fi.Size()
		}
		return nil
	})
	return out
}

// TestRejectsKeepRecordBytes: for each rejected row of the bad-input
// corpus, the stored raw_bytes are the bytes of its record in the file, and
// raw is their text. The records are found by encoding/csv (not the
// ingest's own scanner): a record ends where the reader's offset stands
// after it, less its line terminator; the empty lines it skips are lines
// too, as the lake numbers them.
func TestRejectsKeepRecordBytes(t *testing.T) {
	cases, _ := filepath.Glob("testdata/cases/*")
	m := testMapping(t)
	checked := 0
	for _, dir := range cases {
		files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
		m := m
		if text, err := os.ReadFile(filepath.Join(dir, "mapping.sql")); err == nil {
			if m, err = ingest.ParseMapping("mapping.sql", string(text)); err != nil {
				t.Fatal(err)
			}
		}
		root := t.TempDir()
		db := openDB(t)
		if _, err := ingest.Run(context.Background(), db, ingest.Options{Lake: root, BusinessTZ: "America/New_York"},
			[]ingest.Source{{Mapping: m, Files: files}}); err != nil {
			t.Fatal(err)
		}
		if err := lake.AttachInputs(context.Background(), db, root); err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query(`SELECT _source_file, _source_line, raw, raw_bytes FROM rejects`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var f, raw string
			var line int64
			var b []byte
			if err := rows.Scan(&f, &line, &raw, &b); err != nil {
				t.Fatal(err)
			}
			content, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want, ok := csvRecord(t, content, line)
			if !ok {
				t.Errorf("%s:%d: no such record", f, line)
				continue
			}
			if !bytes.Equal(b, want) {
				t.Errorf("%s:%d: raw_bytes %q, the file has %q", f, line, b, want)
			}
			if raw != strings.ToValidUTF8(string(want), "\uFFFD") {
				t.Errorf("%s:%d: raw %q is not the record's text", f, line, raw)
			}
			checked++
		}
		rows.Close()
	}
	if checked < 20 {
		t.Errorf("only %d rejects compared; the corpus has more", checked)
	}
	t.Logf("%d rejected records compared byte for byte", checked)
}

// csvRecord returns record n (1-based, empty lines counted) of a CSV file.
func csvRecord(t *testing.T, content []byte, n int64) ([]byte, bool) {
	t.Helper()
	lineStart := []int{0}
	for i, c := range content {
		if c == '\n' {
			lineStart = append(lineStart, i+1)
		}
	}
	r := csv.NewReader(bytes.NewReader(content))
	r.LazyQuotes, r.FieldsPerRecord = true, -1
	var num int64
	prevEnd := 0
	for {
		_, err := r.Read()
		if err == io.EOF {
			return nil, false
		}
		if err != nil {
			t.Fatalf("encoding/csv: %v", err)
		}
		line, col := r.FieldPos(0)
		start := lineStart[line-1] + col - 1
		// the empty lines skipped before it
		for _, ls := range lineStart[:line-1] {
			if ls >= prevEnd {
				num++
				if num == n {
					return []byte{}, true
				}
			}
		}
		num++
		end := int(r.InputOffset())
		prevEnd = end
		if num == n {
			rec := content[start:end]
			rec = bytes.TrimSuffix(rec, []byte("\n"))
			return bytes.TrimSuffix(rec, []byte("\r")), true
		}
	}
}

// TestSourceKnownByName: a configured source's file is not loaded again
// when the same config is given by another path (its mapping's name holds
// the path as given), while the same file through a source of another name
// is a new load.
func TestSourceKnownByName(t *testing.T) {
	ctx := context.Background()
	root, db := t.TempDir(), openDB(t)
	files := []string{"testdata/cases/clean/calls.csv"}
	ingestAs := func(mappingName, source string) ingest.Result {
		t.Helper()
		m := testMapping(t)
		m.Name = mappingName
		res, err := ingest.Run(ctx, db, ingest.Options{Lake: root, BusinessTZ: "America/New_York"},
			[]ingest.Source{{Name: source, Mapping: m, Files: files}})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := ingestAs("mcnamara.toml [source phone]", "phone"); !res.Committed {
		t.Fatal("the first load committed nothing")
	}
	res := ingestAs("/srv/mcnamara/mcnamara.toml [source phone]", "phone")
	if res.Committed {
		t.Errorf("the same source by another config path loaded the file again: %+v", res.Batch.Inputs)
	}
	if res := ingestAs("/srv/mcnamara/mcnamara.toml [source phone-copy]", "phone-copy"); !res.Committed {
		t.Error("the same file through another source was skipped as a re-delivery")
	}
}

// TestDuplicateAgainstLake: a key an earlier batch loaded is refused with
// that batch's id, whatever else the lake holds; new keys beside it load.
func TestDuplicateAgainstLake(t *testing.T) {
	ctx := context.Background()
	m := testMapping(t)
	root, dir := t.TempDir(), t.TempDir()
	db := openDB(t)
	header := "CallID,Caller,Queue,Agent,Start,QueueSec,TalkSec,Wrap\n"
	write := func(name string, ids ...string) string {
		var b strings.Builder
		b.WriteString(header)
		for _, id := range ids {
			b.WriteString(id + ",k" + id + ",Billing,a1,01/05/2026 09:00:00,10,300,RESOLVED\n")
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	first, err := ingest.Run(ctx, db, ingest.Options{Lake: root, BusinessTZ: "America/New_York"},
		[]ingest.Source{{Mapping: m, Files: []string{write("day1.csv", "c1", "c2", "c3")}}})
	if err != nil || !first.Committed {
		t.Fatalf("first batch: committed %v, %v", first.Committed, err)
	}
	second, err := ingest.Run(ctx, db, ingest.Options{Lake: root, BusinessTZ: "America/New_York"},
		[]ingest.Source{{Mapping: m, Files: []string{write("day2.csv", "c4", "c2", "c5")}}})
	if err != nil {
		t.Fatal(err)
	}
	in := second.Batch.Inputs[0]
	if in.RowsLoaded != 2 || in.RowsRejected != 1 {
		t.Fatalf("second batch loaded %d, rejected %d; want 2 and 1", in.RowsLoaded, in.RowsRejected)
	}
	if err := lake.AttachInputs(ctx, db, root); err != nil {
		t.Fatal(err)
	}
	var line int64
	var reason string
	if err := db.QueryRow("SELECT _source_line, reason FROM rejects").Scan(&line, &reason); err != nil {
		t.Fatal(err)
	}
	want := "duplicate key (source_system, contact_id) = (acd, c2): already loaded by batch " + first.Batch.ID
	if line != 3 || reason != want {
		t.Errorf("reject at line %d: %q; want line 3: %q", line, reason, want)
	}
}
