package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/renameio/v2"
	"github.com/spf13/cobra"

	"github.com/mcnamara/mcnamara/config"
	"github.com/mcnamara/mcnamara/metrics"
	"github.com/mcnamara/mcnamara/pipeline/contract"
	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/reports"
)

func init() {
	commands = append(commands, func(g *globals) *cobra.Command {
		var out, pdf, paper string
		var wait bool
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
headline on page one, every section on a page of its own.`,
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
						return usagef("--paper is the PDF's sheet size: give --pdf FILE.pdf with it")
					}
					cfg.Report.Paper = paper
				}
				var job *pdfJob
				if pdf != "" {
					// Before the work, so that a missing browser costs nothing.
					if job, err = newPDFJob(cfg); err != nil {
						return err
					}
				}
				if !martsExist(cfg.Lake.Dir) {
					return usagef("no marts in %s: run `mcnamara build` (or `mcnamara run`) first", cfg.Lake.Dir)
				}
				return withLake(cmd.Context(), cfg, wait, func(db *sql.DB) error {
					if err := writeReportLocked(cmd.Context(), g, db, cfg, out); err != nil {
						return err
					}
					fmt.Fprintln(cmd.OutOrStdout(), "report:", out)
					if job == nil {
						return nil
					}
					if err := job.write(cmd.Context(), g, out, pdf); err != nil {
						return err
					}
					fmt.Fprintln(cmd.OutOrStdout(), "pdf:", pdf)
					return nil
				})
			},
		}
		cmd.Flags().StringVar(&out, "out", "report.html", "the HTML file to write (atomically)")
		cmd.Flags().StringVar(&pdf, "pdf", "", "also print the report to this PDF file (atomically), with headless Chromium")
		cmd.Flags().StringVar(&paper, "paper", "", "the PDF's sheet size: a4 or letter (default [report] paper, else a4)")
		cmd.Flags().BoolVar(&wait, "wait", false, "wait for the lake lock instead of exiting with code 4")
		return cmd
	})
}

// writeReportLocked renders the report from the marts into path,
// atomically: a crash leaves the previous report in place.
func writeReportLocked(ctx context.Context, g *globals, db *sql.DB, cfg config.File, path string) error {
	if err := lake.AttachInputs(ctx, db, cfg.Lake.Dir); err != nil {
		return err
	}
	if _, err := lake.AttachMarts(ctx, db, cfg.Lake.Dir); err != nil {
		return err
	}
	meta, err := reportMeta(cfg)
	if err != nil {
		return err
	}
	key := cfg.Report.PseudonymKey
	if env := os.Getenv("MCNAMARA_PSEUDONYM_KEY"); env != "" {
		key = env
	}
	opts := reports.Options{
		Title:              cfg.Report.Title,
		PseudonymKey:       []byte(key),
		RevealCustomerKeys: cfg.Report.ShowCustomerKeys,
		Timezone:           cfg.Lake.BusinessTimezone,
		Logger:             g.logger,
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return lake.StorageError(fmt.Errorf("report dir: %w", err), dir, "the report directory")
	}
	pf, err := renameio.NewPendingFile(path, renameio.WithPermissions(0o644))
	if err != nil {
		return lake.StorageError(fmt.Errorf("create report %s: %w", path, err), dir, "the report directory")
	}
	defer pf.Cleanup()
	w := bufio.NewWriterSize(pf, 1<<20)
	if err := reports.Render(ctx, w, db, meta, opts); err != nil {
		return lake.StorageError(fmt.Errorf("render report: %w", err), dir, "the report directory")
	}
	if err := w.Flush(); err != nil {
		return lake.StorageError(fmt.Errorf("write report %s: %w", path, err), dir, "the report directory")
	}
	if err := g.hook.At("report:before-rename"); err != nil {
		return err
	}
	if err := pf.CloseAtomicallyReplace(); err != nil {
		return lake.StorageError(fmt.Errorf("write report %s: %w", path, err), dir, "the report directory")
	}
	g.logger.Info("report written", "path", path)
	return nil
}

// pdfJob prints written reports to PDF.
type pdfJob struct {
	chromium string
	paper    reports.Paper
}

// newPDFJob finds the browser and checks the paper size; a missing
// browser is an error that names the install command.
func newPDFJob(cfg config.File) (*pdfJob, error) {
	paper, err := reports.ParsePaper(cfg.Report.Paper)
	if err != nil {
		return nil, usagef("--paper: %w", err)
	}
	bin, err := reports.FindChromium()
	if err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	return &pdfJob{chromium: bin, paper: paper}, nil
}

// write prints the report at htmlPath to pdfPath, atomically.
func (j *pdfJob) write(ctx context.Context, g *globals, htmlPath, pdfPath string) error {
	start := time.Now()
	err := reports.WritePDF(ctx, htmlPath, pdfPath, reports.PDFOptions{Chromium: j.chromium, Paper: j.paper, Logger: g.logger})
	if err != nil {
		// a full or read-only disk is said as for the HTML report
		return lake.StorageError(err, filepath.Dir(pdfPath), "the report directory")
	}
	g.logger.Info("pdf written", "path", pdfPath, "paper", string(j.paper), "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}

// pdfPath is the PDF beside an HTML report: report.html → report.pdf.
func pdfPath(html string) string {
	return strings.TrimSuffix(html, filepath.Ext(html)) + ".pdf"
}

// reportMeta converts the manifest and the catalog into the report's own
// plain types (reports imports neither pipeline nor metrics).
func reportMeta(cfg config.File) (reports.Meta, error) {
	batches, err := lake.ReadManifest(cfg.Lake.Dir)
	if err != nil {
		return reports.Meta{}, err
	}
	opts, err := buildOptions(cfg)
	if err != nil {
		return reports.Meta{}, usageError{err}
	}
	meta := reports.Meta{
		GeneratedAt:      time.Now().UTC(),
		Version:          version,
		LakeDir:          cfg.Lake.Dir,
		ConfigPath:       cfg.Path(),
		RepeatWindowDays: opts.RepeatWindowDays,
	}
	for _, b := range batches {
		rb := reports.Batch{ID: b.ID, StartedAt: b.StartedAt, FinishedAt: b.FinishedAt,
			RowsRead: b.RowsRead, RowsLoaded: b.RowsLoaded, RowsRejected: b.RowsRejected}
		for _, in := range b.Inputs {
			rb.Inputs = append(rb.Inputs, reports.Input{Path: filepath.Base(in.Path), Table: in.Table, Mapping: in.Mapping,
				RowsRead: in.RowsRead, RowsLoaded: in.RowsLoaded, RowsRejected: in.RowsRejected, Error: in.Error, Skipped: in.Skipped})
		}
		meta.Batches = append(meta.Batches, rb)
	}
	for _, e := range opts.Catalog.Entries() {
		m := reports.Metric{Name: e.Name, Title: e.Title, Description: e.Description, Unit: unitOf(e.Unit),
			Kind: string(e.Kind), Good: string(e.Good)}
		if e.Kind == metrics.KPI {
			if e.InScorecard {
				m.Title += " (scorecard)"
			}
			op := "≥"
			if e.Good == metrics.LowerIsBetter {
				op = "≤"
			}
			for _, t := range e.Targets {
				scope := string(t.Level)
				if t.Member != "" {
					scope += " " + t.Member
				}
				m.Targets = append(m.Targets, reports.Target{Scope: scope, Op: op, Value: t.Value})
			}
		}
		meta.Metrics = append(meta.Metrics, m)
	}
	meta.AmberBand = opts.Catalog.AmberBand()
	rates, err := opts.Costs.Rates(contract.Channels)
	if err != nil {
		return reports.Meta{}, usageError{err}
	}
	meta.Currency, meta.AgentHour = rates.Currency, rates.Hourly
	for _, c := range metrics.Concepts(opts.RepeatWindowDays) {
		meta.Concepts = append(meta.Concepts, reports.Concept{Term: c.Term, Definition: c.Definition})
	}
	return meta, nil
}

func unitOf(u string) string {
	switch {
	case strings.Contains(u, "second"):
		return "seconds"
	case strings.Contains(u, "ratio"), u == "%":
		return "ratio"
	}
	return u
}
