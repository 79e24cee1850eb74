package synth

import (
	"math"
	"math/rand/v2"
	"slices"
)

// person is a customer. Everything about them is drawn from a random
// source seeded with (seed, person index), so a person is the same however
// the work is split into chunks.
type person struct {
	idx       int64
	pref      channel
	hasChat   bool // has a chat login (otherwise chats as a guest)
	hasCard   bool // has a loyalty card (otherwise visits anonymously)
	mapped    [nSystems]bool
	store     int     // home store
	persist   float64 // multiplier of the chance to come back after a failure
	patience  float64 // phone queue patience, median seconds
	nightmare bool
	churnAt   int64 // 0 = never churned
}

// need is one problem of a person: the true journey.
type need struct {
	idx        int
	topic      topic
	root       dept // the department that can actually fix it
	pingpong   bool // billing/technical need the pair bounces around
	nightmare  bool
	difficulty float64 // multiplies the chance a competent contact fixes it
	complexity float64 // multiplies the handle time a proper fix takes
	intent     uint8
	arrival    int64
	caseNo     bool // a CRM case exists
	resolved   bool
	bad        bool // ended badly: unresolved, reopened, complaint, dispute or churn
	reopened   bool
	first      int // contacts [first, last) in sim.contacts
	last       int
	effort     int // contacts + hops
	hops       int
	churned    bool
	endAt      int64
}

// contact is one interaction as the simulator knows it.
type contact struct {
	t        int64
	need     int32
	seq      int16 // position in the need, from 0
	k        int32 // per-person ordinal (ids)
	conn     int32 // ordinal of the call's first leg (ACD connection id)
	ch       channel
	dept     dept
	shown    topic // topic as the source records it (IVR choice may be wrong)
	agent    int32 // -1 = nobody (abandoned)
	team     int32 // -1 = none
	store    int32
	wait     int32 // seconds, as exported
	handle   int32 // seconds, as exported
	hold     int32
	wrap     int32
	disp     disp
	xfer     int8 // department transferred or referred to, -1 = none
	anon     bool
	caseShow bool
	outbound bool
	fixed    bool // this contact really fixed the need
	sent     bool
	sentAt   int64
	answered int64 // 0 = no answer
	csat     int8
	nps      int8
	written  bool
	claimed  bool // claimed success (scorecard view), from exported values
	followed bool
}

// event is a CRM outcome event.
type event struct {
	t        int64
	kind     kind
	need     int32
	j        int32 // per-person ordinal (ids)
	withCase bool
	cents    int32 // amount, 0 = none
	note     uint8
	written  bool
}

// sim simulates people one at a time; it owns reusable scratch space.
type sim struct {
	g        *gen
	r        *rand.Rand
	src      *rand.PCG
	p        person
	needs    []need
	contacts []contact
	events   []event
	arrivals []int64
	// scratch of the observed view
	obs         []obsRow
	journeys    []obsJourney
	caseJourney []int
	idA, idB    []byte
}

// Planted parameters (documented in the truth file).
const (
	identityCoverage   = 0.97 // share of a person's system keys the MDM links
	surveySendResolved = 0.40
	surveySendOther    = 0.06
	surveyResponse     = 0.30
	pingpongShare      = 0.22 // of billing and technical needs
	maxWarmupDays      = 14
	repeatWindowDays   = 7
	churnWindowDays    = 90
	maxContactsPerNeed = 30
)

var caseProb = [nTopics]float64{0.30, 0.40, 0.35, 0.60, 0.15, 0.25}

// storeFix is the chance a store visit fixes a need of the topic.
var storeFix = [nTopics]float64{0.15, 0.30, 0.45, 0.50, 0.45, 0.30}

var caseShowCreate = [nChannels]float64{0.95, 0.85, 0.6}
var caseShowLater = [nChannels]float64{0.8, 0.6, 0.3}

func (s *sim) lognormal(median, sigma float64) float64 {
	return median * math.Exp(sigma*s.r.NormFloat64())
}

