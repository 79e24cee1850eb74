package query

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/mcnamara/mcnamara/sql/duck"
)

// openConn opens an in-memory DuckDB and one connection, closed with the test.
func openConn(t *testing.T) (*sql.DB, *sql.Conn) {
	t.Helper()
	ctx := context.Background()
	db, err := duck.Open(ctx, duck.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return db, conn
}

// TestParquetManyBatches writes a result of many Arrow batches with long,
// varying strings (the writer keeps min/max statistics across batches) and
// reads it back: every row and value must survive.
func TestParquetManyBatches(t *testing.T) {
	ctx := context.Background()
	db, conn := openConn(t)
	var out bytes.Buffer
	req := Request{Name: "t.sql", Format: "parquet", Params: map[string]string{"n": "300000"},
		SQL: "SELECT i, repeat(chr(CAST(65 + i % 26 AS INTEGER)), CAST(1 + i % 40 AS INTEGER)) || i::VARCHAR AS s FROM range(CAST($n AS BIGINT)) t(i)"}
	if err := Run(ctx, conn, req, &out); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "out.parquet")
	if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var n, sum int64
	var maxLen int
	if err := db.QueryRow("SELECT count(*), sum(i), max(length(s)) FROM read_parquet("+duck.Quote(p)+")").Scan(&n, &sum, &maxLen); err != nil {
		t.Fatal(err)
	}
	if n != 300000 || sum != 300000*299999/2 || maxLen != 46 {
		t.Errorf("read back n=%d sum=%d maxLen=%d", n, sum, maxLen)
	}
}

func TestParseParams(t *testing.T) {
	got, err := ParseParams([]string{"a=1", "$b=x=y", "c="})
	if err != nil || got["a"] != "1" || got["b"] != "x=y" || got["c"] != "" {
		t.Errorf("ParseParams = %v, %v", got, err)
	}
	for _, bad := range [][]string{{"novalue"}, {"=1"}, {"a=1", "a=2"}} {
		if _, err := ParseParams(bad); err == nil {
			t.Errorf("ParseParams(%q) accepted", bad)
		}
	}
	if err := Run(context.Background(), nil, Request{Format: "xml"}, nil); err == nil || !strings.Contains(err.Error(), "want one of table") {
		t.Errorf("bad format error = %v", err)
	}
}

// TestTableFooter: the table format ends with the row count, or with what
// the cap left out, in words a person reads ("1 row", not "1 rows").
func TestTableFooter(t *testing.T) {
	ctx := context.Background()
	_, conn := openConn(t)
	for _, tc := range []struct {
		rows, max int
		want      string
	}{
		{0, 0, "(0 rows)\n"},
		{1, 0, "(1 row)\n"},
		{2, 0, "(2 rows)\n"},
		{3, 2, "… 1 more row not shown: use --format csv|json|parquet (or --max-rows) for all 3\n"},
		{5, 2, "… 3 more rows not shown: use --format csv|json|parquet (or --max-rows) for all 5\n"},
	} {
		var out bytes.Buffer
		req := Request{Name: "-e", Format: "table", MaxRows: tc.max,
			SQL: "SELECT i FROM range(" + strconv.Itoa(tc.rows) + ") t(i)"}
		if err := Run(ctx, conn, req, &out); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); !strings.HasSuffix(got, tc.want) {
			t.Errorf("%d rows, max %d: output ends %q, want %q", tc.rows, tc.max, got[max(0, len(got)-90):], tc.want)
		}
	}
}

// TestValuesByType: every output format writes a value by its column's
// type, the same for every row: DECIMAL and HUGEINT exactly, DOUBLE with
// every digit (csv, json) or rounded for reading (table), a TIMESTAMP at
// midnight with its time, TIME without a date, UUID and INTERVAL as DuckDB
// prints them.
func TestValuesByType(t *testing.T) {
	ctx := context.Background()
	_, conn := openConn(t)
	const q = `SELECT 0.5 AS dec, sum(2.25) AS dec_sum, -1234567.891::DOUBLE AS dbl, 0.1::FLOAT AS flt,
	    1e-9::DOUBLE AS tiny, 'nan'::DOUBLE AS nan, 123456789012345678901234::HUGEINT AS huge,
	    INTERVAL '14 months 3 days 04:05:06.5' AS iv, -INTERVAL '1 day' AS neg_iv,
	    '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'::UUID AS id, '\x00ab'::BLOB AS bl,
	    TIME '10:00:00.25' AS t, DATE '2026-01-02' AS d, TIMESTAMP '2026-01-02 00:00:00' AS ts,
	    TIMESTAMPTZ '2026-01-02 10:00:00+00' AS tz, [1.5, 2] AS l, MAP {'k': 1.5} AS m`
	for _, tc := range []struct{ format, want string }{
		{"csv", "dec,dec_sum,dbl,flt,tiny,nan,huge,iv,neg_iv,id,bl,t,d,ts,tz,l,m\n" +
			`0.5,2.25,-1234567.891,0.1,1e-09,NaN,123456789012345678901234,1 year 2 months 3 days 04:05:06.5,-1 day,` +
			`0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0,\x00ab,10:00:00.25,2026-01-02,2026-01-02 00:00:00,2026-01-02T10:00:00Z,` +
			`"[1.5,2]","[{""key"":""k"",""value"":1.5}]"` + "\n"},
		{"json", "[\n" + `  {"dec": 0.5, "dec_sum": 2.25, "dbl": -1234567.891, "flt": 0.1, "tiny": 1e-09, "nan": null, ` +
			`"huge": 123456789012345678901234, "iv": "1 year 2 months 3 days 04:05:06.5", "neg_iv": "-1 day", ` +
			`"id": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "bl": "\\x00ab", "t": "10:00:00.25", "d": "2026-01-02", ` +
			`"ts": "2026-01-02 00:00:00", "tz": "2026-01-02T10:00:00Z", "l": [1.5,2], "m": [{"key":"k","value":1.5}]}` + "\n]\n"},
	} {
		var out bytes.Buffer
		if err := Run(ctx, conn, Request{Name: "-e", Format: tc.format, SQL: q}, &out); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, out.String()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.format, diff)
		}
	}
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{-1234567.891, "-1234567.891"}, {2.0 / 3, "0.6667"}, {12.345678, "12.3457"},
		{0.000123456, "0.0001235"}, {1e-7, "1e-07"}, {42, "42"}, {1.5e15 + 0.25, "1.5e+15"}, {1e16, "10000000000000000"},
	} {
		if got := floatText(tc.v, 64, true); got != tc.want {
			t.Errorf("table %v: %q, want %q", tc.v, got, tc.want)
		}
	}
}

