package web

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"gridskill/quiz"
	"gridskill/scoring"
)

type quizBankPage struct {
	Page
	Filter    quiz.Filter
	Questions []quiz.Question
	Total     int
	Tags      []quiz.TagCount
	Types     []scoring.QuestionType
	PrevURL   string
	NextURL   string
}

// QuestionTypeName is the translated name of a question type.
func (p Page) QuestionTypeName(t scoring.QuestionType) string { return p.T(typeLabels[t]) }

var typeLabels = map[scoring.QuestionType]string{
	scoring.Single: "Single choice", scoring.Multiple: "Multiple choice", scoring.TrueFalse: "True or false", scoring.Blank: "Fill in the blank",
}

// QuestionStatusName is the translated name of a question status.
func (p Page) QuestionStatusName(st quiz.Status) string { return p.T(statusLabels[st]) }

var statusLabels = map[quiz.Status]string{quiz.Draft: "Draft", quiz.Active: "Active", quiz.Retired: "Retired"}

const bankPageSize = 30

// quizBankPage lists the question bank with filters.
func (s *Server) quizBankPage(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	f := quizFilter(c)
	f.Limit = bankPageSize
	list, total, err := s.quiz.List(c.UserContext(), u, f)
	if err != nil {
		return err
	}
	p := quizBankPage{Page: s.page(c, "Question bank"), Filter: f, Questions: list, Total: total, Tags: s.quiz.Tags(u), Types: quiz.Types()}
	q := url.Values{"tag": {f.Tag}, "type": {string(f.Type)}, "status": {string(f.Status)}, "q": {f.Query}}
	if f.Difficulty > 0 {
		q.Set("difficulty", strconv.Itoa(f.Difficulty))
	}
	if f.Offset > 0 {
		q.Set("offset", strconv.Itoa(max(0, f.Offset-bankPageSize)))
		p.PrevURL = "/quiz?" + q.Encode()
	}
	if f.Offset+bankPageSize < total {
		q.Set("offset", strconv.Itoa(f.Offset+bankPageSize))
		p.NextURL = "/quiz?" + q.Encode()
	}
	return c.Render("quiz/bank", p, "layouts/main")
}

// Difficulties lists the difficulty levels for a select.
func (quizBankPage) Difficulties() []int { return []int{1, 2, 3, 4, 5} }
