// Package reports writes the executive report: one self-contained HTML file
// (charts drawn offline by an inlined echarts, no network, no external
// fonts) showing where the KPI scorecard says success while customers fail.
//
// The report reads only the marts (contact_facts, journeys, gap,
// journey_flows, kpi_outcome_correlation) and the rejects view, which the
// caller has attached as DuckDB views, plus plain run metadata. Every query
// aggregates in SQL and comes back as Arrow record batches; only the few
// worst journeys are pulled into Go contact by contact.
//
// Data from the sources is never trusted: it reaches the page as JSON
// inside a non-executable script block (with <, >, &, U+2028 and U+2029
// escaped) or as text through html/template, and the page script writes it
// into the DOM only as text and into tooltips only through an escaping
// formatter.
package reports

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"github.com/mcnamara/mcnamara/metrics"
	"io"
	"log/slog"
	"time"
)

// Options controls what the report shows and how.
type Options struct {
	// Title heads the page; default "McNamara gap report".
	Title string
	// PseudonymKey keys the hash that replaces person ids and customer keys.
	// Empty means a random key for this report only: pseudonyms then differ
	// from one report to the next, but are never a plain hash anyone can
	// recompute from a known customer number.
	PseudonymKey []byte
	// RevealCustomerKeys shows person ids as they are (for internal
	// investigation only).
	RevealCustomerKeys bool
	// WorstJourneys is how many journeys get a scorecard and timeline; 0
	// means 5.
	WorstJourneys int
	// DrillTop is how many journeys each drill-down list embeds, worst
	// first (the panel counts the rest); 0 means DefaultDrillTop.
	DrillTop int
	// Timezone (IANA) in which times of day are shown; default UTC.
	Timezone string
	// Logger receives warnings about sections that could not be drawn.
	Logger *slog.Logger
	// SelfTest inlines a script that records console errors, checks every
	// chart drew something and writes the result into <pre id="selftest">.
	// Only tests set it.
	SelfTest bool
}

// Meta is what the report says about the run besides the marts.
type Meta struct {
	GeneratedAt time.Time
	Version     string
	LakeDir     string
	ConfigPath  string
	// RepeatWindowDays is the journey repeat window in force; 0 means 7.
	RepeatWindowDays float64
	Batches          []Batch
	Metrics          []Metric
	// Concepts are the glossary's terms besides the metrics (the catalog's
	// metrics.Concepts, passed in plain).
	Concepts []Concept
	// AmberBand is the share of a target within which a missed KPI is
	// amber, not red (metrics.Status); 0 means metrics.DefaultAmberBand.
	AmberBand float64
	// Currency of the cost marts' money, and the agent hour in force by
	// channel ([costs]).
	Currency  string
	AgentHour map[string]float64
	// Build are the definitions' parameters in force ([build]): the gaming
	// sections read their band and week size; zero values mean the
	// defaults.
	Build metrics.BuildSettings
}

// Concept is one glossary term.
type Concept struct {
	Term, Definition string
}

// Batch is one ingest as recorded in the lake's manifest.
type Batch struct {
	ID           string
	StartedAt    time.Time
	FinishedAt   time.Time
	Inputs       []Input
	RowsRead     int64
	RowsLoaded   int64
	RowsRejected int64
}

// Input is one raw file offered to a batch.
type Input struct {
	Path         string
	Table        string
	Mapping      string
	RowsRead     int64
	RowsLoaded   int64
	RowsRejected int64
	Error        string // the whole file was refused
	Skipped      string // already loaded (same sha256)
}

// Metric is one entry of the metric catalog, with the targets in force.
type Metric struct {
	// Name is the catalog key; contact_facts carries met_<Name>.
	Name        string
	Title       string
	Description string
	Unit        string // "seconds" renders targets as durations, "ratio" as %
	// Kind is kpi, outcome or summary; Good is "lower" or "higher".
	Kind, Good string
	Targets    []Target
}

// Target is one target in force, e.g. Scope "department Billing", Op "≤",
// Value 300.
type Target struct {
	Scope string
	Op    string
	Value float64
}

func (o Options) withDefaults() (Options, error) {
	if o.Title == "" {
		o.Title = "McNamara gap report"
	}
	if o.WorstJourneys <= 0 {
		o.WorstJourneys = 5
	}
	if o.DrillTop <= 0 {
		o.DrillTop = DefaultDrillTop
	}
	if o.Timezone == "" {
		o.Timezone = "UTC"
	}
	if _, err := time.LoadLocation(o.Timezone); err != nil {
		return o, fmt.Errorf("report: time zone %q: %w", o.Timezone, err)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if len(o.PseudonymKey) == 0 && !o.RevealCustomerKeys {
		o.PseudonymKey = make([]byte, 32)
		_, _ = rand.Read(o.PseudonymKey) // never fails on supported platforms
		o.Logger.Info("report: no pseudonym key configured; customer pseudonyms are random for this report (set MCNAMARA_PSEUDONYM_KEY to keep them stable)")
	}
	return o, nil
}

// Render writes the report for the marts visible in db to w. A missing
// mart or column leaves its section saying so; only a failure to reach the
// database or to write is an error.
func Render(ctx context.Context, w io.Writer, db *sql.DB, meta Meta, opts Options) error {
	if err := checkAssets(); err != nil {
		return err
	}
	m, err := BuildModel(ctx, db, meta, opts)
	if err != nil {
		return err
	}
	return writePage(w, m, opts.SelfTest)
}

// BuildModel computes everything the page shows: the chart data, findings
// and tables. It is what the golden tests pin down.
func BuildModel(ctx context.Context, db *sql.DB, meta Meta, opts Options) (*Model, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if meta.RepeatWindowDays <= 0 {
		meta.RepeatWindowDays = 7
	}
	var m *Model
	err = withQuerier(ctx, db, func(q querier) error {
		b := &builder{ctx: ctx, q: q, meta: meta, opts: opts, log: opts.Logger}
		var err error
		m, err = b.build()
		return err
	})
	return m, err
}
