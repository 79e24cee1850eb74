package job

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/google/renameio/v2"

	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/sql/duck"
	"github.com/mcnamara/mcnamara/sql/query"
)

// Query runs req over the lake, opened read-only, writing its result to
// out (atomically) or, when out is empty, to stdout.
func (j Job) Query(ctx context.Context, req query.Request, out string, stdout io.Writer) error {
	cfg := j.Config
	root, err := filepath.Abs(cfg.Lake.Dir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(root); err != nil {
		return Usagef("lake %s: %v (run `mcnamara ingest` or `mcnamara demo` first)", root, err)
	}
	db, err := duck.Open(ctx, duck.Options{MemoryLimit: cfg.Lake.MemoryLimit, Threads: cfg.Lake.Threads, TempDir: cfg.Lake.TempDirectory})
	if err != nil {
		return err
	}
	defer db.Close()
	// the views first, on the pool's connection, which conn then takes
	// (taken before, it made the pool open a second one: 2.5 ms to open,
	// 1.5 to close, of a 70 ms query)
	if err := lake.AttachInputs(ctx, db, root); err != nil {
		return err
	}
	if _, err := lake.AttachMarts(ctx, db, root); err != nil {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := lockDown(ctx, conn, root); err != nil {
		return err
	}
	if out == "" {
		return query.Run(ctx, conn, req, stdout)
	}
	pf, err := renameio.NewPendingFile(out, renameio.WithPermissions(0o644))
	if err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	defer pf.Cleanup()
	w := bufio.NewWriterSize(pf, 1<<20)
	if err := query.Run(ctx, conn, req, w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return pf.CloseAtomicallyReplace()
}

// lockDown confines DuckDB to reading the lake, on the connection the
// query runs on, once the views are made: no other files, no network, no
// settings changes by the query.
func lockDown(ctx context.Context, conn *sql.Conn, root string) error {
	for _, q := range []string{
		fmt.Sprintf("SET allowed_directories = [%s]", duck.Quote(root+string(filepath.Separator))),
		"SET enable_external_access = false",
		"SET lock_configuration = true",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("lock down query session (%s): %w", q, err)
		}
	}
	return nil
}
