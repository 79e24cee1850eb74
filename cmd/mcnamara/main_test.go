package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run this test binary as the real `mcnamara`
// command inside scripts.
func TestMain(m *testing.M) {
	testscript.Main(cleanup{m}, map[string]func(){
		"mcnamara":     func() { os.Exit(run()) },
		"lake-outside": func() { os.Exit(lakeOutside(os.Args[1:], os.Stdout)) },
	})
}

// cleanup runs the tests, then removes what they share (the data sets'
// lakes).
type cleanup struct{ m *testing.M }

func (c cleanup) Run() int {
	defer closeDatasets()
	return c.m.Run()
}

// TestScript runs the end-to-end scenarios in testdata/script/*.txtar
// against the real command. $SHARED points at ../shared (real data sets).
func TestScript(t *testing.T) {
	shared, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared"))
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(env *testscript.Env) error {
			env.Setenv("SHARED", shared)
			env.Setenv("XDG_CACHE_HOME", filepath.Join(env.WorkDir, ".cache"))
			return nil
		},
		RequireExplicitExec: false,
	})
}

// TestSignalContext: a signal cancels the context with the signal as its
// cause, which main turns into exit code 128 + its number (nightly_run.txtar
// checks the 143 of SIGTERM end to end).
func TestSignalContext(t *testing.T) {
	ctx, stop := signalContext(context.Background(), syscall.SIGUSR1)
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the signal did not cancel the context")
	}
	var sig signalError
	if !errors.As(context.Cause(ctx), &sig) || sig.sig != syscall.SIGUSR1 {
		t.Fatalf("cause = %v, want the signal SIGUSR1", context.Cause(ctx))
	}
}
