package lake

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/renameio/v2"
)

// WriteBatch writes a batch's manifest record atomically: after a crash the
// record is either whole or absent.
func WriteBatch(root string, b Batch) error {
	dir := filepath.Join(root, ManifestDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create manifest dir: %w", err)
	}
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest %s: %w", b.ID, err)
	}
	p := filepath.Join(dir, b.ID+".json")
	if err := renameio.WriteFile(p, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write manifest %s: %w", p, err)
	}
	// the record's directory entry must be on disk before the files move
	if err := SyncPath(dir); err != nil {
		return fmt.Errorf("write manifest %s: %w", p, err)
	}
	return nil
}

// Recover finishes or removes what an interrupted writer left behind: a
// committed batch whose files are still in staging is moved into place;
// the staging directory of a batch without a manifest record is removed,
// and so are data or reject files no batch lists (an older version moved
// files before writing the record). The caller holds the lock.
func Recover(root string) error {
	pending, err := pendingBatches(root)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		batches, err := ReadManifest(root)
		if err != nil {
			return err
		}
		for _, b := range batches {
			if pending[b.ID] {
				if err := publish(root, b, nil); err != nil {
					return fmt.Errorf("finish moving batch %s into place: %w", b.ID, err)
				}
				delete(pending, b.ID)
			}
		}
		for id := range pending {
			if err := os.RemoveAll(filepath.Join(root, StagingDir, id)); err != nil {
				return fmt.Errorf("clear staging: %w", err)
			}
		}
	}
	orphans, err := Orphans(root)
	if err != nil {
		return err
	}
	for _, o := range orphans {
		if err := os.Remove(o); err != nil {
			return fmt.Errorf("remove orphan %s: %w", o, err)
		}
	}
	return nil
}

// Orphans lists data and reject files under the lake that no committed
// batch lists (left by a crash between moving files and the manifest).
func Orphans(root string) ([]string, error) {
	batches, err := ReadManifest(root)
	if err != nil {
		return nil, err
	}
	listed := map[string]bool{}
	for _, b := range batches {
		for _, f := range append(append([]File{}, b.Files...), b.RejectFiles...) {
			listed[filepath.Join(root, filepath.FromSlash(f.Path))] = true
		}
	}
	var out []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case MartsDir, ManifestDir, StagingDir:
				if p != root {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if strings.HasSuffix(p, ".parquet") && !listed[p] {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scan lake for orphans: %w", err)
	}
	return out, nil
}
