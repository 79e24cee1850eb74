package job

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPruneReports: the run keeps its newest dated reports (and PDFs) and
// never touches other files in the report directory, however they are named.
func TestPruneReports(t *testing.T) {
	dir := t.TempDir()
	files := []string{"report-2026-01-01.html", "report-2026-01-02.html", "report-2026-01-03.html",
		"report-2026-01-04.html", "report-2026-01-05.html", "report-q3-board.html", "report.html", "notes.txt",
		"report-2026-01-01.pdf", "report-2026-01-02.pdf", "report-2026-01-04.pdf", "report-2026-01-05.pdf", "report.pdf", "board.pdf"}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := pruneReports(dir, 3); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	slices.Sort(got)
	// PDFs are counted on their own: the newest three of them stay
	want := []string{"board.pdf", "notes.txt", "report-2026-01-02.pdf", "report-2026-01-03.html", "report-2026-01-04.html",
		"report-2026-01-04.pdf", "report-2026-01-05.html", "report-2026-01-05.pdf", "report-q3-board.html", "report.html", "report.pdf"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("left in the report directory (-want +got):\n%s", diff)
	}
}
