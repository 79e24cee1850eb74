package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// channel is how a contact reached the organisation.
type channel uint8

const (
	chPhone channel = iota
	chChat
	chStore
	nChannels
)

var channelName = [nChannels]string{"phone", "chat", "store"}

// system is a source system that exports rows.
type system uint8

const (
	sysACD system = iota
	sysChat
	sysStore
	sysCRM
	nSystems
)

// channelSystem is the system that records contacts of a channel.
var channelSystem = [nChannels]system{sysACD, sysChat, sysStore}

// dept is a department. The canonical names are what the presets yield;
// every source calls them something else.
type dept uint8

const (
	dBilling dept = iota
	dTech
	dAccounts
	dRetention
	dWarranty
	dDelivery
	dStore
	nDepts
)

var deptName = [nDepts]string{"Billing", "Technical Support", "Accounts", "Retention", "Warranty & Returns", "Delivery", "Store Services"}

// deptPrefix names phone teams (BIL-1, BIL-2, ...).
var deptPrefix = [nDepts]string{"BIL", "TEC", "ACC", "RET", "WAR", "DEL", "STO"}

// acdSkill is the ACD's queue (skill) code of a department.
var acdSkill = [nDepts]string{"Q_BILLING", "Q_TECH", "Q_ACCOUNTS", "Q_RETENTION", "Q_WARRANTY", "Q_DELIVERY", ""}

// chatDept is the chat platform's department label.
var chatDept = [nDepts]string{"Billing", "Tech Support", "Accounts", "Cancellations", "Warranty", "Orders & Delivery", ""}

// storeReferral is what a store associate writes when sending the customer
// to a phone line.
var storeReferral = [nDepts]string{"Billing hotline", "Tech support line", "Accounts hotline", "Retention hotline", "Warranty hotline", "Delivery hotline", ""}

// ahtTarget is the default handle-time target (seconds) per department: the
// scorecard's "handle ≤ AHT target" part of claimed success.
var ahtTarget = [nDepts]int32{450, 720, 360, 600, 660, 360, 1200}

// answerTarget is the default wait target (seconds) per channel.
var answerTarget = [nChannels]int32{60, 60, 900}

// overclaimDept's agents wrap an unfixed contact as "resolved" with at
// least overclaimProb (planted: its claimed FCR overstates the measured).
const (
	overclaimDept = dDelivery
	overclaimProb = 0.6
)

// csatTarget: a surveyed contact is a claimed success only when csat ≥ it.
const csatTarget = 4

// acdSLASeconds is the ACD's own service-level threshold behind SLA_Met.
const acdSLASeconds = 20

// handleMedian is the typical handle time (seconds) of a department by a
// normal agent, before agent speed and need complexity.
var handleMedian = [nDepts]float64{320, 520, 260, 420, 470, 260, 720}

// topic is what a need is about.
type topic uint8

const (
	tBilling topic = iota
	tTechnical
	tDelivery
	tWarranty
	tAccount
	tCancellation
	nTopics
)

var topicName = [nTopics]string{"billing", "technical", "delivery", "warranty", "account", "cancellation"}

// topicDept is the department that can actually fix a need of the topic.
var topicDept = [nTopics]dept{dBilling, dTech, dDelivery, dWarranty, dAccounts, dRetention}

// topicShare is how often needs are about each topic.
var topicShare = [nTopics]float64{0.27, 0.24, 0.16, 0.12, 0.13, 0.08}

// acdIVR is the IVR menu choice recorded by the ACD.
var acdIVR = [nTopics]string{"BILL_INQ", "TECH_ISSUE", "ORDER_STATUS", "WARRANTY", "ACCT_CHANGE", "CANCEL_SVC"}

// chatIntents are the chat bot's intent labels per topic; the first part
// before the dot names the topic.
var chatIntents = [nTopics][]string{
	{"billing.charge_question", "billing.payment_failed", "billing.outage_credit"},
	{"tech.no_service", "tech.device_setup", "tech.slow_connection"},
	{"orders.where_is_my_order", "orders.damaged_item"},
	{"warranty.claim", "warranty.activation"},
	{"account.update_details", "account.login_problem"},
	{"cancel.service", "cancel.contract_end"},
}

