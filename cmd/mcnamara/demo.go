package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mcnamara/mcnamara/config"
	"github.com/mcnamara/mcnamara/metrics"
	"github.com/mcnamara/mcnamara/pipeline/synth"
)

func init() {
	commands = append(commands, func(g *globals) *cobra.Command {
		var dir string
		var contacts int64
		var days int
		var seed uint64
		var datasetName, shared string
		cmd := &cobra.Command{
			Use:   "demo",
			Short: "Generate a synthetic contact center (or take a real data set), run the whole pipeline, write the report",
			Long: `Generate a synthetic contact center (raw exports of six systems with planted
McNamara effects), ingest it through the shipped presets exactly as real
exports are, build the marts and write DIR/report.html. DIR/data and
DIR/lake are deleted and recreated, but only if an earlier demo made them:
a lake demo did not make is refused, never deleted.
The data ends yesterday, so the report reads like last quarter's.

With --dataset NAME, run the same pipeline on a real public export instead
(read in place from --shared DIR/datasets/, see docs/datasets.md), with its
domain's time zone, scorecard, targets and repeat window:
  ` + datasetHelp(),
			Example: `  mcnamara demo                                     synthetic data → demo/report.html
  mcnamara demo --dataset anonymous-bank-1999 --dir bank --shared ../shared`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				ctx := cmd.Context()
				if datasetName != "" {
					for _, f := range []string{"contacts", "days", "seed"} {
						if cmd.Flags().Changed(f) {
							return usagef("--%s is for synthetic data; it cannot be combined with --dataset", f)
						}
					}
					return runDatasetDemo(cmd, g, datasetName, sharedDir(shared), dir)
				}
				if cmd.Flags().Changed("shared") {
					return usagef("--shared is only used with --dataset")
				}
				if contacts <= 0 || days <= 0 {
					return usagef("--contacts and --days must be positive")
				}
				data := filepath.Join(dir, "data")
				if err := clearDemoDir(dir, filepath.Join(dir, "lake"), data); err != nil {
					return err
				}
				today := time.Now().UTC().Truncate(24 * time.Hour)
				sum, err := synth.Generate(ctx, synth.Options{
					Out: data, Contacts: contacts, Days: days, Seed: seed,
					Start: today.AddDate(0, 0, -days), Logger: g.logger,
				})
				if err != nil {
					return fmt.Errorf("generate demo data: %w", err)
				}
				g.logger.Info("demo data generated", "dir", data, "contacts", sum.Contacts, "people", sum.Persons)

				cfg := config.Defaults()
				if g.configSeen {
					if cfg, err = loadConfig(g); err != nil {
						return err
					}
				}
				cfg.Lake.Dir = filepath.Join(dir, "lake")
				cfg.Lake.BusinessTimezone = synth.BusinessZone
				if cfg.Metrics.Targets == nil {
					// The simulated organisation's own scorecard targets.
					if cfg.Metrics, err = synthTargets(sum.Truth); err != nil {
						return err
					}
				}
				files, err := filepath.Glob(filepath.Join(data, "*"))
				if err != nil {
					return err
				}
				var exports []string
				for _, f := range files {
					if filepath.Base(f) != synth.TruthFile {
						exports = append(exports, f)
					}
				}
				sort.Strings(exports)
				sources, err := sourcesFor(cfg, exports, "")
				if err != nil {
					return err
				}
				report := filepath.Join(dir, "report.html")
				res, err := pipelineRun{force: true, reports: []string{report}}.do(ctx, g, cfg, sources)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "demo: %d rows loaded, %d rejected; report: %s\n",
					res.ingest.Batch.RowsLoaded, res.ingest.Batch.RowsRejected, report)
				return ingestOutcome(res.ingest)
			},
		}
		f := cmd.Flags()
		f.StringVar(&dir, "dir", "demo", "directory for the demo's data, lake and report (an earlier demo's are replaced)")
		f.Int64Var(&contacts, "contacts", 200_000, "contacts to simulate")
		f.IntVar(&days, "days", 91, "days of history")
		f.Uint64Var(&seed, "seed", 1, "random seed (same seed, same data)")
		f.StringVar(&datasetName, "dataset", "", "run on a real data set instead of synthetic data: "+datasetNames())
		f.StringVar(&shared, "shared", "", "directory holding datasets/ (default $MCNAMARA_SHARED, else ../shared)")
		return cmd
	})
}

