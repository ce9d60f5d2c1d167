// Package contest runs skills competitions (技能大比武): contests with their
// participants, teams and ordered rounds, the live round engine behind the
// host screen and the workers' phones, results and awards. Points are decided
// by scoring; this package only feeds it the facts (who answered what, when).
package contest

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gridskill"
	"gridskill/scoring"
)

// Kind is the kind of a round.
type Kind string

// The round kinds.
const (
	// Speed is the live speed round (必答/速答): every phone answers each
	// question, faster right answers earn more.
	Speed Kind = "speed"
	// Buzzer is the buzzer round (抢答): the first buzz answers.
	Buzzer Kind = "buzzer"
	// Wager is the wager round (风险题): a stake picked before the question.
	Wager Kind = "wager"
	// Judge is the judge round (评委打分): a panel scores a performance 0–100.
	Judge Kind = "judge"
)

// Kinds lists the round kinds in the order the editor offers them, a new
// slice on each call.
func Kinds() []Kind { return []Kind{Speed, Buzzer, Wager, Judge} }

// Valid reports whether k is a known live round kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds(), k) }

// Live reports whether rounds of the kind run on the host screen.
func (k Kind) Live() bool { return k != Online }

// Limits on what a contest holds.
const (
	MaxTitle        = 100
	MaxDescription  = 2000
	MaxRounds       = 20
	MaxQuestions    = 100
	MaxParticipants = 5000
	MaxStem         = 1000
	MaxOption       = 300
	MaxJudges       = 15
)

// Option is one choice of a question.
type Option struct {
	Key  string `json:"key"`
	Text string `json:"text"`
}

// Question is a contest question, a snapshot taken when the organizer picked
// it from the bank or typed it in: later edits of the bank do not change a
// contest.
type Question struct {
	ID      string               `json:"id"`
	BankID  string               `json:"bankId,omitempty"`
	Type    scoring.QuestionType `json:"type"`
	Stem    string               `json:"stem"`
	Options []Option             `json:"options"`
	Correct []string             `json:"correct"`
	// Points is the base points of a speed question and the points of a buzzer question.
	Points int `json:"points"`
	// LimitSec is the answer time once the options are shown.
	LimitSec int `json:"limitSec"`
}

// Key is the answer key for scoring.
func (q Question) Key() scoring.Key {
	k := scoring.Key{Type: q.Type, Correct: q.Correct}
	for _, o := range q.Options {
		k.Options = append(k.Options, o.Key)
	}
	return k
}

// Limit is the answer time.
func (q Question) Limit() time.Duration { return time.Duration(q.LimitSec) * time.Second }

// Validate checks a question for a live round: a choice question with its
// options, a right answer among them, points and a time limit. Errors: invalid.
func (q Question) Validate() error {
	if strings.TrimSpace(q.Stem) == "" || utf8.RuneCountInString(q.Stem) > MaxStem {
		return gridskill.Errorf(gridskill.EINVALID, "the question needs a stem of at most %d characters", MaxStem)
	}
	if err := stemText.Check(q.Stem); err != nil {
		return err
	}
	switch q.Type {
	case scoring.Single, scoring.Multiple, scoring.TrueFalse:
	default:
		return gridskill.Errorf(gridskill.EINVALID, "live rounds take single, multiple choice and true/false questions")
	}
	if len(q.Options) < 2 || len(q.Options) > 8 {
		return gridskill.Errorf(gridskill.EINVALID, "a question needs 2 to 8 options")
	}
	for _, o := range q.Options {
		if strings.TrimSpace(o.Text) == "" || utf8.RuneCountInString(o.Text) > MaxOption {
			return gridskill.Errorf(gridskill.EINVALID, "every option needs a text of at most %d characters", MaxOption)
		}
		if err := optionText.Check(o.Text); err != nil {
			return err
		}
	}
	if err := q.Key().Validate(); err != nil {
		return gridskill.Errorf(gridskill.EINVALID, "the right answer must be one of the options")
	}
	if q.Points < 1 || q.Points > 10000 {
		return gridskill.Errorf(gridskill.EINVALID, "points must be between 1 and 10000")
	}
	if q.LimitSec < 3 || q.LimitSec > 600 {
		return gridskill.Errorf(gridskill.EINVALID, "the time limit must be between 3 and 600 seconds")
	}
	return nil
}

