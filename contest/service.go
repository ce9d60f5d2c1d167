package contest

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/people"
	"gridskill/quiz"
	"gridskill/scoring"
	"gridskill/store"
)

// Service runs contests. It keeps every contest in memory (a district holds
// a few dozen), and the live state of each running round, owned by this
// process and rebuilt from the database by Load.
type Service struct {
	repo   repo
	people *people.Service
	quiz   *quiz.Service
	clock  gridskill.Clock
	log    *slog.Logger
	facts  *store.Batch[factDoc] // live facts, group-committed

	mu       sync.RWMutex
	contests map[string]Contest
	pins     map[string]string // PIN → contest id
	live     map[string]*live  // contest id → its running round
	hubs     map[string]*hub   // contest id → its live streams

	streamsStopped bool
	auditSeq       atomic.Uint64 // orders audit entries made at the same instant

	guestOnce   sync.Once
	guestWindow *people.Window // wrong guest judge codes per client address

	// With several instances (cluster.go): the leases, the rounds taken over
	// (contest id → lease epoch), and the contests this instance wrote last
	// (contest id → saveSeq then), which a Refresh keeps.
	holder   Holder
	versions Versions
	owned    map[string]int64
	saved    map[string]uint64
	saveSeq  uint64
}

// NewService returns the contest service. qs may be nil, and then questions
// are typed into the round editor only. Call Load before serving and Close
// at the end.
func NewService(db *mongo.Database, ps *people.Service, qs *quiz.Service, clock gridskill.Clock, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	r := repo{db: db}
	return &Service{repo: r, people: ps, quiz: qs, clock: clock, log: log, facts: newFactWriter(r),
		contests: map[string]Contest{}, pins: map[string]string{}, live: map[string]*live{}, hubs: map[string]*hub{}}
}

// Load reads every contest and rebuilds the live state of rounds that were
// running when the process stopped. An interrupted question waits, paused,
// for the host to re-open it with its remaining time or to close it. One of
// several instances (SetCluster) reads the contests only: running rounds,
// and their streams' joins, come with their leases (TakeOver).
func (s *Service) Load(ctx context.Context) error {
	docs, err := s.repo.allContests(ctx)
	if err != nil {
		return fmt.Errorf("load contests: %w", err)
	}
	if s.holder != nil {
		s.mu.Lock()
		for _, d := range docs {
			c := d.contest()
			s.contests[c.ID] = c
			if c.PIN != "" {
				s.pins[c.PIN] = c.ID
			}
		}
		s.mu.Unlock()
		return nil
	}
	joins, err := s.repo.joins(ctx)
	if err != nil {
		return fmt.Errorf("load joins: %w", err)
	}
	joined := map[string][]string{}
	for _, f := range joins {
		joined[f.Contest] = append(joined[f.Contest], f.Worker)
	}
	s.mu.Lock()
	for _, d := range docs {
		c := d.contest()
		s.contests[c.ID] = c
		if c.PIN != "" {
			s.pins[c.PIN] = c.ID
		}
		s.hubLocked(c, joined[c.ID])
	}
	s.mu.Unlock()
	lives, err := s.repo.live(ctx)
	if err != nil {
		return fmt.Errorf("load live rounds: %w", err)
	}
	for _, ld := range lives {
		if ld.Round == "" || ld.Phase == phaseDone {
			continue
		}
		c, ok := s.cached(ld.ID)
		if !ok {
			continue
		}
		l, err := s.rebuild(ctx, c, ld)
		if err != nil {
			return err
		}
		s.mu.Lock()
		s.live[c.ID] = l
		s.mu.Unlock()
	}
	return nil
}

// Close stops the live rounds' timers, then the group commit after writing
// what is queued.
func (s *Service) Close() {
	s.mu.RLock()
	for _, l := range s.live {
		l.stop()
	}
	s.mu.RUnlock()
	s.facts.Close()
}

