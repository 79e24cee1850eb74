// Package benchrec records benchmark results as JSON and compares two runs.
//
// A benchmark (testing.B) or `make bench-large` appends one Result per
// stage and size to the file named by $MCNAMARA_BENCH_RECORD, one JSON
// object a line, so that several test binaries of one `make bench` share
// it. Collect turns those lines into one Run file, bench/results/<commit>-
// <time>.json, with the commit and the machine; Compare prints two runs as
// a table, stage by stage.
package benchrec

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
)

// EnvRecord names the file benchmarks append their results to.
const EnvRecord = "MCNAMARA_BENCH_RECORD"

// Result is one measured stage at one size.
type Result struct {
	// Stage names what was measured: "build", "build_duckdb", "ingest", …
	Stage string `json:"stage"`
	// Size is the data size the stage ran at (contacts, or rows of a file:
	// Unit says which).
	Size int64  `json:"size"`
	Unit string `json:"unit"`
	// WallSeconds is the wall time of one run of the stage.
	WallSeconds float64 `json:"wall_s"`
	// RowsPerSecond is Size / WallSeconds (0 when it means nothing).
	RowsPerSecond float64 `json:"rows_per_s,omitempty"`
	// PeakRSSBytes is the high-water mark of the process's resident set
	// (the benchmark's whole process: it includes the stages before).
	PeakRSSBytes int64 `json:"peak_rss_bytes,omitempty"`
	// Bytes is what the stage wrote (the lake's or the marts' files).
	Bytes int64 `json:"bytes,omitempty"`
	// Metrics are further figures of the stage (a ratio, a step's time).
	Metrics map[string]float64 `json:"metrics,omitempty"`
}

// Run is one benchmark run: its results, the commit and the machine.
type Run struct {
	Commit  string    `json:"commit"`
	Dirty   bool      `json:"dirty,omitempty"`
	Started time.Time `json:"started"`
	Host    Host      `json:"host"`
	Command string    `json:"command,omitempty"`
	Results []Result  `json:"results"`
}

// Host is the machine a run was measured on.
type Host struct {
	CPUs      int    `json:"cpus"`
	GoVersion string `json:"go"`
	OS        string `json:"os"`
	// Load is the 1-minute load average when the run was collected:
	// the figures of a loaded machine are not comparable with an idle one's.
	Load string `json:"load,omitempty"`
}

var mu sync.Mutex

// Append adds r as one line to the file named by $MCNAMARA_BENCH_RECORD;
// without it, it does nothing (a plain `go test -bench`).
func Append(r Result) error {
	path := os.Getenv(EnvRecord)
	if path == "" {
		return nil
	}
	return AppendTo(path, r)
}

// AppendTo adds r as one line to the file at path.
func AppendTo(path string, r Result) error {
	if err := r.validate(); err != nil {
		return err
	}
	if r.RowsPerSecond == 0 && r.WallSeconds > 0 && r.Size > 0 {
		r.RowsPerSecond = float64(r.Size) / r.WallSeconds
	}
	line, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("bench record: %w", err)
	}
	mu.Lock()
	defer mu.Unlock()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("bench record: %w", err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("bench record %s: %w", path, err)
	}
	return f.Close()
}

func (r Result) validate() error {
	switch {
	case r.Stage == "":
		return errors.New("bench record: a result without a stage")
	case r.Size <= 0:
		return fmt.Errorf("bench record: stage %s: size %d, want > 0", r.Stage, r.Size)
	case r.WallSeconds < 0:
		return fmt.Errorf("bench record: stage %s: wall time %g s", r.Stage, r.WallSeconds)
	}
	return nil
}

