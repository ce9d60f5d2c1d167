package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill/courses"
	"gridskill/practical"
)

type taskItemJSON struct {
	ID          string               `json:"id"`
	Heading     string               `json:"heading"`
	Description string               `json:"description"`
	Evidence    []practical.Evidence `json:"evidence"`
	Times       int                  `json:"times"`
}

type checklistJSON struct {
	ID      string         `json:"id"`
	Title   string         `json:"title"`
	Summary string         `json:"summary"`
	Hours   float64        `json:"hours"`
	Items   []taskItemJSON `json:"items"`
}

type entryJSON struct {
	Note    string          `json:"note"`
	Count   int             `json:"count"`
	Date    string          `json:"date"`
	Place   string          `json:"place"`
	Photos  []string        `json:"photos"`
	State   practical.State `json:"state"`
	Comment string          `json:"comment"`
	Missing string          `json:"missing,omitempty"`
}

type taskJSON struct {
	ID          string               `json:"id"`
	ChecklistID string               `json:"checklistId"`
	Title       string               `json:"title"`
	Hours       float64              `json:"hours"`
	Worker      taskPersonJSON       `json:"worker"`
	Mentor      taskPersonJSON       `json:"mentor"`
	Due         string               `json:"due"`
	State       practical.State      `json:"state"`
	Items       []taskItemJSON       `json:"items"`
	Entries     map[string]entryJSON `json:"entries"`
	SubmittedAt *time.Time           `json:"submittedAt,omitempty"`
	AcceptedAt  *time.Time           `json:"acceptedAt,omitempty"`
}

type taskPersonJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func itemsOut(items []practical.Item) []taskItemJSON {
	out := make([]taskItemJSON, len(items))
	for i, it := range items {
		out[i] = taskItemJSON{ID: it.ID, Heading: it.Heading, Description: it.Description, Evidence: it.Evidence, Times: it.Times}
	}
	return out
}

func checklistOut(c practical.Checklist) checklistJSON {
	return checklistJSON{ID: c.ID, Title: c.Title, Summary: c.Summary, Hours: c.Hours, Items: itemsOut(c.Items)}
}

func taskOut(t practical.Task) taskJSON {
	out := taskJSON{ID: t.ID, ChecklistID: t.ChecklistID, Title: t.Title, Hours: t.Hours, Due: t.Due, State: t.State,
		Worker: taskPersonJSON{ID: t.WorkerID, Name: t.WorkerName}, Mentor: taskPersonJSON{ID: t.MentorID, Name: t.MentorName},
		Items: itemsOut(t.Items), Entries: map[string]entryJSON{}}
	for _, it := range t.Items {
		e := t.Entry(it.ID)
		photos := make([]string, 0, len(e.Photos))
		for _, p := range e.Photos {
			photos = append(photos, courses.Image{ID: p}.URL())
		}
		out.Entries[it.ID] = entryJSON{Note: e.Note, Count: e.Count, Date: e.Date, Place: e.Place, Photos: photos, State: e.State, Comment: e.Comment, Missing: t.Missing(it.ID)}
	}
	if !t.SubmittedAt.IsZero() {
		out.SubmittedAt = &t.SubmittedAt
	}
	if !t.AcceptedAt.IsZero() {
		out.AcceptedAt = &t.AcceptedAt
	}
	return out
}

func tasksOut(ts []practical.Task) []taskJSON {
	out := make([]taskJSON, 0, len(ts))
	for _, t := range ts {
		out = append(out, taskOut(t))
	}
	return out
}

func (s *Server) apiChecklists(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	list, err := s.practical.Checklists(c.UserContext(), u)
	if err != nil {
		return err
	}
	out := struct {
		Checklists []checklistJSON `json:"checklists"`
	}{Checklists: []checklistJSON{}}
	for _, cl := range list {
		out.Checklists = append(out.Checklists, checklistOut(cl))
	}
	return c.JSON(out)
}

func (s *Server) apiChecklistCreate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in struct {
		Title   string   `json:"title"`
		Summary string   `json:"summary"`
		Hours   float64  `json:"hours"`
		Items   []itemIn `json:"items"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cin := practical.ChecklistInput{Title: in.Title, Summary: in.Summary, Hours: in.Hours}
	for _, it := range in.Items {
		cin.Items = append(cin.Items, practical.ItemInput{Heading: it.Heading, Description: it.Description, Evidence: it.Evidence, Times: it.Times})
	}
	cl, err := s.practical.CreateChecklist(c.UserContext(), u, cin)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(checklistOut(cl))
}

type itemIn struct {
	Heading     string               `json:"heading"`
	Description string               `json:"description"`
	Evidence    []practical.Evidence `json:"evidence"`
	Times       int                  `json:"times"`
}

func (s *Server) apiChecklist(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	cl, err := s.practical.Checklist(ctx, u, c.Params("id"))
	if err != nil {
		return err
	}
	tasks, err := s.practical.Progress(ctx, u, cl.ID)
	if err != nil {
		return err
	}
	return c.JSON(struct {
		checklistJSON
		Tasks []taskJSON `json:"tasks"`
	}{checklistOut(cl), tasksOut(tasks)})
}

func (s *Server) apiChecklistAssign(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in struct {
		Phones []string `json:"phones"`
		Mentor string   `json:"mentor"`
		Due    string   `json:"due"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	tasks, err := s.practical.Assign(c.UserContext(), u, c.Params("id"), practical.AssignInput{Phones: in.Phones, Mentor: in.Mentor, Due: in.Due})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(struct {
		Tasks []taskJSON `json:"tasks"`
	}{tasksOut(tasks)})
}

func (s *Server) apiTasks(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	doing, mentoring, err := s.practical.Mine(c.UserContext(), u)
	if err != nil {
		return err
	}
	return c.JSON(struct {
		Doing     []taskJSON `json:"doing"`
		Mentoring []taskJSON `json:"mentoring"`
	}{tasksOut(doing), tasksOut(mentoring)})
}

func (s *Server) apiTask(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	t, err := s.practical.Task(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(taskOut(t))
}

// apiEntrySave records one item as typed; the task page's script sends each
// item here as it is typed, and again until it is saved.
func (s *Server) apiEntrySave(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in struct {
		Note  string `json:"note"`
		Count int    `json:"count"`
		Date  string `json:"date"`
		Place string `json:"place"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := s.practical.SaveEntry(c.UserContext(), u, c.Params("id"), c.Params("item"), practical.EntryInput{Note: in.Note, Count: in.Count, Date: in.Date, Place: in.Place})
	if err != nil {
		return err
	}
	return c.JSON(taskOut(t))
}

func (s *Server) apiPhotoAdd(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	data, err := evidenceFile(c)
	if err != nil {
		return err
	}
	t, err := s.practical.AddPhoto(c.UserContext(), u, c.Params("id"), c.Params("item"), data)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(taskOut(t))
}

func (s *Server) apiTaskSubmit(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	t, err := s.practical.Submit(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(taskOut(t))
}

func (s *Server) apiTaskReview(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in struct {
		Accept  *bool  `json:"accept"`
		Comment string `json:"comment"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Accept == nil {
		return errMissing("accept")
	}
	t, err := s.practical.Review(c.UserContext(), u, c.Params("id"), c.Params("item"), practical.Decision{Accept: *in.Accept, Comment: in.Comment})
	if err != nil {
		return err
	}
	return c.JSON(taskOut(t))
}
