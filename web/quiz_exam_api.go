package web

import (
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/quiz"
	"gridskill/scoring"
)

type examJSON struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	OpensAt     time.Time `json:"opensAt"`
	ClosesAt    time.Time `json:"closesAt"`
	DurationSec int       `json:"durationSec"`
	Questions   int       `json:"questions"`
	PassMark    int       `json:"passMark"`
}

func toExamJSON(e quiz.Exam) examJSON {
	return examJSON{ID: e.ID, Title: e.Title, OpensAt: e.OpensAt, ClosesAt: e.ClosesAt, DurationSec: int(e.Duration / time.Second), Questions: e.Size(), PassMark: e.PassMark}
}

type examListResponse struct {
	Exams []openExamJSON `json:"exams"`
}

// apiExams: GET /api/v1/exams → the exams open to the caller now.
func (s *Server) apiExams(c *fiber.Ctx) error {
	resp := examListResponse{Exams: []openExamJSON{}}
	for _, card := range s.examCards(c) {
		e := openExamJSON{examJSON: toExamJSON(card.Exam), MaxAttempts: card.MaxAttempts, AttemptsLeft: card.Left, OpenAttemptID: card.OpenID}
		if card.Best != nil {
			e.BestScore, e.MaxScore = &card.Best.Score, &card.Best.Max
		}
		resp.Exams = append(resp.Exams, e)
	}
	return c.JSON(resp)
}

// openExamJSON is an open exam with the caller's own standing at it.
type openExamJSON struct {
	examJSON
	MaxAttempts   int      `json:"maxAttempts"`
	AttemptsLeft  int      `json:"attemptsLeft"`
	BestScore     *float64 `json:"bestScore"`
	MaxScore      *float64 `json:"maxScore"`
	OpenAttemptID string   `json:"openAttemptId,omitempty"`
}

type examRuleJSON struct {
	Tag        string               `json:"tag"`
	Type       scoring.QuestionType `json:"type"`
	Difficulty int                  `json:"difficulty"`
	Count      int                  `json:"count"`
}

type examCreateRequest struct {
	Title       string                           `json:"title"`
	UnitIDs     []string                         `json:"unitIds"`
	OpensAt     time.Time                        `json:"opensAt"`
	ClosesAt    time.Time                        `json:"closesAt"`
	DurationSec int                              `json:"durationSec"`
	PassMark    int                              `json:"passMark"`
	MaxAttempts int                              `json:"maxAttempts"`
	Counts      quiz.Counting                    `json:"counts"`
	Rules       []examRuleJSON                   `json:"rules"`
	Points      map[scoring.QuestionType]float64 `json:"points"`
	Shuffle     bool                             `json:"shuffle"`
	Review      quiz.Review                      `json:"review"`
	MaxSwitches int                              `json:"maxSwitches"`
	QuestionIDs []string                         `json:"questionIds"`
	Fixed       bool                             `json:"fixed"`
}

// exam is the exam the request asks for.
func (req examCreateRequest) exam() quiz.Exam {
	e := quiz.Exam{Title: req.Title, UnitIDs: req.UnitIDs, OpensAt: req.OpensAt, ClosesAt: req.ClosesAt, Duration: time.Duration(req.DurationSec) * time.Second,
		PassMark: req.PassMark, MaxAttempts: req.MaxAttempts, Counts: req.Counts, Points: req.Points, Shuffle: req.Shuffle, Review: req.Review, MaxSwitches: req.MaxSwitches,
		QuestionIDs: req.QuestionIDs, Fixed: req.Fixed}
	for _, r := range req.Rules {
		e.Rules = append(e.Rules, quiz.Rule(r))
	}
	return e
}

// apiExamCreate: POST /api/v1/exams → 201 the exam.
func (s *Server) apiExamCreate(c *fiber.Ctx) error {
	var req examCreateRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	created, err := s.quiz.CreateExam(c.UserContext(), u, req.exam())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toExamJSON(created))
}

type examQuestionJSON struct {
	ID      string               `json:"id"`
	Type    scoring.QuestionType `json:"type"`
	Stem    string               `json:"stem"`
	Options []quiz.Option        `json:"options"`
	Blanks  int                  `json:"blanks,omitempty"`
	Points  float64              `json:"points"`
}

type examAttemptJSON struct {
	ID        string             `json:"id"`
	State     string             `json:"state"`
	ExamID    string             `json:"examId"`
	Title     string             `json:"title"`
	Deadline  time.Time          `json:"deadline"`
	Now       time.Time          `json:"now"`
	Questions []examQuestionJSON `json:"questions"`
	Answers   map[string]any     `json:"answers"`
	Seqs      map[string]int64   `json:"seqs"`
}

func (s *Server) toAttemptJSON(p quiz.Paper) examAttemptJSON {
	state := "open"
	if p.Ended {
		state = "finishing"
	}
	out := examAttemptJSON{ID: p.AttemptID, State: state, ExamID: p.Exam.ID, Title: p.Exam.Title, Deadline: p.Deadline, Now: s.clock.Now(),
		Questions: make([]examQuestionJSON, 0, len(p.Questions)), Answers: p.Answers, Seqs: p.Seqs}
	for _, q := range p.Questions {
		opts := q.Options
		if opts == nil {
			opts = []quiz.Option{}
		}
		out.Questions = append(out.Questions, examQuestionJSON{ID: q.ID, Type: q.Type, Stem: q.Stem, Options: opts, Blanks: q.Blanks, Points: q.Points})
	}
	return out
}