// Task is a performance of a judge round: a participant (or a team's
// representative) performs a scenario on stage, the panel scores it.
type Task struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// PerformerID is the participant whose score the panel's score becomes.
	PerformerID string `json:"performerId"`
	// Team marks a team task: the performer's team performs, so none of its
	// members judges it.
	Team bool `json:"team,omitempty"`
}

func (t Task) validate() error {
	if t.Title == "" || utf8.RuneCountInString(t.Title) > MaxTitle {
		return gridskill.Errorf(gridskill.EINVALID, "the task needs a title of at most %d characters", MaxTitle)
	}
	return titleText.Check(t.Title)
}

// Round is one round of a contest.
type Round struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Kind  Kind   `json:"kind"`
	// ReadSec is how long the stem shows alone before the options.
	ReadSec   int        `json:"readSec"`
	Questions []Question `json:"questions"`
	// Penalty is what a wrong buzzer answer costs.
	Penalty int `json:"penalty"`
	// PassOn passes a buzzer question to the next buzzer after a wrong answer.
	PassOn bool `json:"passOn"`
	// AnswerSec is the time the buzzer winner has to answer.
	AnswerSec int `json:"answerSec"`
	// StakeSec is how long players have to pick a wager stake before the
	// question shows on its own; 0 is DefaultStakeSec.
	StakeSec int `json:"stakeSec,omitempty"`
	// Stakes are the allowed stakes of a wager round.
	Stakes []int  `json:"stakes"`
	Tasks  []Task `json:"tasks"`
	// Judges are the accounts that score a judge round.
	Judges []string `json:"judges"`
	// Criteria are a judge round's score sheet (评分表), e.g. 程序规范 30,
	// 沟通技巧 40, 处置效果 30: a judge marks each out of its points, and
	// the marks add up to the judge's score out of 100. None: one score.
	Criteria []Criterion `json:"criteria,omitempty"`
	// Entrants, when set, are the only participants who play this round
	// (advancement from an earlier round's results).
	Entrants []string `json:"entrants,omitempty"`
	// Captains makes a speed, buzzer or wager round captain play (队长代答):
	// only each team's captain answers, buzzes and stakes, for the team, and
	// the points belong to the team (see Standings).
	Captains bool `json:"captains"`
	// Weight is the round's share of the overall score and FullMark the
	// points that earn all of it (0: the round's best points); see
	// scoring.RoundScale. A contest whose rounds carry no weight adds raw
	// points.
	Weight   float64 `json:"weight"`
	FullMark float64 `json:"fullMark"`
	// ExamID is the exam of an online round.
	ExamID string `json:"examId,omitempty"`
	// Finished is when the round ended with a podium.
	Finished time.Time `json:"finished"`
}

// Scale is how the round's points count overall.
func (r Round) Scale() scoring.RoundScale {
	return scoring.RoundScale{Weight: r.Weight, FullMark: r.FullMark}
}

// DefaultStakeSec is the staking time of a wager round that sets none.
const DefaultStakeSec = 15

// Staking is how long players have to pick a stake.
func (r Round) Staking() time.Duration {
	if r.StakeSec == 0 {
		return DefaultStakeSec * time.Second
	}
	return time.Duration(r.StakeSec) * time.Second
}

// Items is how many steps the host walks through: questions, or tasks.
func (r Round) Items() int {
	if r.Kind == Judge {
		return len(r.Tasks)
	}
	return len(r.Questions)
}

// Plays reports whether participant id plays this round.
func (r Round) Plays(id string) bool {
	return len(r.Entrants) == 0 || slices.Contains(r.Entrants, id)
}

