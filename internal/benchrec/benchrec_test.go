package benchrec

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestAppendReadRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "run.jsonl")
	in := []Result{
		{Stage: "build", Size: 1000, Unit: "contacts", WallSeconds: 2, PeakRSSBytes: 3 << 30, Bytes: 5 << 20,
			Metrics: map[string]float64{"ratio_vs_duckdb": 1.04}},
		{Stage: "ingest", Size: 500, Unit: "rows", WallSeconds: 0.5, RowsPerSecond: 999},
	}
	for _, r := range in {
		if err := AppendTo(p, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ReadLines(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("read %d results, want 2", len(got))
	}
	tests := []struct {
		name      string
		got, want float64
	}{
		{"rows/s filled from size and wall", got[0].RowsPerSecond, 500},
		{"rows/s given is kept", got[1].RowsPerSecond, 999},
		{"metric", got[0].Metrics["ratio_vs_duckdb"], 1.04},
		{"peak RSS", float64(got[0].PeakRSSBytes), 3 << 30},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}

func TestAppendWithoutEnvDoesNothing(t *testing.T) {
	t.Setenv(EnvRecord, "")
	if err := Append(Result{Stage: "x", Size: 1}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "r.jsonl")
	t.Setenv(EnvRecord, p)
	if err := Append(Result{Stage: "x", Size: 1, WallSeconds: 1}); err != nil {
		t.Fatal(err)
	}
	if rs, err := ReadLines(p); err != nil || len(rs) != 1 {
		t.Fatalf("with %s set: %v results, %v", EnvRecord, len(rs), err)
	}
}

func TestInvalid(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		r    Result
	}{
		{"no stage", Result{Size: 1}},
		{"no size", Result{Stage: "build"}},
		{"negative wall", Result{Stage: "build", Size: 1, WallSeconds: -1}},
	} {
		if err := AppendTo(filepath.Join(dir, "x.jsonl"), tc.r); err == nil {
			t.Errorf("%s: appended", tc.name)
		}
	}
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(`{"stage":"a","size":1,"wall_s":1}`+"\n"+`{"stage":"b","size":1,"wal_s":1}`+"\n"), 0o644)
	if _, err := ReadLines(bad); err == nil || !strings.Contains(err.Error(), "bad.jsonl:2:") {
		t.Errorf("a misspelt field: got %v, want an error naming line 2", err)
	}
}

func TestRunFileRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 2, 19, 5, 6, 0, time.UTC)
	r := NewRun("0123456789abcdef0123", true, at, []Result{{Stage: "build", Size: 10, WallSeconds: 1}})
	if got, want := r.FileName(), "0123456789ab-dirty-20261202T190506Z.json"; got != want {
		t.Errorf("file name %q, want %q", got, want)
	}
	p := filepath.Join(t.TempDir(), r.FileName())
	var b bytes.Buffer
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p, b.Bytes(), 0o644)
	back, err := ReadRun(p)
	if err != nil {
		t.Fatal(err)
	}
	if back.Commit != r.Commit || !back.Started.Equal(at) || len(back.Results) != 1 || back.Host.CPUs == 0 {
		t.Errorf("read back %+v, wrote %+v", back, r)
	}
}

func TestTableAndCompare(t *testing.T) {
	at := time.Date(2026, 12, 2, 19, 0, 0, 0, time.UTC)
	old := NewRun("aaaa", false, at, []Result{
		{Stage: "build", Size: 1_000_000, Unit: "contacts", WallSeconds: 10, RowsPerSecond: 100_000, PeakRSSBytes: 2 << 30},
		{Stage: "ingest", Size: 1_000_000, Unit: "rows", WallSeconds: 4},
		{Stage: "gone", Size: 5, WallSeconds: 1},
	})
	nw := NewRun("bbbb", false, at.Add(time.Hour), []Result{
		// three runs of a stage: the median wall time stands for it
		{Stage: "build", Size: 1_000_000, Unit: "contacts", WallSeconds: 9, RowsPerSecond: 111_111, PeakRSSBytes: 1 << 30},
		{Stage: "build", Size: 1_000_000, Unit: "contacts", WallSeconds: 50},
		{Stage: "build", Size: 1_000_000, Unit: "contacts", WallSeconds: 8},
		{Stage: "ingest", Size: 1_000_000, Unit: "rows", WallSeconds: 5, Metrics: map[string]float64{"ratio": 1.125}},
		{Stage: "new", Size: 7, WallSeconds: 2},
	})
	var b bytes.Buffer
	Compare(&b, old, nw)
	out := b.String()
	for _, want := range []string{"1,000,000 contacts", "0.90", "1.25", "100,000", "111,111", "2.00 GiB", "1.00 GiB", "gone", "new", "old aaaa"} {
		if !strings.Contains(out, want) {
			t.Errorf("compare lacks %q:\n%s", want, out)
		}
	}
	// the row of a stage only the new run has shows no ratio and "—" for old
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "│ new ") && !strings.Contains(line, "—") {
			t.Errorf("a stage only the new run has: %q", line)
		}
	}
	b.Reset()
	Table(&b, nw, nil)
	out = b.String()
	for _, want := range []string{"stage", "ratio", "1.125", "9.00", "1.00 GiB"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "50.00") {
		t.Errorf("the table shows an outlier, not the median:\n%s", out)
	}
}

func TestDirBytes(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755)
	os.WriteFile(filepath.Join(dir, "a", "x"), make([]byte, 100), 0o644)
	os.WriteFile(filepath.Join(dir, "a", "b", "y"), make([]byte, 23), 0o644)
	if n, err := DirBytes(dir); err != nil || n != 123 {
		t.Errorf("DirBytes = %d, %v; want 123", n, err)
	}
	if PeakRSS() <= 0 {
		t.Error("PeakRSS: no VmHWM")
	}
}
