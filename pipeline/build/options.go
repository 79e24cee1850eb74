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
	"math"
	"time"

	"github.com/mcnamara/mcnamara/metrics"
	"github.com/mcnamara/mcnamara/pipeline/contract"
	"github.com/mcnamara/mcnamara/pipeline/lake"
)

// Options controls a build. Start from DefaultOptions; the configuration's
// [build] section is decoded over it.
type Options struct {
	// RepeatWindowDays: a person's next contact (without a case) joins the
	// journey when it starts within this many days of the previous one; it
	// is also how long a journey's last contact waits before it is judged.
	RepeatWindowDays float64 `toml:"repeat_window_days"`
	// OutcomeHorizonDays: outcome events (resolution, reopening, complaint,
	// dispute, churn…) count for a journey up to this many days after its
	// last contact.
	OutcomeHorizonDays float64 `toml:"outcome_horizon_days"`
	// TravelMinutesPerVisit is added to the customer's effort for every
	// branch or store visit.
	TravelMinutesPerVisit float64 `toml:"travel_minutes_per_visit"`
	// Resolution chooses how journeys are judged resolved: "auto" (by
	// resolution events for the contact sources that receive them, by the
	// measured-FCR convention for the others), "events" or "measured".
	Resolution string `toml:"resolution"`
	// FlowSteps caps the steps drawn in journey_flows.
	FlowSteps int `toml:"flow_steps"`
	// AsOf judges the data as it stood at that instant (contacts and
	// outcomes after it are ignored); zero means the end of the data.
	AsOf time.Time `toml:"as_of"`

	// TimeZone is the business time zone of weeks and months. It is filled
	// from [lake] business_timezone so partitions and periods agree.
	TimeZone string `toml:"-"`
	// MemoryLimit (e.g. "4GB") and Threads bound DuckDB; filled from [lake].
	MemoryLimit string `toml:"-"`
	Threads     int    `toml:"-"`
	// Catalog holds the KPI definitions, targets and scorecard in force
	// (nil: metrics.Default()).
	Catalog *metrics.Catalog `toml:"-"`
	// Costs are the [costs] rates (zero: the documented defaults).
	Costs metrics.Costs `toml:"-"`
	// Logger receives progress (nil: discarded).
	Logger *slog.Logger `toml:"-"`
	// Batches are the ids of the lake batches the input views hold. A build
	// records them; Update recomputes only what later batches touch.
	Batches []string `toml:"-"`
	// Hook is the crash-test hook, called at build:mart-written:<mart>,
	// build:before-commit, build:mid-rename and build:before-record
	// (nil does nothing; see lake.Hook).
	Hook lake.Hook `toml:"-"`
}

// DefaultOptions returns the documented defaults.
func DefaultOptions() Options {
	return Options{
		RepeatWindowDays:      7,
		OutcomeHorizonDays:    90,
		TravelMinutesPerVisit: 30,
		Resolution:            "auto",
		FlowSteps:             6,
		TimeZone:              "UTC",
	}
}

func (o Options) validate() error {
	pos := func(name string, v float64) error {
		if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
			return fmt.Errorf("build.%s = %v: want a positive number of days", name, v)
		}
		return nil
	}
	if err := pos("repeat_window_days", o.RepeatWindowDays); err != nil {
		return err
	}
	if err := pos("outcome_horizon_days", o.OutcomeHorizonDays); err != nil {
		return err
	}
	if v := o.TravelMinutesPerVisit; math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return fmt.Errorf("build.travel_minutes_per_visit = %v: want zero or more minutes", v)
	}
	switch o.Resolution {
	case "auto", "events", "measured":
	default:
		return fmt.Errorf("build.resolution = %q: want auto, events or measured", o.Resolution)
	}
	if o.FlowSteps < 1 || o.FlowSteps > 50 {
		return fmt.Errorf("build.flow_steps = %d: want 1 to 50", o.FlowSteps)
	}
	if o.TimeZone == "" {
		return fmt.Errorf("business time zone is empty: set [lake] business_timezone (e.g. \"Europe/Berlin\")")
	}
	if _, err := o.rates(); err != nil {
		return err
	}
	return nil
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
