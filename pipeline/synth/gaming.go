package synth

import (
	"math/rand/v2"
	"slices"
)

// game is a gaming behaviour planted in a phone team: the team meets its
// KPIs by shifting the work instead of doing it (docs/definitions.md,
// "Gaming signals"; the detectors are sql/models/gaming_signals.sql).
type game uint8

const (
	gameNone game = iota
	// gameBunch: a call about to run past the department's AHT target is
	// cut just under it and passed on: transferred or promised a callback.
	gameBunch
	// gameHold: a call about to run past the target is put on hold until
	// the caller gives up, just under the target (wrapped unresolved).
	gameHold
	// gameSlide: after the team's target change, a third into the export,
	// calls get shorter week by week and fix fewer needs (AHT falls,
	// repeats rise).
	gameSlide
	// gameSurvey: the team's agents offer the survey only on the calls that
	// fixed the need (surveys "protect the system").
	gameSurvey
	nGames
)

// Parameters of the planted behaviours (written into ground_truth.json).
const (
	gameCutProb       = 0.8  // share of overrunning calls (T < h < 2T) the bunch/hold teams cut
	gameCutLo         = 0.86 // the cut call ends in [gameCutLo·T, gameCutHi·T)
	gameCutHi         = 0.995
	gameBunchXferProb = 0.65    // a cut call of the bunch team is transferred, else a callback is promised
	gameSlideFrom     = 1.0 / 3 // the target change, as a share of the export
	gameSlideStart    = 0.8     // handle-time (and fix-chance) factor right after the change …
	gameSlideEnd      = 0.5     // … falling linearly to this at the export's end
	gameSurveyFixed   = 0.9     // survey offer chance of the survey team on calls that fixed the need (0 otherwise)
)

var gameName = [nGames]string{"", "bunch_and_pass", "hold_until_hang_up", "aht_push_after_target_change", "survey_only_easy_calls"}

// gameSignals are the detectors (gaming_signals.signal) each behaviour is
// planted for.
var gameSignals = [nGames][]string{
	gameBunch:  {"bunching", "transfer_padding"},
	gameHold:   {"bunching", "hold_padding"},
	gameSlide:  {"aht_down_repeats_up"},
	gameSurvey: {"selective_survey"},
}

// plantGaming picks one phone team per behaviour among the teams that are
// neither rushed nor planted already, from its own random stream: the
// organisation and every other planted effect are the same with or
// without it (Options.NoGaming).
func (o *org) plantGaming(seed uint64) {
	r := rand.New(rand.NewPCG(seed, 0x67616d65)) // "game"
	var cands []int
	for i, t := range o.teams {
		if t.ch == chPhone && !t.rushed && len(t.agents) >= 2 {
			cands = append(cands, i)
		}
	}
	perm := r.Perm(len(cands))
	used := map[dept]bool{}
	gm := gameBunch
	// different departments where the centre has enough of them
	for pass := 0; pass < 2 && gm < nGames; pass++ {
		for _, j := range perm {
			tm := &o.teams[cands[j]]
			if gm == nGames {
				break
			}
			if tm.game != gameNone || pass == 0 && used[tm.dept] {
				continue
			}
			tm.game = gm
			used[tm.dept] = true
			for _, a := range tm.agents {
				o.agents[a].game = gm
			}
			gm++
		}
	}
}

// cutCall applies the bunch and hold behaviours to a phone call whose
// natural handle time would overrun the department's target: it reports
// whether the call was cut (then it does not fix the need; its wrap code
// is set by gameDisposition).
func (s *sim) cutCall(c *contact, a *agent) bool {
	if a.game != gameBunch && a.game != gameHold || c.ch != chPhone {
		return false
	}
	tgt := float64(ahtTarget[c.dept])
	if h := float64(c.handle); h <= tgt || h >= 2*tgt || s.r.Float64() >= gameCutProb {
		return false
	}
	end := tgt * s.uniform(gameCutLo, gameCutHi)
	c.handle = int32(end)
	c.wrap = int32(10 + 0.05*end)
	if a.game == gameHold {
		start := tgt * s.uniform(0.5, 0.7)
		c.hold = int32(end - start - float64(c.wrap))
	} else if c.hold+c.wrap >= c.handle {
		c.hold = 0
	}
	return true
}

// gameDisposition is the wrap code of a cut call.
func (s *sim) gameDisposition(n *need, c *contact, a *agent) (disp, int8) {
	if a.game == gameHold {
		return dispUnresolved, -1
	}
	if s.r.Float64() < gameBunchXferProb && !c.outbound {
		to := n.root
		if to == c.dept || to == dStore {
			to = neighbour[c.dept]
		}
		return dispTransferred, int8(to)
	}
	return dispCallback, -1
}

// slideFactor is the handle-time and fix-chance factor of a slide team's
// call at instant t (1 before the target change).
func (g *gen) slideFactor(t int64) float64 {
	from := g.cal.start + int64(gameSlideFrom*float64(g.cal.end-g.cal.start))
	if t < from {
		return 1
	}
	p := min(1, float64(t-from)/float64(max(g.cal.end-from, 1)))
	return gameSlideStart + (gameSlideEnd-gameSlideStart)*p
}

// GamingPlant is one planted gaming behaviour in ground_truth.json.
type GamingPlant struct {
	Behaviour  string   `json:"behaviour"`
	Team       string   `json:"team"`
	Department string   `json:"department"`
	Agents     []string `json:"agents"`
	// Signals are the gaming_signals detectors that should flag the team.
	Signals []string `json:"signals"`
	// From is the business date of the target change (slide only).
	From string `json:"from,omitempty"`
}

// GamingParams are the planted behaviours' parameters.
type GamingParams struct {
	CutProb            float64    `json:"cut_prob"`
	CutBand            [2]float64 `json:"cut_band_of_target"`
	BunchTransferProb  float64    `json:"bunch_transfer_prob"`
	SlideFrom          float64    `json:"slide_from_share_of_export"`
	SlideFactor        [2]float64 `json:"slide_factor"`
	SurveyOfferIfFixed float64    `json:"survey_offer_prob_if_fixed"`
}

func (g *gen) gamingTruth() ([]GamingPlant, *GamingParams) {
	o := g.org
	plants := []GamingPlant{}
	for gm := gameBunch; gm < nGames; gm++ {
		for _, t := range o.teams {
			if t.game != gm {
				continue
			}
			p := GamingPlant{Behaviour: gameName[gm], Team: t.name, Department: deptName[t.dept], Signals: gameSignals[gm]}
			for _, a := range t.agents {
				p.Agents = append(p.Agents, o.agents[a].id)
			}
			slices.Sort(p.Agents)
			if gm == gameSlide {
				from := g.cal.start + int64(gameSlideFrom*float64(g.cal.end-g.cal.start))
				d, _ := g.cal.wall(from)
				p.From = g.cal.dateString(d)
			}
			plants = append(plants, p)
		}
	}
	if g.opts.NoGaming {
		return plants, nil
	}
	return plants, &GamingParams{CutProb: gameCutProb, CutBand: [2]float64{gameCutLo, gameCutHi}, BunchTransferProb: gameBunchXferProb,
		SlideFrom: gameSlideFrom, SlideFactor: [2]float64{gameSlideStart, gameSlideEnd}, SurveyOfferIfFixed: gameSurveyFixed}
}
