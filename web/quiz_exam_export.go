package web

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/quiz"
	"gridskill/sheet"
)

// examAdminExport sends an exam's whole analysis as a workbook: the
// summary, every result with its units, who has not sat it, and the
// questions with their option shares and item statistics.
func (s *Server) examAdminExport(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	a, err := s.quiz.AnalyzeExam(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	p := s.page(c, "Exam analysis")
	var buf bytes.Buffer
	if err := sheet.WriteSheets(&buf, examSummarySheet(p, a), examResultsSheet(p, a), examMissingSheet(p, a), examQuestionsSheet(p, a)); err != nil {
		return gridskill.Internal(err)
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="exam-%s.xlsx"`, a.Exam.ID))
	return c.Send(buf.Bytes())
}

func examSummarySheet(p Page, a quiz.ExamAnalysis) sheet.Sheet {
	rows := [][]string{
		{p.T("Exam"), a.Exam.Title},
		{p.T("Window"), localTime(a.Exam.OpensAt) + " – " + localTime(a.Exam.ClosesAt)},
		{p.T("Audience size"), strconv.Itoa(a.Audience)},
		{p.T("Sat the exam"), strconv.Itoa(a.Sat)},
		{p.T("Passed"), strconv.Itoa(a.Passed)},
		{p.T("Pass rate"), percentText(a.PassRate())},
		{p.T("Mean score"), percentText(a.Scores.Mean)},
		{p.T("Lowest score"), percentText(a.Scores.Min)},
		{p.T("Highest score"), percentText(a.Scores.Max)},
		{p.T("Mean time used"), p.Duration(secs(a.TimeUsed.Mean))},
		{p.T("Left the page"), strconv.Itoa(a.Switches)},
		{p.T("Reliability (Cronbach's α)"), coefficientText(a.Test.Alpha)},
		{"", p.AlphaNote(a.Test.Alpha)},
	}
	for i, n := range a.Histogram {
		label := strconv.Itoa(i*10) + "–" + strconv.Itoa(i*10+9)
		if i == 9 {
			label = "90–100"
		}
		rows = append(rows, []string{p.T("Score %s%%", label), strconv.Itoa(n)})
	}
	return sheet.Sheet{Name: p.T("Exam summary"), Header: []string{p.T("Figure"), p.T("Value")}, Rows: rows}
}

func examResultsSheet(p Page, a quiz.ExamAnalysis) sheet.Sheet {
	header := []string{p.T("Street"), p.T("Community"), p.T("Grid"), p.T("Name"), p.T("Phone"), p.T("Attempt"), p.T("Score"), p.T("Full marks"),
		p.T("Score (%)"), p.T("Result"), p.T("Counted"), p.T("Time used"), p.T("Screen switches"), p.T("Submitted"), p.T("Ended by")}
	var rows [][]string
	for _, r := range a.Rows {
		u := padUnits(r.Units)
		passed, counted := p.T("Not passed"), ""
		if r.Passed {
			passed = p.T("Passed")
		}
		if r.Counted {
			counted = p.T("Yes")
		}
		rows = append(rows, []string{u[0], u[1], u[2], r.Name, r.Phone, strconv.Itoa(r.N), quizFloat(r.Score), quizFloat(r.Max),
			percentText(r.Percent()), passed, counted, p.Duration(r.TimeUsed()), strconv.Itoa(r.Switches), localTime(r.SubmittedAt), p.T(r.Reason)})
	}
	return sheet.Sheet{Name: p.T("Results"), Header: header, Rows: rows}
}

func examMissingSheet(p Page, a quiz.ExamAnalysis) sheet.Sheet {
	var rows [][]string
	for _, g := range a.Missing {
		u := padUnits(g.Units)
		for _, w := range g.People {
			state := p.T("Not started")
			if g.InProgress[w.ID] {
				state = p.T("in progress")
			}
			rows = append(rows, []string{u[0], u[1], u[2], w.Name, w.Phone, state})
		}
	}
	return sheet.Sheet{Name: p.T("Not yet sat"), Header: []string{p.T("Street"), p.T("Community"), p.T("Grid"), p.T("Name"), p.T("Phone"), p.T("State")}, Rows: rows}
}

func examQuestionsSheet(p Page, a quiz.ExamAnalysis) sheet.Sheet {
	header := []string{p.T("No."), p.T("Type"), p.T("Stem"), p.T("Attempts"), p.T("Correct rate"), p.T("Facility"), p.T("Discrimination"),
		p.T("Option shares"), p.T("No answer"), p.T("Notes")}
	var rows [][]string
	for i, q := range a.Questions {
		var shares, notes []string
		for _, o := range q.Options {
			mark := ""
			if o.Right {
				mark = "✓"
			}
			shares = append(shares, o.Key+mark+" "+percentText(o.Share))
		}
		for _, f := range q.Item.Flags {
			notes = append(notes, p.FlagNote(f))
		}
		if n := p.StatNote(q.Item.Discrimination); n != "" {
			notes = append(notes, p.T("Discrimination")+": "+n)
		}
		rows = append(rows, []string{strconv.Itoa(i + 1), p.QuestionTypeName(q.Type), q.Stem, strconv.Itoa(q.Attempts), percentText(q.CorrectRate()),
			facilityText(q.Item.Facility), coefficientText(q.Item.Discrimination), strings.Join(shares, "  "), strconv.Itoa(q.Unanswered), strings.Join(notes, " ")})
	}
	return sheet.Sheet{Name: p.T("Question analysis"), Header: header, Rows: rows}
}
