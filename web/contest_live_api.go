package web

import (
	"github.com/gofiber/fiber/v2"

	"gridskill/contest"
)

type hostRequest struct {
	Action string `json:"action"`
	Round  string `json:"round"`
}

type liveStatusJSON struct {
	Round string `json:"round"`
	Phase string `json:"phase"`
}

// apiLiveHost drives the live round: POST /api/v1/live/:id/host
// {"action": "start"|"next"|"show"|"close"|"resume"|"finish", "round": id}.
func (s *Server) apiLiveHost(c *fiber.Ctx) error {
	var req hostRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Action == "" {
		return errMissing("action")
	}
	u, _ := currentUser(c)
	if err := s.contest.Host(c.UserContext(), u, c.Params("id"), req.Action, req.Round); err != nil {
		return err
	}
	round, phase, _ := s.contest.LiveRound(c.Params("id"))
	return c.JSON(liveStatusJSON{Round: round, Phase: phase})
}

type joinResponse struct {
	Contest string `json:"contest"`
	Title   string `json:"title"`
}

// apiLiveJoin joins a phone to the live contest: POST /api/v1/live/:id/join.
func (s *Server) apiLiveJoin(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ct, err := s.contest.JoinContest(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(joinResponse{Contest: ct.ID, Title: ct.Title})
}

type answerRequest struct {
	Round  string   `json:"round"`
	Item   *int     `json:"item"`
	Answer []string `json:"answer"`
	Echo   int64    `json:"echo"`
	Held   int64    `json:"held"`
}

// apiLiveAnswer takes an answer: POST /api/v1/live/:id/answer
// {"round": id, "item": 0, "answer": ["B"], "echo": <server ms>, "held": <ms>}.
// It answers only once the answer is stored, and answers a retry of a stored
// answer the same way.
func (s *Server) apiLiveAnswer(c *fiber.Ctx) error {
	var req answerRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Item == nil {
		return errMissing("item")
	}
	u, _ := currentUser(c)
	res, err := s.contest.Answer(c.UserContext(), u, c.Params("id"), contest.AnswerRequest{Round: req.Round, Item: *req.Item, Answer: req.Answer, Echo: req.Echo, HeldMS: req.Held})
	if err != nil {
		return err
	}
	return c.JSON(res)
}

type pingRequest struct {
	Echo int64 `json:"echo"`
	Held int64 `json:"held"`
}

type okJSON struct {
	OK bool `json:"ok"`
}

// apiLivePing records a phone's echo of a server time: POST /api/v1/live/:id/ping.
func (s *Server) apiLivePing(c *fiber.Ctx) error {
	var req pingRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	if err := s.contest.Ping(u, c.Params("id"), req.Echo, req.Held); err != nil {
		return err
	}
	return c.JSON(okJSON{OK: true})
}

type itemRequest struct {
	Item  *int     `json:"item"`
	Stake int      `json:"stake"`
	Score *float64 `json:"score"`
	// Marks are a score sheet's marks, one per criterion, instead of a score.
	Marks []float64 `json:"marks"`
	Echo  int64     `json:"echo"`
	Held  int64     `json:"held"`
}

func (s *Server) itemOf(c *fiber.Ctx) (itemRequest, error) {
	var req itemRequest
	if err := decodeJSON(c, &req); err != nil {
		return req, err
	}
	if req.Item == nil {
		return req, errMissing("item")
	}
	return req, nil
}

// apiLiveBuzz presses the buzzer: POST /api/v1/live/:id/buzz
// {"item": n, "echo": <server ms>, "held": <ms>}.
func (s *Server) apiLiveBuzz(c *fiber.Ctx) error {
	req, err := s.itemOf(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	if err := s.contest.Buzz(c.UserContext(), u, c.Params("id"), contest.BuzzRequest{Item: *req.Item, Echo: req.Echo, HeldMS: req.Held}); err != nil {
		return err
	}
	return c.JSON(okJSON{OK: true})
}

// apiLiveStake picks a wager stake: POST /api/v1/live/:id/stake {"item": n, "stake": s}.
func (s *Server) apiLiveStake(c *fiber.Ctx) error {
	req, err := s.itemOf(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	if err := s.contest.Stake(c.UserContext(), u, c.Params("id"), *req.Item, req.Stake); err != nil {
		return err
	}
	return c.JSON(okJSON{OK: true})
}

// apiLiveScore is a judge's score: POST /api/v1/live/:id/score {"item": n, "score": 0-100},
// or {"item": n, "marks": [...]} on the round's score sheet.
func (s *Server) apiLiveScore(c *fiber.Ctx) error {
	req, err := s.itemOf(c)
	if err != nil {
		return err
	}
	if req.Marks != nil {
		u, _ := currentUser(c)
		if err := s.contest.ScoreSheet(c.UserContext(), u, c.Params("id"), *req.Item, req.Marks); err != nil {
			return err
		}
		return c.JSON(okJSON{OK: true})
	}
	if req.Score == nil {
		return errMissing("score")
	}
	u, _ := currentUser(c)
	if err := s.contest.Score(c.UserContext(), u, c.Params("id"), *req.Item, *req.Score); err != nil {
		return err
	}
	return c.JSON(okJSON{OK: true})
}
