package web

import (
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/courses"
)

type modulesPage struct {
	Page
	Modules []courses.Module
}

// coursesModules lists the modules a trainer may edit.
func (s *Server) coursesModules(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	mods, err := s.courses.Editable(c.UserContext(), u)
	if err != nil {
		return err
	}
	return c.Render("courses/modules", modulesPage{Page: s.page(c, "Modules"), Modules: mods}, "layouts/main")
}

type moduleEditPage struct {
	Page
	Module      courses.Module
	Input       courses.ModuleInput
	Categories  []courses.Category
	Units       []unitOption
	Assignments []assignmentRow
	Image       string
	DueDefault  string
}

type assignmentRow struct {
	courses.Assignment
	UnitLabel string
}

// Tags is the module's check tags as typed in the form.
func (p moduleEditPage) Tags() string { return strings.Join(p.Input.CheckTags, ";") }

// Custom reports whether the input's category is a custom one.
func (p moduleEditPage) Custom() bool { return p.Input.Category != "" && !p.Input.Category.Standard() }

func moduleInput(c *fiber.Ctx) courses.ModuleInput {
	minutes, _ := strconv.Atoi(c.FormValue("minutes"))
	cat := c.FormValue("category")
	if cat == "custom" {
		cat = c.FormValue("custom")
	}
	return courses.ModuleInput{
		Title: c.FormValue("title"), Category: courses.Category(cat), Summary: c.FormValue("summary"),
		CoverID: strings.TrimPrefix(c.FormValue("cover"), "/media/"), Minutes: minutes,
		CheckTags: strings.FieldsFunc(c.FormValue("tags"), func(r rune) bool { return r == ';' || r == '；' || r == ',' || r == '，' }),
	}
}

func (s *Server) coursesModuleNew(c *fiber.Ctx) error {
	p := moduleEditPage{Page: s.page(c, "New module"), Categories: courses.Categories(), Input: courses.ModuleInput{Category: courses.AntiFraud, Minutes: 30}}
	return c.Render("courses/new", p, "layouts/main")
}

func (s *Server) coursesModuleCreate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	in := moduleInput(c)
	m, err := s.courses.CreateModule(c.UserContext(), u, in)
	if err != nil {
		p := moduleEditPage{Page: s.page(c, "New module"), Categories: courses.Categories(), Input: in}
		if err := p.problem(err); err != nil {
			return err
		}
		return c.Status(statusOf[gridskill.ErrorCode(err)]).Render("courses/new", p, "layouts/main")
	}
	s.flash(c, "Module created. Add its lessons, then publish it.")
	return c.Redirect("/modules/"+m.ID, fiber.StatusSeeOther)
}

// coursesModuleEdit is the module editor: details, lessons, publishing,
// assignment, preview and duplicate.
func (s *Server) coursesModuleEdit(c *fiber.Ctx) error {
	return s.renderModuleEdit(c, nil, fiber.StatusOK)
}

func (s *Server) renderModuleEdit(c *fiber.Ctx, problem error, status int) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	m, err := s.courses.Draft(ctx, u, c.Params("id"))
	if err != nil {
		return err
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return err
	}
	p := moduleEditPage{Page: s.page(c, "Edit module"), Module: m, Categories: courses.Categories(), Units: unitOptions(tree, u.UnitID),
		Input:      courses.ModuleInput{Title: m.Title, Category: m.Category, Summary: m.Summary, CoverID: m.CoverID, Minutes: m.Minutes, CheckTags: m.CheckTags},
		DueDefault: s.clock.Now().AddDate(0, 0, 30).Format("2006-01-02")}
	if img := c.Query("image"); courses.ValidMediaID(img) {
		p.Image = "/media/" + img
	}
	asg, err := s.courses.Assignments(ctx, u, m.ID)
	if err != nil {
		return err
	}
	for _, a := range asg {
		p.Assignments = append(p.Assignments, assignmentRow{Assignment: a, UnitLabel: unitLabel(tree, a.UnitID, "")})
	}
	if problem != nil {
		if err := p.problem(problem); err != nil {
			return err
		}
	}
	return c.Status(status).Render("courses/edit", p, "layouts/main")
}

