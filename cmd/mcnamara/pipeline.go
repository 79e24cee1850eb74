package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	"github.com/google/renameio/v2"

	"github.com/mcnamara/mcnamara/config"
	"github.com/mcnamara/mcnamara/pipeline/build"
	"github.com/mcnamara/mcnamara/pipeline/ingest"
	"github.com/mcnamara/mcnamara/pipeline/lake"
)

// pipelineRun is the whole job under one hold of the lake lock: ingest new
// files, and when there was something new (or force, or no marts yet)
// build the marts and write the report(s).
type pipelineRun struct {
	wait  bool
	force bool
	// reports are the files the report is written to (the first is
	// rendered, the others are atomic copies). With [report] pdf, each
	// also gets its PDF beside it (pdfPath), printed once and copied.
	reports []string
}

// pipelineResult says what a run did.
type pipelineResult struct {
	ingest  ingest.Result
	built   bool
	build   build.Result
	reports []string // the HTML and PDF files written
}

func (p pipelineRun) do(ctx context.Context, g *globals, cfg config.File, sources []ingest.Source) (pipelineResult, error) {
	var out pipelineResult
	err := withLake(ctx, cfg, p.wait, func(db *sql.DB) error {
		res, err := ingestLocked(ctx, g, db, cfg, sources)
		if err != nil {
			return err
		}
		out.ingest = res
		// Without new input the marts are rebuilt only when they lag the
		// lake: a run killed between its ingest and its build leaves them so.
		current, err := martsCurrent(cfg.Lake.Dir)
		if err != nil {
			return err
		}
		if !res.Committed && !p.force && current {
			g.logger.Info("no new input: marts and report left as they are")
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := buildMarts(ctx, g, db, cfg, p.force)
		if err != nil {
			return err
		}
		out.build = b
		out.built = true
		if len(p.reports) == 0 {
			return nil
		}
		if err := writeReportLocked(ctx, g, db, cfg, p.reports[0]); err != nil {
			return err
		}
		out.reports = append(out.reports, p.reports[0])
		// The others are byte copies: one render, so the dated and the
		// latest report agree (random pseudonyms differ between renders).
		for _, r := range p.reports[1:] {
			if err := copyAtomically(p.reports[0], r); err != nil {
				return err
			}
			g.logger.Info("report written", "path", r)
			out.reports = append(out.reports, r)
		}
		if !cfg.Report.PDF {
			return nil
		}
		// After the HTML: a browser missing tonight fails the run (exit 1)
		// but still leaves tonight's data loaded and its HTML report.
		job, err := newPDFJob(cfg)
		if err != nil {
			return err
		}
		first := pdfPath(p.reports[0])
		if err := job.write(ctx, g, p.reports[0], first); err != nil {
			return err
		}
		out.reports = append(out.reports, first)
		for _, r := range p.reports[1:] {
			if err := copyAtomically(first, pdfPath(r)); err != nil {
				return err
			}
			out.reports = append(out.reports, pdfPath(r))
		}
		return nil
	})
	return out, err
}

// buildLocked computes the marts; the caller holds the lake lock.
func buildLocked(ctx context.Context, g *globals, db *sql.DB, cfg config.File) (build.Result, error) {
	return buildMarts(ctx, g, db, cfg, false)
}

// buildMarts brings the marts up to date with the lake: incrementally when
// the previous build allows it (build.Update), else, or with full, by
// running every model over the whole lake.
func buildMarts(ctx context.Context, g *globals, db *sql.DB, cfg config.File, full bool) (build.Result, error) {
	opts, err := buildOptions(cfg)
	if err != nil {
		return build.Result{}, err
	}
	opts.Logger = g.logger
	opts.Hook = g.hook
	if opts.Batches, err = batchIDs(cfg.Lake.Dir); err != nil {
		return build.Result{}, err
	}
	if err := lake.AttachInputs(ctx, db, cfg.Lake.Dir); err != nil {
		return build.Result{}, err
	}
	var res build.Result
	if full {
		res, err = build.Build(ctx, db, cfg.Lake.Dir, opts)
	} else {
		res, err = build.Update(ctx, db, cfg.Lake.Dir, opts)
	}
	if err != nil {
		return res, fmt.Errorf("build marts: %w", err)
	}
	return res, nil
}

// requireLake refuses to work on a lake that does not exist: build or check
// run in the wrong directory must not leave an empty lake there.
func requireLake(cfg config.File) error {
	if _, err := os.Stat(cfg.Lake.Dir); err != nil {
		return usagef("no lake at %s: load data first (`mcnamara ingest` or `mcnamara run`), or point --lake or --config at the lake", cfg.Lake.Dir)
	}
	return nil
}

// martsExist says whether the lake has marts to report on.
func martsExist(root string) bool {
	files, _ := filepath.Glob(lake.MartPattern(root, "contact_facts"))
	return len(files) > 0
}

// martsCurrent says whether the marts were built, completely, from exactly
// the lake's batches.
func martsCurrent(root string) (bool, error) {
	st, _, err := martsStatus(root)
	return st.Recorded && st.Pending == 0 && st.Gone == 0, err
}

// martsStatus compares the marts' build record with the lake's batches,
// and returns how many batches the lake has.
func martsStatus(root string) (build.MartsStatus, int, error) {
	ids, err := batchIDs(root)
	if err != nil {
		return build.MartsStatus{}, 0, err
	}
	st, err := build.Status(root, ids)
	return st, len(ids), err
}

// batchIDs lists the lake's committed batches.
func batchIDs(root string) ([]string, error) {
	batches, err := lake.ReadManifest(root)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(batches))
	for i, b := range batches {
		ids[i] = b.ID
	}
	return ids, nil
}

// copyAtomically writes src's bytes to dst by rename: a reader of dst sees
// the old file or the new one, never a part.
func copyAtomically(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("copy report: %w", err)
	}
	if err := renameio.WriteFile(dst, b, 0o644); err != nil {
		return fmt.Errorf("copy report to %s: %w", dst, err)
	}
	return nil
}
