// Package duck opens in-process DuckDB databases configured for this
// machine and for batch use: no network, no extension downloads, a writable
// extension directory, and bounded memory and threads.
package duck

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Options controls how a database is opened. The zero value is usable: an
// in-memory database with DuckDB's default memory limit and all cores.
type Options struct {
	// Path of the database file; empty means in-memory.
	Path string
	// MemoryLimit is the process's memory budget, such as "4GB" ([lake]
	// memory_limit); DuckDB's own memory_limit is BufferLimit of it. Empty
	// keeps DuckDB's default (80% of RAM).
	MemoryLimit string
	// Threads caps worker threads; 0 keeps DuckDB's default (all cores).
	Threads int
	// TempDir is where DuckDB spills; empty uses a directory under os.TempDir.
	TempDir string
	// ReadOnlyDirs, when set, restricts file access to these directories
	// (read) and disables writing anywhere: used for analyst queries.
	ReadOnlyDirs []string
}

// Open returns a *sql.DB backed by a single DuckDB instance. Every new
// connection runs the same setup, so the settings hold for the pool.
func Open(ctx context.Context, o Options) (*sql.DB, error) {
	extDir, err := extensionDir()
	if err != nil {
		return nil, err
	}
	setup := []string{
		"SET autoinstall_known_extensions = false",
		"SET autoload_known_extensions = true",
		fmt.Sprintf("SET extension_directory = %s", Quote(extDir)),
		"SET TimeZone = 'UTC'",
	}
	if o.MemoryLimit != "" {
		setup = append(setup, fmt.Sprintf("SET memory_limit = %s", Quote(BufferLimit(o.MemoryLimit))))
	}
	if o.Threads > 0 {
		setup = append(setup, fmt.Sprintf("SET threads = %d", o.Threads))
	}
	tmp := o.TempDir
	if tmp == "" {
		tmp = filepath.Join(os.TempDir(), "mcnamara-duckdb-spill")
	}
	setup = append(setup, fmt.Sprintf("SET temp_directory = %s", Quote(tmp)))
	if len(o.ReadOnlyDirs) > 0 {
		setup = append(setup,
			"SET allowed_directories = "+QuoteList(o.ReadOnlyDirs),
			"SET enable_external_access = false",
			"SET lock_configuration = true",
		)
	}
	connector, err := duckdb.NewConnector(o.Path, func(execer driver.ExecerContext) error {
		for _, q := range setup {
			if _, err := execer.ExecContext(ctx, q, nil); err != nil {
				// Every connection of this connector runs the same setup on
				// the same database, so the temp directory is already tmp;
				// DuckDB refuses to set it again once something spilled
				// there (a new pooled connection after a big build failed).
				if strings.HasPrefix(q, "SET temp_directory") && strings.Contains(err.Error(), "Cannot switch temporary directory") {
					continue
				}
				return fmt.Errorf("duckdb setup %q: %w", q, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("open duckdb %q: %w", o.Path, err)
	}
	return sql.OpenDB(connector), nil
}

// extensionDir is writable even when HOME is not (cron, CI sandboxes).
func extensionDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil || base == "" {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "mcnamara", "duckdb_extensions")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		dir = filepath.Join(os.TempDir(), "mcnamara-duckdb-extensions")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", fmt.Errorf("create duckdb extension directory: %w", err)
		}
	}
	return dir, nil
}

// Quote renders s as a SQL string literal. Used only for values that DuckDB
// cannot take as bound parameters (file paths in table functions, SET).
func Quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// QuoteList renders items as a SQL list of string literals: ['a', 'b'].
func QuoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// Ident renders s as a quoted SQL identifier.
func Ident(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
