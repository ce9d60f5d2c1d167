package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
)

// apiExamUpdate: PUT /api/v1/exams/{id} → the exam with the settings given,
// while nobody has started it.
func (s *Server) apiExamUpdate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	if _, err := s.quiz.EditableExam(c.UserContext(), u, c.Params("id")); err != nil {
		return err
	}
	var req examCreateRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	e, err := s.quiz.UpdateExam(c.UserContext(), u, c.Params("id"), req.exam())
	if err != nil {
		return err
	}
	return c.JSON(toExamJSON(e))
}

type examWindowRequest struct {
	OpensAt  time.Time `json:"opensAt"`
	ClosesAt time.Time `json:"closesAt"`
}

// apiExamExtend: POST /api/v1/exams/{id}/extend {"closesAt"} → the exam.
func (s *Server) apiExamExtend(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	if _, err := s.quiz.EditableExam(c.UserContext(), u, c.Params("id")); err != nil {
		return err
	}
	var req examWindowRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	e, err := s.quiz.ExtendExam(c.UserContext(), u, c.Params("id"), req.ClosesAt)
	if err != nil {
		return err
	}
	return c.JSON(toExamJSON(e))
}

type examCloseResponse struct {
	Exam      examJSON `json:"exam"`
	Submitted int      `json:"submitted"`
}

// apiExamClose: POST /api/v1/exams/{id}/close → the exam and how many
// attempts in progress were submitted.
func (s *Server) apiExamClose(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	e, n, err := s.quiz.CloseExam(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(examCloseResponse{Exam: toExamJSON(e), Submitted: n})
}

type makeUpResponse struct {
	examJSON
	MakeUpOf string   `json:"makeUpOf"`
	UserIDs  []string `json:"userIds"`
}

// apiExamMakeUp: POST /api/v1/exams/{id}/makeup {"opensAt","closesAt"} →
// 201 the make-up exam and whom it is for.
func (s *Server) apiExamMakeUp(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	if _, err := s.quiz.EditableExam(c.UserContext(), u, c.Params("id")); err != nil {
		return err
	}
	var req examWindowRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	m, err := s.quiz.MakeUpExam(c.UserContext(), u, c.Params("id"), req.OpensAt, req.ClosesAt)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(makeUpResponse{examJSON: toExamJSON(m), MakeUpOf: m.MakeUpOf, UserIDs: m.UserIDs})
}

type sampleQuestionJSON struct {
	examQuestionJSON
	Answer string `json:"answer"`
}

// apiExamSample: GET /api/v1/exams/{id}/sample?draw=n → a paper as a worker
// could draw it, with the answers written as in the template.
func (s *Server) apiExamSample(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	seed, _ := strconv.ParseUint(c.Query("draw", "1"), 10, 64)
	qs, err := s.quiz.SamplePaper(c.UserContext(), u, c.Params("id"), seed)
	if err != nil {
		return err
	}
	out := struct {
		Questions []sampleQuestionJSON `json:"questions"`
	}{Questions: []sampleQuestionJSON{}}
	for _, q := range qs {
		out.Questions = append(out.Questions, sampleQuestionJSON{examQuestionJSON: examQuestionJSON{ID: q.ID, Type: q.Type, Stem: q.Stem, Options: q.Options,
			Blanks: q.BlankCount(), Points: q.Points}, Answer: q.Record().Answer})
	}
	return c.JSON(out)
}