func (s *Service) cached(id string) (Contest, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.contests[id]
	return c, ok
}

// get returns a contest. Errors: invalid for a malformed id, not_found.
func (s *Service) get(id string) (Contest, error) {
	if !validID(id) {
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "malformed contest id")
	}
	c, ok := s.cached(id)
	if !ok {
		return Contest{}, gridskill.Errorf(gridskill.ENOTFOUND, "contest not found")
	}
	return c, nil
}

func validID(id string) bool {
	if len(id) == 0 || len(id) > 40 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// managed returns a contest the actor runs. Errors: invalid, not_found, forbidden.
func (s *Service) managed(actor people.User, id string) (Contest, error) {
	c, err := s.get(id)
	if err != nil {
		return c, err
	}
	if !actor.CanAdminister(c.UnitPath) {
		return c, gridskill.Errorf(gridskill.EFORBIDDEN, "only the organizing unit's admins run this contest")
	}
	return c, nil
}

// Manages reports whether actor runs the contest.
func (s *Service) Manages(actor people.User, c Contest) bool { return actor.CanAdminister(c.UnitPath) }

// Organized returns a contest to the admins of its organizing unit only.
// Errors: invalid, not_found, forbidden.
func (s *Service) Organized(ctx context.Context, actor people.User, id string) (Contest, error) {
	c, err := s.Contest(ctx, actor, id)
	if err != nil {
		return c, err
	}
	if !s.Manages(actor, c) {
		return Contest{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only the organizing unit's admins run this contest")
	}
	return c, nil
}

// Access is what a viewer is to a contest.
type Access struct {
	// Organizer: an admin of the organizing unit, who edits and runs it.
	Organizer bool
	Judge     bool
	// Participant: a participant, who reads its results.
	Participant bool
}

// Open returns a contest with what the actor is to it, for pages that show
// organizers the editor and the others the results. Errors: those of Contest.
func (s *Service) Open(ctx context.Context, actor people.User, id string) (Contest, Access, error) {
	c, err := s.Contest(ctx, actor, id)
	if err != nil {
		return c, Access{}, err
	}
	_, participant := c.Participant(actor.ID)
	return c, Access{Organizer: s.Manages(actor, c), Judge: s.isJudge(c, actor.ID), Participant: participant}, nil
}

// Contest returns a contest to its admins and participants. Errors: invalid,
// not_found, forbidden.
func (s *Service) Contest(ctx context.Context, actor people.User, id string) (Contest, error) {
	c, err := s.get(id)
	if err != nil {
		return c, err
	}
	if actor.CanAdminister(c.UnitPath) || s.isJudge(c, actor.ID) {
		return c, nil
	}
	if _, ok := c.Participant(actor.ID); ok {
		return c, nil
	}
	return c, gridskill.Errorf(gridskill.EFORBIDDEN, "you are not taking part in this contest")
}

// IsJudge reports whether the account judges a round of the contest.
func (s *Service) IsJudge(c Contest, userID string) bool { return s.isJudge(c, userID) }

func (s *Service) isJudge(c Contest, userID string) bool {
	for _, r := range c.Rounds {
		if slices.Contains(r.Judges, userID) {
			return true
		}
	}
	return false
}

// Managed lists the contests the actor's unit and the units below it run,
// newest first. Admins only. Errors: forbidden.
func (s *Service) Managed(ctx context.Context, actor people.User) ([]Contest, error) {
	if !actor.Active || !actor.Role.IsAdmin() {
		return nil, gridskill.Errorf(gridskill.EFORBIDDEN, "only admins run contests")
	}
	s.mu.RLock()
	var out []Contest
	for _, c := range s.contests {
		if people.InScope(c.UnitPath, actor.UnitID) {
			out = append(out, c)
		}
	}
	s.mu.RUnlock()
	sortNewest(out)
	return out, nil
}

// Mine lists the contests the actor takes part in or judges, newest first.
func (s *Service) Mine(ctx context.Context, actor people.User) []Contest {
	s.mu.RLock()
	var out []Contest
	for _, c := range s.contests {
		if _, ok := c.Participant(actor.ID); ok || s.isJudge(c, actor.ID) {
			out = append(out, c)
		}
	}
	s.mu.RUnlock()
	sortNewest(out)
	return out
}

func sortNewest(cs []Contest) {
	slices.SortFunc(cs, func(a, b Contest) int {
		return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), strings.Compare(a.ID, b.ID))
	})
}