// apiAttemptStart: POST /api/v1/exams/{id}/attempts → 201 a new attempt, or 200 the open one.
func (s *Server) apiAttemptStart(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	p, created, err := s.quiz.Start(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if created {
		c.Status(fiber.StatusCreated)
	}
	return c.JSON(s.toAttemptJSON(p))
}

type examReviewItemJSON struct {
	examQuestionJSON
	Given       any        `json:"given"`
	Correct     bool       `json:"correct"`
	Earned      float64    `json:"earned"`
	Key         []string   `json:"key,omitempty"`
	Accepted    [][]string `json:"accepted,omitempty"`
	Explanation string     `json:"explanation"`
}

type examFinishedJSON struct {
	ID          string               `json:"id"`
	State       string               `json:"state"`
	ExamID      string               `json:"examId"`
	Score       float64              `json:"score"`
	MaxScore    float64              `json:"maxScore"`
	Passed      bool                 `json:"passed"`
	Reason      string               `json:"reason"`
	SubmittedAt time.Time            `json:"submittedAt"`
	Answers     map[string]any       `json:"answers"`
	Seqs        map[string]int64     `json:"seqs"`
	Review      []examReviewItemJSON `json:"review,omitempty"`
}

// apiAttempt: GET /api/v1/attempts/{id} → an open attempt to resume ("open",
// or "finishing" once its time is up), or a finished one with the saved
// answers and, when allowed, the review. It never starts an attempt.
func (s *Server) apiAttempt(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	id := c.Params("id")
	c.Set(fiber.HeaderCacheControl, "no-store")
	p, err := s.quiz.Paper(ctx, u, id)
	if err == nil {
		return c.JSON(s.toAttemptJSON(p))
	}
	// Not the caller's open attempt: a finished one, which staff in scope read too.
	if code := gridskill.ErrorCode(err); code != gridskill.ECONFLICT && code != gridskill.ENOTFOUND {
		return err
	}
	rv, err := s.quiz.Review(ctx, u, id)
	if err != nil {
		return err
	}
	r := rv.Result
	out := examFinishedJSON{ID: r.ID, State: "finished", ExamID: r.ExamID, Score: r.Score, MaxScore: r.Max, Passed: r.Passed, Reason: r.Reason, SubmittedAt: r.SubmittedAt, Answers: rv.Answers, Seqs: rv.Seqs}
	for _, it := range rv.Items {
		out.Review = append(out.Review, examReviewItemJSON{
			examQuestionJSON: examQuestionJSON{ID: it.ID, Type: it.Type, Stem: it.Stem, Options: it.Options, Points: it.Points},
			Given:            it.Given, Correct: it.Correct, Earned: it.Earned, Key: it.Key, Accepted: it.Blanks, Explanation: it.Explanation,
		})
	}
	return c.JSON(out)
}

type examAnswerRequest struct {
	Answer json.RawMessage `json:"answer"`
	Seq    *int64          `json:"seq"`
	Device string          `json:"device"`
	Base   *int64          `json:"base"`
}

type examSavedResponse struct {
	Saved bool  `json:"saved"`
	Seq   int64 `json:"seq"`
	// Answer is the answer the server holds, sent when this save is not it.
	Answer any `json:"answer,omitempty"`
}

// apiAnswerSave: PUT /api/v1/attempts/{id}/answers/{questionId} {"answer", "seq", "device", "base"}
// → {"saved": true, "seq"}, or {"saved": false, "seq", "answer"} with the answer the server holds.
func (s *Server) apiAnswerSave(c *fiber.Ctx) error {
	var req examAnswerRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Seq == nil {
		return errMissing("seq")
	}
	if req.Answer == nil {
		return errMissing("answer")
	}
	u, _ := currentUser(c)
	in := quiz.AnswerSave{Answer: req.Answer, Device: req.Device, Seq: *req.Seq, Base: req.Base}
	r, err := s.quiz.SaveAnswer(c.UserContext(), u, c.Params("id"), c.Params("questionId"), in)
	if err != nil {
		return err
	}
	out := examSavedResponse{Saved: r.Saved, Seq: r.Seq}
	if !r.Saved {
		out.Answer = r.Answer
	}
	return c.JSON(out)
}

type examEventRequest struct {
	Type string `json:"type"`
}

type examEventResponse struct {
	Switches  int  `json:"switches"`
	Submitted bool `json:"submitted"`
}

// apiAttemptEvent: POST /api/v1/attempts/{id}/events {"type": "hidden"|"visible"}.
func (s *Server) apiAttemptEvent(c *fiber.Ctx) error {
	var req examEventRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	n, done, err := s.quiz.RecordEvent(c.UserContext(), u, c.Params("id"), req.Type)
	if err != nil {
		return retryLater(c, err)
	}
	return c.JSON(examEventResponse{Switches: n, Submitted: done})
}

type examSubmitResponse struct {
	ID       string  `json:"id"`
	Score    float64 `json:"score"`
	MaxScore float64 `json:"maxScore"`
	Passed   bool    `json:"passed"`
	Reason   string  `json:"reason"`
}

// apiAttemptSubmit: POST /api/v1/attempts/{id}/submit → {"score","maxScore","passed"}.
func (s *Server) apiAttemptSubmit(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	r, err := s.quiz.Submit(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return retryLater(c, err)
	}
	if r.ID == "" {
		return gridskill.Errorf(gridskill.ENOTFOUND, "no such attempt")
	}
	return c.JSON(examSubmitResponse{ID: r.ID, Score: r.Score, MaxScore: r.Max, Passed: r.Passed, Reason: r.Reason})
}

// retryLater tells a client refused as unavailable (503) how many seconds
// to wait before trying again, in Retry-After.
func retryLater(c *fiber.Ctx, err error) error {
	if d, ok := quiz.RetryAfter(err); ok {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(1, int(math.Ceil(d.Seconds())))))
	}
	return err
}
