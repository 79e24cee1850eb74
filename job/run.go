package job

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/google/renameio/v2"

	"github.com/mcnamara/mcnamara/pipeline/build"
	"github.com/mcnamara/mcnamara/pipeline/ingest"
	"github.com/mcnamara/mcnamara/pipeline/lake"
)

// RunOptions say how Run runs the whole pipeline.
type RunOptions struct {
	Wait  bool // wait for the lake lock instead of failing with ErrLocked
	Force bool // rebuild the marts and the report without new input
	// Reports are the files the report is written to (the first is
	// rendered, the others are atomic copies). With [report] pdf, each
	// also gets its PDF beside it (PDFPath), printed once and copied.
	Reports []string
}

// RunResult says what a run did.
type RunResult struct {
	Ingest  ingest.Result
	Built   bool
	Build   build.Result
	Reports []string // the HTML and PDF files written
	// Alerts are the [alerts] rules judged once the marts and the report
	// were written (none when nothing was built).
	Alerts AlertResult
}

// Run is the whole pipeline under one hold of the lake lock: ingest the
// sources' new files, and when there was something new (or Force, or the
// marts lag the lake) build the marts, write the report(s) and then judge
// the [alerts] over them. A run that built nothing judges nothing: its
// marts are the ones the previous run judged.
func (j Job) Run(ctx context.Context, opts RunOptions, sources []ingest.Source) (RunResult, error) {
	var out RunResult
	cfg, log := j.Config, j.logger()
	work := func(db *sql.DB) error {
		res, err := j.IngestLocked(ctx, db, sources)
		if err != nil {
			return err
		}
		out.Ingest = res
		// Without new input the marts are rebuilt only when they lag the
		// lake: a run killed between its ingest and its build leaves them so.
		current, err := j.martsCurrent()
		if err != nil {
			return err
		}
		if !res.Committed && !opts.Force && current {
			log.Info("no new input: marts and report left as they are")
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := j.BuildLocked(ctx, db, opts.Force)
		if err != nil {
			return err
		}
		out.Build = b
		out.Built = true
		if len(opts.Reports) == 0 {
			return nil
		}
		if err := j.WriteReportLocked(ctx, db, opts.Reports[0]); err != nil {
			return err
		}
		out.Reports = append(out.Reports, opts.Reports[0])
		// The others are byte copies: one render, so the dated and the
		// latest report agree (random pseudonyms differ between renders).
		for _, r := range opts.Reports[1:] {
			if err := copyAtomically(opts.Reports[0], r); err != nil {
				return err
			}
			log.Info("report written", "path", r)
			out.Reports = append(out.Reports, r)
		}
		if !cfg.Report.PDF {
			return nil
		}
		// After the HTML: a browser missing tonight fails the run (exit 1)
		// but still leaves tonight's data loaded and its HTML report.
		printer, err := j.NewPDFPrinter()
		if err != nil {
			return err
		}
		first := PDFPath(opts.Reports[0])
		if err := printer.Print(ctx, opts.Reports[0], first); err != nil {
			return err
		}
		out.Reports = append(out.Reports, first)
		for _, r := range opts.Reports[1:] {
			if err := copyAtomically(first, PDFPath(r)); err != nil {
				return err
			}
			out.Reports = append(out.Reports, PDFPath(r))
		}
		return nil
	}
	err := j.WithLake(ctx, opts.Wait, func(db *sql.DB) error {
		if err := work(db); err != nil || !out.Built {
			return err
		}
		// Last, once everything is written: an alert is not a failure of
		// the work. Its batch is tonight's (none when nothing was new).
		var batch *lake.Batch
		if out.Ingest.Committed {
			batch = &out.Ingest.Batch
		}
		var err error
		out.Alerts, err = j.EvaluateAlerts(ctx, db, batch)
		return err
	})
	return out, err
}

// RequireLake refuses to work on a lake that does not exist: build or check
// run in the wrong directory must not leave an empty lake there.
func (j Job) RequireLake() error {
	if _, err := os.Stat(j.Config.Lake.Dir); err != nil {
		return Usagef("no lake at %s: load data first (`mcnamara ingest` or `mcnamara run`), or point --lake or --config at the lake", j.Config.Lake.Dir)
	}
	return nil
}

// martsExist says whether the lake has marts to report on.
func (j Job) martsExist() bool {
	files, _ := filepath.Glob(lake.MartPattern(j.Config.Lake.Dir, "contact_facts"))
	return len(files) > 0
}

// martsCurrent says whether the marts were built, completely, from exactly
// the lake's batches.
func (j Job) martsCurrent() (bool, error) {
	st, _, err := j.MartsStatus()
	return st.Recorded && st.Pending == 0 && st.Gone == 0, err
}

// MartsStatus compares the marts' build record with the lake's batches,
// and returns how many batches the lake has.
func (j Job) MartsStatus() (build.MartsStatus, int, error) {
	root := j.Config.Lake.Dir
	ids, err := batchIDs(root)
	if err != nil {
		return build.MartsStatus{}, 0, err
	}
	st, err := build.Status(root, ids)
	return st, len(ids), err
}

// batchIDs lists the lake's committed batches.
func batchIDs(root string) ([]string, error) {
	batches, err := lake.ReadManifest(root)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(batches))
	for i, b := range batches {
		ids[i] = b.ID
	}
	return ids, nil
}

// copyAtomically writes src's bytes to dst by rename: a reader of dst sees
// the old file or the new one, never a part.
func copyAtomically(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("copy report: %w", err)
	}
	if err := renameio.WriteFile(dst, b, 0o644); err != nil {
		return fmt.Errorf("copy report to %s: %w", dst, err)
	}
	return nil
}

// Nightly is `mcnamara run`: every configured source's new files, then
// the marts and the report in [run] report_dir, as report-YYYY-MM-DD.html
// (the business day's) and report.html, the newest [run] keep_reports
// dated ones kept. It returns what the run did and the latest report.
func (j Job) Nightly(ctx context.Context, wait, force bool) (RunResult, string, error) {
	cfg := j.Config
	sources, err := j.Sources(nil, "")
	if err != nil {
		return RunResult{}, "", err
	}
	loc, _ := time.LoadLocation(cfg.Lake.BusinessTimezone)
	dir := cfg.Resolve(cfg.Run.ReportDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return RunResult{}, "", fmt.Errorf("report dir: %w", err)
	}
	dated := filepath.Join(dir, "report-"+time.Now().In(loc).Format("2006-01-02")+".html")
	latest := filepath.Join(dir, "report.html")
	res, err := j.Run(ctx, RunOptions{Wait: wait, Force: force, Reports: []string{dated, latest}}, sources)
	if err != nil {
		return res, latest, err
	}
	if res.Built {
		if err := pruneReports(dir, cfg.Run.KeepReports); err != nil {
			return res, latest, err
		}
	}
	return res, latest, nil
}

// pruneReports keeps the newest keep dated reports (report-YYYY-MM-DD.html),
// and as many dated PDFs (report-YYYY-MM-DD.pdf).
func pruneReports(dir string, keep int) error {
	if keep <= 0 {
		return nil
	}
	for _, ext := range []string{".html", ".pdf"} {
		// only the run's own dated names: other files in the directory stay
		ms, err := filepath.Glob(filepath.Join(dir, "report-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"+ext))
		if err != nil {
			return err
		}
		sort.Sort(sort.Reverse(sort.StringSlice(ms)))
		for i, m := range ms {
			if i < keep {
				continue
			}
			if err := os.Remove(m); err != nil {
				return fmt.Errorf("prune old report: %w", err)
			}
		}
	}
	return nil
}