// Create starts a contest organized by the actor's unit, with no
// participants or rounds yet. Admins only. Errors: forbidden, invalid.
func (s *Service) Create(ctx context.Context, actor people.User, c Contest) (Contest, error) {
	if !actor.Active || !actor.Role.IsAdmin() {
		return Contest{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only admins run contests")
	}
	c.Title = strings.TrimSpace(c.Title)
	c.Description = strings.TrimSpace(c.Description)
	if c.TeamRule.Method == "" {
		c.TeamRule = scoring.TeamRule{Method: scoring.TeamMean}
	}
	if err := c.Validate(); err != nil {
		return Contest{}, err
	}
	c.ID = "c-" + randomHex(6)
	c.UnitID, c.UnitPath = actor.UnitID, actor.UnitPath
	c.ScreenKey = randomHex(12)
	c.CreatedAt = s.clock.Now()
	c.Participants, c.Teams, c.Rounds, c.Advanced = nil, nil, nil, nil
	s.mu.Lock()
	c.PIN = s.newPIN()
	s.hubLocked(c, nil)
	s.mu.Unlock()
	if err := s.save(ctx, c); err != nil {
		return Contest{}, err
	}
	return c, nil
}

// newPIN picks a six-digit PIN no other contest uses. Call with mu held.
func (s *Service) newPIN() string {
	for {
		n, _ := rand.Int(rand.Reader, big.NewInt(900000))
		pin := fmt.Sprint(100000 + n.Int64())
		if _, used := s.pins[pin]; !used {
			return pin
		}
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// save writes a contest, updates the cache and tells the other instances.
func (s *Service) save(ctx context.Context, c Contest) error {
	if err := s.repo.saveContest(ctx, newContestDoc(c)); err != nil {
		return gridskill.Internal(err)
	}
	s.mu.Lock()
	s.noteSavedLocked(c.ID)
	s.contests[c.ID] = c
	if c.PIN != "" {
		s.pins[c.PIN] = c.ID
	}
	s.mu.Unlock()
	s.bump(ctx)
	return nil
}

// change applies edit to a contest the actor runs, saves it and records act
// in its audit trail. Errors: those of managed and of edit, unavailable (the
// round's holder is another instance), internal.
func (s *Service) change(ctx context.Context, actor people.User, id string, act Act, edit func(c *Contest) error) (Contest, error) {
	c, err := s.managed(actor, id)
	if err != nil {
		return c, err
	}
	// With several instances the round's holder edits, so that whether a
	// round is live is known where it is decided.
	if err := s.fence(id); err != nil {
		return Contest{}, err
	}
	c = cloneContest(c)
	if err := edit(&c); err != nil {
		return Contest{}, err
	}
	c.fillCaptains()
	if err := s.save(ctx, c); err != nil {
		return Contest{}, err
	}
	s.audit(ctx, actor, c.ID, act)
	return c, nil
}

func cloneContest(c Contest) Contest {
	c.Participants = slices.Clone(c.Participants)
	c.UnitIDs = slices.Clone(c.UnitIDs)
	c.Teams = slices.Clone(c.Teams)
	c.Advanced = slices.Clone(c.Advanced)
	rounds := make([]Round, len(c.Rounds))
	for i, r := range c.Rounds {
		r.Questions = slices.Clone(r.Questions)
		r.Tasks = slices.Clone(r.Tasks)
		r.Judges = slices.Clone(r.Judges)
		r.Criteria = slices.Clone(r.Criteria)
		r.Stakes = slices.Clone(r.Stakes)
		r.Entrants = slices.Clone(r.Entrants)
		rounds[i] = r
	}
	c.Rounds = rounds
	return c
}

// SetParticipantsByUnits makes every active worker of the given units
// (subtrees included) a participant, with one team per community. Errors:
// invalid, not_found, forbidden, conflict while a round is live.
func (s *Service) SetParticipantsByUnits(ctx context.Context, actor people.User, id string, unitIDs []string) (Contest, error) {
	if len(unitIDs) == 0 {
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "choose at least one unit")
	}
	if c, err := s.managed(actor, id); err != nil {
		return Contest{}, err
	} else if err := s.participantsFixed(c); err != nil {
		return Contest{}, err
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return Contest{}, err
	}
	var workers []people.User
	seen := map[string]bool{}
	for _, uid := range unitIDs {
		for offset := 0; ; offset += 200 {
			list, total, err := s.people.List(ctx, actor, people.ListFilter{UnitID: uid, Role: people.Worker, Limit: 200, Offset: offset})
			if err != nil {
				return Contest{}, err
			}
			for _, w := range list {
				if w.Active && !seen[w.ID] {
					seen[w.ID] = true
					workers = append(workers, w)
				}
			}
			if offset+200 >= total {
				break
			}
		}
	}
	if len(workers) > MaxParticipants {
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "a contest has at most %d participants", MaxParticipants)
	}
	return s.change(ctx, actor, id, Act{"Participants set by unit", strings.Join(unitIDs, ", ")}, func(c *Contest) error {
		if err := s.participantsFixed(*c); err != nil {
			return err
		}
		old := c.Teams
		c.Participants, c.Teams, c.UnitIDs, c.Advanced = nil, nil, slices.Clone(unitIDs), nil
		teams := map[string]bool{}
		for _, w := range workers {
			team := communityOf(tree, w)
			if !teams[team.ID] {
				teams[team.ID] = true
				c.Teams = append(c.Teams, Team{ID: team.ID, Name: team.Name})
			}
			c.Participants = append(c.Participants, Participant{ID: w.ID, Name: w.Name, UnitID: w.UnitID, TeamID: team.ID})
		}
		slices.SortFunc(c.Teams, func(a, b Team) int { return strings.Compare(a.ID, b.ID) })
		keepCaptains(c.Teams, old)
		return nil
	})
}

// communityOf returns the community a worker belongs to, or their own unit
// when it is above the community level.
func communityOf(tree *people.Tree, w people.User) people.Unit {
	for _, id := range w.UnitPath {
		if u, ok := tree.Unit(id); ok && u.Kind == people.Community {
			return u
		}
	}
	u, _ := tree.Unit(w.UnitID)
	return u
}

// AddRound appends a round. Buzzer rounds default to a 10 s answer time.
// Errors: invalid, not_found, forbidden.
func (s *Service) AddRound(ctx context.Context, actor people.User, id string, r Round) (Contest, error) {
	r.Title = strings.TrimSpace(r.Title)
	if r.Kind == Buzzer && r.AnswerSec == 0 {
		r.AnswerSec = 10
	}
	r.Questions, r.Tasks, r.Finished = nil, nil, r.Finished.UTC()
	if err := r.Validate(); err != nil {
		return Contest{}, err
	}
	return s.change(ctx, actor, id, Act{"Round added", r.Title}, func(c *Contest) error {
		if len(c.Rounds) >= MaxRounds {
			return gridskill.Errorf(gridskill.EINVALID, "a contest has at most %d rounds", MaxRounds)
		}
		r.ID = nextRoundID(*c)
		c.Rounds = append(c.Rounds, r)
		return nil
	})
}

// editRound applies edit to one round of a contest, refusing rounds that are
// live or finished. Errors: invalid, not_found, forbidden, conflict.
func (s *Service) editRound(ctx context.Context, actor people.User, id, roundID string, act Act, edit func(c *Contest, r *Round) error) (Contest, error) {
	return s.change(ctx, actor, id, act, func(c *Contest) error {
		_, i, ok := c.Round(roundID)
		if !ok {
			return gridskill.Errorf(gridskill.ENOTFOUND, "round not found")
		}
		if l := s.liveOf(c.ID); l != nil && l.roundID() == roundID {
			return gridskill.Errorf(gridskill.ECONFLICT, "this round is live")
		}
		r := &c.Rounds[i]
		if !r.Finished.IsZero() {
			return gridskill.Errorf(gridskill.ECONFLICT, "this round has finished")
		}
		return edit(c, r)
	})
}

// AddQuestion appends a typed-in question to a speed, buzzer or wager round.
// Errors: invalid, not_found, forbidden, conflict.
func (s *Service) AddQuestion(ctx context.Context, actor people.User, id, roundID string, q Question) (Contest, error) {
	if err := q.Validate(); err != nil {
		return Contest{}, err
	}
	return s.editRound(ctx, actor, id, roundID, Act{"Question added", q.Stem}, func(_ *Contest, r *Round) error {
		if r.Kind == Judge {
			return gridskill.Errorf(gridskill.EINVALID, "a judge round has tasks, not questions")
		}
		if len(r.Questions) >= MaxQuestions {
			return gridskill.Errorf(gridskill.EINVALID, "a round holds at most %d questions", MaxQuestions)
		}
		q.ID = nextQuestionID(*r)
		r.Questions = append(r.Questions, q)
		return nil
	})
}

// Pick says which bank questions to copy into a round: by ids, or count
// questions carrying tag; each with the given points and time limit.
type Pick struct {
	IDs      []string
	Tag      string
	Count    int
	Points   int
	LimitSec int
}

// PickQuestions snapshots questions from the bank into a round: their stem,
// type, options and key are copied, so later edits of the bank do not change
// the contest. Only choice and true/false questions are taken. Errors:
// invalid, not_found, forbidden, conflict.
func (s *Service) PickQuestions(ctx context.Context, actor people.User, id, roundID string, p Pick) (Contest, error) {
	if s.quiz == nil {
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "the question bank is not available; type the questions in")
	}
	if _, err := s.managed(actor, id); err != nil {
		return Contest{}, err
	}
	var picked []quiz.Question
	switch {
	case len(p.IDs) > 0:
		for _, qid := range p.IDs {
			q, err := s.quiz.Question(ctx, actor, strings.TrimSpace(qid))
			if err != nil {
				return Contest{}, err
			}
			picked = append(picked, q)
		}
	case p.Tag != "" && p.Count > 0:
		list, _, err := s.quiz.List(ctx, actor, quiz.Filter{Tag: p.Tag, Status: quiz.Active, Limit: 200})
		if err != nil {
			return Contest{}, err
		}
		for _, q := range list {
			if len(picked) == p.Count {
				break
			}
			if q.Type != scoring.Blank {
				picked = append(picked, q)
			}
		}
		if len(picked) < p.Count {
			return Contest{}, gridskill.Errorf(gridskill.EINVALID, "the bank has only %d choice questions tagged %s", len(picked), p.Tag)
		}
	default:
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "give question ids, or a tag and a count")
	}
	var qs []Question
	for _, bq := range picked {
		q := Question{BankID: bq.ID, Type: bq.Type, Stem: bq.Stem, Correct: slices.Clone(bq.Correct), Points: p.Points, LimitSec: p.LimitSec}
		if bq.Type == scoring.TrueFalse {
			q.Options = []Option{{Key: "T", Text: "正确"}, {Key: "F", Text: "错误"}}
		}
		for _, o := range bq.Options {
			q.Options = append(q.Options, Option{Key: o.Key, Text: o.Text})
		}
		if err := q.Validate(); err != nil {
			return Contest{}, err
		}
		qs = append(qs, q)
	}
	return s.editRound(ctx, actor, id, roundID, Act{"Questions picked from the bank", fmt.Sprint(len(qs))}, func(_ *Contest, r *Round) error {
		if r.Kind == Judge {
			return gridskill.Errorf(gridskill.EINVALID, "a judge round has tasks, not questions")
		}
		if len(r.Questions)+len(qs) > MaxQuestions {
			return gridskill.Errorf(gridskill.EINVALID, "a round holds at most %d questions", MaxQuestions)
		}
		for _, q := range qs {
			q.ID = nextQuestionID(*r)
			r.Questions = append(r.Questions, q)
		}
		return nil
	})
}

