package contest

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
)

// Phases of a live round.
const (
	phaseIdle      = "idle"      // no round is running
	phaseLobby     = "lobby"     // a round is started, no question yet
	phaseStaking   = "staking"   // wager: players pick a stake before the question
	phaseReading   = "reading"   // the stem alone
	phaseOpen      = "open"      // options shown: answers (or buzzes) accepted
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
	delays         []int64

	// captain is, in a captain round, who answers for the player's team.
	captain string

	// The current item.
	ans    *answer
	stake  int
	staked bool
	buzzed bool
	gained float64
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
	// interrupted is the phase a restart cut short, with the time it had left.
	interrupted string
	remaining   time.Duration
	lastJudge   float64
	timer       gridskill.Timer
	gen         uint64 // counts scheduled phases, so a stale timer does nothing
	stopped     bool   // the process let go of the round: timers do nothing
	dirty       bool
	ranked      []scoring.Ranked
	teamRanked  []scoring.Ranked
	teamPos     map[string]scoring.Ranked // team id → its place in teamRanked
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
	for i := 0; i <= ld.Item && i < r.Items(); i++ {
		l.resetItem()
		st := liveDoc{ID: c.ID, Round: r.ID, Item: i, Phase: phaseOpen}
		l.st = st
		for _, f := range byItem[i] {
			l.replay(f)
		}
		if i < ld.Item || ld.Phase == phaseResults || ld.Phase == phasePodium {
			l.settle()
		}
	}
	l.st = ld
	l.rank()
	switch ld.Phase {
	case phaseReading, phaseOpen, phaseAnswering, phaseStaking, phaseJudging:
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
		}
	case factScore:
		l.judged[f.Worker] = f.Score
	}
}

var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

func (l *live) resetItem() {
	for _, p := range l.all {
		p.ans, p.stake, p.staked, p.buzzed, p.gained = nil, 0, false, false, 0
	}
	clear(l.judged)
	clear(l.dist)
	l.answered, l.buzzes, l.closing, l.lastJudge = 0, nil, false, 0
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
		e := scoring.Entry{ID: p.id, Score: p.points, Time: time.Duration(p.timeMS) * time.Millisecond}
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

// ---- the state every screen shows

type stateJSON struct {
	Contest    string         `json:"contest"`
	ContestID  string         `json:"contestId"`
	PIN        string         `json:"pin"`
	Round      roundJSON      `json:"round"`
	Phase      string         `json:"phase"`
	Item       int            `json:"item"`
	Items      int            `json:"items"`
	Q          *questionJSON  `json:"q,omitempty"`
	Task       *taskJSON      `json:"task,omitempty"`
	ReadUntil  int64          `json:"readUntil,omitempty"`
	ShownAt    int64          `json:"shownAt,omitempty"`
	Deadline   int64          `json:"deadline,omitempty"`
	ClosedAt   int64          `json:"closedAt,omitempty"`
	Joined     int            `json:"joined"`
	Players    int            `json:"players"`
	Answered   int            `json:"answered"`
	Correct    []string       `json:"correct,omitempty"`
	Dist       map[string]int `json:"dist,omitempty"`
	Top        []rowJSON      `json:"top,omitempty"`
	Teams      []rowJSON      `json:"teams,omitempty"`
	Buzz       *buzzJSON      `json:"buzz,omitempty"`
	JudgeScore *float64       `json:"judgeScore,omitempty"`
	Judged     int            `json:"judged"`
	Judges     int            `json:"judges"`
	Paused     *pausedJSON    `json:"paused,omitempty"`
	Stakes     []int          `json:"stakes,omitempty"`
}

type roundJSON struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Kind     Kind   `json:"kind"`
	Captains bool   `json:"captains,omitempty"`
}

type questionJSON struct {
	Stem     string   `json:"stem"`
	Type     string   `json:"type"`
	Options  []Option `json:"options,omitempty"`
	Points   int      `json:"points"`
	LimitSec int      `json:"limitSec"`
}

type taskJSON struct {
	Title     string `json:"title"`
	Performer string `json:"performer"`
	Team      string `json:"team"`
}

type rowJSON struct {
	Rank    int     `json:"rank"`
	Name    string  `json:"name"`
	Team    string  `json:"team,omitempty"`
	Captain string  `json:"captain,omitempty"`
	Points  float64 `json:"points"`
}

type buzzJSON struct {
	Order          []string `json:"order"`
	Answerer       string   `json:"answerer,omitempty"`
	AnswerDeadline int64    `json:"answerDeadline,omitempty"`
}