// Validate checks a round's settings. Errors: invalid.
func (r Round) Validate() error {
	if strings.TrimSpace(r.Title) == "" || utf8.RuneCountInString(r.Title) > MaxTitle {
		return gridskill.Errorf(gridskill.EINVALID, "the round needs a title of at most %d characters", MaxTitle)
	}
	if err := titleText.Check(r.Title); err != nil {
		return err
	}
	if !r.Kind.Valid() {
		return gridskill.Errorf(gridskill.EINVALID, "unknown round kind %q", r.Kind)
	}
	if r.ReadSec < 0 || r.ReadSec > 60 {
		return gridskill.Errorf(gridskill.EINVALID, "the reading time must be between 0 and 60 seconds")
	}
	if r.Penalty < 0 || r.Penalty > 10000 {
		return gridskill.Errorf(gridskill.EINVALID, "the penalty must be between 0 and 10000")
	}
	if r.Kind == Buzzer && (r.AnswerSec < 3 || r.AnswerSec > 120) {
		return gridskill.Errorf(gridskill.EINVALID, "the buzzer answer time must be between 3 and 120 seconds")
	}
	if r.StakeSec < 0 || r.StakeSec > 120 {
		return gridskill.Errorf(gridskill.EINVALID, "the staking time must be between 0 and 120 seconds")
	}
	if r.Kind == Wager {
		if len(r.Stakes) == 0 || len(r.Stakes) > 10 {
			return gridskill.Errorf(gridskill.EINVALID, "a wager round needs 1 to 10 allowed stakes")
		}
		for _, s := range r.Stakes {
			if s < 0 || s > 10000 {
				return gridskill.Errorf(gridskill.EINVALID, "stakes must be between 0 and 10000")
			}
		}
	}
	if err := r.Scale().Validate(); err != nil {
		return gridskill.Errorf(gridskill.EINVALID, "the weight must be between 0 and %d and the full mark 0 or more", scoring.MaxWeight)
	}
	if len(r.Questions) > MaxQuestions || len(r.Tasks) > MaxQuestions {
		return gridskill.Errorf(gridskill.EINVALID, "a round holds at most %d questions", MaxQuestions)
	}
	if len(r.Judges) > MaxJudges {
		return gridskill.Errorf(gridskill.EINVALID, "a panel has at most %d judges", MaxJudges)
	}
	if len(r.Criteria) > 0 {
		if r.Kind != Judge {
			return gridskill.Errorf(gridskill.EINVALID, "only a judge round has a score sheet")
		}
		if err := checkCriteria(r.Criteria); err != nil {
			return err
		}
	}
	if r.Captains && r.Kind != Speed && r.Kind != Buzzer && r.Kind != Wager {
		return gridskill.Errorf(gridskill.EINVALID, "only speed, buzzer and wager rounds can be answered by team captains")
	}
	return nil
}

// Participant is a worker taking part in a contest.
type Participant struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	UnitID string `json:"unitId"`
	TeamID string `json:"teamId"`
}

// Team is a group of participants scored together, by default a community.
type Team struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// CaptainID is the member who answers for the team in captain rounds: the
	// first member in contest order unless the organizer named another.
	CaptainID string `json:"captainId"`
}

// Validate checks a team's name, however it was given. Errors: invalid.
func (t Team) Validate() error {
	if strings.TrimSpace(t.Name) == "" || utf8.RuneCountInString(t.Name) > MaxTitle {
		return gridskill.Errorf(gridskill.EINVALID, "every team needs a name of at most %d characters", MaxTitle)
	}
	return teamText.Check(t.Name)
}

// The text rules of a contest's fields.
var (
	titleText       = gridskill.Text{Field: "title", Max: MaxTitle}
	descriptionText = gridskill.Text{Field: "contest description", Max: MaxDescription, Multiline: true}
	teamText        = gridskill.Text{Field: "team name", Max: MaxTitle}
	stemText        = gridskill.Text{Field: "question", Max: MaxStem, Multiline: true}
	optionText      = gridskill.Text{Field: "option", Max: MaxOption}
)

// Contest is a skills competition run by the admins of its unit.
type Contest struct {
	ID          string
	Title       string
	Description string
	UnitID      string
	UnitPath    []string
	// UnitIDs are the units whose workers take part (subtrees included).
	UnitIDs      []string
	Participants []Participant
	Teams        []Team
	Rounds       []Round
	// Streak adds the streak bonus in speed rounds.
	Streak bool
	// FalseStart is what a buzz before the options show does: FalseStartIgnore
	// (the default) or FalseStartPenalty.
	FalseStart string
	// TeamRule turns members' scores into a team score.
	TeamRule scoring.TeamRule
	// PIN is the short number phones join with.
	PIN string
	// ScreenKey opens the read-only big screen without signing in.
	ScreenKey string
	// Advanced are the entrants taken from other contests' results.
	Advanced  []Advancement
	CreatedAt time.Time
}

// What a false start (a buzz before the options show) does.
const (
	// FalseStartIgnore refuses the early buzz with a message; the player
	// may buzz again once the options show.
	FalseStartIgnore = "ignore"
	// FalseStartPenalty keeps the player from buzzing that question and
	// costs them the round's penalty when it closes.
	FalseStartPenalty = "penalty"
)

// Participant returns the participant with the id.
func (c Contest) Participant(id string) (Participant, bool) {
	i := slices.IndexFunc(c.Participants, func(p Participant) bool { return p.ID == id })
	if i < 0 {
		return Participant{}, false
	}
	return c.Participants[i], true
}

