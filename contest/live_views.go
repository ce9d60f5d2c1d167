package contest

import (
	"cmp"
	"encoding/json"
	"slices"
	"time"

	"gridskill/scoring"
)

// The state every screen shows and each viewer's own part of it: the JSON
// frames the streams carry.

type stateJSON struct {
	Contest    string         `json:"contest"`
	ContestID  string         `json:"contestId"`
	PIN        string         `json:"pin"`
	Round      roundJSON      `json:"round"`
	Phase      string         `json:"phase"`
	Rehearsal  bool           `json:"rehearsal,omitempty"`
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
	// Panel is each judge's score of the task just closed, the dropped
	// highest and lowest marked.
	Panel  []panelJSON `json:"panel,omitempty"`
	Judged int         `json:"judged"`
	Judges int         `json:"judges"`
	Paused *pausedJSON `json:"paused,omitempty"`
	Stakes []int       `json:"stakes,omitempty"`
	// Final and FinalTeams are the contest's overall standing, on the podium
	// of the round that ends the contest.
	Final      []rowJSON `json:"final,omitempty"`
	FinalTeams []rowJSON `json:"finalTeams,omitempty"`
	// FalseStart is the contest's rule for a buzz before the options show.
	FalseStart string `json:"falseStart,omitempty"`
	// BuzzUntil ends the buzz window (phase buzzing).
	BuzzUntil int64 `json:"buzzUntil,omitempty"`
}

type roundJSON struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Kind     Kind   `json:"kind"`
	Captains bool   `json:"captains,omitempty"`
	// Criteria are a judge round's score sheet.
	Criteria []Criterion `json:"criteria,omitempty"`
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
	// Streak is a speed round's run of right answers, from 2 on.
	Streak int `json:"streak,omitempty"`
	// Stake and Gained reveal a wager question's stakes with its answer.
	Stake  *int     `json:"stake,omitempty"`
	Gained *float64 `json:"gained,omitempty"`
}

type buzzJSON struct {
	Order []string `json:"order"`
	// TimesMS are the buzzes' times after the options showed, the phones'
	// network delay taken off, in the order's order.
	TimesMS        []int64 `json:"timesMs"`
	Answerer       string  `json:"answerer,omitempty"`
	AnswerDeadline int64   `json:"answerDeadline,omitempty"`
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
		Round: roundJSON{ID: l.round.ID, Title: l.round.Title, Kind: l.round.Kind, Captains: l.round.Captains, Criteria: l.round.Criteria},
		Phase: l.st.Phase, Rehearsal: l.st.Rehearsal, Item: l.st.Item, Items: l.round.Items(), Answered: l.answered, Judged: len(l.judged), Judges: l.panelSize()}
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
	if l.round.Kind == Buzzer {
		st.FalseStart, st.BuzzUntil = cmp.Or(l.c.FalseStart, FalseStartIgnore), ms(l.st.BuzzUntil)
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
			b.TimesMS = append(b.TimesMS, bz.At.Sub(l.st.ShownAt).Milliseconds())
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
			st.Panel = l.panelScores()
		}
		for _, r := range l.ranked[:min(10, len(l.ranked))] {
			p := l.players[r.ID]
			row := rowJSON{Rank: r.Rank, Name: p.name, Team: l.c.TeamName(p.team), Points: r.Score}
			if l.round.Captains {
				row = rowJSON{Rank: r.Rank, Name: l.c.TeamName(p.team), Captain: p.name, Points: r.Score}
			}
			if l.round.Kind == Speed && p.shownStreak > 1 {
				row.Streak = p.shownStreak
			}
			if l.round.Kind == Wager && phase == phaseResults {
				stake, gained := l.stakeOf(p), p.gained
				row.Stake, row.Gained = &stake, &gained
			}
			st.Top = append(st.Top, row)
		}
		if !l.round.Captains { // a captain round's leaderboard lists the teams already
			for _, r := range l.teamRanked {
				st.Teams = append(st.Teams, rowJSON{Rank: r.Rank, Name: l.c.TeamName(r.ID), Points: r.Score})
			}
		}
	}
	if phase == phasePodium {
		st.Final, st.FinalTeams = l.final, l.finalTeams
	}
	b, _ := json.Marshal(st)
	return b
}

type meJSON struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Team    string   `json:"team,omitempty"`
	Plays   bool     `json:"plays"`
	Points  float64  `json:"points"`
	Rank    int      `json:"rank"`
	Streak  int      `json:"streak"`
	Answer  []string `json:"answer"`
	Correct *bool    `json:"correct,omitempty"`
	Gained  *float64 `json:"gained,omitempty"`
	Stake   int      `json:"stake"`
	Staked  bool     `json:"staked"`
	Buzzed  bool     `json:"buzzed"`
	// FalseStart: the player buzzed too early and may not buzz this question.
	FalseStart bool     `json:"falseStart,omitempty"`
	MayAnswer  bool     `json:"mayAnswer"`
	Judge      bool     `json:"judge"`
	Scored     *float64 `json:"scored,omitempty"`
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
	if slices.Contains(l.round.Judges, worker) && !l.conflicted(worker) {
		m.Judge = true
		if v, ok := l.judged[worker]; ok {
			m.Scored = &v
		}
	}
	if p := l.players[worker]; p != nil {
		m.Name, m.Team, m.Plays, m.Points, m.Rank, m.Streak = p.name, l.c.TeamName(p.team), p.plays, p.shownPoints, p.rank, p.shownStreak
		m.Stake, m.Staked, m.Buzzed, m.FalseStart = l.stakeOfSafe(p), p.staked, p.buzzed, p.falseStart
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
	l.hub.cur.Store(&snapshot{common: l.common(), board: l.board(), l: l})
	l.dirty = false
	go l.hub.notify(screensOnly)
}

// boardJSON is what the host's presenter view and the big screen show
// beyond the shared state, and phones do not need: who joined (the latest,
// newest first), who has staked and who has buzzed.
type boardJSON struct {
	Joined []string `json:"joined"`
	Staked []string `json:"staked,omitempty"`
	Buzzed []string `json:"buzzed,omitempty"`
}

// boardNames is how many of the latest joined names the board lists.
const boardNames = 40

// board builds the board of the running round. Call with mu held.
func (l *live) board() []byte {
	b := boardJSON{Joined: []string{}}
	if l.hub != nil {
		b.Joined = l.hub.recentNames(boardNames)
	}
	for _, p := range l.all {
		if l.round.Kind == Wager && p.staked && l.st.Phase == phaseStaking {
			b.Staked = append(b.Staked, l.label(p))
		}
		if l.round.Kind == Buzzer && p.buzzed {
			b.Buzzed = append(b.Buzzed, l.label(p))
		}
	}
	out, _ := json.Marshal(b)
	return out
}

func idleBoard(h *hub) []byte {
	out, _ := json.Marshal(boardJSON{Joined: h.recentNames(boardNames)})
	return out
}
