//go:build !duckdb_arrow

package query

import (
	"context"
	"database/sql"
	"errors"
	"io"
)

// writeParquet needs duckdb-go's Arrow interface, which is compiled only
// with the duckdb_arrow build tag (the Makefile always sets it).
func writeParquet(context.Context, *sql.Conn, Request, []any, io.Writer) error {
	return errors.New("--format parquet: this binary was built without -tags duckdb_arrow; rebuild with `make build`")
}
