package main

import (
	"io"
	"log/slog"
	"os"

	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/spf13/cobra"
)

// errLocked is returned (wrapped) when another process holds the lake lock.
var errLocked = lake.ErrLocked

// globals are the flags every subcommand shares.
type globals struct {
	lake       string
	config     string
	logFormat  string
	logLevel   string
	logger     *slog.Logger
	configSeen bool // --config was given explicitly
	// hook is the crash-test hook (MCNAMARA_CRASH_AT), nil normally.
	hook lake.Hook
}

func newRootCmd() *cobra.Command {
	root, _ := newRoot()
	return root
}

// newRoot is the root command and the globals its flags fill (main reads
// the log format from them to report the final error).
func newRoot() (*cobra.Command, *globals) {
	g := &globals{}
	root := &cobra.Command{
		Use:   "mcnamara",
		Short: "Find where contact-center KPIs say success while customers fail",
		Long: `mcnamara loads contact-center KPI exports (calls, chats, visits, dispositions,
SLA flags, surveys) and customer-outcome exports (resolutions, reopenings,
complaints, disputes, churn) into a Parquet lake, models them with DuckDB SQL
and writes one self-contained HTML report showing the McNamara gap: contacts
the scorecard counts as a success whose customers nevertheless failed.

Start here:
  mcnamara demo                     generate synthetic data, run everything, write demo/report.html
  mcnamara init                     write mcnamara.toml, a commented starter configuration
  mcnamara run --config mcnamara.toml   the nightly job: ingest new files, build marts, write the report

Exit codes: 0 ok, 1 error, 2 usage or configuration error,
3 finished with rejected rows, 4 another run holds the lake lock,
130/143 stopped by SIGINT/SIGTERM (what was committed stays).`,
		Example: `  mcnamara demo
  mcnamara init && mcnamara run --config mcnamara.toml
  mcnamara query -e "SELECT dimension, member, gap_ratio FROM gap WHERE grain = 'total'"
  mcnamara export --duckdb lake.duckdb`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			g.configSeen = cmd.Flags().Changed("config")
			l, err := newLogger(cmd.ErrOrStderr(), g.logFormat, g.logLevel)
			if err != nil {
				return err
			}
			g.logger = l
			g.hook = crashHook(os.Getenv(crashEnv), cmd.ErrOrStderr())
			return nil
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&g.lake, "lake", "", "lake directory (Parquet tables, manifest, marts); default from the config, else ./lake")
	pf.StringVar(&g.config, "config", "mcnamara.toml", "configuration file (TOML); optional unless given explicitly")
	pf.StringVar(&g.logFormat, "log-format", "text", "log format: text or json")
	pf.StringVar(&g.logLevel, "log-level", "info", "log level: debug, info, warn or error")

	for _, add := range commands {
		root.AddCommand(add(g))
	}
	return root, g
}

// commands registers subcommands; each lives in its own file and appends
// itself from an init function, restic style.
var commands []func(*globals) *cobra.Command

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, usagef("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usagef("--log-format %q: want text or json", format)
}

// isTerminal reports whether f is an interactive terminal (progress bars
// are drawn only there, never in cron mail or CI logs).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
