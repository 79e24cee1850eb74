// Package config reads mcnamara.toml: the lake, the sources and their
// mappings, the build and metric targets, the report. Unknown keys are
// refused (a typo must not silently fall back to a default).
//
// It sits below the job package, which joins it to the pipeline and the
// report: what it decodes is plain settings and the definitions'
// parameters (metrics), and a source's mapping leaves it as SQL text for
// ingest to parse.
package config

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/mcnamara/mcnamara/metrics"
	"github.com/mcnamara/mcnamara/pipeline/contract"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// File is the whole configuration.
type File struct {
	Lake    Lake                  `toml:"lake"`
	Sources []Source              `toml:"sources"`
	Run     Run                   `toml:"run"`
	Build   metrics.BuildSettings `toml:"build"`
	Metrics metrics.Config        `toml:"metrics"`
	Costs   metrics.Costs         `toml:"costs"`
	Report  Report                `toml:"report"`
	// Alerts are the [alerts.<name>] thresholds judged at the end of
	// `mcnamara run` (metrics.Alerts lists the kinds).
	Alerts map[string]metrics.AlertSpec `toml:"alerts"`

	path string // where it was read from, for messages and relative paths
	text string // its text, to point messages at a line
}

// Lake settings.
type Lake struct {
	Dir string `toml:"dir"`
	// BusinessTimezone decides the calendar date of a contact (partitions,
	// weeks and months in the marts and the report).
	BusinessTimezone string `toml:"business_timezone"`
	// MemoryLimit is the process's memory budget; DuckDB's own
	// memory_limit is 75% of it (duck.BufferLimit).
	MemoryLimit string `toml:"memory_limit"`
	Threads     int    `toml:"threads"`
	// TempDirectory is where DuckDB spills what exceeds memory_limit
	// (relative to the config file); empty: lake/_staging/duckdb_tmp.
	TempDirectory string `toml:"temp_directory"`
	// Intermediates is where a full build keeps the models' intermediate
	// tables: "auto" (the default, also ""): in a DuckDB database file in
	// the temp directory when the lake's contacts would not fit
	// memory_limit, else as DuckDB temp tables; "memory": temp tables;
	// "file": the database file (compressed, evicted without spilling).
	// An incremental update puts its tables of the whole lake's keys and
	// events there by the same rule.
	Intermediates string `toml:"intermediates"`
}

// IntermediateModes are the values [lake] intermediates takes (the build's
// own list; a test holds them equal: the configuration does not import
// the pipeline).
var IntermediateModes = []string{"auto", "memory", "file"}

// Report settings.
type Report struct {
	// Title shown at the top of the report.
	Title string `toml:"title"`
	// ShowCustomerKeys prints customer keys as they are; by default they
	// are pseudonymised with a keyed hash (key: pseudonym_key, or the
	// MCNAMARA_PSEUDONYM_KEY environment variable).
	ShowCustomerKeys bool   `toml:"show_customer_keys"`
	PseudonymKey     string `toml:"pseudonym_key"`
	// PDF makes `mcnamara run` (and `demo`) also print each report to a PDF
	// beside it (report-YYYY-MM-DD.pdf, report.pdf) with headless Chromium.
	PDF bool `toml:"pdf"`
	// Paper is the PDF's sheet size: one of Papers; empty means "a4".
	Paper string `toml:"paper"`
	// DrillTop is how many journeys each drill-down list of the report
	// embeds, worst first (the panel counts the rest); 0 means the
	// report's default. At most MaxDrillTop.
	DrillTop int `toml:"drill_top"`
}

// MaxDrillTop bounds [report] drill_top and --drill-top: every list's
// journeys are in the one file.
const MaxDrillTop = 1000

// Papers are the sheet sizes [report] paper and --paper accept, as the
// report's PDF printer names them (reports.Papers; a test holds the two
// equal: the configuration does not import the report).
var Papers = []string{"a4", "letter"}

