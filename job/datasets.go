package job

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcnamara/mcnamara/config"
	"github.com/mcnamara/mcnamara/metrics"
	"github.com/mcnamara/mcnamara/pipeline/ingest"
)

// Dataset is a real public export the shipped presets map, with the
// settings its domain needs, so `mcnamara demo --dataset NAME` runs ingest →
// build → report on it exactly as on a customer's exports. The files stay
// in <shared>/datasets/<Dir>; nothing is copied into the repository.
// docs/datasets.md says what each one shows.
type Dataset struct {
	Name string
	// Dir is the data set's directory under <shared>/datasets.
	Dir   string
	Title string // of the report
	Doc   string // one line for --help
	// TimeZone is the business time zone: it decides calendar dates, weeks
	// and months.
	TimeZone string
	// Sources in load order (contacts before outcomes); a file may be read
	// by several presets (one per contract table).
	Sources []DatasetSource
	// Metrics is the scorecard and targets that make up the organisation's
	// claimed success in this domain.
	Metrics metrics.Config
	// RepeatWindowDays and OutcomeHorizonDays override the build defaults
	// when not zero.
	RepeatWindowDays   float64
	OutcomeHorizonDays float64
}

// DatasetSource is a preset and the data set's files it reads.
type DatasetSource struct {
	Preset string
	Files  []string // names inside the data set's directory
}

func ptr(v float64) *float64 { return &v }

var cfpbFiles = []string{
	"cfpb_capitalprince100_Consumer_Complaints.csv",
	"cfpb_kgtdbx_Consumer_Complaints_sample.csv",
	"cfpb_nobieyi00_consumer_complaints.csv",
}

const serviceNowFile = "incident_event_log_first5998.csv"

// Datasets is the registry, in the order --help lists it.
var Datasets = []Dataset{
	{
		Name:     "anonymous-bank-1999",
		Dir:      "anonymous-bank-1999",
		Title:    `"Anonymous Bank" call center (Israel), February 1999 — Technion SEE Lab call log`,
		Doc:      "Technion's Anonymous Bank call log, Feb 1999: 33,344 calls, repeat calls of identified customers",
		TimeZone: "Asia/Jerusalem",
		Sources: []DatasetSource{
			{Preset: "anonymous_bank_1999", Files: []string{"data_anonymous_bank_february.txt"}},
		},
		// The bank's own verdict is "served" (sla_met, from outcome AGENT);
		// its scorecard adds the AHT target. Wait keeps its target for the
		// KPI panels but is not part of the claim.
		Metrics: metrics.Config{
			Scorecard: []string{"handle_time_seconds"},
			Targets: map[string]metrics.TargetSpec{
				"handle_time_seconds": {Default: ptr(300)},
				"wait_time_seconds":   {Default: ptr(60)},
			},
		},
		// A call back within a day is a repeat: identified customers call
		// 3.4 times in the month on average, so a week's window would chain
		// most of a customer's calls into one journey (docs/datasets.md gives
		// the gap rate with 3- and 7-day windows). The log ends on 28 Feb:
		// the last day's calls stay open.
		RepeatWindowDays: 1,
	},
	{
		Name:     "cfpb-complaints-disputes",
		Dir:      "cfpb-complaints-disputes",
		Title:    "CFPB consumer complaints, 2013–2017 extracts — companies' timely closure vs consumers' disputes",
		Doc:      "three CFPB complaint extracts: companies' timely closures vs consumers' disputes",
		TimeZone: "America/New_York",
		Sources: []DatasetSource{
			{Preset: "cfpb_complaints", Files: cfpbFiles},
			{Preset: "cfpb_disputes", Files: cfpbFiles},
		},
		// The company's claim: closed (disposition) and answered within the
		// CFPB's 15 days (sla_met). Per complaint the SLA KPI is 1 or 0, so
		// any target above 0 means "this one was timely".
		Metrics: metrics.Config{Scorecard: []string{"sla_met_ratio"}},
		// Each complaint is its own journey, so the window only decides
		// which of the last complaints are still open (censored).
		RepeatWindowDays: 7,
		// A dispute is dated when the complaint was sent to the company,
		// which in these extracts can be up to ~10 months after receipt.
		OutcomeHorizonDays: 366,
	},
	{
		Name:     "servicenow-incident-log",
		Dir:      "servicenow-incident-log",
		Title:    "IT service desk incidents (ServiceNow event log, UCI), 29 Feb – 2 Mar 2016",
		Doc:      "a ServiceNow incident event log: 890 incidents, SLA verdicts vs reopenings and callers coming back",
		TimeZone: "UTC",
		Sources: []DatasetSource{
			{Preset: "servicenow_incidents", Files: []string{serviceNowFile}},
			{Preset: "servicenow_reopened", Files: []string{serviceNowFile}},
		},
		// The desk's claim: resolved (final state) within its SLA.
		Metrics: metrics.Config{Scorecard: []string{"sla_met_ratio"}},
		// The extract holds the incidents opened in three days (the log is
		// cut by incident number): a caller opening another incident the
		// next day is a repeat; a longer window would leave every incident
		// open, since no later incident of the caller can be seen.
		RepeatWindowDays: 1,
	},
}

