package lake

import (
	"errors"
	"fmt"
	"golang.org/x/sync/errgroup"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// Hook is called at named points of a write (see the points in Commit,
// and in the build and the report); an error stands for a crash there. It
// is a test hook: nil, the usual case, does nothing. mcnamara wires it from
// MCNAMARA_CRASH_AT so the crash tests kill the process at a named point.
type Hook func(point string) error

// At calls the hook, if any, at point.
func (h Hook) At(point string) error {
	if h == nil {
		return nil
	}
	return h(point)
}

// tempDir is DuckDB's spill directory inside the staging area (see the
// command's openDB): the live database's, never a batch's leftovers.
const tempDir = "duckdb_tmp"

// StagingPath is where a batch's file rel is written before its commit:
// lake/_staging/<batch>/<rel>, the same relative path it will have.
func StagingPath(root, batch, rel string) string {
	return filepath.Join(root, StagingDir, batch, filepath.FromSlash(rel))
}

// PublishError is a committed batch some of whose files could not be moved
// out of the staging area (mcnamara reads them there; the next writer
// moves them).
type PublishError struct {
	Batch string
	Err   error
}

func (e *PublishError) Error() string {
	return fmt.Sprintf("batch %s is committed, but moving its files into place failed (they stay readable in %s; the next run moves them): %v", e.Batch, StagingDir, e.Err)
}

func (e *PublishError) Unwrap() error { return e.Err }

// Commit makes a batch staged under lake/_staging/<batch>/ part of the
// lake, so that no file of an uncommitted batch is ever where a reader of
// the table folders looks:
//
//  1. the staged files and their directories are synced to disk, and the
//     destination directories created (empty, so a reader sees no file);
//  2. the manifest record is written atomically: the commit point;
//  3. the files are moved into place and the staging directory removed.
//
// Killed before 2, the batch never happened (Recover removes its staging
// directory). Killed during 3, the batch is committed and its remaining
// files are still in staging: mcnamara's views read them there (Resolve)
// and the next writer finishes the move (Recover). An error before the
// commit point removes the staging directory; one after it is a
// *PublishError and leaves the staging directory to Recover.
func Commit(root string, b Batch, hook Hook) error {
	staging := filepath.Join(root, StagingDir, b.ID)
	committed := false
	defer func() {
		if !committed {
			os.RemoveAll(staging)
		}
	}()
	files := batchFiles(b)
	dirs := map[string]bool{}
	var paths []string
	for _, f := range files {
		paths = append(paths, StagingPath(root, b.ID, f.Path))
		dirs[filepath.Dir(f.Path)] = true
	}
	if err := syncAll(paths); err != nil {
		return fmt.Errorf("commit batch %s: %w", b.ID, err)
	}
	paths = paths[:0]
	for _, d := range slices.Sorted(maps.Keys(dirs)) {
		paths = append(paths, filepath.Join(staging, d))
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			return fmt.Errorf("commit batch %s: %w", b.ID, err)
		}
	}
	// the directories' entries after the files they name
	if err := syncAll(paths); err != nil {
		return fmt.Errorf("commit batch %s: %w", b.ID, err)
	}
	if err := hook.At("ingest:before-manifest"); err != nil {
		return err
	}
	if err := WriteBatch(root, b); err != nil {
		return err
	}
	committed = true
	if err := hook.At("ingest:manifest-written"); err != nil {
		return err
	}
	if err := publish(root, b, hook); err != nil {
		return &PublishError{b.ID, err}
	}
	return nil
}

// publish moves a committed batch's files from its staging directory into
// place (those not moved yet) and removes the staging directory.
func publish(root string, b Batch, hook Hook) error {
	staging := filepath.Join(root, StagingDir, b.ID)
	dirs := map[string]bool{}
	moved := 0
	for _, f := range batchFiles(b) {
		src, dst := StagingPath(root, b.ID, f.Path), filepath.Join(root, filepath.FromSlash(f.Path))
		if _, err := os.Lstat(src); errors.Is(err, fs.ErrNotExist) {
			continue // moved before a crash (or lost: check reports it)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.Rename(src, dst); err != nil {
			return err
		}
		dirs[filepath.Dir(dst)] = true
		if moved++; moved == 1 {
			if err := hook.At("ingest:mid-publish"); err != nil {
				return err
			}
		}
	}
	if err := syncAll(slices.Collect(maps.Keys(dirs))); err != nil {
		return err
	}
	if err := hook.At("ingest:published"); err != nil {
		return err
	}
	return os.RemoveAll(staging)
}

// pendingBatches lists the batches with a staging directory (in progress,
// or committed but not fully moved into place).
func pendingBatches(root string) (map[string]bool, error) {
	entries, err := os.ReadDir(filepath.Join(root, StagingDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read staging: %w", err)
	}
	out := map[string]bool{}
	for _, e := range entries {
		if e.IsDir() && e.Name() != tempDir {
			out[e.Name()] = true
		}
	}
	return out, nil
}

// resolver returns where a committed batch's file is: in place, or, for a
// batch whose files are not all moved yet, still in its staging directory.
func resolver(root string) (func(batch, rel string) string, error) {
	pending, err := pendingBatches(root)
	if err != nil {
		return nil, err
	}
	return func(batch, rel string) string {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if pending[batch] {
			if _, err := os.Stat(p); err != nil {
				if s := StagingPath(root, batch, rel); fileExists(s) {
					return s
				}
			}
		}
		return p
	}, nil
}

// Unpublished lists the committed batches with files still in staging.
func Unpublished(root string, batches []Batch) ([]string, error) {
	pending, err := pendingBatches(root)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, b := range batches {
		if !pending[b.ID] {
			continue
		}
		for _, f := range batchFiles(b) {
			if fileExists(StagingPath(root, b.ID, f.Path)) {
				out = append(out, b.ID)
				break
			}
		}
	}
	return out, nil
}

func batchFiles(b Batch) []File {
	return append(slices.Clone(b.Files), b.RejectFiles...)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// syncers is how many fsyncs syncAll keeps in flight: a batch writes a
// file per business day (hundreds a year), and fsyncs issued together
// share the file system's journal commits where one after the other each
// waits for its own (measured in docs/performance.md, "Ingest").
const syncers = 32

// syncAll syncs every path (SyncPath), several at once; the first error
// names its path.
func syncAll(paths []string) error {
	var g errgroup.Group
	g.SetLimit(syncers)
	for _, p := range paths {
		g.Go(func() error {
			if err := SyncPath(p); err != nil {
				return fmt.Errorf("sync %s: %w", p, err)
			}
			return nil
		})
	}
	return g.Wait()
}

// SyncPath flushes a file or directory to stable storage.
func SyncPath(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	// Some file systems refuse fsync on directories; the rename is still atomic.
	if errors.Is(err, os.ErrInvalid) {
		return nil
	}
	return err
}
