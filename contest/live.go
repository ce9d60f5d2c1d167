package contest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"gridskill"
	"gridskill/scoring"
)

// Phases of a live round.
const (
	phaseIdle      = "idle"      // no round is running
	phaseLobby     = "lobby"     // a round is started, no question yet
	phaseStaking   = "staking"   // wager: players pick a stake before the question
	phaseReading   = "reading"   // the stem alone
	phaseOpen      = "open"      // options shown: answers (or buzzes) accepted
	phaseBuzzing   = "buzzing"   // buzzer: the window after the first buzz, for phones with a slower line
	phaseAnswering = "answering" // buzzer: the first buzzer answers
	phaseJudging   = "judging"   // judge: the panel scores a performance
	phaseResults   = "results"   // closed: right answer, distribution, top 10
	phasePaused    = "paused"    // interrupted by a restart: the host resumes or closes
	phasePodium    = "podium"    // the round's end
	phaseDone      = "done"
)

// MaxDelay bounds the network delay taken off a phone's answer time.
const MaxDelay = time.Second

// Host actions.
const (
	ActStart  = "start"  // start a round (lobby)
	ActNext   = "next"   // the next question or task, or the podium after the last
	ActShow   = "show"   // show the options now (ends reading or staking)
	ActClose  = "close"  // close answers now
	ActResume = "resume" // re-open an interrupted question with its remaining time
	ActFinish = "finish" // end the round with its podium
)

type player struct {
	id, name, team string
	plays          bool
	points         float64
	timeMS         int64
	streak         int
	rank           int
	answers        int // questions answered, right or wrong: the tie-break of scoring.Rank
	// shownPoints and shownStreak are the points and streak as of the last
	// closed question: what phones see, so that no score includes an open one.
	shownPoints float64
	shownStreak int
	delays      []int64

	// captain is, in a captain round, who answers for the player's team.
	captain string

	// The current item.
	ans    *answer
	stake  int
	staked bool
	buzzed bool
	// falseStart: the player buzzed before the options showed, in a
	// contest that penalises it.
	falseStart bool
	gained     float64
}

type answer struct {
	choice  []string
	correct bool
	timeMS  int64
	gained  float64
	written chan struct{} // closed once the answer is in the database
	err     error
}

// live is the in-memory state of a contest's running round. hostMu orders
// phase changes (host actions and timers); mu guards the state.
type live struct {
	s      *Service
	hostMu sync.Mutex
	mu     sync.Mutex
	c      Contest
	round  Round
	st     liveDoc
	hub    *hub

	players  map[string]*player
	all      []*player // participants in contest order
	judged   map[string]float64
	dist     map[string]int
	answered int
	closing  bool
	buzzes   []scoring.Buzz
	buzzSeq  uint64
	// buzzFloor is the earliest time a new buzz may take: once the answering
	// starts the order so far is fixed, and later buzzes come after it.
	buzzFloor time.Time
	// interrupted is the phase a restart cut short, with the time it had left.
	interrupted string
	remaining   time.Duration
	lastJudge   float64
	warned      int // 1 + the judge task whose close was refused once for missing scores
	timer       gridskill.Timer
	gen         uint64 // counts scheduled phases, so a stale timer does nothing
	stopped     bool   // the process let go of the round: timers do nothing
	dirty       bool
	ranked      []scoring.Ranked
	teamRanked  []scoring.Ranked
	teamPos     map[string]scoring.Ranked // team id → its place in teamRanked
	// final and finalTeams are the contest's overall standing, once the
	// round that ends the contest is on its podium.
	final, finalTeams []rowJSON
}

func (l *live) roundID() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.round.ID
}

func (s *Service) liveOf(contestID string) *live {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.live[contestID]
}

func (s *Service) running(contestID string) bool {
	l := s.liveOf(contestID)
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.st.Phase != phasePodium && l.st.Phase != phaseDone
}

// newLive makes the state of a round about to run. In a captain round only
// captains play, and only for teams that play: every team, or, when the
// round has entrants, the teams with at least one entrant.
func newLive(s *Service, c Contest, r Round, h *hub) *live {
	l := &live{s: s, c: c, round: r, hub: h, players: map[string]*player{}, judged: map[string]float64{}, dist: map[string]int{}}
	captains, teamPlays := map[string]string{}, map[string]bool{}
	if r.Captains {
		for _, t := range c.Teams {
			if p, ok := c.Captain(t.ID); ok {
				captains[t.ID] = p.ID
			}
		}
		for _, p := range c.Participants {
			teamPlays[p.TeamID] = teamPlays[p.TeamID] || r.Plays(p.ID)
		}
	}
	for _, p := range c.Participants {
		pl := &player{id: p.ID, name: p.Name, team: p.TeamID, plays: r.Plays(p.ID)}
		if r.Captains {
			pl.captain = captains[p.TeamID]
			pl.plays = p.TeamID != "" && pl.captain == p.ID && teamPlays[p.TeamID]
		}
		l.players[p.ID] = pl
		l.all = append(l.all, pl)
	}
	return l
}

