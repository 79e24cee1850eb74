package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/spf13/cobra"

	"github.com/mcnamara/mcnamara/job"
	"github.com/mcnamara/mcnamara/metrics"
	"github.com/mcnamara/mcnamara/pipeline/contract"
)

func newMetricsCmd(g *globals) *cobra.Command {
	var format string
	var width int
	cmd := &cobra.Command{
		Use:   "metrics",
		Short: "Print the metric catalog with the targets in force",
		Long: `Print every KPI (the organisation's scorecard view) and every outcome measure
(the customer's view): its name, unit, which direction is good, the SQL it
aggregates, whether it is part of the scorecard that makes up claimed
success, and the targets in force (default, per channel, department and
team; the most specific wins: team > department > channel > default).

The table fits the terminal: --width, else $COLUMNS, else 100 columns;
descriptions wrap, and below 150 columns the SQL each metric aggregates is
left out (--format json or csv carry every field, for scripts).`,
		Example: `  mcnamara metrics
  mcnamara metrics --config mcnamara.toml --format csv > metrics.csv
  mcnamara metrics --format json | jq '.[] | select(.in_scorecard) | .name'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(g)
			if err != nil {
				return err
			}
			opts, err := g.job(cfg).BuildOptions()
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			switch format {
			case "table":
				if width == 0 {
					width = terminalWidth()
				}
				if width < 80 {
					return job.Usagef("--width %d: want at least 80 columns", width)
				}
				rates, err := opts.Costs.Rates(contract.Channels)
				if err != nil {
					return job.Usage(err)
				}
				return printCatalogTable(w, opts.Catalog, rates, width)
			case "json":
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(opts.Catalog.Entries())
			case "csv":
				return printCatalogCSV(w, opts.Catalog)
			}
			return job.Usagef("--format %q: want table, json or csv", format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, json or csv")
	cmd.Flags().IntVar(&width, "width", 0, "width of the table in columns (default: $COLUMNS, else 100)")
	return cmd
}

// terminalWidth is $COLUMNS when the shell exports it, else 100: wide
// enough for the table, narrow enough for a split terminal or a mail.
func terminalWidth() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 100
}

// wideCatalog is the width from which the table also shows the SQL.
const wideCatalog = 150

// nameCap is the width a metric's name wraps at (after an underscore) in a
// narrower table.
const nameCap = 20

// wrapName breaks a snake_case name after underscores into lines of at
// most n characters (a part longer than n keeps its own line).
func wrapName(name string, n int) string {
	var lines []string
	line := ""
	for _, part := range strings.SplitAfter(name, "_") {
		if line != "" && len(line)+len(part) > n {
			lines = append(lines, line)
			line = ""
		}
		line += part
	}
	return strings.Join(append(lines, line), "\n")
}

func printCatalogTable(w io.Writer, cat *metrics.Catalog, costs metrics.Rates, width int) error {
	// Narrow terminals lose the SQL first, then the unit column (the unit
	// moves into the description).
	wide := width >= wideCatalog
	showUnit := width >= 90
	var header table.Row
	for _, h := range []struct {
		name string
		show bool
	}{{"metric", true}, {"kind", true}, {"unit", showUnit}, {"good", true}, {"targets", true}, {"aggregates", wide}, {"description", true}} {
		if h.show {
			header = append(header, h.name)
		}
	}
	var rows []table.Row
	for _, e := range cat.Entries() {
		kind := string(e.Kind)
		if e.InScorecard {
			kind += " ✓"
		}
		good := "↓"
		if e.Good == metrics.HigherIsBetter {
			good = "↑"
		}
		name := e.Name
		if width < wideCatalog {
			name = wrapName(name, nameCap)
		}
		r := table.Row{name, kind}
		desc := e.Description
		if showUnit {
			r = append(r, e.Unit)
		} else {
			desc = "(" + e.Unit + ") " + desc
		}
		r = append(r, good, targetLines(e.Targets))
		if wide {
			r = append(r, e.Aggregate+" over "+e.Table)
		}
		rows = append(rows, append(r, desc))
	}
	// Columns with a cap wrap at it; the others take their widest value;
	// the description gets the rest.
	caps := map[string]int{"unit": 8, "targets": 16, "aggregates": 40}
	used := 3*len(header) + 1 // "│ " … " │ " … " │"
	var cfgs []table.ColumnConfig
	for i, h := range header[:len(header)-1] {
		n := text.StringWidth(h.(string))
		for _, r := range rows {
			for _, l := range strings.Split(fmt.Sprint(r[i]), "\n") {
				n = max(n, text.StringWidth(l))
			}
		}
		if c, ok := caps[h.(string)]; ok && n > c {
			n = c
			cfgs = append(cfgs, table.ColumnConfig{Number: i + 1, WidthMax: c, WidthMaxEnforcer: text.WrapSoft})
		}
		used += n
	}
	cfgs = append(cfgs, table.ColumnConfig{Number: len(header), WidthMax: max(width-used, 14), WidthMaxEnforcer: text.WrapSoft})

	t := table.NewWriter()
	t.SetOutputMirror(w)
	t.SetStyle(table.StyleLight)
	t.AppendHeader(header)
	t.AppendRows(rows)
	t.SetColumnConfigs(cfgs)
	t.Render()
	if err := printCosts(w, cat, costs, width); err != nil {
		return err
	}
	note := "✓ = part of the scorecard (claimed success); targets: the default, then overrides by level"
	if !wide {
		note += "; the SQL each metric aggregates: --format json or csv, or --width 150"
	}
	for _, l := range strings.Split(text.WrapSoft(note, width), "\n") {
		if _, err := fmt.Fprintln(w, strings.TrimRight(l, " ")); err != nil {
			return err
		}
	}
	return nil
}

// printCosts says what the cost marts price contacts with, and the
// catalog's parameters.
func printCosts(w io.Writer, cat *metrics.Catalog, r metrics.Rates, width int) error {
	var by []string
	def := r.Hourly["phone"]
	for _, ch := range contract.Channels {
		if r.Hourly[ch] != def {
			by = append(by, fmt.Sprintf("%s %s", ch, strconv.FormatFloat(r.Hourly[ch], 'f', -1, 64)))
		}
	}
	line := fmt.Sprintf("costs: an agent hour is %s %s", strconv.FormatFloat(def, 'f', -1, 64), r.Currency)
	if len(by) > 0 {
		line += " (" + strings.Join(by, ", ") + ")"
	}
	if v := r.PerContact["store"]; v > 0 {
		line += fmt.Sprintf(", plus %s a branch or store visit", strconv.FormatFloat(v, 'f', -1, 64))
	}
	if r.CustomerHour > 0 {
		line += fmt.Sprintf("; a customer's hour is worth %s", strconv.FormatFloat(r.CustomerHour, 'f', -1, 64))
	} else {
		line += "; the customer's time in hours only"
	}
	line += fmt.Sprintf(". Service level: answered within %s s. Scorecard amber band: within %s%% of the target.",
		strconv.FormatFloat(cat.ServiceLevelSeconds(), 'f', -1, 64), strconv.FormatFloat(cat.AmberBand()*100, 'f', -1, 64))
	for _, l := range strings.Split(text.WrapSoft(line, width), "\n") {
		if _, err := fmt.Fprintln(w, strings.TrimRight(l, " ")); err != nil {
			return err
		}
	}
	return nil
}

// targetLines renders the default target, then the overrides under their
// level ("channel:" and one "  member=value" a line), narrow enough not to
// wrap.
func targetLines(ts []metrics.Target) string {
	lines := []string{"—"}
	level := metrics.Level("")
	for _, tg := range ts {
		v := strconv.FormatFloat(tg.Value, 'f', -1, 64)
		if tg.Level == metrics.LevelDefault {
			lines[0] = v
			continue
		}
		if tg.Level != level {
			level = tg.Level
			lines = append(lines, string(level)+":")
		}
		lines = append(lines, "  "+tg.Member+"="+v)
	}
	return strings.Join(lines, "\n")
}

// printCatalogCSV writes one row per metric with every field; targets are
// "level[ member]=value" joined by "; ".
func printCatalogCSV(w io.Writer, cat *metrics.Catalog) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"metric", "kind", "unit", "good", "in_scorecard", "table", "expr", "aggregate", "targets", "description"})
	for _, e := range cat.Entries() {
		var ts []string
		for _, tg := range e.Targets {
			v := strconv.FormatFloat(tg.Value, 'f', -1, 64)
			if tg.Level == metrics.LevelDefault {
				ts = append(ts, "default="+v)
			} else {
				ts = append(ts, fmt.Sprintf("%s %s=%s", tg.Level, tg.Member, v))
			}
		}
		cw.Write([]string{e.Name, string(e.Kind), e.Unit, string(e.Good), strconv.FormatBool(e.InScorecard),
			e.Table, e.Expr, e.Aggregate, strings.Join(ts, "; "), e.Description})
	}
	cw.Flush()
	return cw.Error()
}
