package web

import (
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/courses"
	"gridskill/practical"
)

type tasksPage struct {
	practicalPage
	Doing, Mentoring []practical.Task
}

// practicalTasks lists the viewer's own tasks and those they mentor.
func (s *Server) practicalTasks(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	doing, mentoring, err := s.practical.Mine(c.UserContext(), u)
	if err != nil {
		return err
	}
	return c.Render("practical/tasks", tasksPage{practicalPage: practicalPage{s.page(c, "My practical tasks")}, Doing: doing, Mentoring: mentoring}, "layouts/main")
}

type taskPage struct {
	practicalPage
	Task practical.Task
	// Doer is whether the viewer does the task; Mentor whether they review it.
	Doer, Mentor bool
	// Item is the item a problem belongs to.
	Item string
}

// Photo is the URL of an evidence photo.
func (p taskPage) Photo(id string) string { return courses.Image{ID: id}.URL() }

func (s *Server) practicalTask(c *fiber.Ctx) error {
	return s.renderTask(c, "", nil)
}

// renderTask shows a task: to the person doing it a form per item, to the
// mentor each submitted item with accept and return.
func (s *Server) renderTask(c *fiber.Ctx, item string, problem error) error {
	u, _ := currentUser(c)
	t, err := s.practical.Task(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	p := taskPage{practicalPage: practicalPage{s.page(c, "Practical task")}, Task: t, Doer: t.WorkerID == u.ID, Mentor: t.MentorID == u.ID, Item: item}
	status := fiber.StatusOK
	if problem != nil {
		if err := p.problem(problem); err != nil {
			return err
		}
		status = statusOf[gridskill.ErrorCode(problem)]
	}
	return c.Status(status).Render("practical/task", p, "layouts/main")
}

// taskResult answers a task form: back to the task, at the item, or the
// task again with the problem.
func (s *Server) taskResult(c *fiber.Ctx, item string, err error, done string) error {
	if err != nil {
		if code := gridskill.ErrorCode(err); code == gridskill.ENOTFOUND || code == gridskill.EINTERNAL || code == gridskill.EFORBIDDEN {
			return err
		}
		return s.renderTask(c, item, err)
	}
	s.flash(c, done)
	anchor := ""
	if item != "" {
		anchor = "#" + item
	}
	return c.Redirect("/tasks/"+c.Params("id")+anchor, fiber.StatusSeeOther)
}

// parseEntryForm reads what was typed for one item.
func parseEntryForm(c *fiber.Ctx) (practical.EntryInput, error) {
	in := practical.EntryInput{Note: c.FormValue("note"), Date: c.FormValue("date"), Place: c.FormValue("place")}
	if v := strings.TrimSpace(c.FormValue("count")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return in, gridskill.Errorf(gridskill.EINVALID, "the count must be a whole number")
		}
		in.Count = n
	}
	return in, nil
}

func (s *Server) practicalEntrySave(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	item := c.Params("item")
	in, err := parseEntryForm(c)
	if err == nil {
		_, err = s.practical.SaveEntry(c.UserContext(), u, c.Params("id"), item, in)
	}
	return s.taskResult(c, item, err, "Saved.")
}

// evidenceFile reads an uploaded photo; the request's temporary file is gone
// once the handler returns, so it is read here. No photo sent is no bytes,
// which the service refuses after it has checked the task.
func evidenceFile(c *fiber.Ctx) ([]byte, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, nil
	}
	if fh.Size > courses.MaxImageBytes {
		return nil, gridskill.Errorf(gridskill.ETOOLARGE, "the image is larger than %d MB", courses.MaxImageBytes>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, gridskill.Errorf(gridskill.EINVALID, "the file could not be read")
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, courses.MaxImageBytes+1))
}

func (s *Server) practicalPhotoAdd(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	item := c.Params("item")
	data, err := evidenceFile(c)
	if err == nil {
		_, err = s.practical.AddPhoto(c.UserContext(), u, c.Params("id"), item, data)
	}
	return s.taskResult(c, item, err, "The photo is saved.")
}

func (s *Server) practicalSubmit(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	_, err := s.practical.Submit(c.UserContext(), u, c.Params("id"))
	return s.taskResult(c, "", err, "Submitted. Your mentor will review it.")
}

func (s *Server) practicalReview(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	item := c.Params("item")
	d := practical.Decision{Accept: c.FormValue("decision") == "accept", Comment: c.FormValue("comment")}
	if v := c.FormValue("decision"); v != "accept" && v != "return" {
		return s.taskResult(c, item, gridskill.Errorf(gridskill.EINVALID, "accept the item or return it"), "")
	}
	_, err := s.practical.Review(c.UserContext(), u, c.Params("id"), item, d)
	return s.taskResult(c, item, err, "Your review is saved.")
}