type pausedJSON struct {
	Interrupted string `json:"interrupted"`
	RemainingMS int64  `json:"remainingMs"`
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// common builds the shared state. Call with mu held.
func (l *live) common() []byte {
	st := stateJSON{Contest: l.c.Title, ContestID: l.c.ID, PIN: l.c.PIN,
		Round: roundJSON{ID: l.round.ID, Title: l.round.Title, Kind: l.round.Kind, Captains: l.round.Captains},
		Phase: l.st.Phase, Item: l.st.Item, Items: l.round.Items(), Answered: l.answered, Judged: len(l.judged), Judges: len(l.round.Judges)}
	if l.hub != nil {
		st.Joined = l.hub.joinedCount()
	}
	for _, p := range l.all {
		if p.plays {
			st.Players++
		}
	}
	phase := l.st.Phase
	if phase == phasePaused {
		st.Paused = &pausedJSON{Interrupted: l.interrupted, RemainingMS: l.remaining.Milliseconds()}
	}
	if l.round.Kind == Wager {
		st.Stakes = l.round.Stakes
	}
	if q, ok := l.question(); ok && phase != phaseLobby && phase != phasePodium && phase != phaseStaking {
		qj := &questionJSON{Stem: q.Stem, Type: string(q.Type), Points: q.Points, LimitSec: q.LimitSec}
		if phase != phaseReading && phase != phasePaused {
			qj.Options = q.Options
		}
		st.Q = qj
	}
	if l.round.Kind == Judge && l.st.Item >= 0 && l.st.Item < len(l.round.Tasks) && phase != phasePodium {
		t := l.round.Tasks[l.st.Item]
		tj := &taskJSON{Title: t.Title}
		if p, ok := l.c.Participant(t.PerformerID); ok {
			tj.Performer, tj.Team = p.Name, l.c.TeamName(p.TeamID)
		}
		st.Task = tj
	}
	st.ReadUntil, st.ShownAt, st.Deadline, st.ClosedAt = ms(l.st.ReadUntil), ms(l.st.ShownAt), ms(l.st.Deadline), ms(l.st.ClosedAt)
	if l.round.Kind == Buzzer && len(l.buzzes) > 0 {
		b := &buzzJSON{}
		for _, bz := range scoring.BuzzOrder(l.buzzes) {
			b.Order = append(b.Order, l.label(l.players[bz.PlayerID]))
		}
		if a := l.answererID(); a != "" && phase == phaseAnswering {
			b.Answerer = l.label(l.players[a])
			b.AnswerDeadline = ms(l.st.Deadline)
		}
		st.Buzz = b
	}
	if phase == phaseResults || phase == phasePodium {
		if q, ok := l.question(); ok && phase == phaseResults {
			st.Correct = q.Correct
			st.Dist = l.dist
		}
		if l.round.Kind == Judge && phase == phaseResults {
			v := l.lastJudge
			st.JudgeScore = &v
		}
		for _, r := range l.ranked[:min(10, len(l.ranked))] {
			p := l.players[r.ID]
			if l.round.Captains {
				st.Top = append(st.Top, rowJSON{Rank: r.Rank, Name: l.c.TeamName(p.team), Captain: p.name, Points: r.Score})
			} else {
				st.Top = append(st.Top, rowJSON{Rank: r.Rank, Name: p.name, Team: l.c.TeamName(p.team), Points: r.Score})
			}
		}
		if !l.round.Captains { // a captain round's leaderboard lists the teams already
			for _, r := range l.teamRanked {
				st.Teams = append(st.Teams, rowJSON{Rank: r.Rank, Name: l.c.TeamName(r.ID), Points: r.Score})
			}
		}
	}
	b, _ := json.Marshal(st)
	return b
}

type meJSON struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Team      string   `json:"team,omitempty"`
	Plays     bool     `json:"plays"`
	Points    float64  `json:"points"`
	Rank      int      `json:"rank"`
	Streak    int      `json:"streak"`
	Answer    []string `json:"answer"`
	Correct   *bool    `json:"correct,omitempty"`
	Gained    *float64 `json:"gained,omitempty"`
	Stake     int      `json:"stake"`
	Staked    bool     `json:"staked"`
	Buzzed    bool     `json:"buzzed"`
	MayAnswer bool     `json:"mayAnswer"`
	Judge     bool     `json:"judge"`
	Scored    *float64 `json:"scored,omitempty"`
	// Captains is set in a captain round, with the name of the captain who
	// answers for the viewer's team and the team's points and rank.
	Captains   bool    `json:"captains,omitempty"`
	Captain    string  `json:"captain,omitempty"`
	TeamPoints float64 `json:"teamPoints"`
	TeamRank   int     `json:"teamRank"`
}

// label is how screens name a player: in a captain round, the team the
// captain answers for.
func (l *live) label(p *player) string {
	if l.round.Captains {
		return l.c.TeamName(p.team)
	}
	return p.name
}

// me is a viewer's own part of the state.
func (l *live) me(worker string) []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := meJSON{ID: worker, Answer: []string{}}
	if slices.Contains(l.round.Judges, worker) {
		m.Judge = true
		if v, ok := l.judged[worker]; ok {
			m.Scored = &v
		}
	}
	if p := l.players[worker]; p != nil {
		m.Name, m.Team, m.Plays, m.Points, m.Rank, m.Streak = p.name, l.c.TeamName(p.team), p.plays, p.points, p.rank, p.streak
		m.Stake, m.Staked, m.Buzzed = l.stakeOfSafe(p), p.staked, p.buzzed
		if p.ans != nil {
			m.Answer = p.ans.choice
		}
		if l.st.Phase == phaseResults || l.st.Phase == phasePodium {
			g := p.gained
			m.Gained = &g
			if p.ans != nil {
				c := p.ans.correct
				m.Correct = &c
			}
		}
		m.MayAnswer = l.st.Phase == phaseAnswering && l.answererID() == worker
		if l.round.Captains {
			m.Captains = true
			if c := l.players[p.captain]; c != nil && c.plays {
				m.Captain = c.name
			}
		}
		if t, ok := l.teamPos[p.team]; ok {
			m.TeamPoints, m.TeamRank = t.Score, t.Rank
		}
	}
	b, _ := json.Marshal(m)
	return b
}

