// Package ingest loads raw source exports into the lake: each file goes
// through its mapping (DuckDB SQL), is converted and validated against the
// contract, and lands as hive-partitioned Parquet with lineage; refused rows
// land in _rejects with their reason. A batch becomes visible only when its
// manifest record is written, so a crash leaves the previous lake intact.
package ingest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mcnamara/mcnamara/pipeline/contract"
	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// Source is a mapping and the files to load through it.
type Source struct {
	// Name is the configured source's name ("" for files named on the
	// command line); a replay of rejects finds its current mapping by it.
	Name    string
	Mapping Mapping
	Files   []string
}

// Options configures a batch.
type Options struct {
	Lake string
	// BusinessTZ is the zone whose calendar date partitions the lake.
	BusinessTZ string
	Logger     *slog.Logger
	// Progress, if set, is told after each file (done of total).
	Progress func(file string, done, total int)
	Version  string
	// RowGroupSize is the largest row group of the Parquet files written
	// (date-partitioned tables use smaller ones, see partitionRowGroup).
	RowGroupSize int
	// Hook is the crash-test hook (lake.Hook): called at
	// ingest:partition-written (a file's rows staged) and at the commit's
	// points (lake.Commit). nil does nothing.
	Hook lake.Hook
}

// Result describes a finished batch.
type Result struct {
	Batch lake.Batch
	// Committed is false when there was nothing new to load.
	Committed bool
	// FileErrors are the files refused as a whole (the others loaded).
	FileErrors []error
	// SQL is the time DuckDB spent running the batch's statements: the
	// floor BenchmarkIngestPhoneCSV compares the whole ingest with.
	SQL time.Duration
}

// FileError is a file refused as a whole.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return fmt.Sprintf("%s: %v", e.Path, e.Err) }
func (e *FileError) Unwrap() error { return e.Err }

// Run loads the sources' files as one batch. The caller holds the lake lock.
func Run(ctx context.Context, db *sql.DB, o Options, sources []Source) (Result, error) {
	l, batches, release, err := begin(ctx, db, &o)
	if err != nil {
		return Result{}, err
	}
	defer release()
	id := l.batch.ID
	// A file is "already loaded" per mapping: one export may feed two
	// tables through two mappings (e.g. complaints → contacts and disputes
	// → outcomes), and the second must not be skipped as a re-delivery.
	loaded := map[loadKey]string{} // (sha256, mapping) -> batch id
	for _, b := range batches {
		for _, in := range b.Inputs {
			if in.Error == "" && in.Skipped == "" && in.Retries == "" {
				loaded[keyOf(in)] = b.ID
			}
		}
	}
	total := 0
	for _, s := range sources {
		total += len(s.Files)
	}
	var res Result
	done, fresh := 0, 0
	remaining := map[string]int{} // files per table still to come
	for _, s := range sources {
		remaining[s.Mapping.Table] += len(s.Files)
	}
	for _, s := range sources {
		for _, f := range s.Files {
			remaining[s.Mapping.Table]--
			if err := ctx.Err(); err != nil {
				return Result{}, fmt.Errorf("ingest interrupted, nothing committed: %w", err)
			}
			in, err := l.input(s.Mapping, f)
			if err != nil {
				return Result{}, err
			}
			in.Source = s.Name
			switch prev, dup := loaded[keyOf(in)]; {
			case dup:
				in.Skipped = "already loaded by batch " + prev
				o.Logger.Info("skip file already loaded", "file", f, "batch", prev)
			case in.Bytes == 0:
				in.Error = "file is empty (0 bytes): nothing to load; check the export job"
			default:
				loaded[loadKey{in.SHA256, in.Mapping}] = id
				if err := l.load(ctx, s.Mapping, f, &in, len(l.batch.Inputs), remaining[s.Mapping.Table] > 0); err != nil {
					var fe *FileError
					if !errors.As(err, &fe) {
						return Result{}, err
					}
					in.Error = fe.Err.Error()
				} else {
					fresh++
				}
			}
			if in.Error != "" {
				fe := &FileError{Path: f, Err: errors.New(in.Error)}
				res.FileErrors = append(res.FileErrors, fe)
				o.Logger.Error("file refused", "file", f, "reason", in.Error)
				in.RowsRead, in.RowsLoaded, in.RowsRejected = 0, 0, 0
			}
			l.batch.Inputs = append(l.batch.Inputs, in)
			done++
			if o.Progress != nil {
				o.Progress(f, done, total)
			}
		}
	}
	if fresh == 0 && len(res.FileErrors) == 0 {
		res.Batch = l.batch
		return res, nil // nothing new: no batch
	}
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("ingest interrupted, nothing committed: %w", err)
	}
	if err := l.commit(); err != nil {
		return Result{}, err
	}
	res.Batch, res.Committed, res.SQL = l.batch, true, l.sqlTime
	return res, nil
}

