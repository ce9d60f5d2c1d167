package quiz

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
)

// DrillSize is the number of questions of the daily drill.
const DrillSize = 10

// learnerLock serializes changes to one worker's practice summary.
func (s *Service) learnerLock(userID string) *sync.Mutex {
	s.learnerMu.Lock()
	defer s.learnerMu.Unlock()
	m, ok := s.learners[userID]
	if !ok {
		m = &sync.Mutex{}
		s.learners[userID] = m
	}
	return m
}

// recordOutcomes updates a worker's wrong-answer book and tag statistics:
// wrong answers enter the book (shown from visibleFrom), and a question in
// the book leaves after it is answered right twice in a row on different days.
// Outcomes of an exam attempt (attemptID set) count once, however often a
// restart replays them.
func (s *Service) recordOutcomes(ctx context.Context, userID, attemptID string, right, wrong []string, visibleFrom time.Time) error {
	if len(right)+len(wrong) == 0 {
		return nil
	}
	mu := s.learnerLock(userID)
	mu.Lock()
	defer mu.Unlock()
	d, err := s.repo.learner(ctx, userID)
	if err != nil {
		return err
	}
	if attemptID != "" {
		if slices.Contains(d.Applied, attemptID) {
			return nil
		}
		d.Applied = append(d.Applied, attemptID)
		d.Applied = d.Applied[max(0, len(d.Applied)-maxApplied):]
	}
	now := s.clock.Now()
	day := now.Format(time.DateOnly)
	tagsOf := func(id string) []string {
		s.bankMu.RLock()
		defer s.bankMu.RUnlock()
		return s.bank[id].Tags
	}
	count := func(id string, ok bool) {
		for _, t := range tagsOf(id) {
			i := slices.IndexFunc(d.Tags, func(x tagStatDoc) bool { return x.Tag == t })
			if i < 0 {
				d.Tags = append(d.Tags, tagStatDoc{Tag: t})
				i = len(d.Tags) - 1
			}
			if ok {
				d.Tags[i].Right++
			} else {
				d.Tags[i].Wrong++
			}
		}
	}
	for _, id := range wrong {
		count(id, false)
		i := slices.IndexFunc(d.Wrong, func(w wrongDoc) bool { return w.QID == id })
		if i < 0 {
			d.Wrong = append(d.Wrong, wrongDoc{QID: id, AddedAt: now, VisibleFrom: visibleFrom})
			i = len(d.Wrong) - 1
		}
		d.Wrong[i].Streak, d.Wrong[i].LastRightDay = 0, ""
		d.Wrong[i].Misses++
	}
	for _, id := range right {
		count(id, true)
		i := slices.IndexFunc(d.Wrong, func(w wrongDoc) bool { return w.QID == id })
		if i < 0 || d.Wrong[i].LastRightDay == day {
			continue
		}
		d.Wrong[i].Streak++
		d.Wrong[i].LastRightDay = day
		if d.Wrong[i].Streak >= leaveStreak {
			d.Wrong = slices.Delete(d.Wrong, i, i+1)
		}
	}
	// An update reads before it writes, and the embedded engine refuses it
	// (SQLITE_BUSY) when another write lands in between; a submit burst made
	// 15 of 2,000 fail.
	err = retry(ctx, func() error {
		return s.repo.saveLearner(ctx, d)
	})
	if err == nil {
		s.heldGaps.Put(d)
	} else {
		s.heldGaps.Changed(ctx, d.ID) // the write may have landed
	}
	return err
}

// practicable reports whether worker actor may practise q.
func practicable(actor people.User, q Question, day string) bool {
	return q.Drawable(day) && visible(actor, q)
}