func (l *live) stakeOfSafe(p *player) int {
	if l.round.Kind != Wager {
		return 0
	}
	return l.stakeOf(p)
}

// answererID is who may answer a buzzer question now. Call with mu held.
func (l *live) answererID() string {
	order := scoring.BuzzOrder(l.buzzes)
	if l.st.Answerer < len(order) {
		return order[l.st.Answerer].PlayerID
	}
	return ""
}

// publish rebuilds the shared state and signals the streams. Call with mu held.
func (l *live) publish(screensOnly bool) {
	if l.hub == nil {
		return
	}
	l.hub.cur.Store(&snapshot{common: l.common(), l: l})
	l.dirty = false
	go l.hub.notify(screensOnly)
}

// ---- host actions

// Host carries out a host action on the contest's live round. Only the
// contest's admins drive it. Errors: invalid, not_found, forbidden,
// conflict (an action the current phase does not allow), internal.
func (s *Service) Host(ctx context.Context, actor people.User, contestID, action, roundID string) error {
	c, err := s.managed(actor, contestID)
	if err != nil {
		return err
	}
	if action == ActStart {
		return s.startRound(ctx, c, roundID)
	}
	l := s.liveOf(contestID)
	if l == nil {
		return gridskill.Errorf(gridskill.ECONFLICT, "no round is live; start one first")
	}
	l.hostMu.Lock()
	defer l.hostMu.Unlock()
	switch action {
	case ActNext:
		return l.next(ctx)
	case ActShow:
		return l.show(ctx, false)
	case ActClose:
		return l.close(ctx)
	case ActResume:
		return l.resume(ctx)
	case ActFinish:
		return l.finish(ctx)
	}
	return gridskill.Errorf(gridskill.EINVALID, "unknown host action %q", action)
}

func (s *Service) startRound(ctx context.Context, c Contest, roundID string) error {
	r, _, ok := c.Round(roundID)
	if !ok {
		return gridskill.Errorf(gridskill.ENOTFOUND, "round not found")
	}
	if !r.Kind.Live() {
		return gridskill.Errorf(gridskill.EINVALID, "an online round is sat like an exam, not hosted")
	}
	if r.Items() == 0 {
		return gridskill.Errorf(gridskill.EINVALID, "this round has no questions yet")
	}
	if !r.Finished.IsZero() {
		return gridskill.Errorf(gridskill.ECONFLICT, "this round has finished")
	}
	if r.Kind == Judge && len(r.Judges) == 0 {
		return gridskill.Errorf(gridskill.EINVALID, "name the judges first")
	}
	if s.running(c.ID) {
		return gridskill.Errorf(gridskill.ECONFLICT, "another round of this contest is live")
	}
	h, err := s.hubOf(ctx, c)
	if err != nil {
		return gridskill.Internal(err)
	}
	l := newLive(s, c, r, h)
	l.st = liveDoc{ID: c.ID, Round: r.ID, Item: -1, Phase: phaseLobby, Updated: s.clock.Now()}
	if err := s.repo.saveLive(ctx, l.st); err != nil {
		return gridskill.Internal(err)
	}
	l.mu.Lock()
	l.rank()
	l.publish(false)
	l.mu.Unlock()
	s.mu.Lock()
	s.live[c.ID] = l
	s.mu.Unlock()
	return nil
}

// persist writes the phase before anyone hears of it. Call without mu.
func (l *live) persist(ctx context.Context, st liveDoc) error {
	st.Updated = l.s.clock.Now()
	if err := l.s.repo.saveLive(ctx, st); err != nil {
		return gridskill.Internal(err)
	}
	return nil
}

// transition persists st, then installs it and publishes. Call with hostMu held.
func (l *live) transition(ctx context.Context, st liveDoc, before func()) error {
	if err := l.persist(ctx, st); err != nil {
		return err
	}
	l.mu.Lock()
	if before != nil {
		before()
	}
	l.st = st
	l.publish(false)
	l.mu.Unlock()
	l.schedule(st)
	return nil
}

func (l *live) snapshotState() liveDoc {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.st
}

func (l *live) next(ctx context.Context) error {
	st := l.snapshotState()
	if st.Phase != phaseLobby && st.Phase != phaseResults {
		return gridskill.Errorf(gridskill.ECONFLICT, "close the current question first")
	}
	if st.Item+1 >= l.round.Items() {
		return l.finish(ctx)
	}
	now := l.s.clock.Now()
	st.Item++
	st.ShownAt, st.Deadline, st.ClosedAt, st.ReadUntil, st.Answerer = time.Time{}, time.Time{}, time.Time{}, time.Time{}, 0
	switch l.round.Kind {
	case Wager:
		st.Phase = phaseStaking
	case Judge:
		st.Phase, st.ShownAt = phaseJudging, now
	default:
		st.Phase = phaseReading
		st.ReadUntil = now.Add(time.Duration(l.round.ReadSec) * time.Second)
		if l.round.ReadSec == 0 {
			return l.openAt(ctx, st, now, 0)
		}
	}
	return l.transition(ctx, st, l.resetItem)
}

