package quiz

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
)

// ExamAnalysis is what staff read of an exam: every finished attempt of
// their area with its units, the counted attempts' summary and distribution,
// who in the audience has not sat it, and each question's answers and item
// statistics. Everything counts the viewer's area only.
type ExamAnalysis struct {
	Exam Exam
	// Rows are the finished attempts, by unit in the tree's order, then name.
	Rows []AnalysisRow
	// Open is how many attempts are in progress.
	Open int
	// Audience is how many active workers of the viewer's area sit the exam;
	// Sat how many of them (or of others whose attempt is in the area) have
	// finished an attempt, Passed how many whose counted attempt passed.
	Audience, Sat, Passed int
	// Scores summarizes the counted attempts' scores as percentages of their
	// paper's maximum, and Histogram counts them by ten points.
	Scores    scoring.Spread
	Histogram [10]int
	// TimeUsed summarizes the counted attempts' time from start to submit,
	// in seconds.
	TimeUsed scoring.Spread
	// Switches is how many counted attempts left the page at least once.
	Switches int
	// Missing lists, by grid, the audience's workers with no finished attempt.
	Missing []MissingGroup
	// Questions holds each question some paper held, in the order first met
	// on the papers, and Test the exam's reliability.
	Questions []QuestionAnalysis
	Test      scoring.TestStats
}

// PassRate is the share of workers who sat the exam whose counted attempt
// passed, as a percentage.
func (a ExamAnalysis) PassRate() float64 { return scoring.Share(a.Passed, a.Sat) }

// AnalysisRow is one finished attempt with who sat it where.
type AnalysisRow struct {
	AttemptResult
	Name  string
	Phone string
	// Units are the names of the street, community and grid the attempt was
	// sat in (the district left out), as many as the unit's path has.
	Units []string
	// Counted marks the attempt that counts for its worker.
	Counted bool
}

// Percent is the score as a percentage of the paper's maximum.
func (r AnalysisRow) Percent() float64 {
	if r.Max <= 0 {
		return 0
	}
	return 100 * r.Score / r.Max
}

// TimeUsed is the time from start to submit.
func (r AnalysisRow) TimeUsed() time.Duration { return r.SubmittedAt.Sub(r.StartedAt) }

// MissingGroup is the workers of one unit who have not finished the exam.
type MissingGroup struct {
	UnitID string
	Units  []string // names below the district, as in AnalysisRow
	People []people.User
	// InProgress holds the ids of those with an attempt open now.
	InProgress map[string]bool
}

// QuestionAnalysis is how one question of the exam was answered.
type QuestionAnalysis struct {
	ID      string
	Version int
	Type    scoring.QuestionType
	Stem    string
	// Attempts is how many analysed attempts held it, Correct how many of
	// them answered it right.
	Attempts, Correct int
	// Options are the shares of each option (choice and true/false
	// questions), Unanswered how many left it blank.
	Options    []OptionShare
	Unanswered int
	Item       scoring.ItemStats
}

// CorrectRate is the share of attempts that answered right, in percent.
func (q QuestionAnalysis) CorrectRate() float64 { return scoring.Share(q.Correct, q.Attempts) }

// OptionShare is how many attempts chose one option.
type OptionShare struct {
	Key, Text string
	Count     int
	// Right marks an option of the key.
	Right bool
	// Share is Count as a percentage of the attempts that held the question.
	Share float64
}

