package synth

import (
	"bytes"
	"cmp"
	"slices"
)

// counters are the additive figures of one member (agent, team,
// department, channel) under one view; rates are derived when written.
type counters struct {
	Contacts           int64
	Anonymous          int64
	ClaimedResolved    int64
	ClaimedSuccess     int64
	Repeat             int64
	Followed           int64
	Failed             int64
	Gap                int64
	ResolvedThenRepeat int64
	Verified           int64
	Open               int64
	OpenClaimed        int64
	HandleSum          int64
	WaitSum            int64
	Surveys            int64
	CSATSum            int64
	Transferred        int64
	Abandoned          int64
	// Observed view only: the 7-day rung of the FCR ladder (judged: the
	// export's end is 7 days or more after the contact; repeated: the
	// person's next contact, any journey, started within 7 days; claimed:
	// of the judged, disposition resolved), ping-pongs (back to the
	// department of two contacts before, from another), and the handle
	// time of 2nd+ contacts of journeys and of contacts following a
	// claimed success in their journey (the cost mart's failure demand and
	// gap rework).
	FCRJudged7, FCRRepeated7, FCRClaimed7 int64
	PingPongs                             int64
	RepeatHandleSum, ReworkHandleSum      int64
}

func (c *counters) add(o *counters) {
	c.Contacts += o.Contacts
	c.Anonymous += o.Anonymous
	c.ClaimedResolved += o.ClaimedResolved
	c.ClaimedSuccess += o.ClaimedSuccess
	c.Repeat += o.Repeat
	c.Followed += o.Followed
	c.Failed += o.Failed
	c.Gap += o.Gap
	c.ResolvedThenRepeat += o.ResolvedThenRepeat
	c.Verified += o.Verified
	c.Open += o.Open
	c.OpenClaimed += o.OpenClaimed
	c.HandleSum += o.HandleSum
	c.WaitSum += o.WaitSum
	c.Surveys += o.Surveys
	c.CSATSum += o.CSATSum
	c.Transferred += o.Transferred
	c.Abandoned += o.Abandoned
	c.FCRJudged7 += o.FCRJudged7
	c.FCRRepeated7 += o.FCRRepeated7
	c.FCRClaimed7 += o.FCRClaimed7
	c.PingPongs += o.PingPongs
	c.RepeatHandleSum += o.RepeatHandleSum
	c.ReworkHandleSum += o.ReworkHandleSum
}

// Views of the figures.
const (
	viewTrue = iota
	viewObserved
	nViews
)

// effortBuckets bound the churn-by-effort table: effort in [lo, next lo).
var effortBuckets = []int{1, 2, 3, 4, 6, 9, 13}

type churnCell struct{ Needs, Churned int64 }

type surveyCell struct{ Contacts, Sent, Answered, CSATSum int64 }

// tally is everything the truth file needs, summed over people. All
// integers, so summing chunks in any order gives the same result.
type tally struct {
	members       int // agents + teams + departments + channels
	views         [nViews][]counters
	transfers     [nDepts][nDepts]int64
	surveyBias    [2]surveyCell // resolved wrap code, other
	churn         []churnCell
	persons       int64 // people with at least one exported row
	needs         int64 // needs with at least one exported contact
	contacts      [nChannels]int64
	anonymous     [nChannels]int64
	events        [nKinds]int64
	surveys       int64
	identities    int64
	nightmares    int64
	nightmareList []Nightmare
}

// Nightmare describes one planted nightmare journey.
type Nightmare struct {
	PersonID     string       `json:"person_id"`
	Keys         []SourceKey  `json:"customer_keys"`
	FirstContact string       `json:"first_contact"`
	LastContact  string       `json:"last_contact"`
	Days         float64      `json:"days"`
	Calls        int          `json:"calls"`
	Chats        int          `json:"chats"`
	Visits       int          `json:"store_visits"`
	Hops         int          `json:"hops"`
	HoursSpent   float64      `json:"hours_spent"`
	Contacts     []ContactRef `json:"contacts"`
}

type SourceKey struct {
	SourceSystem string `json:"source_system"`
	CustomerKey  string `json:"customer_key"`
	Mapped       bool   `json:"mapped"`
}

type ContactRef struct {
	SourceSystem string `json:"source_system"`
	ContactID    string `json:"contact_id"`
}

// maxNightmareList bounds the nightmares described in the truth file.
const maxNightmareList = 20

func newTally(o *org) *tally {
	t := &tally{members: len(o.agents) + len(o.teams) + int(nDepts) + int(nChannels)}
	for v := range t.views {
		t.views[v] = make([]counters, t.members)
	}
	t.churn = make([]churnCell, len(effortBuckets))
	return t
}