// runDatasetDemo runs ingest → build → report on a registered real data set,
// into a fresh DIR/lake and DIR/report.html.
func runDatasetDemo(cmd *cobra.Command, g *globals, name, shared, dir string) error {
	d, err := lookupDataset(name)
	if err != nil {
		return err
	}
	sources, err := d.sources(shared)
	if err != nil {
		return err
	}
	cfg := config.Defaults()
	if g.configSeen {
		if cfg, err = loadConfig(g); err != nil {
			return err
		}
	}
	cfg.Lake.Dir = filepath.Join(dir, "lake")
	d.configure(&cfg)
	if err := clearDemoDir(dir, cfg.Lake.Dir); err != nil {
		return err
	}
	report := filepath.Join(dir, "report.html")
	res, err := pipelineRun{force: true, reports: []string{report}}.do(cmd.Context(), g, cfg, sources)
	if err != nil {
		return err
	}
	b := res.ingest.Batch
	fmt.Fprintf(cmd.OutOrStdout(), "demo %s: %d rows read, %d loaded, %d rejected (with their reasons in the lake's _rejects); report: %s\n",
		d.Name, b.RowsRead, b.RowsLoaded, b.RowsRejected, report)
	return ingestOutcome(res.ingest)
}

// datasetHelp lists the registered data sets for --help.
func datasetHelp() string {
	var b strings.Builder
	for i, d := range datasets {
		if i > 0 {
			b.WriteString("\n  ")
		}
		fmt.Fprintf(&b, "%-26s %s", d.Name, d.Doc)
	}
	return b.String()
}

// synthTargets reads the scorecard targets the generator's organisation
// uses (its ground truth) as a [metrics] configuration, so the demo judges
// the simulated contact center by its own targets.
func synthTargets(truthPath string) (metrics.Config, error) {
	b, err := os.ReadFile(truthPath)
	if err != nil {
		return metrics.Config{}, fmt.Errorf("read ground truth: %w", err)
	}
	var truth struct {
		Targets synth.Targets `json:"targets"`
	}
	if err := json.Unmarshal(b, &truth); err != nil {
		return metrics.Config{}, fmt.Errorf("ground truth %s: %w", truthPath, err)
	}
	t := truth.Targets
	aht := metrics.TargetSpec{Department: map[string]float64{}}
	for _, d := range t.AHTTargetSeconds {
		aht.Department[d.Department] = float64(d.Seconds)
	}
	wait := metrics.TargetSpec{Channel: map[string]float64{}}
	for _, c := range t.AnswerTargetSeconds {
		wait.Channel[c.Channel] = float64(c.Seconds)
	}
	csat := t.CSATTarget
	return metrics.Config{
		Scorecard: []string{"handle_time_seconds", "wait_time_seconds", "csat_score"},
		Targets: map[string]metrics.TargetSpec{
			"handle_time_seconds": aht,
			"wait_time_seconds":   wait,
			"csat_score":          {Default: &csat},
		},
	}, nil
}

// demoMarker, in a demo's lake, says demo made it: only then does a later
// demo delete it. (A demo's data directory is known by the generator's
// ground truth, which is also how lakes of demos from before the marker are
// known.)
const demoMarker = ".mcnamara-demo"

// clearDemoDir deletes the lake (and the data directory) a demo recreates
// under dir. What demo did not make is refused, not deleted: `demo --dir .`
// beside a real lake must not wipe it.
func clearDemoDir(dir, lakeDir string, dataDir ...string) error {
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	legacy := exists(filepath.Join(dir, "data", synth.TruthFile))
	refuse := func(p string) error {
		return usagef("demo: %s exists and was not made by `mcnamara demo`, which deletes and recreates it: pass another --dir, or remove it yourself", p)
	}
	if exists(lakeDir) && !exists(filepath.Join(lakeDir, demoMarker)) && !legacy {
		return refuse(lakeDir)
	}
	for _, d := range dataDir {
		if exists(d) && !exists(filepath.Join(d, synth.TruthFile)) {
			return refuse(d)
		}
	}
	for _, p := range append([]string{lakeDir}, dataDir...) {
		if err := os.RemoveAll(p); err != nil {
			return fmt.Errorf("demo: clear %s: %w", p, err)
		}
	}
	if err := os.MkdirAll(lakeDir, 0o755); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	note := []byte("made by `mcnamara demo`: a later demo deletes and recreates this lake\n")
	if err := os.WriteFile(filepath.Join(lakeDir, demoMarker), note, 0o644); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}
