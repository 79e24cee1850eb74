// Package build runs the models (sql/models) over the lake's input views
// and writes the marts to lake/marts/<mart>.parquet, the big ones to
// lake/marts/<mart>/YYYY-MM.parquet (see Marts).
//
// Crash safety: every mart is first written into a fresh directory
// lake/marts/.build-*; only when all of them are complete and synced to
// disk are they renamed, one by one, over the previous files. A crash before
// that point leaves the previous marts untouched (the next build removes
// the leftover directory); each rename is atomic, so a reader never sees a
// half-written file. The only window in which marts of two builds coexist is
// the few microseconds of the rename loop itself; the next build converges.
package build

import (
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"

	"github.com/mcnamara/mcnamara/metrics"
	"github.com/mcnamara/mcnamara/pipeline/contract"
	"github.com/mcnamara/mcnamara/pipeline/lake"
)

// Options controls a build. Start from DefaultOptions; the configuration's
// [build] section is its BuildSettings.
type Options struct {
	// BuildSettings are the definitions' parameters: repeat window,
	// outcome horizon, travel time per visit, resolution, flow steps, as-of.
	metrics.BuildSettings

	// TimeZone is the business time zone of weeks and months. It is filled
	// from [lake] business_timezone so partitions and periods agree.
	TimeZone string
	// MemoryLimit (e.g. "4GB") and Threads bound DuckDB; filled from [lake].
	MemoryLimit string
	Threads     int
	// Intermediates says where a full build keeps the models' intermediate
	// tables: IntermediatesAuto ("" too), IntermediatesMemory or
	// IntermediatesFile (see IntermediatesOnDisk); filled from [lake]
	// intermediates.
	Intermediates string
	// Contacts is the lake's contact count (its manifest's rows), what
	// IntermediatesAuto weighs against MemoryLimit.
	Contacts int64
	// ByMonth says how a full build writes contact_facts: WriteAuto (0:
	// WriteMonthly decides), WriteWhole or WriteByMonth.
	ByMonth int
	// ScriptMonths are the months (YYYY-MM) WriteScript writes a
	// month-wise mart in when WriteMonthly: a build finds them in the data,
	// a printed script cannot (empty: one partitioned write, whole).
	ScriptMonths []string
	// TempDir holds the intermediates' database file (ScratchFile): the
	// DuckDB temp directory ([lake] temp_directory); empty: os.TempDir().
	TempDir string
	// Catalog holds the KPI definitions, targets and scorecard in force
	// (nil: metrics.Default()).
	Catalog *metrics.Catalog
	// Costs are the [costs] rates (zero: the documented defaults).
	Costs metrics.Costs
	// Logger receives progress (nil: discarded).
	Logger *slog.Logger
	// Batches are the ids of the lake batches the input views hold. A build
	// records them; Update recomputes only what later batches touch.
	Batches []string
	// Hook is the crash-test hook, called at build:mart-written:<mart>,
	// build:before-commit, build:mid-rename and build:before-record
	// (nil does nothing; see lake.Hook).
	Hook lake.Hook
}

// DefaultOptions returns the documented defaults.
func DefaultOptions() Options {
	return Options{BuildSettings: metrics.DefaultBuildSettings(), TimeZone: "UTC"}
}

func (o Options) validate() error {
	if err := o.BuildSettings.Validate(); err != nil {
		return err
	}
	if o.TimeZone == "" {
		return fmt.Errorf("business time zone is empty: set [lake] business_timezone (e.g. \"Europe/Berlin\")")
	}
	if _, err := o.rates(); err != nil {
		return err
	}
	if o.Intermediates != "" && !slices.Contains(IntermediateModes, o.Intermediates) {
		return fmt.Errorf("intermediates %q: want one of %s", o.Intermediates, strings.Join(IntermediateModes, ", "))
	}
	return nil
}

// tempDir is where the intermediates' database file goes.
func (o Options) tempDir() string {
	if o.TempDir != "" {
		return o.TempDir
	}
	return os.TempDir()
}

// rates are the cost rates in force for every contract channel.
func (o Options) rates() (metrics.Rates, error) { return o.Costs.Rates(contract.Channels) }

func (o Options) catalog() *metrics.Catalog {
	if o.Catalog == nil {
		return metrics.Default()
	}
	return o.Catalog
}

func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}