// PracticeQuestion picks a question for practice from a tag (a module tag or
// a free one), not the one just answered, nor one whose key is withheld
// (see withheld). Errors: invalid, not_found, internal.
func (s *Service) PracticeQuestion(ctx context.Context, actor people.User, tag, after string) (Question, error) {
	if strings.TrimSpace(tag) == "" {
		return Question{}, gridskill.Errorf(gridskill.EINVALID, "choose a topic to practise")
	}
	day := s.today()
	var cands []Question
	s.bankMu.RLock()
	for _, q := range s.bank {
		if q.HasTag(tag) && q.ID != after && practicable(actor, q, day) {
			cands = append(cands, q)
		}
	}
	s.bankMu.RUnlock()
	cands, err := s.withoutWithheld(ctx, actor, cands)
	if err != nil {
		return Question{}, err
	}
	if len(cands) == 0 {
		return Question{}, gridskill.Errorf(gridskill.ENOTFOUND, "no questions to practise on this topic yet")
	}
	slices.SortFunc(cands, func(a, b Question) int { return strings.Compare(a.ID, b.ID) })
	return cands[rand.IntN(len(cands))], nil
}

// PracticeItem returns one question the worker may practise, by id, without
// checking how it was chosen. A question whose key is withheld is refused.
// Errors: invalid, not_found, conflict (withheld), internal.
func (s *Service) PracticeItem(ctx context.Context, actor people.User, id string) (Question, error) {
	if !validID(id) {
		return Question{}, gridskill.Errorf(gridskill.EINVALID, "malformed question id")
	}
	s.bankMu.RLock()
	q, ok := s.bank[id]
	s.bankMu.RUnlock()
	if !ok || !visible(actor, q) || q.Status != Active {
		return Question{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such question")
	}
	held, err := s.withheld(ctx, actor)
	if err != nil {
		return Question{}, err
	}
	if held[q.ID] {
		return Question{}, errWithheld
	}
	return q, nil
}

// Feedback is the outcome of one practice answer.
type Feedback struct {
	Question Question
	Given    []string
	Correct  bool
	// InBook reports whether the question is (still) in the wrong-answer
	// book, and Left how many more days it must be answered right to leave.
	InBook bool
	Left   int
}

// CheckPractice grades a practice answer at once, records it in the
// worker's statistics and wrong-answer book, and returns the feedback with
// the key and the explanation. Errors: invalid, not_found, internal.
func (s *Service) CheckPractice(ctx context.Context, actor people.User, id string, response []string) (Feedback, error) {
	q, err := s.PracticeItem(ctx, actor, id)
	if err != nil {
		return Feedback{}, err
	}
	if response, err = practiceResponse(q, response); err != nil {
		return Feedback{}, err
	}
	g := scoring.Grade(q.Key(), response, 1)
	right, wrong := []string{q.ID}, []string(nil)
	if !g.Correct {
		right, wrong = nil, right
	}
	if err := s.recordOutcomes(ctx, actor.ID, "", right, wrong, s.clock.Now()); err != nil {
		return Feedback{}, gridskill.Internal(err)
	}
	return s.feedback(ctx, actor, q, response, g.Correct)
}

// PracticeFeedback is the feedback of an answer already checked, graded
// again and recorded nowhere: the page after an answer is read by GET, so a
// reload shows it again and records nothing. A tampered answer is refused
// as in CheckPractice; no answer at all is shown as not answered.
// Errors: invalid, not_found, conflict (withheld), internal.
func (s *Service) PracticeFeedback(ctx context.Context, actor people.User, id string, response []string) (Feedback, error) {
	q, err := s.PracticeItem(ctx, actor, id)
	if err != nil {
		return Feedback{}, err
	}
	// No answer is a feedback too (a link to it, by hand): the key, as a
	// wrong answer would have shown it.
	if response, err = practiceResponse(q, response); err != nil && err != errNoAnswer {
		return Feedback{}, err
	}
	return s.feedback(ctx, actor, q, response, scoring.Grade(q.Key(), response, 1).Correct)
}

func (s *Service) feedback(ctx context.Context, actor people.User, q Question, response []string, correct bool) (Feedback, error) {
	fb := Feedback{Question: q, Given: response, Correct: correct}
	book, err := s.WrongBook(ctx, actor)
	if err != nil {
		return Feedback{}, err
	}
	if i := slices.IndexFunc(book, func(w WrongEntry) bool { return w.Question.ID == q.ID }); i >= 0 {
		fb.InBook, fb.Left = true, book[i].Left()
	}
	return fb, nil
}

// errNoAnswer is a practice answer with nothing chosen or typed.
var errNoAnswer = gridskill.Errorf(gridskill.EINVALID, "choose or type an answer first")

// practiceResponse checks a practice answer as a form sends it against the
// question, as an exam's saves are checked: one option of a single choice
// or true/false, options that exist and not twice, no more blanks than the
// stem has. Nothing chosen or typed is refused too. Errors: invalid.
func practiceResponse(q Question, response []string) ([]string, error) {
	var raw []byte
	switch q.Type {
	case scoring.Single, scoring.TrueFalse:
		if len(response) > 1 {
			return nil, gridskill.Errorf(gridskill.EINVALID, "choose one answer only")
		}
		v := ""
		if len(response) == 1 {
			v = response[0]
		}
		raw, _ = json.Marshal(v)
	default:
		raw, _ = json.Marshal(response)
	}
	got, err := DecodeAnswer(q.Type, raw, len(q.Options), q.BlankCount())
	if err != nil {
		return nil, err
	}
	if len(got) == 0 {
		return nil, errNoAnswer
	}
	return got, nil
}

// WrongEntry is one question of the wrong-answer book.
type WrongEntry struct {
	Question Question
	AddedAt  time.Time
	Misses   int
	// Streak is how many days in a row it was last answered right (2 ends it).
	Streak       int
	LastRightDay string
}

// leaveStreak is how many days in a row a question of the book must be
// answered right to leave it.
const leaveStreak = 2

// Left is how many more right answers, on different days, take the
// question out of the book.
func (w WrongEntry) Left() int { return max(1, leaveStreak-w.Streak) }

// WrongBook returns the worker's wrong-answer book, most missed first,
// without the questions whose keys are withheld. Errors: internal.
func (s *Service) WrongBook(ctx context.Context, actor people.User) ([]WrongEntry, error) {
	s.awaitOutcomes(ctx, actor.ID) // a paper just submitted counts
	d, err := s.repo.learner(ctx, actor.ID)
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	held, err := s.withheld(ctx, actor)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	var out []WrongEntry
	s.bankMu.RLock()
	for _, w := range d.Wrong {
		q, ok := s.bank[w.QID]
		if !ok || now.Before(w.VisibleFrom) || q.Status == Retired || held[w.QID] {
			continue
		}
		out = append(out, WrongEntry{Question: q, AddedAt: w.AddedAt, Misses: w.Misses, Streak: w.Streak, LastRightDay: w.LastRightDay})
	}
	s.bankMu.RUnlock()
	slices.SortFunc(out, func(a, b WrongEntry) int {
		return cmp.Or(b.Misses-a.Misses, b.AddedAt.Compare(a.AddedAt), strings.Compare(a.Question.ID, b.Question.ID))
	})
	return out, nil
}

// DailyDrill returns today's ten questions for the worker: wrong-answer book
// items due today (not yet answered right today) first, then questions from
// the tags the worker gets wrong most often, then any; never a question whose
// key is withheld. The drill is chosen at its first reading of the day and
// kept (in memory) for the rest of it, so that answering it, which changes
// the book, does not move the questions under the worker's position: no
// question twice, none skipped. Errors: internal.
func (s *Service) DailyDrill(ctx context.Context, actor people.User) ([]Question, error) {
	day := s.today()
	s.drillMu.Lock()
	kept, ok := s.drills[actor.ID]
	s.drillMu.Unlock()
	if ok && kept.day == day {
		return s.keptDrill(ctx, actor, kept.ids)
	}
	drill, err := s.chooseDrill(ctx, actor)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(drill))
	for i, q := range drill {
		ids[i] = q.ID
	}
	s.drillMu.Lock()
	if len(s.drills) > 10000 {
		for id, d := range s.drills {
			if d.day != day {
				delete(s.drills, id)
			}
		}
	}
	s.drills[actor.ID] = drillDay{day: day, ids: ids}
	s.drillMu.Unlock()
	return drill, nil
}

