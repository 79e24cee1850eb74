package synth

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// export is one of the six raw files.
type export uint8

const (
	exACD export = iota
	exChat
	exStore
	exCRM
	exSurvey
	exIdentity
	nExports
)

// exportBase and exportExt name the files: base.ext, or base_YYYY-MM-DD.ext
// with --daily.
var (
	exportBase = [nExports]string{"acd_calls", "chat_sessions", "store_visits", "crm_events", "surveys", "identity_map"}
	exportExt  = [nExports]string{".csv", ".jsonl", ".csv", ".csv", ".csv", ".csv"}
)

// exportHeader is each file's first line (none for JSON Lines).
var exportHeader = [nExports]string{
	"CallID,ConnID,Direction,CallerAcct,CaseRef,IVRReason,Skill,AgentID,AgentTeam,StartTime,QueueSecs,TalkSecs,HoldSecs,WrapSecs,WrapCode,XferSkill,SLA_Met",
	"",
	"visit_id,loyalty_card,store_id,store_name,associate_id,checkin,served,checkout,reason,outcome,referred_to,crm_case",
	"EventId,CustomerId,CaseNumber,EventType,EventTimestamp,Amount,Note",
	"survey_id,contact_ref,source,sent_at,answered_at,csat,nps",
	"master_id,source_system,source_key,match_rule,linked_on",
}

// names are what a generation calls its systems and files: the contract
// source_system each system's preset yields, the survey tool's and the
// MDM's names for them, and the export files.
type names struct {
	system  [nSystems]string
	survey  [nChannels]string
	mdm     [nSystems]string
	base    [nExports]string
	ext     [nExports]string
	connect bool // the phone export is Amazon Connect Parquet (parquet.go)
}

// csvNames are the default generation's: the phone system is an ACD
// writing a CSV call log.
var csvNames = names{
	system: [nSystems]string{"acd", "chat", "store", "crm"},
	survey: [nChannels]string{"ACD", "CHAT", "STORE"},
	mdm:    [nSystems]string{"ACD", "CHAT", "LOYALTY", "CRM"},
	base:   exportBase,
	ext:    exportExt,
}

var mdmMatchRule = [nSystems]string{"ACCOUNT_NO", "EMAIL_HASH", "CARD_REG", "CRM_ID"}

// crmNotes are the free-text notes agents type, per kind; some carry
// commas, quotes and non-ASCII like real notes do.
var crmNotes = [nKinds][]string{
	kResolved:  {"Customer confirmed the fix by phone", "Verified on follow-up call", "Customer confirmed via e-mail – thanks"},
	kReopened:  {"Customer reports issue not fixed", "Reopened: same problem, 2nd contact", `Customer: "you told me it was done"`},
	kComplaint: {`Customer says "third time I call about this", wants a manager`, "Formal complaint: passed between departments", "Complaint about waiting times, callbacks not made"},
	kDispute:   {"Chargeback received from card issuer", "Customer disputes outage charges, bank notified"},
	kChurn:     {"Account closed at customer request", "Contract terminated; reason: service", "Ported out to competitor"},
	kRefund:    {"Refund to original payment method", "Goodwill credit, damaged item", "Refund; voided transaction, customer to re-purchase in store"},
	kCancelled: {"Order cancelled by customer", "Order cancelled: not delivered in time", "Transaction voided by support"},
}

// rec is one output line waiting in a chunk: sorted by (t, ord), where ord
// is person<<16 | the person's record number, so the order is a function
// of the data alone.
type rec struct {
	t    int64
	ord  uint64
	ex   export
	off  uint32
	size uint32
}

// chunkBuf collects the lines of one chunk of people.
type chunkBuf struct {
	recs []rec
	data []byte
}

func (b *chunkBuf) reset() { b.recs, b.data = b.recs[:0], b.data[:0] }

// emitter formats a person's rows into a chunkBuf.
type emitter struct {
	g      *gen
	buf    *chunkBuf
	person int64
	seq    uint64
	start  int // start of the line being built in buf.data
}

func (e *emitter) begin() []byte {
	e.start = len(e.buf.data)
	return e.buf.data
}

func (e *emitter) end(b []byte, t int64, ex export) {
	e.buf.data = b
	e.buf.recs = append(e.buf.recs, rec{t: t, ord: uint64(e.person)<<16 | e.seq, ex: ex,
		off: uint32(e.start), size: uint32(len(b) - e.start)})
	e.seq++
}

func appendCSV(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			b = append(b, c)
			i++
			continue
		}
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		default:
			if c < 0x20 {
				b = append(b, `\u00`...)
				b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
			} else {
				_, n := utf8.DecodeRuneInString(s[i:])
				b = append(b, s[i:i+n]...)
				i += n
				continue
			}
		}
		i++
	}
	return append(b, '"')
}

