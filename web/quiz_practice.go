package web

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/courses"
	"gridskill/quiz"
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
	// Step is where the run is: its mode, topic, order, position and score.
	Step     quiz.Practice
	Feedback *quiz.Feedback
	// Given is the answer kept on the form when it was refused.
	Given   []string
	NextURL string
	// Restudy are the modules of the weakest tags, when a run is done.
	Restudy []courses.Module
}

// parsePracticeStep reads a practice run's place from a query or a form.
func parsePracticeStep(get func(key string, def ...string) string) quiz.PracticeStep {
	at := quiz.PracticeStep{Mode: get("mode", quiz.PracticeTag), Tag: get("tag"), After: get("after"), Order: get("order") == "1"}
	at.Index, _ = strconv.Atoi(get("i"))
	at.Right, _ = strconv.Atoi(get("r"))
	at.Seed, _ = strconv.ParseUint(get("s"), 10, 64)
	return at
}

// practiceValues writes a run's place at position i with right answers so far.
func practiceValues(p quiz.Practice, i, right int) url.Values {
	v := url.Values{"mode": {p.Mode}, "i": {strconv.Itoa(i)}, "r": {strconv.Itoa(right)}}
	if p.Mode == quiz.PracticeTag {
		v.Set("tag", p.Tag)
		if p.Order {
			v.Set("order", "1")
		} else {
			v.Set("s", strconv.FormatUint(p.Seed, 10))
		}
	}
	return v
}

// practiceQuestion shows one question: from a tag (in order or shuffled),
// the wrong-answer book, or the daily drill; or, when a run or the drill is
// over, its score and what to study next.
func (s *Server) practiceQuestion(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	next, err := s.quiz.NextPractice(c.UserContext(), u, parsePracticeStep(c.Query))
	if err != nil {
		return err
	}
	if next.Done != "" && next.Mode == quiz.PracticeWrong {
		s.flash(c, next.Done)
		return c.Redirect("/practice", fiber.StatusSeeOther)
	}
	p := practiceQuestionPage{Page: s.page(c, practiceTitle(next.Mode)), Question: next.Question, Step: next}
	if next.Done != "" {
		if p.Restudy, err = s.examRestudy(c, next.Study); err != nil {
			return err
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
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

// practiceAnswer grades the answer at once and sends the worker to its
// feedback (POST, redirect, GET: a reload of the feedback sends nothing). An
// empty or tampered answer keeps the question with the problem above it.
func (s *Server) practiceAnswer(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	at := parsePracticeStep(c.FormValue)
	step := quiz.Practice{Mode: at.Mode, Tag: at.Tag, Index: at.Index, Right: at.Right, Order: at.Order, Seed: at.Seed}
	response := practiceResponse(c)
	qid := c.FormValue("question")
	fb, err := s.quiz.CheckPractice(c.UserContext(), u, qid, response)
	if gridskill.ErrorCode(err) == gridskill.EINVALID && qid != "" {
		return s.practiceRefused(c, step, qid, response, err)
	}
	if err != nil {
		return err
	}
	right := at.Right
	if fb.Correct {
		right++
	}
	v := practiceValues(step, at.Index, right)
	v.Set("q", fb.Question.ID)
	v["a"] = fb.Given
	return c.Redirect("/practice/feedback?"+v.Encode(), fiber.StatusSeeOther)
}

// practiceResponse reads the answer fields of a practice form.
func practiceResponse(c *fiber.Ctx) []string {
	if form, err := c.MultipartForm(); err == nil {
		return form.Value["answer"]
	}
	var response []string
	for _, v := range c.Request().PostArgs().PeekMulti("answer") {
		response = append(response, string(v))
	}
	return response
}

// practiceRefused shows the question again with the reason its answer was refused.
func (s *Server) practiceRefused(c *fiber.Ctx, step quiz.Practice, qid string, response []string, refusal error) error {
	u, _ := currentUser(c)
	q, err := s.quiz.PracticeItem(c.UserContext(), u, qid)
	if err != nil {
		return err
	}
	step.Question = q
	if step.Mode == quiz.PracticeTag || step.Mode == quiz.PracticeDaily {
		// The run's length, for its progress line.
		if next, err := s.quiz.NextPractice(c.UserContext(), u, quiz.PracticeStep{Mode: step.Mode, Tag: step.Tag, Index: step.Index, Order: step.Order, Seed: step.Seed}); err == nil {
			step.Total = next.Total
		}
	}
	p := practiceQuestionPage{Page: s.page(c, practiceTitle(step.Mode)), Question: q, Step: step, Given: response}
	if err := p.problem(refusal); err != nil {
		return err
	}
	c.Status(fiber.StatusBadRequest)
	return c.Render("quiz/practice_question", p, "layouts/main")
}

// practiceFeedback shows an answer's feedback: the chosen and the right
// option marked, the explanation, and the way on. It records nothing.
func (s *Server) practiceFeedback(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	at := parsePracticeStep(c.Query)
	args := c.Context().QueryArgs()
	var given []string
	for _, v := range args.PeekMulti("a") {
		given = append(given, string(v))
	}
	fb, err := s.quiz.PracticeFeedback(c.UserContext(), u, c.Query("q"), given)
	if err != nil {
		return err
	}
	step := quiz.Practice{Mode: at.Mode, Tag: at.Tag, Index: at.Index, Right: at.Right, Order: at.Order, Seed: at.Seed, Question: fb.Question}
	p := practiceQuestionPage{Page: s.page(c, practiceTitle(step.Mode)), Question: fb.Question, Step: step, Feedback: &fb}
	switch step.Mode {
	case quiz.PracticeWrong:
		p.NextURL = "/practice/question?mode=wrong&after=" + url.QueryEscape(fb.Question.ID)
	default:
		p.NextURL = "/practice/question?" + practiceValues(step, at.Index+1, at.Right).Encode()
		if next, err := s.quiz.NextPractice(c.UserContext(), u, quiz.PracticeStep{Mode: step.Mode, Tag: step.Tag, Index: step.Index, Order: step.Order, Seed: step.Seed}); err == nil {
			p.Step.Total = next.Total
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
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

// Number is the 1-based position in the drill or the run.
func (p practiceQuestionPage) Number() int { return p.Step.Index + 1 }

// Chose reports whether the worker chose option key.
func (p practiceQuestionPage) Chose(key string) bool {
	given := p.Given
	if p.Feedback != nil {
		given = p.Feedback.Given
	}
	for _, g := range given {
		if g == key {
			return true
		}
	}
	return false
}

// IsKey reports whether option key is a right one.
func (p practiceQuestionPage) IsKey(key string) bool {
	for _, k := range p.Question.Correct {
		if k == key {
			return true
		}
	}
	return false
}

// GivenBlank is what was typed into blank n (1-based) of a refused answer.
func (p practiceQuestionPage) GivenBlank(n int) string {
	if n-1 < len(p.Given) {
		return p.Given[n-1]
	}
	return ""
}

// Hidden are the form fields that carry the run's place.
func (p practiceQuestionPage) Hidden() url.Values {
	return practiceValues(p.Step, p.Step.Index, p.Step.Right)
}

type wrongBookPage struct {
	Page
	Entries []quiz.WrongEntry
}

// practiceWrongBook lists the worker's wrong-answer book with each
// question's right answer, explanation and the right answers left.
func (s *Server) practiceWrongBook(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	book, err := s.quiz.WrongBook(c.UserContext(), u)
	if err != nil {
		return err
	}
	return c.Render("quiz/wrong_book", wrongBookPage{Page: s.page(c, "Wrong-answer book"), Entries: book}, "layouts/main")
}