// Run settings for the scheduled job.
type Run struct {
	// ReportDir receives report-YYYY-MM-DD.html and report.html (latest).
	ReportDir string `toml:"report_dir"`
	// KeepReports is how many dated reports to keep.
	KeepReports int `toml:"keep_reports"`
}

// Source is one kind of export: where its files arrive and how they map.
type Source struct {
	Name string `toml:"name"`
	// One of Preset (a shipped mapping, see `mcnamara ingest --list-presets`),
	// Mapping (a .sql mapping file) or the rename fields below.
	Preset  string   `toml:"preset"`
	Mapping string   `toml:"mapping"`
	Files   []string `toml:"files"` // globs, relative to the config file

	// Plain renames, compiled to mapping SQL.
	Table        string            `toml:"table"`
	Format       string            `toml:"format"` // csv (default), jsonl, parquet
	Delimiter    string            `toml:"delimiter"`
	Timezone     string            `toml:"timezone"`
	SourceSystem string            `toml:"source_system"`
	Columns      map[string]string `toml:"columns"`   // contract column = raw column
	Formats      map[string]string `toml:"formats"`   // contract column = strptime format
	Constants    map[string]string `toml:"constants"` // contract column = constant value
}

// Defaults returns the configuration used when no file exists.
func Defaults() File {
	return File{
		Lake:  Lake{Dir: "lake", BusinessTimezone: "UTC", MemoryLimit: "2GB"},
		Run:   Run{ReportDir: "reports", KeepReports: 14},
		Build: metrics.DefaultBuildSettings(),
	}
}

// Load reads path. A missing file is an error only when required.
func Load(path string, required bool) (File, error) {
	f := Defaults()
	f.path = path
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && !required {
		return f, nil
	}
	if err != nil {
		return f, fmt.Errorf("read config: %w", err)
	}
	f.text = string(data)
	md, err := toml.Decode(f.text, &f)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return f, fmt.Errorf("%s:%d:%d: %s", path, pe.Position.Line, pe.Position.Col, pe.Message)
		}
		return f, fmt.Errorf("%s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return f, f.unknownKeys(und)
	}
	return f, f.validate()
}

// Path is the file the configuration came from.
func (f File) Path() string { return f.path }

// Resolve makes p relative to the config file's directory.
func (f File) Resolve(p string) string {
	if p == "" || filepath.IsAbs(p) || f.path == "" {
		return p
	}
	return filepath.Join(filepath.Dir(f.path), p)
}

// Catalog is the metric catalog in force: the built-in definitions with
// the [metrics] targets and scorecard.
func (f File) Catalog() (*metrics.Catalog, error) {
	cat, err := metrics.New(f.Metrics)
	if err != nil {
		return nil, fmt.Errorf("%s: [metrics]: %w", f.at("metrics", 0, ""), err)
	}
	return cat, nil
}

// Rates are the [costs] rates in force for every contract channel.
func (f File) Rates() (metrics.Rates, error) {
	r, err := f.Costs.Rates(contract.Channels)
	if err != nil {
		return r, fmt.Errorf("%s: [costs]: %w", f.at("costs", 0, ""), err)
	}
	return r, nil
}

// AlertRules are the [alerts] thresholds in force (none when the section
// is absent), a bad one named with its file, line and column.
func (f File) AlertRules() ([]metrics.AlertRule, error) {
	rules, err := metrics.AlertRules(f.Alerts)
	var se *metrics.AlertSpecError
	if !errors.As(err, &se) {
		return rules, err
	}
	where := f.at("alerts."+se.Alert, 0, se.Key)
	if where == f.path { // an inline table: `gap_ratio = { max = 0.3 }` in [alerts]
		where = f.at("alerts", 0, se.Alert)
	}
	msg := se.Error()
	if _, known := metrics.LookupAlert(se.Alert); !known {
		if near := nearest(se.Alert, metrics.AlertNames()); near != "" {
			msg += fmt.Sprintf("; did you mean [alerts.%s]?", near)
		}
	}
	return nil, fmt.Errorf("%s: %s", where, msg)
}

