package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mcnamara/mcnamara/job"
)

func newExportCmd(g *globals) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "export --duckdb FILE.duckdb",
		Short: "Write a DuckDB database of views over the lake, for BI tools",
		Long: `Write a small DuckDB database file holding no data, only views over the
lake's Parquet files, by the names analysts use: the input tables
(contacts, outcomes, surveys, identities, rejects) and every mart
(contact_facts, journeys, gap, journey_flows, …), plus a table
mcnamara_export saying when and from which batches it was written.

Any tool that opens a DuckDB file then reads the lake directly: the DuckDB
CLI, Metabase (DuckDB driver), Superset (duckdb-engine), Evidence, Rill
(see the README). The file is written in DuckDB's v1.0.0 storage format, so
any DuckDB 1.x opens it.

The views name the lake's files by absolute path, as the manifest lists
them when the export runs: a batch ingested later is not seen until the
file is exported again (run it after each ` + "`mcnamara run`" + `), and a lake that
moves needs a new export. Marts are read by pattern, so a rebuild is seen
at once. The file is replaced atomically; a BI tool holding it open keeps
reading the previous one until it reconnects.`,
		Example: `  mcnamara export --duckdb lake.duckdb
  mcnamara run --config mcnamara.toml; mcnamara export --config mcnamara.toml --duckdb /srv/bi/mcnamara.duckdb
  duckdb lake.duckdb -c "SELECT dimension, member, gap_ratio FROM gap WHERE grain = 'total'"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return job.Usagef("--duckdb FILE is required: the database file to write (e.g. lake.duckdb)")
			}
			cfg, err := loadConfig(g)
			if err != nil {
				return err
			}
			j := g.job(cfg)
			if err := j.RequireLake(); err != nil {
				return err
			}
			views, err := j.ExportDuckDB(cmd.Context(), out)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %d views (%s)\n", out, len(views), strings.Join(views, ", "))
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "duckdb", "", "DuckDB database file to write (replaced atomically)")
	return cmd
}
