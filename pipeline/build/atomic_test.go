package build_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcnamara/mcnamara/pipeline/build"
)

// snapshotMarts reads every file under lake/marts by its relative path.
func snapshotMarts(t *testing.T, lakeDir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	root := filepath.Join(lakeDir, "marts")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkMartFiles fails unless every mart and the build record are there
// and nothing else.
func checkMartFiles(t *testing.T, snap map[string]string) {
	t.Helper()
	want := map[string]bool{build.StateFile: true}
	for _, m := range build.Marts {
		if m.Month == "" {
			want[m.Name+".parquet"] = true
			continue
		}
		want[m.Name+"/_schema.parquet"] = true
		months := 0
		for name := range snap {
			if rest, ok := strings.CutPrefix(name, m.Name+"/"); ok && rest != "_schema.parquet" {
				want[name] = true
				months++
			}
		}
		if months == 0 {
			t.Errorf("mart %s has no monthly files", m.Name)
		}
	}
	for name := range want {
		if _, ok := snap[name]; !ok {
			t.Errorf("marts: %s is missing", name)
		}
	}
	for name := range snap {
		if !want[name] {
			t.Errorf("marts: unexpected %s", name)
		}
	}
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
	checkMartFiles(t, before)

	// the new data would change every mart
	attachFixture(t, db, "testdata/basic")
	crash := errors.New("simulated crash")
	for _, at := range []string{"build:mart-written:contact_facts", "build:mart-written:gap", "build:mart-written:coverage", "build:before-commit"} {
		o := build.DefaultOptions()
		reached := false
		o.Hook = func(p string) error {
			if p == at {
				reached = true
				return crash
			}
			return nil
		}
		_, err := build.Build(ctx, db, lakeDir, o)
		if !reached || !errors.Is(err, crash) {
			t.Fatalf("crash at %s: reached %v, err = %v", at, reached, err)
		}
		if diff := cmp.Diff(before, snapshotMarts(t, lakeDir)); diff != "" {
			t.Fatalf("crash at %s changed the marts:\n%s", at, diff)
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
	checkMartFiles(t, after)
	for name, content := range after {
		// a schema file has no rows: the same bytes in every build
		if before[name] == content && !strings.HasSuffix(name, "/_schema.parquet") {
			t.Errorf("%s was not replaced", name)
		}
	}
}
