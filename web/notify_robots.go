package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/notify"
	"gridskill/people"
)

type robotsPage struct {
	Page
	Hooks []notify.Hook
	Units []people.Unit
	Names map[string]string
	Form  struct{ Unit, Kind, URL string } // never the secret: it is not shown again
}

// Host is the robot address's host: the key in it is the group's secret.
func (robotsPage) Host(h notify.Hook) string {
	u, err := url.Parse(h.URL)
	if err != nil {
		return ""
	}
	return u.Host
}

func (s *Server) renderRobots(c *fiber.Ctx, p robotsPage) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	hooks, err := s.notify.Hooks(ctx, u)
	if err != nil {
		return err
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return err
	}
	p.Hooks, p.Names = hooks, map[string]string{}
	for _, unit := range tree.Subtree(u.UnitID) {
		p.Names[unit.ID] = unit.Name
		if unit.Kind != people.Grid {
			p.Units = append(p.Units, unit)
		}
	}
	return c.Render("notify/robots", p, "layouts/main")
}

// notifyRobots lists the group robots of the admin's units and a form to set one.
func (s *Server) notifyRobots(c *fiber.Ctx) error {
	return s.renderRobots(c, robotsPage{Page: s.page(c, "Group robots")})
}

// notifyRobotSave sets or removes a unit's group robot.
func (s *Server) notifyRobotSave(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	p := robotsPage{Page: s.page(c, "Group robots")}
	p.Form.Unit, p.Form.Kind, p.Form.URL = c.FormValue("unit"), c.FormValue("kind"), c.FormValue("url")
	if err := s.notify.SetHook(c.UserContext(), u, p.Form.Unit, p.Form.Kind, p.Form.URL, c.FormValue("secret")); err != nil {
		if gridskill.ErrorCode(err) != gridskill.EINVALID {
			return err
		}
		_ = p.problem(err)
		c.Status(fiber.StatusBadRequest)
		return s.renderRobots(c, p)
	}
	s.flash(c, p.T("Saved"))
	return c.Redirect("/notify/robots", fiber.StatusSeeOther)
}

type robotJSON struct {
	Unit string `json:"unit"`
	Kind string `json:"kind"`
	Host string `json:"host"`
	// Signed says that a DingTalk robot signs with its secret (加签).
	Signed bool `json:"signed"`
}

// apiRobots lists the group robots of the admin's units, by host only.
func (s *Server) apiRobots(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	hooks, err := s.notify.Hooks(c.UserContext(), u)
	if err != nil {
		return err
	}
	out := make([]robotJSON, 0, len(hooks))
	for _, h := range hooks {
		out = append(out, robotJSON{Unit: h.UnitID, Kind: h.Kind, Host: robotsPage{}.Host(h), Signed: h.Secret != ""})
	}
	return c.JSON(fiber.Map{"robots": out})
}

// apiRobotSave sets (or, with an empty url, removes) a unit's robot:
// {"unit","kind","url","secret"}.
func (s *Server) apiRobotSave(c *fiber.Ctx) error {
	var in struct {
		Unit   string `json:"unit"`
		Kind   string `json:"kind"`
		URL    string `json:"url"`
		Secret string `json:"secret"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, _ := currentUser(c)
	if err := s.notify.SetHook(c.UserContext(), u, in.Unit, in.Kind, in.URL, in.Secret); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"saved": true})
}
