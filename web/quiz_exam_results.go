package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/quiz"
	"gridskill/scoring"
)

type examResultsPage struct {
	Page
	Exam     quiz.Exam
	Window   string
	A        quiz.ExamAnalysis
	Rows     []examResultRow
	Bins     []examBin
	Missing  []examMissingGroup
	Items    []examQuestionRow
	Absent   int
	UnitCols []string
	// CanEdit is set for staff who may change the exam; Started once
	// someone has started it (its paper can no longer be edited).
	CanEdit, Started bool
	// Window fields as typed for extending and for a make-up exam.
	NewClose, MakeUpOpens, MakeUpCloses string
	MakeUpOf                            *quiz.Exam
}

type examResultRow struct {
	quiz.AnalysisRow
	Units     []string
	Submitted string
}

type examBin struct {
	Label string
	Count int
	Width int // percent of the largest bin, for the bar
}

type examMissingGroup struct {
	Unit   string
	People []examMissingPerson
}

type examMissingPerson struct {
	Name, Phone string
	InProgress  bool
}

type examQuestionRow struct {
	quiz.QuestionAnalysis
	N     int
	Notes []string
}

// examUnitCols are the unit columns of results below the district.
var examUnitCols = []string{"Street", "Community", "Grid"}

// examAdminResults shows an exam's analysis: results with their units, the
// summary and histogram, who has not sat it, and each question's answers.
func (s *Server) examAdminResults(c *fiber.Ctx) error {
	p, err := s.examResults(c)
	if err != nil {
		return err
	}
	return c.Render("quiz/exam_results", p, "layouts/main")
}

// examResults builds the analysis page of the exam in the path.
func (s *Server) examResults(c *fiber.Ctx) (examResultsPage, error) {
	u, _ := currentUser(c)
	a, err := s.quiz.AnalyzeExam(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return examResultsPage{}, err
	}
	p := examResultsPage{Page: s.page(c, "Exam analysis"), Exam: a.Exam, A: a, UnitCols: examUnitCols,
		Window: localTime(a.Exam.OpensAt) + " – " + localTime(a.Exam.ClosesAt)}
	for _, r := range a.Rows {
		p.Rows = append(p.Rows, examResultRow{AnalysisRow: r, Units: padUnits(r.Units), Submitted: localTime(r.SubmittedAt)})
	}
	p.Bins = examBins(a.Histogram)
	for _, g := range a.Missing {
		mg := examMissingGroup{Unit: strings.Join(g.Units, " ")}
		for _, w := range g.People {
			mg.People = append(mg.People, examMissingPerson{Name: w.Name, Phone: w.Phone, InProgress: g.InProgress[w.ID]})
		}
		p.Absent += len(g.People)
		p.Missing = append(p.Missing, mg)
	}
	for i, q := range a.Questions {
		row := examQuestionRow{QuestionAnalysis: q, N: i + 1}
		for _, f := range q.Item.Flags {
			row.Notes = append(row.Notes, p.FlagNote(f))
		}
		p.Items = append(p.Items, row)
	}
	p.CanEdit, p.Started = s.quiz.MayEdit(u, a.Exam), s.quiz.Started(a.Exam.ID)
	zone := gridskill.ChinaZone()
	later := a.Exam.ClosesAt
	if now := s.clock.Now(); later.Before(now) {
		later = now
	}
	p.NewClose = later.Add(24 * time.Hour).In(zone).Format(formTime)
	p.MakeUpOpens, p.MakeUpCloses = later.Add(24*time.Hour).In(zone).Format(formTime), later.Add(8*24*time.Hour).In(zone).Format(formTime)
	if a.Exam.MakeUpOf != "" {
		if orig, err := s.quiz.Exam(c.UserContext(), u, a.Exam.MakeUpOf); err == nil {
			p.MakeUpOf = &orig
		}
	}
	return p, nil
}

// formTime is how a datetime-local field writes a time.
const formTime = "2006-01-02T15:04"

// padUnits gives a row one name for each unit column.
func padUnits(names []string) []string {
	out := make([]string, len(examUnitCols))
	copy(out, names)
	return out
}

// examBins labels the histogram's ten bins and sizes their bars.
func examBins(h [10]int) []examBin {
	most := 0
	for _, n := range h {
		most = max(most, n)
	}
	bins := make([]examBin, len(h))
	for i, n := range h {
		label := strconv.Itoa(i*10) + "–" + strconv.Itoa(i*10+9)
		if i == len(h)-1 {
			label = "90–100"
		}
		bins[i] = examBin{Label: label, Count: n}
		if most > 0 {
			bins[i].Width = n * 100 / most
		}
	}
	return bins
}

// ShareText shows an option's share.
func (p examResultsPage) ShareText(o quiz.OptionShare) string { return percentText(o.Share) }

// ReasonName is why an attempt ended, translated.
func (p examResultsPage) ReasonName(r string) string { return p.T(r) }

// TimeUsedMean is the counted attempts' mean time used.
func (p examResultsPage) TimeUsedMean() string { return p.Duration(secs(p.A.TimeUsed.Mean)) }

// ScoreText shows a percentage of the summary.
func (p examResultsPage) ScoreText(v float64) string { return percentText(v) }

// OptionsOf tells whether a question type has options to count.
func (p examResultsPage) OptionsOf(t scoring.QuestionType) bool {
	return t == scoring.Single || t == scoring.Multiple || t == scoring.TrueFalse
}
