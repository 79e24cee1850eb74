package query

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mcnamara/mcnamara/sql/duck"
)

// TestParquetManyBatches writes a result of many Arrow batches with long,
// varying strings (the writer keeps min/max statistics across batches) and
// reads it back: every row and value must survive.
func TestParquetManyBatches(t *testing.T) {
	ctx := context.Background()
	db, err := duck.Open(ctx, duck.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
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
	db, err := duck.Open(ctx, duck.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
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
