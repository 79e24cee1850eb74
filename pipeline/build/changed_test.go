package build_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcnamara/mcnamara/pipeline/build"
)

// TestChangedMonths: the months a merge rewrites are those where a
// recomputed row (scope_<mart>) differs from the row it replaces
// (inc_old_<mart>), whichever way the rows are paired: by a unique key
// (a changed column, a NULL against a value, a key on one side only, a
// row that moved month) or, for a key that repeats, as multisets.
func TestChangedMonths(t *testing.T) {
	ctx := context.Background()
	const old = `(VALUES ('a', 1, '2026-01', 1.5), ('b', 1, '2026-02', NULL), ('c', 1, '2026-03', 2.0), ('d', 1, '2026-04', 3.0))`
	for _, tc := range []struct {
		name, old, scope string
		key              []string
		want             []string
	}{
		{"same rows", old, old, []string{"id"}, nil},
		{"same rows, reordered", old, `(VALUES ('d', 1, '2026-04', 3.0), ('c', 1, '2026-03', 2.0), ('b', 1, '2026-02', NULL), ('a', 1, '2026-01', 1.5))`, []string{"id"}, nil},
		{"a value changed", old, `(VALUES ('a', 1, '2026-01', 1.5), ('b', 1, '2026-02', NULL), ('c', 1, '2026-03', 2.5), ('d', 1, '2026-04', 3.0))`, []string{"id"}, []string{"2026-03"}},
		{"null to a value", old, `(VALUES ('a', 1, '2026-01', 1.5), ('b', 1, '2026-02', 0.0), ('c', 1, '2026-03', 2.0), ('d', 1, '2026-04', 3.0))`, []string{"id"}, []string{"2026-02"}},
		{"row gone, row new", old, `(VALUES ('a', 1, '2026-01', 1.5), ('b', 1, '2026-02', NULL), ('c', 1, '2026-03', 2.0), ('e', 1, '2026-05', 3.0))`, []string{"id"}, []string{"2026-04", "2026-05"}},
		{"row moved month", old, `(VALUES ('a', 1, '2026-01', 1.5), ('b', 1, '2026-02', NULL), ('c', 1, '2026-03', 2.0), ('d', 1, '2026-01', 3.0))`, []string{"id"}, []string{"2026-01", "2026-04"}},
		{"two-column key", old, `(VALUES ('a', 1, '2026-01', 1.5), ('b', 2, '2026-02', NULL), ('c', 1, '2026-03', 2.0), ('d', 1, '2026-04', 3.0))`, []string{"id", "n"}, []string{"2026-02"}},
		// the key repeats (outcome_links: a journey's events): multisets
		{"repeated key, same multiset", `(VALUES ('a', 1, '2026-01', 1.0), ('a', 2, '2026-01', 1.0))`, `(VALUES ('a', 2, '2026-01', 1.0), ('a', 1, '2026-01', 1.0))`, []string{"id"}, nil},
		{"repeated key, a row more", `(VALUES ('a', 1, '2026-01', 1.0), ('a', 1, '2026-01', 1.0))`, `(VALUES ('a', 1, '2026-01', 1.0), ('a', 1, '2026-01', 1.0), ('a', 1, '2026-01', 1.0))`, []string{"id"}, []string{"2026-01"}},
		{"no key", old, `(VALUES ('a', 1, '2026-01', 9.0), ('b', 1, '2026-02', NULL), ('c', 1, '2026-03', 2.0), ('d', 1, '2026-04', 3.0))`, nil, []string{"2026-01"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openDB(t)
			conn, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			for _, q := range []string{
				`CREATE TEMP TABLE inc_old_m AS SELECT * FROM ` + tc.old + ` v(id, n, month, x)`,
				`CREATE TEMP TABLE scope_m AS SELECT * FROM ` + tc.scope + ` v(id, n, month, x)`,
			} {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			got, err := build.ChangedMonths(ctx, conn, "m", "month", tc.key)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("changed months (-want +got):\n%s", diff)
			}
		})
	}
}
