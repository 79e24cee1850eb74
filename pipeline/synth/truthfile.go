package synth

import (
	"cmp"
	"math"
	"slices"
)

// TruthSchema identifies the layout of ground_truth.json.
const TruthSchema = "mcnamara-synth-truth/1"

// Truth is ground_truth.json. The package documentation describes every
// field; tests decode it with encoding/json.
type Truth struct {
	Schema        string        `json:"schema"`
	Params        Params        `json:"params"`
	Targets       Targets       `json:"targets"`
	Planted       Planted       `json:"planted"`
	Files         []FileInfo    `json:"files"`
	Totals        Totals        `json:"totals"`
	True          Figures       `json:"true"`
	Observed      Figures       `json:"observed"`
	Transfers     []Transfer    `json:"transfers"`
	SurveyBias    []SurveyBias  `json:"survey_bias"`
	ChurnByEffort []ChurnBucket `json:"churn_by_effort"`
	Nightmares    Nightmares    `json:"nightmares"`
}

// Params are the generation parameters.
type Params struct {
	Seed              uint64 `json:"seed"`
	ContactsRequested int64  `json:"contacts_requested"`
	Days              int    `json:"days"`
	Start             string `json:"start"` // first exported business date
	End               string `json:"end"`   // first business date after the export
	TimeZone          string `json:"timezone"`
	Daily             bool   `json:"daily"`
	WarmupDays        int    `json:"warmup_days"`
	NoGaming          bool   `json:"no_gaming,omitempty"`
}

// Targets are the scorecard targets the claimed-success figures use.
type Targets struct {
	RepeatWindowDays    int              `json:"repeat_window_days"`
	ChurnWindowDays     int              `json:"churn_window_days"`
	CSATTarget          float64          `json:"csat_target"`
	AnswerTargetSeconds []ChannelSeconds `json:"answer_target_seconds"`
	AHTTargetSeconds    []DeptSeconds    `json:"aht_target_seconds"`
}

type ChannelSeconds struct {
	Channel string `json:"channel"`
	Seconds int    `json:"seconds"`
}

type DeptSeconds struct {
	Department string `json:"department"`
	Seconds    int    `json:"seconds"`
}

// Planted are the effects built into the simulation.
type Planted struct {
	RushedTeams             []string  `json:"rushed_teams"`
	RushedAgents            []string  `json:"rushed_agents"`
	RushedHandleFactor      float64   `json:"rushed_handle_factor"`
	RushedClaimResolvedProb float64   `json:"rushed_claim_resolved_prob"`
	NormalClaimResolvedProb float64   `json:"normal_claim_resolved_prob"`
	PingPong                [2]string `json:"ping_pong"`
	// FCROverclaim is the department whose agents close most unfixed
	// contacts as resolved (at least FCROverclaimProb): its claimed FCR
	// exceeds its measured 7-day FCR the most (the margin: observed).
	FCROverclaim            string   `json:"fcr_overclaim_department"`
	FCROverclaimProb        float64  `json:"fcr_overclaim_claim_prob"`
	PingPongNeedShare       float64  `json:"ping_pong_need_share"`
	SurveySendProbResolved  float64  `json:"survey_send_prob_resolved"`
	SurveySendProbOther     float64  `json:"survey_send_prob_other"`
	SurveyResponseProb      float64  `json:"survey_response_prob"`
	ChurnModel              string   `json:"churn_model"`
	IdentityCoverage        float64  `json:"identity_coverage"`
	NightmareEveryNthPerson int64    `json:"nightmare_every_nth_person"`
	NightmareScript         []string `json:"nightmare_script"`
	// Gaming are the planted gaming behaviours (none with
	// Options.NoGaming), each a phone team and its agents, with the
	// detectors that should flag the team; GamingParams their parameters.
	Gaming       []GamingPlant `json:"gaming"`
	GamingParams *GamingParams `json:"gaming_params,omitempty"`
}

// Totals count what the files hold.
type Totals struct {
	Contacts      int64         `json:"contacts"`
	BySource      []SourceTotal `json:"contacts_by_source"`
	Persons       int64         `json:"persons"`
	Needs         int64         `json:"needs"`
	OutcomeEvents []KindTotal   `json:"outcome_events"`
	Surveys       int64         `json:"surveys"`
	Identities    int64         `json:"identities"`
}

