package contract

import "time"

// Go views of the contract tables, for code that writes or reads lake rows
// directly (fixtures, the generator's checks, parquet-go readers). Their
// parquet tags are the contract column names; TestTypesMatchTables keeps
// them in step with Tables.

// Contact is one row of contacts.
type Contact struct {
	ContactID     string    `parquet:"contact_id"`
	SourceSystem  string    `parquet:"source_system"`
	CustomerKey   *string   `parquet:"customer_key,optional"`
	CaseID        *string   `parquet:"case_id,optional"`
	Channel       string    `parquet:"channel"`
	Department    *string   `parquet:"department,optional"`
	AgentID       *string   `parquet:"agent_id,optional"`
	Team          *string   `parquet:"team,optional"`
	Topic         *string   `parquet:"topic,optional"`
	StartedAt     time.Time `parquet:"started_at,timestamp(microsecond)"`
	WaitSeconds   *float64  `parquet:"wait_seconds,optional"`
	HandleSeconds *float64  `parquet:"handle_seconds,optional"`
	HoldSeconds   *float64  `parquet:"hold_seconds,optional"`
	TransferredTo *string   `parquet:"transferred_to,optional"`
	Disposition   *string   `parquet:"disposition,optional"`
	SLAMet        *bool     `parquet:"sla_met,optional"`
	CSAT          *float64  `parquet:"csat,optional"`
	Reassignments *int32    `parquet:"reassignments,optional"`
}

// Outcome is one row of outcomes.
type Outcome struct {
	EventID      string    `parquet:"event_id"`
	SourceSystem string    `parquet:"source_system"`
	CustomerKey  *string   `parquet:"customer_key,optional"`
	CaseID       *string   `parquet:"case_id,optional"`
	OccurredAt   time.Time `parquet:"occurred_at,timestamp(microsecond)"`
	Kind         string    `parquet:"kind"`
	Amount       *float64  `parquet:"amount,optional"`
	Note         *string   `parquet:"note,optional"`
}

// Survey is one row of surveys.
type Survey struct {
	ContactID    string    `parquet:"contact_id"`
	SourceSystem string    `parquet:"source_system"`
	AnsweredAt   time.Time `parquet:"answered_at,timestamp(microsecond)"`
	CSAT         *float64  `parquet:"csat,optional"`
	NPS          *int32    `parquet:"nps,optional"`
}

// Identity is one row of identities.
type Identity struct {
	SourceSystem string `parquet:"source_system"`
	CustomerKey  string `parquet:"customer_key"`
	PersonID     string `parquet:"person_id"`
}
