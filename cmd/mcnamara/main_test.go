package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run this test binary as the real `mcnamara`
// command inside scripts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"mcnamara": func() { os.Exit(run()) },
	})
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
