// Package job is what mcnamara's commands do below their flags: the
// ingest → build → report orchestration under the lake lock, the sources a
// run loads, the nightly run's report files, the demo and the registry of
// real data sets, and the report's staging (its metadata, the atomic
// write, the PDF). It joins the configuration to the pipeline and the
// report; cmd/mcnamara parses flags, prints, and maps the errors returned
// here (UsageError, RejectedError, ErrLocked) to exit codes.
package job

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/mcnamara/mcnamara/config"
	"github.com/mcnamara/mcnamara/pipeline/ingest"
	"github.com/mcnamara/mcnamara/pipeline/lake"
)

// Job is the work of one command on one configuration, with what it takes
// from the process.
type Job struct {
	Config config.File
	// Logger receives progress and findings (nil: discarded).
	Logger *slog.Logger
	// Hook is the crash-test hook (MCNAMARA_CRASH_AT); nil does nothing.
	Hook lake.Hook
	// Version is recorded in the manifest and the report.
	Version string
	// Progress, when set, shows an ingest's progress: it is given the
	// number of files and returns a function called after each file and
	// one called when the ingest ends.
	Progress func(ctx context.Context, files int) (tick, stop func())
}

func (j Job) logger() *slog.Logger {
	if j.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return j.Logger
}

// ErrLocked is returned (wrapped) when another process holds the lake lock.
var ErrLocked = lake.ErrLocked

// UsageError marks an error the user fixes by changing flags or the
// configuration.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// Usage marks err as a usage error.
func Usage(err error) error { return UsageError{err} }

// Usagef is a usage error of the formatted message.
func Usagef(format string, args ...any) error { return UsageError{fmt.Errorf(format, args...)} }

// RejectedError reports a run that completed but refused some rows.
type RejectedError struct{ Rows int64 }

func (e RejectedError) Error() string {
	return fmt.Sprintf("finished with %d rejected rows (see the lake's _rejects area, or `mcnamara query -e \"FROM rejects\"`)", e.Rows)
}

// Outcome is the error a finished ingest ends a command with: the files
// refused as a whole, else the rows rejected, else none.
func Outcome(res ingest.Result) error {
	if len(res.FileErrors) > 0 {
		return fmt.Errorf("%d file(s) refused, the others were loaded:\n  %w", len(res.FileErrors), errors.Join(res.FileErrors...))
	}
	if res.Batch.RowsRejected > 0 {
		return RejectedError{Rows: res.Batch.RowsRejected}
	}
	return nil
}