// rebuild makes the live state of a round from its stored phase and facts.
func (s *Service) rebuild(ctx context.Context, c Contest, ld liveDoc) (*live, error) {
	r, _, ok := c.Round(ld.Round)
	if !ok {
		return nil, fmt.Errorf("live round %s of contest %s is gone", ld.Round, c.ID)
	}
	h, err := s.hubOf(ctx, c)
	if err != nil {
		return nil, err
	}
	facts, err := s.repo.facts(ctx, c.ID, r.ID)
	if err != nil {
		return nil, fmt.Errorf("load facts of %s: %w", c.ID, err)
	}
	l := newLive(s, c, r, h)
	byItem := map[int][]factDoc{}
	for _, f := range facts {
		byItem[f.Item] = append(byItem[f.Item], f)
	}
	closed := ld.Phase == phaseResults || ld.Phase == phasePodium
	ranked := false
	for i := 0; i <= ld.Item && i < r.Items(); i++ {
		if i == ld.Item && !closed {
			l.rank() // what was shown before the open question
			ranked = true
		}
		l.resetItem()
		st := liveDoc{ID: c.ID, Round: r.ID, Item: i, Phase: phaseOpen}
		l.st = st
		for _, f := range byItem[i] {
			l.replay(f)
		}
		if i < ld.Item || closed {
			l.settle()
		}
	}
	l.st = ld
	if !ranked {
		l.rank()
	}
	switch ld.Phase {
	case phaseReading, phaseOpen, phaseBuzzing, phaseAnswering, phaseStaking, phaseJudging:
		l.interrupted = ld.Phase
		last := ld.ShownAt
		for _, f := range byItem[ld.Item] {
			if f.At.After(last) {
				last = f.At
			}
		}
		if ld.Phase == phaseOpen || ld.Phase == phaseAnswering {
			l.remaining = max(ld.Deadline.Sub(last), 0)
		}
		l.st.Phase = phasePaused
	}
	if ld.Phase == phasePodium {
		final, err := s.finalRows(ctx, c)
		if err != nil {
			return nil, err
		}
		l.final, l.finalTeams = final.people, final.teams
	}
	l.publish(false)
	return l, nil
}

// replay applies a stored fact to the state, as it was applied when it happened.
func (l *live) replay(f factDoc) {
	p := l.players[f.Worker]
	switch f.Kind {
	case factAnswer:
		if p == nil {
			return
		}
		a := &answer{choice: f.Answer, correct: f.Correct, timeMS: f.TimeMS, written: closedChan}
		l.applyAnswer(p, a)
		if l.round.Kind == Buzzer {
			l.st.Answerer++
		}
	case factStake:
		if p != nil {
			p.stake, p.staked = f.Stake, true
		}
	case factBuzz:
		if p != nil {
			p.buzzed = true
			l.buzzes = append(l.buzzes, scoring.Buzz{PlayerID: f.Worker, At: f.At, Seq: f.Seq})
			l.buzzSeq = max(l.buzzSeq, f.Seq)
			if f.At.After(l.buzzFloor) {
				l.buzzFloor = f.At
			}
		}
	case factFalseStart:
		if p != nil {
			p.falseStart, p.buzzed = true, true
		}
	case factScore:
		l.judged[f.Worker] = f.Score
	}
}

var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

func (l *live) resetItem() {
	for _, p := range l.all {
		p.ans, p.stake, p.staked, p.buzzed, p.falseStart, p.gained = nil, 0, false, false, false, 0
	}
	clear(l.judged)
	clear(l.dist)
	l.answered, l.buzzes, l.closing, l.lastJudge, l.buzzFloor = 0, nil, false, 0, time.Time{}
	l.st.Answerer = 0
}

func (l *live) question() (Question, bool) {
	if l.round.Kind == Judge || l.st.Item < 0 || l.st.Item >= len(l.round.Questions) {
		return Question{}, false
	}
	return l.round.Questions[l.st.Item], true
}

