// Command mcnamara finds where contact-center KPIs say "success" while the
// customers fail: it loads KPI and outcome exports into a Parquet lake,
// models them with DuckDB SQL and writes a self-contained HTML report.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/mcnamara/mcnamara/job"
	"github.com/mcnamara/mcnamara/pipeline/lake"
)

// Exit codes, documented in the README. Only main maps errors to them.
const (
	exitOK       = 0
	exitError    = 1
	exitUsage    = 2 // bad flags, arguments or configuration
	exitRejected = 3 // finished, but some input rows were rejected
	exitLocked   = 4 // another run holds the lake lock
	// finished, everything written, but an [alerts] threshold was
	// crossed; it outranks exitRejected (a run with both exits 5), and
	// every error outranks it
	exitAlert = 5
	// An interrupted command exits 128 + the signal's number, as a shell
	// reports a process the signal killed: 130 (SIGINT), 143 (SIGTERM).
	exitSignalBase = 128
)

func main() { os.Exit(run()) }

func run() int {
	ctx, stop := signalContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root, g := newRoot()
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	// Whatever error the interrupted work surfaced (a cancelled query, a
	// closed file), the signal is the cause.
	msg, code := err.Error(), exitCode(err)
	var sig signalError
	if errors.As(context.Cause(ctx), &sig) {
		msg = fmt.Sprintf("stopped by %s: work already committed stays, the rest was discarded; the next run carries on from there", sig.name())
		code = exitSignalBase + int(sig.sig)
	}
	// With --log-format json the last line is a JSON record too, for the
	// log collector; otherwise plain text for a person.
	if g.logFormat == "json" && g.logger != nil {
		g.logger.Error(msg, "exit_code", code)
	} else {
		fmt.Fprintln(os.Stderr, "mcnamara: "+msg)
	}
	return code
}

// signalError is the cause of a context cancelled by a signal.
type signalError struct{ sig syscall.Signal }

func (e signalError) Error() string { return "received " + e.name() }

func (e signalError) name() string {
	switch e.sig {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return e.sig.String()
}

// signalContext is signal.NotifyContext keeping which signal arrived as the
// context's cause (main's exit code tells it). A second signal is left to
// its default: it kills the process, for a user who will not wait.
func signalContext(parent context.Context, sigs ...os.Signal) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			signal.Stop(ch)
			if ss, ok := s.(syscall.Signal); ok {
				cancel(signalError{ss})
			} else {
				cancel(fmt.Errorf("received %v", s))
			}
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}

// exitCode maps the job's typed errors to the documented exit codes.
func exitCode(err error) int {
	var u job.UsageError
	var a job.AlertError
	var r job.RejectedError
	switch {
	case errors.As(err, &u):
		return exitUsage
	case errors.As(err, &a):
		return exitAlert
	case errors.As(err, &r):
		return exitRejected
	case errors.Is(err, job.ErrLocked):
		return exitLocked
	}
	return exitError
}

// crashEnv names a point at which the process kills itself (a test hook:
// the crash tests stop a run exactly there instead of at a random moment).
const crashEnv = "MCNAMARA_CRASH_AT"

// crashHook returns the hook of MCNAMARA_CRASH_AT=POINT[@N]: the N-th time
// (default the first) the process reaches POINT (a trailing * matches any
// suffix, e.g. build:mart-written:*) it says so on w and sends itself
// SIGKILL, as a crash there would end it: no deferred cleanup runs. Empty:
// no hook. The points: ingest:partition-written, ingest:before-manifest,
// ingest:manifest-written, ingest:mid-publish, ingest:published,
// build:mart-written:<mart>, build:before-commit, build:mid-rename,
// build:before-record, report:before-rename.
func crashHook(spec string, w io.Writer) lake.Hook {
	if spec == "" {
		return nil
	}
	point, nth := spec, 1
	if p, n, ok := strings.Cut(spec, "@"); ok {
		if v, err := strconv.Atoi(n); err == nil && v > 0 {
			point, nth = p, v
		}
	}
	seen := 0
	return func(at string) error {
		match := at == point
		if prefix, ok := strings.CutSuffix(point, "*"); ok {
			match = strings.HasPrefix(at, prefix)
		}
		if !match {
			return nil
		}
		if seen++; seen < nth {
			return nil
		}
		fmt.Fprintf(w, "mcnamara: %s: killed at %s\n", crashEnv, at)
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal ends the process
	}
}