// AddTask appends a performance to a judge round. Errors: invalid,
// not_found, forbidden, conflict.
func (s *Service) AddTask(ctx context.Context, actor people.User, id, roundID string, t Task) (Contest, error) {
	t.Title = strings.TrimSpace(t.Title)
	if err := t.validate(); err != nil {
		return Contest{}, err
	}
	return s.editRound(ctx, actor, id, roundID, Act{"Task added", t.Title}, func(c *Contest, r *Round) error {
		if r.Kind != Judge {
			return gridskill.Errorf(gridskill.EINVALID, "only a judge round has tasks")
		}
		if _, ok := c.Participant(t.PerformerID); !ok {
			return gridskill.Errorf(gridskill.EINVALID, "the performer must be a participant")
		}
		t.ID = nextTaskID(*r)
		r.Tasks = append(r.Tasks, t)
		return nil
	})
}

// SetJudges names the accounts, by phone number, that score a judge round.
// Errors: invalid, not_found, forbidden, conflict.
func (s *Service) SetJudges(ctx context.Context, actor people.User, id, roundID string, phones []string) (Contest, error) {
	// The phones are looked up in the actor's area: only for a contest they run.
	if _, err := s.managed(actor, id); err != nil {
		return Contest{}, err
	}
	var ids []string
	for _, ph := range phones {
		ph = people.NormalizePhone(ph)
		if ph == "" {
			continue
		}
		list, _, err := s.people.List(ctx, actor, people.ListFilter{Query: ph, Limit: 5})
		if err != nil {
			return Contest{}, err
		}
		i := slices.IndexFunc(list, func(u people.User) bool { return u.Phone == ph })
		if i < 0 {
			return Contest{}, gridskill.Errorf(gridskill.EINVALID, "no account in your area has the phone number %s", ph)
		}
		if !slices.Contains(ids, list[i].ID) {
			ids = append(ids, list[i].ID)
		}
	}
	if len(ids) == 0 || len(ids) > MaxJudges {
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "a panel has 1 to %d judges", MaxJudges)
	}
	return s.editRound(ctx, actor, id, roundID, Act{"Judges set", strings.Join(phones, ", ")}, func(_ *Contest, r *Round) error {
		if r.Kind != Judge {
			return gridskill.Errorf(gridskill.EINVALID, "only a judge round has judges")
		}
		r.Judges = keepGuests(r.Judges, ids)
		return nil
	})
}