func appendInt(b []byte, v int64) []byte { return strconv.AppendInt(b, v, 10) }

func appendCents(b []byte, c int32) []byte {
	b = appendInt(b, int64(c/100))
	b = append(b, '.')
	return pad2(b, int(c%100))
}

// emitPerson writes every exported row of the simulated person.
func (s *sim) emitPerson(e *emitter) {
	g, p := s.g, &s.p
	e.person, e.seq = p.idx, 0
	first := int64(0)
	for i := range s.contacts {
		if c := &s.contacts[i]; c.written && (first == 0 || c.t < first) {
			first = c.t
		}
	}
	for i := range s.events {
		if ev := &s.events[i]; ev.written && (first == 0 || ev.t < first) {
			first = ev.t
		}
	}
	if first == 0 {
		return
	}
	// The MDM links the person's keys when they first show up.
	for sys := range nSystems {
		if !p.mapped[sys] || sys == sysChat && !p.hasChat || sys == sysStore && !p.hasCard {
			continue
		}
		b := e.begin()
		b = g.ids.appendMaster(b, p.idx)
		b = append(b, ',')
		b = append(b, g.names.mdm[sys]...)
		b = append(b, ',')
		b = g.ids.appendKey(b, sys, p.idx)
		b = append(b, ',')
		b = append(b, mdmMatchRule[sys]...)
		b = append(b, ',')
		b = append(b, g.cal.date[g.cal.dayOf(first)][:]...)
		b = append(b, '\n')
		e.end(b, first, exIdentity)
	}
	for i := range s.contacts {
		c := &s.contacts[i]
		if !c.written {
			continue
		}
		switch c.ch {
		case chPhone:
			s.emitACD(e, c)
		case chChat:
			s.emitChat(e, c)
		case chStore:
			s.emitStore(e, c)
		}
		if c.answered != 0 && c.answered < g.cal.end {
			s.emitSurvey(e, c)
		}
	}
	for i := range s.events {
		if ev := &s.events[i]; ev.written {
			s.emitEvent(e, ev)
		}
	}
}

func (s *sim) emitACD(e *emitter, c *contact) {
	g, p := s.g, &s.p
	b := e.begin()
	b = g.ids.appendCallID(b, p.idx, c.k)
	b = append(b, ',')
	b = g.ids.appendConnID(b, p.idx, c.conn)
	if c.outbound {
		b = append(b, ",OUT,"...)
	} else {
		b = append(b, ",IN,"...)
	}
	if !c.anon {
		b = g.ids.appendAccount(b, p.idx)
	}
	b = append(b, ',')
	if c.caseShow {
		b = g.ids.appendCase(b, p.idx, int(c.need))
	}
	b = append(b, ',')
	b = append(b, acdIVR[c.shown]...)
	b = append(b, ',')
	b = append(b, acdSkill[c.dept]...)
	b = append(b, ',')
	if c.agent >= 0 {
		a := &g.org.agents[c.agent]
		b = append(b, a.id...)
		b = append(b, ',')
		b = append(b, g.org.teams[a.team].name...)
	} else {
		b = append(b, ',')
	}
	b = append(b, ',')
	b = g.cal.appendACDTime(b, c.t)
	b = append(b, ',')
	b = appendInt(b, int64(c.wait))
	b = append(b, ',')
	talk := c.handle - c.hold - c.wrap
	if c.agent < 0 {
		talk = 0
	}
	b = appendInt(b, int64(talk))
	b = append(b, ',')
	b = appendInt(b, int64(c.hold))
	b = append(b, ',')
	b = appendInt(b, int64(c.wrap))
	b = append(b, ',')
	b = append(b, acdWrap[c.disp]...)
	b = append(b, ',')
	if c.xfer >= 0 {
		b = append(b, acdSkill[c.xfer]...)
	}
	b = append(b, ',')
	if !c.outbound {
		if c.wait <= acdSLASeconds && c.disp != dispAbandoned {
			b = append(b, 'Y')
		} else {
			b = append(b, 'N')
		}
	}
	b = append(b, '\n')
	e.end(b, c.t, exACD)
}