// TestTableLongValues: in the table format a long value wraps, and one
// past maxCell is cut with "…" and counted under the table; csv keeps it.
func TestTableLongValues(t *testing.T) {
	ctx := context.Background()
	_, conn := openConn(t)
	q := "SELECT 'x' AS k, repeat('abc ', 30) AS note, repeat('z', 500) AS raw"
	var out bytes.Buffer
	if err := Run(ctx, conn, Request{Name: "-e", Format: "table", SQL: q}, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.Contains(got, strings.Repeat("z", cellWidth)+" │") || !strings.Contains(got, "z…") ||
		!strings.HasSuffix(got, "(1 value longer than 180 characters cut short: --format csv|json shows them whole)\n") {
		t.Errorf("table:\n%s", got)
	}
	for _, line := range strings.Split(got, "\n") {
		if n := utf8.RuneCountInString(line); n > 200 {
			t.Errorf("a line of %d characters: %q", n, line)
		}
	}
	out.Reset()
	if err := Run(ctx, conn, Request{Name: "-e", Format: "csv", SQL: q}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), strings.Repeat("z", 500)) {
		t.Error("csv cut a long value")
	}
}

// TestRunChecks: what Run accepts and refuses before it runs anything —
// one SELECT (FROM-first, DESCRIBE, VALUES are SELECTs), its parameters
// (named or positional) all given and every given one used; a syntax
// error or an unknown table names its line.
func TestRunChecks(t *testing.T) {
	ctx := context.Background()
	_, conn := openConn(t)
	for _, tc := range []struct {
		name, sql string
		params    map[string]string
		want      string // the CSV, or the error's text
	}{
		{"select", "SELECT 1 AS a", nil, "a\n1\n"},
		{"from first", "FROM range(2) t(a)", nil, "a\n0\n1\n"},
		{"values", "VALUES (3)", nil, "col0\n3\n"},
		{"describe", "DESCRIBE SELECT 1 AS a", nil, "column_name,column_type"},
		{"positional params", "SELECT CAST($1 AS INTEGER) - CAST($2 AS INTEGER) AS a", map[string]string{"1": "4", "2": "1"}, "a\n3\n"},
		{"positional gap", "SELECT $1 AS a, $3 AS b", map[string]string{"1": "4", "3": "5"}, "up to $3 but not $2"},
		{"positional param missing", "SELECT $1 AS a, $2 AS b", map[string]string{"1": "4"}, "the query uses parameter $2 but it was not given: pass --param 2=VALUE"},
		{"unknown table", "SELECT *\nFROM nowhere", nil, "t.sql:2:"},
		{"named params", "SELECT CAST($x AS INTEGER) + CAST($y AS INTEGER) AS s, CAST($x AS INTEGER) AS x", map[string]string{"x": "1", "y": "2"}, "s,x\n3,1\n"},
		{"a param missing", "SELECT $x AS a, $y AS b", map[string]string{"x": "1"}, "the query uses parameter $y but it was not given: pass --param y=VALUE"},
		{"a param unused", "SELECT 1 AS a", map[string]string{"z": "1"}, "--param z given but the query never uses it (write $z in the SQL, or drop the flag)"},
		{"insert", "INSERT INTO t VALUES (1)", nil, "only a single SELECT (or WITH … SELECT) query can run here: the lake is read-only"},
		{"pivot statement", "PIVOT (SELECT 1 AS a, 2 AS b) ON a USING sum(b)", nil, "only a single SELECT (or WITH … SELECT) query can run here: the lake is read-only"},
		{"two statements", "SELECT 1; SELECT 2", nil, "the file holds 2 statements; put one SELECT per file"},
		{"syntax error", "SELECT 1,\nFROM WHERE", nil, "t.sql:2:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := Run(ctx, conn, Request{Name: "t.sql", SQL: tc.sql, Params: tc.params, Format: "csv"}, &out)
			got := out.String()
			if err != nil {
				got = err.Error()
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