// Advance fills a round's entrants from the results of an earlier round of
// the contest: the topN best overall, or, with perTeam set, the topN best of
// each team. It works on individual standings, so the earlier round must be
// one of individual play. Errors: invalid, not_found, forbidden, conflict.
func (s *Service) Advance(ctx context.Context, actor people.User, id, roundID, fromRoundID string, topN int, perTeam bool) (Contest, error) {
	if topN < 1 || topN > MaxParticipants {
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "the number advancing must be at least 1")
	}
	c, err := s.managed(actor, id)
	if err != nil {
		return Contest{}, err
	}
	st, err := s.standings(ctx, c)
	if err != nil {
		return Contest{}, err
	}
	rs, ok := st.byRound(fromRoundID)
	if !ok {
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "the earlier round has no results yet")
	}
	if rs.Round.Captains {
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "a captain round ranks teams; advance from a round of individual play")
	}
	var entrants []string
	perTeamCount := map[string]int{}
	for _, e := range rs.People {
		if perTeam {
			if perTeamCount[e.TeamID] >= topN {
				continue
			}
			perTeamCount[e.TeamID]++
		} else if len(entrants) >= topN {
			break
		}
		entrants = append(entrants, e.ID)
	}
	return s.editRound(ctx, actor, id, roundID, Act{"Entrants advanced", fmt.Sprintf("%s → %s: %d", fromRoundID, roundID, len(entrants))}, func(_ *Contest, r *Round) error {
		if r.ID == fromRoundID {
			return gridskill.Errorf(gridskill.EINVALID, "a round cannot advance from itself")
		}
		r.Entrants = entrants
		return nil
	})
}

