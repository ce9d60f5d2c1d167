package web

import (
	"io/fs"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"gridskill/people"
)

// routes lists every route of the app in one place.
func (s *Server) routes(static fs.FS) {
	app := s.App
	app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(static), MaxAge: int((7 * 24 * time.Hour).Seconds())}))
	app.Get("/healthz", s.healthz)

	app.Use(s.withContext, s.authenticate, s.checkCSRF)
	admins := requireRole(people.StreetAdmin, people.DistrictAdmin)
	staff := requireRole(people.Trainer, people.StreetAdmin, people.DistrictAdmin)

	// Pages.
	app.Get("/login", s.loginPage)
	app.Post("/login", s.loginSubmit)
	app.Get("/prefs", s.prefs)
	app.Post("/logout", s.requireUser, s.logout)
	app.Get("/", s.requireUser, s.home)
	app.Get("/account", s.requireUser, s.accountPage)
	app.Get("/account/password", s.requireUser, s.passwordPage)
	app.Post("/account/password", s.requireUser, s.passwordSubmit)
	app.Get("/roster", s.requireUser, staff, s.rosterPage)
	app.Get("/roster/import", s.requireUser, admins, s.rosterImportPage)
	app.Post("/roster/import", s.requireUser, admins, s.rosterImportSubmit)
	app.Get("/roster/template.:ext", s.requireUser, admins, s.rosterTemplate)
	app.Get("/roster/export.xlsx", s.requireUser, admins, s.rosterExport)
	app.Get("/people/:id", s.requireUser, admins, s.personPage)
	app.Post("/people/:id/reset-password", s.requireUser, admins, s.personResetPassword)
	app.Post("/people/:id/active", s.requireUser, admins, s.personSetActive)
	app.Get("/units", s.requireUser, admins, s.unitsPage)
	app.Post("/units", s.requireUser, admins, s.unitCreate)

	// API.
	api := app.Group("/api/v1")
	api.Post("/auth/login", s.apiLogin)
	api.Post("/auth/logout", s.requireUser, s.apiLogout)
	api.Post("/auth/password", s.requireUser, s.apiChangePassword)
	api.Get("/me", s.requireUser, s.apiMe)
	api.Get("/units", s.requireUser, staff, s.apiUnits)
	api.Get("/users", s.requireUser, staff, s.apiUsers)
	api.Post("/users/:id/reset-password", s.requireUser, admins, s.apiResetPassword)
	api.Post("/users/:id/active", s.requireUser, admins, s.apiSetActive)
	api.Post("/roster/import", s.requireUser, admins, s.apiRosterImport)

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