// Round returns the round with the id.
func (c Contest) Round(id string) (Round, int, bool) {
	i := slices.IndexFunc(c.Rounds, func(r Round) bool { return r.ID == id })
	if i < 0 {
		return Round{}, -1, false
	}
	return c.Rounds[i], i, true
}

// Members returns a team's participants in contest order.
func (c Contest) Members(teamID string) []Participant {
	var out []Participant
	for _, p := range c.Participants {
		if p.TeamID == teamID && teamID != "" {
			out = append(out, p)
		}
	}
	return out
}

// Captain returns the participant who answers for the team in captain
// rounds, and false for a team without members.
func (c Contest) Captain(teamID string) (Participant, bool) {
	for _, t := range c.Teams {
		if t.ID == teamID {
			if p, ok := c.Participant(t.CaptainID); ok && p.TeamID == teamID {
				return p, true
			}
		}
	}
	members := c.Members(teamID)
	if len(members) == 0 {
		return Participant{}, false
	}
	return members[0], true
}

// fillCaptains gives every team a captain among its members: the one it had
// while they remain a member, the first member otherwise.
func (c *Contest) fillCaptains() {
	for i, t := range c.Teams {
		p, _ := c.Captain(t.ID)
		c.Teams[i].CaptainID = p.ID
	}
}

// Conflicted reports whether a judge may not score a task: the performer,
// and in a team task the performer's teammates.
func (c Contest) Conflicted(t Task, judgeID string) bool {
	if judgeID == t.PerformerID {
		return true
	}
	if !t.Team {
		return false
	}
	p, ok := c.Participant(t.PerformerID)
	j, isParticipant := c.Participant(judgeID)
	return ok && isParticipant && p.TeamID != "" && p.TeamID == j.TeamID
}

// Panel returns the round's judges who score a task: all but the conflicted.
func (c Contest) Panel(r Round, t Task) []string {
	var out []string
	for _, j := range r.Judges {
		if !c.Conflicted(t, j) {
			out = append(out, j)
		}
	}
	return out
}

// TeamName returns a team's name.
func (c Contest) TeamName(id string) string {
	for _, t := range c.Teams {
		if t.ID == id {
			return t.Name
		}
	}
	return ""
}

// Validate checks the contest's own fields. Errors: invalid.
func (c Contest) Validate() error {
	if strings.TrimSpace(c.Title) == "" || utf8.RuneCountInString(c.Title) > MaxTitle {
		return gridskill.Errorf(gridskill.EINVALID, "the contest needs a title of at most %d characters", MaxTitle)
	}
	if utf8.RuneCountInString(c.Description) > MaxDescription {
		return gridskill.Errorf(gridskill.EINVALID, "the description is longer than %d characters", MaxDescription)
	}
	if err := titleText.Check(c.Title); err != nil {
		return err
	}
	if err := descriptionText.Check(c.Description); err != nil {
		return err
	}
	if c.FalseStart != "" && c.FalseStart != FalseStartIgnore && c.FalseStart != FalseStartPenalty {
		return gridskill.Errorf(gridskill.EINVALID, "a false start is either ignored or penalised")
	}
	if err := c.TeamRule.Validate(); err != nil {
		return gridskill.Errorf(gridskill.EINVALID, "the team score method is not valid")
	}
	return nil
}

// AwardLevelName is the catalogue id (English) of an award level's name.
func AwardLevelName(l scoring.AwardLevel) string {
	switch l {
	case scoring.FirstPrize:
		return "First prize"
	case scoring.SecondPrize:
		return "Second prize"
	case scoring.ThirdPrize:
		return "Third prize"
	case scoring.Excellence:
		return "Excellence award"
	}
	return ""
}

// TeamAwardLevelName is the catalogue id of a team award level's name.
func TeamAwardLevelName(l scoring.AwardLevel) string {
	switch l {
	case scoring.FirstPrize:
		return "Team first prize"
	case scoring.SecondPrize:
		return "Team second prize"
	case scoring.ThirdPrize:
		return "Team third prize"
	}
	return ""
}

// AwardRecord is an award held by a worker, with what a record page shows.
type AwardRecord struct {
	scoring.Award
	// WorkerID holds an individual award, TeamID a team award (团体奖),
	// which is on no worker's record.
	WorkerID string
	TeamID   string
	// Name is the worker's or the team's; Team is the worker's team.
	Name         string
	Team         string
	ContestTitle string
	Rank         int
	Points       float64
	AwardedAt    time.Time
}
