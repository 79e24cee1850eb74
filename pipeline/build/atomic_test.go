package build_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcnamara/mcnamara/pipeline/build"
)

func snapshotMarts(t *testing.T, lakeDir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(filepath.Join(lakeDir, "marts"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(lakeDir, "marts", e.Name()))
		if err != nil {
			if e.IsDir() {
				out[e.Name()+"/"] = ""
				continue
			}
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

// TestFailedBuildKeepsPreviousMarts: a build that dies while writing (or
// while modelling) leaves the previous marts byte for byte; the next good
// build removes what a crashed one left behind and replaces every mart.
func TestFailedBuildKeepsPreviousMarts(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	attachFixture(t, db, "testdata/events")
	lakeDir := t.TempDir()
	if _, err := build.Build(ctx, db, lakeDir, build.DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	before := snapshotMarts(t, lakeDir)
	// every mart and the build record
	if len(before) != len(build.Marts)+1 || before[build.StateFile] == "" {
		t.Fatalf("marts after first build: %d files, want %d and %s", len(before), len(build.Marts)+1, build.StateFile)
	}

	// the new data would change every mart
	attachFixture(t, db, "testdata/basic")
	crash := errors.New("simulated crash")
	for _, after := range []string{"contact_facts", "gap", "coverage"} {
		restore := build.SetAfterWrite(func(m string) error {
			if m == after {
				return crash
			}
			return nil
		})
		_, err := build.Build(ctx, db, lakeDir, build.DefaultOptions())
		restore()
		if !errors.Is(err, crash) {
			t.Fatalf("crash after %s: err = %v", after, err)
		}
		if diff := cmp.Diff(before, snapshotMarts(t, lakeDir)); diff != "" {
			t.Fatalf("crash after writing %s changed the marts:\n%s", after, diff)
		}
	}

	// a model failing half-way
	if _, err := db.Exec("CREATE OR REPLACE VIEW outcomes AS SELECT 1 AS nonsense"); err != nil {
		t.Fatal(err)
	}
	if _, err := build.Build(ctx, db, lakeDir, build.DefaultOptions()); err == nil {
		t.Fatal("build over a broken outcomes view succeeded")
	}
	if diff := cmp.Diff(before, snapshotMarts(t, lakeDir)); diff != "" {
		t.Fatalf("failed model changed the marts:\n%s", diff)
	}

	// what a killed build leaves behind (its deferred cleanup never ran)
	leftover := filepath.Join(lakeDir, "marts", ".build-123")
	if err := os.MkdirAll(leftover, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(leftover, "gap.parquet"), []byte("half a file"), 0o644); err != nil {
		t.Fatal(err)
	}
	attachFixture(t, db, "testdata/basic")
	if _, err := build.Build(ctx, db, lakeDir, basicOptions(t)); err != nil {
		t.Fatal(err)
	}
	after := snapshotMarts(t, lakeDir)
	if len(after) != len(build.Marts)+1 {
		t.Errorf("marts dir after recovery: %v", keys(after))
	}
	for name, content := range after {
		if before[name] == content {
			t.Errorf("%s was not replaced", name)
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
