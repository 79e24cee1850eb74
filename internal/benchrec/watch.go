package benchrec

import (
	"io/fs"
	"path/filepath"
	"syscall"
	"time"
)

// AllocatedBytes is what the regular files under path take on disk
// (st_blocks × 512: a sparse file counts the blocks it holds, not its
// length; DuckDB's spill files are written sparsely). Files removed while
// it walks are skipped.
func AllocatedBytes(path string) int64 {
	var n int64
	_ = filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		if info, err := d.Info(); err == nil {
			if st, ok := info.Sys().(*syscall.Stat_t); ok {
				n += st.Blocks * 512
			}
		}
		return nil
	})
	return n
}

// WatchPeak samples AllocatedBytes(path) every interval until the returned
// function is called, which returns the most it saw (a spill directory's
// high-water mark during a stage).
func WatchPeak(path string, interval time.Duration) (stop func() int64) {
	done := make(chan struct{})
	peak := make(chan int64)
	go func() {
		var most int64
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			most = max(most, AllocatedBytes(path))
			select {
			case <-done:
				peak <- max(most, AllocatedBytes(path))
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 { close(done); return <-peak }
}
