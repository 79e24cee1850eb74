package synth

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcnamara/mcnamara/pipeline/contract"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// presetDir holds the shipped mappings.
var presetDir = filepath.Join("..", "..", "sql", "presets")

// presetFor names the preset of each export.
var presetFor = [nExports]string{"synth_acd", "synth_chat", "synth_store", "synth_crm", "synth_surveys", "synth_identities"}

// presetOf is the preset of an export of a generation named n: with
// --format parquet the phone export is Amazon Connect's contact_record.
func presetOf(n names, ex export) string {
	if ex == exACD && n.connect {
		return "amazon_connect_datalake"
	}
	return presetFor[ex]
}

// preset is a mapping file's header and SQL, read the way docs/mapping.md
// describes (this test does not depend on the ingest engine).
type preset struct {
	name, table, sourceSystem, timezone string
	match                               []string
	sql                                 string
}

func readPreset(t *testing.T, name string) preset {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(presetDir, name+".sql"))
	if err != nil {
		t.Fatal(err)
	}
	p := preset{name: name, timezone: "UTC", sql: string(b)}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		c, ok := strings.CutPrefix(line, "--")
		if !ok {
			break
		}
		k, v, ok := strings.Cut(c, ":")
		if !ok {
			continue
		}
		switch k, v = strings.TrimSpace(k), strings.TrimSpace(v); k {
		case "table":
			p.table = v
		case "source_system":
			p.sourceSystem = v
		case "timezone":
			p.timezone = v
		case "match":
			p.match = strings.Fields(v)
		}
	}
	if !strings.HasPrefix(p.sql, "-- mcnamara:mapping") || p.table == "" || !strings.Contains(p.sql, "{{file}}") {
		t.Fatalf("%s: not a mapping (header, table, {{file}})", name)
	}
	return p
}

func (p preset) matches(base string) bool {
	for _, g := range p.match {
		if ok, _ := filepath.Match(g, base); ok {
			return true
		}
	}
	return false
}

