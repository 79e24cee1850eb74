package reports

import (
	"context"
	"math"
)

// querier runs one SQL statement and returns its whole (small, aggregated)
// result. Reports only ever pull aggregates and a few journeys into Go.
type querier interface {
	query(ctx context.Context, q string, args ...any) (*table, error)
}

// table is a query result: column names and rows of JSON-ready values.
type table struct {
	cols []string
	rows [][]any
}

func (t *table) idx(name string) int {
	for i, c := range t.cols {
		if c == name {
			return i
		}
	}
	return -1
}

// rec is one row of a table, read by column name.
type rec struct {
	t *table
	v []any
}

func (t *table) recs() []rec {
	out := make([]rec, len(t.rows))
	for i, r := range t.rows {
		out[i] = rec{t, r}
	}
	return out
}

func (r rec) get(name string) any {
	if i := r.t.idx(name); i >= 0 {
		return r.v[i]
	}
	return nil
}

// str returns a text cell; NULL becomes "".
func (r rec) str(name string) string {
	switch v := r.get(name).(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		return fmtAny(v)
	}
}

// num returns a numeric cell and whether it was present (not NULL).
func (r rec) num(name string) (float64, bool) {
	switch v := r.get(name).(type) {
	case float64:
		return v, true
	case int64:
		return float64(v), true
	case bool:
		if v {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// f returns a numeric cell, NULL as 0.
func (r rec) float(name string) float64 {
	v, _ := r.num(name)
	return v
}

func (r rec) int(name string) int64 { return int64(math.Round(r.float(name))) }

func (r rec) bool(name string) bool {
	v, _ := r.get(name).(bool)
	return v
}
