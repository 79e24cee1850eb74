package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mcnamara/mcnamara/config"
	"github.com/mcnamara/mcnamara/job"
)

func newReportCmd(g *globals) *cobra.Command {
	var out, pdf, paper string
	var wait bool
	var drillTop int
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write the executive report (one self-contained HTML file) from the marts",
		Long: `Write one self-contained HTML report from the lake's marts: it opens offline
(the chart library is inlined), customer keys are pseudonymised unless the
config says otherwise, and every chart has a one-sentence finding and a CSV
download of its data. Run ` + "`mcnamara build`" + ` first (or use ` + "`mcnamara run`" + `).

With --pdf, the report is also printed to PDF by headless Chromium (found on
PATH as chromium, chromium-browser or google-chrome, or named by the CHROMIUM
environment variable): A4 unless --paper or [report] paper says letter, the
headline on page one, every section on a page of its own.

Clicking a point of the quadrant, a heatmap cell, a department's bars or a
Sankey flow lists the journeys behind it (pseudonymised customers, each with
its timeline); each list embeds its worst --drill-top journeys and counts
the rest.`,
		Example: `  mcnamara report --out report.html
  mcnamara report --out report.html --pdf report.pdf --paper letter
  mcnamara report --config mcnamara.toml --out /srv/www/mcnamara.html --wait`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(g)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("paper") {
				if pdf == "" {
					return job.Usagef("--paper is the PDF's sheet size: give --pdf FILE.pdf with it")
				}
				cfg.Report.Paper = paper
			}
			if cmd.Flags().Changed("drill-top") {
				if drillTop < 1 || drillTop > config.MaxDrillTop {
					return job.Usagef("--drill-top %d: want 1 to %d journeys a list", drillTop, config.MaxDrillTop)
				}
				cfg.Report.DrillTop = drillTop
			}
			if err := g.job(cfg).Report(cmd.Context(), wait, out, pdf); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "report:", out)
			if pdf != "" {
				fmt.Fprintln(cmd.OutOrStdout(), "pdf:", pdf)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "report.html", "the HTML file to write (atomically)")
	cmd.Flags().StringVar(&pdf, "pdf", "", "also print the report to this PDF file (atomically), with headless Chromium")
	cmd.Flags().StringVar(&paper, "paper", "", "the PDF's sheet size: a4 or letter (default [report] paper, else a4)")
	cmd.Flags().IntVar(&drillTop, "drill-top", 0, "journeys each drill-down list embeds, worst first (default [report] drill_top, else 10)")
	cmd.Flags().BoolVar(&wait, "wait", false, "wait for the lake lock instead of exiting with code 4")
	return cmd
}
