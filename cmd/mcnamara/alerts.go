package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/spf13/cobra"

	"github.com/mcnamara/mcnamara/job"
	"github.com/mcnamara/mcnamara/metrics"
)

func newAlertsCmd(g *globals) *cobra.Command {
	var list bool
	cmd := &cobra.Command{
		Use:   "alerts",
		Short: "Judge the [alerts] thresholds over the marts, as the end of a run does",
		Long: `Judge the [alerts.<name>] thresholds of the configuration over the marts as
they are and the lake's latest batch, as ` + "`mcnamara run`" + ` does once it has
written the marts and the report. Each breach is logged as one warning
record (metric, dimension, member, value, threshold; one JSON object with
--log-format json) and printed; the command then exits 5. It reads the lake
only, without the lock, as a query does.

The alerts (--list says what each one measures, its dimensions and windows):
` + alertsHelp() + `

Exit codes: 0 no alert, 1 error, 2 configuration (or no [alerts]), 5 an
alert fired.`,
		Example: `  mcnamara alerts --config mcnamara.toml
  mcnamara alerts --config mcnamara.toml --log-format json 2>> alerts.log || echo "exit $?"
  mcnamara alerts --list`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if list {
				listAlerts(cmd.OutOrStdout())
				return nil
			}
			cfg, err := loadConfig(g)
			if err != nil {
				return err
			}
			res, err := g.job(cfg).Alerts(cmd.Context())
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			printBreaches(w, res)
			checks := fmt.Sprintf("%d check(s) of %d rule(s)", res.Checks, res.Rules)
			if len(res.Breaches) == 0 {
				fmt.Fprintf(w, "alerts: none fired (%s)\n", checks)
				return nil
			}
			fmt.Fprintf(w, "alerts: %d fired (%s)\n", len(res.Breaches), checks)
			return job.AlertError{Breaches: res.Breaches}
		},
	}
	cmd.Flags().BoolVar(&list, "list", false, "list the alerts [alerts.<name>] can set, and exit")
	return cmd
}

// alertsHelp lists the kinds for --help, from the one table of them.
func alertsHelp() string {
	var lines []string
	for _, a := range metrics.Alerts() {
		how := "fires above max"
		if a.Bound() == "min" {
			how = "fires below min"
		}
		lines = append(lines, fmt.Sprintf("  %-28s %s (%s)", "[alerts."+a.Name+"]", a.Title, how))
	}
	return strings.Join(lines, "\n")
}

// printBreaches says each breach in a line (they are logged too).
func printBreaches(w io.Writer, res job.AlertResult) {
	for _, b := range res.Breaches {
		fmt.Fprintln(w, "alert: "+b.String())
	}
}

// listAlerts prints the alert kinds, one paragraph each (narrow enough
// for any terminal).
func listAlerts(w io.Writer) {
	for i, a := range metrics.Alerts() {
		if i > 0 {
			fmt.Fprintln(w)
		}
		how := "fires above it"
		if a.Bound() == "min" {
			how = "fires below it"
		}
		fmt.Fprintf(w, "[alerts.%s]  %s = a %s (%s)\n", a.Name, a.Bound(), a.Unit, how)
		for _, line := range strings.Split(text.WrapSoft(a.Description, 74), "\n") {
			fmt.Fprintln(w, "  "+strings.TrimRight(line, " "))
		}
		fmt.Fprintf(w, "  dimensions: %s\n", dimensionList(a.DefaultDimensions, a.Dimensions))
		if len(a.Windows) > 0 {
			var ws []string
			for _, d := range a.Windows {
				ws = append(ws, strconv.Itoa(d))
			}
			fmt.Fprintf(w, "  window_days: %s (default %d)\n", strings.Join(ws, ", "), a.DefaultWindow)
		}
		fmt.Fprintf(w, "  min_count: the fewest %s a member needs to be judged (default 0)\n", a.Count)
	}
}

// dimensionList lists the defaults, then the other choices.
func dimensionList(defaults, all []string) string {
	var out []string
	for _, d := range defaults {
		out = append(out, d+" (default)")
	}
	for _, d := range all {
		if !slices.Contains(defaults, d) {
			out = append(out, d)
		}
	}
	return strings.Join(out, ", ")
}