func (s *sim) emitChat(e *emitter, c *contact) {
	g, p := s.g, &s.p
	b := e.begin()
	b = append(b, `{"session_id":"`...)
	b = g.ids.appendChatID(b, p.idx, c.k)
	b = append(b, `","visitor":{"id":`...)
	if c.anon {
		b = append(b, `null,"authenticated":false}`...)
	} else {
		b = append(b, '"')
		b = g.ids.appendVisitor(b, p.idx)
		b = append(b, `","authenticated":true}`...)
	}
	b = append(b, `,"ticket_id":`...)
	if c.caseShow {
		b = append(b, '"')
		b = g.ids.appendCase(b, p.idx, int(c.need))
		b = append(b, '"')
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"department":`...)
	b = appendJSONString(b, chatDept[c.dept])
	b = append(b, `,"agent":`...)
	if c.agent >= 0 {
		a := &g.org.agents[c.agent]
		b = append(b, `{"id":`...)
		b = appendJSONString(b, a.id)
		b = append(b, `,"group":`...)
		b = appendJSONString(b, g.org.teams[a.team].name)
		b = append(b, '}')
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"intent":`...)
	intent := chatIntents[c.shown][0] // a misread need gets the bot's generic label
	if n := &s.needs[c.need]; c.shown == n.topic {
		intent = chatIntents[c.shown][n.intent]
	}
	b = appendJSONString(b, intent)
	b = append(b, `,"started":"`...)
	b = g.cal.appendISOOffset(b, c.t)
	b = append(b, `","wait_s":`...)
	b = appendInt(b, int64(c.wait))
	b = append(b, `,"duration_s":`...)
	b = appendInt(b, int64(c.handle))
	b = append(b, `,"status":"`...)
	b = append(b, chatStatus[c.disp]...)
	b = append(b, `","transfer_to":`...)
	if c.xfer >= 0 {
		b = appendJSONString(b, chatDept[c.xfer])
	} else {
		b = append(b, "null"...)
	}
	b = append(b, "}\n"...)
	e.end(b, c.t, exChat)
}

func (s *sim) emitStore(e *emitter, c *contact) {
	g, p := s.g, &s.p
	b := e.begin()
	b = g.ids.appendVisitID(b, p.idx, c.k)
	b = append(b, ',')
	if !c.anon {
		b = g.ids.appendCard(b, p.idx)
	}
	b = append(b, ',')
	b = append(b, g.org.storeIDs[c.store]...)
	b = append(b, ',')
	b = appendCSV(b, g.org.storeName[c.store])
	b = append(b, ',')
	if c.agent >= 0 {
		b = append(b, g.org.agents[c.agent].id...)
	}
	b = append(b, ',')
	b = g.cal.appendStoreTime(b, c.t)
	b = append(b, ',')
	if c.agent >= 0 {
		b = g.cal.appendStoreTime(b, c.t+int64(c.wait))
	}
	b = append(b, ',')
	b = g.cal.appendStoreTime(b, c.t+int64(c.wait)+int64(c.handle))
	b = append(b, ',')
	b = append(b, storeReason[c.shown]...)
	b = append(b, ',')
	b = append(b, storeResult[c.disp]...)
	b = append(b, ',')
	if c.xfer >= 0 {
		b = append(b, storeReferral[c.xfer]...)
	}
	b = append(b, ',')
	if c.caseShow {
		b = g.ids.appendCase(b, p.idx, int(c.need))
	}
	b = append(b, '\n')
	e.end(b, c.t, exStore)
}

func (s *sim) emitSurvey(e *emitter, c *contact) {
	g, p := s.g, &s.p
	b := e.begin()
	b = g.ids.appendSurveyID(b, p.idx, c.k)
	b = append(b, ',')
	b = g.ids.appendContactID(b, c.ch, p.idx, c.k)
	b = append(b, ',')
	b = append(b, g.names.survey[c.ch]...)
	b = append(b, ',')
	b = appendZulu(b, c.sentAt)
	b = append(b, ',')
	b = appendZulu(b, c.answered)
	b = append(b, ',')
	b = appendInt(b, int64(c.csat))
	b = append(b, ',')
	b = appendInt(b, int64(c.nps))
	b = append(b, '\n')
	e.end(b, c.answered, exSurvey)
}

func (s *sim) emitEvent(e *emitter, ev *event) {
	g, p := s.g, &s.p
	b := e.begin()
	b = g.ids.appendEventID(b, p.idx, ev.j)
	b = append(b, ',')
	b = g.ids.appendCRMCustomer(b, p.idx)
	b = append(b, ',')
	if ev.withCase {
		b = g.ids.appendCase(b, p.idx, int(ev.need))
	}
	b = append(b, ',')
	b = append(b, crmEventType[ev.kind]...)
	b = append(b, ',')
	b = appendCRMTime(b, ev.t)
	b = append(b, ',')
	if ev.cents > 0 {
		b = appendCents(b, ev.cents)
	}
	b = append(b, ',')
	b = appendCSV(b, crmNotes[ev.kind][ev.note])
	b = append(b, '\n')
	e.end(b, ev.t, exCRM)
}