func (s *sim) poisson(lambda float64) int {
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= s.r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func (s *sim) uniform(lo, hi float64) float64 { return lo + (hi-lo)*s.r.Float64() }

// simulatePerson draws person i and all their needs and contacts.
func (s *sim) simulatePerson(i int64) {
	g := s.g
	s.src.Seed(g.seed, uint64(i)+1)
	r := s.r
	s.needs, s.contacts, s.events, s.arrivals = s.needs[:0], s.contacts[:0], s.events[:0], s.arrivals[:0]
	p := &s.p
	*p = person{idx: i}
	switch u := r.Float64(); {
	case u < 0.56:
		p.pref = chPhone
	case u < 0.84:
		p.pref = chChat
	default:
		p.pref = chStore
	}
	p.hasChat = p.pref == chChat || r.Float64() < 0.6
	p.hasCard = p.pref == chStore || r.Float64() < 0.5
	for sys := range nSystems {
		p.mapped[sys] = r.Float64() < identityCoverage
	}
	p.store = r.IntN(len(g.org.stores))
	p.persist = clamp(1+0.15*r.NormFloat64(), 0.6, 1.2)
	p.patience = s.lognormal(150, 0.4)
	p.nightmare = g.isNightmare(i)
	if p.nightmare {
		p.pref, p.hasCard, p.mapped[sysStore] = chPhone, true, true
	}

	// Needs arrive uniformly over the warm-up and the export, so the first
	// exported days look like the others; a minority of heavy users have
	// many. People whose needs all play out in the warm-up export nothing.
	cal := g.cal
	span := float64(cal.end - cal.midnight[0])
	rate := 0.45
	if r.Float64() < 0.15 {
		rate = 3
	}
	n := 1 + s.poisson(rate*span/(365*86400))
	n = min(n, maxNeedsPerPerson)
	for range n {
		s.arrivals = append(s.arrivals, cal.midnight[0]+int64(r.Float64()*span))
	}
	if p.nightmare { // the nightmare is all this customer lives through here
		s.arrivals = append(s.arrivals[:0], g.nightmareArrival(r))
	}
	slices.Sort(s.arrivals)
	for ni, at := range s.arrivals {
		if p.churnAt != 0 && at >= p.churnAt {
			break
		}
		nd := need{idx: ni, arrival: at, nightmare: p.nightmare}
		s.runNeed(&nd)
		s.needs = append(s.needs, nd)
	}
}

func (s *sim) drawTopic() topic {
	u := s.r.Float64()
	for t, sh := range topicShare {
		if u < sh {
			return topic(t)
		}
		u -= sh
	}
	return tBilling
}

// firstChannel: the preferred channel, bent by the topic (warranty and
// pickup problems go to the store more often, cancellations to the phone).
func (s *sim) firstChannel(n *need) channel {
	r := s.r
	switch {
	case n.topic == tWarranty && r.Float64() < 0.25, n.topic == tDelivery && r.Float64() < 0.1:
		return chStore
	case n.topic == tCancellation && r.Float64() < 0.4:
		return chPhone
	}
	return s.p.pref
}

// otherChannel is where a customer switches to after a failed contact.
func (s *sim) otherChannel(ch channel) channel {
	r := s.r
	if r.Float64() < 0.65 {
		return channel((int(ch) + 1 + r.IntN(2)) % 3)
	}
	if ch == chStore {
		return chPhone
	}
	return chStore
}

// route is the department a contact lands in: the IVR menu or chat bot
// sends it to the topic's department, sometimes to the wrong one.
func (s *sim) route(n *need, ch channel, first bool) (dept, topic) {
	if ch == chStore {
		return dStore, n.topic
	}
	d, shown := topicDept[n.topic], n.topic
	if n.pingpong && n.topic == tTechnical {
		d = dTech
	}
	miss := 0.04
	if first {
		miss = 0.09
	}
	if s.r.Float64() < miss {
		shown = topic(s.r.IntN(int(nTopics)))
		d = topicDept[shown]
	}
	return d, shown
}

// step of a scripted nightmare journey (the warranty story of seed 002).
type step struct {
	ch       channel
	dept     dept
	disp     disp
	xfer     dept
	gapDays  float64
	outbound bool
	fix      bool
	openCase bool
}

var nightmareScript = []step{
	{ch: chPhone, dept: dWarranty, disp: dispResolved},                                 // "we see your order, activation follows"
	{ch: chStore, dept: dStore, disp: dispTransferred, xfer: dWarranty, gapDays: 5},    // "call the 800 number"
	{ch: chPhone, dept: dWarranty, disp: dispTransferred, xfer: dAccounts, gapDays: 1}, // passed on
	{ch: chPhone, dept: dAccounts, disp: dispResolved, openCase: true},                 // transfer leg: "done"
	{ch: chStore, dept: dStore, disp: dispTransferred, xfer: dWarranty, gapDays: 9},    // "not in the system, call"
	{ch: chPhone, dept: dWarranty, disp: dispCallback, gapDays: 1},                     // "we will call you back"
	{ch: chPhone, dept: dWarranty, disp: dispUnresolved, gapDays: 3, outbound: true},   // callback: no progress
	{ch: chStore, dept: dStore, disp: dispTransferred, xfer: dWarranty, gapDays: 8},    // third visit
	{ch: chPhone, dept: dWarranty, disp: dispCallback, gapDays: 2},                     // "a couple of days"
	{ch: chPhone, dept: dWarranty, disp: dispResolved, gapDays: 3, outbound: true},     // "void it and re-buy in store"
	{ch: chStore, dept: dStore, disp: dispResolved, gapDays: 4, fix: true},             // re-purchase
}

// runNeed plays one need from arrival to its end (fixed, or given up).
func (s *sim) runNeed(n *need) {
	g, r, p := s.g, s.r, &s.p
	n.topic = s.drawTopic()
	n.difficulty = clamp(s.lognormal(1, 0.2), 0.55, 1.15)
	n.complexity = s.lognormal(1, 0.3)
	if n.nightmare {
		n.topic = tWarranty
	}
	if (n.topic == tBilling || n.topic == tTechnical) && r.Float64() < pingpongShare {
		n.pingpong = true
	}
	n.root = topicDept[n.topic]
	if n.pingpong {
		n.root = dBilling // the credit can only be issued by Billing
	}
	n.intent = uint8(r.IntN(len(chatIntents[n.topic])))
	if n.pingpong && n.topic == tBilling {
		n.intent = 2 // billing.outage_credit
	}
	n.first = len(s.contacts)

	t := n.arrival
	ch := s.firstChannel(n)
	d, shown := s.route(n, ch, true)
	immediate, outbound := false, false
	conn := int32(-1)
	bounces := 0
	pendingReopen := false
	scale := g.nightmareScale
	var fixedAt int64

loop:
	for seq := 0; ; seq++ {
		var sc step
		if n.nightmare {
			sc = nightmareScript[seq]
			ch, d, outbound = sc.ch, sc.dept, sc.outbound
			shown = n.topic
			if seq > 0 && sc.gapDays > 0 {
				t += int64(sc.gapDays * scale * 86400 * s.uniform(0.8, 1.2))
				immediate = false
			}
		}
		if !immediate {
			t = g.cal.nextSlot(ch, t, 0.5, r)
		}
		if ch == chStore {
			t -= t % 60
		}
		c := contact{t: t, need: int32(n.idx), seq: int16(seq), k: int32(len(s.contacts)), ch: ch, dept: d,
			shown: shown, agent: -1, team: -1, store: -1, xfer: -1, outbound: outbound}
		if !immediate || conn < 0 {
			conn = c.k
		}
		c.conn = conn
		day, sec := g.cal.wall(t)
		wd, hour := g.cal.weekday[day], int(sec/3600)%24
		load := busy(ch, wd, hour)

		// Who the customer is to the source system.
		switch ch {
		case chPhone:
			c.anon = !outbound && !immediate && r.Float64() < 0.04
		case chChat:
			c.anon = !p.hasChat || r.Float64() < 0.08
		case chStore:
			c.anon = !p.hasCard || r.Float64() < 0.1
			if n.nightmare {
				c.anon = r.Float64() < 0.2
			}
		}
		if immediate && seq > 0 {
			c.anon = s.contacts[len(s.contacts)-1].anon // a transferred call keeps its caller
		}

		// Queue and abandonment.
		abandoned := false
		switch ch {
		case chPhone:
			if !outbound {
				w := s.lognormal(20*load, 0.9)
				if pt := s.lognormal(p.patience, 0.5); w > pt && !n.nightmare {
					w, abandoned = pt, true
				}
				c.wait = int32(math.Min(w, 3600))
			}
		case chChat:
			w := s.lognormal(25*load, 0.8)
			abandoned = !n.nightmare && (w > 480 && r.Float64() < 0.7 || r.Float64() < 0.02)
			c.wait = int32(math.Min(w, 1800))
		case chStore:
			m := math.Round(s.lognormal(6*load, 0.7))
			abandoned = !n.nightmare && m > 30 && r.Float64() < 0.5
			c.wait = int32(math.Min(m, 120)) * 60
		}
		if ch == chStore {
			c.store = int32(p.store)
			c.team = int32(g.org.agents[g.org.pools[g.org.stores[p.store]].agents[0]].team)
		}

		var a *agent
		if abandoned {
			c.disp = dispAbandoned
		} else {
			pl := g.org.deptPool[ch][d]
			if ch == chStore {
				pl = g.org.stores[p.store]
			}
			ai := g.org.pick(pl, int(wd), hour, r)
			a = &g.org.agents[ai]
			c.agent, c.team = int32(ai), int32(a.team)
			proper := handleMedian[d] * n.complexity
			slide := 1.0
			if a.game == gameSlide {
				slide = g.slideFactor(t)
			}
			h := s.lognormal(proper*a.speed*slide, 0.5)
			if ch == chStore {
				c.handle = int32(math.Max(2, math.Round(h/60))) * 60
			} else {
				c.handle = int32(clamp(h, 25, 3*3600))
			}
			if ch == chPhone {
				c.wrap = int32(10 + 0.05*float64(c.handle))
				if r.Float64() < 0.3 {
					c.hold = int32(s.uniform(10, 0.2*float64(c.handle)))
				}
				if c.hold+c.wrap >= c.handle {
					c.hold = 0
				}
			}
			cut := s.cutCall(&c, a)
			// Did it really fix the need?
			var pFix float64
			switch {
			case n.nightmare:
				if sc.fix {
					pFix = 1
				}
			case ch == chStore:
				pFix = storeFix[n.topic] * a.skill * n.difficulty
			case n.pingpong && d == dTech:
				pFix = 0
			case n.pingpong && d == dBilling:
				pFix = math.Min(0.12+0.14*float64(bounces), 0.8)
			case d != n.root:
				pFix = 0.06
			default:
				hf := math.Min(1, 0.35+0.65*float64(c.handle)/proper)
				pFix = 0.8 * n.difficulty * a.skill * hf
			}
			c.fixed = r.Float64() < pFix*slide
			switch {
			case cut:
				c.fixed = false
				c.disp, c.xfer = s.gameDisposition(n, &c, a)
			case c.fixed:
				c.disp = dispResolved
			default:
				c.disp, c.xfer = s.claim(n, &c, a)
			}
			if n.nightmare {
				c.disp = sc.disp
				if sc.disp == dispTransferred {
					c.xfer = int8(sc.xfer)
				}
			}
		}

		// CRM case.
		if !abandoned {
			if !n.caseNo {
				pc := 0.25
				switch {
				case n.nightmare:
					pc = 0
					if sc.openCase {
						pc = 1
					}
				case c.disp == dispEscalated || c.disp == dispCallback:
					pc = 1
				case seq == 0:
					pc = caseProb[n.topic]
					if ch == chStore {
						pc /= 2
					}
				}
				if r.Float64() < pc {
					n.caseNo = true
					c.caseShow = r.Float64() < caseShowCreate[ch]
				}
			} else {
				c.caseShow = r.Float64() < caseShowLater[ch]
			}
		}
		if pendingReopen && !immediate && n.caseNo {
			s.addEvent(t+int64(c.wait)+int64(c.handle)/2, kReopened, n, true, 0)
			n.reopened = true
			pendingReopen = false
		}

		// Survey, triggered by the wrap code.
		if !abandoned {
			ps := surveySendOther
			if c.disp == dispResolved {
				ps = surveySendResolved
			}
			if a.game == gameSurvey {
				ps = 0
				if c.fixed {
					ps = gameSurveyFixed
				}
			}
			if r.Float64() < ps {
				s.survey(&c, a, n)
			}
		}
		s.contacts = append(s.contacts, c)
		end := t + int64(c.wait) + int64(c.handle)

		// What happens next.
		if c.fixed {
			n.resolved = true
			fixedAt = end
			break
		}
		if seq+1 >= maxContactsPerNeed || n.nightmare && seq+1 >= len(nightmareScript) {
			break
		}
		immediate, outbound = false, false
		if n.nightmare {
			if c.disp == dispTransferred && ch == chPhone {
				immediate, t = true, end+int64(s.uniform(5, 40))
			} else {
				t = end
			}
			continue
		}
		switch c.disp {
		case dispAbandoned:
			if r.Float64() > 0.8*p.persist {
				break loop
			}
			t = end + int64(s.lognormal(2400, 1))
			continue
		case dispTransferred:
			if ch == chStore { // referred to a phone line
				if r.Float64() > 0.85 {
					break loop
				}
				t = end + int64(s.lognormal(0.8*86400, 0.8))
				ch, d, shown = chPhone, dept(c.xfer), n.topic
				continue
			}
			if n.pingpong && (d == dBilling || d == dTech) {
				bounces++
			}
			immediate, t, d = true, end+int64(s.uniform(5, 40)), dept(c.xfer)
			continue
		case dispCallback:
			if r.Float64() < 0.75 {
				outbound, ch = true, chPhone
				if d == dStore {
					d = n.root
				}
				t = end + int64(s.uniform(0.5, 3)*86400)
				continue
			}
		case dispEscalated:
			if r.Float64() < 0.8 {
				outbound, ch, d = true, chPhone, n.root
				t = end + int64(s.uniform(1, 5)*86400)
				continue
			}
		case dispResolved: // claimed but not fixed: the customer finds out later
			if n.caseNo {
				pendingReopen = true
			}
			if r.Float64() > 0.85*p.persist {
				break loop
			}
			t = end + int64(s.lognormal(3*86400, 0.7))
			ch = s.returnChannel(ch, seq)
			d, shown = s.route(n, ch, false)
			continue
		}
		back := clamp((0.88-0.035*float64(seq))*p.persist, 0.3, 0.95)
		if r.Float64() > back {
			break loop
		}
		t = end + int64(s.lognormal(1.5*86400, 0.8))
		ch = s.returnChannel(ch, seq)
		d, shown = s.route(n, ch, false)
	}
	n.last = len(s.contacts)
	s.finishNeed(n, fixedAt)
}

func (s *sim) returnChannel(ch channel, seq int) channel {
	if s.r.Float64() < 0.3+0.03*float64(seq) {
		return s.otherChannel(ch)
	}
	return ch
}

// neighbour is where an agent in the right department passes a contact
// when they transfer anyway.
var neighbour = [nDepts]dept{dAccounts, dWarranty, dRetention, dBilling, dDelivery, dWarranty, dWarranty}

// claim is the wrap code an agent picks for a contact that did not fix the
// need: the scorecard's view. Rushed agents close it as resolved or pass it on.
func (s *sim) claim(n *need, c *contact, a *agent) (disp, int8) {
	r := s.r
	wrong := c.dept != n.root && c.dept != dStore
	pair := n.pingpong && (c.dept == dBilling || c.dept == dTech)
	pClaim := a.claim
	if wrong {
		pClaim *= 0.5
	}
	var pXfer float64
	target := n.root
	switch {
	case c.ch == chStore:
		pXfer = 0.5
	case pair:
		pXfer = 0.55 * a.xfer
		target = dBilling + dTech - c.dept
	case wrong:
		pXfer = 0.65 * a.xfer
	default:
		pXfer = 0.06 * a.xfer
		target = neighbour[c.dept]
	}
	pCallback, pEscalate := 0.12, 0.03
	if !wrong {
		pEscalate = 0.08
	}
	if c.outbound {
		pXfer = 0
	}
	tot := pClaim + pXfer + pCallback + pEscalate
	u := r.Float64() * math.Max(1, tot/0.95)
	switch {
	case u < pClaim:
		return dispResolved, -1
	case u < pClaim+pXfer:
		if c.ch == chStore {
			return dispTransferred, int8(n.root)
		}
		return dispTransferred, int8(target)
	case u < pClaim+pXfer+pCallback:
		return dispCallback, -1
	case u < tot:
		return dispEscalated, -1
	}
	return dispUnresolved, -1
}

// survey sends (and maybe gets back) a post-contact survey. The customer
// rates what they believe: a contact closed as resolved scores well until
// the problem comes back.
func (s *sim) survey(c *contact, a *agent, n *need) {
	r := s.r
	end := c.t + int64(c.wait) + int64(c.handle)
	c.sent = true
	if c.ch == chStore {
		c.sentAt = end + int64(s.uniform(3600, 4*3600))
	} else {
		c.sentAt = end + int64(s.uniform(120, 1800))
	}
	if r.Float64() >= surveyResponse {
		return
	}
	c.answered = c.sentAt + int64(math.Min(s.lognormal(4*3600, 1.1), 7*86400))
	var mean float64
	switch {
	case c.fixed:
		mean = 4.5
	case c.disp == dispResolved:
		mean = 3.95
	case c.disp == dispUnresolved:
		mean = 2.2
	default:
		mean = 3.0
	}
	mean += a.warmth - 0.08*float64(c.seq)
	if n.nightmare {
		mean -= 1
	}
	cs := clamp(math.Round(mean+0.75*r.NormFloat64()), 1, 5)
	c.csat = int8(cs)
	c.nps = int8(clamp(math.Round(2*cs-1.5+1.4*r.NormFloat64()), 0, 10))
}

func (s *sim) addEvent(t int64, k kind, n *need, withCase bool, cents int32) {
	s.events = append(s.events, event{t: t, kind: k, need: int32(n.idx), j: int32(len(s.events)),
		withCase: withCase && n.caseNo, cents: cents, note: uint8(s.r.IntN(len(crmNotes[k])))})
}

// finishNeed decides the need's outcome events: verified resolution,
// complaint, dispute, refund, cancellation and churn rising with effort.
func (s *sim) finishNeed(n *need, fixedAt int64) {
	r, p := s.r, &s.p
	cs := s.contacts[n.first:n.last]
	last := cs[len(cs)-1]
	n.endAt = last.t + int64(last.wait) + int64(last.handle)
	for i := 1; i < len(cs); i++ {
		if cs[i].dept != cs[i-1].dept || cs[i].ch != cs[i-1].ch {
			n.hops++
		}
	}
	n.effort = len(cs) + n.hops
	e := float64(n.effort)
	bad := !n.resolved || n.reopened
	if n.resolved && n.caseNo {
		s.addEvent(fixedAt+int64(s.uniform(3600, 72*3600)), kResolved, n, true, 0)
	}
	pc := 0.004 + 0.012*math.Max(0, e-2)
	if !n.resolved {
		pc += 0.06
	}
	if n.nightmare {
		pc = 0.6
	}
	if r.Float64() < pc {
		s.addEvent(n.endAt+int64(s.lognormal(86400, 1)), kComplaint, n, r.Float64() < 0.7, 0)
		bad = true
	}
	if (n.topic == tBilling || n.topic == tCancellation) && (!n.resolved || n.pingpong) && r.Float64() < 0.2 {
		s.addEvent(n.endAt+int64(s.uniform(3, 30)*86400), kDispute, n, r.Float64() < 0.5, int32(s.uniform(2000, 40000)))
		bad = true
	}
	switch {
	case n.nightmare:
		t := cs[len(cs)-2].t + 3600
		s.addEvent(t, kRefund, n, true, int32(s.uniform(15000, 60000)))
		s.addEvent(t+60, kCancelled, n, true, 0)
	case n.resolved && (n.topic == tWarranty || n.topic == tDelivery) && r.Float64() < 0.2:
		s.addEvent(n.endAt+int64(s.uniform(0, 5)*86400), kRefund, n, true, int32(s.uniform(1500, 30000)))
	case n.topic == tDelivery && (!n.resolved || n.effort >= 5) && r.Float64() < 0.35:
		s.addEvent(n.endAt+int64(s.uniform(0, 2)*86400), kCancelled, n, true, 0)
	}
	// Churn rises with the effort the need cost the customer.
	var pch float64
	if n.resolved {
		pch = 0.003 + 0.01*(e-1)
	} else {
		pch = 0.04 + 0.03*e
	}
	if n.topic == tCancellation {
		if n.resolved {
			pch += 0.15
		} else {
			pch += 0.35
		}
	}
	if r.Float64() < math.Min(pch, 0.75) {
		at := n.endAt + int64(s.uniform(2, 60)*86400)
		s.addEvent(at, kChurn, n, false, 0)
		n.churned = true
		p.churnAt = at
		bad = true
	}
	n.bad = bad
}
