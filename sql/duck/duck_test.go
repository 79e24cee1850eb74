package duck

import (
	"context"
	"database/sql/driver"
	"testing"
)

// TestNewConnectionAfterSpill: a pooled connection opened after the
// database spilled into the temp directory sets it up like the first
// (DuckDB refuses to set temp_directory again once it holds spill).
func TestNewConnectionAfterSpill(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Options{MemoryLimit: "64MB", Threads: 1, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE big AS SELECT i, md5(CAST(i AS VARCHAR)) AS h FROM range(4000000) t(i) ORDER BY h"); err != nil {
		t.Fatal(err)
	}
	// discard it, as a build does, so the pool opens a new one
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	conn.Close()
	var n int
	if err := db.QueryRowContext(ctx, "SELECT 42").Scan(&n); err != nil || n != 42 {
		t.Fatalf("a new connection after the spill: %v", err)
	}
}
