package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/mcnamara/mcnamara/job"
	"github.com/mcnamara/mcnamara/pipeline/build"
)

func newBuildCmd(g *globals) *cobra.Command {
	var wait, printSQL, full bool
	var withWrites string
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Build the marts (contact_facts, journeys, gap, journey_flows, …) from the lake",
		Long: `Run the models (DuckDB SQL, embedded; see docs/definitions.md) over the lake's
tables and write the marts to lake/marts: contact_facts, journeys and
outcome_links as one Parquet file per month (lake/marts/<mart>/YYYY-MM.parquet),
gap, journey_flows, kpi_outcome_correlation, metric_targets and coverage as
lake/marts/<mart>.parquet.

The marts are written to a temporary directory first and renamed into place
only when all are complete, so an interrupted build leaves the previous
marts intact.

Incremental: when the marts were built by the same settings, targets and
models from the lake as it was before its latest batches, only the persons
those batches touch are recomputed (their contacts, journeys and outcome
links; see docs/definitions.md) and merged into the previous marts, rewriting
only the months that change; the result is the same as a full rebuild.
Otherwise, or with --full, every model runs over the whole lake; the log says
which and why. lake/marts/_build.json records what the marts were built from.

--print-sql prints the SQL the build would run (settings and catalog
included) without touching the lake: paste it into any DuckDB that has the
input views to reproduce the marts. With --with-writes DIR it adds the
settings the build runs under and the COPY statements that write the
marts into DIR: the build's work done by DuckDB alone (the benchmarks
compare the two).

Exit codes: 0 ok, 1 error, 2 configuration error, 4 locked.`,
		Example: `  mcnamara build --config mcnamara.toml
  mcnamara build --full --wait
  mcnamara build --print-sql > marts.sql`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(g)
			if err != nil {
				return err
			}
			j := g.job(cfg)
			if printSQL {
				opts, err := j.BuildOptions()
				if err != nil {
					return err
				}
				return printScript(cmd.OutOrStdout(), opts, withWrites)
			}
			res, err := j.Build(cmd.Context(), wait, full)
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
	cmd.Flags().BoolVar(&full, "full", false, "rebuild every mart from the whole lake instead of updating incrementally")
	cmd.Flags().BoolVar(&printSQL, "print-sql", false, "print the SQL the build runs and exit")
	cmd.Flags().StringVar(&withWrites, "with-writes", "", "with --print-sql: also print the settings and the COPY statements writing the marts into this directory")
	return cmd
}

func printScript(w io.Writer, o build.Options, writes string) error {
	steps, err := build.PrintScript(o)
	if writes != "" {
		steps, err = build.WriteScript(o, writes)
	}
	if err != nil {
		return job.Usage(err)
	}
	for _, s := range steps {
		if _, err := fmt.Fprintf(w, "-- ==== %s ====\n%s\n", s.Name, s.SQL); err != nil {
			return err
		}
	}
	return nil
}
