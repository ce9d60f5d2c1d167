package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"

	"gridskill"
	"gridskill/certify"
)

type verifyPage struct {
	Page
	Code string
	// Found is set when the code named a certificate; otherwise Status and
	// Message say why not.
	Found        bool
	Verification certify.Verification
	Renewed      bool
	Status       int
	Message      string
}

// verifyForm is where anyone types a code from a paper certificate.
func (s *Server) verifyForm(c *fiber.Ctx) error {
	if code := c.Query("code"); code != "" {
		return c.Redirect("/verify/"+url.PathEscape(code), fiber.StatusSeeOther)
	}
	return c.Render("certify/verify", verifyPage{Page: s.page(c, "Verify a certificate")}, "layouts/main")
}

// verifyPageShow shows what a code certifies. A malformed code (400) and an
// unknown one (404) are told apart from a revoked certificate (200, not valid).
func (s *Server) verifyPageShow(c *fiber.Ctx) error {
	code := c.Params("code")
	p := verifyPage{Page: s.page(c, "Verify a certificate"), Code: code}
	v, err := s.certify.Verify(c.UserContext(), code)
	switch gridskill.ErrorCode(err) {
	case "":
		p.Found, p.Verification, p.Code, p.Renewed = true, v, v.Number, !v.RenewedAt.Equal(v.IssuedAt)
	case gridskill.EINVALID:
		p.Status, p.Message = http.StatusBadRequest, "This is not a verification code. A code has 10 letters and digits, without 0, O, 1, I or L."
	case gridskill.ENOTFOUND:
		p.Status, p.Message = http.StatusNotFound, "No certificate has this code. It may be mistyped, or the certificate is not genuine."
	default:
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if p.Status != 0 {
		c.Status(p.Status)
	}
	return c.Render("certify/verify", p, "layouts/main")
}

// verifyQR is the QR code of a verification link, as a PNG, pointing at this
// server as the request reached it. It touches no data: the code is in the link.
func (s *Server) verifyQR(c *fiber.Ctx) error {
	code, err := certify.NormalizeCode(c.Params("code"))
	if err != nil {
		return err
	}
	png, err := qrcode.Encode(c.BaseURL()+"/verify/"+code, qrcode.Medium, 320)
	if err != nil {
		return gridskill.Internal(err)
	}
	c.Set(fiber.HeaderContentType, "image/png")
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.Send(png)
}

// verifyJSON is the stable verification contract of DESIGN.md.
type verifyJSON struct {
	Valid     bool       `json:"valid"`
	State     string     `json:"state"`
	Program   string     `json:"program"`
	Holder    string     `json:"holder"`
	IssuedAt  time.Time  `json:"issuedAt"`
	ExpiresAt *time.Time `json:"expiresAt"`
	Number    string     `json:"number"`
	Issuer    string     `json:"issuer"`
	RenewedAt time.Time  `json:"renewedAt"`
}

// apiVerify answers GET /api/v1/certificates/verify/{code}: 200 with the
// state (a revoked certificate included, valid false), 404 for an unknown
// code, 400 for one that cannot be a code.
func (s *Server) apiVerify(c *fiber.Ctx) error {
	v, err := s.certify.Verify(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	out := verifyJSON{Valid: v.Valid, State: string(v.State), Program: v.Program, Holder: v.Holder,
		IssuedAt: v.IssuedAt, Number: v.Number, Issuer: v.Issuer, RenewedAt: v.RenewedAt}
	if !v.ExpiresAt.IsZero() {
		out.ExpiresAt = &v.ExpiresAt
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}
