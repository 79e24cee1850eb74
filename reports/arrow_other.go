//go:build !duckdb_arrow

package reports

import (
	"context"
	"database/sql"
	"errors"
)

// withQuerier needs duckdb-go's Arrow interface, which is compiled only with
// the duckdb_arrow build tag (the Makefile always sets it).
func withQuerier(context.Context, *sql.DB, func(querier) error) error {
	return errors.New("report: this binary was built without -tags duckdb_arrow; rebuild with `make build`")
}
