package job

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/renameio/v2"

	"github.com/mcnamara/mcnamara/metrics"
	"github.com/mcnamara/mcnamara/pipeline/contract"
	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/reports"
)

// Report writes the report from the marts to htmlPath under the lake lock
// and, when pdfPath is not empty, prints it there. The checks come first,
// so that a missing browser or no marts cost nothing.
func (j Job) Report(ctx context.Context, wait bool, htmlPath, pdfPath string) error {
	var printer *PDFPrinter
	if pdfPath != "" {
		var err error
		if printer, err = j.NewPDFPrinter(); err != nil {
			return err
		}
	}
	if !j.martsExist() {
		return Usagef("no marts in %s: run `mcnamara build` (or `mcnamara run`) first", j.Config.Lake.Dir)
	}
	return j.WithLake(ctx, wait, func(db *sql.DB) error {
		if err := j.WriteReportLocked(ctx, db, htmlPath); err != nil {
			return err
		}
		if printer == nil {
			return nil
		}
		return printer.Print(ctx, htmlPath, pdfPath)
	})
}

// WriteReportLocked renders the report from the marts into path,
// atomically: a crash leaves the previous report in place. The caller
// holds the lake lock.
func (j Job) WriteReportLocked(ctx context.Context, db *sql.DB, path string) error {
	cfg := j.Config
	if err := lake.AttachInputs(ctx, db, cfg.Lake.Dir); err != nil {
		return err
	}
	if _, err := lake.AttachMarts(ctx, db, cfg.Lake.Dir); err != nil {
		return err
	}
	meta, err := j.ReportMeta()
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
		DrillTop:           cfg.Report.DrillTop,
		Timezone:           cfg.Lake.BusinessTimezone,
		Logger:             j.logger(),
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
	if err := j.Hook.At("report:before-rename"); err != nil {
		return err
	}
	if err := pf.CloseAtomicallyReplace(); err != nil {
		return lake.StorageError(fmt.Errorf("write report %s: %w", path, err), dir, "the report directory")
	}
	j.logger().Info("report written", "path", path)
	return nil
}

// PDFPrinter prints written reports to PDF.
type PDFPrinter struct {
	chromium string
	paper    reports.Paper
	logger   *slog.Logger
}

// NewPDFPrinter finds the browser and checks the paper size ([report]
// paper); a missing browser is an error that names the install command.
func (j Job) NewPDFPrinter() (*PDFPrinter, error) {
	paper, err := reports.ParsePaper(j.Config.Report.Paper)
	if err != nil {
		return nil, Usagef("--paper: %w", err)
	}
	bin, err := reports.FindChromium()
	if err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	return &PDFPrinter{chromium: bin, paper: paper, logger: j.logger()}, nil
}

// Print prints the report at htmlPath to pdfPath, atomically.
func (p *PDFPrinter) Print(ctx context.Context, htmlPath, pdfPath string) error {
	start := time.Now()
	err := reports.WritePDF(ctx, htmlPath, pdfPath, reports.PDFOptions{Chromium: p.chromium, Paper: p.paper, Logger: p.logger})
	if err != nil {
		// a full or read-only disk is said as for the HTML report
		return lake.StorageError(err, filepath.Dir(pdfPath), "the report directory")
	}
	p.logger.Info("pdf written", "path", pdfPath, "paper", string(p.paper), "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}

// PDFPath is the PDF beside an HTML report: report.html → report.pdf.
func PDFPath(html string) string {
	return strings.TrimSuffix(html, filepath.Ext(html)) + ".pdf"
}

// ReportMeta converts the manifest and the catalog into the report's own
// plain types (reports imports neither pipeline nor metrics).
func (j Job) ReportMeta() (reports.Meta, error) {
	cfg := j.Config
	batches, err := lake.ReadManifest(cfg.Lake.Dir)
	if err != nil {
		return reports.Meta{}, err
	}
	opts, err := j.BuildOptions()
	if err != nil {
		return reports.Meta{}, err
	}
	meta := reports.Meta{
		GeneratedAt:      time.Now().UTC(),
		Version:          j.Version,
		LakeDir:          cfg.Lake.Dir,
		ConfigPath:       cfg.Path(),
		RepeatWindowDays: opts.RepeatWindowDays,
		Build:            opts.BuildSettings,
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
		return reports.Meta{}, Usage(err)
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
