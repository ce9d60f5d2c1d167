package web

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/courses"
)

type handbookPage struct {
	Page
	Handbook courses.Handbook
	// Size is the paper: a5 (the default, a booklet) or a4.
	Size string
}

// handbookSize reads the paper size asked for.
func handbookSize(c *fiber.Ctx) (string, error) {
	switch size := c.Query("size", "a5"); size {
	case "a5", "a4":
		return size, nil
	}
	return "", gridskill.Errorf(gridskill.EINVALID, "the paper size is A5 or A4")
}

// coursesHandbook is every published module of a unit as one printable
// book with a table of contents (全科网格一本通), for study offline.
func (s *Server) coursesHandbook(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	size, err := handbookSize(c)
	if err != nil {
		return err
	}
	h, err := s.courses.Handbook(c.UserContext(), u, c.Query("unit"))
	if err != nil {
		return err
	}
	return c.Render("courses/handbook", handbookPage{Page: s.page(c, "Handbook"), Handbook: h, Size: size}, "layouts/main")
}

type handbookLessonJSON struct {
	Title string `json:"title"`
	HTML  string `json:"html"`
}

type handbookModuleJSON struct {
	ID      string               `json:"id"`
	Title   string               `json:"title"`
	Version int                  `json:"version"`
	Summary string               `json:"summary"`
	Lessons []handbookLessonJSON `json:"lessons"`
}

// apiHandbook is the handbook's content for a program that prints or keeps it offline.
func (s *Server) apiHandbook(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	h, err := s.courses.Handbook(c.UserContext(), u, c.Query("unit"))
	if err != nil {
		return err
	}
	out := struct {
		Unit    string               `json:"unit"`
		Modules []handbookModuleJSON `json:"modules"`
	}{Unit: h.Unit.Name, Modules: []handbookModuleJSON{}}
	for _, v := range h.Versions {
		m := handbookModuleJSON{ID: v.ModuleID, Title: v.Title, Version: v.Number, Summary: v.Summary, Lessons: []handbookLessonJSON{}}
		for _, l := range v.Lessons {
			m.Lessons = append(m.Lessons, handbookLessonJSON{Title: l.Title, HTML: l.HTML})
		}
		out.Modules = append(out.Modules, m)
	}
	return c.JSON(out)
}

// HTML marks a published lesson's HTML, sanitized when it was rendered, as safe.
func (p handbookPage) HTML(sanitized string) template.HTML { return template.HTML(sanitized) }
