package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gridskill"
	"gridskill/contest"
	"gridskill/courses"
	"gridskill/people"
	"gridskill/quiz"
	"gridskill/scoring"
	"gridskill/seed"
)

// SeedDistrictYear writes a simulated district-year for measuring pages at
// district scale: the demo district plus Config.DistrictWorkers workers,
// then twelve months of lessons, exams, practice, offline sessions,
// competitions and, through the certification hooks, certificates. Every
// record goes through the services, on a clock that walks through the year
// that ends today, so trends and expiry look as they would after a year of
// use. It is a generator, not a test: the same seed draws the same workers,
// skills, choices and answers, each worker's from randomness of its own, so
// the 16 workers acting at once (as phones would, so that the services'
// group commits gather their writes) do not change the year by their order
// (the services draw a practice question and an exam paper with their own
// randomness, so the questions may differ).
//
// On the embedded engine an insert is cheap and every update or read by
// anything but _id alone scans its collection, so the per-tap paths of a
// year at 2,000 workers did not finish in 25 minutes. What goes which way:
//   - workers: people.Service.Seed, one insert of all the accounts;
//   - study: courses.Service.RecordStudy once per module and month for all
//     who study it (one update of many per collection, completions inserted
//     together) instead of heartbeats and lesson taps; the module's final
//     is sat just before, so that RecordStudy completes the module for
//     those who passed in bulk too;
//   - practice: quiz.Service.RecordPractice, one write of the worker's
//     summary for the month's run, the questions chosen by PracticeQuestion;
//   - exams (the monthly test and the modules' finals): per worker through
//     Start, SaveAnswer and Submit, whose starts, saves and finishes are
//     store.Batch-backed inserts; the follow-ups (wrong-answer book,
//     certification, the module completed by its check) run per attempt,
//     and Settle waits for them at the end;
//   - offline sessions: courses.Service.RecordSession with the attendee
//     list, which credits all attendees in one update;
//   - competitions: contest.Service.Create and SetParticipantsByUnits.
func (m *Main) SeedDistrictYear(ctx context.Context) error {
	// Month by month from the first of the month eleven months ago, at
	// 09:00 China time, to the first of this one.
	now := time.Now().UTC()
	start := time.Date(now.Year(), now.Month()-11, 1, 1, 0, 0, 0, time.UTC)
	clock := gridskill.NewFakeClock(start)
	m.Clock = clock
	m.Config.Demo = true
	m.Config.Addr = "127.0.0.1:0"
	if err := m.Run(ctx); err != nil {
		return err
	}
	g := &districtYear{m: m, clock: clock, rng: rand.New(rand.NewPCG(2026, 14))}
	t0 := time.Now()
	if err := g.hire(ctx, m.Config.DistrictWorkers); err != nil {
		return err
	}
	g.timed("hire", t0)
	for month := range 12 {
		clock.Set(start.AddDate(0, month, 0))
		if err := g.month(ctx, month); err != nil {
			return fmt.Errorf("month %d: %w", month+1, err)
		}
		fmt.Fprintf(m.out, "district-year: month %d of 12 written (so far: %s)\n", month+1, g.spentLine())
	}
	t0 = time.Now()
	if err := m.quiz.Settle(ctx); err != nil {
		return err
	}
	g.timed("settle", t0)
	t0 = time.Now()
	if err := m.quiz.PruneAll(ctx); err != nil {
		return err
	}
	g.timed("prune", t0)
	fmt.Fprintf(m.out, "district-year: %d workers and a year of records written (%s)\n", len(g.workers), g.spentLine())
	return nil
}

type districtYear struct {
	m       *Main
	clock   *gridskill.FakeClock
	rng     *rand.Rand
	admin   people.User
	trainer people.User
	workers []people.User
	skill   map[string]float64 // each worker's chance to answer right
	modules []courses.Module
	finals  map[string]quiz.Exam     // each module tag's final exam (结业考试), which certification asks for
	studied map[string]int           // modules each worker has studied, in catalogue order
	spent   map[string]time.Duration // wall time per phase, printed with each month
}

// timed adds the wall time since t0 to a phase.
func (g *districtYear) timed(phase string, t0 time.Time) {
	if g.spent == nil {
		g.spent = map[string]time.Duration{}
	}
	g.spent[phase] += time.Since(t0)
}

