package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mcnamara/mcnamara/job"
	"github.com/mcnamara/mcnamara/pipeline/build"
)

func newRunCmd(g *globals) *cobra.Command {
	var wait, force bool
	cmd := &cobra.Command{
		Use:   "run",
		Short: "The scheduled job: ingest new files, build the marts, write the report",
		Long: `The nightly job, under the lake lock: ingest the new files of every
[[sources]] entry, rebuild the marts, and write the report to
[run] report_dir as report-YYYY-MM-DD.html and report.html (the latest),
keeping the newest [run] keep_reports dated reports. With [report] pdf = true
each is also printed to PDF beside it (report-YYYY-MM-DD.pdf, report.pdf) by
headless Chromium, on [report] paper (a4 or letter). A run that finds no new
input says so and exits 0 without rebuilding, unless the marts lag the lake
(say, a run was killed between its ingest and its build): then it brings
them up to date and writes the report. ` + "`mcnamara check`" + ` says whether the
marts are up to date.

Once the marts and the report are written it judges the [alerts]
thresholds (` + "`mcnamara alerts`" + ` judges them on demand): each breach is logged as
one warning record (metric, dimension, member, value, threshold) and
printed, and the run exits 5. A run that built nothing judges nothing.

Non-interactive and cron-friendly: no prompts, progress only on a terminal,
--log-format json for log collectors. SIGINT/SIGTERM stop it cleanly: what
was not committed is dropped and the previous lake, marts and report stay.

Exit codes: 0 ok, 1 error, 2 configuration, 3 rows rejected, 4 locked,
5 an alert fired (outranks 3), 130/143 stopped by SIGINT/SIGTERM.`,
		Example: `  # crontab: every night at 02:30
  30 2 * * *  cd /srv/mcnamara && mcnamara run --config mcnamara.toml --log-format json >> run.log 2>&1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(g)
			if err != nil {
				return err
			}
			res, latest, err := g.job(cfg).Nightly(cmd.Context(), wait, force)
			if err != nil {
				return err
			}
			if res.Built {
				loaded := "no new input"
				if res.Ingest.Committed {
					loaded = fmt.Sprintf("batch %s, %d rows loaded, %d rejected", res.Ingest.Batch.ID, res.Ingest.Batch.RowsLoaded, res.Ingest.Batch.RowsRejected)
				}
				written := latest
				if cfg.Report.PDF {
					written += " and " + job.PDFPath(latest)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "run: %s; report %s; %s\n", loaded, written, martsSummary(res.Build))
			} else {
				fmt.Fprintln(cmd.OutOrStdout(), "run: no new input; nothing rebuilt")
			}
			printBreaches(cmd.OutOrStdout(), res.Alerts)
			return job.RunOutcome(res)
		},
	}
	cmd.Flags().BoolVar(&wait, "wait", false, "wait for the lake lock instead of exiting with code 4")
	cmd.Flags().BoolVar(&force, "force", false, "rebuild the marts and report even without new input")
	return cmd
}

// martsSummary says how the marts were brought up to date.
func martsSummary(r build.Result) string {
	switch {
	case r.Incremental:
		return fmt.Sprintf("marts updated for the %d persons the new data touched", r.Persons)
	case r.UpToDate:
		return "marts already up to date"
	case r.FullReason != "":
		return "marts rebuilt in full: " + r.FullReason
	}
	return "marts rebuilt in full"
}
