package metrics

import (
	"fmt"
	"strconv"
)

// Concept is one term of the glossary that is not a metric: the words the
// metrics are defined with (docs/definitions.md gives the full rules).
type Concept struct {
	Term       string `json:"term"`
	Definition string `json:"definition"`
}

// Concepts returns the glossary's terms for a repeat window of windowDays
// days. The report prints them beside the catalog's metrics; the figure
// audit test recomputes every figure from these words.
func Concepts(windowDays float64) []Concept {
	w := strconv.FormatFloat(windowDays, 'f', -1, 64)
	return []Concept{
		{"Contact", "One interaction of a customer with the organisation: a call, chat, email, visit, web or app session."},
		{"Journey", fmt.Sprintf("The contacts of one person about one need: contacts sharing a case, or else consecutive contacts each within %s days (the repeat window) of the previous one. Anonymous contacts belong to no journey.", w)},
		{"Claimed success (KPI view)", "The organisation's own scorecard says the contact went well: it was marked resolved (or within SLA, where the source gives no disposition) and every scorecard KPI target held."},
		{"Failed outcome (customer view)", "The customer had to come back in the same journey, or the journey ended without a verified resolution, or in a reopening, complaint, dispute or churn."},
		{"Verified resolution", fmt.Sprintf("Resolved by a resolution event where the sources record one; otherwise no further contact within %s days and no complaint, dispute, reopening or churn.", w)},
		{"Open", fmt.Sprintf("A contact whose %s-day repeat window runs past the end of the data, with nothing bad known yet: neither success nor failure. An open journey is a one-contact journey whose contact is open.", w)},
		{"Judged", "A contact of an identified customer that is no longer open: the rates of the gap are over judged contacts, so they compare like with like."},
		{"Settled week", fmt.Sprintf("A week whose %s-day repeat window has closed before the end of the data. Whole-period rates are over the settled weeks: in a week still open only the customers who already came back are judged, a biased few.", w)},
		{"McNamara gap", "A contact that is a claimed success and a failed outcome at once: the scorecard is green, the customer is not."},
		{"Hop", "A journey moving from one department or channel to another."},
		{"Loop", "A journey returning to a department or channel it had already visited."},
		{"Ping-pong", "A move back to the department (or agent) of two contacts before, from another one: A → B → A, the customer passed to another person and back. Counted apart from other loops."},
		{"Call-count KPI", "Contacts an agent handled on a business day (abandoned ones excluded): the number of calls reps are paid on. Over a group, handled contacts per agent-day worked; per agent-day because exports carry no shift time."},
		{"Measured FCR at W days", "First-contact resolution as the customer's next move shows it: the share of an identified customer's contacts not followed by another contact of the same person (in any journey) within W days (1, 3, 7, 30: the FCR ladder). A contact whose W days run past the end of the data is open at that rung, never counted as resolved."},
		{"Claimed FCR", "Of the same contacts, the share the organisation marked resolved (its disposition, or SLA met where there is none), drawn beside every rung of the ladder."},
		{"Agent cost", "What a contact cost in agent time: its handle time (talk, hold and after-call work, as the source counts it) × the loaded agent hour of its channel, plus the channel's flat cost per contact (a branch or store visit)."},
		{"Failure-demand cost", "The agent cost of the 2nd and later contacts of journeys: work caused by not getting it right the first time."},
		{"Cost of the gap", "The agent cost of the contacts that followed a gap contact in its journey: the rework a false success caused."},
		{"Cost per resolved journey", "The agent cost of the journeys verified resolved / their number: what a resolved customer costs, beside the cost per contact."},
		{"Scorecard status", "A KPI against the target in force: green when it holds, amber when it misses by no more than the amber band ([metrics] amber_band, a share of the target: 10% unless configured), red otherwise."},
		{"Gaming signal", "A statistical sign that an agent or team meets the handle-time target by shifting the work rather than doing it: handle times bunched just under the target, holds or transfers just before it, handle time falling week by week while the customers' repeats rise, or surveys reaching the customers who did not come back. Evidence to listen to calls, not a verdict (the gaming_signals mart)."},
		{"Evidence strength", "A gaming test's statistic in units of the threshold it had to pass: its z over the z of the Bonferroni threshold, or for the slopes the weaker slope's distance from zero in half-widths of its interval. Over one is a flag."},
		{"Spearman ρ", "Rank correlation from −1 to 1 between how often members (agents, teams) meet a KPI and how often their customers fail: above 0, meeting the KPI goes with more failed customers."},
	}
}