// hire adds the workers, spread over the demo grids.
func (g *districtYear) hire(ctx context.Context, n int) error {
	ps := g.m.people
	var err error
	if g.admin, err = ps.User(ctx, seed.DistrictAdminID); err != nil {
		return err
	}
	if g.trainer, err = ps.User(ctx, seed.TrainerID); err != nil {
		return err
	}
	tree, err := ps.Tree(ctx)
	if err != nil {
		return err
	}
	var grids []people.Unit
	for _, u := range tree.Subtree(seed.DistrictID) {
		if u.Kind == people.Grid {
			grids = append(grids, u)
		}
	}
	users := make([]people.User, n)
	for i := range users {
		gr := grids[i%len(grids)]
		users[i] = people.User{ID: "user-dy-" + strconv.Itoa(i), Phone: fmt.Sprintf("137%08d", i), Name: "网格员" + strconv.Itoa(i+1),
			Role: people.Worker, UnitID: gr.ID, UnitPath: gr.Path, Active: true}
	}
	if err := ps.Seed(ctx, nil, users, seed.DemoPassword); err != nil {
		return err
	}
	g.skill = map[string]float64{}
	for _, u := range users {
		w, err := ps.User(ctx, u.ID)
		if err != nil {
			return err
		}
		g.workers = append(g.workers, w)
		g.skill[w.ID] = 0.45 + 0.5*g.rng.Float64()
	}
	mods, err := g.m.courses.Visible(ctx, g.admin)
	if err != nil {
		return err
	}
	for _, md := range mods {
		if md.Published != nil {
			g.modules = append(g.modules, md)
		}
	}
	exams, err := g.m.quiz.ManagedExams(ctx, g.trainer)
	if err != nil {
		return err
	}
	g.finals, g.studied = map[string]quiz.Exam{}, map[string]int{}
	for _, e := range exams {
		if tag, ok := strings.CutSuffix(e.Title, "结业考试"); ok {
			g.finals[tag] = e
		}
	}
	return nil
}

// month writes one month: each worker studies now and then, practises,
// most sit the month's exam; each street holds a session, and every quarter
// a competition.
func (g *districtYear) month(ctx context.Context, month int) error {
	exam, err := g.exam(ctx, month)
	if err != nil {
		return err
	}
	// Who studies which module this month. They sit its final first and
	// the study is then recorded for all of them at once, which completes
	// the module for those who passed in the same few updates (a final
	// passed after the lessons completes it worker by worker).
	studying := map[string]courses.Module{}
	byModule := map[string][]people.User{}
	for _, w := range g.workers {
		if n := g.studied[w.ID]; n < len(g.modules) && g.rng.Float64() < 0.4 {
			studying[w.ID] = g.modules[n]
			byModule[g.modules[n].ID] = append(byModule[g.modules[n].ID], w)
			g.studied[w.ID]++
		}
	}
	t0 := time.Now()
	if err := g.each(ctx, month, 1, func(ctx context.Context, w people.User, rng *rand.Rand) error {
		if md, ok := studying[w.ID]; ok {
			return g.sitFinals(ctx, w, md, rng)
		}
		return nil
	}); err != nil {
		return err
	}
	g.timed("finals", t0)
	t0 = time.Now()
	for _, md := range g.modules {
		if ws := byModule[md.ID]; len(ws) > 0 {
			if err := g.m.courses.RecordStudy(ctx, g.admin, md.ID, ws); err != nil {
				return err
			}
		}
	}
	g.timed("study", t0)
	t0 = time.Now()
	if err := g.each(ctx, month, 2, func(ctx context.Context, w people.User, rng *rand.Rand) error {
		if err := g.practise(ctx, w, 1+rng.IntN(4), rng); err != nil {
			return err
		}
		if rng.Float64() < 0.7 {
			return g.sitWith(ctx, w, exam, g.skill[w.ID], rng)
		}
		return nil
	}); err != nil {
		return err
	}
	g.timed("practise and sit", t0)
	t0 = time.Now()
	if err := g.sessions(ctx, month); err != nil {
		return err
	}
	g.timed("sessions", t0)
	if month%3 == 2 {
		t0 := time.Now()
		defer g.timed("contests", t0)
		return g.contests(ctx, month)
	}
	return nil
}

