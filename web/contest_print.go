package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/contest"
)

// contestPrintPage is the printable result sheets (成绩单): one per finished
// round and one overall, each with the contest's title, date, organizer,
// judges and signature lines; or the award certificates.
type contestPrintPage struct {
	Page
	Contest   contest.Contest
	Standings contest.Standings
	Awards    []contest.AwardRecord
	Organizer string
	Judges    []string
	Printed   time.Time
}

// Date is a date in China's calendar, as printed.
func (p contestPrintPage) Date(t time.Time) string {
	return t.In(gridskill.ChinaZone()).Format("2006年1月2日")
}

// LevelName is the catalogue id of an award's name.
func (p contestPrintPage) LevelName(a contest.AwardRecord) string { return awardName(a) }

// contestPrint is GET /contests/:id/print.
func (s *Server) contestPrint(c *fiber.Ctx) error {
	return s.renderContestPrint(c, "contest/print", "Result sheets")
}

// contestCertificates is GET /contests/:id/certificates.
func (s *Server) contestCertificates(c *fiber.Ctx) error {
	return s.renderContestPrint(c, "contest/certificates", "Award certificates")
}

func (s *Server) renderContestPrint(c *fiber.Ctx, view, title string) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	sheet, err := s.contest.PrintSheet(ctx, u, c.Params("id"))
	if err != nil {
		return err
	}
	p := contestPrintPage{Page: s.page(c, title), Contest: sheet.Contest, Standings: sheet.Standings, Awards: sheet.Awards,
		Organizer: sheet.Organizer, Judges: sheet.Judges, Printed: s.clock.Now()}
	p.Title = sheet.Contest.Title
	return c.Render(view, p, "layouts/main")
}
