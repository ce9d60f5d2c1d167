package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/people"
)

type unitTreeJSON struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Kind     people.UnitKind `json:"kind"`
	People   int             `json:"people"`
	Children []unitTreeJSON  `json:"children"`
}

// apiUnits: GET /api/v1/units → the caller's unit and everything below it.
func (s *Server) apiUnits(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	root, err := s.unitTree(c.UserContext(), u)
	if err != nil {
		return err
	}
	if root == nil {
		return gridskill.Errorf(gridskill.ENOTFOUND, "no such unit")
	}
	return c.JSON(root.json())
}

func (n *unitNode) json() unitTreeJSON {
	out := unitTreeJSON{ID: n.Unit.ID, Name: n.Unit.Name, Kind: n.Unit.Kind, People: n.People, Children: []unitTreeJSON{}}
	for _, ch := range n.Children {
		out.Children = append(out.Children, ch.json())
	}
	return out
}

type usersResponse struct {
	Total int          `json:"total"`
	Users []personJSON `json:"users"`
}

type personJSON struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Phone      string      `json:"phone"`
	Role       people.Role `json:"role"`
	UnitID     string      `json:"unitId"`
	EmployeeNo string      `json:"employeeNo,omitempty"`
	JoinedOn   string      `json:"joinedOn,omitempty"`
	Active     bool        `json:"active"`
}

// apiUsers: GET /api/v1/users?unit=&role=&q=&limit=&offset= → a page of the roster.
func (s *Server) apiUsers(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	f := people.ListFilter{UnitID: c.Query("unit"), Role: people.Role(c.Query("role")), Query: c.Query("q")}
	f.Limit, _ = strconv.Atoi(c.Query("limit"))
	f.Offset, _ = strconv.Atoi(c.Query("offset"))
	list, total, err := s.people.List(c.UserContext(), u, f)
	if err != nil {
		return err
	}
	resp := usersResponse{Total: total, Users: make([]personJSON, 0, len(list))}
	for _, p := range list {
		resp.Users = append(resp.Users, personJSON{ID: p.ID, Name: p.Name, Phone: p.Phone, Role: p.Role, UnitID: p.UnitID, EmployeeNo: p.EmployeeNo, JoinedOn: p.JoinedOn, Active: p.Active})
	}
	return c.JSON(resp)
}

type resetResponse struct {
	Password string `json:"password"`
}

// apiResetPassword: POST /api/v1/users/{id}/reset-password → a one-time password.
func (s *Server) apiResetPassword(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	pw, err := s.people.ResetPassword(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(resetResponse{Password: pw})
}

type activeRequest struct {
	Active *bool `json:"active"`
}

// apiSetActive: POST /api/v1/users/{id}/active {"active": false}.
func (s *Server) apiSetActive(c *fiber.Ctx) error {
	var req activeRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Active == nil {
		return errMissing("active")
	}
	u, _ := currentUser(c)
	if err := s.people.SetActive(c.UserContext(), u, c.Params("id"), *req.Active); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type importResponse struct {
	Created         int    `json:"created"`
	Updated         int    `json:"updated"`
	Unchanged       int    `json:"unchanged"`
	UnitsCreated    int    `json:"unitsCreated"`
	InitialPassword string `json:"initialPassword,omitempty"`
	// The people of each kind, by row, and the units created.
	CreatedPeople   []importedPersonJSON `json:"createdPeople"`
	UpdatedPeople   []importedPersonJSON `json:"updatedPeople"`
	UnchangedPeople []importedPersonJSON `json:"unchangedPeople"`
	NewUnits        [][]string           `json:"newUnits"`
}

type importedPersonJSON struct {
	Row     int      `json:"row"`
	Name    string   `json:"name"`
	Phone   string   `json:"phone"`
	Changes []string `json:"changes,omitempty"`
}

func importedJSON(ps []people.ImportedPerson) []importedPersonJSON {
	out := make([]importedPersonJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, importedPersonJSON{Row: p.Line, Name: p.Name, Phone: p.Phone, Changes: p.Changes})
	}
	return out
}

// apiRosterImport: POST /api/v1/roster/import (multipart: file, password).
func (s *Server) apiRosterImport(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	res, err := s.importRoster(c, u)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	units := res.NewUnits
	if units == nil {
		units = [][]string{}
	}
	return c.JSON(importResponse{Created: res.Created, Updated: res.Updated, Unchanged: res.Unchanged, UnitsCreated: res.UnitsCreated, InitialPassword: res.InitialPassword,
		CreatedPeople: importedJSON(res.CreatedPeople), UpdatedPeople: importedJSON(res.UpdatedPeople), UnchangedPeople: importedJSON(res.UnchangedPeople), NewUnits: units})
}
