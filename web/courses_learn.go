package web

import (
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/courses"
	"gridskill/quiz"
	"gridskill/rotation"
)

// categoryNames are the catalogue texts of the standard categories.
var categoryNames = map[courses.Category]string{
	courses.AntiFraud:      "Anti-fraud",
	courses.FinancialRisk:  "Illegal fundraising and financial risk",
	courses.Duties:         "Grid duties",
	courses.Mediation:      "Dispute mediation",
	courses.HazardPatrol:   "Hazard patrol",
	courses.InfoCollection: "Information collection",
}

// CategoryName is the translated name of a module category; a custom one is shown as written.
func (p Page) CategoryName(c courses.Category) string {
	if n, ok := categoryNames[c]; ok {
		return p.T(n)
	}
	return string(c)
}

// Date formats a time as a date in China's calendar.
func (p Page) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(gridskill.ChinaZone()).Format("2006-01-02")
}

type learnPage struct {
	Page
	Items []courses.Item
}

// coursesCatalogue lists every module the worker may study.
func (s *Server) coursesCatalogue(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	items, err := s.courses.Catalogue(c.UserContext(), u)
	if err != nil {
		return err
	}
	return c.Render("courses/catalogue", learnPage{Page: s.page(c, "Course catalogue"), Items: items}, "layouts/main")
}

type studyPage struct {
	Page
	courses.Study
	Lesson     courses.VersionLesson
	Index      int
	Prev       string
	Next       string
	LessonDone bool
	ModuleID   string
	// ReadyIn: seconds before the lesson may be marked done (0: now).
	ReadyIn int
	// Exams are the open exams that assess this module, for "what next".
	Exams []quiz.Exam
}

// PracticeTag is the question tag to practise the module with: its
// end-of-module check's first tag, or "" when it has none.
func (p studyPage) PracticeTag() string {
	if p.Module.Published != nil && len(p.Module.Published.CheckTags) > 0 {
		return p.Module.Published.CheckTags[0]
	}
	return ""
}

// Number is the lesson's position, from 1.
func (p studyPage) Number() int { return p.Index + 1 }

// LessonHTML is the lesson's body, sanitized when it was saved.
func (p studyPage) LessonHTML() template.HTML { return template.HTML(p.Lesson.HTML) }

// NextID is the lesson after this one, "" for the last.
func (p studyPage) NextID() string {
	if p.Index+1 < len(p.Version.Lessons) {
		return p.Version.Lessons[p.Index+1].ID
	}
	return ""
}

// NextLesson is the first lesson not done yet, or the first lesson when all are.
func (p studyPage) NextLesson() string {
	for _, l := range p.Version.Lessons {
		if !p.Lessons[l.ID].Done {
			return l.ID
		}
	}
	if p.Done || len(p.Version.Lessons) == 0 {
		return ""
	}
	return p.Version.Lessons[0].ID
}

// coursesModule is a module's page: its lessons with the worker's progress
// and the note of the latest change.
func (s *Server) coursesModule(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	st, err := s.courses.Study(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	p := studyPage{Page: s.page(c, "Module"), Study: st, ModuleID: st.Module.ID}
	if s.quiz != nil {
		for _, e := range s.quiz.OpenExams(c.UserContext(), u) {
			if e.ModuleID == st.Module.ID {
				p.Exams = append(p.Exams, e)
			}
		}
	}
	return c.Render("courses/module", p, "layouts/main")
}

// coursesLesson is a lesson page: light, readable on a phone, with a
// heartbeat script counting time while it is visible.
func (s *Server) coursesLesson(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	st, err := s.courses.Study(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	l, i, ok := st.Version.Lesson(c.Params("lesson"))
	if !ok {
		return gridskill.Errorf(gridskill.ENOTFOUND, "no such lesson")
	}
	ready, err := s.courses.OpenLesson(c.UserContext(), u, st.Module.ID, l.ID)
	if err != nil {
		return err
	}
	p := studyPage{Page: s.page(c, "Lesson"), Study: st, Lesson: l, Index: i, LessonDone: st.Lessons[l.ID].Done, ModuleID: st.Module.ID}
	if left := ready.Sub(s.clock.Now()); left > 0 && !p.LessonDone {
		p.ReadyIn = int((left + time.Second - 1) / time.Second)
	}
	p.Title = l.Title
	base := "/learn/" + st.Module.ID + "/"
	if i > 0 {
		p.Prev = base + st.Version.Lessons[i-1].ID
	}
	if i+1 < len(st.Version.Lessons) {
		p.Next = base + st.Version.Lessons[i+1].ID
	}
	return c.Render("courses/lesson", p, "layouts/main")
}

// coursesComplete marks a lesson done and goes on to the next one, or back
// to the module. Posting it twice records one completion.
func (s *Server) coursesComplete(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	id, lesson := c.Params("id"), c.Params("lesson")
	item, err := s.courses.CompleteLesson(c.UserContext(), u, id, lesson)
	if courses.TooSoon(err) {
		s.flash(c, "Please read the lesson a little longer before marking it done.")
		return c.Redirect("/learn/"+id+"/"+lesson, fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	if item.Done {
		s.flash(c, "Module complete. Well done!")
		return c.Redirect("/learn/"+id, fiber.StatusSeeOther)
	}
	if next := c.FormValue("next"); next != "" && courses.ValidID(next) {
		return c.Redirect("/learn/"+id+"/"+next, fiber.StatusSeeOther)
	}
	return c.Redirect("/learn/"+id, fiber.StatusSeeOther)
}

type recordPage struct {
	Page
	Record courses.Record
	// Placements (跟班学习, 轮岗) are read by rotation_placements.go; CanPlace
	// is whether the viewer may record one.
	Placements []rotation.Placement
	CanPlace   bool
}

// coursesRecord is the worker's own learning record.
func (s *Server) coursesRecord(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	id := c.Query("worker", u.ID)
	rec, err := s.courses.Record(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	p := recordPage{Page: s.page(c, "Learning record"), Record: rec}
	if err := s.recordPlacements(c, &p); err != nil {
		return err
	}
	return c.Render("courses/record", p, "layouts/main")
}

// coursesMedia serves an uploaded image. Its id is the hash of its bytes, so
// it never changes and may be cached for a year.
func (s *Server) coursesMedia(c *fiber.Ctx) error {
	im, err := s.courses.Image(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, im.ContentType)
	c.Set(fiber.HeaderCacheControl, "private, max-age=31536000, immutable")
	etag := `"` + c.Params("id") + `"` // a size never made is served as the image, under its own name
	c.Set(fiber.HeaderETag, etag)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	return c.Send(im.Data)
}
