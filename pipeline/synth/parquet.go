package synth

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
)

// With Format "parquet" the phone system is an Amazon Connect instance:
// its calls are exported as the analytics data lake's contact_record table
// (Parquet, the columns the amazon_connect_datalake preset reads), written
// through parquet-go, so the shipped Parquet preset and the lake's Parquet
// path run on the simulator's data at any size. The survey tool and the
// MDM call that system CONNECT; the other systems keep their exports.
var connectNames = func() names {
	n := csvNames
	n.system[sysACD] = "amazon_connect"
	n.survey[chPhone] = "CONNECT"
	n.mdm[sysACD] = "CONNECT"
	n.base[exACD] = "contact_record"
	n.ext[exACD] = ".parquet"
	n.connect = true
	return n
}()

// connectRecord is one row of contact_record: a subset of its documented
// columns (names and types as the data lake has them; durations in
// milliseconds, instants in UTC).
type connectRecord struct {
	InstanceID                 string            `parquet:"instance_id"`
	ContactID                  string            `parquet:"contact_id"`
	InitialContactID           *string           `parquet:"initial_contact_id,optional"`
	PreviousContactID          *string           `parquet:"previous_contact_id,optional"`
	NextContactID              *string           `parquet:"next_contact_id,optional"`
	Channel                    string            `parquet:"channel"`
	InitiationMethod           string            `parquet:"initiation_method"`
	InitiationTimestamp        time.Time         `parquet:"initiation_timestamp,timestamp(millisecond)"`
	DisconnectTimestamp        time.Time         `parquet:"disconnect_timestamp,timestamp(millisecond)"`
	DisconnectReason           string            `parquet:"disconnect_reason"`
	TransferCompletedTimestamp *time.Time        `parquet:"transfer_completed_timestamp,optional,timestamp(millisecond)"`
	QueueID                    *string           `parquet:"queue_id,optional"`
	QueueName                  *string           `parquet:"queue_name,optional"`
	QueueDurationMS            *int64            `parquet:"queue_duration_ms,optional"`
	AgentID                    *string           `parquet:"agent_id,optional"`
	AgentUsername              *string           `parquet:"agent_username,optional"`
	AgentInteractionMS         *int64            `parquet:"agent_interaction_duration_ms,optional"`
	AgentHoldMS                *int64            `parquet:"agent_customer_hold_duration_ms,optional"`
	AgentACWMS                 *int64            `parquet:"agent_after_contact_work_duration_ms,optional"`
	HierarchyLevel1            *string           `parquet:"agent_hierarchy_groups_level_1_name,optional"`
	HierarchyLevel2            *string           `parquet:"agent_hierarchy_groups_level_2_name,optional"`
	HierarchyLevel3            *string           `parquet:"agent_hierarchy_groups_level_3_name,optional"`
	HierarchyLevel4            *string           `parquet:"agent_hierarchy_groups_level_4_name,optional"`
	HierarchyLevel5            *string           `parquet:"agent_hierarchy_groups_level_5_name,optional"`
	CustomerEndpointAddress    *string           `parquet:"customer_endpoint_address,optional"`
	Attributes                 map[string]string `parquet:"attributes"`
}

// connectLeg is a transfer leg waiting for the leg that follows it.
type connectLeg struct{ contactID, initialID string }

// connectWriter turns the ACD's call-leg lines into contact records.
type connectWriter struct {
	w       *parquet.GenericWriter[connectRecord]
	buf     []connectRecord
	pending map[string]connectLeg // ConnID → the leg that transferred it
	fields  [][]byte
}

// connectBatch rows are buffered before each write (a row group holds many).
const connectBatch = 4096

func newConnectWriter(w io.Writer, pending map[string]connectLeg) *connectWriter {
	return &connectWriter{
		w:       parquet.NewGenericWriter[connectRecord](w, parquet.Compression(&zstd.Codec{})),
		pending: pending,
	}
}

