package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
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
		Condition: func(cond string) (bool, error) {
			if cond == "mount" {
				return canMount(), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mount-tmpfs": mountTmpfs,
			"mount-ro":    mountReadOnly,
		},
	})
}

// canMount says whether this process may mount file systems (root, or a
// container that allows it): the disk-full and read-only tests need it.
func canMount() bool {
	dir, err := os.MkdirTemp("", "mcnamara-mount-probe")
	if err != nil {
		return false
	}
	defer os.Remove(dir)
	if err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).Run(); err != nil {
		return false
	}
	return exec.Command("umount", dir).Run() == nil
}

// mountTmpfs is `mount-tmpfs DIR SIZE`: a tmpfs of SIZE (e.g. 24m) at DIR,
// unmounted when the script ends: a small disk to fill.
func mountTmpfs(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mount-tmpfs DIR SIZE")
	}
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	mount(ts, dir, "-t", "tmpfs", "-o", "size="+args[1], "tmpfs", dir)
}

// mountReadOnly is `mount-ro DIR`: DIR bind-mounted read-only over itself,
// unmounted when the script ends (root writes through mode bits, not
// through a read-only mount).
func mountReadOnly(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mount-ro DIR")
	}
	dir := ts.MkAbs(args[0])
	mount(ts, dir, "--bind", dir, dir)
	if out, err := exec.Command("mount", "-o", "remount,ro,bind", dir).CombinedOutput(); err != nil {
		ts.Fatalf("remount %s read-only: %v: %s", dir, err, out)
	}
}

func mount(ts *testscript.TestScript, dir string, args ...string) {
	if out, err := exec.Command("mount", args...).CombinedOutput(); err != nil {
		ts.Fatalf("mount %v: %v: %s", args, err, out)
	}
	ts.Defer(func() {
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			ts.Logf("umount %s: %v: %s", dir, err, out)
		}
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