func (t *tally) merge(o *tally) {
	for v := range t.views {
		for i := range t.views[v] {
			t.views[v][i].add(&o.views[v][i])
		}
	}
	for i := range t.transfers {
		for j := range t.transfers[i] {
			t.transfers[i][j] += o.transfers[i][j]
		}
	}
	for i := range t.surveyBias {
		a, b := &t.surveyBias[i], &o.surveyBias[i]
		a.Contacts += b.Contacts
		a.Sent += b.Sent
		a.Answered += b.Answered
		a.CSATSum += b.CSATSum
	}
	for i := range t.churn {
		t.churn[i].Needs += o.churn[i].Needs
		t.churn[i].Churned += o.churn[i].Churned
	}
	t.persons += o.persons
	t.needs += o.needs
	for i := range t.contacts {
		t.contacts[i] += o.contacts[i]
		t.anonymous[i] += o.anonymous[i]
	}
	for i := range t.events {
		t.events[i] += o.events[i]
	}
	t.surveys += o.surveys
	t.identities += o.identities
	t.nightmares += o.nightmares
	for _, n := range o.nightmareList {
		if len(t.nightmareList) < maxNightmareList {
			t.nightmareList = append(t.nightmareList, n)
		}
	}
}

func (t *tally) reset() {
	for v := range t.views {
		clear(t.views[v])
	}
	*t = tally{members: t.members, views: t.views, churn: t.churn[:len(effortBuckets)]}
	clear(t.churn)
}

// memberIndexes returns the tally slots a contact counts in: agent, team,
// department, channel (-1 = none).
func (g *gen) memberIndexes(c *contact) [4]int {
	o := g.org
	idx := [4]int{-1, -1, -1, -1}
	if c.agent >= 0 {
		idx[0] = int(c.agent)
	}
	if c.team >= 0 {
		idx[1] = len(o.agents) + int(c.team)
	}
	idx[2] = len(o.agents) + len(o.teams) + int(c.dept)
	idx[3] = len(o.agents) + len(o.teams) + int(nDepts) + int(c.ch)
	return idx
}

// obsRow is a contact as the pipeline sees it, for the observed view.
type obsRow struct {
	ci      int   // index in sim.contacts
	group   int   // observed person: 0 = the MDM person, 1+system = an unmapped key
	t       int64 // started_at as exported
	sys     system
	journey int
	caseKey int   // need index when the contact shows a case, else -1
	next    int64 // the observed person's next contact (any journey), 0 = none
}

type obsJourney struct {
	first, last int64
	group       int
	caseKey     int
	resolvedEv  bool
	badEv       bool
}

// account adds the person just simulated to the tally: both views of every
// exported contact, and the bookkeeping of outcomes, surveys and needs.
func (s *sim) account(t *tally) {
	g, p, cal := s.g, &s.p, s.g.cal
	for i := range s.contacts {
		c := &s.contacts[i]
		c.written = cal.inExport(c.t)
	}
	anyRow := false
	for i := range s.events {
		ev := &s.events[i]
		ev.written = cal.inExport(ev.t)
		if ev.written {
			t.events[ev.kind]++
			anyRow = true
		}
	}
	for ni := range s.needs {
		n := &s.needs[ni]
		written := false
		for i := n.first; i < n.last; i++ {
			c := &s.contacts[i]
			c.followed = i < n.last-1
			if c.written {
				written = true
			}
		}
		if !written {
			continue
		}
		t.needs++
		b := 0
		for b+1 < len(effortBuckets) && n.effort >= effortBuckets[b+1] {
			b++
		}
		t.churn[b].Needs++
		if n.churned {
			t.churn[b].Churned++
		}
		if n.nightmare {
			t.nightmares++
			if len(t.nightmareList) < maxNightmareList {
				t.nightmareList = append(t.nightmareList, s.describeNightmare(n))
			}
		}
	}
	// True view: the simulator's own knowledge of every exported contact.
	for i := range s.contacts {
		c := &s.contacts[i]
		if !c.written {
			continue
		}
		anyRow = true
		n := &s.needs[c.need]
		surveyed := c.answered != 0 && c.answered < cal.end
		c.claimed = c.disp == dispResolved && c.handle <= ahtTarget[c.dept] &&
			c.wait <= answerTarget[c.ch] && (!surveyed || c.csat >= csatTarget)
		t.contacts[c.ch]++
		if c.anon {
			t.anonymous[c.ch]++
		}
		if surveyed {
			t.surveys++
		}
		if c.disp == dispTransferred && c.xfer >= 0 {
			t.transfers[c.dept][c.xfer]++
		}
		if c.disp != dispAbandoned {
			sb := &t.surveyBias[1]
			if c.disp == dispResolved {
				sb = &t.surveyBias[0]
			}
			sb.Contacts++
			if c.sent {
				sb.Sent++
			}
			if surveyed {
				sb.Answered++
				sb.CSATSum += int64(c.csat)
			}
		}
		var k counters
		k.Contacts = 1
		s.scorecard(&k, c, surveyed)
		if c.anon {
			k.Anonymous = 1
		}
		if c.seq > 0 {
			k.Repeat = 1
		}
		failed := c.followed || n.bad
		if c.followed {
			k.Followed = 1
		}
		if failed {
			k.Failed = 1
			if c.claimed {
				k.Gap = 1
			}
		}
		if c.disp == dispResolved && c.followed {
			k.ResolvedThenRepeat = 1
		}
		if c.fixed && !n.bad {
			k.Verified = 1
		}
		t.addContact(viewTrue, g.memberIndexes(c), &k)
	}
	if anyRow {
		t.persons++
		for sys := range nSystems {
			if p.mapped[sys] && !(sys == sysChat && !p.hasChat) && !(sys == sysStore && !p.hasCard) {
				t.identities++
			}
		}
	}
	s.observe(t)
}