// Lookups from the ACD's codes back to what a Connect instance records:
// queue names, the contact-reason attribute flows set, the wrap-up.
var (
	skillDept = func() map[string]string {
		m := map[string]string{}
		for d, s := range acdSkill {
			if s != "" {
				m[s] = deptName[d]
			}
		}
		return m
	}()
	ivrTopic = func() map[string]string {
		m := map[string]string{}
		for t, s := range acdIVR {
			m[s] = topicName[t]
		}
		return m
	}()
	wrapDisp = func() map[string]string {
		m := map[string]string{}
		for d, s := range acdWrap {
			m[s] = dispName[d]
		}
		return m
	}()
)

// write converts one ACD line (see exportHeader[exACD]; its fields are
// never quoted) that starts at t (Unix seconds).
func (c *connectWriter) write(t int64, line []byte) error {
	c.fields = bytes.Split(bytes.TrimRight(line, "\n"), []byte{','})
	if len(c.fields) != 17 {
		return fmt.Errorf("contact_record: ACD line with %d fields: %q", len(c.fields), line)
	}
	f := func(i int) string { return string(c.fields[i]) }
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	secs := func(i int) (int64, error) {
		n, err := strconv.ParseInt(f(i), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("contact_record: field %d of %q: %w", i, line, err)
		}
		return n, nil
	}
	wait, err := secs(10)
	if err != nil {
		return err
	}
	var dur [3]int64 // talk, hold, after-call work
	for i := range dur {
		if dur[i], err = secs(11 + i); err != nil {
			return err
		}
	}
	callID, connID, agent := f(0), f(1), f(7)
	start := time.Unix(t, 0).UTC()
	end := start.Add(time.Duration(wait+dur[0]+dur[1]) * time.Second)
	r := connectRecord{
		InstanceID: "synthetic-instance", ContactID: callID, Channel: "VOICE", InitiationMethod: "INBOUND",
		InitiationTimestamp: start, DisconnectTimestamp: end, DisconnectReason: "CUSTOMER_DISCONNECT",
		QueueID: opt(f(6)), QueueName: opt(skillDept[f(6)]), QueueDurationMS: ptr(wait * 1000),
		Attributes: map[string]string{},
	}
	if f(2) == "OUT" {
		r.InitiationMethod = "OUTBOUND"
	}
	if prev, ok := c.pending[connID]; ok {
		delete(c.pending, connID)
		r.InitiationMethod = "TRANSFER"
		r.PreviousContactID, r.InitialContactID = opt(prev.contactID), opt(prev.initialID)
	}
	if f(15) != "" { // a transfer: the next leg of this connection follows
		initial := callID
		if r.InitialContactID != nil {
			initial = *r.InitialContactID
		}
		c.pending[connID] = connectLeg{contactID: callID, initialID: initial}
		r.TransferCompletedTimestamp = &end
		r.DisconnectReason = "AGENT_DISCONNECT"
	}
	if agent != "" {
		r.AgentID, r.AgentUsername = opt(agent), opt(agent)
		r.AgentInteractionMS, r.AgentHoldMS, r.AgentACWMS = ptr(dur[0]*1000), ptr(dur[1]*1000), ptr(dur[2]*1000)
		r.HierarchyLevel1, r.HierarchyLevel2 = opt("Customer Care"), opt(f(8))
	}
	// Contact attributes, as the instance's flows would set them. The
	// disposition is the agent's wrap-up; an abandoned call and a transfer
	// have none (the preset reads those from the record itself).
	for k, v := range map[string]string{"CustomerId": f(3), "CaseId": f(4), "ContactReason": ivrTopic[f(5)]} {
		if v != "" {
			r.Attributes[k] = v
		}
	}
	if d := wrapDisp[f(14)]; d != "" && d != dispName[dispAbandoned] && d != dispName[dispTransferred] {
		r.Attributes["Disposition"] = d
	}
	c.buf = append(c.buf, r)
	if len(c.buf) >= connectBatch {
		return c.flush()
	}
	return nil
}

func (c *connectWriter) flush() error {
	if _, err := c.w.Write(c.buf); err != nil {
		return fmt.Errorf("contact_record: %w", err)
	}
	c.buf = c.buf[:0]
	return nil
}

// close writes the buffered rows and the file's footer.
func (c *connectWriter) close() error {
	if err := c.flush(); err != nil {
		return err
	}
	if err := c.w.Close(); err != nil {
		return fmt.Errorf("contact_record: %w", err)
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
