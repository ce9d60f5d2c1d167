package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill/people"
)

type loginRequest struct {
	Phone    string `json:"phone"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
	User      userBrief `json:"user"`
}

type userBrief struct {
	ID                 string      `json:"id"`
	Name               string      `json:"name"`
	Role               people.Role `json:"role"`
	MustChangePassword bool        `json:"mustChangePassword"`
}

func brief(u people.User) userBrief {
	return userBrief{ID: u.ID, Name: u.Name, Role: u.Role, MustChangePassword: u.MustChangePassword}
}

// apiLogin: POST /api/v1/auth/login {"phone","password"} → {"token","user"}.
func (s *Server) apiLogin(c *fiber.Ctx) error {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, err := s.people.Login(c.UserContext(), req.Phone, req.Password, c.IP())
	if err != nil {
		return err
	}
	return s.tokenAnswer(c, u)
}

// apiLogout ends every token of the caller.
func (s *Server) apiLogout(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	if err := s.people.Logout(c.UserContext(), u); err != nil {
		return err
	}
	s.clearSession(c)
	return c.SendStatus(fiber.StatusNoContent)
}

type passwordRequest struct {
	Current string `json:"current"`
	New     string `json:"new"`
}

// apiChangePassword changes the caller's password and returns a fresh token,
// since the old ones end.
func (s *Server) apiChangePassword(c *fiber.Ctx) error {
	var req passwordRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	updated, err := s.people.ChangePassword(c.UserContext(), u, req.Current, req.New)
	if err != nil {
		return err
	}
	return s.tokenAnswer(c, updated)
}

type meResponse struct {
	ID                 string      `json:"id"`
	Name               string      `json:"name"`
	Role               people.Role `json:"role"`
	Phone              string      `json:"phone"`
	MustChangePassword bool        `json:"mustChangePassword"`
	Unit               unitJSON    `json:"unit"`
	Path               []unitJSON  `json:"path"`
}

type unitJSON struct {
	ID   string          `json:"id"`
	Name string          `json:"name"`
	Kind people.UnitKind `json:"kind"`
}

// apiMe: GET /api/v1/me → the caller with their unit and its ancestors.
func (s *Server) apiMe(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	tree, err := s.people.Tree(c.UserContext())
	if err != nil {
		return err
	}
	resp := meResponse{ID: u.ID, Name: u.Name, Role: u.Role, Phone: u.Phone, MustChangePassword: u.MustChangePassword, Path: []unitJSON{}}
	for _, id := range u.UnitPath {
		if unit, ok := tree.Unit(id); ok {
			resp.Path = append(resp.Path, unitJSON{ID: unit.ID, Name: unit.Name, Kind: unit.Kind})
		}
	}
	if n := len(resp.Path); n > 0 {
		resp.Unit = resp.Path[n-1]
	}
	return c.JSON(resp)
}
