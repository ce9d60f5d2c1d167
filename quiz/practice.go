package quiz

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
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
		if d.Wrong[i].Streak >= 2 {
			d.Wrong = slices.Delete(d.Wrong, i, i+1)
		}
	}
	// An update reads before it writes, and the embedded engine refuses it
	// (SQLITE_BUSY) when another write lands in between; a submit burst made
	// 15 of 2,000 fail.
	return retry(ctx, func() error {
		return s.repo.saveLearner(ctx, d)
	})
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
	// InBook reports whether the question is (still) in the wrong-answer book.
	InBook bool
}

// CheckPractice grades a practice answer at once, records it in the
// worker's statistics and wrong-answer book, and returns the feedback with
// the key and the explanation. Errors: invalid, not_found, internal.
func (s *Service) CheckPractice(ctx context.Context, actor people.User, id string, response []string) (Feedback, error) {
	q, err := s.PracticeItem(ctx, actor, id)
	if err != nil {
		return Feedback{}, err
	}
	if len(response) > 8 {
		return Feedback{}, gridskill.Errorf(gridskill.EINVALID, "too many answers")
	}
	for _, r := range response {
		if len([]rune(r)) > MaxBlankAnswer {
			return Feedback{}, gridskill.Errorf(gridskill.EINVALID, "an answer to a blank has at most %d characters", MaxBlankAnswer)
		}
	}
	g := scoring.Grade(q.Key(), response, 1)
	right, wrong := []string{q.ID}, []string(nil)
	if !g.Correct {
		right, wrong = nil, right
	}
	if err := s.recordOutcomes(ctx, actor.ID, "", right, wrong, s.clock.Now()); err != nil {
		return Feedback{}, gridskill.Internal(err)
	}
	fb := Feedback{Question: q, Given: response, Correct: g.Correct}
	book, err := s.WrongBook(ctx, actor)
	if err != nil {
		return Feedback{}, err
	}
	fb.InBook = slices.ContainsFunc(book, func(w WrongEntry) bool { return w.Question.ID == q.ID })
	return fb, nil
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
// key is withheld. The same all day, but for those. Errors: internal.
func (s *Service) DailyDrill(ctx context.Context, actor people.User) ([]Question, error) {
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
// topic of a tag run, the question just answered (After) and the daily
// drill's 0-based position (Index).
type PracticeStep struct {
	Mode  string
	Tag   string
	After string
	Index int
}

// Practice is the question to show next, or Done, a message for the
// worker, when the run has nothing more to show.
type Practice struct {
	Question Question
	Mode     string
	Index    int
	Total    int // daily drill: its length
	Done     string
}

// NextPractice chooses the next practice question: the drill's question at Index,
// the first question of the wrong-answer book other than the one just
// answered (the first when it is the only one), or one from the tag; an
// unknown mode is a tag run. Errors: invalid, not_found (tag), internal.
func (s *Service) NextPractice(ctx context.Context, actor people.User, at PracticeStep) (Practice, error) {
	switch at.Mode {
	case PracticeDaily:
		return s.nextInDrill(ctx, actor, at.Index)
	case PracticeWrong:
		return s.nextInBook(ctx, actor, at.After)
	}
	q, err := s.PracticeQuestion(ctx, actor, at.Tag, at.After)
	return Practice{Question: q, Mode: PracticeTag}, err
}

func (s *Service) nextInDrill(ctx context.Context, actor people.User, i int) (Practice, error) {
	drill, err := s.DailyDrill(ctx, actor)
	if err != nil {
		return Practice{}, err
	}
	next := Practice{Mode: PracticeDaily, Index: i, Total: len(drill)}
	if i < 0 || i >= len(drill) {
		next.Done = "You finished today's drill."
		return next, nil
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
