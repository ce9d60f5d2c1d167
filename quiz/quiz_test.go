package quiz_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"gridskill"
	"gridskill/people"
	"gridskill/quiz"
	"gridskill/scoring"
	"gridskill/seed"
	"gridskill/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var t0 = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

type fixture struct {
	db      *mongo.Database
	ps      *people.Service
	qs      *quiz.Service
	clock   *gridskill.FakeClock
	trainer people.User
	worker  people.User
	other   people.User
}

func setup(t *testing.T) *fixture {
	t.Helper()
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	clock := gridskill.NewFakeClock(t0)
	ps := people.NewService(db, clock)
	ps.BcryptCost = 4
	if err := seed.LoadDemo(ctx, db, ps, clock); err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, ps: ps, clock: clock}
	f.qs = f.restart(t)
	f.trainer, _ = ps.User(ctx, seed.TrainerID)
	f.worker, _ = ps.User(ctx, seed.WorkerID)
	f.other, _ = ps.User(ctx, "worker-0002")
	return f
}

// legacySave saves as a client that names no device does, and returns the
// stored seq of the answer the server holds.
func legacySave(qs *quiz.Service, ctx context.Context, actor people.User, attemptID, questionID string, raw []byte, seq int64) (int64, error) {
	r, err := qs.SaveAnswer(ctx, actor, attemptID, questionID, quiz.AnswerSave{Answer: raw, Seq: seq})
	return r.Seq, err
}

// restart builds a new service over the same database, as a restarted process does.
func (f *fixture) restart(t *testing.T) *quiz.Service {
	t.Helper()
	qs := quiz.NewService(f.db, f.ps, f.clock, nil)
	if err := qs.Load(storetest.Context(t)); err != nil {
		t.Fatal(err)
	}
	return qs
}

