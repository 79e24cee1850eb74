package ingest

import "testing"

func TestPartitionRowGroup(t *testing.T) {
	for _, c := range []struct {
		rows, days int64
		limit      int
		want       int
	}{
		{992_072, 366, 122_880, 2048},    // a year of history: ~2,700 rows a day
		{5_000, 1, 122_880, 4096},        // one small nightly file
		{30_000, 2, 122_880, 8192},       // one big nightly file
		{10_000_000, 366, 122_880, 8192}, // ~27,000 rows a day
		{0, 0, 122_880, 2048},            // nothing staged, no span
		{1_000_000, 1, 1000, 1000},       // the configured limit wins
	} {
		if got := partitionRowGroup(c.rows, c.days, c.limit); got != c.want {
			t.Errorf("partitionRowGroup(%d, %d, %d) = %d, want %d", c.rows, c.days, c.limit, got, c.want)
		}
	}
}
