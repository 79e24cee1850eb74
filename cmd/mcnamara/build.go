package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/mcnamara/mcnamara/metrics"
	"github.com/mcnamara/mcnamara/pipeline/build"
	"github.com/mcnamara/mcnamara/pipeline/lake"
)

func init() {
	commands = append(commands, func(g *globals) *cobra.Command {
		var wait, printSQL bool
		cmd := &cobra.Command{
			Use:   "build",
			Short: "Build the marts (contact_facts, journeys, gap, journey_flows, …) from the lake",
			Long: `Run the models (DuckDB SQL, embedded; see docs/definitions.md) over the lake's
tables and write the marts to lake/marts/<mart>.parquet: contact_facts,
journeys, gap, journey_flows, kpi_outcome_correlation, metric_targets and
coverage.

The marts are written to a temporary directory first and renamed into place
only when all are complete, so an interrupted build leaves the previous
marts intact.

--print-sql prints the SQL the build would run (settings and catalog
included) without touching the lake: paste it into any DuckDB that has the
input views to reproduce the marts.

Exit codes: 0 ok, 1 error, 2 configuration error, 4 locked.`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				cfg, err := loadConfig(g)
				if err != nil {
					return err
				}
				opts, err := defaultsFor(g, cfg.Lake.BusinessTimezone, cfg.Lake.MemoryLimit, cfg.Lake.Threads)
				if err != nil {
					return err
				}
				if printSQL {
					return printScript(cmd.OutOrStdout(), opts)
				}
				ctx := cmd.Context()
				unlock, err := lake.Lock(ctx, cfg.Lake.Dir, wait)
				if err != nil {
					return err
				}
				defer unlock()
				db, err := openDB(ctx, cfg)
				if err != nil {
					return err
				}
				defer db.Close()
				if err := lake.AttachInputs(ctx, db, cfg.Lake.Dir); err != nil {
					return err
				}
				res, err := build.Build(ctx, db, cfg.Lake.Dir, opts)
				if err != nil {
					return err
				}
				for _, m := range res.Marts {
					g.logger.Info("mart", "name", m.Name, "rows", m.Rows, "path", m.Path)
				}
				return nil
			},
		}
		cmd.Flags().BoolVar(&wait, "wait", false, "wait for the lake lock instead of failing with exit code 4")
		cmd.Flags().BoolVar(&printSQL, "print-sql", false, "print the SQL the build runs and exit")
		return cmd
	})
}

// defaultsFor is the single hook where the loaded configuration reaches the
// build: for now it returns the documented defaults (metric catalog with
// built-in targets and scorecard, build.DefaultOptions) plus the [lake]
// settings. TODO(lead): decode the config's [metrics] section into
// metrics.Config and its [build] section over build.DefaultOptions() here;
// return configuration errors as usageError so they exit with code 2.
func defaultsFor(_ *globals, timeZone, memoryLimit string, threads int) (build.Options, error) {
	cat, err := metrics.New(metrics.Config{})
	if err != nil {
		return build.Options{}, usageError{err}
	}
	o := build.DefaultOptions()
	if timeZone != "" {
		o.TimeZone = timeZone
	}
	o.MemoryLimit, o.Threads = memoryLimit, threads
	o.Catalog = cat
	return o, nil
}

func printScript(w io.Writer, o build.Options) error {
	steps, err := build.Script(o)
	if err != nil {
		return usageError{err}
	}
	for _, s := range steps {
		if _, err := fmt.Fprintf(w, "-- ==== %s ====\n%s\n", s.Name, s.SQL); err != nil {
			return err
		}
	}
	return nil
}
