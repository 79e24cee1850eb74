package build

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// Mart is one written mart.
type Mart struct {
	Name string
	Path string
	Rows int64
}

// Result reports a build.
type Result struct {
	Marts    []Mart
	Duration time.Duration
	// Incremental is set when only the persons new batches touched were
	// recomputed (Update); Persons is how many.
	Incremental bool
	Persons     int64
	// FullReason says why Update rebuilt everything ("" after Build).
	FullReason string
	// UpToDate is set when Update found no batch the marts lack and
	// wrote nothing.
	UpToDate bool
}

// tempPrefix names the directories a build writes into before the marts are
// renamed into place; leftovers of a crashed build are removed by the next.
const tempPrefix = ".build-"

// Build runs the models on db, which must already have the input views
// (contacts, outcomes, surveys, identities — see lake.AttachInputs), and
// writes the marts into lakeDir/marts. The caller holds the lake lock.
func Build(ctx context.Context, db *sql.DB, lakeDir string, o Options) (_ Result, err error) {
	start := time.Now()
	log := o.logger()
	steps, err := Script(o)
	if err != nil {
		return Result{}, err
	}
	conn, release, err := buildConn(ctx, db, o)
	if err != nil {
		return Result{}, err
	}
	defer release()
	// steps are what the build records (its fingerprint); run is what it
	// executes: the same models, their tables in a file when chosen.
	run := steps
	if o.IntermediatesOnDisk() {
		file, closeScratch, serr := openScratch(ctx, conn, o, lakeDir)
		if serr != nil {
			return Result{}, serr
		}
		defer closeScratch(&err)
		name, err := defaultDB(ctx, conn)
		if err != nil {
			return Result{}, err
		}
		if run, err = inParts(onDisk(steps, file, name), o.PersonParts()); err != nil {
			return Result{}, err
		}
		log.Info("intermediate tables in a database file", "file", file, "contacts", o.Contacts, "memory_limit", o.MemoryLimit, "person_parts", o.PersonParts())
	}
	w, err := newMartWriter(filepath.Join(lakeDir, lake.MartsDir), o.Hook)
	if err != nil {
		return Result{}, err
	}
	defer w.cleanup()
	if w.byMonth = o.WriteMonthly(); w.byMonth {
		log.Info("contact_facts written month by month")
	}
	for _, s := range run {
		if err := runStep(ctx, conn, s, log); err != nil {
			return Result{}, err
		}
		// Marts are written as soon as a model has made them, so big
		// ones defined as views are computed once and read back columnar.
		if err := w.writeReady(ctx, conn, log); err != nil {
			return Result{}, err
		}
	}
	resolved, err := resolutionJourneys(ctx, conn, "SELECT source_system, journeys FROM resolution_systems")
	if err != nil {
		return Result{}, err
	}
	marts, err := w.commit(newState(steps, o, resolved, false))
	if err != nil {
		return Result{}, err
	}
	res := Result{Marts: marts, Duration: time.Since(start)}
	log.Info("marts built", "marts", len(marts), "elapsed", res.Duration.Round(time.Millisecond))
	return res, nil
}

// prepareScratch makes the temp directory and removes what a killed build
// of the same lake left there (a file the build's ATTACH could not open,
// or tables of an older run): the caller holds the lake's lock, so no
// other build uses it.
func prepareScratch(ctx context.Context, conn *sql.Conn, file string) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return fmt.Errorf("build: create temp directory: %w", err)
	}
	// a failed build in this process detaches it; this is for the rest
	if _, err := conn.ExecContext(ctx, detachSQL); err != nil {
		return fmt.Errorf("build: detach intermediates: %w", err)
	}
	return removeScratch(file)
}

// buildConn returns the one connection a build runs on: variables and temp
// tables live on it. release discards it so its temp tables do not outlive
// the build.
func buildConn(ctx context.Context, db *sql.DB, o Options) (*sql.Conn, func(), error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("build: connect: %w", err)
	}
	release := func() {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		_ = conn.Close()
	}
	if err := configure(ctx, conn, o); err != nil {
		release()
		return nil, nil, err
	}
	return conn, release, nil
}

func runStep(ctx context.Context, conn *sql.Conn, s Step, log *slog.Logger) error {
	t0 := time.Now()
	if _, err := conn.ExecContext(ctx, s.SQL); err != nil {
		return fmt.Errorf("build: model %s: %w", s.Name, err)
	}
	log.Debug("model done", "model", s.Name, "elapsed", time.Since(t0).Round(time.Millisecond))
	return nil
}

func configure(ctx context.Context, conn *sql.Conn, o Options) error {
	// Row order is set explicitly where it matters (ORDER BY of the small
	// marts); letting DuckDB write the big ones in parallel is much faster.
	if _, err := conn.ExecContext(ctx, "SET preserve_insertion_order = false"); err != nil {
		return fmt.Errorf("build: configure: %w", err)
	}
	// The monthly marts' partitioned write buffers up to this many rows of
	// a month before writing them (a few of its monthRowGroup-row groups).
	// The default (524288) made it twice as slow as a plain write (buffers
	// of wide rows spill).
	if _, err := conn.ExecContext(ctx, "SET partitioned_write_flush_threshold = 122880"); err != nil {
		return fmt.Errorf("build: configure: %w", err)
	}
	if o.MemoryLimit != "" {
		if _, err := conn.ExecContext(ctx, "SET memory_limit = "+duck.Quote(duck.BufferLimit(o.MemoryLimit))); err != nil {
			return fmt.Errorf("build: memory limit %q: %w", o.MemoryLimit, err)
		}
	}
	if o.Threads > 0 {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("SET threads = %d", o.Threads)); err != nil {
			return fmt.Errorf("build: threads %d: %w", o.Threads, err)
		}
	}
	var n int
	err := conn.QueryRowContext(ctx, "SELECT count(*) FROM pg_timezone_names() WHERE name = ?", o.TimeZone).Scan(&n)
	if err != nil {
		return fmt.Errorf("build: check time zone: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("business time zone %q is unknown: use an IANA name such as \"Europe/Berlin\" or \"America/Chicago\"", o.TimeZone)
	}
	return nil
}

// syncPath flushes a file or directory to stable storage.
var syncPath = lake.SyncPath