// DatasetNames lists the registry for messages.
func DatasetNames() string {
	n := make([]string, len(Datasets))
	for i, d := range Datasets {
		n[i] = d.Name
	}
	return strings.Join(n, ", ")
}

// LookupDataset returns the registered data set called name.
func LookupDataset(name string) (Dataset, error) {
	for _, d := range Datasets {
		if d.Name == name {
			return d, nil
		}
	}
	return Dataset{}, Usagef("--dataset %q: no such data set (have: %s)", name, DatasetNames())
}

// SharedDir is where the data sets live: the flag, else $MCNAMARA_SHARED,
// else ../shared relative to the working directory.
func SharedDir(flag string) string {
	if flag != "" {
		return flag
	}
	if env := os.Getenv("MCNAMARA_SHARED"); env != "" {
		return env
	}
	return filepath.Join("..", "shared")
}

// Path is the data set's directory under shared.
func (d Dataset) Path(shared string) string {
	return filepath.Join(shared, "datasets", d.Dir)
}

// SourcesIn resolves the data set's files under shared and pairs them with
// their presets. A missing file is a usage error that says where it was
// looked for and how to point elsewhere.
func (d Dataset) SourcesIn(shared string) ([]ingest.Source, error) {
	dir := d.Path(shared)
	var out []ingest.Source
	for _, s := range d.Sources {
		m, err := ingest.Preset(s.Preset)
		if err != nil {
			return nil, err
		}
		src := ingest.Source{Mapping: m}
		for _, f := range s.Files {
			p := filepath.Join(dir, f)
			if _, err := os.Stat(p); err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil, Usagef("data set %s: %s not found: pass --shared DIR (the directory holding datasets/%s/) or set MCNAMARA_SHARED", d.Name, p, d.Dir)
				}
				return nil, fmt.Errorf("data set %s: %w", d.Name, err)
			}
			src.Files = append(src.Files, p)
		}
		out = append(out, src)
	}
	return out, nil
}

// Configure applies the data set's domain settings to cfg: business time
// zone, scorecard and targets, repeat window and outcome horizon, title.
func (d Dataset) Configure(cfg *config.File) {
	cfg.Lake.BusinessTimezone = d.TimeZone
	cfg.Metrics = d.Metrics
	if d.RepeatWindowDays > 0 {
		cfg.Build.RepeatWindowDays = d.RepeatWindowDays
	}
	if d.OutcomeHorizonDays > 0 {
		cfg.Build.OutcomeHorizonDays = d.OutcomeHorizonDays
	}
	cfg.Report.Title = d.Title
}
