package build

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"github.com/mcnamara/mcnamara/sql/duck"
)

// Where the models' intermediate tables (contact_base, contact_seq, the
// journeys' tables, …) live during a full build: Options.Intermediates.
const (
	// IntermediatesAuto (also ""): in a database file when the lake's
	// contacts are estimated not to fit memory_limit (IntermediatesOnDisk).
	IntermediatesAuto = "auto"
	// IntermediatesMemory: DuckDB temp tables, as the models create them.
	// DuckDB holds temp tables uncompressed (2.8 GB for contact_base at
	// 10M contacts) and spills them whole once they pass memory_limit.
	IntermediatesMemory = "memory"
	// IntermediatesFile: tables of a DuckDB database file attached in the
	// temp directory for the build. DuckDB stores them compressed (442 MB
	// for contact_base at 10M) and, being persistent blocks, evicts them
	// from memory without spilling; writing them costs the compression.
	IntermediatesFile = "file"
)

// IntermediateModes are the values Options.Intermediates and [lake]
// intermediates accept.
var IntermediateModes = []string{IntermediatesAuto, IntermediatesMemory, IntermediatesFile}

// intermediateBytesPerContact is what the intermediate tables held at
// once cost per contact in DuckDB's memory (uncompressed): contact_base
// 2.8 GB at 10M contacts and contact_seq about as much again, ~560 bytes,
// rounded up. IntermediatesAuto puts the tables in a file when the lake's
// contacts times this exceed memory_limit.
const intermediateBytesPerContact = 600

// scratchCatalog is the name the intermediates' database file is attached
// under. Unqualified names resolve to it through the build connection's
// search_path (temp first, then it, then the default database: onDisk).
const scratchCatalog = "mc_scratch"

// scratchPrefix starts the name of the intermediates' database files.
const scratchPrefix = "mcnamara-intermediates-"

// IntermediatesOnDisk tells whether a full build puts its intermediate
// tables in a database file: always with IntermediatesFile, never with
// IntermediatesMemory, and with IntermediatesAuto when Contacts ×
// ~600 bytes exceed MemoryLimit (an empty or unlimited MemoryLimit:
// never).
func (o Options) IntermediatesOnDisk() bool {
	switch o.Intermediates {
	case IntermediatesFile:
		return true
	case IntermediatesMemory:
		return false
	}
	limit, ok := duck.ParseBytes(o.MemoryLimit)
	if !ok || limit <= 0 {
		return false
	}
	return o.Contacts > limit/intermediateBytesPerContact
}

// ScratchFile is the intermediates' database file of the build of the
// lake lakeDir: in dir (the DuckDB temp directory), named after the lake
// so that lakes sharing a temp directory do not share it. Only a build of
// that lake, which holds its lock, opens or removes it.
func ScratchFile(dir, lakeDir string) string {
	abs, err := filepath.Abs(lakeDir)
	if err != nil {
		abs = lakeDir
	}
	h := sha256.Sum256([]byte(abs))
	return filepath.Join(dir, scratchPrefix+hex.EncodeToString(h[:6])+".duckdb")
}

// openScratch makes the intermediates' file of lakeDir's build ready
// (prepareScratch) and returns it with what detaches and removes it, to
// defer with the caller's error: it runs after a failure too and reports
// its own error only when there was none.
func openScratch(ctx context.Context, conn *sql.Conn, o Options, lakeDir string) (string, func(*error), error) {
	file := ScratchFile(o.tempDir(), lakeDir)
	if err := prepareScratch(ctx, conn, file); err != nil {
		return "", nil, err
	}
	return file, func(err *error) {
		if derr := detachScratch(conn, file); derr != nil && *err == nil {
			*err = derr
		}
	}, nil
}

// removeScratch removes a database file and its write-ahead log.
func removeScratch(file string) error {
	for _, p := range []string{file, file + ".wal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("build: remove intermediates file: %w", err)
		}
	}
	return nil
}

var tempTable = regexp.MustCompile(`(?m)^CREATE OR REPLACE TEMP TABLE ([a-z_][a-z0-9_]*) AS\b`)

