// Package synth simulates a contact center and writes the raw exports its
// systems would produce, plus the ground truth the pipeline should recover
// from them (`mcnamara generate`).
//
// # The simulation
//
// People have needs (a need = one true journey: billing, technical,
// delivery, warranty, account, cancellation). A need arrives at some
// moment; the customer contacts the organisation on their preferred
// channel (phone, chat, store) during opening hours, with the channel's
// intraday pattern (morning peak, lunch dip) and weekday pattern (Mondays
// busiest; the phone line is closed on Sundays). The IVR or chat bot
// routes the contact to a department, sometimes the wrong one. An agent on
// shift handles it; handle and queue times are long-tailed (lognormal),
// queues are longer at peaks and callers abandon when they run out of
// patience. The contact really fixes the need with a probability that
// depends on the department, the agent's skill, the need's difficulty and
// whether the agent took the time the need required. If it did not, the
// agent still wraps it up with a code of their choosing (the KPI view):
// "resolved", a transfer, a callback, an escalation or "not resolved".
// Transfers continue the call immediately in the next department;
// callbacks and escalations come back as outbound calls days later; a
// customer told "resolved" finds out days later and comes back, often on
// another channel; a customer who keeps failing may give up. At the end of
// the need the CRM logs outcome events: a confirmed resolution (only for
// needs that had a CRM case), refunds, cancelled orders, complaints,
// disputes and churn.
//
// Planted effects (all recorded in ground_truth.json under "planted"):
//
//   - Rushed agents: one phone team and about 4% of the other phone and
//     chat agents are pushed by the AHT target. They handle in 55% of the
//     normal time (so they fix less), and wrap an unfixed contact as
//     "resolved" with probability 0.55 instead of about 0.10: high claimed
//     success, high resolved-then-came-back and gap rates.
//   - Ping-pong: 22% of billing and technical needs are outage-credit
//     problems that only Billing can fix; Billing and Technical Support
//     transfer them to each other (and call back) until Billing gives in.
//   - Overclaiming department: Delivery's agents wrap an unfixed contact
//     as "resolved" with probability at least 0.6 ("your parcel is on its
//     way"), so its claimed FCR exceeds its measured 7-day FCR the most
//     (Planted.FCROverclaim; the margin is in observed, by department).
//   - Survey bias: a survey is sent after 40% of contacts wrapped
//     "resolved" and 6% of the others; 30% answer. Customers rate what they
//     believe at the time, so CSAT looks good.
//   - Churn rises with effort (contacts + hops of the need); see
//     Planted.ChurnModel.
//   - Nightmare journeys: every n-th person (Planted.NightmareEveryNthPerson)
//     lives the warranty story of seed 002: 7 calls and 4 store visits over
//     six weeks, passed between store, Warranty and Accounts, closed as
//     "resolved" twice, ending in a refund, a voided order and a
//     re-purchase (journeys are compressed when --days is under 60).
//   - Gaming (unless Options.NoGaming): four phone teams, neither rushed
//     nor planted otherwise, each game the AHT target one way (gaming.go):
//     "bunch_and_pass" cuts 80% of the calls that would overrun the target
//     (T < handle < 2T) to [0.86T, 0.995T) and transfers them (65%) or
//     promises a callback; "hold_until_hang_up" cuts them the same way by
//     holding the caller from 0.5–0.7T until they give up (wrapped
//     unresolved); "aht_push_after_target_change" shortens its calls (and
//     its chance to fix) by a factor falling from 0.8 to 0.5 from a third
//     into the export on; "survey_only_easy_calls" offers the survey on 90%
//     of the calls that fixed the need and on no other. Each plant names
//     the gaming_signals detectors that should flag its team.
//   - Systems that do not talk: each system has its own customer key and
//     id formats; the MDM (identity map) links 97% of keys to the person;
//     CRM case numbers appear on some contacts only (80% of calls, 60% of
//     chats, 30% of store visits once a case exists).
//
// Every person is simulated from a random source seeded with (seed, person
// index), in chunks of people that run in parallel; each chunk's rows are
// sorted by time into a run file and the runs are merged into the exports,
// so files are in time order, memory stays bounded, and the output is
// byte-identical for a seed whatever the number of workers. Needs arrive
// uniformly over a warm-up (14 days, or --days when shorter, at least 7)
// and the export, so journeys are already under way when the export starts
// (their earlier contacts are not exported) and the first days look like
// the others. People are added until the exported contacts reach
// --contacts; the last person's contacts may overshoot it by a few.
//
// # The exports
//
// All local times are in America/New_York (BusinessZone). With Daily each
// export is written per business day as NAME_YYYY-MM-DD.EXT (days without
// rows get a header-only file); rows belong to the day of their own
// timestamp (surveys: answered_at; identities: the person's first row).
// Rows are in time order within each file. The presets in
// sql/presets/synth_*.sql map them to the contract.
//
// acd_calls.csv — the phone system's call log, one row per call leg:
//
//	CallID      12-digit leg id (contact_id)
//	ConnID      connection id shared by the legs of one call
//	Direction   IN, or OUT for callbacks
//	CallerAcct  account number keyed in the IVR; empty = anonymous caller
//	CaseRef     CRM case number when the agent linked one (CS + 10 digits)
//	IVRReason   menu choice: BILL_INQ TECH_ISSUE ORDER_STATUS WARRANTY ACCT_CHANGE CANCEL_SVC
//	Skill       queue: Q_BILLING Q_TECH Q_ACCOUNTS Q_RETENTION Q_WARRANTY Q_DELIVERY
//	AgentID     5-digit login; empty when abandoned
//	AgentTeam   team (BIL-1, TEC-2, ...)
//	StartTime   local, naive: 01/05/2026 09:14:03 AM
//	QueueSecs   wait; TalkSecs, HoldSecs, WrapSecs: handle = their sum
//	WrapCode    RESOLVED NOT_RESOLVED XFER ESCALATED ABANDON CALLBACK
//	XferSkill   the queue a XFER leg was sent to
//	SLA_Met     Y/N: answered within 20 s (empty for outbound)
//
// contact_record.parquet — instead of acd_calls.csv with Format "parquet":
// the same legs as an Amazon Connect analytics data lake contact_record
// table (parquet.go), loaded by the amazon_connect_datalake preset. The
// phone system is then called amazon_connect (CONNECT by the survey tool
// and the MDM); disposition, customer, case and reason travel as contact
// attributes, as a Connect instance's flows would set them.
//
// chat_sessions.jsonl — the chat platform, one JSON object per session:
//
//	{"session_id":"chs_…","visitor":{"id":"v_<16 hex>"|null,"authenticated":bool},
//	 "ticket_id":"CS…"|null,"department":"Billing"|"Tech Support"|"Accounts"|
//	 "Cancellations"|"Warranty"|"Orders & Delivery","agent":{"id":"cx-…","group":"Chat …"}|null,
//	 "intent":"billing.charge_question"|…,"started":"2026-01-05T09:14:03-05:00",
//	 "wait_s":41,"duration_s":512,"status":"solved"|"unsolved"|"transferred"|
//	 "escalated"|"missed"|"follow_up","transfer_to":"Tech Support"|null}
//
// store_visits.csv — the stores' check-in system, one row per visit:
//
//	visit_id      V + 12 digits
//	loyalty_card  16-digit card (Luhn); empty = no card shown (anonymous)
//	store_id, store_name  the store (a team of Store Services)
//	associate_id  E + 5 digits; empty when the customer left unserved
//	checkin, served, checkout  local, naive, minutes: 2026-01-05T14:03
//	reason        Bill question, Device not working, Order pickup issue,
//	              Warranty claim, Account change, Cancel service
//	outcome       Issue resolved, Not resolved, Referred to phone support,
//	              Escalated to manager, Left before served, Follow-up scheduled
//	referred_to   the phone line a referral sends to (Billing hotline, …)
//	crm_case      CRM case number, when linked
//
// crm_events.csv — CRM outcome events, one row per event:
//
//	EventId         EV + 12 digits
//	CustomerId      the CRM's customer key (CU + 9 digits)
//	CaseNumber      CS + 10 digits; empty for account-level events
//	EventType       Case Resolved - Customer Confirmed (resolved), Case Reopened
//	                (reopened), Complaint Logged (complaint), Chargeback Filed
//	                (dispute), Account Closed (churn), Refund Issued (refund),
//	                Order Cancelled (cancelled)
//	EventTimestamp  UTC: 2026-01-05 14:03:00+00
//	Amount          dollars with cents, or empty
//	Note            free text (CSV-quoted when it has commas or quotes)
//
// surveys.csv — answered post-contact surveys:
//
//	survey_id, contact_ref (the contact's id in its system), source (ACD,
//	CHAT, STORE), sent_at and answered_at (UTC: 2026-01-05T14:03:27Z),
//	csat (1..5), nps (0..10)
//
// identity_map.csv — the MDM export:
//
//	master_id (MDM-… = the person), source_system (ACD, CHAT, LOYALTY, CRM),
//	source_key (that system's customer key), match_rule, linked_on (date)
//
// # ground_truth.json
//
// Decoded by Truth. Fields:
//
//	schema        "mcnamara-synth-truth/1"
//	params        seed, contacts_requested, days, start (first exported
//	              date), end (first date after), timezone, daily, warmup_days
//	targets       the scorecard targets used for claimed success:
//	              repeat_window_days (7), churn_window_days (90), csat_target
//	              (4), answer_target_seconds per channel, aht_target_seconds
//	              per department
//	planted       rushed_teams, rushed_agents (agent ids), the rushed and
//	              normal behaviour parameters, ping_pong (the department
//	              pair), ping_pong_need_share, fcr_overclaim_department and
//	              fcr_overclaim_claim_prob, survey send/response
//	              probabilities, churn_model, identity_coverage,
//	              nightmare_every_nth_person, nightmare_script; gaming
//	              (behaviour, team, department, agents, signals, from: the
//	              slide's target change) and gaming_params
//	files         per export: name (or the daily glob), files, rows (data
//	              rows, header excluded)
//	totals        contacts (= rows of the three contact exports),
//	              contacts_by_source (with anonymous), persons (people with
//	              at least one exported row), needs (with at least one
//	              exported contact), outcome_events per kind (= crm rows),
//	              surveys (= survey rows), identities (= identity rows)
//	true          figures from the simulator's knowledge (below)
//	observed      figures under the pipeline's journey definition (below)
//	transfers     exported contacts wrapped as a transfer, by department
//	              and transferred_to (store referrals count from Store Services)
//	survey_bias   handled (not abandoned) contacts by wrap code "resolved"
//	              vs "other": contacts, surveys_sent, surveys_answered
//	              (exported), mean_csat
//	churn_by_effort  needs with an exported contact by effort bucket
//	              (effort = contacts + hops of the whole need, hop = a
//	              change of department or channel between consecutive
//	              contacts): needs, churned (the need ended in a churn
//	              event, exported or not), churn_rate
//	nightmares    count (nightmare needs with an exported contact) and up
//	              to 20 examples: person_id, customer_keys (with mapped),
//	              first/last contact, days, calls, chats, store_visits,
//	              hops, hours_spent (wait + handle + 30 min travel per
//	              visit), contacts (source_system, contact_id)
//
// true and observed each hold overall, channels, departments, teams and
// agents (sorted by member). A row counts exported contacts by the
// contact's own department, channel, agent and team (abandoned contacts
// have no agent; abandoned calls and chats no team; store visits always
// count for their store). Both views share the KPI side:
//
//	contacts            exported contacts (observed: identified ones only)
//	anonymous_contacts  contacts without a customer key (observed: not
//	                    counted in any other observed field)
//	abandoned, transferred   by disposition
//	claimed_resolved    disposition resolved
//	claimed_success     disposition resolved AND handle_seconds ≤ the
//	                    department's AHT target AND wait_seconds ≤ the
//	                    channel's answer target AND (no exported survey OR
//	                    its csat ≥ 4); computed from the exported values
//	surveys, mean_csat  exported surveys of these contacts
//	aht_seconds         mean handle over contacts that were not abandoned
//	mean_wait_seconds   mean wait over all contacts
//
// and differ in the journey side. In "true", the journey is the need:
//
//	repeat_contacts     2nd+ contacts of their need (earlier contacts may
//	                    lie in the warm-up)
//	followed_by_repeat  another contact of the need follows (even after
//	                    the export ends)
//	outcome_failed      followed_by_repeat OR the need ended badly: not
//	                    fixed, reopened, complaint, dispute or churn
//	gap_contacts        claimed_success AND outcome_failed
//	resolved_then_repeat  claimed_resolved AND followed_by_repeat
//	verified_resolved   the contact fixed the need and it did not end badly
//	open_contacts       always 0
//
// In "observed", journeys are rebuilt from the exported columns only:
//
//  1. person = identities.person_id of (source_system, customer_key), else
//     the customer_key itself; contacts without a key are not journeyed.
//  2. Contacts with a case_id form one journey per case_id.
//  3. The other contacts of a person, ordered by (started_at,
//     source_system, contact_id), form chains: a contact starts a new
//     journey unless it starts within 7 days (≤ 604800 s) of the person's
//     previous contact without a case_id.
//  4. Within a journey contacts are ordered by (started_at, source_system,
//     contact_id); repeat_contacts = not first, followed_by_repeat = not last.
//  5. Outcome events link to the journey whose case_id they carry; events
//     without a case_id, or whose case appears on no contact, link to every
//     journey of their person (through identities, CRM key) whose
//     [first started_at, last started_at + 90 days] holds occurred_at.
//  6. A journey ended badly when a linked event is reopened, complaint,
//     dispute or churn, or when it has a case_id and no linked resolved
//     event (the CRM confirms resolutions of cased needs only).
//  7. The last contact of a journey is open when started_at + 7 days is
//     after the end of the export: neither failed nor verified. Otherwise
//     outcome_failed = followed_by_repeat OR ended badly, and
//     verified_resolved = last contact AND not ended badly.
//  8. gap_contacts = claimed_success AND outcome_failed;
//     open_claimed_success = claimed_success AND open.
//
// Both views also carry handle_seconds (the sum, every contact: the cost
// mart's agent hours; the observed view's leaves out anonymous contacts);
// the observed view alone carries repeat_handle_seconds (2nd+ contacts of
// journeys: failure demand), rework_handle_seconds (contacts after a
// claimed success in their journey: the gap's rework), ping_pongs (a
// contact back in the department of two contacts before, from another),
// and the FCR ladder's 7-day rung: fcr_judged_7d (contacts started 7 days
// or more before the export's end), claimed_fcr_7d (of them, disposition
// resolved) and measured_fcr_7d (1 − those followed by another contact of
// the person, any journey, within 7 days).
//
// Rates are rounded to 4 decimals: claimed_resolution_rate =
// claimed_resolved/contacts, claimed_success_rate = claimed_success/
// contacts, outcome_failed_rate = outcome_failed/(contacts − open),
// gap_rate = gap_contacts/claimed_success, repeat_rate =
// followed_by_repeat/contacts, failure_demand_share =
// repeat_contacts/contacts, resolved_then_repeat_rate =
// resolved_then_repeat/claimed_resolved, verified_resolution_rate =
// verified_resolved/contacts.
package synth