// drillDay is a worker's drill of one day.
type drillDay struct {
	day string
	ids []string
}

// keptDrill is a drill chosen earlier today, without the questions that
// may no longer be practised or whose keys became withheld since.
func (s *Service) keptDrill(ctx context.Context, actor people.User, ids []string) ([]Question, error) {
	held, err := s.withheld(ctx, actor)
	if err != nil {
		return nil, err
	}
	day := s.today()
	var out []Question
	s.bankMu.RLock()
	defer s.bankMu.RUnlock()
	for _, id := range ids {
		if q, ok := s.bank[id]; ok && !held[id] && practicable(actor, q, day) {
			out = append(out, q)
		}
	}
	return out, nil
}

func (s *Service) chooseDrill(ctx context.Context, actor people.User) ([]Question, error) {
	s.awaitOutcomes(ctx, actor.ID) // a paper just submitted counts
	d, err := s.repo.learner(ctx, actor.ID)
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	held, err := s.withheld(ctx, actor)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	day := now.Format(time.DateOnly)
	sum := sha256.Sum256([]byte(actor.ID + "|" + day))
	seed := binary.BigEndian.Uint64(sum[:8])
	rng := rand.New(rand.NewPCG(seed, seed>>1))
	picked := map[string]bool{}
	var out []Question
	s.bankMu.RLock()
	defer s.bankMu.RUnlock()
	for _, w := range d.Wrong {
		q, ok := s.bank[w.QID]
		if len(out) >= DrillSize/2+2 {
			break
		}
		if ok && !held[q.ID] && !now.Before(w.VisibleFrom) && w.LastRightDay != day && practicable(actor, q, day) {
			out = append(out, q)
			picked[q.ID] = true
		}
	}
	tags := slices.Clone(d.Tags)
	slices.SortFunc(tags, func(a, b tagStatDoc) int {
		// Weakest first: the larger share of wrong answers.
		ra := float64(a.Wrong+1) / float64(a.Right+a.Wrong+2)
		rb := float64(b.Wrong+1) / float64(b.Right+b.Wrong+2)
		return cmp.Or(cmp.Compare(rb, ra), strings.Compare(a.Tag, b.Tag))
	})
	var pool []Question
	for _, q := range s.bank {
		if !held[q.ID] && practicable(actor, q, day) {
			pool = append(pool, q)
		}
	}
	slices.SortFunc(pool, func(a, b Question) int { return strings.Compare(a.ID, b.ID) })
	rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	for _, t := range tags {
		for _, q := range pool {
			if len(out) >= DrillSize {
				break
			}
			if !picked[q.ID] && q.HasTag(t.Tag) {
				out = append(out, q)
				picked[q.ID] = true
				break // one per weak tag, then the next tag
			}
		}
	}
	for _, q := range pool {
		if len(out) >= DrillSize {
			break
		}
		if !picked[q.ID] {
			out = append(out, q)
			picked[q.ID] = true
		}
	}
	return out, nil
}

