package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/spf13/cobra"

	"github.com/mcnamara/mcnamara/job"
	"github.com/mcnamara/mcnamara/pipeline/ingest"
)

func newIngestCmd(g *globals) *cobra.Command {
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
			j := g.job(cfg)
			if retry {
				return retryRejects(cmd, j, source, wait, args)
			}
			if source != "" {
				return job.Usagef("--source selects the rejects to retry: use it with --retry-rejects")
			}
			sources, err := j.Sources(args, mapping)
			if err != nil {
				return err
			}
			res, err := j.Ingest(cmd.Context(), wait, sources)
			if err != nil {
				return err
			}
			return job.Outcome(res)
		},
	}
	cmd.Flags().StringVar(&mapping, "mapping", "", "mapping for the named files: a preset name or a .sql file")
	cmd.Flags().BoolVar(&wait, "wait", false, "wait for the lake lock instead of failing with exit code 4")
	cmd.Flags().BoolVar(&list, "list-presets", false, "list the shipped mappings and exit")
	cmd.Flags().BoolVar(&retry, "retry-rejects", false, "re-read the rejected rows through the current mappings")
	cmd.Flags().StringVar(&source, "source", "", "with --retry-rejects: only the rejects of this configured source")
	return cmd
}

// retryRejects is ingest --retry-rejects: the configured sources' current
// mappings re-read their rejected records as one batch.
func retryRejects(cmd *cobra.Command, j job.Job, source string, wait bool, args []string) error {
	if len(args) > 0 {
		return job.Usagef("--retry-rejects reads the lake's rejects, not files: drop %s", strings.Join(args, " "))
	}
	res, err := j.RetryRejects(cmd.Context(), wait, source)
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
	return job.Outcome(res)
}

func listPresets(w io.Writer) error {
	presets, err := ingest.Presets()
	if err != nil {
		return err
	}
	t := table.NewWriter()
	t.SetOutputMirror(w)
	t.AppendHeader(table.Row{"preset", "table", "files", "time zone", "what"})
	for _, m := range presets {
		t.AppendRow(table.Row{m.Name[len("preset "):], m.Table, strings.Join(m.Match, "\n"), m.TimeZone, m.Doc})
	}
	// the descriptions wrap rather than run off a terminal
	t.SetColumnConfigs([]table.ColumnConfig{{Number: 5, WidthMax: 60, WidthMaxEnforcer: text.WrapSoft}})
	t.SetStyle(table.StyleLight)
	t.Render()
	return nil
}
