package web

import (
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill"
)

// downloadName is the name a downloaded file is saved under, without its
// extension: its parts in Chinese, joined by "-", characters no file system
// takes replaced, cut to a length every system keeps.
func downloadName(parts ...string) string {
	var kept []string
	for _, p := range parts {
		p = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r) {
				return '_'
			}
			return r
		}, strings.TrimSpace(p))
		if p != "" {
			kept = append(kept, p)
		}
	}
	name := []rune(strings.Join(kept, "-"))
	if len(name) > 80 {
		name = name[:80]
	}
	return string(name)
}

// datedName is downloadName with today's date in China as the last part,
// e.g. 反诈宣传与识别-完成情况-2026-12-01.
func (s *Server) datedName(parts ...string) string {
	return downloadName(append(parts, s.clock.Now().In(gridskill.ChinaZone()).Format(time.DateOnly))...)
}

// setAttachment names the response's file: an ASCII filename for old
// clients and the real one as RFC 5987 filename*, which every current
// browser (WeChat's included) prefers.
func setAttachment(c *fiber.Ctx, name string) {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x80 && r >= 0x20 && r != '"' && r != '\\' && r != '%' {
			return r
		}
		return -1
	}, name)
	if strings.Trim(ascii, "-_.") == "" || strings.HasPrefix(ascii, ".") || strings.HasPrefix(ascii, "-") {
		ascii = "download" + ascii
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+ascii+`"; filename*=UTF-8''`+strings.ReplaceAll(url.PathEscape(name), "+", "%2B"))
}