// applyAnswer adds an answer's points to its player. Call with mu held.
func (l *live) applyAnswer(p *player, a *answer) {
	q, _ := l.question()
	switch l.round.Kind {
	case Speed:
		a.gained = float64(scoring.SpeedPoints(a.correct, time.Duration(a.timeMS)*time.Millisecond, q.Limit(), q.Points))
		p.streak = scoring.NextStreak(p.streak, a.correct)
		if l.c.Streak && a.correct {
			a.gained += float64(scoring.StreakBonus(p.streak))
		}
	case Wager:
		pts, err := scoring.WagerPoints(a.correct, l.stakeOf(p), l.round.Stakes)
		if err == nil {
			a.gained = float64(pts)
		}
	case Buzzer:
		a.gained = float64(scoring.BuzzerPoints(a.correct, q.Points, l.round.Penalty))
	}
	p.ans = a
	p.points += a.gained
	p.gained = a.gained
	p.timeMS += a.timeMS
	if len(a.choice) > 0 {
		p.answers++
	}
	l.answered++
	for _, k := range a.choice {
		l.dist[k]++
	}
}

func (l *live) unapplyAnswer(p *player, a *answer) {
	if p.ans != a {
		return
	}
	p.points -= a.gained
	p.timeMS -= a.timeMS
	if len(a.choice) > 0 {
		p.answers--
	}
	p.gained = 0
	p.ans = nil
	l.answered--
	for _, k := range a.choice {
		l.dist[k]--
	}
}

func (l *live) stakeOf(p *player) int {
	if p.staked {
		return p.stake
	}
	return slices.Min(l.round.Stakes)
}

// settle applies what closing the current item decides. Call with mu held.
func (l *live) settle() {
	switch l.round.Kind {
	case Speed:
		for _, p := range l.all {
			if p.plays && p.ans == nil {
				p.streak = 0
			}
		}
	case Buzzer:
		for _, p := range l.all {
			if p.falseStart {
				p.gained -= float64(max(l.round.Penalty, 0))
				p.points -= float64(max(l.round.Penalty, 0))
			}
		}
	case Wager:
		for _, p := range l.all {
			if p.plays && p.ans == nil && p.staked {
				p.gained = -float64(p.stake)
				p.points += p.gained
			}
		}
	case Judge:
		if l.st.Item >= 0 && l.st.Item < len(l.round.Tasks) {
			scores := make([]float64, 0, len(l.judged))
			for _, v := range l.judged {
				scores = append(scores, v)
			}
			score, err := scoring.JudgeScore(scores)
			if err == nil {
				l.lastJudge = score
				if p := l.players[l.round.Tasks[l.st.Item].PerformerID]; p != nil {
					p.points += score
					p.gained = score
				}
			}
		}
	}
}

// rank orders the players and teams. A captain round's teams are ranked by
// their captains' points and times, not by the contest's team method. Call
// with mu held.
func (l *live) rank() {
	entries := make([]scoring.Entry, 0, len(l.all))
	members := map[string][]scoring.Entry{}
	for _, p := range l.all {
		if !p.plays {
			continue
		}
		p.shownPoints, p.shownStreak = p.points, p.streak
		e := scoring.Entry{ID: p.id, Score: p.points, Answered: p.answers, Time: time.Duration(p.timeMS) * time.Millisecond}
		entries = append(entries, e)
		members[p.team] = append(members[p.team], e)
	}
	l.ranked = scoring.Rank(entries)
	for _, r := range l.ranked {
		l.players[r.ID].rank = r.Rank
	}
	if l.round.Captains {
		teams := make([]scoring.Entry, len(l.ranked))
		for i, r := range l.ranked {
			teams[i] = r.Entry
			teams[i].ID = l.players[r.ID].team
		}
		l.teamRanked = scoring.Rank(teams)
	} else {
		var teams []scoring.Team
		for _, t := range l.c.Teams {
			if len(members[t.ID]) > 0 {
				teams = append(teams, scoring.Team{ID: t.ID, Members: members[t.ID]})
			}
		}
		l.teamRanked, _ = scoring.RankTeams(teams, l.c.TeamRule)
	}
	l.teamPos = make(map[string]scoring.Ranked, len(l.teamRanked))
	for _, r := range l.teamRanked {
		l.teamPos[r.ID] = r
	}
}

// LiveCaptain reports, when the contest's live round (running or on its
// podium) is a captain round, the name of the captain who answers for the
// worker's team, when that is someone else: what the worker's phone shows
// instead of the answer buttons.
func (s *Service) LiveCaptain(contestID, workerID string) (string, bool) {
	l := s.liveOf(contestID)
	if l == nil || !l.round.Captains {
		return "", false
	}
	p := l.players[workerID]
	if p == nil || p.captain == "" || p.captain == p.id {
		return "", false
	}
	c := l.players[p.captain]
	if c == nil || !c.plays {
		return "", false
	}
	return c.name, true
}

// LiveRound reports which round of the contest is live and its phase.
func (s *Service) LiveRound(contestID string) (roundID, phase string, ok bool) {
	l := s.liveOf(contestID)
	if l == nil {
		return "", "", false
	}
	st := l.snapshotState()
	return st.Round, st.Phase, true
}
