package web

import (
	"net"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/cluster"
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
	sub, err := s.liveSub(c)
	if gridskill.ErrorCode(err) == gridskill.EUNAVAILABLE {
		// The round is moving to another instance: a closed connection makes
		// EventSource reconnect (to the new holder), where a 503 would end it.
		cluster.Hangup(c)
		return nil
	}
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
		// The header as it is once every middleware has had its say.
		streamLive(conn, rc.Response.Header.Header(), sub, clock)
	})
	return nil
}

// liveSub opens the stream of the big screen (by its key) or of the
// signed-in account.
func (s *Server) liveSub(c *fiber.Ctx) (*contest.Sub, error) {
	u, ok := currentUser(c)
	if key := screenKey(c); key != "" && (!ok || c.Query("k") != "") {
		return s.contest.WatchScreen(c.UserContext(), c.Params("id"), key)
	}
	if !ok {
		return nil, gridskill.Errorf(gridskill.EUNAUTHORIZED, "please sign in")
	}
	return s.contest.Watch(c.UserContext(), u, c.Params("id"))
}

// streamLive writes the response header, then each frame of sub and a
// heartbeat when idle, until sub ends or the phone stops reading.
func streamLive(conn net.Conn, header []byte, sub *contest.Sub, clock gridskill.Clock) {
	defer sub.Close()
	if !writeChunk(conn, header, false) || !writeChunk(conn, []byte("retry: 2000\n\n"), true) {
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
