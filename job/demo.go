package job

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/mcnamara/mcnamara/metrics"
	"github.com/mcnamara/mcnamara/pipeline/synth"
)

// DemoOptions are `mcnamara demo` on synthetic data: a simulated contact
// center's exports generated into Dir/data, ingested through the shipped
// presets exactly as real exports are, built, and reported to
// Dir/report.html.
type DemoOptions struct {
	Dir      string
	Contacts int64
	Days     int
	Seed     uint64
}

// Demo runs d, starting from j.Config (the defaults or the user's): the
// demo sets its lake and time zone and, unless [metrics] sets targets, the
// simulated organisation's own. The data ends yesterday, so the report
// reads like last quarter's. It returns what the run did and the report.
func (j Job) Demo(ctx context.Context, d DemoOptions) (RunResult, string, error) {
	data := filepath.Join(d.Dir, "data")
	if err := clearDemoDir(d.Dir, filepath.Join(d.Dir, "lake"), data); err != nil {
		return RunResult{}, "", err
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	sum, err := synth.Generate(ctx, synth.Options{
		Out: data, Contacts: d.Contacts, Days: d.Days, Seed: d.Seed,
		Start: today.AddDate(0, 0, -d.Days), Logger: j.logger(),
	})
	if err != nil {
		return RunResult{}, "", fmt.Errorf("generate demo data: %w", err)
	}
	j.logger().Info("demo data generated", "dir", data, "contacts", sum.Contacts, "people", sum.Persons)

	j.Config.Lake.Dir = filepath.Join(d.Dir, "lake")
	j.Config.Lake.BusinessTimezone = synth.BusinessZone
	if j.Config.Metrics.Targets == nil {
		// The simulated organisation's own scorecard targets.
		if j.Config.Metrics, err = SynthTargets(sum.Truth); err != nil {
			return RunResult{}, "", err
		}
	}
	files, err := filepath.Glob(filepath.Join(data, "*"))
	if err != nil {
		return RunResult{}, "", err
	}
	var exports []string
	for _, f := range files {
		if filepath.Base(f) != synth.TruthFile {
			exports = append(exports, f)
		}
	}
	sort.Strings(exports)
	sources, err := j.Sources(exports, "")
	if err != nil {
		return RunResult{}, "", err
	}
	report := filepath.Join(d.Dir, "report.html")
	res, err := j.Run(ctx, RunOptions{Force: true, Reports: []string{report}}, sources)
	return res, report, err
}

// DatasetDemo runs ingest → build → report on a registered real data set,
// read in place under shared, into a fresh dir/lake and dir/report.html,
// with the data set's domain settings over j.Config.
func (j Job) DatasetDemo(ctx context.Context, d Dataset, shared, dir string) (RunResult, string, error) {
	sources, err := d.SourcesIn(shared)
	if err != nil {
		return RunResult{}, "", err
	}
	j.Config.Lake.Dir = filepath.Join(dir, "lake")
	d.Configure(&j.Config)
	if err := clearDemoDir(dir, j.Config.Lake.Dir); err != nil {
		return RunResult{}, "", err
	}
	report := filepath.Join(dir, "report.html")
	res, err := j.Run(ctx, RunOptions{Force: true, Reports: []string{report}}, sources)
	return res, report, err
}

// SynthTargets reads the scorecard targets the generator's organisation
// uses (its ground truth) as a [metrics] configuration, so the demo judges
// the simulated contact center by its own targets.
func SynthTargets(truthPath string) (metrics.Config, error) {
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
		return Usagef("demo: %s exists and was not made by `mcnamara demo`, which deletes and recreates it: pass another --dir, or remove it yourself", p)
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