// openDuck returns one connection, so SET TimeZone applies to every query.
func openDuck(t *testing.T) *sql.Conn {
	t.Helper()
	db, err := duck.Open(context.Background(), duck.Options{Threads: 2, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func exec(t *testing.T, c *sql.Conn, q string, args ...any) {
	t.Helper()
	if _, err := c.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
}

func queryInt(t *testing.T, c *sql.Conn, q string, args ...any) int64 {
	t.Helper()
	var n sql.NullInt64
	if err := c.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	return n.Int64
}

func queryFloat(t *testing.T, c *sql.Conn, q string, args ...any) float64 {
	t.Helper()
	var f sql.NullFloat64
	if err := c.QueryRowContext(context.Background(), q, args...).Scan(&f); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	return f.Float64
}

// loadPreset runs the preset over files into raw table `raw_<table>_<n>`,
// then converts it to the contract types the way the engine does (TRY_CAST
// per column, enums trimmed and lower-cased, naive timestamps read in the
// mapping's time zone) into `<out>`, failing on every value that does not
// convert. It returns the number of rows.
func loadPreset(t *testing.T, c *sql.Conn, p preset, files []string, out string) int64 {
	t.Helper()
	tab, err := contract.Lookup(p.table)
	if err != nil {
		t.Fatalf("%s: %v", p.name, err)
	}
	exec(t, c, "SET TimeZone = "+duck.Quote(p.timezone))
	defer exec(t, c, "SET TimeZone = 'UTC'")
	var parts []string
	for _, f := range files {
		parts = append(parts, "("+strings.ReplaceAll(p.sql, "{{file}}", duck.Quote(f))+")")
	}
	raw := "raw_" + out
	exec(t, c, fmt.Sprintf("CREATE OR REPLACE TEMP TABLE %s AS %s", raw, strings.Join(parts, " UNION ALL ")))
	rows, err := c.QueryContext(context.Background(), "SELECT column_name, column_type FROM (DESCRIBE "+raw+")")
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]string{}
	for rows.Next() {
		var n, ty string
		if err := rows.Scan(&n, &ty); err != nil {
			t.Fatal(err)
		}
		if _, ok := tab.Column(n); !ok && n != contract.LineCol {
			t.Errorf("%s: output column %q is not a %s contract column", p.name, n, p.table)
		}
		types[n] = ty
	}
	rows.Close()
	var sel []string
	for _, col := range tab.Columns {
		id := duck.Ident(col.Name)
		ty, present := types[col.Name]
		if !present {
			def := "NULL"
			if col.Name == "source_system" && p.sourceSystem != "" {
				def = duck.Quote(p.sourceSystem)
			}
			sel = append(sel, fmt.Sprintf("CAST(%s AS %s) AS %s", def, col.Type, id))
			continue
		}
		text := fmt.Sprintf("NULLIF(trim(CAST(%s AS VARCHAR)), '')", id)
		conv := fmt.Sprintf("TRY_CAST(%s AS %s)", text, col.Type)
		switch {
		case len(col.Enum) > 0:
			conv = "lower(" + text + ")"
		case col.Type == contract.Instant && strings.HasPrefix(ty, "TIMESTAMP"):
			conv = fmt.Sprintf("CAST(%s AS TIMESTAMPTZ)", id) // naive: read in the session (mapping) zone
		case col.Type == contract.Int:
			conv = fmt.Sprintf("TRY_CAST(TRY_CAST(%s AS DECIMAL(18,3)) AS INTEGER)", text)
		}
		// Every present value converts, is in the enum and in range.
		bad := fmt.Sprintf("%s IS NOT NULL AND %s IS NULL", text, conv)
		if len(col.Enum) > 0 {
			bad = fmt.Sprintf("%s IS NOT NULL AND %s NOT IN ('%s')", text, conv, strings.Join(col.Enum, "','"))
		}
		if col.Min != nil {
			bad += fmt.Sprintf(" OR %s < %v", conv, *col.Min)
		}
		if col.Max != nil {
			bad += fmt.Sprintf(" OR %s > %v", conv, *col.Max)
		}
		if col.Required {
			bad += fmt.Sprintf(" OR %s IS NULL", conv)
		}
		if n := queryInt(t, c, fmt.Sprintf("SELECT count(*) FROM %s WHERE %s", raw, bad)); n > 0 {
			var example string
			c.QueryRowContext(context.Background(), fmt.Sprintf("SELECT CAST(%s AS VARCHAR) FROM %s WHERE %s LIMIT 1", id, raw, bad)).Scan(&example)
			t.Errorf("%s: %d rows with a bad %s (%s), e.g. %q", p.name, n, col.Name, col.Type, example)
		}
		sel = append(sel, fmt.Sprintf("%s AS %s", conv, id))
	}
	exec(t, c, fmt.Sprintf("CREATE OR REPLACE TEMP TABLE %s AS SELECT %s FROM %s", out, strings.Join(sel, ", "), raw))
	return queryInt(t, c, "SELECT count(*) FROM "+out)
}

// dataRows counts a file's records (lines, minus the CSV header; a
// Parquet file's rows as its footer says).
func dataRows(t *testing.T, c *sql.Conn, path string) int64 {
	if strings.HasSuffix(path, ".parquet") {
		return queryInt(t, c, "SELECT count(*) FROM read_parquet(?)", path)
	}
	n := countLines(t, path)
	if strings.HasSuffix(path, ".csv") {
		n--
	}
	return n
}

// loadAll loads every export of dir, a generation named n, through its
// preset into the tables contacts, outcomes, surveys and identities.
func loadAll(t *testing.T, c *sql.Conn, dir string, n names) {
	t.Helper()
	var contacts []string
	for ex := range nExports {
		p := readPreset(t, presetOf(n, ex))
		files, _ := filepath.Glob(filepath.Join(dir, n.base[ex]+"*"+n.ext[ex]))
		if len(files) == 0 {
			t.Fatalf("no %s files in %s", n.base[ex], dir)
		}
		var want int64
		for _, f := range files {
			if !p.matches(filepath.Base(f)) {
				t.Errorf("%s: match globs %v do not accept %s", p.name, p.match, filepath.Base(f))
			}
			want += dataRows(t, c, f)
		}
		out := p.table
		if p.table == "contacts" {
			out = "contacts_" + n.base[ex]
			contacts = append(contacts, "SELECT * FROM "+out)
		}
		if got := loadPreset(t, c, p, files, out); got != want {
			t.Errorf("%s: %d rows out, files hold %d", p.name, got, want)
		}
	}
	exec(t, c, "CREATE OR REPLACE TEMP TABLE contacts AS "+strings.Join(contacts, " UNION ALL "))
}

func TestPresets(t *testing.T) {
	for _, tc := range []struct {
		daily  bool
		format string
	}{{false, "csv"}, {true, "csv"}, {false, "parquet"}, {true, "parquet"}} {
		daily := tc.daily
		t.Run(fmt.Sprintf("daily=%v/%s", daily, tc.format), func(t *testing.T) {
			dir := generate(t, Options{Contacts: 3000, Days: 9, Seed: 3, Daily: daily, Format: tc.format})
			c := openDuck(t)
			n := csvNames
			if tc.format == "parquet" {
				n = connectNames
			}
			loadAll(t, c, dir, n)
			tr := readTruth(t, dir)
			for _, s := range tr.Totals.BySource {
				got := queryInt(t, c, "SELECT count(*) FROM contacts WHERE source_system = ? AND channel = ?", s.SourceSystem, s.Channel)
				anon := queryInt(t, c, "SELECT count(*) FROM contacts WHERE source_system = ? AND customer_key IS NULL", s.SourceSystem)
				if got != s.Contacts || anon != s.Anonymous {
					t.Errorf("%s: %d contacts (%d anonymous), truth %d (%d)", s.SourceSystem, got, anon, s.Contacts, s.Anonymous)
				}
			}
			// The vocabularies map as the simulator meant them.
			for _, ch := range tr.True.Channels {
				for disp, want := range map[string]int64{"resolved": ch.ClaimedResolved, "transferred": ch.Transferred, "abandoned": ch.Abandoned} {
					if got := queryInt(t, c, "SELECT count(*) FROM contacts WHERE channel = ? AND disposition = ?", ch.Member, disp); got != want {
						t.Errorf("%s contacts with disposition %s: %d, truth %d", ch.Member, disp, got, want)
					}
				}
			}
			for _, d := range tr.True.Departments {
				if got := queryInt(t, c, "SELECT count(*) FROM contacts WHERE department = ?", d.Member); got != d.Contacts {
					t.Errorf("department %s: %d contacts, truth %d", d.Member, got, d.Contacts)
				}
			}
			for _, k := range tr.Totals.OutcomeEvents {
				if got := queryInt(t, c, "SELECT count(*) FROM outcomes WHERE kind = ?", k.Kind); got != k.Events {
					t.Errorf("outcomes %s: %d, truth %d", k.Kind, got, k.Events)
				}
			}
			// Unique keys, and every survey refers to an exported contact.
			for _, q := range []string{
				"SELECT count(*) - count(DISTINCT (source_system, contact_id)) FROM contacts",
				"SELECT count(*) - count(DISTINCT event_id) FROM outcomes",
				"SELECT count(*) - count(DISTINCT (source_system, customer_key)) FROM identities",
				"SELECT count(*) FROM surveys s ANTI JOIN contacts c USING (source_system, contact_id)",
				"SELECT count(*) FROM contacts WHERE transferred_to IS NOT NULL AND transferred_to NOT IN (SELECT DISTINCT department FROM contacts)",
			} {
				if n := queryInt(t, c, q); n != 0 {
					t.Errorf("%s = %d, want 0", q, n)
				}
			}
			// Instants fall in the export, and local hours in opening
			// hours (transfer legs may run past closing): the naive times
			// were read in the right zone.
			start, end := tr.Params.Start, tr.Params.End
			if n := queryInt(t, c, `SELECT count(*) FROM contacts WHERE started_at < timezone(?, CAST(? AS TIMESTAMP))
				OR started_at >= timezone(?, CAST(? AS TIMESTAMP))`, BusinessZone, start, BusinessZone, end); n != 0 {
				t.Errorf("%d contacts outside %s..%s", n, start, end)
			}
			for _, h := range []struct {
				ch          string
				open, close int
			}{{"phone", 8, 20}, {"chat", 7, 23}, {"store", 10, 20}} {
				local := "hour(timezone('" + BusinessZone + "', started_at))"
				early := queryInt(t, c, "SELECT count(*) FROM contacts WHERE channel = ? AND "+local+" < ?", h.ch, h.open)
				late := queryInt(t, c, "SELECT count(*) FROM contacts WHERE channel = ? AND "+local+" >= ?", h.ch, h.close)
				all := queryInt(t, c, "SELECT count(*) FROM contacts WHERE channel = ?", h.ch)
				if early > 0 || float64(late) > 0.01*float64(all) { // only transferred legs run past closing
					t.Errorf("%s: %d contacts before %d:00 and %d of %d after %d:00 local", h.ch, early, h.open, late, all, h.close)
				}
			}
		})
	}
}