// onDisk returns the models' steps with their tables created in the
// intermediates' database file instead of as temp tables, after a step
// that attaches file and points the search path at it. The models' SQL
// is otherwise unchanged, so their results are the same (tested); the
// prelude's small tables stay temp tables. The build records the
// unchanged steps (Script), so the choice does not make Update rebuild.
//
// The search path names the default database (db; DuckDB does not search
// it once search_path is set): temp objects first, then the file's
// tables, then the input views.
func onDisk(steps []Step, file, db string) []Step {
	attach := Step{Name: "00_intermediates.sql", SQL: attachScratchSQL(file, db)}
	out := []Step{}
	for i, s := range steps {
		if s.Model.Name != "" {
			s.SQL = inScratch(s.SQL)
		}
		out = append(out, s)
		if i == 0 { // after the prelude: the settings and catalog tables first
			out = append(out, attach)
		}
	}
	return out
}

// attachScratchSQL attaches the intermediates' database file and points
// the search path at it (onDisk).
func attachScratchSQL(file, db string) string {
	return fmt.Sprintf(
		"-- the models' tables live in a database file (compressed; [lake] intermediates)\n"+
			"DETACH DATABASE IF EXISTS %[1]s;\nATTACH %[2]s AS %[1]s;\nSET search_path = %[3]s;\n",
		scratchCatalog, duck.Quote(file), duck.Quote(scratchCatalog+".main,"+db+".main"))
}

// inScratch returns SQL whose temp tables are created in the
// intermediates' database file instead.
func inScratch(q string) string {
	return tempTable.ReplaceAllString(q, "CREATE OR REPLACE TABLE "+scratchCatalog+".main.$1 AS")
}

// printedDB is the default database the printed script names in its
// search path: DuckDB's name for an in-memory database, which the CLI and
// the benchmarks open (a DuckDB opened on a file names it after the file).
const printedDB = "memory"

// defaultDB is the name of the connection's default database.
func defaultDB(ctx context.Context, conn *sql.Conn) (string, error) {
	var name string
	if err := conn.QueryRowContext(ctx, "SELECT current_database()").Scan(&name); err != nil {
		return "", fmt.Errorf("build: default database: %w", err)
	}
	return name, nil
}

// detachSQL detaches the intermediates' database (the file is removed
// after it), resetting first the search path, which makes it the default
// database (DuckDB refuses to detach that).
const detachSQL = "RESET search_path;\nDETACH DATABASE IF EXISTS " + scratchCatalog

// detachScratch detaches the intermediates' database from the build's
// DuckDB instance (ATTACH is per instance, not per connection) and
// removes its file. It runs after a failed build too, with its own
// context: the build's may be cancelled.
func detachScratch(conn *sql.Conn, file string) error {
	_, derr := conn.ExecContext(context.Background(), detachSQL)
	if derr != nil {
		derr = fmt.Errorf("build: detach intermediates: %w", derr)
	}
	return errors.Join(derr, removeScratch(file))
}

// WriteMonthly tells whether a full build writes the month-wise marts
// (MartSpec.MonthWise: contact_facts) one month at a time, a COPY per
// month with write_month set (in_write_month, _macros.sql), rather than in
// one partitioned write: with ByMonth WriteByMonth or WriteWhole as set,
// else when the intermediates are on disk (IntermediatesOnDisk: the lake
// does not fit memory_limit). Written whole, 100M contacts' contact_facts
// joined all of contact_seq and the journeys at once and had spilled
// 44 GiB when it was stopped (docs/performance.md); a month's joins fit.
func (o Options) WriteMonthly() bool {
	switch o.ByMonth {
	case WriteByMonth:
		return true
	case WriteWhole:
		return false
	}
	return o.IntermediatesOnDisk()
}

// Options.ByMonth values.
const (
	WriteAuto    = iota // WriteMonthly decides
	WriteWhole          // one partitioned write
	WriteByMonth        // a write per month
)

// monthSQL selects the month of a month-by-month write; "" resets it.
func monthSQL(month string) string {
	if month == "" {
		return "RESET VARIABLE write_month;\n"
	}
	return "SET VARIABLE write_month = DATE " + duck.Quote(month+"-01") + ";\n"
}
