package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/scoring"
	"gridskill/selection"
)

// selectionPage is the Page of the selection screens, with their labels.
type selectionPage struct{ Page }

var criterionLabels = map[scoring.Criterion]string{
	scoring.CritHours: "Training hours", scoring.CritExams: "Exam results", scoring.CritAwards: "Competition awards",
	scoring.CritTasks: "Accepted practical tasks", scoring.CritCases: "Published cases", scoring.CritAppraisal: "Appraisal",
}

// CriterionLabel is the translated name of a criterion.
func (p selectionPage) CriterionLabel(c scoring.Criterion) string { return p.T(criterionLabels[c]) }

// Criteria are every criterion, for the form.
func (p selectionPage) Criteria() []scoring.Criterion { return scoring.Criteria() }

type selectionsPage struct {
	selectionPage
	Evaluations []selection.Evaluation
	Year        int
}

func (s *Server) selectionList(c *fiber.Ctx) error { return s.renderSelections(c, nil) }

func (s *Server) renderSelections(c *fiber.Ctx, problem error) error {
	u, _ := currentUser(c)
	list, err := s.selection.Evaluations(c.UserContext(), u)
	if err != nil {
		return err
	}
	p := selectionsPage{selectionPage: selectionPage{s.page(c, "Annual selection")}, Evaluations: list, Year: s.clock.Now().In(gridskill.ChinaZone()).Year()}
	status := fiber.StatusOK
	if problem != nil {
		if err := p.problem(problem); err != nil {
			return err
		}
		status = statusOf[gridskill.ErrorCode(problem)]
	}
	return c.Status(status).Render("selection/list", p, "layouts/main")
}

// parseSelectionForm reads the title, year and one weight a criterion.
func parseSelectionForm(c *fiber.Ctx) (selection.Input, error) {
	in := selection.Input{Title: c.FormValue("title")}
	year, err := strconv.Atoi(strings.TrimSpace(c.FormValue("year")))
	if err != nil {
		return in, gridskill.Errorf(gridskill.EINVALID, "the year must be between 2000 and 2100")
	}
	in.Year = year
	for _, cr := range scoring.Criteria() {
		v := strings.TrimSpace(c.FormValue("w_" + string(cr)))
		if v == "" {
			continue
		}
		w, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return in, gridskill.Errorf(gridskill.EINVALID, "each weight is a number from 0 to 100")
		}
		in.Weights = append(in.Weights, scoring.Weight{Criterion: cr, Weight: w})
	}
	return in, nil
}

func (s *Server) selectionCreate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	in, err := parseSelectionForm(c)
	var e selection.Evaluation
	if err == nil {
		e, err = s.selection.Create(c.UserContext(), u, in)
	}
	if err != nil {
		if gridskill.ErrorCode(err) != gridskill.EINVALID {
			return err
		}
		return s.renderSelections(c, err)
	}
	s.flash(c, "The selection is set up. Enter the appraisals, then nominate.")
	return c.Redirect("/selection/"+e.ID, fiber.StatusSeeOther)
}

type rankingPage struct {
	selectionPage
	Evaluation selection.Evaluation
	Candidates []selection.Candidate
	Grids      []selection.Grid
	Organizer  bool
}

// Appraisal is the appraisal entered for a worker.
func (p rankingPage) Appraisal(id string) float64 { return p.Evaluation.Appraisals[id] }

// selectionShow is the ranked list, explained criterion by criterion, with
// the appraisal, nomination and approval forms.
func (s *Server) selectionShow(c *fiber.Ctx) error { return s.renderRanking(c, "selection/show") }

// selectionHonours is the printable list of the approved honours.
func (s *Server) selectionHonours(c *fiber.Ctx) error { return s.renderRanking(c, "selection/honours") }

func (s *Server) renderRanking(c *fiber.Ctx, view string) error {
	u, _ := currentUser(c)
	e, cands, grids, err := s.selection.Ranking(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	p := rankingPage{selectionPage: selectionPage{s.page(c, "Annual selection")}, Evaluation: e, Candidates: cands, Grids: grids, Organizer: u.CanAdminister(e.UnitPath)}
	return c.Render(view, p, "layouts/main")
}

func (s *Server) selectionDone(c *fiber.Ctx, err error, done string) error {
	if err != nil {
		return err
	}
	s.flash(c, done)
	return c.Redirect("/selection/"+c.Params("id"), fiber.StatusSeeOther)
}

func (s *Server) selectionAppraise(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	score, err := strconv.ParseFloat(strings.TrimSpace(c.FormValue("score")), 64)
	if err != nil {
		return gridskill.Errorf(gridskill.EINVALID, "the appraisal is a score from 0 to 100")
	}
	return s.selectionDone(c, s.selection.Appraise(c.UserContext(), u, c.Params("id"), c.FormValue("worker"), score), "The appraisal is saved.")
}

func (s *Server) selectionNominate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	on := c.FormValue("on") == "1"
	return s.selectionDone(c, s.selection.Nominate(c.UserContext(), u, c.Params("id"), c.FormValue("holder"), on), "The nomination is saved.")
}

func (s *Server) selectionApprove(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	_, err := s.selection.Approve(c.UserContext(), u, c.Params("id"))
	return s.selectionDone(c, err, "The selection is approved and the honours are awarded.")
}
