package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"go.mongodb.org/mongo-driver/mongo/readpref"
)

// healthz answers 200 when the database answers a ping, 503 when not.
func (s *Server) healthz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := s.db.Client().Ping(ctx, readpref.Primary()); err != nil {
		s.log.Error("health check: database does not answer", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(healthJSON{Status: "unavailable"})
	}
	return c.JSON(healthJSON{Status: "ok"})
}

type healthJSON struct {
	Status string `json:"status"`
}
