package metrics

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
)

// Costs is the [costs] section: what an agent's hour costs, so the marts
// can say what the gap costs (docs/definitions.md, Cost):
//
//	[costs]
//	currency = "USD"
//	agent_hour = 35          # loaded cost of an agent hour: pay, benefits, seat, supervision
//	channel = { chat = 30 }  # per-channel agent hour, where it differs
//	visit = 0                # a flat cost added to every branch or store visit
//	customer_hour = 0        # the value of a customer's hour (0: shown in hours only)
//
// The agent cost of a contact is its handle time (talk + hold + after-call
// work, the contract's handle_seconds) × the agent hour of its channel,
// plus the flat visit cost for a branch or store visit.
type Costs struct {
	Currency     string             `toml:"currency" json:"currency"`
	AgentHour    *float64           `toml:"agent_hour" json:"agent_hour"`
	Channel      map[string]float64 `toml:"channel" json:"channel,omitempty"`
	Visit        *float64           `toml:"visit" json:"visit"`
	CustomerHour *float64           `toml:"customer_hour" json:"customer_hour"`
}

// Defaults of [costs]: a loaded agent hour of 35 (in US contact centers pay,
// benefits, the seat and supervision come to about 30-40 dollars an hour),
// no flat visit cost (a visit's handle time is already priced), and the
// customer's time in hours only.
const (
	DefaultCurrency     = "USD"
	DefaultAgentHour    = 35
	DefaultVisit        = 0
	DefaultCustomerHour = 0
)

// Rates are the cost settings in force.
type Rates struct {
	Currency string
	// Hourly is the agent hour per channel (every contract channel).
	Hourly map[string]float64
	// PerContact is the flat cost per contact of a channel (visits).
	PerContact map[string]float64
	// CustomerHour values the customer's time.
	CustomerHour float64
}

var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

// visitChannels carry the flat visit cost.
var visitChannels = []string{"branch", "store"}

// Rates applies the section to the defaults. channels are the contract's
// channels (a per-channel rate for another is refused, naming them).
func (c Costs) Rates(channels []string) (Rates, error) {
	r := Rates{Currency: DefaultCurrency, Hourly: map[string]float64{}, PerContact: map[string]float64{}, CustomerHour: DefaultCustomerHour}
	if c.Currency != "" {
		if !currencyRE.MatchString(c.Currency) {
			return r, fmt.Errorf("costs.currency = %q: want an ISO 4217 code such as USD, EUR or GBP", c.Currency)
		}
		r.Currency = c.Currency
	}
	money := func(key string, p *float64, def float64) (float64, error) {
		if p == nil {
			return def, nil
		}
		if math.IsNaN(*p) || math.IsInf(*p, 0) || *p < 0 {
			return 0, fmt.Errorf("costs.%s = %v: want zero or more %s", key, *p, r.Currency)
		}
		return *p, nil
	}
	hour, err := money("agent_hour", c.AgentHour, DefaultAgentHour)
	if err != nil {
		return r, err
	}
	visit, err := money("visit", c.Visit, DefaultVisit)
	if err != nil {
		return r, err
	}
	if r.CustomerHour, err = money("customer_hour", c.CustomerHour, DefaultCustomerHour); err != nil {
		return r, err
	}
	for ch, v := range c.Channel {
		if !slices.Contains(channels, ch) {
			return r, fmt.Errorf("costs.channel: unknown channel %q (channels: %s)", ch, strings.Join(channels, ", "))
		}
		if _, err := money("channel."+ch, &v, 0); err != nil {
			return r, err
		}
	}
	for _, ch := range channels {
		r.Hourly[ch] = hour
		if v, ok := c.Channel[ch]; ok {
			r.Hourly[ch] = v
		}
		if slices.Contains(visitChannels, ch) {
			r.PerContact[ch] = visit
		}
	}
	return r, nil
}