// Practice modes: a topic, the wrong-answer book, or the daily drill.
const (
	PracticeTag   = "tag"
	PracticeWrong = "wrong"
	PracticeDaily = "daily"
)

// PracticeStep says where the worker is in a practice run: the mode, the
// topic of a tag run, the question just answered (After, the book), the
// 0-based position in the drill or the run (Index), how many were right so
// far, and for a tag run its order: as the questions were added (Order) or
// shuffled by Seed. The run is its seed and position, so a session repeats
// no question and needs nothing stored.
type PracticeStep struct {
	Mode  string
	Tag   string
	After string
	Index int
	Right int
	Order bool
	Seed  uint64
}

// Practice is the question to show next, or Done, a message for the
// worker, when the run has nothing more to show; a finished drill or run
// has its score (Right of Total) and Study, the worker's weakest tags.
type Practice struct {
	Question Question
	Mode     string
	Tag      string
	Index    int
	Total    int // the drill's or the run's length
	Right    int
	Order    bool
	Seed     uint64
	Done     string
	Study    []string
}

// NextPractice chooses the next practice question: the drill's question at Index,
// the first question of the wrong-answer book other than the one just
// answered (the first when it is the only one), or one from the tag; an
// unknown mode is a tag run. Errors: invalid, not_found (tag), internal.
func (s *Service) NextPractice(ctx context.Context, actor people.User, at PracticeStep) (Practice, error) {
	switch at.Mode {
	case PracticeDaily:
		return s.nextInDrill(ctx, actor, at.Index, at.Right)
	case PracticeWrong:
		return s.nextInBook(ctx, actor, at.After)
	}
	return s.nextInRun(ctx, actor, at)
}