// Join is a worker opening the live contest with its PIN. Only participants
// and judges join. With several instances the join is recorded where the
// phone lands next, the contest's own page on the round's holder, unless
// this instance is that holder. Errors: invalid, not_found, forbidden.
func (s *Service) Join(ctx context.Context, actor people.User, pin string) (Contest, error) {
	pin = strings.TrimSpace(pin)
	s.mu.RLock()
	id, ok := s.pins[pin]
	s.mu.RUnlock()
	if !ok {
		return Contest{}, gridskill.Errorf(gridskill.ENOTFOUND, "no contest has this PIN")
	}
	return s.joinContest(ctx, actor, id, s.serves(id))
}

// JoinContest records a participant as joined (the host counts them) and
// returns the contest. Errors: invalid, not_found, forbidden, unavailable
// (the round's holder is another instance).
func (s *Service) JoinContest(ctx context.Context, actor people.User, id string) (Contest, error) {
	return s.joinContest(ctx, actor, id, true)
}

func (s *Service) joinContest(ctx context.Context, actor people.User, id string, record bool) (Contest, error) {
	c, err := s.get(id)
	if err != nil {
		return c, err
	}
	if s.isJudge(c, actor.ID) || actor.CanAdminister(c.UnitPath) {
		return c, nil
	}
	if _, ok := c.Participant(actor.ID); !ok {
		return c, gridskill.Errorf(gridskill.EFORBIDDEN, "you are not taking part in this contest")
	}
	if !record {
		return c, nil
	}
	if err := s.recordJoin(ctx, c, actor.ID); err != nil {
		return c, err
	}
	return c, nil
}

