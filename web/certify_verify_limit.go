package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/people"
)

// verifyLimiter returns the rate limit of the public verification routes:
// 30 requests a minute per client address, so that verification codes cannot
// be enumerated. With several instances each allows the limit, which still
// makes guessing 31^10 codes hopeless.
func (s *Server) verifyLimiter() fiber.Handler {
	w := people.NewWindow(30, time.Minute)
	return func(c *fiber.Ctx) error {
		if !w.Allow(c.IP(), s.clock.Now()) {
			c.Set(fiber.HeaderRetryAfter, "60")
			return gridskill.Errorf(gridskill.ETOOMANY, "too many certificate checks from your network; please wait a minute and try again")
		}
		return c.Next()
	}
}
