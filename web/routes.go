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

	// Quiz.
	app.Get("/quiz", s.requireUser, staff, s.quizBankPage)
	app.Get("/quiz/questions/new", s.requireUser, staff, s.quizQuestionNew)
	app.Post("/quiz/questions", s.requireUser, staff, s.quizQuestionCreate)
	app.Get("/quiz/questions/:id", s.requireUser, staff, s.quizQuestionPage)
	app.Post("/quiz/questions/:id", s.requireUser, staff, s.quizQuestionSave)
	app.Post("/quiz/questions/:id/status", s.requireUser, staff, s.quizQuestionStatus)
	app.Get("/quiz/import", s.requireUser, staff, s.quizImportPage)
	app.Post("/quiz/import", s.requireUser, staff, s.quizImportSubmit)
	app.Get("/quiz/template.:ext", s.requireUser, staff, s.quizTemplate)
	app.Get("/quiz/export.:ext", s.requireUser, staff, s.quizExport)
	app.Get("/quiz/exams", s.requireUser, staff, s.examAdminList)
	app.Get("/quiz/exams/new", s.requireUser, staff, s.examAdminNew)
	app.Post("/quiz/exams", s.requireUser, staff, s.examAdminCreate)
	app.Get("/quiz/exams/:id", s.requireUser, staff, s.examAdminResults)
	app.Get("/exams", s.requireUser, s.examListPage)
	app.Get("/exams/:id/sit", s.requireUser, s.examSitPage)
	app.Get("/attempts/:id", s.requireUser, s.examResultPage)
	app.Get("/practice", s.requireUser, s.practiceHome)
	app.Get("/practice/question", s.requireUser, s.practiceQuestion)
	app.Post("/practice/answer", s.requireUser, s.practiceAnswer)
	app.Get("/practice/wrong", s.requireUser, s.practiceWrongBook)

	// Certification.
	verifyLimit := s.verifyLimiter()
	app.Get("/verify", verifyLimit, s.verifyForm)
	app.Get("/verify/:code", verifyLimit, s.verifyPageShow)
	app.Get("/verify/:code/qr.png", s.verifyQR)
	app.Get("/certificates/:id", s.requireUser, s.certificateShow)
	app.Post("/certificates/:id/revoke", s.requireUser, admins, s.certificateRevoke)
	app.Get("/transcript", s.requireUser, s.transcriptMine)
	app.Get("/transcript/:worker", s.requireUser, s.transcriptShow)
	app.Get("/transcript/:worker/export.xlsx", s.requireUser, s.transcriptExport)
	app.Get("/certification", s.requireUser, admins, s.certifyHome)
	app.Get("/certification/programs/new", s.requireUser, admins, s.programNew)
	app.Post("/certification/programs", s.requireUser, admins, s.programSave)
	app.Get("/certification/programs/:id/edit", s.requireUser, admins, s.programEdit)
	app.Post("/certification/programs/:id", s.requireUser, admins, s.programSave)
	app.Get("/certification/coverage", s.requireUser, admins, s.certifyCoverage)
	app.Get("/certification/coverage.xlsx", s.requireUser, admins, s.certifyCoverageExport)
	app.Get("/certification/expiring", s.requireUser, admins, s.certifyExpiring)
	app.Get("/certification/expiring.xlsx", s.requireUser, admins, s.certifyExpiringExport)
	app.Get("/certification/refresher", s.requireUser, admins, s.certifyRefresher)
	app.Get("/certification/refresher.xlsx", s.requireUser, admins, s.certifyRefresherExport)

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

	// Quiz API.
	api.Get("/questions", s.requireUser, staff, s.apiQuestions)
	api.Post("/questions/import", s.requireUser, staff, s.apiQuestionImport)
	api.Get("/exams", s.requireUser, s.apiExams)
	api.Post("/exams", s.requireUser, staff, s.apiExamCreate)
	api.Post("/exams/:id/attempts", s.requireUser, s.apiAttemptStart)
	api.Get("/attempts/:id", s.requireUser, s.apiAttempt)
	api.Put("/attempts/:id/answers/:qid", s.requireUser, s.apiAnswerSave)
	api.Post("/attempts/:id/events", s.requireUser, s.apiAttemptEvent)
	api.Post("/attempts/:id/submit", s.requireUser, s.apiAttemptSubmit)

	// Certification API.
	api.Get("/certificates/verify/:code", verifyLimit, s.apiVerify)
	api.Get("/certificates", s.requireUser, s.apiMyCertificates)
	api.Post("/certificates/:id/revoke", s.requireUser, admins, s.apiRevoke)

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