// formFailed re-shows the editor with the problem, or passes on what is not a user's mistake.
func (s *Server) formFailed(c *fiber.Ctx, err error) error {
	code := gridskill.ErrorCode(err)
	if code == gridskill.EINVALID || code == gridskill.ECONFLICT || code == gridskill.ETOOLARGE {
		return s.renderModuleEdit(c, err, statusOf[code])
	}
	return err
}

func (s *Server) coursesModuleSave(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	if _, err := s.courses.UpdateModule(c.UserContext(), u, c.Params("id"), moduleInput(c)); err != nil {
		return s.formFailed(c, err)
	}
	s.flash(c, "Saved.")
	return c.Redirect("/modules/"+c.Params("id"), fiber.StatusSeeOther)
}

func lessonInput(c *fiber.Ctx) courses.LessonInput {
	minutes, _ := strconv.Atoi(c.FormValue("minutes"))
	return courses.LessonInput{Title: c.FormValue("title"), Markdown: strings.ReplaceAll(c.FormValue("markdown"), "\r\n", "\n"), Minutes: minutes}
}

func (s *Server) coursesLessonAdd(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	id := c.Params("id")
	l, err := s.courses.AddLesson(c.UserContext(), u, id, lessonInput(c))
	if err != nil {
		return s.formFailed(c, err)
	}
	return c.Redirect("/modules/"+id+"/lessons/"+l.ID, fiber.StatusSeeOther)
}

type lessonEditPage struct {
	Page
	Module courses.Module
	Lesson courses.Lesson
	Image  string
}

// LessonHTML is the lesson's rendered, sanitized body.
func (p lessonEditPage) LessonHTML() template.HTML { return template.HTML(p.Lesson.HTML) }

// HTML marks a lesson body that was sanitized when it was saved as safe to show.
func (p lessonEditPage) HTML(sanitized string) template.HTML { return template.HTML(sanitized) }

// Plus1 numbers lessons from 1.
func (p lessonEditPage) Plus1(i int) int { return i + 1 }

func (s *Server) coursesLessonEdit(c *fiber.Ctx) error {
	return s.renderLessonEdit(c, nil, nil)
}

