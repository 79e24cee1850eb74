package main

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// TestLakeReadByParquetGo reads every lake, reject and mart file of the
// test lake with parquet-go, an implementation independent of DuckDB's,
// and checks its row count and a checksum of one text column (the md5 of
// its non-null values in file order) against DuckDB's reading of the same
// file: "plain files any Parquet engine reads", tested.
func TestLakeReadByParquetGo(t *testing.T) {
	root := smallLake(t)
	batches, err := lake.ReadManifest(root)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := lake.TableFiles(root, batches)
	if err != nil {
		t.Fatal(err)
	}
	rejects, err := lake.RejectFiles(root, batches)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, fs := range tables {
		files = append(files, fs...)
	}
	files = append(files, rejects...)
	marts, _ := filepath.Glob(filepath.Join(root, lake.MartsDir, "*.parquet"))
	monthly, _ := filepath.Glob(filepath.Join(root, lake.MartsDir, "*", "*.parquet"))
	files = append(append(files, marts...), monthly...)
	if len(marts) == 0 || len(monthly) == 0 || len(rejects) == 0 {
		t.Fatalf("the test lake lacks marts (%d), monthly marts (%d) or rejects", len(marts), len(monthly))
	}
	db, err := duck.Open(context.Background(), duck.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checked := 0
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		n, col, sum, err := parquetGoRead(f)
		if err != nil {
			t.Errorf("parquet-go cannot read %s: %v", rel, err)
			continue
		}
		if col == "" {
			t.Errorf("%s: parquet-go finds no text column (every lake table and mart has one)", rel)
			continue
		}
		var dn int64
		var dsum string
		q := "SELECT count(*), md5(coalesce(string_agg(" + duck.Ident(col) + ", chr(31) ORDER BY file_row_number), '')) FROM read_parquet(?, file_row_number = true, hive_partitioning = false)"
		if err := db.QueryRow(q, f).Scan(&dn, &dsum); err != nil {
			t.Fatalf("duckdb %s: %v", rel, err)
		}
		if n != dn || sum != dsum {
			t.Errorf("%s: parquet-go reads %d rows (%s checksum %s), DuckDB %d (%s)", rel, n, col, sum, dn, dsum)
		}
		checked++
	}
	t.Logf("%d files read by both", checked)
}

// parquetGoRead returns a file's row count, the first top-level text
// column ("" when there is none) and the md5 of its non-null values joined
// by U+001F in file order.
func parquetGoRead(path string) (int64, string, string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return 0, "", "", err
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return 0, "", "", err
	}
	f, err := parquet.OpenFile(fh, fi.Size())
	if err != nil {
		return 0, "", "", err
	}
	col, idx := "", -1
	for _, field := range f.Schema().Fields() {
		if field.Leaf() && !field.Repeated() && field.Type().Kind() == parquet.ByteArray && field.Type().LogicalType() != nil && field.Type().LogicalType().String() == "STRING" {
			leaf, ok := f.Schema().Lookup(field.Name())
			if ok {
				col, idx = field.Name(), leaf.ColumnIndex
				break
			}
		}
	}
	var vals []string
	var n int64
	buf := make([]parquet.Row, 256)
	for _, rg := range f.RowGroups() {
		rows := rg.Rows()
		for {
			k, err := rows.ReadRows(buf)
			for _, r := range buf[:k] {
				n++
				for _, v := range r {
					if v.Column() == idx && !v.IsNull() {
						vals = append(vals, string(v.ByteArray()))
					}
				}
			}
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				rows.Close()
				return 0, "", "", err
			}
		}
		rows.Close()
	}
	if n != f.NumRows() {
		return 0, "", "", errors.New("rows read differ from the footer's count")
	}
	sum := md5.Sum([]byte(strings.Join(vals, "\x1f")))
	return n, col, hex.EncodeToString(sum[:]), nil
}
