package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/spf13/cobra"

	"github.com/mcnamara/mcnamara/job"
	mcsql "github.com/mcnamara/mcnamara/sql"
	"github.com/mcnamara/mcnamara/sql/query"
)

func newQueryCmd(g *globals) *cobra.Command {
	var expr, format, out string
	var params []string
	var maxRows int
	var list bool
	cmd := &cobra.Command{
		Use:   "query FILE.sql | -e SQL",
		Short: "Run an ad-hoc SELECT against the lake's tables and marts",
		Long: `Run one SELECT against the lake. The input tables (contacts, outcomes,
surveys, identities, rejects) and the marts (contact_facts, journeys, gap,
journey_flows, …) are views by those names. The lake is read-only here and
DuckDB cannot reach the network.

Parameters: write $name in the SQL and pass --param name=value ($1, $2, …
take --param 1=value, numbered from 1); values are bound, never spliced
into the text. A parameter the SQL uses but is not
given, or one given but unused, is an error.

Formats: table (for a terminal: the first --max-rows rows, long values
wrapped and cut at 180 characters) and markdown round numbers for reading;
csv and json keep every digit (DECIMAL exactly); parquet keeps the types.
Each column is written one way: dates 2026-01-02, timestamps
2026-01-02 10:00:00, TIMESTAMPTZ in UTC as 2026-01-02T10:00:00Z.

Examples to start from ship with the binary: ` + "`mcnamara query --examples`" + ` lists
them, and an example runs by its name (mcnamara query survey_bias); their
text is in sql/examples/ to copy and adapt.`,
		Example: `  mcnamara query sql/examples/gap_by_agent_this_month.sql --param month=2026-01-01
  mcnamara query -e "SELECT channel, count(*) FROM contacts GROUP BY ALL" --format csv`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if list {
				return listExamples(cmd.OutOrStdout())
			}
			var req query.Request
			switch {
			case expr != "" && len(args) == 1:
				return job.Usagef("give a FILE.sql or -e SQL, not both")
			case expr != "":
				req = query.Request{Name: "-e", SQL: expr}
			case len(args) == 1:
				text, err := readQueryFile(args[0])
				if err != nil {
					return job.Usage(err)
				}
				req = query.Request{Name: args[0], SQL: text}
			default:
				return job.Usagef("give a FILE.sql (or - for standard input) or -e SQL")
			}
			p, err := query.ParseParams(params)
			if err != nil {
				return job.Usage(err)
			}
			req.Params, req.Format, req.MaxRows = p, format, maxRows
			cfg, err := loadConfig(g)
			if err != nil {
				return err
			}
			if req.Format == "parquet" && out == "" {
				if f, ok := cmd.OutOrStdout().(*os.File); ok && isTerminal(f) {
					return job.Usagef("--format parquet writes binary: pass --out FILE.parquet or redirect standard output")
				}
			}
			return g.job(cfg).Query(cmd.Context(), req, out, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVarP(&expr, "expr", "e", "", "SQL text to run instead of a file")
	f.StringArrayVar(&params, "param", nil, "bind a named parameter: name=value (repeatable)")
	f.StringVar(&format, "format", "table", "output format: "+strings.Join(query.Formats, ", "))
	f.StringVar(&out, "out", "", "write to this file (atomically) instead of standard output")
	f.IntVar(&maxRows, "max-rows", 1000, "rows shown by --format table")
	f.BoolVar(&list, "examples", false, "list the example queries that ship with the binary and exit")
	return cmd
}

// readQueryFile reads FILE.sql, standard input (-), or a shipped example
// by name when no such file exists.
func readQueryFile(p string) (string, error) {
	if p == "-" {
		b, err := io.ReadAll(bufio.NewReader(os.Stdin))
		return string(b), err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) && !strings.ContainsRune(p, os.PathSeparator) {
		if text, exErr := mcsql.Example(strings.TrimSuffix(p, ".sql")); exErr == nil {
			return text, nil
		}
	}
	if err != nil {
		return "", fmt.Errorf("read query: %w (or name a shipped example: mcnamara query --examples)", err)
	}
	return string(b), nil
}

// listExamples prints each shipped example with its title line and params.
func listExamples(w io.Writer) error {
	t := table.NewWriter()
	t.SetOutputMirror(w)
	t.SetStyle(table.StyleLight)
	t.AppendHeader(table.Row{"example", "what", "params (example value)"})
	for _, n := range mcsql.ExampleNames() {
		text, err := mcsql.Example(n)
		if err != nil {
			return err
		}
		title, _, _ := strings.Cut(text, "\n")
		var ps []string
		for k, v := range mcsql.ExampleParams(text) {
			ps = append(ps, k+"="+v)
		}
		sort.Strings(ps)
		t.AppendRow(table.Row{n, strings.TrimSpace(strings.TrimPrefix(title, "--")), strings.Join(ps, " ")})
	}
	t.Render()
	return nil
}