// districtParallel is how many workers act at once: as many phones
// would, so that the services' group commits gather their writes.
const districtParallel = 16

// each runs f for every worker, districtParallel at a time, each with its
// own randomness drawn from the month, the phase and the worker's place,
// so the year written does not depend on which goroutine ran first. The
// first error stops the others.
func (g *districtYear) each(ctx context.Context, month, phase int, f func(context.Context, people.User, *rand.Rand) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	errs := make(chan error, districtParallel)
	var wg sync.WaitGroup
	for range districtParallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				rng := rand.New(rand.NewPCG(uint64(2026*100+month*10+phase), uint64(i)))
				if err := f(ctx, g.workers[i], rng); err != nil {
					errs <- err
					cancel()
					return
				}
			}
		}()
	}
feed:
	for i := range g.workers {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	close(errs)
	return <-errs
}

func (g *districtYear) exam(ctx context.Context, month int) (quiz.Exam, error) {
	now := g.clock.Now()
	tags := seed.ModuleTags()
	return g.m.quiz.CreateExam(ctx, g.trainer, quiz.Exam{
		Title: fmt.Sprintf("%s月度测验（第%d月）", tags[month%len(tags)], month+1), UnitIDs: []string{seed.DistrictID},
		OpensAt: now, ClosesAt: now.Add(20 * 24 * time.Hour), Duration: 20 * time.Minute, PassMark: 60, MaxAttempts: 1,
		Review: quiz.ReviewAfterSubmit, Rules: []quiz.Rule{{Tag: tags[month%len(tags)], Count: 10}},
	})
}

// sitFinals sits, mostly, the final exams (结业考试) of a module just studied.
func (g *districtYear) sitFinals(ctx context.Context, w people.User, md courses.Module, rng *rand.Rand) error {
	for _, tag := range md.Published.CheckTags {
		if e, ok := g.finals[tag]; ok && rng.Float64() < 0.8 {
			// Freshly studied: most answer well enough to pass (80 %).
			if err := g.sitWith(ctx, w, e, min(1, g.skill[w.ID]+0.35), rng); err != nil && gridskill.ErrorCode(err) == gridskill.EINTERNAL {
				return err
			}
		}
	}
	return nil
}

// practise answers n questions of a topic, recorded as one run.
func (g *districtYear) practise(ctx context.Context, w people.User, n int, rng *rand.Rand) error {
	tags := seed.ModuleTags()
	tag, after := tags[rng.IntN(len(tags))], ""
	var run []quiz.PracticeAnswer
	for range n {
		q, err := g.m.quiz.PracticeQuestion(ctx, w, tag, after)
		if gridskill.ErrorCode(err) == gridskill.ENOTFOUND {
			break
		}
		if err != nil {
			return err
		}
		given := []string{"Z"} // a wrong blank
		if rng.Float64() < g.skill[w.ID] {
			given = keyOf(q)
		} else if q.Type != scoring.Blank {
			given = wrongOf(q)
		}
		run = append(run, quiz.PracticeAnswer{QuestionID: q.ID, Response: given})
		after = q.ID
	}
	if len(run) == 0 {
		return nil
	}
	_, err := g.m.quiz.RecordPractice(ctx, w, run)
	return err
}

