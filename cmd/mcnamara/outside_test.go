package main

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"

	"github.com/mcnamara/mcnamara/pipeline/lake"
)

// outsideGlobs are what an outside Parquet engine (Spark, Trino, a DuckDB
// glob) is told to read: the table folders, never the manifest.
var outsideGlobs = map[string]string{
	"contacts":   "contacts/date=*/*.parquet",
	"outcomes":   "outcomes/date=*/*.parquet",
	"surveys":    "surveys/date=*/*.parquet",
	"identities": "identities/*.parquet",
	"_rejects":   "_rejects/*/*.parquet",
}

// lakeOutside is the testscript command `lake-outside [-pending-ok] LAKE`:
// it reads the lake as an outside engine would, globbing the table folders
// and reading every row with parquet-go (not DuckDB; parquetGoRead),
// and compares that with what the manifest commits. It fails when a file no
// committed batch lists is visible, when a committed file's rows differ,
// and (unless -pending-ok: a kill while a committed batch was being moved
// into place) when a committed file is not visible.
func lakeOutside(args []string, w io.Writer) int {
	fs := flag.NewFlagSet("lake-outside", flag.ContinueOnError)
	pendingOK := fs.Bool("pending-ok", false, "committed files may still be in staging")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(w, "usage: lake-outside [-pending-ok] LAKE")
		return 2
	}
	root := fs.Arg(0)
	batches, err := lake.ReadManifest(root)
	if err != nil {
		fmt.Fprintln(w, err)
		return 1
	}
	committed := map[string]int64{} // rel path -> rows
	group := map[string]string{}    // rel path -> glob group
	for _, b := range batches {
		for _, f := range b.Files {
			committed[f.Path], group[f.Path] = f.Rows, f.Table
		}
		for _, f := range b.RejectFiles {
			committed[f.Path], group[f.Path] = f.Rows, "_rejects"
		}
	}
	bad := 0
	seen := map[string]bool{}
	for _, g := range slices.Sorted(maps.Keys(outsideGlobs)) {
		files, _ := filepath.Glob(filepath.Join(root, outsideGlobs[g]))
		var rows, want int64
		for _, f := range files {
			rel, _ := filepath.Rel(root, f)
			rel = filepath.ToSlash(rel)
			seen[rel] = true
			n, _, _, err := parquetGoRead(f)
			if err != nil {
				fmt.Fprintf(w, "outside reader: %s: %v\n", rel, err)
				bad++
				continue
			}
			rows += n
			c, ok := committed[rel]
			switch {
			case !ok:
				fmt.Fprintf(w, "outside reader: %s (%d rows) is visible but no committed batch lists it\n", rel, n)
				bad++
			case c != n:
				fmt.Fprintf(w, "outside reader: %s has %d rows, the manifest says %d\n", rel, n, c)
				bad++
			}
		}
		for p, c := range committed {
			if group[p] == g {
				want += c
			}
		}
		fmt.Fprintf(w, "outside reader: %s %d rows in %d files (committed %d)\n", g, rows, len(files), want)
	}
	pending := 0
	for p := range committed {
		if !seen[p] {
			pending++
		}
	}
	if pending > 0 {
		fmt.Fprintf(w, "outside reader: %d committed files not in the table folders yet\n", pending)
		if !*pendingOK {
			bad++
		}
	}
	if bad > 0 {
		return 1
	}
	return 0
}