func (s *Server) renderLessonEdit(c *fiber.Ctx, typed *courses.LessonInput, problem error) error {
	u, _ := currentUser(c)
	m, err := s.courses.Draft(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	l, _, ok := m.Lesson(c.Params("lesson"))
	if !ok {
		return gridskill.Errorf(gridskill.ENOTFOUND, "no such lesson")
	}
	p := lessonEditPage{Page: s.page(c, "Edit lesson"), Module: m, Lesson: l}
	if img := c.Query("image"); courses.ValidMediaID(img) {
		p.Image = "/media/" + img
	}
	if typed != nil {
		p.Lesson.Title, p.Lesson.Markdown, p.Lesson.Minutes = typed.Title, typed.Markdown, typed.Minutes
	}
	status := fiber.StatusOK
	if problem != nil {
		if err := p.problem(problem); err != nil {
			return err
		}
		status = statusOf[gridskill.ErrorCode(problem)]
	}
	return c.Status(status).Render("courses/lesson_edit", p, "layouts/main")
}

func (s *Server) coursesLessonSave(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	in := lessonInput(c)
	id, lesson := c.Params("id"), c.Params("lesson")
	if _, err := s.courses.UpdateLesson(c.UserContext(), u, id, lesson, in); err != nil {
		if code := gridskill.ErrorCode(err); code == gridskill.EINVALID || code == gridskill.ETOOLARGE || code == gridskill.ECONFLICT {
			return s.renderLessonEdit(c, &in, err)
		}
		return err
	}
	s.flash(c, "Saved.")
	return c.Redirect("/modules/"+id+"/lessons/"+lesson, fiber.StatusSeeOther)
}

func (s *Server) coursesLessonMove(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	delta := 1
	if c.FormValue("dir") == "up" {
		delta = -1
	}
	if err := s.courses.MoveLesson(c.UserContext(), u, c.Params("id"), c.Params("lesson"), delta); err != nil {
		return s.formFailed(c, err)
	}
	return c.Redirect("/modules/"+c.Params("id")+"#lessons", fiber.StatusSeeOther)
}

func (s *Server) coursesLessonDelete(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	if err := s.courses.DeleteLesson(c.UserContext(), u, c.Params("id"), c.Params("lesson")); err != nil {
		return s.formFailed(c, err)
	}
	s.flash(c, "The lesson is removed from the draft.")
	return c.Redirect("/modules/"+c.Params("id")+"#lessons", fiber.StatusSeeOther)
}

// coursesImageUpload stores an image and shows the Markdown to paste.
func (s *Server) coursesImageUpload(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	id := c.Params("id")
	if _, err := s.courses.Draft(c.UserContext(), u, id); err != nil {
		return err
	}
	data, err := uploadedFile(c, courses.MaxImageBytes)
	if err != nil {
		return s.formFailed(c, err)
	}
	im, err := s.courses.UploadImage(c.UserContext(), u, data)
	if err != nil {
		return s.formFailed(c, err)
	}
	back := "/modules/" + id
	if l := c.FormValue("lesson"); courses.ValidID(l) {
		back += "/lessons/" + l
	}
	return c.Redirect(back+"?image="+im.ID, fiber.StatusSeeOther)
}

// uploadedFile reads the form's file field, refusing more than limit bytes.
func uploadedFile(c *fiber.Ctx, limit int64) ([]byte, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, gridskill.Errorf(gridskill.EINVALID, "choose a file to upload")
	}
	if fh.Size > limit {
		return nil, gridskill.Errorf(gridskill.ETOOLARGE, "the image is larger than %d MB", limit>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, gridskill.Errorf(gridskill.EINVALID, "the file could not be read")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, gridskill.Errorf(gridskill.EINVALID, "the file could not be read")
	}
	if int64(len(data)) > limit {
		return nil, gridskill.Errorf(gridskill.ETOOLARGE, "the image is larger than %d MB", limit>>20)
	}
	return data, nil
}

// coursesPreview shows the draft as a worker will see it on a phone.
func (s *Server) coursesPreview(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	m, err := s.courses.Draft(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	return c.Render("courses/preview", lessonEditPage{Page: s.page(c, "Preview"), Module: m}, "layouts/main")
}

func (s *Server) coursesPublish(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	if _, err := s.courses.Publish(c.UserContext(), u, c.Params("id"), c.FormValue("note"), c.FormValue("major") == "1"); err != nil {
		return s.formFailed(c, err)
	}
	s.flash(c, "Published. Workers now study the new version.")
	return c.Redirect("/modules/"+c.Params("id"), fiber.StatusSeeOther)
}

func (s *Server) coursesDuplicate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	m, err := s.courses.Duplicate(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	s.flash(c, "This is your copy; edit it and publish it for your area.")
	return c.Redirect("/modules/"+m.ID, fiber.StatusSeeOther)
}

// parseDue reads a due date (YYYY-MM-DD) as the end of that day in China.
func parseDue(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation("2006-01-02", v, gridskill.ChinaZone())
	if err != nil {
		return time.Time{}, gridskill.Errorf(gridskill.EINVALID, "the due date must look like 2026-12-31")
	}
	return d.Add(24*time.Hour - time.Minute), nil
}

func (s *Server) coursesAssign(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	due, err := parseDue(c.FormValue("due"))
	if err == nil {
		_, err = s.courses.Assign(c.UserContext(), u, c.Params("id"), c.FormValue("unit"), c.FormValue("required") == "1", due)
	}
	if err != nil {
		return s.formFailed(c, err)
	}
	s.flash(c, "Assigned.")
	return c.Redirect("/modules/"+c.Params("id")+"#assign", fiber.StatusSeeOther)
}

func (s *Server) coursesUnassign(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	if err := s.courses.Unassign(c.UserContext(), u, c.Params("id"), c.Params("unit")); err != nil {
		return err
	}
	s.flash(c, "The assignment is withdrawn.")
	return c.Redirect("/modules/"+c.Params("id")+"#assign", fiber.StatusSeeOther)
}
