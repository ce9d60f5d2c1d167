package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill/cases"
)

type caseJSON struct {
	ID          string      `json:"id"`
	Title       string      `json:"title"`
	Happened    string      `json:"happened"`
	Handling    string      `json:"handling"`
	Outcome     string      `json:"outcome"`
	Tags        []cases.Tag `json:"tags"`
	State       cases.State `json:"state"`
	Author      string      `json:"author"`
	Masked      bool        `json:"masked"`
	SubmittedAt time.Time   `json:"submittedAt"`
	PublishedAt *time.Time  `json:"publishedAt,omitempty"`
}

func caseOut(c cases.Case) caseJSON {
	out := caseJSON{ID: c.ID, Title: c.Title, Happened: c.Happened, Handling: c.Handling, Outcome: c.Outcome, Tags: c.Tags, State: c.State,
		Author: c.AuthorName, Masked: c.Masked, SubmittedAt: c.SubmittedAt}
	if !c.PublishedAt.IsZero() {
		t := c.PublishedAt
		out.PublishedAt = &t
	}
	return out
}

func casesOut(list []cases.Case) []caseJSON {
	out := make([]caseJSON, 0, len(list))
	for _, c := range list {
		out = append(out, caseOut(c))
	}
	return out
}

type caseIn struct {
	Title    string      `json:"title"`
	Happened string      `json:"happened"`
	Handling string      `json:"handling"`
	Outcome  string      `json:"outcome"`
	Tags     []cases.Tag `json:"tags"`
	Names    []string    `json:"names"`
}

func (in caseIn) input() cases.Input {
	return cases.Input{Title: in.Title, Happened: in.Happened, Handling: in.Handling, Outcome: in.Outcome, Tags: in.Tags, Names: in.Names}
}

// apiCases is the library (?q=&tag=), with the caller's own cases and,
// for trainers and admins, those waiting to be curated.
func (s *Server) apiCases(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	lib, err := s.cases.Library(ctx, u, cases.Query{Text: c.Query("q"), Tag: cases.Tag(c.Query("tag"))})
	if err != nil {
		return err
	}
	mine, err := s.cases.Mine(ctx, u)
	if err != nil {
		return err
	}
	var pending []cases.Case
	if u.CanTeach(u.UnitPath) {
		if pending, err = s.cases.Pending(ctx, u); err != nil {
			return err
		}
	}
	return c.JSON(struct {
		Cases   []caseJSON `json:"cases"`
		Mine    []caseJSON `json:"mine"`
		Pending []caseJSON `json:"pending"`
	}{casesOut(lib), casesOut(mine), casesOut(pending)})
}

func (s *Server) apiCaseSubmit(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in caseIn
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cs, err := s.cases.Submit(c.UserContext(), u, in.input())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(caseOut(cs))
}

func (s *Server) apiCase(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	cs, err := s.cases.Case(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(caseOut(cs))
}

func (s *Server) apiCasePublish(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in caseIn
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cs, err := s.cases.Publish(c.UserContext(), u, c.Params("id"), in.input())
	if err != nil {
		return err
	}
	return c.JSON(caseOut(cs))
}

type guideJSON struct {
	ID    string     `json:"id"`
	Title string     `json:"title"`
	Intro string     `json:"intro"`
	Cases []caseJSON `json:"cases"`
}

func (s *Server) apiGuideCreate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var in struct {
		Title string   `json:"title"`
		Intro string   `json:"intro"`
		Cases []string `json:"cases"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	g, err := s.cases.CreateGuide(c.UserContext(), u, in.Title, in.Intro, in.Cases)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(guideJSON{ID: g.ID, Title: g.Title, Intro: g.Intro, Cases: casesOut(g.Cases)})
}

func (s *Server) apiGuide(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	g, err := s.cases.Guide(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(guideJSON{ID: g.ID, Title: g.Title, Intro: g.Intro, Cases: casesOut(g.Cases)})
}