// exam sets a 10-minute exam of n anti-fraud questions for the demo district.
func (f *fixture) exam(t *testing.T, n int, mod func(*quiz.Exam)) quiz.Exam {
	t.Helper()
	e := quiz.Exam{Title: "测验", UnitIDs: []string{seed.DistrictID}, OpensAt: t0, ClosesAt: t0.Add(24 * time.Hour), Duration: 10 * time.Minute,
		PassMark: 60, MaxAttempts: 2, Review: quiz.ReviewAfterSubmit, Rules: []quiz.Rule{{Tag: "反诈", Count: n}}}
	if mod != nil {
		mod(&e)
	}
	e, err := f.qs.CreateExam(storetest.Context(t), f.trainer, e)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// rightAnswer returns the JSON answer that is right for a paper question.
func (f *fixture) rightAnswer(t *testing.T, pq quiz.PaperQuestion) string {
	t.Helper()
	q, err := f.qs.Question(storetest.Context(t), f.trainer, pq.ID)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	switch q.Type {
	case scoring.TrueFalse:
		v = q.Correct[0]
	case scoring.Blank:
		var a []string
		for _, alts := range q.Blanks {
			a = append(a, alts[0])
		}
		v = a
	default:
		// Options are shown in paper order: find each right text.
		var keys []string
		for _, k := range q.Correct {
			text := q.Options[k[0]-'A'].Text
			for _, o := range pq.Options {
				if o.Text == text {
					keys = append(keys, o.Key)
				}
			}
		}
		if q.Type == scoring.Single {
			v = keys[0]
		} else {
			v = keys
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func TestAttemptStartsOnceSavesIdempotentlyAndGrades(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	p, created, err := f.qs.Start(ctx, f.worker, e.ID)
	if err != nil || !created || len(p.Questions) != 5 {
		t.Fatalf("start: created %v, %d questions, %v", created, len(p.Questions), err)
	}
	if !p.Deadline.Equal(t0.Add(10 * time.Minute)) {
		t.Fatalf("deadline %v; want start + duration", p.Deadline)
	}
	again, created, err := f.qs.Start(ctx, f.worker, e.ID)
	if err != nil || created || again.AttemptID != p.AttemptID {
		t.Fatalf("second start: %s created=%v %v; want the open attempt", again.AttemptID, created, err)
	}
	seen := map[string]bool{}
	for i, q := range p.Questions {
		if seen[q.ID] {
			t.Fatalf("question %s twice on one paper", q.ID)
		}
		seen[q.ID] = true
		right := f.rightAnswer(t, q)
		if i == 0 {
			// A wrong answer first, then the right one with a higher seq, then a replay of the wrong one.
			if _, err := legacySave(f.qs, ctx, f.worker, p.AttemptID, q.ID, []byte(`null`), 1); err != nil {
				t.Fatal(err)
			}
		}
		res, err := f.qs.SaveAnswer(ctx, f.worker, p.AttemptID, q.ID, quiz.AnswerSave{Answer: []byte(right), Seq: 5})
		if err != nil || !res.Saved || res.Seq < 1 {
			t.Fatalf("save %s: %+v, %v", right, res, err)
		}
	}
	q0 := p.Questions[0]
	held, _ := f.qs.Paper(ctx, f.worker, p.AttemptID)
	res, err := f.qs.SaveAnswer(ctx, f.worker, p.AttemptID, q0.ID, quiz.AnswerSave{Answer: []byte(`null`), Seq: 3})
	if err != nil || res.Saved || res.Seq != held.Seqs[q0.ID] || jsonOf(res.Answer) != f.rightAnswer(t, q0) {
		t.Fatalf("older save: %+v, %v; want not saved, with the held answer %s at seq %d", res, err, f.rightAnswer(t, q0), held.Seqs[q0.ID])
	}
	res, err = f.qs.SaveAnswer(ctx, f.worker, p.AttemptID, q0.ID, quiz.AnswerSave{Answer: []byte(f.rightAnswer(t, q0)), Seq: 5})
	if err != nil || !res.Saved || res.Seq != held.Seqs[q0.ID] {
		t.Fatalf("repeated save: %+v, %v; want saved at seq %d", res, err, held.Seqs[q0.ID])
	}
	r, err := f.qs.Submit(ctx, f.worker, p.AttemptID)
	if err != nil || r.Score != r.Max || r.Max != 100 || !r.Passed {
		t.Fatalf("submit: %+v %v; want full marks", r, err)
	}
	r2, err := f.qs.Submit(ctx, f.worker, p.AttemptID)
	if err != nil || r2 != r {
		t.Fatalf("second submit: %+v %v; want the same result", r2, err)
	}
	rv, err := f.qs.Review(ctx, f.worker, p.AttemptID)
	if err != nil || !rv.Allowed || len(rv.Items) != 5 || len(rv.Answers) != 5 {
		t.Fatalf("review: allowed %v, %d items, %d answers, %v", rv.Allowed, len(rv.Items), len(rv.Answers), err)
	}
	if err := f.qs.Settle(ctx); err != nil { // open documents are removed off the submit's path
		t.Fatal(err)
	}
	if n := countDocs(t, f.db.Collection("attempts_open")); n != 0 {
		t.Fatalf("%d open attempts left after submit", n)
	}
}

func TestSaveAnswerRefusesBadInputAndWritesNothing(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 20, nil)
	p, _, err := f.qs.Start(ctx, f.worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	byType := map[scoring.QuestionType]quiz.PaperQuestion{}
	for _, q := range p.Questions {
		byType[q.Type] = q
	}
	notOnPaper := ""
	all, _, err := f.qs.List(ctx, f.trainer, quiz.Filter{Tag: "反诈", Limit: 200})
	for _, q := range all {
		if _, on := p.Answers[q.ID]; !on && !containsQ(p, q.ID) {
			notOnPaper = q.ID
			break
		}
	}
	if err != nil || notOnPaper == "" { // else the case below would test an empty id
		t.Fatalf("no active question off the paper (%v)", err)
	}
	single, multi := byType[scoring.Single], byType[scoring.Multiple]
	cases := []struct {
		name     string
		actor    people.User
		attempt  string
		question string
		answer   string
		seq      int64
		code     string
	}{
		{"RejectsQuestionNotOnPaper", f.worker, p.AttemptID, notOnPaper, `"A"`, 1, gridskill.EINVALID},
		{"RejectsAnotherWorkersAttempt", f.other, p.AttemptID, single.ID, `"A"`, 1, gridskill.ENOTFOUND},
		{"RejectsForgedAttemptID", f.worker, "a-00000000000000000000", single.ID, `"A"`, 1, gridskill.ENOTFOUND},
		{"RejectsMalformedAttemptID", f.worker, "../../etc", single.ID, `"A"`, 1, gridskill.EINVALID},
		{"RejectsListForSingleChoice", f.worker, p.AttemptID, single.ID, `["A"]`, 1, gridskill.EINVALID},
		{"RejectsNumber", f.worker, p.AttemptID, single.ID, `1`, 1, gridskill.EINVALID},
		{"RejectsObject", f.worker, p.AttemptID, single.ID, `{"$gt":""}`, 1, gridskill.EINVALID},
		{"RejectsUnknownOption", f.worker, p.AttemptID, single.ID, `"H"`, 1, gridskill.EINVALID},
		{"RejectsOptionTwice", f.worker, p.AttemptID, multi.ID, `["A","A"]`, 1, gridskill.EINVALID},
		{"RejectsStringForMultiple", f.worker, p.AttemptID, multi.ID, `"A"`, 1, gridskill.EINVALID},
		{"RejectsZeroSeq", f.worker, p.AttemptID, single.ID, `"A"`, 0, gridskill.EINVALID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := legacySave(f.qs, ctx, tc.actor, tc.attempt, tc.question, []byte(tc.answer), tc.seq)
			if got := gridskill.ErrorCode(err); got != tc.code {
				t.Fatalf("error %v (%s); want %s", err, got, tc.code)
			}
		})
	}
	if n := countDocs(t, f.db.Collection("answers")); n != 0 {
		t.Fatalf("%d answers written by refused saves", n)
	}
	t.Run("RejectsLateAnswer", func(t *testing.T) {
		f.clock.Advance(10 * time.Minute)
		_, err := legacySave(f.qs, ctx, f.worker, p.AttemptID, single.ID, []byte(`"A"`), 9)
		if gridskill.ErrorCode(err) != gridskill.ECONFLICT {
			t.Fatalf("late save: %v; want conflict", err)
		}
	})
}

func containsQ(p quiz.Paper, id string) bool {
	for _, q := range p.Questions {
		if q.ID == id {
			return true
		}
	}
	return false
}

func TestSweeperSubmitsAtDeadlineWithoutClient(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, func(e *quiz.Exam) { e.ClosesAt = t0.Add(5 * time.Minute) })
	p, _, err := f.qs.Start(ctx, f.worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Deadline.Equal(e.ClosesAt) {
		t.Fatalf("deadline %v; want the window's close %v, before start + duration", p.Deadline, e.ClosesAt)
	}
	if _, err := legacySave(f.qs, ctx, f.worker, p.AttemptID, p.Questions[0].ID, []byte(f.rightAnswer(t, p.Questions[0])), 1); err != nil {
		t.Fatal(err)
	}
	if n := f.qs.Sweep(ctx); n != 0 {
		t.Fatalf("sweep before the deadline submitted %d", n)
	}
	f.clock.Advance(5 * time.Minute)
	if n := f.qs.Sweep(ctx); n != 1 {
		t.Fatalf("sweep at the deadline submitted %d; want 1", n)
	}
	rs := f.qs.Results(f.worker, e.ID)
	if len(rs) != 1 || rs[0].Reason != "deadline" || rs[0].Score != 20 || !rs[0].SubmittedAt.Equal(e.ClosesAt) {
		t.Fatalf("results %+v; want one submitted at the deadline with 20 points", rs)
	}
}

func TestSweepAtWindowCloseFinishesEveryAttemptAndClearsOpenOnes(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, func(e *quiz.Exam) { e.ClosesAt = t0.Add(5 * time.Minute) })
	var workers []people.User
	for i := 2; i <= 31; i++ {
		w, err := f.ps.User(ctx, fmt.Sprintf("worker-%04d", i))
		if err != nil {
			t.Fatal(err)
		}
		p, _, err := f.qs.Start(ctx, w, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := legacySave(f.qs, ctx, w, p.AttemptID, p.Questions[0].ID, []byte(f.rightAnswer(t, p.Questions[0])), 1); err != nil {
			t.Fatal(err)
		}
		workers = append(workers, w)
	}
	f.clock.Advance(5 * time.Minute)
	if n := f.qs.Sweep(ctx); n != len(workers) {
		t.Fatalf("sweep at the window's close submitted %d; want %d", n, len(workers))
	}
	for _, w := range workers {
		if rs := f.qs.Results(w, e.ID); len(rs) != 1 || rs[0].Score != 20 {
			t.Fatalf("%s: results %+v; want one with 20 points", w.ID, rs)
		}
	}
	if err := f.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := f.db.Collection("attempts_open").CountDocuments(ctx, bson.M{}); err != nil || n != 0 {
		t.Fatalf("%d open attempts stored after the sweep (%v); want none", n, err)
	}
	qs2 := f.restart(t)
	r, err := qs2.Review(ctx, workers[0], f.qs.Results(workers[0], e.ID)[0].ID)
	if err != nil || len(r.Items) != 5 || !r.Items[0].Correct {
		t.Fatalf("review after restart: %d items (%v); want the graded paper", len(r.Items), err)
	}
}

func TestFinishedAttemptsSavesArePrunedAndTheirAnswersKept(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	saves := func(attempt string) int64 {
		t.Helper()
		n, err := f.db.Collection("answers").CountDocuments(ctx, bson.M{"attempt": attempt})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	start := func(w people.User) quiz.Paper {
		t.Helper()
		p, _, err := f.qs.Start(ctx, w, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i, q := range p.Questions[:2] {
			if _, err := legacySave(f.qs, ctx, w, p.AttemptID, q.ID, []byte(f.rightAnswer(t, q)), int64(i+1)); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	done, open := start(f.worker), start(f.other)
	if _, err := f.qs.Submit(ctx, f.worker, done.AttemptID); err != nil {
		t.Fatal(err)
	}
	// While an attempt is open, pruning waits: no save may queue behind it.
	if err := f.qs.Prune(ctx); err != nil {
		t.Fatal(err)
	}
	if n := saves(done.AttemptID); n != 2 {
		t.Fatalf("%d saves of the finished attempt after pruning with another open; want its 2 still", n)
	}
	// A start prunes every save of an attempt that is not open.
	qs2 := f.restart(t)
	if n := saves(done.AttemptID); n != 0 {
		t.Fatalf("%d saves of the finished attempt left after a restart; want none", n)
	}
	if n := saves(open.AttemptID); n != 2 {
		t.Fatalf("%d saves of the open attempt after a restart; want its 2", n)
	}
	r, err := qs2.Review(ctx, f.worker, done.AttemptID)
	if err != nil || len(r.Answers) != 2 {
		t.Fatalf("review of the pruned attempt: %d answers (%v); want the 2 saved", len(r.Answers), err)
	}
	p, _, err := qs2.Start(ctx, f.other, e.ID)
	if err != nil || len(p.Answers) != 2 {
		t.Fatalf("open attempt after the restart: %d answers (%v); want its 2", len(p.Answers), err)
	}
	// Once nothing is open, the next prune clears the last finished attempt's saves.
	if _, err := qs2.Submit(ctx, f.other, open.AttemptID); err != nil {
		t.Fatal(err)
	}
	if err := qs2.Prune(ctx); err != nil {
		t.Fatal(err)
	}
	if n := saves(open.AttemptID); n != 0 {
		t.Fatalf("%d saves left after pruning with nothing open; want none", n)
	}
	r, err = qs2.Review(ctx, f.other, open.AttemptID)
	if err != nil || len(r.Answers) != 2 {
		t.Fatalf("review after pruning: %d answers (%v); want the 2 saved", len(r.Answers), err)
	}
}

func TestRestartKeepsAnswersDeadlineAndRepairsHalfSubmit(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	p, _, _ := f.qs.Start(ctx, f.worker, e.ID)
	for i, q := range p.Questions[:3] {
		if _, err := legacySave(f.qs, ctx, f.worker, p.AttemptID, q.ID, []byte(f.rightAnswer(t, q)), int64(i+1)); err != nil {
			t.Fatal(err)
		}
	}
	f.clock.Advance(time.Minute)
	qs2 := f.restart(t)
	p2, created, err := qs2.Start(ctx, f.worker, e.ID)
	if err != nil || created || p2.AttemptID != p.AttemptID || !p2.Deadline.Equal(p.Deadline) {
		t.Fatalf("after restart: %s created=%v deadline %v (%v); want the same attempt and deadline", p2.AttemptID, created, p2.Deadline, err)
	}
	if len(p2.Answers) != 3 || p2.Seqs[p.Questions[2].ID] != 3 {
		t.Fatalf("after restart %d answers, seqs %v; want the 3 acknowledged", len(p2.Answers), p2.Seqs)
	}
	if seq, _ := legacySave(qs2, ctx, f.worker, p.AttemptID, p.Questions[0].ID, []byte(`null`), 1); seq != 1 {
		t.Fatalf("replayed save after restart answered seq %d; want 1", seq)
	}
	// A crash between writing the finished attempt and removing the open one.
	var open bson.M
	if err := f.db.Collection("attempts_open").FindOne(ctx, bson.M{"_id": p.AttemptID}).Decode(&open); err != nil {
		t.Fatal(err)
	}
	if _, err := qs2.Submit(ctx, f.worker, p.AttemptID); err != nil {
		t.Fatal(err)
	}
	if err := qs2.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Collection("attempts_open").InsertOne(ctx, open); err != nil {
		t.Fatal(err)
	}
	qs3 := f.restart(t)
	if _, ok := qs3.OpenAttempt(f.worker, e.ID); ok {
		t.Fatal("a submitted attempt is open again after restart")
	}
	if err := qs3.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if n := countDocs(t, f.db.Collection("attempts_open")); n != 0 {
		t.Fatalf("restart did not remove the leftover open attempt (%d left)", n)
	}
	if rs := qs3.Results(f.worker, e.ID); len(rs) != 1 || rs[0].Score != 60 {
		t.Fatalf("results after repair %+v; want one with 60 points", rs)
	}
}

func TestEditingUsedQuestionMakesNewVersionAndPaperKeepsOld(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 3, nil)
	p, _, _ := f.qs.Start(ctx, f.worker, e.ID)
	q, err := f.qs.Question(ctx, f.trainer, p.Questions[0].ID)
	if err != nil || !q.Used {
		t.Fatalf("question on a paper: used=%v %v", q.Used, err)
	}
	next := q
	next.Stem = q.Stem + "（修订）"
	edited, err := f.qs.Update(ctx, f.trainer, q.ID, next)
	if err != nil || edited.Version != q.Version+1 {
		t.Fatalf("edit: version %d, %v; want %d", edited.Version, err, q.Version+1)
	}
	again, _, _ := f.restart(t).Start(ctx, f.worker, e.ID)
	if again.Questions[0].Stem != q.Stem {
		t.Fatalf("paper shows %q after the edit; want the version it was given", again.Questions[0].Stem)
	}
	unused := quiz.Question{Type: scoring.TrueFalse, Stem: "新题：网格员应当定期走访困难群众。", Correct: []string{"T"}, Explanation: "定期走访是职责。", Tags: []string{"网格职责"}, Difficulty: 1}
	c, err := f.qs.Create(ctx, f.trainer, unused)
	if err != nil {
		t.Fatal(err)
	}
	c.Explanation = "定期走访困难群众是网格员的职责。"
	c2, err := f.qs.Update(ctx, f.trainer, c.ID, c)
	if err != nil || c2.Version != 1 {
		t.Fatalf("editing an unused question: version %d, %v; want it edited in place", c2.Version, err)
	}
	if _, err := f.qs.Update(ctx, f.worker, c.ID, c); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
		t.Fatalf("worker edits a question: %v; want forbidden", err)
	}
}

func TestScreenSwitchLimitSubmits(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 3, func(e *quiz.Exam) { e.MaxSwitches = 1 })
	p, _, _ := f.qs.Start(ctx, f.worker, e.ID)
	if n, done, err := f.qs.RecordEvent(ctx, f.worker, p.AttemptID, quiz.EventHidden); err != nil || done || n != 1 {
		t.Fatalf("first switch: %d %v %v; want recorded, not submitted", n, done, err)
	}
	f.qs.RecordEvent(ctx, f.worker, p.AttemptID, quiz.EventVisible)
	if n, done, err := f.qs.RecordEvent(ctx, f.worker, p.AttemptID, quiz.EventHidden); err != nil || !done || n != 2 {
		t.Fatalf("second switch: %d %v %v; want submitted", n, done, err)
	}
	rv, err := f.qs.Review(ctx, f.trainer, p.AttemptID)
	if err != nil || len(rv.Events) != 3 || rv.Result.Reason != "switches" {
		t.Fatalf("trainer sees %d events, reason %q (%v)", len(rv.Events), rv.Result.Reason, err)
	}
}

func TestWrongAnswerBookAndDailyDrill(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	q, err := f.qs.PracticeQuestion(ctx, f.worker, "反诈", "")
	if err != nil {
		t.Fatal(err)
	}
	fb, err := f.qs.CheckPractice(ctx, f.worker, q.ID, wrongAnswer(q))
	if err != nil || fb.Correct || !fb.InBook || fb.Question.Explanation == "" {
		t.Fatalf("wrong practice answer: %+v %v", fb, err)
	}
	right := q.Correct
	if q.Type == scoring.Blank {
		right = nil
		for _, alts := range q.Blanks {
			right = append(right, alts[0])
		}
	}
	drill, err := f.qs.DailyDrill(ctx, f.worker)
	if err != nil || len(drill) != quiz.DrillSize || drill[0].ID != q.ID {
		t.Fatalf("daily drill: %d questions, first %v (%v); want %d with the wrong one first", len(drill), drill[0].ID, err, quiz.DrillSize)
	}
	steps := []struct {
		advance time.Duration
		inBook  bool
	}{{0, true}, {time.Hour, true}, {24 * time.Hour, false}}
	for i, s := range steps {
		f.clock.Advance(s.advance)
		fb, err := f.qs.CheckPractice(ctx, f.worker, q.ID, right)
		if err != nil || !fb.Correct || fb.InBook != s.inBook {
			t.Fatalf("right answer %d: correct %v, in book %v (%v); want in book %v", i, fb.Correct, fb.InBook, err, s.inBook)
		}
	}
}

func TestImportReportsDuplicatesAndWritesNothingWithoutChoice(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	all, _ := f.qs.Export(ctx, f.trainer, quiz.Filter{Tag: "反诈"})
	dup := all[0]
	dup.Explanation = "更新后的解析。"
	fresh := quiz.Question{Type: scoring.Single, Stem: "全新的一道题？", Options: []quiz.Option{{Key: "A", Text: "甲"}, {Key: "B", Text: "乙"}}, Correct: []string{"A"}, Explanation: "因为甲。", Tags: []string{"反诈"}, Difficulty: 2, Status: quiz.Active}
	res, err := f.qs.Import(ctx, f.trainer, []quiz.Question{dup, fresh}, quiz.DupAsk)
	if err != nil || res.Written || len(res.Duplicates) != 1 || res.Duplicates[0].QuestionID != dup.ID {
		t.Fatalf("import without a choice: %+v %v", res, err)
	}
	if _, total, _ := f.qs.List(ctx, f.trainer, quiz.Filter{Query: "全新的一道题"}); total != 0 {
		t.Fatal("an import without a choice wrote a question")
	}
	res, err = f.qs.Import(ctx, f.trainer, []quiz.Question{dup, fresh}, quiz.DupSkip)
	if err != nil || res.Created != 1 || res.Skipped != 1 {
		t.Fatalf("skip: %+v %v", res, err)
	}
	res, err = f.qs.Import(ctx, f.trainer, []quiz.Question{dup, fresh}, quiz.DupUpdate)
	if err != nil || res.Updated != 1 || res.Unchanged != 1 || res.Created != 0 {
		t.Fatalf("update: %+v %v", res, err)
	}
	got, _ := f.qs.Question(ctx, f.trainer, dup.ID)
	if got.Explanation != dup.Explanation {
		t.Fatalf("update left explanation %q", got.Explanation)
	}
}

// countDocs counts a collection's documents; a count that fails fails the
// test, so "nothing was written" cannot pass by error.
func countDocs(t *testing.T, coll *mongo.Collection) int64 {
	t.Helper()
	n, err := coll.CountDocuments(storetest.Context(t), bson.M{})
	if err != nil {
		t.Fatalf("count %s: %v", coll.Name(), err)
	}
	return n
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Two phones on one attempt, each counting its own seqs from the same point:
// every save is either held by the server and said to be saved, or refused
// with the answer the server holds.
func TestTwoDevicesOnOneAttemptNeverHearSavedForAnAnswerNotHeld(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	// Single-choice questions only: a random paper may hold none otherwise.
	e := f.exam(t, 3, func(e *quiz.Exam) { e.Rules = []quiz.Rule{{Tag: "反诈", Type: scoring.Single, Count: 3}} })
	p, _, err := f.qs.Start(ctx, f.worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	q := p.Questions[0]
	a, b := `"`+q.Options[0].Key+`"`, `"`+q.Options[1].Key+`"`
	save := func(dev string, seq int64, answer string, base *int64) quiz.SaveResult {
		t.Helper()
		r, err := f.qs.SaveAnswer(ctx, f.worker, p.AttemptID, q.ID, quiz.AnswerSave{Answer: []byte(answer), Device: dev, Seq: seq, Base: base})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	held := func() string {
		t.Helper()
		now, err := f.qs.Paper(ctx, f.worker, p.AttemptID)
		if err != nil {
			t.Fatal(err)
		}
		return jsonOf(now.Answers[q.ID])
	}
	zero := int64(0)
	t.Run("SameSeqFromTwoDevicesBothStoredInArrivalOrder", func(t *testing.T) {
		r1 := save("phoneA", 1, a, &zero)
		r2 := save("phoneB", 1, b, &r1.Seq)
		if !r1.Saved || !r2.Saved || r2.Seq <= r1.Seq || held() != b {
			t.Fatalf("A %+v, B %+v, held %s; want both saved, B's later, B's answer held", r1, r2, held())
		}
	})
	t.Run("RetryAnswersWhatTheSaveGot", func(t *testing.T) {
		r := save("phoneB", 1, b, &zero)
		if !r.Saved || held() != b {
			t.Fatalf("retry of B's save: %+v; want saved", r)
		}
		r = save("phoneA", 1, a, &zero)
		if r.Saved || jsonOf(r.Answer) != b {
			t.Fatalf("retry of A's superseded save: %+v; want not saved, with B's answer", r)
		}
	})
	t.Run("RefusesAnswerBasedOnWhatAnotherDeviceReplaced", func(t *testing.T) {
		// Phone A answered offline before it learnt of B's answer.
		r := save("phoneA", 2, a, &zero)
		if r.Saved || jsonOf(r.Answer) != b || held() != b {
			t.Fatalf("A's late answer: %+v, held %s; want not saved, B's answer held and returned", r, held())
		}
		// Told what is held, A answers again and is stored.
		r = save("phoneA", 3, a, &r.Seq)
		if !r.Saved || held() != a {
			t.Fatalf("A's answer after learning B's: %+v, held %s; want saved", r, held())
		}
	})
	t.Run("OlderSaveOfTheSameDeviceIsStale", func(t *testing.T) {
		r := save("phoneA", 2, b, nil)
		if r.Saved || jsonOf(r.Answer) != a {
			t.Fatalf("reordered older save: %+v; want not saved, with the held answer", r)
		}
	})
	t.Run("RestartKeepsTheOrder", func(t *testing.T) {
		qs2 := f.restart(t)
		r, err := qs2.SaveAnswer(ctx, f.worker, p.AttemptID, q.ID, quiz.AnswerSave{Answer: []byte(a), Device: "phoneA", Seq: 3})
		if err != nil || !r.Saved {
			t.Fatalf("retry after restart: %+v %v; want saved", r, err)
		}
		r, err = qs2.SaveAnswer(ctx, f.worker, p.AttemptID, q.ID, quiz.AnswerSave{Answer: []byte(b), Device: "phoneC", Seq: 1})
		now, _ := qs2.Paper(ctx, f.worker, p.AttemptID)
		if err != nil || !r.Saved || r.Seq != now.Seqs[q.ID] || jsonOf(now.Answers[q.ID]) != b {
			t.Fatalf("new device after restart: %+v %v, held %v at %d", r, err, now.Answers[q.ID], now.Seqs[q.ID])
		}
	})
	t.Run("RejectsBadDevice", func(t *testing.T) {
		_, err := f.qs.SaveAnswer(ctx, f.worker, p.AttemptID, q.ID, quiz.AnswerSave{Answer: []byte(a), Device: "a b", Seq: 9})
		if gridskill.ErrorCode(err) != gridskill.EINVALID {
			t.Fatalf("%v; want invalid", err)
		}
	})
}

func TestReadingAnAttemptNeverStartsOneAndSaysWhenTimeIsUp(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 3, func(e *quiz.Exam) { e.MaxAttempts = 2 })
	p, _, _ := f.qs.Start(ctx, f.worker, e.ID)
	if now, err := f.qs.Paper(ctx, f.worker, p.AttemptID); err != nil || now.Ended {
		t.Fatalf("open attempt read: ended %v, %v; want open", now.Ended, err)
	}
	f.clock.Advance(11 * time.Minute)
	if now, err := f.qs.Paper(ctx, f.worker, p.AttemptID); err != nil || !now.Ended {
		t.Fatalf("read after the deadline: ended %v, %v; want ended", now.Ended, err)
	}
	if _, err := f.qs.Submit(ctx, f.worker, p.AttemptID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.qs.Paper(ctx, f.worker, p.AttemptID); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
		t.Fatalf("read of a finished attempt: %v; want conflict", err)
	}
	if id, ok := f.qs.OpenAttempt(f.worker, e.ID); ok {
		t.Fatalf("reading made attempt %s", id)
	}
}

func TestNextPracticeWalksTheBookAndEndsTheDrill(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	step := func(at quiz.PracticeStep) quiz.Practice {
		t.Helper()
		next, err := f.qs.NextPractice(ctx, f.worker, at)
		if err != nil {
			t.Fatalf("%+v: %v", at, err)
		}
		return next
	}
	if next := step(quiz.PracticeStep{Mode: quiz.PracticeWrong}); next.Done == "" {
		t.Fatalf("empty book gave %+v; want Done", next)
	}
	var missed []string
	for len(missed) < 2 {
		q, err := f.qs.PracticeQuestion(ctx, f.worker, "反诈", "")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(missed, q.ID) {
			if _, err := f.qs.CheckPractice(ctx, f.worker, q.ID, wrongAnswer(q)); err != nil {
				t.Fatal(err)
			}
			missed = append(missed, q.ID)
		}
	}
	first := step(quiz.PracticeStep{Mode: quiz.PracticeWrong})
	second := step(quiz.PracticeStep{Mode: quiz.PracticeWrong, After: first.Question.ID})
	if first.Done != "" || second.Done != "" || first.Question.ID == second.Question.ID || !slices.Contains(missed, second.Question.ID) {
		t.Fatalf("book walk %q then %q; want the two missed questions %v in turn", first.Question.ID, second.Question.ID, missed)
	}
	if next := step(quiz.PracticeStep{Mode: quiz.PracticeDaily, Index: 0}); next.Question.ID == "" || next.Total != quiz.DrillSize {
		t.Fatalf("drill start %+v; want its first of %d", next, quiz.DrillSize)
	}
	if next := step(quiz.PracticeStep{Mode: quiz.PracticeDaily, Index: quiz.DrillSize}); next.Done == "" {
		t.Fatalf("past the drill's end gave %+v; want Done", next)
	}
	if _, err := f.qs.NextPractice(ctx, f.worker, quiz.PracticeStep{Mode: "tag"}); gridskill.ErrorCode(err) != gridskill.EINVALID {
		t.Fatalf("tag run without a tag: %v; want invalid", err)
	}
}

func TestCreatingAnExamMarksWhatItMayDrawSoStartsWriteNothing(t *testing.T) {
	f := setup(t)
	ctx := storetest.Context(t)
	e := f.exam(t, 5, nil)
	if err := f.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	var unmarked []string
	all, _, err := f.qs.List(ctx, f.trainer, quiz.Filter{Tag: "反诈", Limit: 500})
	if err != nil || len(all) < 5 {
		t.Fatalf("bank: %d questions, %v", len(all), err)
	}
	for _, q := range all {
		var d struct {
			Used bool `bson:"used"`
		}
		if err := f.db.Collection("questions").FindOne(ctx, bson.M{"_id": q.ID}).Decode(&d); err != nil {
			t.Fatal(err)
		}
		if q.Status == quiz.Active && !d.Used {
			unmarked = append(unmarked, q.ID)
		}
	}
	if len(unmarked) > 0 {
		t.Fatalf("%d questions the exam may draw are not marked used in the database: %v", len(unmarked), unmarked)
	}
	before := quiz.UsedWrites(f.qs)
	if _, _, err := f.qs.Start(ctx, f.worker, e.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.qs.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if n := quiz.UsedWrites(f.qs) - before; n != 0 {
		t.Fatalf("a start wrote used flags %d times; the exam's creation should have", n)
	}
}

// wrongAnswer is an answer to q that its form could send and that is wrong.
func wrongAnswer(q quiz.Question) []string {
	switch q.Type {
	case scoring.TrueFalse:
		if q.Correct[0] == "T" {
			return []string{"F"}
		}
		return []string{"T"}
	case scoring.Blank:
		return []string{"不是答案"}
	}
	for _, o := range q.Options {
		if !slices.Contains(q.Correct, o.Key) {
			return []string{o.Key}
		}
	}
	return []string{q.Options[0].Key}
}
