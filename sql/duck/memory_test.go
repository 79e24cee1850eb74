package duck

import (
	"context"
	"testing"
)

func TestParseBytes(t *testing.T) {
	for s, want := range map[string]int64{
		"8GiB": 8 << 30, "2GB": 2e9, "800 MiB": 800 << 20, "1.5gb": 15e8, "512": 512, "4 kb": 4000, "1TiB": 1 << 40, "3g": 3e9,
	} {
		if got, ok := ParseBytes(s); !ok || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "none", "-1", "GB", "8 parsecs", "1..2GB"} {
		if got, ok := ParseBytes(s); ok {
			t.Errorf("ParseBytes(%q) = %d, want not ok", s, got)
		}
	}
}

// TestBufferLimit: DuckDB's memory_limit is BufferShare of the budget, and
// DuckDB reads it as that many bytes.
func TestBufferLimit(t *testing.T) {
	for budget, want := range map[string]string{
		"8GiB": "6291456KiB", "2GB": "1464843KiB", "1KiB": "1KiB", "": "", "none": "none",
	} {
		if got := BufferLimit(budget); got != want {
			t.Errorf("BufferLimit(%q) = %q, want %q", budget, got, want)
		}
	}
	ctx := context.Background()
	db, err := Open(ctx, Options{MemoryLimit: "8GiB", Threads: 1, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var limit string
	if err := db.QueryRowContext(ctx, "SELECT current_setting('memory_limit')").Scan(&limit); err != nil {
		t.Fatal(err)
	}
	if limit != "6.0 GiB" {
		t.Errorf("DuckDB's memory_limit for an 8 GiB budget = %q, want 6.0 GiB", limit)
	}
}
