package job

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mcnamara/mcnamara/config"
	"github.com/mcnamara/mcnamara/pipeline/ingest"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// OpenDB opens the in-process DuckDB with the configured limits, spilling
// into the lake's staging area (a writer's: it holds the lock).
func (j Job) OpenDB(ctx context.Context) (*sql.DB, error) {
	cfg := j.Config
	return duck.Open(ctx, duck.Options{
		MemoryLimit: cfg.Lake.MemoryLimit,
		Threads:     cfg.Lake.Threads,
		TempDir:     j.TempDir(),
	})
}

// TempDir is where DuckDB spills: [lake] temp_directory, else the lake's
// staging area.
func (j Job) TempDir() string {
	if d := j.Config.Lake.TempDirectory; d != "" {
		return d
	}
	return filepath.Join(j.Config.Lake.Dir, "_staging", "duckdb_tmp")
}

// Sources decides what to load: the files named on the command line
// (through mapping, a preset name or a .sql file, or else the preset whose
// match globs fit each file), or with no files every configured source's
// file globs.
func (j Job) Sources(files []string, mapping string) ([]ingest.Source, error) {
	cfg := j.Config
	if len(files) == 0 {
		if len(cfg.Sources) == 0 {
			return nil, Usagef("nothing to ingest: name files on the command line or configure [[sources]] in %s (see `mcnamara init`)", cfg.Path())
		}
		var out []ingest.Source
		for _, s := range cfg.Sources {
			m, err := j.sourceMapping(s)
			if err != nil {
				return nil, Usage(err)
			}
			var matched []string
			for _, g := range s.Files {
				ms, err := filepath.Glob(cfg.Resolve(g))
				if err != nil {
					return nil, Usagef("source %q: files glob %q: %v", s.Name, g, err)
				}
				matched = append(matched, ms...)
			}
			sort.Strings(matched)
			out = append(out, ingest.Source{Name: s.Name, Mapping: m, Files: matched})
		}
		return out, nil
	}
	if mapping != "" {
		m, err := MappingByName(mapping)
		if err != nil {
			return nil, err
		}
		return []ingest.Source{{Mapping: m, Files: files}}, nil
	}
	presets, err := ingest.Presets()
	if err != nil {
		return nil, err
	}
	// A file goes through every preset that matches it.
	out, unmatched := ingest.MatchSources(files, presets)
	if len(unmatched) > 0 {
		return nil, Usagef("%s: no shipped mapping matches this file name; pass --mapping PRESET|FILE.sql (presets: %s)", unmatched[0], presetList(presets))
	}
	// Identities and surveys depend on nothing, but contacts should be in
	// place before outcomes for readable logs; keep the contract order.
	order := map[string]int{"identities": 0, "contacts": 1, "surveys": 2, "outcomes": 3}
	sort.SliceStable(out, func(a, b int) bool { return order[out[a].Mapping.Table] < order[out[b].Mapping.Table] })
	return out, nil
}

// sourceMapping parses a configured source's mapping: its preset, or the
// SQL the configuration hands over (its .sql file, or its renames compiled).
func (j Job) sourceMapping(s config.Source) (ingest.Mapping, error) {
	if s.Preset != "" {
		return ingest.Preset(s.Preset)
	}
	name, text, err := j.Config.MappingSQL(s)
	if err != nil {
		return ingest.Mapping{}, err
	}
	return ingest.ParseMapping(name, text)
}

// MappingByName accepts a preset name or a path to a .sql mapping file
// (--mapping).
func MappingByName(name string) (ingest.Mapping, error) {
	if strings.HasSuffix(name, ".sql") || strings.ContainsRune(name, os.PathSeparator) {
		text, err := os.ReadFile(name)
		if err != nil {
			return ingest.Mapping{}, Usagef("--mapping: %v", err)
		}
		m, err := ingest.ParseMapping(name, string(text))
		if err != nil {
			return m, Usage(err)
		}
		return m, nil
	}
	m, err := ingest.Preset(name)
	if err != nil {
		return m, Usage(err)
	}
	return m, nil
}

func presetList(ms []ingest.Mapping) string {
	n := make([]string, len(ms))
	for i, m := range ms {
		n[i] = strings.TrimPrefix(m.Name, "preset ")
	}
	return strings.Join(n, ", ")
}
