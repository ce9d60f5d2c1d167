package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill/courses"
	"gridskill/people"
)

type moduleJSON struct {
	ID       string              `json:"id"`
	Title    string              `json:"title"`
	Category courses.Category    `json:"category"`
	Version  int                 `json:"version"`
	Lessons  []courses.LessonRef `json:"lessons"`
	Summary  string              `json:"summary"`
	Minutes  int                 `json:"minutes"`
}

func moduleOut(m courses.Module) moduleJSON {
	out := moduleJSON{ID: m.ID, Title: m.Title, Category: m.Category, Summary: m.Summary, Minutes: m.Minutes, Lessons: []courses.LessonRef{}}
	if p := m.Published; p != nil {
		out.Title, out.Category, out.Summary, out.Minutes, out.Version = p.Title, p.Category, p.Summary, p.Minutes, p.Version
		out.Lessons = append(out.Lessons, p.Lessons...)
	} else {
		for _, l := range m.Lessons {
			out.Lessons = append(out.Lessons, courses.LessonRef{ID: l.ID, Title: l.Title})
		}
	}
	return out
}

// apiModules lists the modules visible to the caller (DESIGN.md's stable
// contract); lessons is a list of {id, title}.
func (s *Server) apiModules(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	mods, err := s.courses.Visible(c.UserContext(), u)
	if err != nil {
		return err
	}
	out := struct {
		Modules []moduleJSON `json:"modules"`
	}{Modules: []moduleJSON{}}
	for _, m := range mods {
		out.Modules = append(out.Modules, moduleOut(m))
	}
	return c.JSON(out)
}

type studyLessonJSON struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Minutes int    `json:"minutes"`
	HTML    string `json:"html"`
	Done    bool   `json:"done"`
	Seconds int    `json:"seconds"`
}

