package benchrec

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestWatchPeak: the high-water mark of a directory outlives the file that
// made it, and counts blocks on disk, not the length of a sparse file.
func TestWatchPeak(t *testing.T) {
	dir := t.TempDir()
	stop := WatchPeak(dir, 5*time.Millisecond)
	big := filepath.Join(dir, "spill.tmp")
	if err := os.WriteFile(big, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if err := os.Remove(big); err != nil {
		t.Fatal(err)
	}
	sparse, err := os.Create(filepath.Join(dir, "sparse.tmp"))
	if err != nil {
		t.Fatal(err)
	}
	if err := sparse.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	sparse.Close()
	peak := stop()
	if peak < 1<<20 || peak >= 1<<30 {
		t.Errorf("peak %d bytes, want the 1 MiB file's (at least 1 MiB, not the 1 GiB sparse length)", peak)
	}
	if now := AllocatedBytes(dir); now >= 1<<20 {
		t.Errorf("after the removal %d bytes allocated", now)
	}
}