// ReadLines reads the results Append wrote; a malformed line is an error
// that names it.
func ReadLines(path string) ([]Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("bench results: %w", err)
	}
	defer f.Close()
	var out []Result
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; s.Scan(); n++ {
		if len(bytes.TrimSpace(s.Bytes())) == 0 {
			continue
		}
		var r Result
		dec := json.NewDecoder(bytes.NewReader(s.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if err := r.validate(); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		out = append(out, r)
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// NewRun is a run of results measured at commit (dirty: with uncommitted
// changes) on this machine, started at t.
func NewRun(commit string, dirty bool, t time.Time, results []Result) Run {
	return Run{Commit: commit, Dirty: dirty, Started: t.UTC(), Results: results,
		Host: Host{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH, Load: loadAverage()}}
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// FileName is the run's file name: <commit>-<UTC time>.json.
func (r Run) FileName() string {
	c := r.Commit
	if len(c) > 12 {
		c = c[:12]
	}
	if r.Dirty {
		c += "-dirty"
	}
	return c + "-" + r.Started.UTC().Format("20060102T150405Z") + ".json"
}

// Write writes the run as indented JSON.
func (r Run) Write(w io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ReadRun reads a run file.
func ReadRun(path string) (Run, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Run{}, fmt.Errorf("bench run: %w", err)
	}
	var r Run
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return Run{}, fmt.Errorf("bench run %s: %w", path, err)
	}
	for i, res := range r.Results {
		if err := res.validate(); err != nil {
			return Run{}, fmt.Errorf("bench run %s: result %d: %w", path, i+1, err)
		}
	}
	return r, nil
}

type key struct {
	stage string
	size  int64
}

// index keys a run's results by stage and size; a stage measured more than
// once at a size (-count 3) is the median of its wall times, the metrics
// of that run.
func index(rs []Result) (map[key]Result, []key) {
	groups := map[key][]Result{}
	var order []key
	for _, r := range rs {
		k := key{r.Stage, r.Size}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	out := map[key]Result{}
	for k, g := range groups {
		slices.SortStableFunc(g, func(a, b Result) int {
			switch {
			case a.WallSeconds < b.WallSeconds:
				return -1
			case a.WallSeconds > b.WallSeconds:
				return 1
			}
			return 0
		})
		out[k] = g[(len(g)-1)/2]
	}
	return out, order
}

// Table prints one run's results: stage, size, wall, rows/s, peak RSS,
// bytes and the metrics named in metrics (nil: the ratios and the fsync
// time; a step's time is in the file).
func Table(w io.Writer, r Run, metrics []string) {
	idx, order := index(r.Results)
	if metrics == nil {
		seen := map[string]bool{}
		for _, k := range order {
			for _, m := range sortedKeys(idx[k].Metrics) {
				if !headline(m) {
					continue
				}
				if !seen[m] {
					seen[m] = true
					metrics = append(metrics, m)
				}
			}
		}
	}
	t := table.NewWriter()
	t.SetOutputMirror(w)
	t.SetStyle(table.StyleLight)
	t.Style().Format.Header = text.FormatDefault
	head := table.Row{"stage", "size", "wall s", "rows/s", "peak RSS", "bytes"}
	for _, m := range metrics {
		head = append(head, m)
	}
	t.AppendHeader(head)
	for _, k := range order {
		res := idx[k]
		row := table.Row{k.stage, size(res), secs(res.WallSeconds), rate(res.RowsPerSecond), bytesOf(res.PeakRSSBytes), bytesOf(res.Bytes)}
		for _, m := range metrics {
			v, ok := res.Metrics[m]
			if !ok {
				row = append(row, "")
				continue
			}
			row = append(row, num(v))
		}
		t.AppendRow(row)
	}
	right := []table.ColumnConfig{}
	for i := 2; i <= len(head); i++ {
		right = append(right, table.ColumnConfig{Number: i, Align: text.AlignRight})
	}
	t.SetColumnConfigs(right)
	t.Render()
}

// Compare prints the results of two runs side by side, stage by stage:
// the wall times, rows/s and peak RSS of each and the new run's wall time
// over the old (below 1: faster), then the stages only one run has.
func Compare(w io.Writer, old, new Run) {
	oi, oo := index(old.Results)
	ni, no := index(new.Results)
	order := slices.Clone(oo)
	for _, k := range no {
		if _, ok := oi[k]; !ok {
			order = append(order, k)
		}
	}
	t := table.NewWriter()
	t.SetOutputMirror(w)
	t.SetStyle(table.StyleLight)
	t.Style().Format.Header = text.FormatDefault
	t.SetTitle(fmt.Sprintf("old %s (%s)  →  new %s (%s)", short(old.Commit), old.Started.Format(time.DateTime), short(new.Commit), new.Started.Format(time.DateTime)))
	t.AppendHeader(table.Row{"stage", "size", "old wall s", "new wall s", "new/old", "old rows/s", "new rows/s", "old peak RSS", "new peak RSS"})
	for _, k := range order {
		o, hasOld := oi[k]
		n, hasNew := ni[k]
		row := table.Row{k.stage, size(o)}
		if !hasOld {
			row[1] = size(n)
		}
		ratio := ""
		if hasOld && hasNew && o.WallSeconds > 0 {
			ratio = fmt.Sprintf("%.2f", n.WallSeconds/o.WallSeconds)
		}
		cell := func(ok bool, s string) string {
			if !ok {
				return "—"
			}
			return s
		}
		row = append(row, cell(hasOld, secs(o.WallSeconds)), cell(hasNew, secs(n.WallSeconds)), ratio,
			cell(hasOld, rate(o.RowsPerSecond)), cell(hasNew, rate(n.RowsPerSecond)),
			cell(hasOld, bytesOf(o.PeakRSSBytes)), cell(hasNew, bytesOf(n.PeakRSSBytes)))
		t.AppendRow(row)
	}
	var cfg []table.ColumnConfig
	for i := 2; i <= 9; i++ {
		cfg = append(cfg, table.ColumnConfig{Number: i, Align: text.AlignRight})
	}
	t.SetColumnConfigs(cfg)
	t.Render()
	if old.Host.CPUs != new.Host.CPUs || old.Host.GoVersion != new.Host.GoVersion {
		fmt.Fprintf(w, "note: measured on different machines or Go versions (%d CPUs, %s vs %d CPUs, %s)\n",
			old.Host.CPUs, old.Host.GoVersion, new.Host.CPUs, new.Host.GoVersion)
	}
}

// headline tells the metrics Table shows by default.
func headline(m string) bool {
	return strings.Contains(m, "ratio") || strings.Contains(m, "over_") || m == "fsync_s"
}

func sortedKeys(m map[string]float64) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func short(c string) string {
	if len(c) > 10 {
		return c[:10]
	}
	return c
}

func size(r Result) string {
	s := group(r.Size)
	if r.Unit != "" {
		s += " " + r.Unit
	}
	return s
}

// group writes n with thousands separators ("12,345").
func group(n int64) string { return thousands.Sprintf("%d", n) }

var thousands = message.NewPrinter(language.English)

func secs(s float64) string {
	if s >= 100 {
		return fmt.Sprintf("%.0f", s)
	}
	return fmt.Sprintf("%.2f", s)
}

func rate(r float64) string {
	if r == 0 {
		return ""
	}
	return group(int64(r + 0.5))
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

// bytesOf writes a byte count in MiB or GiB (empty for 0: not measured).
func bytesOf(n int64) string {
	switch {
	case n == 0:
		return ""
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	default:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	}
}

// PeakRSS is the process's resident-set high-water mark in bytes (Linux's
// VmHWM; 0 elsewhere).
func PeakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// DirBytes is the size of the regular files under path (a file: its size).
func DirBytes(path string) (int64, error) {
	var n int64
	err := filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	return n, err
}
