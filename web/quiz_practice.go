package web

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/quiz"
	"gridskill/scoring"
)

type practiceHomePage struct {
	Page
	Modules []quiz.TagCount
	Topics  []quiz.TagCount
	Wrong   int
}

// practiceHome lists the topics to practise, the wrong-answer book and the daily drill.
func (s *Server) practiceHome(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	book, err := s.quiz.WrongBook(c.UserContext(), u)
	if err != nil {
		return err
	}
	p := practiceHomePage{Page: s.page(c, "Practice"), Wrong: len(book)}
	for _, t := range s.quiz.Tags(u) {
		if t.Module {
			p.Modules = append(p.Modules, t)
		} else if t.Count >= 3 {
			p.Topics = append(p.Topics, t)
		}
	}
	return c.Render("quiz/practice", p, "layouts/main")
}

type practiceQuestionPage struct {
	Page
	Question quiz.Question
	Mode     string // tag, wrong, daily
	Tag      string
	Index    int // daily drill: 0-based position
	Total    int
	Feedback *quiz.Feedback
	NextURL  string
}

// practiceQuestion shows one question: from a tag, the wrong-answer book, or the daily drill.
func (s *Server) practiceQuestion(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	at := quiz.PracticeStep{Mode: c.Query("mode", quiz.PracticeTag), Tag: c.Query("tag"), After: c.Query("after")}
	at.Index, _ = strconv.Atoi(c.Query("i"))
	next, err := s.quiz.NextPractice(c.UserContext(), u, at)
	if err != nil {
		return err
	}
	if next.Done != "" {
		s.flash(c, next.Done)
		return c.Redirect("/practice", fiber.StatusSeeOther)
	}
	p := practiceQuestionPage{Page: s.page(c, practiceTitle(next.Mode)), Question: next.Question, Mode: next.Mode,
		Tag: at.Tag, Index: next.Index, Total: next.Total}
	return c.Render("quiz/practice_question", p, "layouts/main")
}

// practiceTitle names a practice page by its mode.
func practiceTitle(mode string) string {
	switch mode {
	case quiz.PracticeDaily:
		return "Daily drill"
	case quiz.PracticeWrong:
		return "Wrong-answer book"
	}
	return "Practice"
}

// practiceAnswer grades the answer at once and shows the key and the explanation.
func (s *Server) practiceAnswer(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	p := practiceQuestionPage{Page: s.page(c, "Practice"), Mode: c.FormValue("mode"), Tag: c.FormValue("tag")}
	p.Index, _ = strconv.Atoi(c.FormValue("i"))
	var response []string
	form, err := c.MultipartForm()
	if err == nil {
		response = form.Value["answer"]
	} else {
		args := c.Request().PostArgs()
		for _, v := range args.PeekMulti("answer") {
			response = append(response, string(v))
		}
	}
	if len(response) == 0 {
		return gridskill.Errorf(gridskill.EINVALID, "choose or type an answer first")
	}
	fb, err := s.quiz.CheckPractice(c.UserContext(), u, c.FormValue("question"), response)
	if err != nil {
		return err
	}
	p.Question, p.Feedback = fb.Question, &fb
	switch p.Mode {
	case "daily":
		p.NextURL = "/practice/question?mode=daily&i=" + strconv.Itoa(p.Index+1)
	case "wrong":
		p.NextURL = "/practice/question?mode=wrong&after=" + url.QueryEscape(fb.Question.ID)
	default:
		p.NextURL = "/practice/question?tag=" + url.QueryEscape(p.Tag) + "&after=" + url.QueryEscape(fb.Question.ID)
	}
	return c.Render("quiz/practice_question", p, "layouts/main")
}

// Blanks lists a blank question's blank numbers.
func (p practiceQuestionPage) Blanks() []int {
	out := make([]int, p.Question.BlankCount())
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// KeyText is the right answer as the template writes it.
func (p practiceQuestionPage) KeyText() string {
	r := p.Question.Record()
	return r.Answer
}

// GivenText is the worker's answer for reading.
func (p practiceQuestionPage) GivenText() string {
	if p.Feedback == nil {
		return ""
	}
	out := ""
	for i, g := range p.Feedback.Given {
		if p.Question.Type == scoring.TrueFalse {
			g = map[string]string{"T": "对", "F": "错"}[g]
		}
		if i > 0 && p.Question.Type == scoring.Blank {
			out += " | "
		}
		out += g
	}
	return out
}

// Number is the 1-based position in the daily drill.
func (p practiceQuestionPage) Number() int { return p.Index + 1 }

type wrongBookPage struct {
	Page
	Entries []quiz.WrongEntry
}

// practiceWrongBook lists the worker's wrong-answer book.
func (s *Server) practiceWrongBook(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	book, err := s.quiz.WrongBook(c.UserContext(), u)
	if err != nil {
		return err
	}
	return c.Render("quiz/wrong_book", wrongBookPage{Page: s.page(c, "Wrong-answer book"), Entries: book}, "layouts/main")
}
