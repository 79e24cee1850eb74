package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mcnamara/mcnamara/config"
	"github.com/mcnamara/mcnamara/job"
)

func newDemoCmd(g *globals) *cobra.Command {
	var dir string
	var contacts int64
	var days int
	var seed uint64
	var datasetName, shared string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Generate a synthetic contact center (or take a real data set), run the whole pipeline, write the report",
		Long: `Generate a synthetic contact center (raw exports of six systems with planted
McNamara effects), ingest it through the shipped presets exactly as real
exports are, build the marts and write DIR/report.html. DIR/data and
DIR/lake are deleted and recreated, but only if an earlier demo made them:
a lake demo did not make is refused, never deleted.
The data ends yesterday, so the report reads like last quarter's.

With --dataset NAME, run the same pipeline on a real public export instead
(read in place from --shared DIR/datasets/, see docs/datasets.md), with its
domain's time zone, scorecard, targets and repeat window:
  ` + datasetHelp(),
		Example: `  mcnamara demo                                     synthetic data → demo/report.html
  mcnamara demo --dataset anonymous-bank-1999 --dir bank --shared ../shared`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if datasetName != "" {
				for _, f := range []string{"contacts", "days", "seed"} {
					if cmd.Flags().Changed(f) {
						return job.Usagef("--%s is for synthetic data; it cannot be combined with --dataset", f)
					}
				}
			} else {
				if cmd.Flags().Changed("shared") {
					return job.Usagef("--shared is only used with --dataset")
				}
				if contacts <= 0 || days <= 0 {
					return job.Usagef("--contacts and --days must be positive")
				}
			}
			cfg := config.Defaults()
			if g.configSeen {
				var err error
				if cfg, err = loadConfig(g); err != nil {
					return err
				}
			}
			j := g.job(cfg)
			if datasetName == "" {
				res, report, err := j.Demo(cmd.Context(), job.DemoOptions{Dir: dir, Contacts: contacts, Days: days, Seed: seed})
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "demo: %d rows loaded, %d rejected; report: %s\n",
					res.Ingest.Batch.RowsLoaded, res.Ingest.Batch.RowsRejected, report)
				return job.Outcome(res.Ingest)
			}
			d, err := job.LookupDataset(datasetName)
			if err != nil {
				return err
			}
			res, report, err := j.DatasetDemo(cmd.Context(), d, job.SharedDir(shared), dir)
			if err != nil {
				return err
			}
			b := res.Ingest.Batch
			fmt.Fprintf(cmd.OutOrStdout(), "demo %s: %d rows read, %d loaded, %d rejected (with their reasons in the lake's _rejects); report: %s\n",
				d.Name, b.RowsRead, b.RowsLoaded, b.RowsRejected, report)
			return job.Outcome(res.Ingest)
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "dir", "demo", "directory for the demo's data, lake and report (an earlier demo's are replaced)")
	f.Int64Var(&contacts, "contacts", 200_000, "contacts to simulate")
	f.IntVar(&days, "days", 91, "days of history")
	f.Uint64Var(&seed, "seed", 1, "random seed (same seed, same data)")
	f.StringVar(&datasetName, "dataset", "", "run on a real data set instead of synthetic data: "+job.DatasetNames())
	f.StringVar(&shared, "shared", "", "directory holding datasets/ (default $MCNAMARA_SHARED, else ../shared)")
	return cmd
}

// datasetHelp lists the registered data sets for --help.
func datasetHelp() string {
	var b strings.Builder
	for i, d := range job.Datasets {
		if i > 0 {
			b.WriteString("\n  ")
		}
		fmt.Fprintf(&b, "%-26s %s", d.Name, d.Doc)
	}
	return b.String()
}