// show opens the options: the answer time counts from now. The timer calls
// it with auto set when the reading time is up.
func (l *live) show(ctx context.Context, auto bool) error {
	st := l.snapshotState()
	if st.Phase != phaseReading && st.Phase != phaseStaking {
		if auto {
			return nil
		}
		return gridskill.Errorf(gridskill.ECONFLICT, "there is no question waiting to be shown")
	}
	if st.Phase == phaseStaking {
		now := l.s.clock.Now()
		st.ReadUntil = now.Add(time.Duration(l.round.ReadSec) * time.Second)
		if l.round.ReadSec > 0 && !auto {
			st.Phase = phaseReading
			return l.transition(ctx, st, nil)
		}
	}
	return l.openAt(ctx, st, l.s.clock.Now(), 0)
}

// openAt opens the current question as if it had been open for used already.
func (l *live) openAt(ctx context.Context, st liveDoc, now time.Time, used time.Duration) error {
	q, ok := l.questionAt(st.Item)
	if !ok {
		return gridskill.Errorf(gridskill.ECONFLICT, "there is no question to show")
	}
	st.Phase = phaseOpen
	st.ShownAt = now.Add(-used)
	st.Deadline = now.Add(q.Limit() - used)
	var before func()
	if l.snapshotState().Item != st.Item {
		before = l.resetItem
	}
	return l.transition(ctx, st, before)
}

func (l *live) questionAt(i int) (Question, bool) {
	if l.round.Kind == Judge || i < 0 || i >= len(l.round.Questions) {
		return Question{}, false
	}
	return l.round.Questions[i], true
}

// close ends answers (or judging) and publishes the results. Answers already
// accepted are written before the results are counted.
func (l *live) close(ctx context.Context) error {
	l.mu.Lock()
	st := l.st
	switch st.Phase {
	case phaseOpen, phaseAnswering, phaseJudging, phaseReading:
	case phasePaused:
	default:
		l.mu.Unlock()
		return gridskill.Errorf(gridskill.ECONFLICT, "nothing is open to close")
	}
	l.closing = true
	l.mu.Unlock()
	if err := l.s.facts.Flush(ctx); err != nil {
		return gridskill.Internal(err)
	}
	st.Phase = phaseResults
	st.ClosedAt = l.s.clock.Now()
	return l.transition(ctx, st, func() {
		l.settle()
		l.rank()
	})
}

// resume re-opens an interrupted question with the time it had left, or
// opens a question whose reading was interrupted.
func (l *live) resume(ctx context.Context) error {
	l.mu.Lock()
	st, was, left := l.st, l.interrupted, l.remaining
	l.mu.Unlock()
	if st.Phase != phasePaused {
		return gridskill.Errorf(gridskill.ECONFLICT, "the round is not paused")
	}
	now := l.s.clock.Now()
	switch was {
	case phaseOpen:
		q, _ := l.questionAt(st.Item)
		if left <= 0 {
			return l.close(ctx)
		}
		return l.openAt(ctx, st, now, q.Limit()-left)
	case phaseAnswering:
		if left <= 0 {
			left = time.Duration(l.round.AnswerSec) * time.Second
		}
		st.Phase, st.Deadline = phaseAnswering, now.Add(left)
		return l.transition(ctx, st, nil)
	case phaseReading:
		return l.openAt(ctx, st, now, 0)
	default:
		st.Phase = was
		return l.transition(ctx, st, nil)
	}
}

// finish ends the round: results are stored and the podium shown.
func (l *live) finish(ctx context.Context) error {
	l.mu.Lock()
	st := l.st
	if st.Phase != phaseResults && st.Phase != phaseLobby && st.Phase != phasePaused {
		l.mu.Unlock()
		return gridskill.Errorf(gridskill.ECONFLICT, "close the current question first")
	}
	l.rank()
	res := resultDoc{ID: l.c.ID + ":" + l.round.ID, Contest: l.c.ID, Round: l.round.ID, Captains: l.round.Captains, At: l.s.clock.Now()}
	for _, r := range l.ranked {
		p := l.players[r.ID]
		e := resultEntry{Worker: p.id, Points: p.points, TimeMS: p.timeMS}
		if l.round.Captains {
			e.Team = p.team
		}
		res.Entries = append(res.Entries, e)
	}
	l.mu.Unlock()
	if err := l.s.repo.saveResult(ctx, res); err != nil {
		return gridskill.Internal(err)
	}
	if _, err := l.s.markFinished(ctx, l.c.ID, l.round.ID, res.At); err != nil {
		return err
	}
	st.Phase = phasePodium
	return l.transition(ctx, st, nil)
}

func (s *Service) markFinished(ctx context.Context, contestID, roundID string, at time.Time) (Contest, error) {
	c, err := s.get(contestID)
	if err != nil {
		return c, err
	}
	c = cloneContest(c)
	_, i, ok := c.Round(roundID)
	if !ok {
		return c, gridskill.Errorf(gridskill.ENOTFOUND, "round not found")
	}
	c.Rounds[i].Finished = at
	return c, s.save(ctx, c)
}

