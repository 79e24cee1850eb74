package job

import (
	"context"
	"database/sql"

	"github.com/mcnamara/mcnamara/pipeline/ingest"
	"github.com/mcnamara/mcnamara/pipeline/lake"
)

// WithLake holds the lake's writer lock and a DuckDB handle around fn
// (wait: wait for the lock, else fail with ErrLocked). It first finishes
// what a killed writer left (lake.Recover): a committed batch still partly
// in staging is moved into place. A full disk or a read-only lake is
// explained: which directory, and what to free or fix.
func (j Job) WithLake(ctx context.Context, wait bool, fn func(db *sql.DB) error) error {
	dir := j.Config.Lake.Dir
	unlock, err := lake.Lock(ctx, dir, wait)
	if err != nil {
		return lake.StorageError(err, dir, "the lake")
	}
	defer unlock()
	if err := lake.Recover(dir); err != nil {
		return lake.StorageError(err, dir, "the lake")
	}
	db, err := j.OpenDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	return lake.StorageError(fn(db), dir, "the lake")
}

// Ingest takes the lock and loads the sources as one batch.
func (j Job) Ingest(ctx context.Context, wait bool, sources []ingest.Source) (ingest.Result, error) {
	var res ingest.Result
	err := j.WithLake(ctx, wait, func(db *sql.DB) error {
		var err error
		res, err = j.IngestLocked(ctx, db, sources)
		return err
	})
	return res, err
}

func (j Job) ingestOptions() ingest.Options {
	return ingest.Options{Lake: j.Config.Lake.Dir, BusinessTZ: j.Config.Lake.BusinessTimezone,
		Logger: j.logger(), Version: j.Version, Hook: j.Hook}
}

// IngestLocked loads the sources as one batch; the caller holds the lake
// lock (WithLake).
func (j Job) IngestLocked(ctx context.Context, db *sql.DB, sources []ingest.Source) (ingest.Result, error) {
	opts := j.ingestOptions()
	if j.Progress != nil {
		total := 0
		for _, s := range sources {
			total += len(s.Files)
		}
		tick, stop := j.Progress(ctx, total)
		opts.Progress = func(string, int, int) { tick() }
		defer stop()
	}
	res, err := ingest.Run(ctx, db, opts, sources)
	if err != nil {
		return res, err
	}
	b, log := res.Batch, j.logger()
	if res.Committed {
		log.Info("batch committed", "batch", b.ID, "rows_read", b.RowsRead, "rows_loaded", b.RowsLoaded, "rows_rejected", b.RowsRejected)
	} else if files := len(b.Inputs); files > 0 {
		log.Info("no new input: every file was already loaded", "files", files)
	} else {
		// An empty inbox on a nightly run usually means an upstream export
		// did not arrive, or the globs do not match its names.
		log.Warn("no new input: no file matches the sources' globs; check the exports arrived and the [[sources]] files patterns", "config", j.Config.Path())
	}
	return res, nil
}

// RetryRejects re-reads the rejected records of the configured sources
// (or of the one called source) through their current mappings, as one
// batch under the lock.
func (j Job) RetryRejects(ctx context.Context, wait bool, source string) (ingest.Result, error) {
	cfg := j.Config
	if err := j.RequireLake(); err != nil {
		return ingest.Result{}, err
	}
	var sources []ingest.Source
	for _, s := range cfg.Sources {
		if source != "" && s.Name != source {
			continue
		}
		m, err := j.sourceMapping(s)
		if err != nil {
			return ingest.Result{}, Usage(err)
		}
		sources = append(sources, ingest.Source{Name: s.Name, Mapping: m})
	}
	if len(sources) == 0 {
		if source != "" {
			return ingest.Result{}, Usagef("--source %q: no such [[sources]] entry in %s", source, cfg.Path())
		}
		return ingest.Result{}, Usagef("nothing to retry: configure [[sources]] in %s (their current mappings re-read the rejects)", cfg.Path())
	}
	var res ingest.Result
	err := j.WithLake(ctx, wait, func(db *sql.DB) error {
		var err error
		res, err = ingest.Retry(ctx, db, j.ingestOptions(), sources)
		return err
	})
	return res, err
}
