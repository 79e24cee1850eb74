package lake

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcnamara/mcnamara/sql/duck"
)

// Problem is one mismatch between the lake and its manifest.
type Problem struct {
	Batch  string
	Path   string
	Reason string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Batch != "" {
		fmt.Fprintf(&b, "batch %s: ", p.Batch)
	}
	if p.Path != "" {
		fmt.Fprintf(&b, "%s: ", p.Path)
	}
	b.WriteString(p.Reason)
	return b.String()
}

// CheckReport is the result of reconciling the lake with its manifest.
type CheckReport struct {
	Batches      int
	Files        int
	RowsRead     int64
	RowsLoaded   int64
	RowsRejected int64
	Partitions   map[string]int // table -> partitions present
	// Unpublished are committed batches with files still in staging (a
	// run stopped while moving them into place): not a mismatch, the
	// views read them there and the next writer moves them.
	Unpublished []string
	// RowsRetried are rejected rows a replay re-read (ingest
	// --retry-rejects): counted again in that batch's rows read.
	RowsRetried int64
	Problems    []Problem
}

// Check reconciles the lake against the manifest: per batch, read = loaded +
// rejected for every input and in total; every listed file exists with the
// recorded row count (from its Parquet footer); rejects are accounted for;
// no file lies in the lake that no batch lists.
func Check(ctx context.Context, db *sql.DB, root string) (CheckReport, error) {
	rep := CheckReport{Partitions: map[string]int{}}
	batches, err := ReadManifest(root)
	if err != nil {
		return rep, err
	}
	rep.Batches = len(batches)
	where, err := resolver(root)
	if err != nil {
		return rep, err
	}
	if rep.Unpublished, err = Unpublished(root, batches); err != nil {
		return rep, err
	}
	parts := map[string]map[string]bool{}
	rep.Problems = append(rep.Problems, checkRetries(batches, &rep)...)
	for _, b := range batches {
		var read, loaded, rejected int64
		for _, in := range b.Inputs {
			if in.RowsRead != in.RowsLoaded+in.RowsRejected {
				rep.Problems = append(rep.Problems, Problem{b.ID, in.Path, fmt.Sprintf("rows read %d != loaded %d + rejected %d", in.RowsRead, in.RowsLoaded, in.RowsRejected)})
			}
			read, loaded, rejected = read+in.RowsRead, loaded+in.RowsLoaded, rejected+in.RowsRejected
		}
		if read != b.RowsRead || loaded != b.RowsLoaded || rejected != b.RowsRejected {
			rep.Problems = append(rep.Problems, Problem{b.ID, "", fmt.Sprintf("batch totals (read %d, loaded %d, rejected %d) differ from the sum of its inputs (%d, %d, %d)",
				b.RowsRead, b.RowsLoaded, b.RowsRejected, read, loaded, rejected)})
		}
		rep.RowsRead += b.RowsRead
		rep.RowsLoaded += b.RowsLoaded
		rep.RowsRejected += b.RowsRejected
		var inFiles, inRejects int64
		for _, set := range []struct {
			files []File
			sum   *int64
		}{{b.Files, &inFiles}, {b.RejectFiles, &inRejects}} {
			for _, f := range set.files {
				rep.Files++
				abs := where(b.ID, f.Path)
				n, err := parquetRows(ctx, db, abs)
				if err != nil {
					rep.Problems = append(rep.Problems, Problem{b.ID, f.Path, err.Error()})
					continue
				}
				if n != f.Rows {
					rep.Problems = append(rep.Problems, Problem{b.ID, f.Path, fmt.Sprintf("has %d rows, manifest says %d", n, f.Rows)})
				}
				*set.sum += n
				if dir := filepath.Base(filepath.Dir(abs)); strings.HasPrefix(dir, "date=") {
					if parts[f.Table] == nil {
						parts[f.Table] = map[string]bool{}
					}
					parts[f.Table][dir] = true
				}
			}
		}
		if inFiles != b.RowsLoaded {
			rep.Problems = append(rep.Problems, Problem{b.ID, "", fmt.Sprintf("data files hold %d rows, batch loaded %d", inFiles, b.RowsLoaded)})
		}
		if inRejects != b.RowsRejected {
			rep.Problems = append(rep.Problems, Problem{b.ID, "", fmt.Sprintf("reject files hold %d rows, batch rejected %d", inRejects, b.RowsRejected)})
		}
	}
	for t, p := range parts {
		rep.Partitions[t] = len(p)
	}
	orphans, err := Orphans(root)
	if err != nil {
		return rep, err
	}
	for _, o := range orphans {
		rel, _ := filepath.Rel(root, o)
		rep.Problems = append(rep.Problems, Problem{"", filepath.ToSlash(rel), "not listed by any batch (left by an interrupted run; the next ingest removes it)"})
	}
	return rep, nil
}

func parquetRows(ctx context.Context, db *sql.DB, path string) (int64, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return 0, errors.New("missing")
	}
	var n sql.NullInt64
	if err := db.QueryRowContext(ctx, "SELECT sum(num_rows) FROM parquet_file_metadata("+duck.Quote(path)+")").Scan(&n); err != nil {
		return 0, fmt.Errorf("unreadable parquet: %w", err)
	}
	return n.Int64, nil
}

// checkRetries checks the replays' inputs: each re-read a reject file of
// an earlier batch, all its rows, and no reject file was re-read twice.
func checkRetries(batches []Batch, rep *CheckReport) []Problem {
	type rejectFile struct {
		batch int
		rows  int64
	}
	files := map[string]rejectFile{}
	by := map[string]string{}
	var out []Problem
	for i, b := range batches {
		for _, in := range b.Inputs {
			if in.Retries == "" {
				continue
			}
			rep.RowsRetried += in.RowsRetried
			f, ok := files[in.Retries]
			switch {
			case !ok:
				out = append(out, Problem{b.ID, in.Retries, "re-read by a replay, but no earlier batch lists this reject file"})
			case f.rows != in.RowsRetried:
				out = append(out, Problem{b.ID, in.Retries, fmt.Sprintf("the replay re-read %d rejected rows, the reject file has %d", in.RowsRetried, f.rows)})
			case by[in.Retries] != "":
				out = append(out, Problem{b.ID, in.Retries, "re-read twice (also by batch " + by[in.Retries] + ")"})
			}
			by[in.Retries] = b.ID
		}
		for _, f := range b.RejectFiles {
			files[f.Path] = rejectFile{i, f.Rows}
		}
	}
	return out
}
