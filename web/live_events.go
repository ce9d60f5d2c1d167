package web

import (
	"bufio"
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/contest"
)

// liveHeartbeat is how often an idle stream sends a comment, so proxies and
// phones keep the connection open and a dead one is noticed.
const liveHeartbeat = 15 * time.Second

// liveEvents streams a contest's live state as Server-Sent Events:
// GET /live/:id/events. Phones and the host sign in; the big screen shows
// its key (?k=). Every event carries the whole state its viewer needs, so a
// reconnect is simply the current state.
func (s *Server) liveEvents(c *fiber.Ctx) error {
	id := c.Params("id")
	var ct contest.Contest
	var err error
	role, worker := contest.ViewScreen, ""
	if key := c.Query("k"); key != "" {
		ct, err = s.contest.ScreenContest(id, key)
	} else {
		u, ok := currentUser(c)
		if !ok {
			return gridskill.Errorf(gridskill.EUNAUTHORIZED, "please sign in")
		}
		ct, err = s.contest.Contest(c.UserContext(), u, id)
		worker = u.ID
		switch _, plays := ct.Participant(u.ID); {
		case err != nil:
		case plays:
			role = contest.ViewPlayer
		case s.contest.IsJudge(ct, u.ID):
			role = contest.ViewJudge
		default:
			role = contest.ViewHost
		}
	}
	if err != nil {
		return err
	}
	sub, err := s.contest.Subscribe(c.UserContext(), ct, worker, role)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/event-stream; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Accel-Buffering", "no")
	// Marked as not to be compressed: the compressor would hold events back.
	c.Set(fiber.HeaderContentEncoding, "identity")
	conn := c.Context().Conn()
	clock := s.clock
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer sub.Close()
		hb := time.NewTicker(liveHeartbeat)
		defer hb.Stop()
		write := func(b []byte) bool {
			// The server's write timeout is per response; a stream renews it per event.
			_ = conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
			if _, err := w.Write(b); err != nil {
				return false
			}
			return w.Flush() == nil
		}
		if !write([]byte("retry: 2000\n\n")) {
			return
		}
		for {
			select {
			case <-sub.C:
				if !write(sub.Frame(clock.Now())) {
					return
				}
			case <-hb.C:
				if !write([]byte(": hb\n\n")) {
					return
				}
			case <-sub.Done:
				return
			}
		}
	})
	return nil
}