// schedule sets the timer of a timed phase: reading ends with the options,
// open and answering end at the deadline. The timer is the clock's, so the
// clock that decides whether an answer is in time also decides when the
// phase ends.
func (l *live) schedule(st liveDoc) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	l.gen++
	if l.stopped {
		return
	}
	switch st.Phase {
	case phaseReading:
		l.arm(l.gen, st.ReadUntil, func(ctx context.Context) error { return l.show(ctx, true) })
	case phaseOpen:
		l.arm(l.gen, st.Deadline, l.close)
	case phaseAnswering:
		l.arm(l.gen, st.Deadline, l.buzzTimeout)
	}
	if st.Phase == phaseOpen || st.Phase == phaseJudging {
		go l.tickScreens(st.Item, st.Phase)
	}
}

// arm sets the timer of the phase scheduled as gen to carry out act at at.
// Call with mu held.
func (l *live) arm(gen uint64, at time.Time, act func(context.Context) error) {
	l.timer = l.s.clock.AfterFunc(at.Sub(l.s.clock.Now()), func() { l.due(gen, at, act) })
}

// due carries out a timer's act, unless the phase it was set for has ended
// (a host action or another timer came first) or the round was stopped. A
// timer that fires before its time by the clock waits the rest.
func (l *live) due(gen uint64, at time.Time, act func(context.Context) error) {
	l.hostMu.Lock()
	defer l.hostMu.Unlock()
	l.mu.Lock()
	if l.stopped || l.gen != gen {
		l.mu.Unlock()
		return
	}
	if l.s.clock.Now().Before(at) {
		l.arm(gen, at, act)
		l.mu.Unlock()
		return
	}
	l.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := act(ctx); err != nil {
		l.s.log.Error("live round timer", "contest", l.c.ID, "err", err)
	}
}

// stop cancels the round's timer for good: the process is shutting down,
// and another process will own the round.
func (l *live) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
}

// tickScreens refreshes the answer count on the screens a few times a
// second while a question is open. It paces output and decides nothing, so
// it runs on real time, not on the round's clock.
func (l *live) tickScreens(item int, phase string) {
	t := time.NewTicker(300 * time.Millisecond)
	defer t.Stop()
	for range t.C {
		l.mu.Lock()
		if l.stopped || l.st.Item != item || l.st.Phase != phase {
			l.mu.Unlock()
			return
		}
		if l.dirty {
			l.publish(true)
		}
		l.mu.Unlock()
	}
}

// ---- what phones send

// AnswerRequest is a phone's answer: the item it answers (and, optionally,
// the round it belongs to), the chosen keys, and for the delay estimate the
// server time of the event that showed the options (Echo, ms) and how long
// the phone held it before sending (HeldMS).
type AnswerRequest struct {
	Round  string
	Item   int
	Answer []string
	Echo   int64
	HeldMS int64
}

// AnswerResult is what the phone hears once its answer is stored.
type AnswerResult struct {
	Item   int      `json:"item"`
	Answer []string `json:"answer"`
	// Received is always true: the answer is in the database.
	Received bool `json:"received"`
}

// errLate refuses an answer that arrives once its question has closed.
func errLate() error {
	return gridskill.Errorf(gridskill.ECONFLICT, "time is up: answers for this question are closed")
}

// player returns the live round and the actor's player in it. In a captain
// round a member who is not the captain is refused, so that nothing they
// send changes the round. Errors: invalid, not_found, forbidden, conflict.
func (s *Service) player(actor people.User, contestID string) (*live, *player, error) {
	c, err := s.get(contestID)
	if err != nil {
		return nil, nil, err
	}
	if _, ok := c.Participant(actor.ID); !ok {
		return nil, nil, gridskill.Errorf(gridskill.EFORBIDDEN, "you are not taking part in this contest")
	}
	l := s.liveOf(contestID)
	if l == nil {
		return nil, nil, gridskill.Errorf(gridskill.ECONFLICT, "no round is live")
	}
	p := l.players[actor.ID]
	switch {
	case p != nil && l.round.Captains && p.team == "":
		return nil, nil, gridskill.Errorf(gridskill.EFORBIDDEN, "only team captains answer in this round")
	case p != nil && l.round.Captains && p.captain != p.id:
		return nil, nil, gridskill.Errorf(gridskill.EFORBIDDEN, "your team's captain answers in this round")
	case p == nil || !p.plays:
		return nil, nil, gridskill.Errorf(gridskill.EFORBIDDEN, "you do not play in this round")
	}
	return l, p, nil
}