// scorecard fills the KPI-view counters shared by both views.
func (s *sim) scorecard(k *counters, c *contact, surveyed bool) {
	if c.disp == dispResolved {
		k.ClaimedResolved = 1
	}
	if c.claimed {
		k.ClaimedSuccess = 1
	}
	switch c.disp {
	case dispTransferred:
		k.Transferred = 1
	case dispAbandoned:
		k.Abandoned = 1
	}
	k.HandleSum = int64(c.handle)
	k.WaitSum = int64(c.wait)
	if surveyed {
		k.Surveys = 1
		k.CSATSum = int64(c.csat)
	}
}

func (t *tally) addContact(view int, idx [4]int, k *counters) {
	for _, i := range idx {
		if i >= 0 {
			t.views[view][i].add(k)
		}
	}
}

// observe adds the observed view: journeys rebuilt from the exported
// columns exactly as the package documentation defines them.
func (s *sim) observe(t *tally) {
	g, p, cal := s.g, &s.p, s.g.cal
	rows := s.obs[:0]
	for i := range s.contacts {
		c := &s.contacts[i]
		if !c.written {
			continue
		}
		if c.anon {
			var k counters
			k.Anonymous = 1
			t.addContact(viewObserved, g.memberIndexes(c), &k)
			continue
		}
		sys := channelSystem[c.ch]
		grp := 0
		if !p.mapped[sys] {
			grp = 1 + int(sys)
		}
		ck := -1
		if c.caseShow {
			ck = int(c.need)
		}
		rows = append(rows, obsRow{ci: i, group: grp, t: c.t, sys: sys, caseKey: ck})
	}
	s.obs = rows
	if len(rows) == 0 {
		return
	}
	byTime := func(a, b obsRow) int {
		if r := cmp.Compare(a.t, b.t); r != 0 {
			return r
		}
		if r := cmp.Compare(g.names.system[a.sys], g.names.system[b.sys]); r != 0 {
			return r
		}
		s.idA = g.ids.appendContactID(s.idA[:0], s.contacts[a.ci].ch, p.idx, s.contacts[a.ci].k)
		s.idB = g.ids.appendContactID(s.idB[:0], s.contacts[b.ci].ch, p.idx, s.contacts[b.ci].k)
		return bytes.Compare(s.idA, s.idB)
	}
	slices.SortFunc(rows, func(a, b obsRow) int {
		if r := cmp.Compare(a.group, b.group); r != 0 {
			return r
		}
		return byTime(a, b)
	})
	for i := range rows {
		if i+1 < len(rows) && rows[i+1].group == rows[i].group {
			rows[i].next = rows[i+1].t
		}
	}
	// Journeys: a shown case groups its contacts (whatever the person);
	// case-less contacts chain per person while the next starts within the
	// repeat window of the previous case-less one.
	js := s.journeys[:0]
	caseJourney := s.caseJourney[:0]
	for range s.needs {
		caseJourney = append(caseJourney, -1)
	}
	window := int64(repeatWindowDays * 86400)
	prevGroup, prevT, chain := -1, int64(0), -1
	for i := range rows {
		r := &rows[i]
		if r.caseKey >= 0 {
			j := caseJourney[r.caseKey]
			if j < 0 {
				j = len(js)
				caseJourney[r.caseKey] = j
				js = append(js, obsJourney{first: r.t, last: r.t, group: r.group, caseKey: r.caseKey})
			}
			r.journey = j
		} else {
			if r.group != prevGroup || r.t-prevT > window {
				chain = len(js)
				js = append(js, obsJourney{first: r.t, last: r.t, group: r.group, caseKey: -1})
			}
			prevGroup, prevT = r.group, r.t
			r.journey = chain
		}
		j := &js[r.journey]
		if r.t < j.first {
			j.first, j.group = r.t, r.group
		}
		j.last = max(j.last, r.t)
	}
	s.journeys, s.caseJourney = js, caseJourney
	// Outcome events: by case when a journey shows it, else by person within
	// [first contact, last contact + 90 days].
	evGroup := 0
	if !p.mapped[sysCRM] {
		evGroup = 1 + int(sysCRM)
	}
	churnWindow := int64(churnWindowDays * 86400)
	for i := range s.events {
		ev := &s.events[i]
		if !ev.written {
			continue
		}
		link := func(j *obsJourney) {
			if ev.kind == kResolved {
				j.resolvedEv = true
			}
			if ev.kind == kReopened || ev.kind == kComplaint || ev.kind == kDispute || ev.kind == kChurn {
				j.badEv = true
			}
		}
		if ev.withCase {
			if j := caseJourney[ev.need]; j >= 0 {
				link(&js[j])
				continue
			}
		}
		for j := range js {
			if js[j].group == evGroup && ev.t >= js[j].first && ev.t <= js[j].last+churnWindow {
				link(&js[j])
			}
		}
	}
	slices.SortFunc(rows, func(a, b obsRow) int {
		if r := cmp.Compare(a.journey, b.journey); r != 0 {
			return r
		}
		return byTime(a, b)
	})
	const fcrWindow = 7 * 86400
	claimedBefore := false
	for i := range rows {
		r := &rows[i]
		c := &s.contacts[r.ci]
		j := &js[r.journey]
		first := i == 0 || rows[i-1].journey != r.journey
		last := i == len(rows)-1 || rows[i+1].journey != r.journey
		surveyed := c.answered != 0 && c.answered < cal.end
		var k counters
		k.Contacts = 1
		s.scorecard(&k, c, surveyed)
		if first {
			claimedBefore = false
		}
		if !first {
			k.Repeat = 1
			k.RepeatHandleSum = int64(c.handle)
		}
		if claimedBefore {
			k.ReworkHandleSum = int64(c.handle)
		}
		claimedBefore = claimedBefore || c.claimed
		if i >= 2 && rows[i-2].journey == r.journey && rows[i-1].journey == r.journey {
			d2, d1 := s.contacts[rows[i-2].ci].dept, s.contacts[rows[i-1].ci].dept
			if d2 == c.dept && d1 != c.dept {
				k.PingPongs = 1
			}
		}
		if r.t+fcrWindow <= cal.end {
			k.FCRJudged7 = 1
			if r.next != 0 && r.next <= r.t+fcrWindow {
				k.FCRRepeated7 = 1
			}
			if c.disp == dispResolved {
				k.FCRClaimed7 = 1
			}
		}
		failed := false
		switch {
		case !last:
			k.Followed = 1
			failed = true
		case r.t+window > cal.end:
			k.Open = 1
			if c.claimed {
				k.OpenClaimed = 1
			}
		default:
			failed = j.badEv || (j.caseKey >= 0 && !j.resolvedEv)
			if !failed {
				k.Verified = 1
			}
		}
		if failed {
			k.Failed = 1
			if c.claimed {
				k.Gap = 1
			}
		}
		if c.disp == dispResolved && !last {
			k.ResolvedThenRepeat = 1
		}
		t.addContact(viewObserved, g.memberIndexes(c), &k)
	}
}

