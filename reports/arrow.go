//go:build duckdb_arrow

package reports

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// withQuerier runs f with a querier that reads results as Arrow record
// batches from one pinned connection (views and settings are per database,
// so any pooled connection sees them).
func withQuerier(ctx context.Context, db *sql.DB, f func(querier) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("report: connect to duckdb: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		dconn, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("report: connection %T is not a database/sql driver connection", dc)
		}
		ar, err := duckdb.NewArrowFromConn(dconn)
		if err != nil {
			return fmt.Errorf("report: arrow interface: %w", err)
		}
		return f(arrowQuerier{ar})
	})
}

type arrowQuerier struct{ ar *duckdb.Arrow }

func (a arrowQuerier) query(ctx context.Context, q string, args ...any) (*table, error) {
	rdr, err := a.ar.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rdr.Release()
	sch := rdr.Schema()
	t := &table{cols: make([]string, sch.NumFields())}
	for i, f := range sch.Fields() {
		t.cols[i] = f.Name
	}
	for rdr.Next() {
		rec := rdr.RecordBatch()
		n := int(rec.NumRows())
		base := len(t.rows)
		for range n {
			t.rows = append(t.rows, make([]any, len(t.cols)))
		}
		for c := range t.cols {
			col := rec.Column(c)
			for i := range n {
				t.rows[base+i][c] = arrowValue(col, i)
			}
		}
	}
	if err := rdr.Err(); err != nil {
		return nil, err
	}
	return t, nil
}

// arrowValue turns one cell into a JSON-ready Go value: string, int64,
// float64, bool or nil. Instants become RFC 3339 strings in UTC; dates
// become YYYY-MM-DD.
func arrowValue(arr arrow.Array, i int) any {
	if arr.IsNull(i) {
		return nil
	}
	switch a := arr.(type) {
	case *array.Boolean:
		return a.Value(i)
	case *array.Int8:
		return int64(a.Value(i))
	case *array.Int16:
		return int64(a.Value(i))
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Int64:
		return a.Value(i)
	case *array.Uint8:
		return int64(a.Value(i))
	case *array.Uint16:
		return int64(a.Value(i))
	case *array.Uint32:
		return int64(a.Value(i))
	case *array.Uint64:
		return float64(a.Value(i))
	case *array.Float32:
		return finite(float64(a.Value(i)))
	case *array.Float64:
		return finite(a.Value(i))
	case *array.Decimal128:
		// SUM of integers is HUGEINT, which DuckDB exports as decimal(38,0).
		return finite(a.Value(i).ToFloat64(a.DataType().(*arrow.Decimal128Type).Scale))
	case *array.Date32:
		return a.Value(i).ToTime().Format(time.DateOnly)
	case *array.Date64:
		return a.Value(i).ToTime().Format(time.DateOnly)
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return a.Value(i).ToTime(unit).UTC().Format(time.RFC3339)
	// Arrow strings alias the batch's buffers, which DuckDB frees with the
	// batch: copy them.
	case *array.String:
		return strings.Clone(a.Value(i))
	case *array.LargeString:
		return strings.Clone(a.Value(i))
	case *array.StringView:
		return strings.Clone(a.Value(i))
	}
	return strings.Clone(arr.ValueStr(i))
}

// finite maps NaN and ±Inf (which JSON cannot carry) to nil.
func finite(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return f
}
