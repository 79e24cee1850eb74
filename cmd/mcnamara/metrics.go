package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/spf13/cobra"

	"github.com/mcnamara/mcnamara/metrics"
)

func init() {
	commands = append(commands, func(g *globals) *cobra.Command {
		var format string
		cmd := &cobra.Command{
			Use:   "metrics",
			Short: "Print the metric catalog with the targets in force",
			Long: `Print every KPI (the organisation's scorecard view) and every outcome measure
(the customer's view): its name, unit, which direction is good, the SQL it
aggregates, whether it is part of the scorecard that makes up claimed
success, and the targets in force (default, per channel, department and
team; the most specific wins: team > department > channel > default).`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				cfg, err := loadConfig(g)
				if err != nil {
					return err
				}
				opts, err := buildOptions(cfg)
				if err != nil {
					return err
				}
				switch format {
				case "table":
					return printCatalogTable(cmd.OutOrStdout(), opts.Catalog)
				case "json":
					enc := json.NewEncoder(cmd.OutOrStdout())
					enc.SetIndent("", "  ")
					return enc.Encode(opts.Catalog.Entries())
				}
				return usagef("--format %q: want table or json", format)
			},
		}
		cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
		return cmd
	})
}

func printCatalogTable(w io.Writer, cat *metrics.Catalog) error {
	t := table.NewWriter()
	t.SetOutputMirror(w)
	t.SetStyle(table.StyleLight)
	t.AppendHeader(table.Row{"metric", "kind", "unit", "good", "scorecard", "target", "overrides", "aggregates", "description"})
	for _, e := range cat.Entries() {
		good := "↓ lower"
		if e.Good == metrics.HigherIsBetter {
			good = "↑ higher"
		}
		sc := ""
		if e.InScorecard {
			sc = "✓"
		}
		target := "—"
		var over []string
		for _, tg := range e.Targets {
			v := strconv.FormatFloat(tg.Value, 'f', -1, 64)
			if tg.Level == metrics.LevelDefault {
				target = v
				continue
			}
			over = append(over, fmt.Sprintf("%s %s=%s", tg.Level, tg.Member, v))
		}
		t.AppendRow(table.Row{e.Name, e.Kind, e.Unit, good, sc, target, strings.Join(over, "\n"),
			e.Aggregate + " over " + e.Table, e.Description})
	}
	t.SetColumnConfigs([]table.ColumnConfig{
		{Number: 8, WidthMax: 40, WidthMaxEnforcer: text.WrapSoft},
		{Number: 9, WidthMax: 60, WidthMaxEnforcer: text.WrapSoft},
	})
	t.Render()
	return nil
}
