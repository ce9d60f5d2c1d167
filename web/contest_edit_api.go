package web

import (
	"github.com/gofiber/fiber/v2"

	"gridskill/contest"
	"gridskill/scoring"
)

// The contest editor's changes through the API: the same service methods as
// the editor's forms (contest_edit.go), each answering with the contest as
// it now is.

// apiContestUpdate is PUT /api/v1/contests/:id {"title","description","streak","teamMethod","teamN"}.
func (s *Server) apiContestUpdate(c *fiber.Ctx) error {
	var req contestCreateRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	ct, err := s.contest.UpdateContest(c.UserContext(), u, c.Params("id"), contest.ContestEdit{Title: req.Title, Description: req.Description,
		Streak: req.Streak, TeamRule: scoring.TeamRule{Method: req.TeamMethod, N: req.TeamN}})
	if err != nil {
		return err
	}
	return c.JSON(toContestJSON(ct))
}

// apiContestDelete is DELETE /api/v1/contests/:id: a contest none of whose
// rounds has been played.
func (s *Server) apiContestDelete(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	if err := s.contest.DeleteContest(c.UserContext(), u, c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// apiRoundUpdate is PUT /api/v1/contests/:id/rounds/:round: a round's
// settings (its kind, questions, tasks and judges stay).
func (s *Server) apiRoundUpdate(c *fiber.Ctx) error {
	var req roundRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	ct, err := s.contest.UpdateRound(c.UserContext(), u, c.Params("id"), c.Params("round"), contest.Round{Title: req.Title, ReadSec: req.ReadSec,
		Penalty: req.Penalty, PassOn: req.PassOn, AnswerSec: req.AnswerSec, StakeSec: req.StakeSec, Stakes: req.Stakes, Captains: req.Captains,
		Weight: req.Weight, FullMark: req.FullMark, Criteria: req.Criteria})
	if err != nil {
		return err
	}
	return c.JSON(toContestJSON(ct))
}

// apiRoundDelete is DELETE /api/v1/contests/:id/rounds/:round.
func (s *Server) apiRoundDelete(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ct, err := s.contest.DeleteRound(c.UserContext(), u, c.Params("id"), c.Params("round"))
	if err != nil {
		return err
	}
	return c.JSON(toContestJSON(ct))
}

// apiQuestionUpdate is PUT /api/v1/contests/:id/rounds/:round/questions/:question:
// before the round, or during it while the question has not been shown.
func (s *Server) apiQuestionUpdate(c *fiber.Ctx) error {
	var req questionRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	ct, err := s.contest.ReplaceQuestion(c.UserContext(), u, c.Params("id"), c.Params("round"), c.Params("question"), contest.Question{Stem: req.Stem,
		Type: req.Type, Options: req.Options, Correct: req.Correct, Points: req.Points, LimitSec: req.LimitSec})
	if err != nil {
		return err
	}
	return c.JSON(toContestJSON(ct))
}

// apiQuestionDelete is DELETE /api/v1/contests/:id/rounds/:round/questions/:question.
func (s *Server) apiQuestionDelete(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ct, err := s.contest.DeleteQuestion(c.UserContext(), u, c.Params("id"), c.Params("round"), c.Params("question"))
	if err != nil {
		return err
	}
	return c.JSON(toContestJSON(ct))
}

type moveRequest struct {
	By *int `json:"by"`
}

// apiQuestionMove is POST /api/v1/contests/:id/rounds/:round/questions/:question/move
// {"by": -1} (up) or {"by": 1} (down).
func (s *Server) apiQuestionMove(c *fiber.Ctx) error {
	var req moveRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.By == nil {
		return errMissing("by")
	}
	u, _ := currentUser(c)
	ct, err := s.contest.MoveQuestion(c.UserContext(), u, c.Params("id"), c.Params("round"), c.Params("question"), *req.By)
	if err != nil {
		return err
	}
	return c.JSON(toContestJSON(ct))
}

// apiTaskUpdate is PUT /api/v1/contests/:id/rounds/:round/tasks/:task.
func (s *Server) apiTaskUpdate(c *fiber.Ctx) error {
	var req taskRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	ct, err := s.contest.UpdateTask(c.UserContext(), u, c.Params("id"), c.Params("round"), c.Params("task"),
		contest.Task{Title: req.Title, PerformerID: req.PerformerID, Team: req.Team})
	if err != nil {
		return err
	}
	return c.JSON(toContestJSON(ct))
}

// apiTaskDelete is DELETE /api/v1/contests/:id/rounds/:round/tasks/:task.
func (s *Server) apiTaskDelete(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ct, err := s.contest.DeleteTask(c.UserContext(), u, c.Params("id"), c.Params("round"), c.Params("task"))
	if err != nil {
		return err
	}
	return c.JSON(toContestJSON(ct))
}
