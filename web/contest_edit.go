package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/contest"
	"gridskill/people"
	"gridskill/scoring"
)

// The contest editor's edit, delete and rehearsal forms (views/contest/show.html).

// contestEdit is POST /contests/:id/edit.
func (s *Server) contestEdit(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		_, err := s.contest.UpdateContest(c.UserContext(), u, id, contest.ContestEdit{Title: c.FormValue("title"), Description: c.FormValue("description"),
			Streak: c.FormValue("streak") == "1", TeamRule: scoring.TeamRule{Method: scoring.TeamMethod(c.FormValue("teamMethod")), N: atoi(c.FormValue("teamN"))}})
		return err
	})
}

// contestDelete is POST /contests/:id/delete.
func (s *Server) contestDelete(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	if err := s.contest.DeleteContest(c.UserContext(), u, c.Params("id")); err != nil {
		return s.contestForm(c, func(people.User, string) error { return err })
	}
	s.flash(c, "Deleted")
	return c.Redirect("/contests", fiber.StatusSeeOther)
}

// roundForm reads a round's settings from the round forms.
func roundForm(c *fiber.Ctx) (contest.Round, error) {
	var stakes []int
	for _, f := range strings.FieldsFunc(c.FormValue("stakes"), func(r rune) bool { return r == ',' || r == ' ' || r == '，' }) {
		n, err := strconv.Atoi(f)
		if err != nil {
			return contest.Round{}, gridskill.Errorf(gridskill.EINVALID, "stakes are whole numbers separated by commas")
		}
		stakes = append(stakes, n)
	}
	scale, err := scaleForm(c)
	if err != nil {
		return contest.Round{}, err
	}
	return contest.Round{Title: c.FormValue("title"), Kind: contest.Kind(c.FormValue("kind")),
		ReadSec: atoi(c.FormValue("readSec")), Penalty: atoi(c.FormValue("penalty")), PassOn: c.FormValue("passOn") == "1",
		AnswerSec: atoi(c.FormValue("answerSec")), StakeSec: atoi(c.FormValue("stakeSec")), Stakes: stakes, Captains: c.FormValue("captains") == "1",
		Weight: scale.Weight, FullMark: scale.FullMark}, nil
}

// scaleForm reads a round's weight and full mark; empty fields are 0.
func scaleForm(c *fiber.Ctx) (scoring.RoundScale, error) {
	var out scoring.RoundScale
	for _, f := range []struct {
		name string
		to   *float64
	}{{"weight", &out.Weight}, {"fullMark", &out.FullMark}} {
		v := strings.TrimSpace(c.FormValue(f.name))
		if v == "" {
			continue
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return out, gridskill.Errorf(gridskill.EINVALID, "the weight and the full mark are numbers")
		}
		*f.to = n
	}
	return out, nil
}

// contestRoundEdit is POST /contests/:id/rounds/:round/edit.
func (s *Server) contestRoundEdit(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		r, err := roundForm(c)
		if err != nil {
			return err
		}
		_, err = s.contest.UpdateRound(c.UserContext(), u, id, c.Params("round"), r)
		return err
	})
}

// contestRoundWeight is POST /contests/:id/rounds/:round/weight.
func (s *Server) contestRoundWeight(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		scale, err := scaleForm(c)
		if err != nil {
			return err
		}
		_, err = s.contest.SetWeight(c.UserContext(), u, id, c.Params("round"), scale)
		return err
	})
}

// contestRoundDelete is POST /contests/:id/rounds/:round/delete.
func (s *Server) contestRoundDelete(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		_, err := s.contest.DeleteRound(c.UserContext(), u, id, c.Params("round"))
		return err
	})
}

// contestRehearsal is POST /contests/:id/rounds/:round/rehearsal: action
// "rehearse" starts a dry run, "reset" ends it keeping nothing.
func (s *Server) contestRehearsal(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		action := c.FormValue("action")
		if action != contest.ActRehearse && action != contest.ActReset {
			return gridskill.Errorf(gridskill.EINVALID, "choose to rehearse the round or to reset it")
		}
		return s.contest.Host(c.UserContext(), u, id, action, c.Params("round"))
	})
}

// contestQuestionEdit is POST /contests/:id/rounds/:round/questions/:question/edit:
// before the round, or during it for a question not shown yet.
func (s *Server) contestQuestionEdit(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		_, err := s.contest.ReplaceQuestion(c.UserContext(), u, id, c.Params("round"), c.Params("question"), contestQuestionForm(c))
		return err
	})
}

// contestQuestionDelete is POST /contests/:id/rounds/:round/questions/:question/delete.
func (s *Server) contestQuestionDelete(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		_, err := s.contest.DeleteQuestion(c.UserContext(), u, id, c.Params("round"), c.Params("question"))
		return err
	})
}

// contestQuestionMove is POST /contests/:id/rounds/:round/questions/:question/move
// with by=-1 (up) or by=1 (down).
func (s *Server) contestQuestionMove(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		by, err := strconv.Atoi(c.FormValue("by"))
		if err != nil {
			return gridskill.Errorf(gridskill.EINVALID, "a question moves one place up or down")
		}
		_, err = s.contest.MoveQuestion(c.UserContext(), u, id, c.Params("round"), c.Params("question"), by)
		return err
	})
}

// contestTaskDelete is POST /contests/:id/rounds/:round/tasks/:task/delete.
func (s *Server) contestTaskDelete(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		_, err := s.contest.DeleteTask(c.UserContext(), u, id, c.Params("round"), c.Params("task"))
		return err
	})
}

// contestAdvanceFrom is POST /contests/:id/advance-from: the top N of
// another contest (from) overall, per team or per unit.
func (s *Server) contestAdvanceFrom(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		_, err := s.contest.AdvanceFrom(c.UserContext(), u, id, c.FormValue("from"), atoi(c.FormValue("top")), c.FormValue("per"))
		return err
	})
}

// contestCriteria is POST /contests/:id/rounds/:round/criteria: a judge
// round's score sheet, "程序规范 30, 沟通技巧 40, 处置效果 30"; empty for
// one score per judge.
func (s *Server) contestCriteria(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		var cs []contest.Criterion
		if text := strings.TrimSpace(c.FormValue("criteria")); text != "" {
			var err error
			if cs, err = contest.ParseCriteria(text); err != nil {
				return err
			}
		}
		_, err := s.contest.SetCriteria(c.UserContext(), u, id, c.Params("round"), cs)
		return err
	})
}
