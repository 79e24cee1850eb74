package job

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mcnamara/mcnamara/config"
	"github.com/mcnamara/mcnamara/pipeline/build"
	"github.com/mcnamara/mcnamara/reports"
)

// TestSourceMapping: each kind of configured source reaches ingest as a
// parsed mapping — a preset, a .sql file, plain renames compiled to SQL.
func TestSourceMapping(t *testing.T) {
	dir := t.TempDir()
	mapping := "-- table: outcomes\n-- source_system: crm\nSELECT id AS event_id FROM read_csv({{file}})\n"
	if err := os.WriteFile(filepath.Join(dir, "crm.sql"), []byte(mapping), 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "mcnamara.toml")
	if err := os.WriteFile(p, []byte(`
[[sources]]
name = "phone"
preset = "synth_acd"
files = ["acd_*.csv"]

[[sources]]
name = "crm"
mapping = "crm.sql"
files = ["crm_*.csv"]

[[sources]]
name = "email"
table = "contacts"
timezone = "Europe/London"
files = ["x.csv"]
columns = { contact_id = "TicketID", started_at = "Created" }
formats = { started_at = "%d/%m/%Y %H:%M" }
`), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(p, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ name, table, system, zone string }{
		{"preset synth_acd", "contacts", "acd", "America/New_York"},
		{filepath.Join(dir, "crm.sql"), "outcomes", "crm", "UTC"},
		{p + " [source email]", "contacts", "email", "Europe/London"},
	}
	j := Job{Config: cfg}
	for i, s := range cfg.Sources {
		m, err := j.sourceMapping(s)
		if err != nil {
			t.Fatalf("source %s: %v", s.Name, err)
		}
		w := want[i]
		if m.Name != w.name || m.Table != w.table || m.SourceSystem != w.system || m.TimeZone != w.zone {
			t.Errorf("source %s: mapping %q table %s system %s zone %s; want %+v", s.Name, m.Name, m.Table, m.SourceSystem, m.TimeZone, w)
		}
	}
	if m, _ := j.sourceMapping(cfg.Sources[2]); m.Formats["started_at"] != "%d/%m/%Y %H:%M" {
		t.Errorf("renames: formats = %v", m.Formats)
	}
}

// TestIntermediateModes: the configuration accepts exactly the modes the
// build knows (config cannot import the build to ask it), and BuildOptions
// hands the build the mode, the temp directory and the lake's contacts.
func TestIntermediateModes(t *testing.T) {
	if !slices.Equal(config.IntermediateModes, build.IntermediateModes) {
		t.Errorf("config.IntermediateModes = %v, build.IntermediateModes = %v", config.IntermediateModes, build.IntermediateModes)
	}
	cfg := config.Defaults()
	cfg.Lake.Dir = t.TempDir()
	cfg.Lake.Intermediates = "file"
	cfg.Lake.TempDirectory = "/spill"
	o, err := Job{Config: cfg}.BuildOptions()
	if err != nil {
		t.Fatal(err)
	}
	if o.Intermediates != "file" || o.TempDir != "/spill" || o.Contacts != 0 {
		t.Errorf("BuildOptions: intermediates %q, temp dir %q, contacts %d", o.Intermediates, o.TempDir, o.Contacts)
	}
}

// TestPaperSizes: the configuration accepts exactly the sheet sizes the
// report prints on (config cannot import reports to ask it).
func TestPaperSizes(t *testing.T) {
	var printed []string
	for _, p := range reports.Papers {
		printed = append(printed, string(p))
	}
	if !slices.Equal(config.Papers, printed) {
		t.Errorf("config.Papers = %v, reports.Papers = %v", config.Papers, printed)
	}
	for _, p := range config.Papers {
		if got, err := reports.ParsePaper(p); err != nil || string(got) != p {
			t.Errorf("ParsePaper(%q) = %q, %v", p, got, err)
		}
	}
}
