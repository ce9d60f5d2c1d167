// Package web is Gridskill's HTTP face: HTML pages for people and JSON under
// /api/v1 for programs, both calling the same services. Routes are listed in
// routes.go; each screen's handlers live in a file named after it.
package web

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/gofiber/template/html/v2"
	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/cases"
	"gridskill/certify"
	"gridskill/cluster"
	"gridskill/contest"
	"gridskill/courses"
	"gridskill/dashboard"
	"gridskill/notify"
	"gridskill/people"
	"gridskill/practical"
	"gridskill/quiz"
	"gridskill/rotation"
	"gridskill/selection"
	"gridskill/views"
)

// Config is what the web layer needs from configuration.
type Config struct {
	// SecureCookies marks cookies Secure; set it when served over HTTPS.
	SecureCookies bool
	// RequestTimeout bounds each request's work in the services.
	RequestTimeout time.Duration
	// BodyLimit is the largest request body, uploads included.
	BodyLimit int
	// ReadTimeout bounds how long a client may take to send a request (60 s by default).
	ReadTimeout time.Duration
	// HeaderLimit is the largest request line plus headers, in bytes (4 KB by
	// default, fasthttp's own); more is answered 431. Each open connection
	// holds a buffer of this size, so it stays small.
	HeaderLimit int
	// ProxyHeader names the header carrying the client address behind a proxy ("" to use the peer).
	ProxyHeader string
}

// Deps are the services the pages and the API call.
type Deps struct {
	DB     *mongo.Database
	People *people.Service
	Tokens *people.Tokens
	Quiz   *quiz.Service
	// Certify is certification: programs, certificates, verification.
	Certify *certify.Service
	// Courses is modules, study, progress and training hours.
	Courses *courses.Service
	// Contest is skills competitions and their live rounds.
	Contest *contest.Service
	// Practical is practical task checklists and their review.
	Practical *practical.Service
	// Cases is the case library.
	Cases *cases.Service
	// Rotation is rotation training plans and placements.
	Rotation *rotation.Service
	// Selection is the annual selection of excellent workers and grids.
	Selection *selection.Service
	Clock     gridskill.Clock
	Log       *slog.Logger
	// Notify is workers' notices, reminders and group robots (one over DB when nil).
	Notify *notify.Service
	// Secret keys the CSRF tokens.
	Secret []byte
	// Demo reports whether the demo data is loaded, for the banner.
	Demo func(ctx context.Context) bool
	// Cluster is this instance's node among several over one database (nil:
	// one instance). The routes of an exam, an attempt or a contest go to
	// the instance holding its lease (web/cluster.go).
	Cluster *cluster.Node
}

// Server holds the Fiber app and what its handlers share.
type Server struct {
	App *fiber.App

	cfg     Config
	db      *mongo.Database
	people  *people.Service
	tokens  *people.Tokens
	quiz    *quiz.Service
	certify *certify.Service
	courses *courses.Service
	contest *contest.Service
	// practical is practical task checklists.
	practical *practical.Service
	cases     *cases.Service
	rotation  *rotation.Service
	selection *selection.Service
	clock     gridskill.Clock
	log       *slog.Logger
	secret    []byte
	demo      func(ctx context.Context) bool
	cat       *catalogue
	notify    *notify.Service
	cluster   *cluster.Node
}

// New builds the app. It fails when a template or the message catalogue does
// not load, so a broken build never starts serving.
func New(cfg Config, d Deps) (*Server, error) {
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.BodyLimit == 0 {
		cfg.BodyLimit = 12 << 20
	}
	if cfg.ReadTimeout == 0 {
		cfg.ReadTimeout = 60 * time.Second
	}
	if cfg.HeaderLimit == 0 {
		cfg.HeaderLimit = 4 << 10
	}
	if d.Demo == nil {
		d.Demo = func(context.Context) bool { return false }
	}
	cat, err := loadCatalogue(views.Locales)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, db: d.DB, people: d.People, tokens: d.Tokens, clock: d.Clock, log: d.Log, secret: d.Secret, demo: d.Demo, cat: cat}
	s.quiz = d.Quiz
	s.certify = d.Certify
	s.courses = d.Courses
	s.contest = d.Contest
	s.practical = d.Practical
	s.cases = d.Cases
	s.rotation = d.Rotation
	s.selection = d.Selection
	s.notify = d.Notify
	s.cluster = d.Cluster
	if s.notify == nil {
		s.notify = notify.NewService(d.DB, d.People, d.Clock, d.Log, notify.Config{})
	}

	engine := html.NewFileSystem(http.FS(views.Templates), ".html")
	engine.AddFunc("dict", dict)
	if err := engine.Load(); err != nil {
		return nil, err
	}
	s.App = fiber.New(fiber.Config{
		Views:                 engine,
		ErrorHandler:          s.handleError,
		BodyLimit:             cfg.BodyLimit,
		ReadTimeout:           cfg.ReadTimeout,
		ReadBufferSize:        cfg.HeaderLimit,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
		ProxyHeader:           cfg.ProxyHeader,
		AppName:               "gridskill",
		// Every string read from a request (form values, route parameters,
		// headers, the body) is a copy the handler may keep: services cache
		// what they are given. See docs/architecture.md.
		Immutable: true,
	})
	s.App.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: func(c *fiber.Ctx, e any) {
		s.log.Error("panic", "err", e, "path", c.Path(), "request_id", requestID(c))
	}}))
	s.App.Use(requestid.New())
	s.App.Use(s.accessLog)
	s.App.Use(limitURI)
	s.App.Use(helmet.New(helmet.Config{
		ContentSecurityPolicy:     "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'",
		ReferrerPolicy:            "same-origin",
		CrossOriginEmbedderPolicy: "unsafe-none",
	}))
	s.App.Use(compress.New(compress.Config{Level: compress.LevelBestSpeed}))
	static, err := fs.Sub(views.Static, "static")
	if err != nil {
		return nil, err
	}
	s.routes(static)
	return s, nil
}

// accessLog writes one structured line per request.
func (s *Server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		_, status = asAppError(err)
	}
	s.log.Info("http", "method", c.Method(), "path", c.Path(), "status", status,
		"ms", float64(time.Since(start).Microseconds())/1000, "ip", c.IP(), "request_id", requestID(c))
	return err
}

// maxURI is the longest address served; no page or API call needs more.
const maxURI = 2 << 10

// limitURI answers 414 to an address over maxURI that still fits the read
// buffer (see Config.HeaderLimit for longer ones).
func limitURI(c *fiber.Ctx) error {
	if len(c.Request().Header.RequestURI()) > maxURI {
		return fiber.ErrRequestURITooLong
	}
	return c.Next()
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(requestid.ConfigDefault.ContextKey).(string)
	return id
}

// dict builds a map in templates, to pass several values to a partial.
func dict(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			m[k] = kv[i+1]
		}
	}
	return m
}

// board is the leaders' dashboard over the services the server holds; it
// keeps nothing of its own.
func (s *Server) board() *dashboard.Service {
	return &dashboard.Service{People: s.people, Courses: s.courses, Quiz: s.quiz, Certify: s.certify, Contest: s.contest, Clock: s.clock}
}
