package job

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// exportStorage is the storage format of the exported database: the oldest
// DuckDB 1.x reads, so BI tools bundling an older DuckDB still open it.
const exportStorage = "v1.0.0"

// ExportDuckDB writes the views database to path and returns the views'
// names. It reads the lake without its writer lock: the manifest records
// and marts it reads are replaced atomically by their writers.
func (j Job) ExportDuckDB(ctx context.Context, path string) ([]string, error) {
	cfg := j.Config
	root, err := filepath.Abs(cfg.Lake.Dir)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(abs); err == nil && fi.IsDir() {
		return nil, Usagef("--duckdb %s is a directory: name the database file to write", path)
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	tmp := filepath.Join(filepath.Dir(abs), "."+filepath.Base(abs)+".tmp-"+hex.EncodeToString(b[:]))
	defer os.Remove(tmp)
	defer os.Remove(tmp + ".wal")
	views, err := j.writeViews(ctx, root, tmp)
	if err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, abs); err != nil {
		return nil, fmt.Errorf("export: replace %s: %w", path, err)
	}
	return views, nil
}

// writeViews creates the database at path in the portable storage format
// and fills it with the lake's views.
func (j Job) writeViews(ctx context.Context, root, path string) ([]string, error) {
	cfg := j.Config
	// Not OpenDB: its spill directory is in the lake, which this reader
	// must leave alone (no lock is held).
	db, err := duck.Open(ctx, duck.Options{MemoryLimit: cfg.Lake.MemoryLimit, Threads: cfg.Lake.Threads, TempDir: cfg.Lake.TempDirectory})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	// USE holds per connection: one connection does all the work.
	db.SetMaxOpenConns(1)
	for _, q := range []string{
		fmt.Sprintf("ATTACH %s AS export (STORAGE_VERSION %s)", duck.Quote(path), duck.Quote(exportStorage)),
		"USE export",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("export: create %s: %w", path, err)
		}
	}
	if err := lake.AttachInputs(ctx, db, root); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if _, err := lake.AttachMarts(ctx, db, root); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	batches, err := lake.ReadManifest(root)
	if err != nil {
		return nil, err
	}
	last := ""
	if len(batches) > 0 {
		last = batches[len(batches)-1].ID
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE mcnamara_export AS SELECT
		CAST(? AS TIMESTAMPTZ) AS exported_at, ? AS lake, CAST(? AS INTEGER) AS batches, ? AS last_batch, ? AS mcnamara_version`,
		time.Now().UTC().Format(time.RFC3339), root, len(batches), last, j.Version); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	var views []string
	rows, err := db.QueryContext(ctx, "SELECT view_name FROM duckdb_views() WHERE database_name = 'export' AND NOT internal ORDER BY view_name")
	if err != nil {
		return nil, fmt.Errorf("export: list views: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		views = append(views, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, q := range []string{"USE memory", "DETACH export"} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("export: close %s: %w", path, err)
		}
	}
	if _, err := os.Stat(path + ".wal"); !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("export: %s was not checkpointed (a .wal remains)", path)
	}
	return views, nil
}
