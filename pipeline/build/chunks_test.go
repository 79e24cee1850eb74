package build_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcnamara/mcnamara/pipeline/build"
)

// TestChunkedWriteEqualsWhole: the big monthly marts written in chunks of
// persons (one partitioned write per chunk, in_chunk selecting its rows)
// are the same marts, row for row, as written whole; the record is the
// same (an Update after either is incremental); and the chunks really
// split the marts (a month in several files).
func TestChunkedWriteEqualsWhole(t *testing.T) {
	ctx := context.Background()
	for _, fixture := range []string{"testdata/basic", "testdata/events"} {
		t.Run(filepath.Base(fixture), func(t *testing.T) {
			db := openDB(t)
			attachFixture(t, db, fixture)
			got := map[int]map[string][][]string{}
			fingerprints := map[int]string{}
			for _, chunks := range []int{1, 3, 7} {
				o := basicOptions(t)
				o.Chunks = chunks
				lakeDir := t.TempDir()
				if _, err := build.Build(ctx, db, lakeDir, o); err != nil {
					t.Fatalf("%d chunks: %v", chunks, err)
				}
				got[chunks] = martRows(t, db, lakeDir)
				fingerprints[chunks] = fingerprint(t, lakeDir)
				split := false
				for _, m := range build.Marts {
					if !m.Chunked {
						continue
					}
					files, err := filepath.Glob(filepath.Join(lakeDir, "marts", m.Name, "[0-9]*_*.parquet"))
					if err != nil {
						t.Fatal(err)
					}
					split = split || len(files) > 0
				}
				if split != (chunks > 1) {
					t.Errorf("%d chunks: a month in several files %v", chunks, split)
				}
			}
			for _, chunks := range []int{3, 7} {
				if fingerprints[chunks] != fingerprints[1] {
					t.Errorf("%d chunks: fingerprint %s, whole %s: the chunks must not be in the record", chunks, fingerprints[chunks], fingerprints[1])
				}
				for _, m := range build.Marts {
					if diff := cmp.Diff(got[1][m.Name], got[chunks][m.Name]); diff != "" {
						t.Errorf("%d chunks: mart %s differs (-whole +chunked):\n%s", chunks, m.Name, diff)
					}
				}
			}
			if len(got[1]["contact_facts"]) == 0 || len(got[1]["journeys"]) == 0 {
				t.Errorf("%s: empty marts prove nothing", fixture)
			}
		})
	}
}

// TestChunkedMarts: contact_facts and journeys are the chunked marts (their
// models call in_chunk on every side of their joins).
func TestChunkedMarts(t *testing.T) {
	var chunked []string
	for _, m := range build.Marts {
		if m.Chunked {
			chunked = append(chunked, m.Name)
		}
	}
	if diff := cmp.Diff([]string{"journeys", "contact_facts"}, chunked); diff != "" {
		t.Errorf("chunked marts (-want +got):\n%s", diff)
	}
}

func TestWriteChunks(t *testing.T) {
	for _, c := range []struct {
		mode, limit string
		contacts    int64
		chunks      int
		want        int
	}{
		{"", "8GiB", 100_000_000, 0, 16}, // DuckDB gets 6 GiB: 6.4M contacts a chunk
		{"", "819MiB", 10_000_000, 0, 16},
		{"", "8GiB", 1_000_000, 0, 1}, // fits: temp tables, written whole
		{build.IntermediatesFile, "8GiB", 1_000_000, 0, 1},
		{build.IntermediatesFile, "100MB", 1_000_000_000, 0, 64}, // bounded
		{"", "", 100_000_000, 0, 1},
		{build.IntermediatesMemory, "100MB", 100_000_000, 0, 1},
		{"", "", 10, 5, 5}, // set: as set
	} {
		o := build.DefaultOptions()
		o.Intermediates, o.MemoryLimit, o.Contacts, o.Chunks = c.mode, c.limit, c.contacts, c.chunks
		if got := o.WriteChunks(); got != c.want {
			t.Errorf("%q, memory_limit %q, %d contacts, chunks %d: %d chunks, want %d", c.mode, c.limit, c.contacts, c.chunks, got, c.want)
		}
	}
}

// TestWriteScriptChunks: the script DuckDB alone runs writes the chunked
// marts chunk by chunk as the build does, and resets the chunk after.
func TestWriteScriptChunks(t *testing.T) {
	o := build.DefaultOptions()
	o.Chunks = 4
	steps, err := build.WriteScript(o, filepath.Join(os.TempDir(), "w"))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, s := range steps {
		all.WriteString(s.SQL)
	}
	sql := all.String()
	for _, want := range []string{"SET VARIABLE chunks = 4;\nSET VARIABLE chunk = 3;", "contact_facts.parts.3", "journeys.parts.0", "RESET VARIABLE chunks;"} {
		if !strings.Contains(sql, want) {
			t.Errorf("the script lacks %q", want)
		}
	}
	if strings.Contains(sql, "outcome_links.parts.1") {
		t.Error("outcome_links is not chunked, the script writes it in chunks")
	}
}