// sitWith starts an exam, answers each question right with the given
// chance, and submits. A submit refused while the finished attempts wait
// for the database (unavailable: the attempt still takes saves) is made
// again a moment later, as a phone would.
func (g *districtYear) sitWith(ctx context.Context, w people.User, e quiz.Exam, skill float64, rng *rand.Rand) error {
	p, _, err := g.m.quiz.Start(ctx, w, e.ID)
	if err != nil {
		return err
	}
	for i, pq := range p.Questions {
		if rng.Float64() >= skill {
			continue
		}
		q, err := g.m.quiz.Question(ctx, g.trainer, pq.ID)
		if err != nil {
			return err
		}
		ans, _ := json.Marshal(answerOf(q, pq))
		if _, err := g.m.quiz.SaveAnswer(ctx, w, p.AttemptID, pq.ID, quiz.AnswerSave{Answer: ans, Seq: int64(i + 1)}); err != nil {
			return err
		}
	}
	for tries := 0; ; tries++ {
		_, err = g.m.quiz.Submit(ctx, w, p.AttemptID)
		if gridskill.ErrorCode(err) != gridskill.EUNAVAILABLE || tries == 120 {
			return err
		}
		select {
		case <-time.After(time.Second):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// sessions records one offline session a street, signed by half its workers.
func (g *districtYear) sessions(ctx context.Context, month int) error {
	for _, street := range []string{seed.Street1ID, seed.Street2ID, "unit-s3"} {
		var rows []courses.SignInRow
		for _, w := range g.workers {
			if people.InScope(w.UnitPath, street) && g.rng.Float64() < 0.5 {
				rows = append(rows, courses.SignInRow{Line: len(rows) + 1, Name: w.Name, Phone: w.Phone})
			}
		}
		if len(rows) == 0 {
			continue
		}
		in := courses.SessionInput{Topic: fmt.Sprintf("第%d月集中培训", month+1), Date: g.clock.Now().In(gridskill.ChinaZone()).Format(time.DateOnly),
			Place: "街道会议室", Trainer: g.trainer.Name, Hours: 2}
		if _, err := g.m.courses.RecordSession(ctx, g.trainer, in, rows); err != nil {
			return err
		}
	}
	return nil
}

// contests creates a competition a quarter with every grid of a street.
func (g *districtYear) contests(ctx context.Context, month int) error {
	c, err := g.m.contest.Create(ctx, g.admin, contest.Contest{Title: fmt.Sprintf("第%d季度技能大比武", month/3+1)})
	if err != nil {
		return err
	}
	street := []string{seed.Street1ID, seed.Street2ID, "unit-s3"}[month/3%3]
	_, err = g.m.contest.SetParticipantsByUnits(ctx, g.admin, c.ID, []string{street})
	return err
}

// spentLine lists the wall time of each phase so far, in a fixed order.
func (g *districtYear) spentLine() string {
	var parts []string
	for _, p := range []string{"hire", "finals", "study", "practise and sit", "sessions", "contests", "settle", "prune"} {
		if d, ok := g.spent[p]; ok {
			parts = append(parts, fmt.Sprintf("%s %s", p, d.Round(100*time.Millisecond)))
		}
	}
	return strings.Join(parts, ", ")
}

// wrongOf is a wrong answer to a choice question: the first option that is
// not in the key (a true/false question's other value).
func wrongOf(q quiz.Question) []string {
	if q.Type == scoring.TrueFalse {
		if len(q.Correct) > 0 && q.Correct[0] == "T" {
			return []string{"F"}
		}
		return []string{"T"}
	}
	for _, o := range q.Options {
		if !slices.Contains(q.Correct, o.Key) {
			return []string{o.Key}
		}
	}
	return q.Correct // every option is right: there is no wrong answer
}

// keyOf is a question's key as practice takes it: a blank question's key
// is the first accepted text of each blank.
func keyOf(q quiz.Question) []string {
	if q.Type != scoring.Blank {
		return q.Correct
	}
	var out []string
	for _, alts := range q.Blanks {
		if len(alts) > 0 {
			out = append(out, alts[0])
		}
	}
	for _, c := range q.Correct[min(len(out), len(q.Correct)):] {
		out = append(out, strings.Split(c, "/")[0])
	}
	return out
}

// answerOf is a question's key in the API's answer shape, with the option
// keys the paper shows (a shuffled paper relabels them; the texts stay).
func answerOf(q quiz.Question, pq quiz.PaperQuestion) any {
	shown := map[string]string{} // text → key on the paper
	for _, o := range pq.Options {
		shown[o.Text] = o.Key
	}
	var keys []string
	for _, k := range q.Correct {
		key := k
		for _, o := range q.Options {
			if o.Key == k && shown[o.Text] != "" {
				key = shown[o.Text]
			}
		}
		keys = append(keys, key)
	}
	switch q.Type {
	case scoring.Single, scoring.TrueFalse:
		if len(keys) > 0 {
			return keys[0]
		}
	case scoring.Multiple:
		return keys
	}
	return keyOf(q)
}
