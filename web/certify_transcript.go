package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill/certify"
	"gridskill/selection"
)

type transcriptPage struct {
	Page
	Transcript certify.Transcript
	Own        bool
	// Honours are the worker's and their grid's (selection_honours.go).
	Honours []selection.Honour
}

// TotalHours is this year's training hours, online and offline.
func (p transcriptPage) TotalHours() float64 {
	return p.Transcript.History.OnlineHours + p.Transcript.History.OfflineHours
}

// transcriptMine is the signed-in worker's own transcript (学习档案).
func (s *Server) transcriptMine(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	return s.renderTranscript(c, u.ID)
}

// transcriptShow is a worker's transcript, for the worker and admins in scope.
func (s *Server) transcriptShow(c *fiber.Ctx) error {
	return s.renderTranscript(c, c.Params("worker"))
}

func (s *Server) renderTranscript(c *fiber.Ctx, workerID string) error {
	u, _ := currentUser(c)
	t, err := s.certify.Transcript(c.UserContext(), u, workerID)
	if err != nil {
		return err
	}
	p := transcriptPage{Page: s.page(c, "Transcript"), Transcript: t, Own: workerID == u.ID}
	if p.Honours, err = s.transcriptHonours(c, workerID); err != nil {
		return err
	}
	return c.Render("certify/transcript", p, "layouts/main")
}

// transcriptExport downloads a worker's transcript as a spreadsheet.
func (s *Server) transcriptExport(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	t, err := s.certify.Transcript(c.UserContext(), u, c.Params("worker"))
	if err != nil {
		return err
	}
	p := s.page(c, "Transcript")
	h := t.History
	var rows [][]string
	row := func(cells ...string) { rows = append(rows, cells) }
	row(p.T("Worker"), t.Worker.Name, strings.Join(t.UnitNames, " / "), "", "")
	row(p.T("Training hours this year"), p.Num(h.OnlineHours+h.OfflineHours), p.T("online %s, offline %s", p.Num(h.OnlineHours), p.Num(h.OfflineHours)), "", "")
	for _, m := range h.Modules {
		row(p.T("Module"), m.Title, p.T("version %d", m.Version), "", p.CertDate(m.CompletedAt))
	}
	for _, e := range h.Exams {
		result := p.T("Not passed")
		if e.Passed {
			result = p.T("Passed")
		}
		score := p.Num(e.Score)
		if e.MaxScore > 0 {
			score = fmt.Sprintf("%s / %s", p.Num(e.Score), p.Num(e.MaxScore))
		}
		row(p.T("Exam"), e.Title, score, result, p.CertDate(e.At))
	}
	for _, a := range h.Awards {
		row(p.T("Contest"), a.Title, p.AwardLabel(a.Level), "", dateOrEmpty(p, a.At))
	}
	for _, c := range t.Certificates {
		row(p.T("Certificate"), c.ProgramName, c.Number, p.StateLabel(c.State), p.T("%s to %s", p.CertDate(c.IssuedAt), p.CertDate(c.ExpiresAt)))
	}
	header := []string{p.T("Kind"), p.T("Name"), p.T("Detail"), p.T("Result"), p.T("Date")}
	return sendSheet(c, "xlsx", s.datedName(t.Worker.Name, p.T("Transcript")), p.T("Transcript"), header, rows)
}

func dateOrEmpty(p Page, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return p.CertDate(t)
}