// Answer takes a phone's answer to the open question. It returns only once
// the answer is written. It is idempotent: sending an answer that is stored
// again, while the question is open, after it closed or after a restart,
// returns the same result and counts nothing twice; an answer that was never
// stored and arrives after its question closed is refused as late. Errors:
// invalid (a malformed answer, an unknown round), forbidden (not a player),
// conflict (the question is not open, the time is up, already answered
// differently), internal.
func (s *Service) Answer(ctx context.Context, actor people.User, contestID string, req AnswerRequest) (AnswerResult, error) {
	l, p, err := s.player(actor, contestID)
	if err != nil {
		return AnswerResult{}, err
	}
	now := s.clock.Now()
	l.mu.Lock()
	switch {
	case l.round.Kind == Judge:
		l.mu.Unlock()
		return AnswerResult{}, gridskill.Errorf(gridskill.ECONFLICT, "this round is scored by judges")
	case req.Item < 0:
		l.mu.Unlock()
		return AnswerResult{}, gridskill.Errorf(gridskill.ECONFLICT, "this question is not open")
	case (req.Round != "" && req.Round != l.round.ID) || req.Item < l.st.Item:
		c, roundID := l.c, cmp.Or(req.Round, l.round.ID)
		l.mu.Unlock()
		if _, _, ok := c.Round(roundID); !ok {
			return AnswerResult{}, gridskill.Errorf(gridskill.EINVALID, "round not found")
		}
		return s.pastAnswer(ctx, factID(contestID, roundID, req.Item, p.id), req)
	case req.Item != l.st.Item:
		l.mu.Unlock()
		return AnswerResult{}, gridskill.Errorf(gridskill.ECONFLICT, "this question is not open")
	}
	if a := p.ans; a != nil {
		l.mu.Unlock()
		return retriedAnswer(ctx, a, req)
	}
	if err := l.refuseAnswer(p, now); err != nil {
		l.mu.Unlock()
		return AnswerResult{}, err
	}
	q, _ := l.question()
	choice, err := validChoice(q, req.Answer)
	if err != nil {
		l.mu.Unlock()
		return AnswerResult{}, err
	}
	if req.Echo > 0 {
		p.addDelay(now.UnixMilli() - req.Echo - max(req.HeldMS, 0))
	}
	rt := scoring.ResponseTime(l.st.ShownAt, now, p.delay(), MaxDelay, q.Limit())
	a := &answer{choice: choice, correct: scoring.Grade(q.Key(), choice, 1).Correct, timeMS: rt.Milliseconds(), written: make(chan struct{})}
	l.applyAnswer(p, a)
	l.dirty = true
	item := l.st.Item
	l.mu.Unlock()
	return l.store(ctx, p, a, factDoc{ID: factID(contestID, l.round.ID, item, p.id), Contest: contestID, Round: l.round.ID, Item: item,
		Kind: factAnswer, Worker: p.id, At: now, Answer: choice, Correct: a.correct, TimeMS: a.timeMS})
}

// refuseAnswer says why the player may not answer the current item now, or
// returns nil. Call with mu held.
func (l *live) refuseAnswer(p *player, now time.Time) error {
	open := l.st.Phase == phaseOpen && !l.closing
	if l.round.Kind == Buzzer {
		open = l.st.Phase == phaseAnswering && !l.closing && l.answererID() == p.id
	}
	switch {
	case !open && l.st.Phase == phaseOpen && l.round.Kind == Buzzer:
		return gridskill.Errorf(gridskill.ECONFLICT, "buzz first; only the first to buzz answers")
	case !open && (l.closing || l.st.Phase == phaseResults || l.st.Phase == phasePodium):
		return errLate()
	case !open:
		return gridskill.Errorf(gridskill.ECONFLICT, "this question is not open")
	case now.After(l.st.Deadline):
		return errLate()
	}
	return nil
}

// store writes an accepted answer before the phone hears "received"; a
// failed write takes it back out of the round.
func (l *live) store(ctx context.Context, p *player, a *answer, doc factDoc) (AnswerResult, error) {
	var err error
	if l.round.Kind == Buzzer {
		err = l.s.repo.insertFact(ctx, doc)
	} else {
		err = l.s.facts.Do(ctx, doc)
	}
	if err != nil {
		l.mu.Lock()
		l.unapplyAnswer(p, a)
		a.err = err
		l.mu.Unlock()
		close(a.written)
		return AnswerResult{}, gridskill.Internal(err)
	}
	close(a.written)
	if l.round.Kind == Buzzer {
		l.afterBuzzAnswer(a.correct)
	}
	return AnswerResult{Item: doc.Item, Answer: doc.Answer, Received: true}, nil
}

// retriedAnswer answers an answer to the current item by a player who has
// one: the same answer hears what the first heard, once it is written.
func retriedAnswer(ctx context.Context, a *answer, req AnswerRequest) (AnswerResult, error) {
	if len(a.choice) == 0 { // a buzzer winner who ran out of time
		return AnswerResult{}, errLate()
	}
	if !slices.Equal(a.choice, normalizeChoice(req.Answer)) {
		return AnswerResult{}, gridskill.Errorf(gridskill.ECONFLICT, "you have already answered this question")
	}
	select {
	case <-a.written:
	case <-ctx.Done():
		return AnswerResult{}, gridskill.Internal(ctx.Err())
	}
	if a.err != nil {
		return AnswerResult{}, gridskill.Internal(a.err)
	}
	return AnswerResult{Item: req.Item, Answer: a.choice, Received: true}, nil
}

// pastAnswer answers an answer to an item that has closed, of this round or
// an earlier one: a stored answer is received, anything else is late.
func (s *Service) pastAnswer(ctx context.Context, id string, req AnswerRequest) (AnswerResult, error) {
	f, ok, err := s.repo.fact(ctx, id)
	switch {
	case err != nil:
		return AnswerResult{}, gridskill.Internal(err)
	case !ok || len(f.Answer) == 0:
		return AnswerResult{}, errLate()
	case !slices.Equal(f.Answer, normalizeChoice(req.Answer)):
		return AnswerResult{}, gridskill.Errorf(gridskill.ECONFLICT, "you have already answered this question")
	}
	return AnswerResult{Item: f.Item, Answer: f.Answer, Received: true}, nil
}

func factID(contestID, roundID string, item int, worker string) string {
	return contestID + ":" + roundID + ":" + fmt.Sprint(item) + ":" + worker
}

