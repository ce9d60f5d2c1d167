package web

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill/certify"
)

type certificateJSON struct {
	ID        string     `json:"id"`
	Number    string     `json:"number"`
	Code      string     `json:"code"`
	Program   string     `json:"program"`
	ProgramID string     `json:"programId"`
	Issuer    string     `json:"issuer"`
	State     string     `json:"state"`
	IssuedAt  time.Time  `json:"issuedAt"`
	RenewedAt time.Time  `json:"renewedAt"`
	ExpiresAt *time.Time `json:"expiresAt"`
}

func newCertificateJSON(h certify.Held) certificateJSON {
	out := certificateJSON{ID: h.ID, Number: h.Number, Code: h.Code, Program: h.ProgramName, ProgramID: h.ProgramID,
		Issuer: h.IssuerName, State: string(h.State), IssuedAt: h.IssuedAt, RenewedAt: h.RenewedAt}
	if !h.ExpiresAt.IsZero() {
		t := h.ExpiresAt
		out.ExpiresAt = &t
	}
	return out
}

// apiMyCertificates answers GET /api/v1/certificates: the caller's own certificates.
func (s *Server) apiMyCertificates(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	held, err := s.certify.Mine(c.UserContext(), u)
	if err != nil {
		return err
	}
	out := struct {
		Certificates []certificateJSON `json:"certificates"`
	}{Certificates: []certificateJSON{}}
	for _, h := range held {
		out.Certificates = append(out.Certificates, newCertificateJSON(h))
	}
	return c.JSON(out)
}

type revokeRequest struct {
	Reason *string `json:"reason"`
}

// apiRevoke answers POST /api/v1/certificates/{id}/revoke {"reason"}.
func (s *Server) apiRevoke(c *fiber.Ctx) error {
	var req revokeRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Reason == nil {
		return errMissing("reason")
	}
	u, _ := currentUser(c)
	id, err := url.PathUnescape(c.Params("id"))
	if err != nil {
		id = ""
	}
	ctx := c.UserContext()
	if err := s.certify.Revoke(ctx, u, id, *req.Reason); err != nil {
		return err
	}
	h, err := s.certify.Certificate(ctx, u, id)
	if err != nil {
		return err
	}
	return c.JSON(newCertificateJSON(h))
}