// nextInRun is the question at Index of a tag run, in the order the
// questions were added or shuffled by the run's seed (a new seed when the
// run has none); past the end the run is done.
func (s *Service) nextInRun(ctx context.Context, actor people.User, at PracticeStep) (Practice, error) {
	if strings.TrimSpace(at.Tag) == "" {
		return Practice{}, gridskill.Errorf(gridskill.EINVALID, "choose a topic to practise")
	}
	if !at.Order && at.Seed == 0 {
		at.Seed = rand.Uint64() | 1
	}
	if at.Order {
		at.Seed = 0
	}
	run, err := s.practiceRun(ctx, actor, at.Tag, at.Seed)
	if err != nil {
		return Practice{}, err
	}
	if len(run) == 0 {
		return Practice{}, gridskill.Errorf(gridskill.ENOTFOUND, "no questions to practise on this topic yet")
	}
	next := Practice{Mode: PracticeTag, Tag: at.Tag, Index: max(0, at.Index), Total: len(run), Right: max(0, at.Right), Order: at.Order, Seed: at.Seed}
	if next.Index >= len(run) {
		next.Done = "You went through every question of this topic."
		next.Study, err = s.weakTags(ctx, actor)
		return next, err
	}
	next.Question = run[next.Index]
	return next, nil
}

// practiceRun lists the questions of a tag the worker may practise: in the
// order they were added to the bank (a module's questions as its file
// lists them), or shuffled by seed when it is not 0.
func (s *Service) practiceRun(ctx context.Context, actor people.User, tag string, seed uint64) ([]Question, error) {
	day := s.today()
	var run []Question
	s.bankMu.RLock()
	for _, q := range s.bank {
		if q.HasTag(tag) && practicable(actor, q, day) {
			run = append(run, q)
		}
	}
	s.bankMu.RUnlock()
	run, err := s.withoutWithheld(ctx, actor, run)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(run, func(a, b Question) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	if seed != 0 {
		rng := rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
		rng.Shuffle(len(run), func(i, j int) { run[i], run[j] = run[j], run[i] })
	}
	return run, nil
}

// weakTags are up to three tags the worker answers wrong most often, the
// weakest first: what to study next.
func (s *Service) weakTags(ctx context.Context, actor people.User) ([]string, error) {
	d, err := s.repo.learner(ctx, actor.ID)
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	tags := slices.DeleteFunc(slices.Clone(d.Tags), func(t tagStatDoc) bool { return t.Wrong == 0 })
	slices.SortFunc(tags, func(a, b tagStatDoc) int {
		ra := float64(a.Wrong) / float64(a.Right+a.Wrong)
		rb := float64(b.Wrong) / float64(b.Right+b.Wrong)
		return cmp.Or(cmp.Compare(rb, ra), b.Wrong-a.Wrong, strings.Compare(a.Tag, b.Tag))
	})
	var out []string
	for _, t := range tags[:min(3, len(tags))] {
		out = append(out, t.Tag)
	}
	return out, nil
}

func (s *Service) nextInDrill(ctx context.Context, actor people.User, i, right int) (Practice, error) {
	drill, err := s.DailyDrill(ctx, actor)
	if err != nil {
		return Practice{}, err
	}
	next := Practice{Mode: PracticeDaily, Index: i, Total: len(drill), Right: max(0, right)}
	if i < 0 || i >= len(drill) {
		next.Done = "You finished today's drill."
		next.Study, err = s.weakTags(ctx, actor)
		return next, err
	}
	next.Question = drill[i]
	return next, nil
}

func (s *Service) nextInBook(ctx context.Context, actor people.User, after string) (Practice, error) {
	book, err := s.WrongBook(ctx, actor)
	if err != nil {
		return Practice{}, err
	}
	next := Practice{Mode: PracticeWrong}
	if len(book) == 0 {
		next.Done = "Your wrong-answer book is empty."
		return next, nil
	}
	next.Question = book[0].Question
	if next.Question.ID == after && len(book) > 1 {
		next.Question = book[1].Question
	}
	return next, nil
}
