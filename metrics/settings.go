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

	// The gaming detectors (gaming_signals; docs/definitions.md, "Gaming
	// signals"). GamingAlpha is the familywise false-positive rate: a test
	// flags when its p-value is under GamingAlpha / the number of tests the
	// mart ran (Bonferroni). GamingBand is the width of the handle-time
	// bands around the AHT target T, as a share of T ([1−b, 1) just under
	// it, [1, 1+b) just over). GamingMinCount is the fewest contacts a cell
	// of a test (a band, a group, an expected count) may hold for the test
	// to run. The AHT and repeat slopes are fitted on the weeks holding at
	// least GamingWeekContacts contacts, on GamingMinWeeks weeks or more,
	// with intervals at GamingConfidence.
	GamingAlpha        float64 `toml:"gaming_alpha"`
	GamingBand         float64 `toml:"gaming_band"`
	GamingMinCount     int     `toml:"gaming_min_count"`
	GamingMinWeeks     int     `toml:"gaming_min_weeks"`
	GamingWeekContacts int     `toml:"gaming_week_contacts"`
	GamingConfidence   float64 `toml:"gaming_confidence"`
}

// GamingZ is the standard normal quantile of the slopes' two-sided
// interval at GamingConfidence (1.96 at 0.95); the build turns it into
// Student's t for the weeks fitted (the t_quantile macro).
func (s BuildSettings) GamingZ() float64 { return math.Sqrt2 * math.Erfinv(s.GamingConfidence) }

// DefaultBuildSettings returns the documented defaults of [build].
func DefaultBuildSettings() BuildSettings {
	return BuildSettings{
		RepeatWindowDays:      7,
		OutcomeHorizonDays:    90,
		TravelMinutesPerVisit: 30,
		Resolution:            "auto",
		FlowSteps:             6,
		GamingAlpha:           0.05,
		GamingBand:            0.15,
		GamingMinCount:        10,
		GamingMinWeeks:        6,
		GamingWeekContacts:    20,
		GamingConfidence:      0.95,
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
	share := func(name string, v, hi float64) error {
		if math.IsNaN(v) || v <= 0 || v >= hi {
			return fmt.Errorf("build.%s = %v: want a number between 0 and %v (exclusive)", name, v, hi)
		}
		return nil
	}
	if err := share("gaming_alpha", s.GamingAlpha, 1); err != nil {
		return err
	}
	if err := share("gaming_band", s.GamingBand, 0.5); err != nil {
		return err
	}
	if err := share("gaming_confidence", s.GamingConfidence, 1); err != nil {
		return err
	}
	if s.GamingMinCount < 1 {
		return fmt.Errorf("build.gaming_min_count = %d: want 1 or more contacts", s.GamingMinCount)
	}
	if s.GamingMinWeeks < 3 {
		return fmt.Errorf("build.gaming_min_weeks = %d: want 3 or more weeks (a slope's interval needs a residual)", s.GamingMinWeeks)
	}
	if s.GamingWeekContacts < 1 {
		return fmt.Errorf("build.gaming_week_contacts = %d: want 1 or more contacts", s.GamingWeekContacts)
	}
	return nil
}
