package ingest

import (
	"bufio"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/mcnamara/mcnamara/pipeline/contract"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// FilePlaceholder is replaced by the quoted path of the file being loaded.
const FilePlaceholder = "{{file}}"

// Mapping is a parsed source mapping: a DuckDB SELECT over one raw file
// that yields contract columns (see docs/mapping.md).
type Mapping struct {
	Name         string // preset name or file path, for messages
	Table        string
	SourceSystem string
	TimeZone     string
	Match        []string // file-name globs
	Doc          string
	HeaderLines  int // -1 = unknown (derived from the CSV reader when possible)
	// Formats are strptime formats for text columns (`-- format started_at: %m/%d/%Y %H:%M`).
	Formats map[string]string
	SQL     string
}

// ParseMapping reads a mapping file's metadata header and body. name is used
// in error messages (file:line).
func ParseMapping(name, text string) (Mapping, error) {
	m := Mapping{Name: name, TimeZone: "UTC", HeaderLines: -1}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" {
			continue
		}
		c, ok := strings.CutPrefix(s, "--")
		if !ok {
			break // the SQL body starts
		}
		key, val, ok := strings.Cut(c, ":")
		if !ok {
			continue
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		switch key {
		case "table":
			m.Table = val
		case "source_system":
			m.SourceSystem = val
		case "timezone":
			m.TimeZone = val
		case "match":
			for _, g := range strings.Fields(val) {
				if _, err := filepath.Match(g, "x"); err != nil {
					return m, fmt.Errorf("%s:%d: match glob %q: %w", name, line, g, err)
				}
				m.Match = append(m.Match, g)
			}
		case "doc":
			m.Doc = strings.TrimSpace(m.Doc + " " + val)
		case "header_lines":
			var n int
			if _, err := fmt.Sscan(val, &n); err != nil || n < 0 {
				return m, fmt.Errorf("%s:%d: header_lines %q: want a whole number", name, line, val)
			}
			m.HeaderLines = n
		}
	}
	if err := sc.Err(); err != nil {
		return m, fmt.Errorf("read mapping %s: %w", name, err)
	}
	m.SQL = strings.TrimRight(strings.TrimSpace(text), "; \n\t")
	m.Formats = parseFormats(text)
	if m.Table == "" {
		return m, fmt.Errorf("%s:1: mapping has no `-- table: NAME` header line (one of contacts, outcomes, surveys, identities)", name)
	}
	if _, err := contract.Lookup(m.Table); err != nil {
		return m, fmt.Errorf("%s: table: %w", name, err)
	}
	if _, err := time.LoadLocation(m.TimeZone); err != nil {
		return m, fmt.Errorf("%s: timezone %q is not an IANA time zone name (e.g. Europe/Berlin): %w", name, m.TimeZone, err)
	}
	if !strings.Contains(m.SQL, FilePlaceholder) {
		return m, fmt.Errorf("%s: mapping SQL never reads %s (write e.g. FROM read_csv(%s, header = true, store_rejects = true))", name, FilePlaceholder, FilePlaceholder)
	}
	return m, nil
}

// Matches reports whether the mapping's globs accept the file's base name.
func (m Mapping) Matches(path string) bool {
	base := filepath.Base(path)
	for _, g := range m.Match {
		if ok, _ := filepath.Match(g, base); ok {
			return true
		}
	}
	return false
}

// Bind returns the mapping SQL reading path.
func (m Mapping) Bind(path string) string {
	return strings.ReplaceAll(m.SQL, FilePlaceholder, duck.Quote(path))
}

// parseFormats extracts `-- format COLUMN: STRPTIME` header lines: the
// engine parses those text columns with try_strptime and, when a value does
// not match, refuses the row naming the value and the expected format.
func parseFormats(text string) map[string]string {
	out := map[string]string{}
	for _, l := range strings.Split(text, "\n") {
		s := strings.TrimSpace(l)
		if s == "" {
			continue
		}
		c, ok := strings.CutPrefix(s, "--")
		if !ok {
			break
		}
		key, val, ok := strings.Cut(c, ":")
		if !ok {
			continue
		}
		if col, ok := strings.CutPrefix(strings.TrimSpace(key), "format "); ok {
			out[strings.TrimSpace(col)] = strings.TrimSpace(val)
		}
	}
	return out
}
