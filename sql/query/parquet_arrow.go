//go:build duckdb_arrow

package query

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// writeParquet streams Arrow record batches from DuckDB into a Parquet file.
func writeParquet(ctx context.Context, conn *sql.Conn, r Request, args []any, w io.Writer) error {
	return conn.Raw(func(dc any) error {
		a, err := duckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return err
		}
		rdr, err := a.QueryContext(ctx, r.SQL, args...)
		if err != nil {
			return r.locate(err)
		}
		defer rdr.Release()
		// zstd level 1, as the lake's and the marts' files: about the size
		// of the default level, faster (a result's columns each get a
		// compressor)
		props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd), parquet.WithCompressionLevel(1), parquet.WithMaxRowGroupLength(122_880))
		fw, err := pqarrow.NewFileWriter(rdr.Schema(), w, props, pqarrow.DefaultWriterProps())
		if err != nil {
			return fmt.Errorf("parquet writer: %w", err)
		}
		for rdr.Next() {
			// DuckDB frees a batch's memory when the next one is read, but
			// the writer keeps references (buffered rows, min/max
			// statistics) until its row group closes: copy into Go memory.
			rec, err := ownedCopy(rdr.RecordBatch())
			if err != nil {
				return fmt.Errorf("copy result batch: %w", err)
			}
			err = fw.WriteBuffered(rec)
			rec.Release()
			if err != nil {
				return fmt.Errorf("write parquet: %w", err)
			}
		}
		if err := rdr.Err(); err != nil {
			return r.locate(err)
		}
		return fw.Close()
	})
}

// ownedCopy deep-copies a record batch into Go-allocated memory.
func ownedCopy(rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, rec.NumCols())
	for i := range cols {
		c, err := array.Concatenate([]arrow.Array{rec.Column(i)}, memory.DefaultAllocator)
		if err != nil {
			for _, d := range cols[:i] {
				d.Release()
			}
			return nil, err
		}
		cols[i] = c
	}
	out := array.NewRecordBatch(rec.Schema(), cols, rec.NumRows())
	for _, c := range cols {
		c.Release()
	}
	return out, nil
}
