// Command mcnamara finds where contact-center KPIs say "success" while the
// customers fail: it loads KPI and outcome exports into a Parquet lake,
// models them with DuckDB SQL and writes a self-contained HTML report.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes, documented in the README. Only main maps errors to them.
const (
	exitOK       = 0
	exitError    = 1
	exitUsage    = 2 // bad flags, arguments or configuration
	exitRejected = 3 // finished, but some input rows were rejected
	exitLocked   = 4 // another run holds the lake lock
)

func main() { os.Exit(run()) }

func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := newRootCmd().ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(os.Stderr, "mcnamara:", err)
	return exitCode(err)
}

func exitCode(err error) int {
	var u usageError
	var r rejectedError
	switch {
	case errors.As(err, &u):
		return exitUsage
	case errors.As(err, &r):
		return exitRejected
	case errors.Is(err, errLocked):
		return exitLocked
	}
	return exitError
}

// usageError marks errors the user fixes by changing flags or config.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// rejectedError reports a run that completed but refused some rows.
type rejectedError struct{ rows int64 }

func (e rejectedError) Error() string {
	return fmt.Sprintf("finished with %d rejected rows (see the lake's _rejects area, or `mcnamara query -e \"FROM rejects\"`)", e.rows)
}
