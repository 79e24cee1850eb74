package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcnamara/mcnamara/pipeline/contract"
	"github.com/mcnamara/mcnamara/pipeline/ingest"
	"github.com/mcnamara/mcnamara/pipeline/lake"
)

func FuzzParseMapping(f *testing.F) {
	for _, p := range []string{"testdata/calls.sql", "testdata/cases/unterminated_quote/mapping.sql"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("-- table: outcomes\n-- timezone: Nowhere/Else\nSELECT 1 FROM read_csv({{file}})")
	f.Add("-- match: [\nSELECT")
	f.Fuzz(func(t *testing.T, text string) {
		m, err := ingest.ParseMapping("fuzz.sql", text)
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.sql") {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		if _, err := contract.Lookup(m.Table); err != nil {
			t.Errorf("accepted unknown table %q", m.Table)
		}
		if !strings.Contains(m.Bind("/x/y'z.csv"), "'/x/y''z.csv'") {
			t.Errorf("Bind does not quote the path: %s", m.Bind("/x/y'z.csv"))
		}
	})
}

// FuzzIngestCSV feeds arbitrary file content through the mapping,
// validation and lake writing: whatever the bytes, the batch either refuses
// the file as a whole or reconciles read = loaded + rejected, never fails
// with an internal error, and every rejected row keeps bytes of the file.
func FuzzIngestCSV(f *testing.F) {
	const header = "CallID,Caller,Queue,Agent,Start,QueueSec,TalkSec,Wrap\n"
	f.Add(header + "c1,k1,Billing,a1,01/05/2026 09:00:00,10,300,RESOLVED\n")
	f.Add(header + "c1,k1,\"B,\"\"x\",a1,01/05/2026 09:00:00,-1,1e308,done\nc1,k1,B,a1,13/13/2026 25:00:00,,,\n")
	f.Add(header + "c1,k1,B\x00,a1,01/05/2026 09:00:00,1,1,resolved\r\nc2,\xff\xfe,B,a1,01/05/2026 09:00:00,1,1,resolved")
	f.Add("\xef\xbb\xbf" + header)
	f.Add("")
	db := openDB(f)
	m := testMapping(f)
	f.Fuzz(func(t *testing.T, content string) {
		dir := t.TempDir()
		file := filepath.Join(dir, "calls.csv")
		if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := ingest.Run(context.Background(), db, ingest.Options{Lake: filepath.Join(dir, "lake")},
			[]ingest.Source{{Mapping: m, Files: []string{file}}})
		if err != nil {
			t.Fatalf("internal error (want a file error or rejects): %v", err)
		}
		for _, in := range res.Batch.Inputs {
			if in.Error == "" && in.RowsRead != in.RowsLoaded+in.RowsRejected {
				t.Errorf("read %d != loaded %d + rejected %d", in.RowsRead, in.RowsLoaded, in.RowsRejected)
			}
		}
		if res.Batch.RowsRejected == 0 {
			return
		}
		if err := lake.AttachInputs(context.Background(), db, filepath.Join(dir, "lake")); err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query("SELECT _source_line, raw_bytes FROM rejects")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var line int64
			var raw []byte
			if err := rows.Scan(&line, &raw); err != nil {
				t.Fatal(err)
			}
			if raw == nil || !strings.Contains(content, string(raw)) {
				t.Errorf("reject at line %d: raw_bytes %q are not bytes of the file", line, raw)
			}
		}
	})
}