// storeReason is the visit reason picked at the store's check-in kiosk.
var storeReason = [nTopics]string{"Bill question", "Device not working", "Order pickup issue", "Warranty claim", "Account change", "Cancel service"}

// disp is the organisation's own verdict on a contact (the claim).
type disp uint8

const (
	dispResolved disp = iota
	dispUnresolved
	dispTransferred
	dispEscalated
	dispAbandoned
	dispCallback
	nDisps
)

var dispName = [nDisps]string{"resolved", "unresolved", "transferred", "escalated", "abandoned", "callback"}

// Each system's wrap-up vocabulary, indexed by disp.
var (
	acdWrap     = [nDisps]string{"RESOLVED", "NOT_RESOLVED", "XFER", "ESCALATED", "ABANDON", "CALLBACK"}
	chatStatus  = [nDisps]string{"solved", "unsolved", "transferred", "escalated", "missed", "follow_up"}
	storeResult = [nDisps]string{"Issue resolved", "Not resolved", "Referred to phone support", "Escalated to manager", "Left before served", "Follow-up scheduled"}
)

// outcome kinds of CRM events (contract outcomes.kind).
type kind uint8

const (
	kResolved kind = iota
	kReopened
	kComplaint
	kDispute
	kChurn
	kRefund
	kCancelled
	nKinds
)

var kindName = [nKinds]string{"resolved", "reopened", "complaint", "dispute", "churn", "refund", "cancelled"}

// crmEventType is the CRM's own event type per kind.
var crmEventType = [nKinds]string{
	"Case Resolved - Customer Confirmed", "Case Reopened", "Complaint Logged",
	"Chargeback Filed", "Account Closed", "Refund Issued", "Order Cancelled",
}

// Opening hours per channel and weekday (0 = Sunday): [open, close) hours,
// local time; open == close means closed.
var openHours = [nChannels][7][2]int{
	chPhone: {{0, 0}, {8, 20}, {8, 20}, {8, 20}, {8, 20}, {8, 20}, {9, 17}},
	chChat:  {{7, 23}, {7, 23}, {7, 23}, {7, 23}, {7, 23}, {7, 23}, {7, 23}},
	chStore: {{11, 17}, {10, 20}, {10, 20}, {10, 20}, {10, 20}, {10, 20}, {10, 20}},
}

// hourWeight is the relative arrival intensity per local hour: a morning
// peak, a lunch dip and a second peak in the afternoon (evening for chat).
var hourWeight = [nChannels][24]float64{
	chPhone: {0, 0, 0, 0, 0, 0, 0, 0, 8, 12, 13, 12, 8, 8, 8, 7, 6, 5, 4, 3, 0, 0, 0, 0},
	chChat:  {0, 0, 0, 0, 0, 0, 0, 2, 4, 7, 8, 8, 7, 7, 6, 6, 5, 5, 6, 7, 7, 5, 3, 2},
	chStore: {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 7, 9, 9, 7, 7, 7, 8, 7, 4, 0, 0, 0, 0},
}

// dayAccept is the chance that a customer who could contact on a weekday
// does so that day rather than later (0 = Sunday): Mondays are busiest.
var dayAccept = [7]float64{0.35, 0.75, 0.62, 0.58, 0.58, 0.55, 0.45}

// agent is one employee handling contacts, with habits.
type agent struct {
	id     string
	team   int
	pool   int
	dept   dept
	ch     channel
	speed  float64 // handle-time multiplier
	skill  float64 // multiplier of the chance to really fix a need
	claim  float64 // chance to wrap an unfixed contact as "resolved"
	xfer   float64 // multiplier of the chance to transfer
	warmth float64 // CSAT offset
	rushed bool
	game   game   // planted gaming behaviour (its team's)
	early  bool   // early or late shift
	off    [2]int // weekdays off
}

// team is a group of agents with one supervisor (and one AHT push).
type team struct {
	name   string
	dept   dept
	ch     channel
	rushed bool
	game   game // planted gaming behaviour (gaming.go)
	agents []int
}

// pool is the agents who can take a contact of one channel and department
// (for stores: one store).
type pool struct {
	ch      channel
	dept    dept
	agents  []int32
	onShift [7][24][]int32
}