type SourceTotal struct {
	SourceSystem string `json:"source_system"`
	Channel      string `json:"channel"`
	Contacts     int64  `json:"contacts"`
	Anonymous    int64  `json:"anonymous"`
}

type KindTotal struct {
	Kind   string `json:"kind"`
	Events int64  `json:"events"`
}

// Figures are one view's figures by member.
type Figures struct {
	Overall     Row   `json:"overall"`
	Agents      []Row `json:"agents"`
	Teams       []Row `json:"teams"`
	Departments []Row `json:"departments"`
	Channels    []Row `json:"channels"`
}

// Row is the figures of one member under one view.
type Row struct {
	Member       string `json:"member"`
	SourceSystem string `json:"source_system,omitempty"`
	Team         string `json:"team,omitempty"`
	Department   string `json:"department,omitempty"`
	Channel      string `json:"channel,omitempty"`
	Rushed       bool   `json:"rushed,omitempty"`

	Contacts           int64 `json:"contacts"`
	AnonymousContacts  int64 `json:"anonymous_contacts"`
	Abandoned          int64 `json:"abandoned"`
	Transferred        int64 `json:"transferred"`
	ClaimedResolved    int64 `json:"claimed_resolved"`
	ClaimedSuccess     int64 `json:"claimed_success"`
	RepeatContacts     int64 `json:"repeat_contacts"`
	FollowedByRepeat   int64 `json:"followed_by_repeat"`
	OutcomeFailed      int64 `json:"outcome_failed"`
	GapContacts        int64 `json:"gap_contacts"`
	ResolvedThenRepeat int64 `json:"resolved_then_repeat"`
	VerifiedResolved   int64 `json:"verified_resolved"`
	OpenContacts       int64 `json:"open_contacts"`
	OpenClaimedSuccess int64 `json:"open_claimed_success"`
	Surveys            int64 `json:"surveys"`

	AHTSeconds             float64 `json:"aht_seconds"`
	MeanWaitSeconds        float64 `json:"mean_wait_seconds"`
	MeanCSAT               float64 `json:"mean_csat"`
	ClaimedResolutionRate  float64 `json:"claimed_resolution_rate"`
	ClaimedSuccessRate     float64 `json:"claimed_success_rate"`
	OutcomeFailedRate      float64 `json:"outcome_failed_rate"`
	GapRate                float64 `json:"gap_rate"`
	RepeatRate             float64 `json:"repeat_rate"`
	FailureDemandShare     float64 `json:"failure_demand_share"`
	ResolvedThenRepeatRate float64 `json:"resolved_then_repeat_rate"`
	VerifiedResolutionRate float64 `json:"verified_resolution_rate"`

	// Observed view only (zero in "true").
	HandleSeconds       int64   `json:"handle_seconds"`        // sum: the cost mart's agent hours
	RepeatHandleSeconds int64   `json:"repeat_handle_seconds"` // of 2nd+ contacts: failure demand
	ReworkHandleSeconds int64   `json:"rework_handle_seconds"` // after a claimed success: the gap's rework
	PingPongs           int64   `json:"ping_pongs"`
	FCRJudged7          int64   `json:"fcr_judged_7d"`
	ClaimedFCR7         float64 `json:"claimed_fcr_7d"`
	MeasuredFCR7        float64 `json:"measured_fcr_7d"`
}

type Transfer struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Transfers int64  `json:"transfers"`
}

type SurveyBias struct {
	WrapCode        string  `json:"wrap_code"` // "resolved" or "other"
	Contacts        int64   `json:"contacts"`  // handled (not abandoned) contacts
	SurveysSent     int64   `json:"surveys_sent"`
	SurveysAnswered int64   `json:"surveys_answered"`
	MeanCSAT        float64 `json:"mean_csat"`
}

type ChurnBucket struct {
	EffortMin int     `json:"effort_min"`
	EffortMax int     `json:"effort_max"` // inclusive; 0 = no upper bound
	Needs     int64   `json:"needs"`
	Churned   int64   `json:"churned"`
	ChurnRate float64 `json:"churn_rate"`
}

type Nightmares struct {
	Count    int64       `json:"count"`
	Examples []Nightmare `json:"examples"`
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
func round4(x float64) float64 { return math.Round(x*10000) / 10000 }

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return round4(float64(a) / float64(b))
}

