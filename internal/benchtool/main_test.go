package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcnamara/mcnamara/internal/benchrec"
)

// TestRunCollectCompare measures a command, collects the result into a run
// file and compares it with itself.
func TestRunCollectCompare(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "r.jsonl")
	out := filepath.Join(dir, "out")
	os.MkdirAll(out, 0o755)
	var stdout, stderr bytes.Buffer
	err := run([]string{"run", "-record", rec, "-stage", "write", "-size", "1000", "-bytes", out, "--",
		"sh", "-c", "head -c 4096 /dev/zero > " + filepath.Join(out, "f")}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	rs, err := benchrec.ReadLines(rec)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Stage != "write" || rs[0].Bytes != 4096 || rs[0].WallSeconds <= 0 || rs[0].PeakRSSBytes <= 0 {
		t.Fatalf("recorded %+v", rs)
	}
	stdout.Reset()
	if err := run([]string{"collect", "-in", rec, "-dir", filepath.Join(dir, "results")}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	path := strings.SplitN(stdout.String(), "\n", 2)[0]
	if !strings.HasSuffix(path, ".json") {
		t.Fatalf("collect printed %q first, want the run file", path)
	}
	stdout.Reset()
	if err := run([]string{"compare", path, path}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "1.00") || !strings.Contains(stdout.String(), "write") {
		t.Errorf("compare of a run with itself:\n%s", stdout.String())
	}
	// a failing command records nothing
	if err := run([]string{"run", "-record", rec, "-stage", "fail", "-size", "1", "--", "false"}, &stdout, &stderr); err == nil {
		t.Error("a failing command: no error")
	}
	if rs, _ := benchrec.ReadLines(rec); len(rs) != 1 {
		t.Errorf("after a failing command: %d results, want 1", len(rs))
	}
	if err := run([]string{"compare", path}, &stdout, &stderr); err == nil {
		t.Error("compare with one file: no error")
	}
}