// ScreenContest returns a contest for its read-only big screen, opened by
// its screen key. Errors: invalid, not_found.
func (s *Service) ScreenContest(id, key string) (Contest, error) {
	c, err := s.get(id)
	if err != nil {
		return c, err
	}
	if key == "" || key != c.ScreenKey {
		return c, gridskill.Errorf(gridskill.ENOTFOUND, "contest not found")
	}
	return c, nil
}

// SetTeams replaces the default teams: each named team takes the
// participants with the listed phone numbers; participants not listed keep
// no team. Errors: invalid (an unknown phone, a participant in two teams, a
// phone of someone not taking part), not_found, forbidden, conflict while a
// round is live.
func (s *Service) SetTeams(ctx context.Context, actor people.User, id string, teams []TeamSpec) (Contest, error) {
	c, err := s.managed(actor, id)
	if err != nil {
		return Contest{}, err
	}
	if err := s.participantsFixed(c); err != nil {
		return Contest{}, err
	}
	if len(teams) == 0 {
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "name at least one team")
	}
	teamOf := map[string]string{}
	var list []Team
	for i, t := range teams {
		team := Team{ID: fmt.Sprintf("team-%d", i+1), Name: strings.TrimSpace(t.Name)}
		if err := team.Validate(); err != nil {
			return Contest{}, err
		}
		list = append(list, team)
		for _, ph := range t.Phones {
			ph = people.NormalizePhone(ph)
			w, ok, err := s.people.InAreaByPhone(ctx, actor, ph)
			if err != nil {
				return Contest{}, err
			}
			if !ok {
				return Contest{}, gridskill.Errorf(gridskill.EINVALID, "no account in your area has the phone number %s", ph)
			}
			if _, ok := c.Participant(w.ID); !ok {
				return Contest{}, gridskill.Errorf(gridskill.EINVALID, "%s is not taking part in this contest", w.Name)
			}
			if prev, dup := teamOf[w.ID]; dup && prev != team.ID {
				return Contest{}, gridskill.Errorf(gridskill.EINVALID, "%s is in two teams", w.Name)
			}
			teamOf[w.ID] = team.ID
		}
	}
	return s.change(ctx, actor, id, Act{"Teams set", fmt.Sprint(len(list))}, func(c *Contest) error {
		keepCaptains(list, c.Teams)
		c.Teams = list
		for i := range c.Participants {
			c.Participants[i].TeamID = teamOf[c.Participants[i].ID]
		}
		return nil
	})
}

