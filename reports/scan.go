package reports

import (
	"fmt"
	"math"
	"reflect"

	mcsql "github.com/mcnamara/mcnamara/sql"
)

// A section's queries live in sql/report/<section>.sql as named blocks;
// rows reads one into typed rows: a struct whose fields, in order, are the
// query's columns, each tagged with the column's name (`col:"week"`). The
// row is scanned by position; a column count, name or type that does not
// match the struct is an error naming the query, so a query and its row
// type cannot drift apart silently. Field types: string, int64, float64,
// bool, and *float64 / *int64 / *string for columns that may be NULL
// (a NULL into a non-pointer field is an error too).
func rows[T any](b *builder, section, name string, args ...any) ([]T, error) {
	q, ok := mcsql.ReportQueries[section][name]
	if !ok {
		return nil, fmt.Errorf("report: no query %q in sql/report/%s.sql", name, section)
	}
	t, err := b.q.query(b.ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s.%s: %w", section, name, err)
	}
	out, err := scanTable[T](t)
	if err != nil {
		return nil, fmt.Errorf("report: sql/report/%s.sql query %s: %w", section, name, err)
	}
	return out, nil
}

// scanTable reads a result into rows of T by position.
func scanTable[T any](t *table) ([]T, error) {
	var zero T
	rt := reflect.TypeOf(zero)
	if rt.Kind() != reflect.Struct {
		return nil, fmt.Errorf("row type %s is not a struct", rt)
	}
	if rt.NumField() != len(t.cols) {
		return nil, fmt.Errorf("returns %d columns %v, the row type %s has %d fields", len(t.cols), t.cols, rt, rt.NumField())
	}
	for i := range rt.NumField() {
		if tag := rt.Field(i).Tag.Get("col"); tag != t.cols[i] {
			return nil, fmt.Errorf("column %d is %q, the row type %s's field %s is %q", i+1, t.cols[i], rt, rt.Field(i).Name, tag)
		}
	}
	out := make([]T, len(t.rows))
	for r, row := range t.rows {
		v := reflect.ValueOf(&out[r]).Elem()
		for i, cell := range row {
			if err := setField(v.Field(i), cell); err != nil {
				return nil, fmt.Errorf("row %d column %q: %w", r+1, t.cols[i], err)
			}
		}
	}
	return out, nil
}

func setField(f reflect.Value, cell any) error {
	if f.Kind() == reflect.Pointer {
		if cell == nil {
			f.SetZero()
			return nil
		}
		p := reflect.New(f.Type().Elem())
		if err := setField(p.Elem(), cell); err != nil {
			return err
		}
		f.Set(p)
		return nil
	}
	if cell == nil {
		return fmt.Errorf("is NULL; the field (%s) cannot hold NULL: make it a pointer or coalesce in the query", f.Type())
	}
	switch f.Kind() {
	case reflect.String:
		if s, ok := cell.(string); ok {
			f.SetString(s)
			return nil
		}
	case reflect.Int64:
		switch x := cell.(type) {
		case int64:
			f.SetInt(x)
			return nil
		case float64: // HUGEINT sums arrive as decimal(38,0)
			if x == math.Trunc(x) {
				f.SetInt(int64(x))
				return nil
			}
		}
	case reflect.Float64:
		switch x := cell.(type) {
		case float64:
			f.SetFloat(x)
			return nil
		case int64:
			f.SetFloat(float64(x))
			return nil
		}
	case reflect.Bool:
		if x, ok := cell.(bool); ok {
			f.SetBool(x)
			return nil
		}
	}
	return fmt.Errorf("holds %T %v, which does not fit the field (%s)", cell, cell, f.Type())
}
