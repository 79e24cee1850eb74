// Command benchtool collects, shows and compares benchmark runs
// (internal/benchrec), and measures one stage of `make bench-large`:
//
//	go run ./internal/benchtool collect -in bench/results/run.jsonl -dir bench/results
//	go run ./internal/benchtool show bench/results/<commit>-<time>.json
//	go run ./internal/benchtool compare OLD.json NEW.json
//	go run ./internal/benchtool run -record run.jsonl -stage ingest -size 100000000 -unit contacts -bytes lake -- mcnamara ingest …
//
// run starts the command, waits for it and appends its wall time, its peak
// RSS (the child's, from wait4) and the bytes under -bytes to -record.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mcnamara/mcnamara/internal/benchrec"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "benchtool:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  benchtool collect -in RESULTS.jsonl -dir DIR [-command TEXT]   write DIR/<commit>-<time>.json and print it
  benchtool show RUN.json                                        print a run as a table
  benchtool compare OLD.json NEW.json                            print two runs side by side
  benchtool run -record RESULTS.jsonl -stage S -size N [-unit U] [-bytes PATH] [-watch DIR] -- COMMAND ARGS…`

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch args[0] {
	case "collect":
		return collect(args[1:], stdout)
	case "show":
		if len(args) != 2 {
			return errors.New(usage)
		}
		r, err := benchrec.ReadRun(args[1])
		if err != nil {
			return err
		}
		benchrec.Table(stdout, r, nil)
		return nil
	case "compare":
		if len(args) != 3 {
			return errors.New(usage)
		}
		old, err := benchrec.ReadRun(args[1])
		if err != nil {
			return err
		}
		nw, err := benchrec.ReadRun(args[2])
		if err != nil {
			return err
		}
		benchrec.Compare(stdout, old, nw)
		return nil
	case "run":
		return measure(args[1:], stdout, stderr)
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}

func collect(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("collect", flag.ContinueOnError)
	in := fs.String("in", "", "the results file the benchmarks appended to")
	dir := fs.String("dir", "bench/results", "where to write the run's JSON file")
	command := fs.String("command", "", "the command that ran the benchmarks, kept in the file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" {
		return errors.New("collect: -in is required")
	}
	results, err := benchrec.ReadLines(*in)
	if err != nil {
		return err
	}
	if len(results) == 0 {
		return fmt.Errorf("collect: %s holds no results (did any benchmark run?)", *in)
	}
	started := time.Now()
	if info, err := os.Stat(*in); err == nil {
		started = info.ModTime()
	}
	commit, dirty := gitCommit()
	r := benchrec.NewRun(commit, dirty, started, results)
	r.Command = *command
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	p := filepath.Join(*dir, r.FileName())
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	if err := r.Write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, p)
	benchrec.Table(stdout, r, nil)
	return nil
}

// gitCommit is HEAD's hash and whether the worktree has changes ("unknown"
// outside git).
func gitCommit() (string, bool) {
	out, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "unknown", false
	}
	st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output()
	return strings.TrimSpace(string(out)), err == nil && len(strings.TrimSpace(string(st))) > 0
}

func measure(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	record := fs.String("record", "", "the results file to append to")
	stage := fs.String("stage", "", "the stage's name")
	size := fs.Int64("size", 0, "the data size")
	unit := fs.String("unit", "contacts", "what size counts")
	rows := fs.Int64("rows", 0, "rows the stage processed, for rows/s (default: size)")
	bytesOf := fs.String("bytes", "", "a file or directory whose size is the stage's output")
	okCodes := fs.String("ok", "0", "exit codes that count as success, comma-separated (ingest: 0,3)")
	watch := fs.String("watch", "", "a directory whose most bytes on disk while the command runs are recorded as spill_peak_MiB (a spill directory)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cmdArgs := fs.Args()
	if *record == "" || *stage == "" || *size <= 0 || len(cmdArgs) == 0 {
		return errors.New(usage)
	}
	cmd := exec.Command(cmdArgs[0], cmdArgs[1:]...)
	cmd.Stdout, cmd.Stderr, cmd.Stdin = stdout, stderr, os.Stdin
	var stopWatch func() int64
	if *watch != "" {
		stopWatch = benchrec.WatchPeak(*watch, 500*time.Millisecond)
	}
	t0 := time.Now()
	err := cmd.Run()
	wall := time.Since(t0)
	var spill int64
	if stopWatch != nil {
		spill = stopWatch()
	}
	if err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) || !slices.Contains(strings.Split(*okCodes, ","), strconv.Itoa(exit.ExitCode())) {
			return fmt.Errorf("stage %s: %s: %w", *stage, cmdArgs[0], err)
		}
	}
	r := benchrec.Result{Stage: *stage, Size: *size, Unit: *unit, WallSeconds: wall.Seconds()}
	n := *size
	if *rows > 0 {
		n = *rows
	}
	r.RowsPerSecond = float64(n) / wall.Seconds()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.PeakRSSBytes = ru.Maxrss * 1024 // kB on Linux
		r.Metrics = map[string]float64{"cpu_s": tv(ru.Utime) + tv(ru.Stime)}
	}
	if stopWatch != nil {
		if r.Metrics == nil {
			r.Metrics = map[string]float64{}
		}
		r.Metrics["spill_peak_MiB"] = float64(spill) / (1 << 20)
	}
	if *bytesOf != "" {
		b, err := benchrec.DirBytes(*bytesOf)
		if err != nil {
			return fmt.Errorf("stage %s: size of %s: %w", *stage, *bytesOf, err)
		}
		r.Bytes = b
	}
	if err := benchrec.AppendTo(*record, r); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "benchtool: %s at %d %s: %.1f s, peak RSS %.2f GiB, %d bytes\n", *stage, *size, *unit, r.WallSeconds, float64(r.PeakRSSBytes)/(1<<30), r.Bytes)
	return nil
}

func tv(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
