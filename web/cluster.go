package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/cluster"
)

// Several instances (docs/architecture.md): the routes of one exam, one
// attempt or one contest are served by the instance holding the unit's lease
// (exam:<id>, round:<id>). byExam, byAttempt, byRound and byRoundStream put
// the ownership check in front of such a route's handlers when the server
// runs as one of several (Deps.Cluster); alone, they add nothing at all.

// byExam: the route's :id is an exam.
func (s *Server) byExam(hs ...fiber.Handler) []fiber.Handler {
	return s.owned(examLease, false, hs)
}

// byAttempt: the route's :id is an attempt, served by its exam's holder.
func (s *Server) byAttempt(hs ...fiber.Handler) []fiber.Handler {
	return s.owned(s.attemptLease, false, hs)
}

// byRound: the route's :id is a contest, served by its round's holder.
func (s *Server) byRound(hs ...fiber.Handler) []fiber.Handler {
	return s.owned(roundLease, false, hs)
}

// byRoundStream: as byRound, for a contest's event stream, which is piped to
// the holder rather than forwarded.
func (s *Server) byRoundStream(hs ...fiber.Handler) []fiber.Handler {
	return s.owned(roundLease, true, hs)
}

func (s *Server) owned(lease func(*fiber.Ctx) (string, error), stream bool, hs []fiber.Handler) []fiber.Handler {
	if s.cluster == nil {
		return hs
	}
	return append([]fiber.Handler{s.ownership(lease, stream)}, hs...)
}

func examLease(c *fiber.Ctx) (string, error) { return "exam:" + c.Params("id"), nil }

func roundLease(c *fiber.Ctx) (string, error) { return "round:" + c.Params("id"), nil }

// attemptLease is the lease of the attempt's exam; none for an attempt that
// does not exist, whose handler answers it.
func (s *Server) attemptLease(c *fiber.Ctx) (string, error) {
	exam, err := s.quiz.AttemptExam(c.UserContext(), c.Params("id"))
	switch gridskill.ErrorCode(err) {
	case "":
		return "exam:" + exam, nil
	case gridskill.ENOTFOUND, gridskill.EINVALID:
		return "", nil
	}
	return "", err
}

// ownership serves the request here when this instance holds the route's
// lease (claiming it, and taking the unit's state over, when nobody holds it),
// and otherwise forwards it to the holder, once: a request that arrives
// forwarded is served if held here and refused otherwise. A holder that
// cannot be reached (it died; its lease runs out within seconds) is answered
// 503 with Retry-After, which the exam page and the live outbox retry; an
// event stream is hung up instead, which EventSource reconnects after.
//
// Not inlined, so that every check is the one function literal below, which
// the test of the route table recognises.
//
//go:noinline
func (s *Server) ownership(lease func(*fiber.Ctx) (string, error), stream bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		name, err := lease(c)
		if err != nil {
			return err
		}
		if name == "" {
			return c.Next()
		}
		addr, mine, err := s.cluster.Owner(c.UserContext(), name)
		switch code := gridskill.ErrorCode(err); {
		case err == nil:
		case code == gridskill.ENOTFOUND || code == gridskill.EINVALID:
			return c.Next() // nothing to own: the handler says what is wrong
		default:
			s.log.Warn("find the holder of a lease", "lease", name, "err", err)
			return s.moving(c, name, stream)
		}
		if mine {
			return c.Next()
		}
		if c.Get(cluster.ForwardedHeader) != "" {
			return s.moving(c, name, stream)
		}
		if stream {
			return s.cluster.Pipe(c, addr)
		}
		if err := s.cluster.Forward(c, addr); err != nil {
			return s.moving(c, name, stream)
		}
		return nil
	}
}

// moving refuses a request for a unit whose holder is changing: 503 with
// Retry-After, or for a stream a closed connection.
func (s *Server) moving(c *fiber.Ctx, lease string, stream bool) error {
	if stream {
		cluster.Hangup(c)
		return nil
	}
	c.Set(fiber.HeaderRetryAfter, "1")
	if strings.HasPrefix(lease, "round:") {
		return gridskill.Errorf(gridskill.EUNAVAILABLE, "this round is moving to another server; try again")
	}
	return gridskill.Errorf(gridskill.EUNAVAILABLE, "this exam is moving to another server; try again")
}