func (c *counters) row(r Row) Row {
	r.Contacts = c.Contacts
	r.AnonymousContacts = c.Anonymous
	r.Transferred = c.Transferred
	r.ClaimedResolved = c.ClaimedResolved
	r.ClaimedSuccess = c.ClaimedSuccess
	r.RepeatContacts = c.Repeat
	r.FollowedByRepeat = c.Followed
	r.OutcomeFailed = c.Failed
	r.GapContacts = c.Gap
	r.ResolvedThenRepeat = c.ResolvedThenRepeat
	r.VerifiedResolved = c.Verified
	r.OpenContacts = c.Open
	r.OpenClaimedSuccess = c.OpenClaimed
	r.Surveys = c.Surveys
	r.Abandoned = c.Abandoned
	r.AHTSeconds = round2(float64(c.HandleSum) / float64(max(c.Contacts-c.Abandoned, 1)))
	r.MeanWaitSeconds = round2(float64(c.WaitSum) / float64(max(c.Contacts, 1)))
	if c.Surveys > 0 {
		r.MeanCSAT = round4(float64(c.CSATSum) / float64(c.Surveys))
	}
	r.ClaimedResolutionRate = ratio(c.ClaimedResolved, c.Contacts)
	r.ClaimedSuccessRate = ratio(c.ClaimedSuccess, c.Contacts)
	r.OutcomeFailedRate = ratio(c.Failed, c.Contacts-c.Open)
	r.GapRate = ratio(c.Gap, c.ClaimedSuccess)
	r.RepeatRate = ratio(c.Followed, c.Contacts)
	r.FailureDemandShare = ratio(c.Repeat, c.Contacts)
	r.ResolvedThenRepeatRate = ratio(c.ResolvedThenRepeat, c.ClaimedResolved)
	r.VerifiedResolutionRate = ratio(c.Verified, c.Contacts)
	r.HandleSeconds, r.RepeatHandleSeconds, r.ReworkHandleSeconds = c.HandleSum, c.RepeatHandleSum, c.ReworkHandleSum
	r.PingPongs, r.FCRJudged7 = c.PingPongs, c.FCRJudged7
	if c.FCRJudged7 > 0 {
		r.ClaimedFCR7 = ratio(c.FCRClaimed7, c.FCRJudged7)
		r.MeasuredFCR7 = round4(1 - float64(c.FCRRepeated7)/float64(c.FCRJudged7))
	}
	return r
}

func (g *gen) figures(cs []counters) Figures {
	o := g.org
	var f Figures
	var all counters
	for i, a := range o.agents {
		f.Agents = append(f.Agents, cs[i].row(Row{Member: a.id, SourceSystem: g.names.system[channelSystem[a.ch]],
			Team: o.teams[a.team].name, Department: deptName[a.dept], Channel: channelName[a.ch], Rushed: a.rushed}))
	}
	for i, t := range o.teams {
		f.Teams = append(f.Teams, cs[len(o.agents)+i].row(Row{Member: t.name, SourceSystem: g.names.system[channelSystem[t.ch]],
			Department: deptName[t.dept], Channel: channelName[t.ch], Rushed: t.rushed}))
	}
	base := len(o.agents) + len(o.teams)
	for d := range nDepts {
		f.Departments = append(f.Departments, cs[base+int(d)].row(Row{Member: deptName[d]}))
	}
	for c := range nChannels {
		k := &cs[base+int(nDepts)+int(c)]
		all.add(k)
		f.Channels = append(f.Channels, k.row(Row{Member: channelName[c], SourceSystem: g.names.system[channelSystem[c]]}))
	}
	f.Overall = all.row(Row{Member: "all"})
	for _, rows := range [][]Row{f.Agents, f.Teams, f.Departments} {
		slices.SortFunc(rows, func(a, b Row) int { return cmp.Compare(a.Member, b.Member) })
	}
	return f
}