func normalizeChoice(keys []string) []string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		k = strings.ToUpper(strings.TrimSpace(k))
		if k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// validChoice checks an answer's keys against the question. Errors: invalid.
func validChoice(q Question, keys []string) ([]string, error) {
	choice := normalizeChoice(keys)
	if len(choice) == 0 {
		return nil, gridskill.Errorf(gridskill.EINVALID, "choose an answer")
	}
	if len(choice) > 1 && q.Type != scoring.Multiple {
		return nil, gridskill.Errorf(gridskill.EINVALID, "choose one answer")
	}
	for _, k := range choice {
		if !slices.ContainsFunc(q.Options, func(o Option) bool { return o.Key == k }) {
			return nil, gridskill.Errorf(gridskill.EINVALID, "%s is not one of the options", k)
		}
	}
	return choice, nil
}

// addDelay keeps the last few network delay samples of a phone.
func (p *player) addDelay(ms int64) {
	if ms < 0 || ms > 10_000 {
		return
	}
	p.delays = append(p.delays, ms)
	if len(p.delays) > 5 {
		p.delays = p.delays[1:]
	}
}

// delay is the median of the samples, which a single slow moment does not move.
func (p *player) delay() time.Duration {
	if len(p.delays) == 0 {
		return 0
	}
	s := slices.Clone(p.delays)
	slices.Sort(s)
	return time.Duration(s[len(s)/2]) * time.Millisecond
}

// Ping records a phone's echo of a server time, to estimate its network
// delay. Errors: those of player.
func (s *Service) Ping(actor people.User, contestID string, echo, heldMS int64) error {
	l, p, err := s.player(actor, contestID)
	if err != nil {
		return err
	}
	if echo <= 0 {
		return gridskill.Errorf(gridskill.EINVALID, "echo the server time")
	}
	now := s.clock.Now().UnixMilli()
	l.mu.Lock()
	p.addDelay(now - echo - max(heldMS, 0))
	l.mu.Unlock()
	return nil
}

func (s *Service) recordJoin(ctx context.Context, c Contest, worker string) error {
	h, err := s.hubOf(ctx, c)
	if err != nil {
		return gridskill.Internal(err)
	}
	h.mu.Lock()
	known := h.joined[worker]
	h.joined[worker] = true
	h.mu.Unlock()
	if known {
		return nil
	}
	err = s.facts.Do(ctx, factDoc{ID: c.ID + ":join:" + worker, Contest: c.ID, Kind: factJoin, Worker: worker, At: s.clock.Now()})
	if err != nil {
		h.mu.Lock()
		delete(h.joined, worker)
		h.mu.Unlock()
		return gridskill.Internal(err)
	}
	if l := s.liveOf(c.ID); l != nil {
		l.mu.Lock()
		l.dirty = true
		l.publish(true)
		l.mu.Unlock()
	} else {
		h.cur.Store(&snapshot{common: idleState(c, h.joinedCount())})
		go h.notify(true)
	}
	return nil
}

// Stake records a player's stake for the coming wager question; the same
// stake sent again is answered as stored. Errors:
// invalid (not an allowed stake), forbidden, conflict (not a wager round,
// not the staking phase, already staked), internal.
func (s *Service) Stake(ctx context.Context, actor people.User, contestID string, item, stake int) error {
	l, p, err := s.player(actor, contestID)
	if err != nil {
		return err
	}
	l.mu.Lock()
	switch {
	case l.round.Kind != Wager:
		l.mu.Unlock()
		return gridskill.Errorf(gridskill.ECONFLICT, "stakes are only picked in a wager round")
	case l.st.Item == item && p.staked && p.stake == stake: // a retry of the stored stake
		l.mu.Unlock()
		return nil
	case l.st.Phase != phaseStaking || l.st.Item != item:
		l.mu.Unlock()
		return gridskill.Errorf(gridskill.ECONFLICT, "stakes are picked before the question is shown")
	case p.staked:
		l.mu.Unlock()
		return gridskill.Errorf(gridskill.ECONFLICT, "you have already picked your stake")
	}
	if err := scoring.CheckStake(stake, l.round.Stakes); err != nil {
		l.mu.Unlock()
		return gridskill.Errorf(gridskill.EINVALID, "%d is not one of the allowed stakes", stake)
	}
	p.stake, p.staked = stake, true
	l.mu.Unlock()
	err = s.facts.Do(ctx, factDoc{ID: factID(contestID, l.round.ID, item, p.id) + ":stake", Contest: contestID, Round: l.round.ID,
		Item: item, Kind: factStake, Worker: p.id, At: s.clock.Now(), Stake: stake})
	if err != nil {
		l.mu.Lock()
		p.stake, p.staked = 0, false
		l.mu.Unlock()
		return gridskill.Internal(err)
	}
	return nil
}

