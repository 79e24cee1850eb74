package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/spf13/cobra"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/mcnamara/mcnamara/config"
	"github.com/mcnamara/mcnamara/pipeline/ingest"
	"github.com/mcnamara/mcnamara/pipeline/lake"
)

func init() {
	commands = append(commands, func(g *globals) *cobra.Command {
		var mapping, source string
		var wait, list, retry bool
		cmd := &cobra.Command{
			Use:   "ingest [FILE...]",
			Short: "Load raw export files into the lake (validated, partitioned Parquet)",
			Long: `Load raw exports into the lake as one batch. Each file goes through a mapping
(DuckDB SQL, see docs/mapping.md): the files named on the command line use
--mapping, or the shipped preset whose file-name pattern fits them; with no
files, every [[sources]] entry of the config is loaded from its globs.

Refused rows land in lake/_rejects with file, line, column and reason; a file
that cannot be read at all is reported and the other files still load.
Re-ingesting a file already loaded (same sha256) does nothing.

--retry-rejects re-reads the rejected rows (of every source, or of
--source NAME) through the current mappings, after a mapping or a target
was fixed: rows that pass now load with their original file and line, the
others stay rejected with their new reason, in one new batch. It reads the
records kept in _rejects, not the original files (which may be gone).

Exit codes: 0 ok, 1 a file was refused, 3 some rows were rejected, 4 locked.`,
			Example: `  mcnamara ingest inbox/acd_calls.csv inbox/crm_events.csv
  mcnamara ingest --mapping amazon_connect_ctr s3-export/connect-ctr-1-2026-01-05-*
  mcnamara ingest --mapping my_export.sql export.csv
  mcnamara ingest --config mcnamara.toml --wait
  mcnamara ingest --list-presets`,
			RunE: func(cmd *cobra.Command, args []string) error {
				if list {
					return listPresets(cmd.OutOrStdout())
				}
				cfg, err := loadConfig(g)
				if err != nil {
					return err
				}
				if retry {
					return retryRejects(cmd, g, cfg, source, wait, args)
				}
				if source != "" {
					return usagef("--source selects the rejects to retry: use it with --retry-rejects")
				}
				sources, err := sourcesFor(cfg, args, mapping)
				if err != nil {
					return err
				}
				res, err := runIngest(cmd.Context(), g, cfg, sources, wait)
				if err != nil {
					return err
				}
				return ingestOutcome(res)
			},
		}
		cmd.Flags().StringVar(&mapping, "mapping", "", "mapping for the named files: a preset name or a .sql file")
		cmd.Flags().BoolVar(&wait, "wait", false, "wait for the lake lock instead of failing with exit code 4")
		cmd.Flags().BoolVar(&list, "list-presets", false, "list the shipped mappings and exit")
		cmd.Flags().BoolVar(&retry, "retry-rejects", false, "re-read the rejected rows through the current mappings")
		cmd.Flags().StringVar(&source, "source", "", "with --retry-rejects: only the rejects of this configured source")
		return cmd
	})
}

// retryRejects is ingest --retry-rejects: the configured sources' current
// mappings re-read their rejected records as one batch.
func retryRejects(cmd *cobra.Command, g *globals, cfg config.File, source string, wait bool, args []string) error {
	if len(args) > 0 {
		return usagef("--retry-rejects reads the lake's rejects, not files: drop %s", strings.Join(args, " "))
	}
	if err := requireLake(cfg); err != nil {
		return err
	}
	var sources []ingest.Source
	for _, s := range cfg.Sources {
		if source != "" && s.Name != source {
			continue
		}
		m, err := sourceMapping(cfg, s)
		if err != nil {
			return usageError{err}
		}
		sources = append(sources, ingest.Source{Name: s.Name, Mapping: m})
	}
	if len(sources) == 0 {
		if source != "" {
			return usagef("--source %q: no such [[sources]] entry in %s", source, cfg.Path())
		}
		return usagef("nothing to retry: configure [[sources]] in %s (their current mappings re-read the rejects)", cfg.Path())
	}
	var res ingest.Result
	err := withLake(cmd.Context(), cfg, wait, func(db *sql.DB) error {
		var err error
		res, err = ingest.Retry(cmd.Context(), db, ingest.Options{Lake: cfg.Lake.Dir, BusinessTZ: cfg.Lake.BusinessTimezone,
			Logger: g.logger, Version: version, Hook: g.hook}, sources)
		return err
	})
	if err != nil {
		return err
	}
	b := res.Batch
	if !res.Committed {
		fmt.Fprintln(cmd.OutOrStdout(), "retry-rejects: no rejected rows to re-read")
		return nil
	}
	var retried int64
	for _, in := range b.Inputs {
		retried += in.RowsRetried
	}
	fmt.Fprintf(cmd.OutOrStdout(), "retry-rejects: batch %s re-read %d rejected rows of %d input file(s): %d now loaded, %d still rejected\n",
		b.ID, retried, len(b.Inputs), b.RowsLoaded, b.RowsRejected)
	return ingestOutcome(res)
}