// apiModule is a published module with its lessons' HTML and the caller's progress.
func (s *Server) apiModule(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	st, err := s.courses.Study(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	out := struct {
		moduleJSON
		Note        string            `json:"note"`
		Major       bool              `json:"major"`
		Done        bool              `json:"done"`
		LessonsDone int               `json:"lessonsDone"`
		Lessons     []studyLessonJSON `json:"lessons"`
	}{moduleJSON: moduleOut(st.Module), Note: st.Version.Note, Major: st.Version.Major, Done: st.Done, LessonsDone: st.LessonsDone}
	secs, err := s.courses.StudyTime(c.UserContext(), u, st.Module.ID)
	if err != nil {
		return err
	}
	for _, l := range st.Version.Lessons {
		out.Lessons = append(out.Lessons, studyLessonJSON{ID: l.ID, Title: l.Title, Minutes: l.Minutes, HTML: l.HTML, Done: st.Lessons[l.ID].Done, Seconds: secs[l.ID]})
	}
	return c.JSON(out)
}

type moduleInputJSON struct {
	Title     string   `json:"title"`
	Category  string   `json:"category"`
	Summary   string   `json:"summary"`
	Minutes   int      `json:"minutes"`
	CheckTags []string `json:"checkTags"`
	Cover     string   `json:"cover"`
}

func (s *Server) apiModuleCreate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in moduleInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	m, err := s.courses.CreateModule(c.UserContext(), u, courses.ModuleInput{
		Title: in.Title, Category: courses.Category(in.Category), Summary: in.Summary, Minutes: in.Minutes, CheckTags: in.CheckTags, CoverID: in.Cover,
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(moduleOut(m))
}

func (s *Server) apiLessonAdd(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in struct {
		Title    string `json:"title"`
		Markdown string `json:"markdown"`
		Minutes  int    `json:"minutes"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	l, err := s.courses.AddLesson(c.UserContext(), u, c.Params("id"), courses.LessonInput{Title: in.Title, Markdown: in.Markdown, Minutes: in.Minutes})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": l.ID, "title": l.Title, "html": l.HTML})
}

func (s *Server) apiModulePublish(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in struct {
		Note  string `json:"note"`
		Major bool   `json:"major"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := s.courses.Publish(c.UserContext(), u, c.Params("id"), in.Note, in.Major)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"id": v.ModuleID, "version": v.Number, "major": v.Major, "note": v.Note, "publishedAt": v.PublishedAt})
}

func (s *Server) apiModuleAssign(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in struct {
		UnitID   string `json:"unitId"`
		Required bool   `json:"required"`
		Due      string `json:"due"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.UnitID == "" {
		return errMissing("unitId")
	}
	due, err := parseDue(in.Due)
	if err != nil {
		return err
	}
	a, err := s.courses.Assign(c.UserContext(), u, c.Params("id"), in.UnitID, in.Required, due)
	if err != nil {
		return err
	}
	out := fiber.Map{"moduleId": a.ModuleID, "unitId": a.UnitID, "required": a.Required, "due": nil}
	if !a.Due.IsZero() {
		out["due"] = a.Due
	}
	return c.JSON(out)
}

func (s *Server) apiModuleReport(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	r, err := s.courses.Completion(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	type unitJSON struct {
		ID        string          `json:"id"`
		Name      string          `json:"name"`
		Kind      people.UnitKind `json:"kind"`
		ParentID  string          `json:"parentId,omitempty"`
		Workers   int             `json:"workers"`
		Completed int             `json:"completed"`
	}
	units := []unitJSON{}
	for _, row := range r.Rows {
		units = append(units, unitJSON{ID: row.Unit.ID, Name: row.Unit.Name, Kind: row.Unit.Kind, ParentID: row.Unit.ParentID, Workers: row.Workers, Completed: row.Completed})
	}
	return c.JSON(fiber.Map{"module": moduleOut(r.Module), "units": units})
}

func (s *Server) apiMediaUpload(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	data, err := uploadedFile(c, courses.MaxImageBytes)
	if err != nil {
		return err
	}
	im, err := s.courses.UploadImage(c.UserContext(), u, data)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": im.ID, "url": im.URL(), "width": im.Width, "height": im.Height})
}

func (s *Server) apiHeartbeat(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	b, err := s.courses.Heartbeat(c.UserContext(), u, c.Params("id"), c.Params("lesson"))
	if err != nil {
		return err
	}
	return c.JSON(b)
}

func (s *Server) apiLessonComplete(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	it, err := s.courses.CompleteLesson(c.UserContext(), u, c.Params("id"), c.Params("lesson"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"moduleDone": it.Done, "lessonsDone": it.LessonsDone, "lessonsTotal": it.LessonsTotal, "version": it.Module.Version()})
}

type itemJSON struct {
	moduleJSON
	Required     bool       `json:"required"`
	Assigned     bool       `json:"assigned"`
	Due          *time.Time `json:"due"`
	Overdue      bool       `json:"overdue"`
	Done         bool       `json:"done"`
	Updated      bool       `json:"updated"`
	LessonsDone  int        `json:"lessonsDone"`
	LessonsTotal int        `json:"lessonsTotal"`
	Percent      int        `json:"percent"`
}

// apiMyLearning is the caller's list, in the order the home page shows it.
func (s *Server) apiMyLearning(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	items, err := s.courses.MyLearning(c.UserContext(), u)
	if err != nil {
		return err
	}
	out := []itemJSON{}
	for _, it := range items {
		j := itemJSON{moduleJSON: moduleOut(it.Module), Required: it.Required, Assigned: it.Assigned, Overdue: it.Overdue, Done: it.Done,
			Updated: it.Updated, LessonsDone: it.LessonsDone, LessonsTotal: it.LessonsTotal, Percent: it.Percent()}
		if !it.Due.IsZero() {
			due := it.Due
			j.Due = &due
		}
		out = append(out, j)
	}
	return c.JSON(fiber.Map{"items": out})
}

// apiRecord is a worker's learning record; "me" is the caller.
func (s *Server) apiRecord(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	id := c.Params("id")
	if id == "me" {
		id = u.ID
	}
	r, err := s.courses.Record(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	return c.JSON(recordJSONOf(r))
}

type recordJSON struct {
	WorkerID        string          `json:"workerId"`
	Name            string          `json:"name"`
	Year            int             `json:"year"`
	Minutes         int             `json:"minutes"`
	MinutesThisYear int             `json:"minutesThisYear"`
	OnlineHours     float64         `json:"onlineHours"`
	OfflineHours    float64         `json:"offlineHours"`
	Hours           float64         `json:"hours"`
	Completed       []completedJSON `json:"completed"`
	Sessions        []sessionJSON   `json:"sessions"`
}

type completedJSON struct {
	ModuleID string    `json:"moduleId"`
	Title    string    `json:"title"`
	Version  int       `json:"version"`
	At       time.Time `json:"at"`
}

type sessionJSON struct {
	ID    string  `json:"id"`
	Topic string  `json:"topic"`
	Date  string  `json:"date"`
	Hours float64 `json:"hours"`
}

// recordJSONOf is the API's view of a learning record; its lists are empty,
// never null.
func recordJSONOf(r courses.Record) recordJSON {
	out := recordJSON{WorkerID: r.WorkerID, Name: r.Name, Year: r.Year, Minutes: r.Minutes, MinutesThisYear: r.MinutesThisYear,
		OnlineHours: r.OnlineHours, OfflineHours: r.OfflineHours, Hours: r.Hours, Completed: []completedJSON{}, Sessions: []sessionJSON{}}
	for _, m := range r.Completed {
		out.Completed = append(out.Completed, completedJSON{ModuleID: m.ModuleID, Title: m.Title, Version: m.Version, At: m.At})
	}
	for _, ss := range r.Sessions {
		out.Sessions = append(out.Sessions, sessionJSON{ID: ss.ID, Topic: ss.Topic, Date: ss.Date, Hours: ss.Hours})
	}
	return out
}

func (s *Server) apiSessionCreate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in struct {
		Topic     string  `json:"topic"`
		Date      string  `json:"date"`
		Hours     float64 `json:"hours"`
		Place     string  `json:"place"`
		Trainer   string  `json:"trainer"`
		Attendees []struct {
			Phone string `json:"phone"`
			Name  string `json:"name"`
		} `json:"attendees"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	var rows []courses.SignInRow
	for i, a := range in.Attendees {
		rows = append(rows, courses.SignInRow{Line: i + 1, Phone: people.NormalizePhone(a.Phone), Name: a.Name})
	}
	sess, err := s.courses.RecordSession(c.UserContext(), u, courses.SessionInput{Topic: in.Topic, Date: in.Date, Hours: in.Hours, Place: in.Place, Trainer: in.Trainer}, rows)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": sess.ID, "attendees": len(sess.Attendees), "hours": sess.Hours})
}
