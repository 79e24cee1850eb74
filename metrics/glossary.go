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
		{"Spearman ρ", "Rank correlation from −1 to 1 between how often members (agents, teams) meet a KPI and how often their customers fail: above 0, meeting the KPI goes with more failed customers."},
	}
}