// describeNightmare summarises a planted nightmare journey for the truth.
func (s *sim) describeNightmare(n *need) Nightmare {
	g, p := s.g, &s.p
	var info Nightmare
	info.PersonID = string(g.ids.appendMaster(nil, p.idx))
	for sys := range nSystems {
		if sys == sysChat && !p.hasChat {
			continue
		}
		info.Keys = append(info.Keys, SourceKey{SourceSystem: g.names.system[sys],
			CustomerKey: string(g.ids.appendKey(nil, sys, p.idx)), Mapped: p.mapped[sys]})
	}
	var first, last int64
	var secs int64
	for i := n.first; i < n.last; i++ {
		c := &s.contacts[i]
		if !c.written {
			continue
		}
		if first == 0 {
			first = c.t
		}
		last = c.t
		switch c.ch {
		case chPhone:
			info.Calls++
		case chChat:
			info.Chats++
		case chStore:
			info.Visits++
			secs += 30 * 60 // travel
		}
		secs += int64(c.wait) + int64(c.handle)
		info.Contacts = append(info.Contacts, ContactRef{SourceSystem: g.names.system[channelSystem[c.ch]],
			ContactID: string(g.ids.appendContactID(nil, c.ch, p.idx, c.k))})
	}
	info.FirstContact = string(g.cal.appendISOOffset(nil, first))
	info.LastContact = string(g.cal.appendISOOffset(nil, last))
	info.Days = round2(float64(last-first) / 86400)
	info.Hops = n.hops
	info.HoursSpent = round2(float64(secs) / 3600)
	return info
}