// keepCaptains carries the captains of old teams over to the teams with the
// same id; fillCaptains then drops those who are no longer members.
func keepCaptains(teams, old []Team) {
	for i, t := range teams {
		if j := slices.IndexFunc(old, func(o Team) bool { return o.ID == t.ID }); j >= 0 {
			teams[i].CaptainID = old[j].CaptainID
		}
	}
}

// SetCaptains names the captains who answer for their teams in captain
// rounds: captains maps a team's id to one of its members' ids; teams not
// named keep theirs. The whole list is checked before any change. Errors:
// invalid (an unknown team, a captain who is not a member of the team),
// not_found, forbidden, conflict while a round is live (the captain answering
// for a team cannot change in the middle of a round).
func (s *Service) SetCaptains(ctx context.Context, actor people.User, id string, captains map[string]string) (Contest, error) {
	if len(captains) == 0 {
		return Contest{}, gridskill.Errorf(gridskill.EINVALID, "name a captain for at least one team")
	}
	return s.change(ctx, actor, id, Act{"Captains set", fmt.Sprint(len(captains))}, func(c *Contest) error {
		if s.running(c.ID) {
			return gridskill.Errorf(gridskill.ECONFLICT, "a round is live; change captains after it ends")
		}
		for teamID, captainID := range captains {
			i := slices.IndexFunc(c.Teams, func(t Team) bool { return t.ID == teamID })
			if i < 0 {
				return gridskill.Errorf(gridskill.EINVALID, "this contest has no team %s", teamID)
			}
			if p, ok := c.Participant(captainID); !ok || p.TeamID != teamID {
				return gridskill.Errorf(gridskill.EINVALID, "the captain of %s must be one of its members", c.Teams[i].Name)
			}
			c.Teams[i].CaptainID = captainID
		}
		return nil
	})
}

// TeamSpec is a custom team: its name and its members' phone numbers.
type TeamSpec struct {
	Name   string
	Phones []string
}

// ParseTeams reads custom teams typed one per line as
// "team name: phone, phone, ...". Errors: invalid.
func ParseTeams(text string) ([]TeamSpec, error) {
	var out []TeamSpec
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, phones, ok := strings.Cut(strings.Replace(line, "：", ":", 1), ":")
		if !ok {
			return nil, gridskill.Errorf(gridskill.EINVALID, "write each team as a name, a colon, then phone numbers")
		}
		out = append(out, TeamSpec{Name: name, Phones: strings.FieldsFunc(phones, func(r rune) bool {
			return r == ',' || r == '，' || r == ' ' || r == '、' || r == ';'
		})})
	}
	return out, nil
}