// org is the simulated organisation: departments, teams, stores, agents.
type org struct {
	agents     []agent
	teams      []team
	pools      []pool
	deptPool   [nChannels][nDepts]int // pool index, -1 when the channel does not serve the department
	stores     []int                  // pool index per store
	storeIDs   []string
	storeName  []string
	rushedTeam int
}

// storeNames are the branch names used for stores (team names).
var storeNames = []string{
	"Riverside Mall", "Downtown", "Harbor Point", "Northgate", "Westfield Plaza", "Oak Park",
	"Union Square", "Lakeshore", "Maple Grove", "Eastside", "Cedar Hills", "Bayview",
	"Hillcrest", "Brookside", "Fairview", "Kingsway", "Meadowbrook", "Pine Ridge",
	"Southpoint", "Greenway", "Willow Creek", "Stonebridge", "Airport", "Old Town",
	"Parkside", "Highland", "Summit", "Canal Street", "Elm Street", "Market Square",
	"Seaside", "Forest Glen", "Crossroads", "Lincoln Center", "Granite Falls", "Briarwood",
	"Ridgeview", "Valley Fair", "Spring Hill", "Cherry Creek",
}

// capacity is contacts an agent of a channel handles per shift.
var capacity = [nChannels]float64{32, 36, 18}

// channelShare is the approximate share of contacts per channel, used only
// to size the organisation.
var channelShare = [nChannels]float64{0.6, 0.26, 0.14}

// buildOrg sizes the organisation for the expected contacts per day and
// plants the rushed team and agents. It depends only on its arguments.
func buildOrg(seed uint64, contacts int64, days int) *org {
	r := rand.New(rand.NewPCG(seed, 0x6f7267)) // "org"
	perDay := float64(contacts) / float64(max(days, 1))
	o := &org{rushedTeam: -1}
	for c := range nChannels {
		for d := range nDepts {
			o.deptPool[c][d] = -1
		}
	}
	newAgent := func(p int, tm int) {
		pl := &o.pools[p]
		a := agent{team: tm, pool: p, dept: pl.dept, ch: pl.ch}
		a.speed = math.Exp(0.15 * r.NormFloat64())
		a.skill = clamp(1+0.1*r.NormFloat64(), 0.75, 1.2)
		a.claim = clamp(0.1+0.04*r.NormFloat64(), 0.02, 0.25)
		a.xfer = clamp(1+0.2*r.NormFloat64(), 0.5, 1.6)
		a.warmth = 0.2 * r.NormFloat64()
		a.early = len(pl.agents)%2 == 0
		a.off[0] = (3*len(pl.agents) + r.IntN(2)) % 7
		a.off[1] = (a.off[0] + 1) % 7
		n := len(o.agents)
		switch pl.ch {
		case chPhone:
			a.id = fmt.Sprintf("%d", 40100+n)
		case chChat:
			a.id = fmt.Sprintf("cx-%04d", 100+n)
		default:
			a.id = fmt.Sprintf("E%05d", 20100+n)
		}
		o.agents = append(o.agents, a)
		pl.agents = append(pl.agents, int32(n))
		o.teams[tm].agents = append(o.teams[tm].agents, n)
	}
	// Phone and chat: one pool per department, teams of at most 12.
	for _, c := range []channel{chPhone, chChat} {
		for d := range dStore {
			share := topicShare[topicIndex(d)]
			need := perDay * channelShare[c] * share / capacity[c] * 7 / 5 * 1.15
			n := max(int(math.Ceil(need)), 4)
			nTeams := max((n+11)/12, 2)
			if c == chChat {
				nTeams = max((n+11)/12, 1)
			}
			p := len(o.pools)
			o.pools = append(o.pools, pool{ch: c, dept: d})
			o.deptPool[c][d] = p
			first := len(o.teams)
			for t := range nTeams {
				name := fmt.Sprintf("%s-%d", deptPrefix[d], t+1)
				if c == chChat {
					name = fmt.Sprintf("Chat %s %d", deptName[d], t+1)
				}
				o.teams = append(o.teams, team{name: name, dept: d, ch: c})
			}
			for i := range max(n, 2*nTeams) {
				newAgent(p, first+i%nTeams)
			}
		}
	}
	// Stores: each store is a team of associates in Store Services.
	nStores := int(math.Ceil(perDay * channelShare[chStore] / (capacity[chStore] * 4)))
	nStores = min(max(nStores, 2), len(storeNames))
	perStore := max(int(math.Ceil(perDay*channelShare[chStore]/float64(nStores)/capacity[chStore]*7/5*1.15)), 3)
	for s := range nStores {
		p := len(o.pools)
		o.pools = append(o.pools, pool{ch: chStore, dept: dStore})
		o.stores = append(o.stores, p)
		o.storeIDs = append(o.storeIDs, fmt.Sprintf("S%03d", 11+s*3))
		o.storeName = append(o.storeName, storeNames[s])
		o.teams = append(o.teams, team{name: storeNames[s], dept: dStore, ch: chStore})
		for range perStore {
			newAgent(p, len(o.teams)-1)
		}
	}
	o.deptPool[chStore][dStore] = o.stores[0]

	// The rushed team: a phone team of Billing, Technical Support or
	// Warranty whose supervisor pushes the AHT target.
	cands := []int{}
	for i, t := range o.teams {
		if t.ch == chPhone && (t.dept == dBilling || t.dept == dTech || t.dept == dWarranty) && i > 0 && o.teams[i-1].dept == t.dept && o.teams[i-1].ch == t.ch {
			cands = append(cands, i)
		}
	}
	o.rushedTeam = cands[r.IntN(len(cands))]
	o.teams[o.rushedTeam].rushed = true
	for _, a := range o.teams[o.rushedTeam].agents {
		o.agents[a].rushed = true
	}
	// A few rushed individuals elsewhere (phone and chat), at least one of each.
	var phone, chat []int
	for i, a := range o.agents {
		if a.rushed || a.ch == chStore {
			continue
		}
		if a.ch == chPhone {
			phone = append(phone, i)
		} else {
			chat = append(chat, i)
		}
	}
	for _, group := range [][]int{phone, chat} {
		k := max(1, len(group)/25)
		for _, j := range r.Perm(len(group))[:k] {
			o.agents[group[j]].rushed = true
		}
	}
	for i := range o.agents {
		a := &o.agents[i]
		if a.rushed {
			a.speed *= 0.55
			a.claim = 0.55
			a.skill *= 0.9
			a.xfer *= 1.4
			a.warmth += 0.1 // quick and friendly
		}
		// The overclaiming department: "your parcel is on its way" closes
		// most unfixed delivery contacts as resolved, so its claimed FCR
		// exceeds what the customers' next contacts show.
		if a.dept == overclaimDept {
			a.claim = math.Max(a.claim, overclaimProb)
		}
	}
	o.buildShifts()
	return o
}