// AnalyzeExam returns the analysis of an exam for staff who manage it,
// counting only attempts sat, and workers, inside their area.
// Errors: invalid, not_found, forbidden, unavailable (another instance holds the exam), internal.
func (s *Service) AnalyzeExam(ctx context.Context, actor people.User, examID string) (ExamAnalysis, error) {
	rs, open, err := s.ExamResults(ctx, actor, examID)
	if err != nil {
		return ExamAnalysis{}, err
	}
	e, _ := s.examByID(examID)
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return ExamAnalysis{}, err
	}
	a := ExamAnalysis{Exam: e, Open: open}
	if err := s.analyseResults(ctx, &a, tree, rs); err != nil {
		return ExamAnalysis{}, err
	}
	if err := s.analyseMissing(ctx, actor, &a, tree); err != nil {
		return ExamAnalysis{}, err
	}
	docs, err := s.finishedPapers(ctx, examID)
	if err != nil {
		return ExamAnalysis{}, err
	}
	docs = slices.DeleteFunc(slices.Clone(docs), func(d finishedDoc) bool { return !s.seesAttempt(actor, e, d.Open.UserID, d.Open.UnitPath) })
	if err := s.analyseQuestions(ctx, &a, docs); err != nil {
		return ExamAnalysis{}, err
	}
	return a, nil
}

// analyseResults fills the rows and the counted attempts' summary.
func (s *Service) analyseResults(ctx context.Context, a *ExamAnalysis, tree *people.Tree, rs []AttemptResult) error {
	byUser := map[string][]AttemptResult{}
	for _, r := range rs {
		byUser[r.UserID] = append(byUser[r.UserID], r)
	}
	counted := map[string]bool{}
	var pcts, secs []float64
	for _, mine := range byUser {
		slices.SortFunc(mine, func(x, y AttemptResult) int { return x.N - y.N })
		c, _ := Counted(a.Exam, mine)
		counted[c.ID] = true
		a.Sat++
		if c.Passed {
			a.Passed++
		}
		if c.Switches > 0 {
			a.Switches++
		}
		row := AnalysisRow{AttemptResult: c}
		pcts = append(pcts, row.Percent())
		secs = append(secs, row.TimeUsed().Seconds())
	}
	a.Scores, a.Histogram, a.TimeUsed = scoring.SpreadOf(pcts), scoring.Deciles(pcts), scoring.SpreadOf(secs)
	for _, r := range rs {
		row := AnalysisRow{AttemptResult: r, Name: r.UserID, Units: belowDistrict(tree, r.UnitID), Counted: counted[r.ID]}
		if u, err := s.people.User(ctx, r.UserID); err == nil {
			row.Name, row.Phone = u.Name, u.Phone
		}
		a.Rows = append(a.Rows, row)
	}
	order := treeOrder(tree)
	slices.SortStableFunc(a.Rows, func(x, y AnalysisRow) int {
		return cmp.Or(cmp.Compare(order[x.UnitID], order[y.UnitID]), strings.Compare(x.Name, y.Name), x.N-y.N)
	})
	return nil
}

// analyseMissing lists the audience's workers inside the actor's area who
// have no finished attempt, by unit.
func (s *Service) analyseMissing(ctx context.Context, actor people.User, a *ExamAnalysis, tree *people.Tree) error {
	workers, err := s.people.Workers(ctx, actor.UnitID)
	if err != nil {
		return err
	}
	groups := map[string]*MissingGroup{}
	s.attMu.Lock()
	for _, w := range workers {
		if !a.Exam.Sits(w) {
			continue
		}
		a.Audience++
		if len(s.results[key(a.Exam.ID, w.ID)]) > 0 {
			continue
		}
		g := groups[w.UnitID]
		if g == nil {
			g = &MissingGroup{UnitID: w.UnitID, Units: belowDistrict(tree, w.UnitID), InProgress: map[string]bool{}}
			groups[w.UnitID] = g
		}
		g.People = append(g.People, w)
		if _, open := s.openBy[key(a.Exam.ID, w.ID)]; open {
			g.InProgress[w.ID] = true
		}
	}
	s.attMu.Unlock()
	for _, g := range groups {
		slices.SortFunc(g.People, func(x, y people.User) int { return strings.Compare(x.Name, y.Name) })
		a.Missing = append(a.Missing, *g)
	}
	order := treeOrder(tree)
	slices.SortFunc(a.Missing, func(x, y MissingGroup) int { return cmp.Compare(order[x.UnitID], order[y.UnitID]) })
	return nil
}

