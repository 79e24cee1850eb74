// Package lake is the on-disk layout of the Parquet lake and its manifest:
//
//	lake/<table>/date=YYYY-MM-DD/<batch>-<n>.parquet   contract rows (hive partitions, business date)
//	lake/identities/<batch>.parquet                      unpartitioned tables
//	lake/_rejects/<table>/<batch>_f<n>.parquet           every refused row: file, line, column, reason, record bytes
//	lake/_manifest/<batch>.json                          one record per batch: inputs, sha256, counts, files, times
//	lake/_staging/<batch>/…                              a batch's files until its commit moves them
//	lake/marts/<mart>.parquet                            the modelled marts (small ones)
//	lake/marts/<mart>/YYYY-MM[_n].parquet                big marts, files per month (+ _schema.parquet)
//
// The manifest is the commit record: a data file belongs to the lake only
// once the manifest record that lists it exists. A batch's files are
// written under lake/_staging/<batch>/ and moved into the table folders
// only after that record (see Commit), so a crash never leaves a file of an
// uncommitted batch where any Parquet reader looks.
package lake

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Directory names inside the lake.
const (
	ManifestDir = "_manifest"
	RejectsDir  = "_rejects"
	StagingDir  = "_staging"
	MartsDir    = "marts"
	LockFile    = ".lock"
)

// Input is one raw file offered to a batch.
type Input struct {
	Path         string `json:"path"`
	SHA256       string `json:"sha256"`
	Bytes        int64  `json:"bytes"`
	Mapping      string `json:"mapping"`
	Table        string `json:"table"`
	RowsRead     int64  `json:"rows_read"`
	RowsLoaded   int64  `json:"rows_loaded"`
	RowsRejected int64  `json:"rows_rejected"`
	// Error is set when the whole file was refused (missing column,
	// unreadable, empty); its rows count as neither loaded nor rejected.
	Error string `json:"error,omitempty"`
	// Skipped is set when a file with the same sha256 was already loaded.
	Skipped string `json:"skipped,omitempty"`
	// Header is the file's header lines as they are (kept when rows were
	// rejected: a replay of its rejected records reads them first).
	Header []byte `json:"header,omitempty"`
	// Source is the configured source the file was loaded through.
	Source string `json:"source,omitempty"`
	// Retries, on an input of a replay (ingest --retry-rejects), is the
	// reject file whose records it re-read through the current mapping;
	// RowsRetried is that file's row count. The reject file is superseded:
	// its rows are now loaded, or rejected again in this batch.
	Retries     string `json:"retries,omitempty"`
	RowsRetried int64  `json:"rows_retried,omitempty"`
}

// File is one Parquet file written by a batch, relative to the lake root.
type File struct {
	Path  string `json:"path"`
	Table string `json:"table"`
	Rows  int64  `json:"rows"`
	// Input, on a reject file, is the index in the batch's Inputs of the
	// file its rows came from.
	Input *int `json:"input,omitempty"`
}

// Batch is the manifest record of one ingest.
type Batch struct {
	ID           string    `json:"batch_id"`
	StartedAt    time.Time `json:"started_at"`
	FinishedAt   time.Time `json:"finished_at"`
	Inputs       []Input   `json:"inputs"`
	Files        []File    `json:"files"`
	RejectFiles  []File    `json:"reject_files"`
	RowsRead     int64     `json:"rows_read"`
	RowsLoaded   int64     `json:"rows_loaded"`
	RowsRejected int64     `json:"rows_rejected"`
	Version      string    `json:"mcnamara_version,omitempty"`
}

// ReadManifest returns the committed batches, oldest first.
func ReadManifest(root string) ([]Batch, error) {
	dir := filepath.Join(root, ManifestDir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	var out []Batch
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read manifest %s: %w", p, err)
		}
		var rec Batch
		if err := json.Unmarshal(b, &rec); err != nil {
			return nil, fmt.Errorf("manifest %s is corrupt: %w (move it aside and run `mcnamara check`)", p, err)
		}
		out = append(out, rec)
	}
	slices.SortFunc(out, func(a, b Batch) int {
		return cmp.Or(a.StartedAt.Compare(b.StartedAt), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// TableFiles lists the committed data files of each table, as absolute
// paths, in batch order (a file a crash left in staging, there).
func TableFiles(root string, batches []Batch) (map[string][]string, error) {
	where, err := resolver(root)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, b := range batches {
		for _, f := range b.Files {
			out[f.Table] = append(out[f.Table], where(b.ID, f.Path))
		}
	}
	return out, nil
}

// TableRows is the number of rows the batches' files of table hold.
func TableRows(batches []Batch, table string) int64 {
	var n int64
	for _, b := range batches {
		for _, f := range b.Files {
			if f.Table == table {
				n += f.Rows
			}
		}
	}
	return n
}

// RejectFiles lists the committed reject files, as absolute paths, but
// those a replay superseded (their rows are loaded, or rejected again by
// the replay's batch).
func RejectFiles(root string, batches []Batch) ([]string, error) {
	where, err := resolver(root)
	if err != nil {
		return nil, err
	}
	gone := Superseded(batches)
	var out []string
	for _, b := range batches {
		for _, f := range b.RejectFiles {
			if !gone[f.Path] {
				out = append(out, where(b.ID, f.Path))
			}
		}
	}
	return out, nil
}

// Superseded is the set of reject files (lake-relative paths) whose
// records a later batch re-read (Input.Retries).
func Superseded(batches []Batch) map[string]bool {
	out := map[string]bool{}
	for _, b := range batches {
		for _, in := range b.Inputs {
			if in.Retries != "" {
				out[in.Retries] = true
			}
		}
	}
	return out
}
