package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/spf13/cobra"

	"github.com/mcnamara/mcnamara/job"
	"github.com/mcnamara/mcnamara/pipeline/lake"
)

func newCheckCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Reconcile the lake against its manifest (row counts, files, rejects)",
		Long: `Reconcile the lake with its manifest: for every batch, rows read = loaded +
rejected; every file the manifest lists exists and holds the recorded rows;
rejected rows are all in _rejects; no stray file lies in the lake.
Exits 1 on any mismatch, listing each one.

It also says whether the marts are up to date with the lake: built from
every batch, or which are not modelled yet (not a mismatch: ` + "`mcnamara build`" + `
brings them up to date).`,
		Example: `  mcnamara check --lake /srv/mcnamara/lake
  mcnamara check --config mcnamara.toml --log-format json || echo "lake and manifest disagree"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(g)
			if err != nil {
				return err
			}
			j := g.job(cfg)
			if err := j.RequireLake(); err != nil {
				return err
			}
			db, err := j.OpenDB(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			reconciled, err := lake.Check(cmd.Context(), db, cfg.Lake.Dir)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			t := table.NewWriter()
			t.SetOutputMirror(w)
			t.SetStyle(table.StyleLight)
			t.AppendHeader(table.Row{"batches", "files", "rows read", "loaded", "rejected", "date partitions"})
			t.AppendRow(table.Row{reconciled.Batches, reconciled.Files, reconciled.RowsRead, reconciled.RowsLoaded, reconciled.RowsRejected, partitionsText(reconciled.Partitions)})
			t.Render()
			for _, id := range reconciled.Unpublished {
				fmt.Fprintf(w, "note: batch %s is committed but some of its files are still in %s (a run stopped while moving them): they are read from there, and the next ingest, build or run moves them into place\n", id, lake.StagingDir)
			}
			for _, p := range reconciled.Problems {
				fmt.Fprintln(w, "MISMATCH", p)
			}
			if len(reconciled.Problems) > 0 {
				return fmt.Errorf("check: %d mismatch(es) between the lake %s and its manifest", len(reconciled.Problems), cfg.Lake.Dir)
			}
			fmt.Fprintln(w, "ok: the lake reconciles with its manifest")
			line, err := martsLine(j)
			if err != nil {
				return err
			}
			fmt.Fprintln(w, line)
			return nil
		},
	}
}

// martsLine says what the marts were built from, against the lake.
func martsLine(j job.Job) (string, error) {
	st, batches, err := j.MartsStatus()
	if err != nil {
		return "", err
	}
	how := "in full"
	if st.Incremental {
		how = "incrementally"
	}
	switch {
	case !st.Recorded:
		return "marts: no build record (never built, or a build was interrupted while replacing them); the next run or build rebuilds them in full", nil
	case st.Gone > 0:
		return fmt.Sprintf("marts: built from %d batch(es) no longer in the lake; the next run or build rebuilds them in full", st.Gone), nil
	case st.Pending > 0:
		return fmt.Sprintf("marts: %d of %d batches not modelled yet; `mcnamara build` updates them", st.Pending, batches), nil
	}
	return fmt.Sprintf("marts: up to date with all %d batches (built %s %s)", batches, how, st.BuiltAt.Format("2006-01-02 15:04 MST")), nil
}

// partitionsText lists the date partitions per table: "contacts 11,
// outcomes 10" (none: "–").
func partitionsText(parts map[string]int) string {
	var out []string
	for _, t := range slices.Sorted(maps.Keys(parts)) {
		out = append(out, fmt.Sprintf("%s %d", t, parts[t]))
	}
	if len(out) == 0 {
		return "–"
	}
	return strings.Join(out, ", ")
}
