package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/courses"
	"gridskill/rotation"
)

type plansPage struct {
	Page
	Plans []rotation.Plan
	Input rotation.PlanInput
}

func (s *Server) rotationPlans(c *fiber.Ctx) error {
	return s.renderPlans(c, rotation.PlanInput{}, nil)
}

func (s *Server) renderPlans(c *fiber.Ctx, in rotation.PlanInput, problem error) error {
	u, _ := currentUser(c)
	list, err := s.rotation.Plans(c.UserContext(), u)
	if err != nil {
		return err
	}
	p := plansPage{Page: s.page(c, "Rotation training"), Plans: list, Input: in}
	status := fiber.StatusOK
	if problem != nil {
		if err := p.problem(problem); err != nil {
			return err
		}
		status = statusOf[gridskill.ErrorCode(problem)]
	}
	return c.Status(status).Render("rotation/plans", p, "layouts/main")
}

func (s *Server) rotationPlanCreate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	in := rotation.PlanInput{Title: c.FormValue("title"), CycleStart: c.FormValue("start"), CycleEnd: c.FormValue("end")}
	p, err := s.rotation.CreatePlan(c.UserContext(), u, in)
	if err != nil {
		if gridskill.ErrorCode(err) != gridskill.EINVALID {
			return err
		}
		return s.renderPlans(c, in, err)
	}
	s.flash(c, "The plan is saved. Add its batches.")
	return c.Redirect("/rotation/"+p.ID, fiber.StatusSeeOther)
}

type planPage struct {
	Page
	Plan     rotation.Plan
	Rows     []rotation.Row
	Sessions []courses.Session
	// Scheduled and Unscheduled count the plan's workers.
	Scheduled, Unscheduled, Attended int
}

// rotationPlan shows a plan: its batches, who is scheduled where, who
// attended and who is not scheduled yet, with the forms that change it.
func (s *Server) rotationPlan(c *fiber.Ctx) error { return s.renderPlan(c, nil) }

func (s *Server) renderPlan(c *fiber.Ctx, problem error) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	plan, rows, err := s.rotation.Coverage(ctx, u, c.Params("id"))
	if err != nil {
		return err
	}
	p := planPage{Page: s.page(c, "Rotation training"), Plan: plan, Rows: rows}
	for _, r := range rows {
		switch {
		case r.Batch == nil:
			p.Unscheduled++
		case r.Attended:
			p.Attended++
			p.Scheduled++
		default:
			p.Scheduled++
		}
	}
	if p.Sessions, err = s.courses.Sessions(ctx, u); err != nil {
		return err
	}
	status := fiber.StatusOK
	if problem != nil {
		if err := p.problem(problem); err != nil {
			return err
		}
		status = statusOf[gridskill.ErrorCode(problem)]
	}
	return c.Status(status).Render("rotation/plan", p, "layouts/main")
}

func (s *Server) planResult(c *fiber.Ctx, err error, done string) error {
	if err != nil {
		if code := gridskill.ErrorCode(err); code == gridskill.ENOTFOUND || code == gridskill.EINTERNAL || code == gridskill.EFORBIDDEN {
			return err
		}
		return s.renderPlan(c, err)
	}
	s.flash(c, done)
	return c.Redirect("/rotation/"+c.Params("id"), fiber.StatusSeeOther)
}

func (s *Server) rotationBatchAdd(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	in := rotation.BatchInput{Title: c.FormValue("title"), Start: c.FormValue("start"), End: c.FormValue("end")}
	_, err := s.rotation.AddBatch(c.UserContext(), u, c.Params("id"), in)
	return s.planResult(c, err, "The batch is added.")
}

func (s *Server) rotationSchedule(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	_, err := s.rotation.Schedule(c.UserContext(), u, c.Params("id"), c.Params("batch"), phoneLines(c.FormValue("phones")))
	return s.planResult(c, err, "They are scheduled.")
}

func (s *Server) rotationLinkSession(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	_, err := s.rotation.LinkSession(c.UserContext(), u, c.Params("id"), c.Params("batch"), c.FormValue("session"))
	return s.planResult(c, err, "The session's sign-in counts as the batch's attendance.")
}

// parsePlacementForm reads a placement; numbers that do not parse are 0, which validation names.
func parsePlacementForm(c *fiber.Ctx) rotation.PlacementInput {
	days, _ := strconv.Atoi(strings.TrimSpace(c.FormValue("days")))
	rating, _ := strconv.Atoi(strings.TrimSpace(c.FormValue("rating")))
	return rotation.PlacementInput{Kind: rotation.Kind(c.FormValue("kind")), Place: c.FormValue("place"), Start: c.FormValue("start"),
		Days: days, Evaluation: c.FormValue("evaluation"), Rating: rating}
}

// rotationPlacement records a placement from the worker's learning record.
func (s *Server) rotationPlacement(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	worker := c.FormValue("worker")
	if _, err := s.rotation.RecordPlacement(c.UserContext(), u, worker, parsePlacementForm(c)); err != nil {
		return err
	}
	s.flash(c, "The placement is on the worker's record.")
	return c.Redirect("/learn/record?worker="+worker, fiber.StatusSeeOther)
}
