package build_test

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mcnamara/mcnamara/pipeline/contract"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// openDB opens a small in-memory DuckDB for tests.
func openDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := duck.Open(context.Background(), duck.Options{Threads: 2, MemoryLimit: "1GB", TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// attachFixture creates the input views from hand-made CSVs in dir
// (contacts.csv, outcomes.csv, surveys.csv, identities.csv; any may be
// missing). A CSV names only the contract columns it uses; the others are
// NULL, and every value is cast to its contract type, as in the lake.
func attachFixture(t testing.TB, db *sql.DB, dir string) {
	t.Helper()
	for _, tab := range contract.Tables {
		path := filepath.Join(dir, tab.Name+".csv")
		header, err := csvHeader(path)
		if errors.Is(err, fs.ErrNotExist) {
			header = nil
		} else if err != nil {
			t.Fatal(err)
		}
		for _, h := range header {
			if _, ok := tab.Column(h); !ok {
				t.Fatalf("%s: column %q is not in the %s contract", path, h, tab.Name)
			}
		}
		var cols []string
		for _, c := range tab.Columns {
			expr := "NULL"
			if slices.Contains(header, c.Name) {
				expr = fmt.Sprintf("nullif(%s, '')", duck.Ident(c.Name))
			}
			cols = append(cols, fmt.Sprintf("CAST(%s AS %s) AS %s", expr, c.Type, duck.Ident(c.Name)))
		}
		cols = append(cols, "'fixture' AS _batch_id", duck.Quote(tab.Name+".csv")+" AS _source_file")
		var q string
		if header == nil {
			cols = append(cols, "CAST(NULL AS BIGINT) AS _source_line")
			q = "SELECT " + strings.Join(cols, ", ") + " WHERE false"
		} else {
			cols = append(cols, "CAST(row_number() OVER () + 1 AS BIGINT) AS _source_line")
			q = fmt.Sprintf("SELECT %s FROM read_csv(%s, header = true, all_varchar = true)",
				strings.Join(cols, ", "), duck.Quote(path))
		}
		if _, err := db.Exec(fmt.Sprintf("CREATE OR REPLACE VIEW %s AS %s", duck.Ident(tab.Name), q)); err != nil {
			t.Fatalf("fixture view %s: %v", tab.Name, err)
		}
	}
}

func csvHeader(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	return r.Read()
}