// runIngest takes the lock and runs one batch.
func runIngest(ctx context.Context, g *globals, cfg config.File, sources []ingest.Source, wait bool) (ingest.Result, error) {
	var res ingest.Result
	err := withLake(ctx, cfg, wait, func(db *sql.DB) error {
		var err error
		res, err = ingestLocked(ctx, g, db, cfg, sources)
		return err
	})
	return res, err
}

// ingestLocked runs one batch; the caller holds the lake lock.
func ingestLocked(ctx context.Context, g *globals, db *sql.DB, cfg config.File, sources []ingest.Source) (ingest.Result, error) {
	opts := ingest.Options{Lake: cfg.Lake.Dir, BusinessTZ: cfg.Lake.BusinessTimezone, Logger: g.logger, Version: version, Hook: g.hook}
	if isTerminal(os.Stderr) {
		total := 0
		for _, s := range sources {
			total += len(s.Files)
		}
		p := mpb.NewWithContext(ctx, mpb.WithOutput(os.Stderr))
		bar := p.AddBar(int64(total), mpb.PrependDecorators(decor.Name("ingest "), decor.CountersNoUnit("%d/%d files")),
			mpb.AppendDecorators(decor.Elapsed(decor.ET_STYLE_GO)))
		opts.Progress = func(string, int, int) { bar.Increment() }
		defer p.Wait()
		defer bar.Abort(false)
	}
	res, err := ingest.Run(ctx, db, opts, sources)
	if err != nil {
		return res, err
	}
	b := res.Batch
	if res.Committed {
		g.logger.Info("batch committed", "batch", b.ID, "rows_read", b.RowsRead, "rows_loaded", b.RowsLoaded, "rows_rejected", b.RowsRejected)
	} else if files := len(b.Inputs); files > 0 {
		g.logger.Info("no new input: every file was already loaded", "files", files)
	} else {
		// An empty inbox on a nightly run usually means an upstream export
		// did not arrive, or the globs do not match its names.
		g.logger.Warn("no new input: no file matches the sources' globs; check the exports arrived and the [[sources]] files patterns", "config", cfg.Path())
	}
	return res, nil
}

// withLake holds the lake's writer lock and a DuckDB handle around fn.
// It first finishes what a killed writer left (lake.Recover): a committed
// batch still partly in staging is moved into place.
// A full disk or a read-only lake is explained: which directory, and what
// to free or fix.
func withLake(ctx context.Context, cfg config.File, wait bool, fn func(db *sql.DB) error) error {
	unlock, err := lake.Lock(ctx, cfg.Lake.Dir, wait)
	if err != nil {
		return lake.StorageError(err, cfg.Lake.Dir, "the lake")
	}
	defer unlock()
	if err := lake.Recover(cfg.Lake.Dir); err != nil {
		return lake.StorageError(err, cfg.Lake.Dir, "the lake")
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	return lake.StorageError(fn(db), cfg.Lake.Dir, "the lake")
}

func ingestOutcome(res ingest.Result) error {
	if err := joinFileErrors(res.FileErrors); err != nil {
		return err
	}
	if res.Batch.RowsRejected > 0 {
		return rejectedError{rows: res.Batch.RowsRejected}
	}
	return nil
}

func listPresets(w io.Writer) error {
	ms, err := ingest.Presets()
	if err != nil {
		return err
	}
	t := table.NewWriter()
	t.SetOutputMirror(w)
	t.AppendHeader(table.Row{"preset", "table", "files", "time zone", "what"})
	for _, m := range ms {
		t.AppendRow(table.Row{m.Name[len("preset "):], m.Table, strings.Join(m.Match, "\n"), m.TimeZone, m.Doc})
	}
	// the descriptions wrap rather than run off a terminal
	t.SetColumnConfigs([]table.ColumnConfig{{Number: 5, WidthMax: 60, WidthMaxEnforcer: text.WrapSoft}})
	t.SetStyle(table.StyleLight)
	t.Render()
	return nil
}
