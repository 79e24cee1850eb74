package ingest

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// Retry re-reads the rejected records of the sources (all the lake's, or
// those of the named sources) through their current mappings, as one
// batch: records that pass now load with their original lineage (file,
// line); the others are rejected again with their new reason. Nothing is
// read from the original files (they may be gone): a record is its bytes
// kept in _rejects (raw_bytes) after the file's header lines kept in the
// manifest. Each reject file re-read is superseded by the batch's input
// that names it (Input.Retries), so the rejects view shows the latest
// verdict once. Reject files without the record bytes (written by an older
// version, or of a Parquet source) are left as they are. The caller holds
// the lake lock.
func Retry(ctx context.Context, db *sql.DB, o Options, sources []Source) (Result, error) {
	l, batches, release, err := begin(ctx, db, &o)
	if err != nil {
		return Result{}, err
	}
	defer release()
	gone := lake.Superseded(batches)
	var res Result
	for _, b := range batches {
		for _, rf := range b.RejectFiles {
			if gone[rf.Path] {
				continue
			}
			orig, ok := rejectInput(b, rf)
			if !ok {
				o.Logger.Warn("retry: reject file names no input of its batch; left as it is", "file", rf.Path)
				continue
			}
			src, ok := sourceFor(sources, orig)
			if !ok {
				continue // not a selected source
			}
			if err := ctx.Err(); err != nil {
				return Result{}, fmt.Errorf("retry interrupted, nothing committed: %w", err)
			}
			if err := l.retryFile(ctx, src, orig, rf); err != nil {
				return Result{}, err
			}
		}
	}
	if len(l.batch.Inputs) == 0 {
		res.Batch = l.batch
		return res, nil
	}
	if err := l.commit(); err != nil {
		return Result{}, err
	}
	res.Batch, res.Committed = l.batch, true
	return res, nil
}

var inputIndex = regexp.MustCompile(`_f(\d+)\.parquet$`)

// rejectInput is the input a reject file's rows came from: File.Input,
// or for older lakes the index in its name (<batch>_f<index>.parquet).
func rejectInput(b lake.Batch, rf lake.File) (lake.Input, bool) {
	i := -1
	if rf.Input != nil {
		i = *rf.Input
	} else if m := inputIndex.FindStringSubmatch(rf.Path); m != nil {
		i, _ = strconv.Atoi(m[1])
	}
	if i < 0 || i >= len(b.Inputs) {
		return lake.Input{}, false
	}
	return b.Inputs[i], true
}

// sourceFor picks the selected source whose current mapping re-reads an
// input's records: by source name, else (inputs an older version recorded
// without it) by mapping name.
func sourceFor(sources []Source, in lake.Input) (Source, bool) {
	for _, s := range sources {
		if in.Source != "" && s.Name == in.Source {
			return s, true
		}
	}
	for _, s := range sources {
		if in.Source == "" && s.Mapping.Name == in.Mapping && s.Mapping.Table == in.Table {
			return s, true
		}
	}
	return Source{}, false
}

// retryFile replays one reject file's records through src's mapping.
func (l *loader) retryFile(ctx context.Context, src Source, orig lake.Input, rf lake.File) error {
	rows, err := l.query(ctx, "SELECT _source_line, raw_bytes FROM read_parquet("+duck.Quote(filepath.Join(l.root, filepath.FromSlash(rf.Path)))+", union_by_name = true) ORDER BY _source_line")
	if err != nil {
		// a reject file of an older version has no raw_bytes column
		l.opts.Logger.Warn("retry: the records of these rejects were not kept (an older version wrote them); left as they are", "file", rf.Path, "error", cleanDuckErr(err))
		return nil
	}
	type rec struct {
		line int64
		raw  []byte
	}
	var recs []rec
	for rows.Next() {
		var r rec
		if err := rows.Scan(&r.line, &r.raw); err != nil {
			rows.Close()
			return fmt.Errorf("read rejects %s: %w", rf.Path, err)
		}
		recs = append(recs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read rejects %s: %w", rf.Path, err)
	}
	for _, r := range recs {
		if r.raw == nil {
			l.opts.Logger.Warn("retry: a rejected record has no bytes kept (a Parquet source, or an older version); its file's rejects are left as they are", "file", rf.Path, "line", r.line)
			return nil
		}
	}
	d, _ := mappingDialect(src.Mapping, nil)
	header := int64(0)
	if len(orig.Header) > 0 {
		s := newRecordScanner(bytes.NewReader(orig.Header), d)
		for {
			if _, _, _, err := s.next(false); err == io.EOF {
				break
			}
			header++
		}
	}
	// The replay file: the header lines, then each record on a line of its
	// own, ended as the file's header lines were.
	eol := []byte("\n")
	if bytes.HasSuffix(orig.Header, []byte("\r\n")) {
		eol = []byte("\r\n")
	}
	var buf bytes.Buffer
	buf.Write(orig.Header)
	lines := map[int64]int64{}
	for i, r := range recs {
		buf.Write(r.raw)
		buf.Write(eol)
		lines[header+int64(i)+1] = r.line
	}
	idx := len(l.batch.Inputs)
	file := filepath.Join(l.staging, "replay", fmt.Sprintf("f%03d%s", idx, filepath.Ext(orig.Path)))
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return fmt.Errorf("retry %s: %w", rf.Path, err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("retry %s: %w", rf.Path, err)
	}
	if err := l.replayLines(ctx, lines); err != nil {
		return err
	}
	in := lake.Input{Path: orig.Path, SHA256: orig.SHA256, Bytes: int64(buf.Len()), Mapping: src.Mapping.Name, Table: src.Mapping.Table,
		Source: src.Name, Retries: rf.Path, RowsRetried: rf.Rows}
	l.blankLines = false
	l.replay = &replayOrigin{file: orig.Path, lines: lines}
	err = l.load(ctx, src.Mapping, file, &in, idx, true)
	l.replay = nil
	if err != nil {
		fe, ok := err.(*FileError)
		if !ok {
			return err
		}
		// The current mapping cannot read the records at all: they stay
		// rejected as they were (nothing superseded).
		l.opts.Logger.Error("retry: the current mapping cannot read these rejected records; left as they are", "file", rf.Path, "reason", fe.Err)
		return nil
	}
	if len(in.Header) == 0 {
		in.Header = orig.Header
	}
	l.batch.Inputs = append(l.batch.Inputs, in)
	l.opts.Logger.Info("retried rejects", "file", orig.Path, "rejects", rf.Path, "retried", rf.Rows, "loaded", in.RowsLoaded, "rejected", in.RowsRejected)
	return nil
}

// replayLines fills replay_lines: a replay file's line → the original line.
func (l *loader) replayLines(ctx context.Context, lines map[int64]int64) error {
	if _, err := l.exec(ctx, "CREATE OR REPLACE TEMP TABLE replay_lines (line BIGINT PRIMARY KEY, original_line BIGINT)"); err != nil {
		return fmt.Errorf("retry: %w", err)
	}
	var from, to []int64
	for k, v := range lines {
		from, to = append(from, k), append(to, v)
	}
	for i := 0; i < len(from); i += 5000 {
		j := min(i+5000, len(from))
		if _, err := l.exec(ctx, fmt.Sprintf("INSERT INTO replay_lines SELECT unnest(%s), unnest(%s)", intList(from[i:j]), intList(to[i:j]))); err != nil {
			return fmt.Errorf("retry: %w", err)
		}
	}
	return nil
}
