package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/people"
)

// cadrePaths are what a shadowing participant's account opens: their
// account, their shadowing programmes and their practical tasks (with the
// photos of their evidence). Everything else (courses, exams, the roster,
// competitions) is refused, so the account sees only its programme; the
// services still decide which programme and which task.
var cadrePaths = []string{"/login", "/account", "/logout", "/prefs", "/shadowing", "/tasks", "/media/",
	"/cases", "/guides",
	"/api/v1/auth/", "/api/v1/me", "/api/v1/shadowing", "/api/v1/tasks", "/api/v1/cases", "/api/v1/guides"}

// cadreOnly keeps a shadowing participant's account inside its programme;
// its home page is the list of its shadowing days.
func (s *Server) cadreOnly(c *fiber.Ctx) error {
	u, ok := currentUser(c)
	if !ok || u.Role != people.Cadre {
		return c.Next()
	}
	path := c.Path()
	if path == "/" {
		return c.Redirect("/shadowing", fiber.StatusSeeOther)
	}
	for _, p := range cadrePaths {
		if path == strings.TrimSuffix(p, "/") || strings.HasPrefix(path, p) && (strings.HasSuffix(p, "/") || len(path) == len(p) || path[len(p)] == '/') {
			return c.Next()
		}
	}
	return gridskill.Errorf(gridskill.EFORBIDDEN, "a shadowing participant's account opens only its shadowing day")
}
