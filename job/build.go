package job

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/mcnamara/mcnamara/pipeline/build"
	"github.com/mcnamara/mcnamara/pipeline/lake"
)

// BuildOptions is the single place where the loaded configuration reaches
// the build and the metric catalog: the [build] settings, the [metrics]
// catalog, the [costs] rates and the [lake] time zone and limits.
func (j Job) BuildOptions() (build.Options, error) {
	cfg := j.Config
	cat, err := cfg.Catalog()
	if err != nil {
		return build.Options{}, Usage(err)
	}
	// the lake's contacts, from its manifest: what [lake] intermediates =
	// "auto" weighs against memory_limit (no lake yet: none)
	batches, err := lake.ReadManifest(cfg.Lake.Dir)
	if err != nil {
		return build.Options{}, err
	}
	return build.Options{
		Intermediates: cfg.Lake.Intermediates,
		Contacts:      lake.TableRows(batches, "contacts"),
		TempDir:       j.TempDir(),
		BuildSettings: cfg.Build,
		Catalog:       cat,
		Costs:         cfg.Costs,
		TimeZone:      cfg.Lake.BusinessTimezone,
		MemoryLimit:   cfg.Lake.MemoryLimit,
		Threads:       cfg.Lake.Threads,
		Logger:        j.logger(),
		Hook:          j.Hook,
	}, nil
}

// Build takes the lock and brings the marts up to date (BuildLocked).
func (j Job) Build(ctx context.Context, wait, full bool) (build.Result, error) {
	if err := j.RequireLake(); err != nil {
		return build.Result{}, err
	}
	var res build.Result
	err := j.WithLake(ctx, wait, func(db *sql.DB) error {
		var err error
		res, err = j.BuildLocked(ctx, db, full)
		return err
	})
	return res, err
}

// BuildLocked brings the marts up to date with the lake: incrementally
// when the previous build allows it (build.Update), else, or with full, by
// running every model over the whole lake. The caller holds the lock.
func (j Job) BuildLocked(ctx context.Context, db *sql.DB, full bool) (build.Result, error) {
	opts, err := j.BuildOptions()
	if err != nil {
		return build.Result{}, err
	}
	dir := j.Config.Lake.Dir
	if opts.Batches, err = batchIDs(dir); err != nil {
		return build.Result{}, err
	}
	if err := lake.AttachInputs(ctx, db, dir); err != nil {
		return build.Result{}, err
	}
	var res build.Result
	if full {
		res, err = build.Build(ctx, db, dir, opts)
	} else {
		res, err = build.Update(ctx, db, dir, opts)
	}
	if err != nil {
		return res, fmt.Errorf("build marts: %w", err)
	}
	return res, nil
}