// treeOrder numbers the units as the tree lists them (第二网格 before
// 第三网格), parents before children.
func treeOrder(tree *people.Tree) map[string]int {
	order := map[string]int{}
	for _, root := range tree.Roots() {
		for _, u := range tree.Subtree(root.ID) {
			order[u.ID] = len(order)
		}
	}
	return order
}

// belowDistrict is the names of a unit's path without its first, the
// district every row shares.
func belowDistrict(tree *people.Tree, unitID string) []string {
	names := tree.Names(unitID)
	if len(names) > 1 {
		return names[1:]
	}
	return names
}

// analyseQuestions fills each question's answers and the item statistics.
func (s *Service) analyseQuestions(ctx context.Context, a *ExamAnalysis, docs []finishedDoc) error {
	index := map[string]int{}
	var items []scoring.Item
	attempts := make([]scoring.Attempt, 0, len(docs))
	for _, d := range docs {
		at := scoring.Attempt{PersonID: d.Open.UserID, At: d.Open.StartedAt, Scores: map[string]float64{}}
		for i, it := range d.Open.Paper {
			j, ok := index[it.QID]
			if !ok {
				q, err := s.version(ctx, it.QID, it.Version)
				if err != nil {
					return err
				}
				j = len(a.Questions)
				index[it.QID] = j
				a.Questions = append(a.Questions, newQuestionAnalysis(q))
				items = append(items, scoring.Item{ID: it.QID, Max: it.Points})
			}
			var answer []string
			if i < len(d.Answers) {
				answer = d.Answers[i].Answer
			}
			var g gradeDoc
			if i < len(d.Grades) {
				g = d.Grades[i]
				at.Scores[it.QID] = g.Earned
			}
			a.Questions[j].count(answer, it.Perm, g.Correct)
		}
		attempts = append(attempts, at)
	}
	an := scoring.AnalyzeItems(items, attempts, scoring.FirstAttempts)
	a.Test = an.Test
	for j, st := range an.Items {
		a.Questions[j].Item = st
		for k := range a.Questions[j].Options {
			o := &a.Questions[j].Options[k]
			o.Share = scoring.Share(o.Count, a.Questions[j].Attempts)
		}
	}
	return nil
}

func newQuestionAnalysis(q Question) QuestionAnalysis {
	qa := QuestionAnalysis{ID: q.ID, Version: q.Version, Type: q.Type, Stem: q.Stem}
	switch q.Type {
	case scoring.Single, scoring.Multiple:
		for _, o := range q.Options {
			qa.Options = append(qa.Options, OptionShare{Key: o.Key, Text: o.Text, Right: slices.Contains(q.Correct, o.Key)})
		}
	case scoring.TrueFalse:
		qa.Options = []OptionShare{{Key: "T", Text: "对", Right: slices.Contains(q.Correct, "T")}, {Key: "F", Text: "错", Right: slices.Contains(q.Correct, "F")}}
	}
	return qa
}

// count adds one attempt's answer, in the keys its paper showed.
func (q *QuestionAnalysis) count(answer []string, perm []int, correct bool) {
	q.Attempts++
	if correct {
		q.Correct++
	}
	if len(answer) == 0 {
		q.Unanswered++
		return
	}
	if q.Type == scoring.Single || q.Type == scoring.Multiple {
		answer = originalKeys(answer, perm)
	}
	for k := range q.Options {
		if slices.Contains(answer, q.Options[k].Key) {
			q.Options[k].Count++
		}
	}
}

// examPapers is what an exam's analysis reads of each of its finished
// attempts (who sat it where, the paper, the answers and their grades), by
// attempt id. Finished attempts never change, so it is only ever added to.
type examPapers map[string]finishedDoc

