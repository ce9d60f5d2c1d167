package web

import "github.com/gofiber/fiber/v2"

// homeContests fills the home page's competitions section: a worker's
// contests, taken part in or judged.
func (s *Server) homeContests(c *fiber.Ctx, p *homePage) {
	u, _ := currentUser(c)
	if s.contest == nil || u.Role.IsAdmin() {
		return
	}
	p.Contests = s.contest.Mine(c.UserContext(), u)
}
