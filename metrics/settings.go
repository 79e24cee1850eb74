package metrics

import (
	"fmt"
	"math"
	"time"
)

// BuildSettings is the [build] section: the parameters the definitions take
// (docs/definitions.md) — how long the repeat window is, how long outcomes
// count for a journey, what a visit costs the customer in travel, how a
// journey counts as resolved, how many steps journey_flows draws and the
// instant the data is judged at. They live here, beside the catalog's
// targets ([metrics]) and the cost rates ([costs]), so that the
// configuration can read and check them without the build, which takes
// them in build.Options.
type BuildSettings struct {
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
}

// DefaultBuildSettings returns the documented defaults of [build].
func DefaultBuildSettings() BuildSettings {
	return BuildSettings{
		RepeatWindowDays:      7,
		OutcomeHorizonDays:    90,
		TravelMinutesPerVisit: 30,
		Resolution:            "auto",
		FlowSteps:             6,
	}
}

// Validate refuses settings no definition can take, naming the key.
func (s BuildSettings) Validate() error {
	pos := func(name string, v float64) error {
		if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
			return fmt.Errorf("build.%s = %v: want a positive number of days", name, v)
		}
		return nil
	}
	if err := pos("repeat_window_days", s.RepeatWindowDays); err != nil {
		return err
	}
	if err := pos("outcome_horizon_days", s.OutcomeHorizonDays); err != nil {
		return err
	}
	if v := s.TravelMinutesPerVisit; math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return fmt.Errorf("build.travel_minutes_per_visit = %v: want zero or more minutes", v)
	}
	switch s.Resolution {
	case "auto", "events", "measured":
	default:
		return fmt.Errorf("build.resolution = %q: want auto, events or measured", s.Resolution)
	}
	if s.FlowSteps < 1 || s.FlowSteps > 50 {
		return fmt.Errorf("build.flow_steps = %d: want 1 to 50", s.FlowSteps)
	}
	return nil
}