func (f File) validate() error {
	if _, err := time.LoadLocation(f.Lake.BusinessTimezone); err != nil {
		return fmt.Errorf("%s: [lake] business_timezone %q is not an IANA time zone (e.g. Europe/Berlin)", f.at("lake", 0, "business_timezone"), f.Lake.BusinessTimezone)
	}
	if m := f.Lake.Intermediates; m != "" && !slices.Contains(IntermediateModes, m) {
		return fmt.Errorf("%s: [lake] intermediates %q: want one of %s", f.at("lake", 0, "intermediates"), m, strings.Join(IntermediateModes, ", "))
	}
	if err := f.Build.Validate(); err != nil {
		return fmt.Errorf("%s: %w", f.at("build", 0, ""), err)
	}
	if _, err := f.Catalog(); err != nil {
		return err
	}
	if _, err := f.Rates(); err != nil {
		return err
	}
	if p := strings.ToLower(strings.TrimSpace(f.Report.Paper)); p != "" && !slices.Contains(Papers, p) {
		return fmt.Errorf("%s: [report] paper %q: want %s", f.at("report", 0, "paper"), f.Report.Paper, strings.Join(Papers, " or "))
	}
	if n := f.Report.DrillTop; n < 0 || n > MaxDrillTop {
		return fmt.Errorf("%s: [report] drill_top = %d: want 0 (the default) to %d journeys a list", f.at("report", 0, "drill_top"), n, MaxDrillTop)
	}
	if _, err := f.AlertRules(); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, s := range f.Sources {
		if s.Name == "" {
			return fmt.Errorf("%s: [[sources]] #%d: name is required", f.at("sources", i, ""), i+1)
		}
		if seen[s.Name] {
			return fmt.Errorf("%s: source %q: name used twice", f.at("sources", i, "name"), s.Name)
		}
		where := fmt.Sprintf("%s: source %q", f.at("sources", i, ""), s.Name)
		seen[s.Name] = true
		n := 0
		for _, set := range []bool{s.Preset != "", s.Mapping != "", len(s.Columns) > 0} {
			if set {
				n++
			}
		}
		if n != 1 {
			return fmt.Errorf("%s: give exactly one of preset, mapping or columns", where)
		}
		if len(s.Files) == 0 {
			return fmt.Errorf("%s: files (a list of globs) is required", where)
		}
	}
	return nil
}

// MappingSQL returns the mapping a source writes itself, for ingest to
// parse: its name in messages (the .sql file's path, or the config file
// and the source) and its SQL text (the file's, or the renames compiled).
// A source naming a preset has none here: ingest.Preset holds those.
func (f File) MappingSQL(s Source) (name, text string, err error) {
	switch {
	case s.Preset != "":
		return "", "", fmt.Errorf("source %q: its mapping is the shipped preset %q", s.Name, s.Preset)
	case s.Mapping != "":
		p := f.Resolve(s.Mapping)
		b, err := os.ReadFile(p)
		if err != nil {
			return "", "", fmt.Errorf("source %q: read mapping: %w", s.Name, err)
		}
		return p, string(b), nil
	}
	text, err = s.compile()
	if err != nil {
		return "", "", fmt.Errorf("%s: source %q: %w", f.at("sources", f.sourceIndex(s.Name), ""), s.Name, err)
	}
	return fmt.Sprintf("%s [source %s]", f.path, s.Name), text, nil
}