// topicIndex is the topic whose home is department d (sizing only).
func topicIndex(d dept) topic {
	for t, td := range topicDept {
		if td == d {
			return topic(t)
		}
	}
	return tBilling
}

// buildShifts lists, per pool, weekday and hour, the agents on shift: an
// early or a late 8-hour shift within opening hours, five days a week.
func (o *org) buildShifts() {
	for p := range o.pools {
		pl := &o.pools[p]
		for wd := range 7 {
			op, cl := openHours[pl.ch][wd][0], openHours[pl.ch][wd][1]
			for h := op; h < cl; h++ {
				for _, ai := range pl.agents {
					a := &o.agents[ai]
					if a.off[0] == wd || a.off[1] == wd {
						continue
					}
					if (a.early && h < op+8) || (!a.early && h >= cl-8) {
						pl.onShift[wd][h] = append(pl.onShift[wd][h], ai)
					}
				}
				// Small pools cannot cover every hour with regular
				// shifts: someone works overtime.
				if len(pl.onShift[wd][h]) == 0 {
					pl.onShift[wd][h] = append(pl.onShift[wd][h], pl.agents[(wd*24+h)%len(pl.agents)])
				}
			}
		}
	}
}

// pick returns an agent of the pool on shift at the weekday and hour, or
// any agent of the pool (overtime) when nobody is scheduled.
func (o *org) pick(p int, wd, h int, r *rand.Rand) int {
	pl := &o.pools[p]
	if l := pl.onShift[wd][h]; len(l) > 0 {
		return int(l[r.IntN(len(l))])
	}
	return int(pl.agents[r.IntN(len(pl.agents))])
}

func clamp(x, lo, hi float64) float64 { return math.Min(math.Max(x, lo), hi) }
