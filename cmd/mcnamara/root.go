package main

import (
	"context"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/mcnamara/mcnamara/config"
	"github.com/mcnamara/mcnamara/job"
	"github.com/mcnamara/mcnamara/pipeline/lake"
)

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
5 finished but an [alerts] threshold was crossed (outranks 3),
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
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return job.Usage(err) })
	shared := root.PersistentFlags()
	shared.StringVar(&g.lake, "lake", "", "lake directory (Parquet tables, manifest, marts); default from the config, else ./lake")
	shared.StringVar(&g.config, "config", "mcnamara.toml", "configuration file (TOML); optional unless given explicitly")
	shared.StringVar(&g.logFormat, "log-format", "text", "log format: text or json")
	shared.StringVar(&g.logLevel, "log-level", "info", "log level: debug, info, warn or error")

	// Every command, each in its own file; help lists them by name.
	root.AddCommand(
		newDemoCmd(g),
		newGenerateCmd(g),
		newInitCmd(g),
		newIngestCmd(g),
		newBuildCmd(g),
		newReportCmd(g),
		newRunCmd(g),
		newQueryCmd(g),
		newMetricsCmd(g),
		newExportCmd(g),
		newCheckCmd(g),
		newAlertsCmd(g),
		newVersionCmd(g),
	)
	return root, g
}

// loadConfig reads --config (required only when given explicitly) and
// applies --lake on top.
func loadConfig(g *globals) (config.File, error) {
	cfg, err := config.Load(g.config, g.configSeen)
	if err != nil {
		return cfg, job.Usage(err)
	}
	if g.lake != "" {
		cfg.Lake.Dir = g.lake
	} else {
		cfg.Lake.Dir = cfg.Resolve(cfg.Lake.Dir)
	}
	if cfg.Lake.TempDirectory != "" {
		cfg.Lake.TempDirectory = cfg.Resolve(cfg.Lake.TempDirectory)
	}
	return cfg, nil
}

// job is the work of a command on cfg, with this process's logger, crash
// hook and version, and an ingest progress bar on a terminal.
func (g *globals) job(cfg config.File) job.Job {
	j := job.Job{Config: cfg, Logger: g.logger, Hook: g.hook, Version: version}
	if isTerminal(os.Stderr) {
		j.Progress = progressBar
	}
	return j
}

// progressBar draws an ingest's files on standard error.
func progressBar(ctx context.Context, files int) (tick, stop func()) {
	p := mpb.NewWithContext(ctx, mpb.WithOutput(os.Stderr))
	bar := p.AddBar(int64(files), mpb.PrependDecorators(decor.Name("ingest "), decor.CountersNoUnit("%d/%d files")),
		mpb.AppendDecorators(decor.Elapsed(decor.ET_STYLE_GO)))
	return bar.Increment, func() {
		bar.Abort(false)
		p.Wait()
	}
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, job.Usagef("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, job.Usagef("--log-format %q: want text or json", format)
}

// isTerminal reports whether f is an interactive terminal (progress bars
// are drawn only there, never in cron mail or CI logs).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