// compile turns plain renames into mapping SQL (the same path a hand-written
// mapping takes).
func (s Source) compile() (string, error) {
	if s.Table == "" {
		return "", errors.New("table is required with columns (contacts, outcomes, surveys or identities)")
	}
	var reader string
	switch s.Format {
	case "", "csv":
		delim := ""
		if s.Delimiter != "" {
			delim = fmt.Sprintf(", delim = %s", duck.Quote(s.Delimiter))
		}
		reader = fmt.Sprintf("read_csv({{file}}, header = true, all_varchar = true, store_rejects = true%s)", delim)
	case "jsonl":
		// One line = one record, so a malformed line is one rejected row.
		reader = "read_csv({{file}}, columns = {'j': 'VARCHAR'}, header = false, delim = '\\x01', quote = '', escape = '', store_rejects = true)"
	case "parquet":
		reader = "read_parquet({{file}})"
	default:
		return "", fmt.Errorf("format %q: want csv, jsonl or parquet", s.Format)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "-- table: %s\n", s.Table)
	if s.SourceSystem != "" {
		fmt.Fprintf(&b, "-- source_system: %s\n", s.SourceSystem)
	} else {
		fmt.Fprintf(&b, "-- source_system: %s\n", s.Name)
	}
	if s.Timezone != "" {
		fmt.Fprintf(&b, "-- timezone: %s\n", s.Timezone)
	}
	for _, k := range sortedKeys(s.Formats) {
		fmt.Fprintf(&b, "-- format %s: %s\n", k, s.Formats[k])
	}
	var sel []string
	for _, k := range sortedKeys(s.Columns) {
		src := s.Columns[k]
		if s.Format == "jsonl" {
			sel = append(sel, fmt.Sprintf("j->>%s AS %s", duck.Quote("$."+src), duck.Ident(k)))
		} else {
			sel = append(sel, fmt.Sprintf("%s AS %s", duck.Ident(src), duck.Ident(k)))
		}
	}
	for _, k := range sortedKeys(s.Constants) {
		sel = append(sel, fmt.Sprintf("%s AS %s", duck.Quote(s.Constants[k]), duck.Ident(k)))
	}
	fmt.Fprintf(&b, "SELECT\n    %s\nFROM %s", strings.Join(sel, ",\n    "), reader)
	return b.String(), nil
}

func sortedKeys(m map[string]string) []string {
	k := make([]string, 0, len(m))
	for x := range m {
		k = append(k, x)
	}
	sort.Strings(k)
	return k
}

//go:embed starter.toml
var starter string

// Starter is the commented configuration `mcnamara init` writes.
func Starter() string { return starter }

// at points a message at the file, line and column of key in the index-th [table]
// or [[table]] (at its header when the key is not written there, at the
// file alone when the table is not). The TOML decoder keeps no positions
// past parsing, so the text is scanned for the plain forms `[t]`, `[[t]]`,
// `[t.sub]` and `key =`.
func (f File) at(table string, index int, key string) string {
	if f.path == "" {
		return "config"
	}
	found, header, headerCol := -1, 0, 0
	for i, line := range strings.Split(f.text, "\n") {
		col := len(line) - len(strings.TrimLeft(line, " \t")) + 1
		l := strings.TrimSpace(line)
		if strings.HasPrefix(l, "[") {
			name := strings.Trim(strings.TrimSpace(strings.SplitN(l, "#", 2)[0]), "[] ")
			ours := name == table || strings.HasPrefix(name, table+".")
			if found == index && !ours {
				break // past the table
			}
			// [[t]] starts a new element; [t] or [t.sub] the one table
			if ours && (found < 0 || strings.HasPrefix(l, "[[") && name == table) && found < index {
				found++
				header, headerCol = i+1, col
			}
			continue
		}
		if found == index && key != "" {
			if k, _, ok := strings.Cut(l, "="); ok && strings.TrimSpace(k) == key {
				return fmt.Sprintf("%s:%d:%d", f.path, i+1, col)
			}
		}
	}
	if found == index {
		return fmt.Sprintf("%s:%d:%d", f.path, header, headerCol)
	}
	return f.path
}

func (f File) sourceIndex(name string) int {
	for i, s := range f.Sources {
		if s.Name == name {
			return i
		}
	}
	return -1
}