// begin prepares a batch: what a killed writer left is recovered, the
// lake's tables are attached (duplicate keys are checked against them) and
// the batch gets its staging directory. done releases the connection and,
// unless the batch was handed to its commit, removes the staging directory.
func begin(ctx context.Context, db *sql.DB, o *Options) (*loader, []lake.Batch, func(), error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.BusinessTZ == "" {
		o.BusinessTZ = "UTC"
	}
	if o.RowGroupSize <= 0 {
		o.RowGroupSize = 122_880
	}
	root, err := filepath.Abs(o.Lake)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("lake path %s: %w", o.Lake, err)
	}
	if err := lake.Recover(root); err != nil {
		return nil, nil, nil, err
	}
	batches, err := lake.ReadManifest(root)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := lake.AttachInputs(ctx, db, root); err != nil {
		return nil, nil, nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("ingest: %w", err)
	}
	// Line numbers come from row_number() OVER () over the reader, which is
	// in file order only while DuckDB preserves insertion order (a build on
	// the same database may have turned it off). The CSV reader's reject
	// tables live on the connection: a pooled one would carry every
	// earlier batch's (a fuzz run made them grow per input).
	for _, q := range []string{"SET preserve_insertion_order = true", "DROP TABLE IF EXISTS reject_errors", "DROP TABLE IF EXISTS reject_scans"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			conn.Close()
			return nil, nil, nil, fmt.Errorf("ingest: %w", err)
		}
	}
	id := newBatchID(time.Now())
	staging := filepath.Join(root, lake.StagingDir, id)
	if err := os.MkdirAll(staging, 0o755); err != nil {
		conn.Close()
		return nil, nil, nil, fmt.Errorf("create staging %s: %w", staging, err)
	}
	l := &loader{conn: conn, opts: *o, root: root, staging: staging, batch: lake.Batch{ID: id, StartedAt: time.Now().UTC(), Version: o.Version}}
	done := func() {
		// Until the commit takes it over, the staging directory is this
		// batch's alone; once committed it is removed only when all its
		// files are in place (lake.Commit).
		if !l.handedOver {
			os.RemoveAll(staging)
		}
		conn.Close()
	}
	return l, batches, done, nil
}

// commit sums the batch's counts and commits it (lake.Commit); a batch
// committed whose files could not all be moved into place yet is logged,
// not failed: it is read from staging until the next writer moves them.
func (l *loader) commit() error {
	for _, in := range l.batch.Inputs {
		l.batch.RowsRead += in.RowsRead
		l.batch.RowsLoaded += in.RowsLoaded
		l.batch.RowsRejected += in.RowsRejected
	}
	l.batch.FinishedAt = time.Now().UTC()
	l.handedOver = true
	if err := lake.Commit(l.root, l.batch, l.opts.Hook); err != nil {
		var pe *lake.PublishError
		if !errors.As(err, &pe) {
			return err
		}
		l.opts.Logger.Warn("batch committed, files not all moved into place yet", "batch", l.batch.ID, "error", err)
	}
	return nil
}

