package seed

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/people"
	"gridskill/quiz"
)

// LoadQuestions imports every .csv question bank under dir through the same
// path a trainer's upload takes (quiz.ParseBank, then Service.Import as
// author, updating questions whose stem is already there). Running it again
// changes nothing.
func LoadQuestions(ctx context.Context, qs *quiz.Service, author people.User, dir fs.FS) error {
	var files []string
	err := fs.WalkDir(dir, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.EqualFold(path.Ext(p), ".csv") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.Sort(files)
	for _, name := range files {
		f, err := dir.Open(name)
		if err != nil {
			return err
		}
		parsed, err := quiz.ParseBank(f, name)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, describe(err))
		}
		if _, err := qs.Import(ctx, author, parsed, quiz.DupUpdate); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// describe spells out every row problem of an import error.
func describe(err error) error {
	e, ok := err.(*gridskill.Error)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	var b strings.Builder
	b.WriteString(e.Message)
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "\n  row %d, %s: %s", f.Row, f.Field, fmt.Sprintf(f.Reason, f.Args...))
	}
	return fmt.Errorf("%s", b.String())
}

// ModuleTags are the module category tags of the shipped question banks, in module order.
func ModuleTags() []string {
	return []string{"反诈", "防范非法集资", "网格职责", "矛盾调解", "隐患巡查", "信息采集"}
}

// ComprehensiveExamTitle is the title of the demo exam drawn from every module.
const ComprehensiveExamTitle = "网格员综合知识考试"

// LoadDemoExams sets, for the whole demo district, one exam per module (20
// questions of that module's tag, 30 minutes, pass mark 80) and one
// comprehensive exam of 50 questions, open from now for a year. Exams that
// already exist (by title) are left alone.
func LoadDemoExams(ctx context.Context, qs *quiz.Service, author people.User, clock gridskill.Clock) error {
	existing, err := qs.ManagedExams(ctx, author)
	if err != nil {
		return err
	}
	now := clock.Now().Truncate(time.Minute)
	base := quiz.Exam{
		UnitIDs: []string{DistrictID}, OpensAt: now, ClosesAt: now.AddDate(1, 0, 0), Duration: 30 * time.Minute,
		PassMark: 80, MaxAttempts: 3, Counts: quiz.CountHighest, Shuffle: true, Review: quiz.ReviewAfterSubmit,
	}
	var exams []quiz.Exam
	for _, tag := range ModuleTags() {
		e := base
		e.Title = tag + "结业考试"
		e.Rules = []quiz.Rule{{Tag: tag, Count: 20}}
		exams = append(exams, e)
	}
	all := base
	all.Title, all.Duration = ComprehensiveExamTitle, 60*time.Minute
	tags := ModuleTags()
	for _, tag := range tags {
		n := 8
		if tag == tags[0] || tag == tags[1] {
			n = 9
		}
		all.Rules = append(all.Rules, quiz.Rule{Tag: tag, Count: n})
	}
	exams = append(exams, all)
	for _, e := range exams {
		if slices.ContainsFunc(existing, func(x quiz.Exam) bool { return x.Title == e.Title }) {
			continue
		}
		if _, err := qs.CreateExam(ctx, author, e); err != nil {
			return fmt.Errorf("exam %s: %w", e.Title, err)
		}
	}
	return nil
}

// loadDemoQuiz loads the shipped question banks and the demo exams, authored
// by the demo trainer.
func loadDemoQuiz(ctx context.Context, db *mongo.Database, ps *people.Service, clock gridskill.Clock) error {
	qs, err := loadedQuiz(ctx, db, ps, clock)
	if err != nil {
		return err
	}
	author, err := ps.User(ctx, TrainerID)
	if err != nil {
		return err
	}
	defer qs.Close()
	if err := loadShippedBanks(ctx, qs, author); err != nil {
		return err
	}
	if err := LoadDemoExams(ctx, qs, author, clock); err != nil {
		return err
	}
	// The exams' used flags are written in the background; seeding is done
	// when they are, so nothing it started writes after it returns.
	return qs.Settle(ctx)
}