// Buzz records a player pressing the buzzer. The first buzz by server
// arrival answers; a buzz sent again keeps the place of the first. Errors:
// forbidden, conflict (not a buzzer round, no question open), internal.
func (s *Service) Buzz(ctx context.Context, actor people.User, contestID string, item int) error {
	l, p, err := s.player(actor, contestID)
	if err != nil {
		return err
	}
	l.hostMu.Lock()
	defer l.hostMu.Unlock()
	l.mu.Lock()
	switch {
	case l.round.Kind != Buzzer:
		l.mu.Unlock()
		return gridskill.Errorf(gridskill.ECONFLICT, "this is not a buzzer round")
	case l.st.Item == item && p.buzzed: // a retry: the buzz is stored, in its place
		l.mu.Unlock()
		return nil
	case l.st.Item != item || (l.st.Phase != phaseOpen && l.st.Phase != phaseAnswering) || l.closing:
		l.mu.Unlock()
		return gridskill.Errorf(gridskill.ECONFLICT, "this question is not open")
	}
	now := s.clock.Now()
	l.buzzSeq++
	b := scoring.Buzz{PlayerID: p.id, At: now, Seq: l.buzzSeq}
	st := l.st
	l.mu.Unlock()
	err = s.repo.insertFact(ctx, factDoc{ID: factID(contestID, l.round.ID, item, p.id) + ":buzz", Contest: contestID, Round: l.round.ID,
		Item: item, Kind: factBuzz, Worker: p.id, At: now, Seq: b.Seq})
	if err != nil {
		return gridskill.Internal(err)
	}
	if st.Phase == phaseOpen {
		st.Phase, st.Deadline, st.Answerer = phaseAnswering, now.Add(time.Duration(l.round.AnswerSec)*time.Second), 0
		return l.transition(ctx, st, func() {
			p.buzzed = true
			l.buzzes = append(l.buzzes, b)
		})
	}
	l.mu.Lock()
	p.buzzed = true
	l.buzzes = append(l.buzzes, b)
	l.publish(false)
	l.mu.Unlock()
	return nil
}

// afterBuzzAnswer closes a buzzer question after a right answer, or passes
// it on after a wrong one when the round says so.
func (l *live) afterBuzzAnswer(correct bool) {
	l.hostMu.Lock()
	defer l.hostMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := l.passOrClose(ctx, correct); err != nil {
		l.s.log.Error("buzzer", "contest", l.c.ID, "err", err)
	}
}

func (l *live) passOrClose(ctx context.Context, correct bool) error {
	l.mu.Lock()
	st := l.st
	st.Answerer++
	more := st.Answerer < len(scoring.BuzzOrder(l.buzzes))
	l.mu.Unlock()
	if !correct && l.round.PassOn && more {
		st.Deadline = l.s.clock.Now().Add(time.Duration(l.round.AnswerSec) * time.Second)
		return l.transition(ctx, st, func() { l.st.Answerer = st.Answerer })
	}
	l.mu.Lock()
	l.st.Answerer = st.Answerer
	l.mu.Unlock()
	return l.close(ctx)
}

// buzzTimeout counts a buzzer winner who did not answer in time as wrong.
func (l *live) buzzTimeout(ctx context.Context) error {
	l.mu.Lock()
	id := l.answererID()
	p := l.players[id]
	item := l.st.Item
	if p == nil || p.ans != nil {
		l.mu.Unlock()
		return nil
	}
	a := &answer{choice: []string{}, written: closedChan}
	l.applyAnswer(p, a)
	l.mu.Unlock()
	err := l.s.repo.insertFact(ctx, factDoc{ID: factID(l.c.ID, l.round.ID, item, id), Contest: l.c.ID, Round: l.round.ID,
		Item: item, Kind: factAnswer, Worker: id, At: l.s.clock.Now()})
	if err != nil {
		return err
	}
	return l.passOrClose(ctx, false)
}

// Score records a judge's score of the performance being judged; the same
// score sent again is answered as stored. Errors:
// invalid (outside 0–100), forbidden (not a judge of this round), conflict
// (nothing being judged, already scored), internal.
func (s *Service) Score(ctx context.Context, actor people.User, contestID string, item int, score float64) error {
	c, err := s.get(contestID)
	if err != nil {
		return err
	}
	// Whether a round is live is not told to those who judge none.
	if !s.isJudge(c, actor.ID) {
		return gridskill.Errorf(gridskill.EFORBIDDEN, "only the round's judges score")
	}
	l := s.liveOf(contestID)
	if l == nil {
		return gridskill.Errorf(gridskill.ECONFLICT, "no round is live")
	}
	if !slices.Contains(l.round.Judges, actor.ID) {
		return gridskill.Errorf(gridskill.EFORBIDDEN, "only the round's judges score")
	}
	if !(score >= 0 && score <= 100) {
		return gridskill.Errorf(gridskill.EINVALID, "a score is between 0 and 100")
	}
	l.mu.Lock()
	if l.st.Phase != phaseJudging || l.st.Item != item {
		l.mu.Unlock()
		return gridskill.Errorf(gridskill.ECONFLICT, "no performance is being judged")
	}
	if v, done := l.judged[actor.ID]; done {
		l.mu.Unlock()
		if v == score { // a retry of the stored score
			return nil
		}
		return gridskill.Errorf(gridskill.ECONFLICT, "you have already scored this performance")
	}
	l.judged[actor.ID] = score
	l.mu.Unlock()
	err = s.repo.insertFact(ctx, factDoc{ID: factID(contestID, l.round.ID, item, actor.ID) + ":score", Contest: contestID, Round: l.round.ID,
		Item: item, Kind: factScore, Worker: actor.ID, At: s.clock.Now(), Score: score})
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		delete(l.judged, actor.ID)
		return gridskill.Internal(err)
	}
	l.publish(false)
	return nil
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