// truth assembles ground_truth.json from the tally.
func (g *gen) truth(t *tally, files []FileInfo) *Truth {
	o, cal := g.org, g.cal
	tr := &Truth{Schema: TruthSchema, Files: files}
	tr.Params = Params{Seed: g.seed, ContactsRequested: g.opts.Contacts, Days: g.opts.Days,
		Start: cal.dateString(cal.first), End: cal.dateString(cal.first + cal.days), TimeZone: BusinessZone,
		Daily: g.opts.Daily, WarmupDays: cal.first, NoGaming: g.opts.NoGaming}
	tr.Targets = Targets{RepeatWindowDays: repeatWindowDays, ChurnWindowDays: churnWindowDays, CSATTarget: csatTarget}
	for c := range nChannels {
		tr.Targets.AnswerTargetSeconds = append(tr.Targets.AnswerTargetSeconds, ChannelSeconds{channelName[c], int(answerTarget[c])})
	}
	for d := range nDepts {
		tr.Targets.AHTTargetSeconds = append(tr.Targets.AHTTargetSeconds, DeptSeconds{deptName[d], int(ahtTarget[d])})
	}
	p := &tr.Planted
	for _, tm := range o.teams {
		if tm.rushed {
			p.RushedTeams = append(p.RushedTeams, tm.name)
		}
	}
	for _, a := range o.agents {
		if a.rushed {
			p.RushedAgents = append(p.RushedAgents, a.id)
		}
	}
	slices.Sort(p.RushedAgents)
	p.FCROverclaim, p.FCROverclaimProb = deptName[overclaimDept], overclaimProb
	p.RushedHandleFactor, p.RushedClaimResolvedProb, p.NormalClaimResolvedProb = 0.55, 0.55, 0.10
	p.PingPong = [2]string{deptName[dBilling], deptName[dTech]}
	p.PingPongNeedShare = pingpongShare
	p.SurveySendProbResolved, p.SurveySendProbOther, p.SurveyResponseProb = surveySendResolved, surveySendOther, surveyResponse
	p.ChurnModel = "per need, at its end: p = 0.003 + 0.01*(effort-1) if fixed, 0.04 + 0.03*effort if not; " +
		"+0.15 (fixed) or +0.35 (not) for cancellation needs; capped at 0.75; effort = contacts + hops; " +
		"the churn event follows 2..60 days after the need's last contact"
	p.IdentityCoverage = identityCoverage
	p.Gaming, p.GamingParams = g.gamingTruth()
	p.NightmareEveryNthPerson = g.nightmareEvery
	for _, st := range nightmareScript {
		s := channelName[st.ch] + " " + deptName[st.dept] + ": " + dispName[st.disp]
		if st.outbound {
			s = "outbound " + s
		}
		if st.disp == dispTransferred {
			s += " to " + deptName[st.xfer]
		}
		if st.fix {
			s += " (fixes the need)"
		}
		p.NightmareScript = append(p.NightmareScript, s)
	}

	tr.Totals = Totals{Contacts: t.contactsTotal(), Persons: t.persons, Needs: t.needs, Surveys: t.surveys, Identities: t.identities}
	for c := range nChannels {
		tr.Totals.BySource = append(tr.Totals.BySource, SourceTotal{g.names.system[channelSystem[c]], channelName[c], t.contacts[c], t.anonymous[c]})
	}
	for k := range nKinds {
		tr.Totals.OutcomeEvents = append(tr.Totals.OutcomeEvents, KindTotal{kindName[k], t.events[k]})
	}
	tr.True = g.figures(t.views[viewTrue])
	tr.Observed = g.figures(t.views[viewObserved])
	tr.Transfers = []Transfer{}
	for from := range nDepts {
		for to := range nDepts {
			if n := t.transfers[from][to]; n > 0 {
				tr.Transfers = append(tr.Transfers, Transfer{deptName[from], deptName[to], n})
			}
		}
	}
	for i, name := range []string{"resolved", "other"} {
		sb := t.surveyBias[i]
		x := SurveyBias{WrapCode: name, Contacts: sb.Contacts, SurveysSent: sb.Sent, SurveysAnswered: sb.Answered}
		if sb.Answered > 0 {
			x.MeanCSAT = round4(float64(sb.CSATSum) / float64(sb.Answered))
		}
		tr.SurveyBias = append(tr.SurveyBias, x)
	}
	for i, lo := range effortBuckets {
		hi := 0
		if i+1 < len(effortBuckets) {
			hi = effortBuckets[i+1] - 1
		}
		c := t.churn[i]
		tr.ChurnByEffort = append(tr.ChurnByEffort, ChurnBucket{lo, hi, c.Needs, c.Churned, ratio(c.Churned, c.Needs)})
	}
	tr.Nightmares = Nightmares{Count: t.nightmares, Examples: t.nightmareList}
	if tr.Nightmares.Examples == nil {
		tr.Nightmares.Examples = []Nightmare{}
	}
	return tr
}