// loadKey identifies a file already loaded through a mapping.
type loadKey struct{ sha256, mapping string }

// keyOf is an input's loadKey. A configured source is known by its name
// and table, not by its mapping's name: that name holds the config file's
// path as it was given, so `--config mcnamara.toml` one night and
// `--config /srv/mcnamara/mcnamara.toml` the next would otherwise reload
// every file (and reject each row as a duplicate). Files ingested without
// a source (`ingest FILE --mapping`) are known by their mapping.
func keyOf(in lake.Input) loadKey {
	if in.Source != "" {
		return loadKey{in.SHA256, "source " + in.Source + " -> " + in.Table}
	}
	return loadKey{in.SHA256, in.Mapping}
}

type loader struct {
	conn    *sql.Conn
	opts    Options
	root    string
	staging string
	batch   lake.Batch
	// tables with keys loaded earlier in this batch (temp table exists).
	batchKeys map[string]bool
	// blankLines: the file being loaded has an empty line (input saw one).
	blankLines bool
	// handedOver: the batch went to its commit, which owns staging now.
	handedOver bool
	// replay, while rejected records are re-read, maps them back to the
	// file and lines they came from.
	replay *replayOrigin
	// sqlTime is how long DuckDB took to run the batch's statements (the
	// rest of its wall time is the Go side's: hashing, manifest, moves).
	sqlTime time.Duration
}

// exec, query and queryRow run a statement on the batch's connection and
// time it (Result.SQL).
func (l *loader) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	defer l.timed(time.Now())
	return l.conn.ExecContext(ctx, q, args...)
}

func (l *loader) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	defer l.timed(time.Now())
	return l.conn.QueryContext(ctx, q, args...)
}

// queryRow runs the query at once (database/sql does), so the time is the
// statement's; its one row is scanned afterwards.
func (l *loader) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	defer l.timed(time.Now())
	return l.conn.QueryRowContext(ctx, q, args...)
}

func (l *loader) timed(start time.Time) { l.sqlTime += time.Since(start) }

// replayOrigin is where the records of a replay file came from: its path,
// and the original line of each of its lines.
type replayOrigin struct {
	file  string
	lines map[int64]int64
}

// origin is the file a row's lineage names.
func (l *loader) origin(file string) string {
	if l.replay != nil {
		return l.replay.file
	}
	return file
}

// origLine is the SQL of a row's lineage line from its line expr in the
// file being read.
func (l *loader) origLine(expr string) string {
	if l.replay == nil {
		return expr
	}
	return fmt.Sprintf("(SELECT original_line FROM replay_lines WHERE line = %s)", expr)
}

func (l *loader) input(m Mapping, path string) (lake.Input, error) {
	f, err := os.Open(path)
	if err != nil {
		return lake.Input{}, fmt.Errorf("open input %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	blank := newBlankLineFinder()
	n, err := io.Copy(io.MultiWriter(h, blank), f)
	if err != nil {
		return lake.Input{}, fmt.Errorf("read input %s: %w", path, err)
	}
	l.blankLines = blank.found()
	return lake.Input{Path: path, SHA256: hex.EncodeToString(h.Sum(nil)), Bytes: n, Mapping: m.Name, Table: m.Table}, nil
}

func newBatchID(t time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return t.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// stagedFiles lists the parquet files under dir, relative to the staging root.
func (l *loader) stagedFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return filepath.SkipDir
		}
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".parquet") {
			rel, err := filepath.Rel(l.staging, p)
			if err != nil {
				return err
			}
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out, err
}

// keyCols returns the table's key as a SQL column list.
func keyCols(t contract.Table, prefix string) string {
	k := make([]string, len(t.Key))
	for i, c := range t.Key {
		k[i] = prefix + duck.Ident(c)
	}
	return strings.Join(k, ", ")
}
