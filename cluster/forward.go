package cluster

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// ForwardedHeader marks a request that one instance forwarded to another,
// naming the one that forwarded it. A request that carries it is never
// forwarded again: the instance serves it if it holds the lease, or refuses it.
const ForwardedHeader = "X-Gridskill-Forwarded"

// ErrUnreachable is returned by Forward when the owner could not be reached
// or did not answer in time (it died, or is stopping): the client should try
// again shortly, by when the lease has moved.
var ErrUnreachable = errors.New("the instance holding the lease is unreachable")

// forwardTimeout bounds a forwarded request: a little over the 15 s after
// which a submit waiting for the database is answered 503 anyway, so that an
// owner that is paused rather than dead (it accepts connections and answers
// nothing) holds a request no longer than that; by then its lease has moved
// and the client's retry reaches the new owner.
const forwardTimeout = 20 * time.Second

// Forward sends the request c to the instance at addr (its advertised
// address) and answers with that instance's response: the method, the path
// and query, every header (cookies and Authorization included, so the owner
// authenticates the caller itself) and the body, with ForwardedHeader added.
// An owner that refuses the connection or does not answer gives
// ErrUnreachable, and nothing is answered.
func (n *Node) Forward(c *fiber.Ctx, addr string) error {
	hc, err := n.hostClient(addr)
	if err != nil {
		return err
	}
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseResponse(resp)
	c.Request().CopyTo(req)
	req.UseHostHeader = true
	req.Header.Set(ForwardedHeader, n.cfg.Name)
	if err := hc.DoTimeout(req, resp, forwardTimeout); err != nil {
		n.log.Warn("forward to the lease's holder", "addr", addr, "path", c.Path(), "err", err)
		return fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	resp.CopyTo(c.Response())
	return nil
}

// Pipe hands an event stream (a long GET answered as it goes) to the
// instance at addr over a connection of its own: the request is written as
// it came, with ForwardedHeader, and whatever the owner sends is copied to
// the client until either side closes. The owner's end of the stream (a
// round moving, the owner dying) closes the client's connection, which
// EventSource takes as a network error and reconnects on its own. An owner
// that cannot be reached gets the client's connection closed (Hangup).
func (n *Node) Pipe(c *fiber.Ctx, addr string) error {
	u, err := url.Parse(addr)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%w: bad address %q", ErrUnreachable, addr)
	}
	owner, err := net.DialTimeout("tcp", u.Host, 2*time.Second)
	if err != nil {
		n.log.Warn("pipe to the lease's holder", "addr", addr, "path", c.Path(), "err", err)
		Hangup(c)
		return nil
	}
	var h fasthttp.RequestHeader
	c.Request().Header.CopyTo(&h)
	h.Set(ForwardedHeader, n.cfg.Name)
	h.Set(fiber.HeaderConnection, "close")
	_ = owner.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := owner.Write(h.Header()); err != nil {
		owner.Close()
		Hangup(c)
		return nil
	}
	_ = owner.SetWriteDeadline(time.Time{})
	rc := c.Context()
	rc.HijackSetNoResponse(true)
	rc.Hijack(func(client net.Conn) {
		read := make(chan struct{})
		go func() {
			defer close(read)
			// A client sends nothing on a stream; its read ends when it goes.
			_, _ = io.Copy(io.Discard, client)
			owner.Close()
		}()
		defer func() {
			// client is the server's until this function returns: stop the
			// read of it first.
			owner.Close()
			_ = client.SetReadDeadline(time.Now())
			<-read
		}()
		buf := make([]byte, 8<<10)
		for {
			k, err := owner.Read(buf)
			if k > 0 {
				// A phone that stopped reading is given up, as the owner's own
				// stream does.
				_ = client.SetWriteDeadline(time.Now().Add(30 * time.Second))
				if _, werr := client.Write(buf[:k]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	})
	return nil
}

// Hangup closes the client's connection without an answer. An event stream
// that cannot be served here is hung up rather than answered 503: EventSource
// gives up for good on an error status, but reconnects after a network error.
func Hangup(c *fiber.Ctx) {
	rc := c.Context()
	rc.HijackSetNoResponse(true)
	rc.Hijack(func(net.Conn) {})
}

// hostClient returns the connection pool to the instance at addr.
func (n *Node) hostClient(addr string) (*fasthttp.HostClient, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if hc, ok := n.clients[addr]; ok {
		return hc, nil
	}
	u, err := url.Parse(addr)
	if err != nil || u.Host == "" || u.Scheme != "http" {
		return nil, fmt.Errorf("%w: bad address %q", ErrUnreachable, addr)
	}
	hc := &fasthttp.HostClient{
		Addr:     u.Host,
		Name:     "gridskill-" + n.cfg.Name,
		MaxConns: 1024,
		Dial: func(addr string) (net.Conn, error) {
			return fasthttp.DialTimeout(addr, 2*time.Second)
		},
		ReadTimeout:                   forwardTimeout,
		WriteTimeout:                  forwardTimeout,
		MaxIdleConnDuration:           30 * time.Second,
		NoDefaultUserAgentHeader:      true,
		DisableHeaderNamesNormalizing: true,
		DisablePathNormalizing:        true,
	}
	n.clients[addr] = hc
	return hc, nil
}
