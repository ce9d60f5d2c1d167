package seed

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"

	"gridskill/certify"
	"gridskill/courses"
	"gridskill/people"
	"gridskill/quiz"
	"gridskill/scoring"
)

// DemoProgram is a demo certification program: one per shipped module, and
// the general qualification.
type DemoProgram struct {
	ID   string
	Name string
	// Slugs are the required modules; ExamTitles the required exams (80 points).
	Slugs      []string
	ExamTitles []string
}

// DemoPrograms are the demo district's certification programs, issued by the
// district, valid 24 months. Each module's own exam is its check: after a
// major change of the module, a refresher needs it passed again.
func DemoPrograms() []DemoProgram {
	return []DemoProgram{
		{ID: "anti-fraud", Name: "反诈宣传员", Slugs: []string{"anti-fraud"}, ExamTitles: []string{"反诈结业考试"}},
		{ID: "fundraising", Name: "金融风险防范宣传员", Slugs: []string{"fundraising"}, ExamTitles: []string{"防范非法集资结业考试"}},
		{ID: "duties", Name: "网格职责与工作方法", Slugs: []string{"duties"}, ExamTitles: []string{"网格职责结业考试"}},
		{ID: "mediation", Name: "矛盾纠纷调解员", Slugs: []string{"mediation"}, ExamTitles: []string{"矛盾调解结业考试"}},
		{ID: "hazard", Name: "安全隐患巡查员", Slugs: []string{"hazard"}, ExamTitles: []string{"隐患巡查结业考试"}},
		{ID: "info-collection", Name: "信息采集与隐私保护", Slugs: []string{"info-collection"}, ExamTitles: []string{"信息采集结业考试"}},
		{ID: "qualification", Name: "网格员上岗资格", Slugs: []string{"duties", "info-collection"}, ExamTitles: []string{ComprehensiveExamTitle}},
	}
}

// DemoValidityMonths is how long demo certificates stay valid.
const DemoValidityMonths = 24

// LoadPrograms writes the demo certification programs, looking up the
// modules by slug and the exams by title as reader (a trainer or admin of
// the district) sees them, so it runs after the modules and exams are
// loaded. Programs already there are left as they are.
func LoadPrograms(ctx context.Context, cs *certify.Service, co *courses.Service, qs *quiz.Service, reader people.User) error {
	mods, err := co.Visible(ctx, reader)
	if err != nil {
		return err
	}
	moduleBySlug := map[string]string{}
	for _, m := range mods {
		moduleBySlug[m.Slug] = m.ID
	}
	exams, err := qs.ManagedExams(ctx, reader)
	if err != nil {
		return err
	}
	examByTitle := map[string]string{}
	for _, e := range exams {
		examByTitle[e.Title] = e.ID
	}
	for _, dp := range DemoPrograms() {
		p := certify.Program{ID: dp.ID, Name: dp.Name, IssuerID: DistrictID, ValidityMonths: DemoValidityMonths, Checks: map[string]string{}}
		for _, slug := range dp.Slugs {
			id, ok := moduleBySlug[slug]
			if !ok {
				return fmt.Errorf("program %s: no module with slug %s", dp.Name, slug)
			}
			p.Requirements.Modules = append(p.Requirements.Modules, scoring.ModuleReq{ModuleID: id, MinVersion: 1})
		}
		for _, title := range dp.ExamTitles {
			id, ok := examByTitle[title]
			if !ok {
				return fmt.Errorf("program %s: no exam titled %s", dp.Name, title)
			}
			p.Requirements.Exams = append(p.Requirements.Exams, scoring.ExamReq{ExamID: id, MinScore: 80})
		}
		if len(dp.Slugs) == 1 && len(p.Requirements.Exams) == 1 {
			p.Checks[p.Requirements.Modules[0].ModuleID] = p.Requirements.Exams[0].ExamID
		}
		if err := cs.SeedProgram(ctx, p); err != nil {
			return fmt.Errorf("program %s: %w", dp.Name, err)
		}
	}
	return nil
}

// LoadDemoPrograms writes the demo programs over db, reading the modules and
// exams the demo trainer loaded. LoadDemo is meant to call it after
// loadDemoModules; running it again changes nothing.
func LoadDemoPrograms(ctx context.Context, db *mongo.Database, ps *people.Service, clock gridskill.Clock) error {
	qs := quiz.NewService(db, ps, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := qs.Load(ctx); err != nil {
		return err
	}
	reader, err := ps.User(ctx, TrainerID)
	if err != nil {
		return err
	}
	return LoadPrograms(ctx, certify.NewService(db, ps, clock, certify.Config{}), courses.NewService(db, ps, clock), qs, reader)
}
