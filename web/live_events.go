package web

import (
	"net"
	"strconv"
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
	// The stream takes the connection over (hijack): the server's connection
	// goroutine and its read and write buffers go back to their pools, and
	// a phone's stream costs one goroutine and what it is sending. A round
	// keeps a thousand of them open.
	rc := c.Context()
	rc.Response.Header.SetContentLength(-1) // chunked
	rc.HijackSetNoResponse(true)
	clock := s.clock
	rc.Hijack(func(conn net.Conn) {
		defer sub.Close()
		if !writeChunk(conn, rc.Response.Header.Header(), false) || !writeChunk(conn, []byte("retry: 2000\n\n"), true) {
			return
		}
		hb := time.NewTicker(liveHeartbeat)
		defer hb.Stop()
		for {
			select {
			case <-sub.C:
				if !writeChunk(conn, sub.Frame(clock.Now()), true) {
					return
				}
			case <-hb.C:
				if !writeChunk(conn, []byte(": hb\n\n"), true) {
					return
				}
			case <-sub.Done:
				writeChunk(conn, nil, true) // the last chunk: the stream ended cleanly
				return
			}
		}
	})
	return nil
}

// writeChunk writes b to a hijacked stream in one write, framed as an HTTP
// chunk when chunked (an empty chunk ends the body). A phone that stopped
// reading is given up after 30 seconds.
func writeChunk(conn net.Conn, b []byte, chunked bool) bool {
	_ = conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	out := b
	if chunked {
		out = make([]byte, 0, len(b)+16)
		out = strconv.AppendInt(out, int64(len(b)), 16)
		out = append(out, "\r\n"...)
		out = append(out, b...)
		out = append(out, "\r\n"...)
	}
	_, err := conn.Write(out)
	return err == nil
}
