package web

import (
	"io/fs"

	"github.com/gofiber/fiber/v2"

	"gridskill"
)

// favicon serves the site's icon from the root, where browsers and WeChat
// ask for it whatever the page says: without it every first visit logged a
// 404 and a phone fetched an error page it could not use.
func (s *Server) favicon(static fs.FS) fiber.Handler {
	return func(c *fiber.Ctx) error {
		b, err := fs.ReadFile(static, "favicon.ico")
		if err != nil {
			return gridskill.Internal(err)
		}
		c.Set(fiber.HeaderContentType, "image/x-icon")
		c.Set(fiber.HeaderCacheControl, "public, max-age=604800")
		return c.Send(b)
	}
}