// finishedPapers returns an exam's finished attempts as its analysis reads
// them, oldest first, kept in memory once read: this process knows the ids
// of every finished attempt of the exams it serves (Load, TakeOver), reads
// those it has not kept by id, and keeps each attempt it finishes itself
// (keepPaper). Reading them with a filter decoded every finished attempt of
// every exam on the embedded engine: 20 s over a district-year's 24,214.
// Callers must not change the docs.
func (s *Service) finishedPapers(ctx context.Context, examID string) ([]finishedDoc, error) {
	var ids []string
	s.attMu.Lock()
	for id, r := range s.finished {
		if r.ExamID == examID {
			ids = append(ids, id)
		}
	}
	s.attMu.Unlock()
	// One reader at a time, so that two first views read the papers once.
	s.papersRead.Lock()
	defer s.papersRead.Unlock()
	s.examDocsMu.Lock()
	var missing []string
	for _, id := range ids {
		if _, ok := s.examDocs[examID][id]; !ok {
			missing = append(missing, id)
		}
	}
	s.examDocsMu.Unlock()
	read, err := s.repo.papersByID(ctx, missing)
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	s.examDocsMu.Lock()
	defer s.examDocsMu.Unlock()
	kept := s.examDocs[examID]
	if kept == nil {
		kept = examPapers{}
		s.examDocs[examID] = kept
	}
	s.papersUsed[examID] = s.clock.Now()
	s.forgetPapers()
	for _, d := range read {
		kept[d.Open.ID] = d
	}
	out := make([]finishedDoc, 0, len(ids))
	for _, id := range ids {
		if d, ok := kept[id]; ok {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b finishedDoc) int {
		return cmp.Or(a.SubmittedAt.Compare(b.SubmittedAt), strings.Compare(a.Open.ID, b.Open.ID))
	})
	return out, nil
}

// keptExams bounds the exams whose papers are kept: a kept paper is about
// 10 KB, an exam of 1,400 attempts some 14 MB.
const keptExams = 12

// forgetPapers drops the papers of the exams viewed longest ago past
// keptExams; a later view reads them again. Called with examDocsMu held.
func (s *Service) forgetPapers() {
	for len(s.examDocs) > keptExams {
		oldest := ""
		for id := range s.examDocs {
			if oldest == "" || s.papersUsed[id].Before(s.papersUsed[oldest]) {
				oldest = id
			}
		}
		delete(s.examDocs, oldest)
		delete(s.papersUsed, oldest)
	}
}

// keepPaper adds an attempt this process finished to its exam's kept
// papers, if they were read.
func (s *Service) keepPaper(f finishedDoc) {
	s.examDocsMu.Lock()
	defer s.examDocsMu.Unlock()
	if kept := s.examDocs[f.Open.ExamID]; kept != nil {
		f.Events = nil
		kept[f.Open.ID] = f
	}
}

// WarmAnalyses reads the papers of the exams open now or closed in the last
// 30 days (the latest keptExams of them), whose analyses staff are likeliest
// to open, and returns how many it read.
func (s *Service) WarmAnalyses(ctx context.Context) (int, error) {
	now := s.clock.Now()
	var recent []Exam
	s.examMu.RLock()
	for _, e := range s.exams {
		if !now.Before(e.OpensAt) && now.Before(e.ClosesAt.AddDate(0, 0, 30)) {
			recent = append(recent, e)
		}
	}
	s.examMu.RUnlock()
	// The latest to close first, as many as are kept.
	slices.SortFunc(recent, func(a, b Exam) int { return cmp.Or(b.ClosesAt.Compare(a.ClosesAt), strings.Compare(a.ID, b.ID)) })
	var ids []string
	for _, e := range recent[:min(len(recent), keptExams)] {
		ids = append(ids, e.ID)
	}
	n := 0
	for _, id := range ids {
		docs, err := s.finishedPapers(ctx, id)
		if err != nil {
			return n, err
		}
		n += len(docs)
	}
	return n, nil
}
