package web

import (
	"bytes"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/people"
	"gridskill/sheet"
)

type rosterPage struct {
	Page
	Units    []unitOption
	Filter   people.ListFilter
	People   []personRow
	Total    int
	PrevURL  string
	NextURL  string
	Roles    []people.Role
	CanAdmin bool
}

type unitOption struct {
	ID    string
	Label string
}

type personRow struct {
	people.User
	UnitLabel string
}

const rosterPageSize = 50

func (s *Server) rosterPage(c *fiber.Ctx) error {
	p, err := s.rosterView(c)
	if err != nil {
		return err
	}
	return c.Render("people/roster", p, "layouts/main")
}

// rosterView builds the roster page the query asks for.
func (s *Server) rosterView(c *fiber.Ctx) (rosterPage, error) {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	f := people.ListFilter{UnitID: c.Query("unit"), Role: people.Role(c.Query("role")), Query: c.Query("q"), Limit: rosterPageSize}
	f.Offset, _ = strconv.Atoi(c.Query("offset"))
	list, total, err := s.people.List(ctx, u, f)
	if err != nil {
		return rosterPage{}, err
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return rosterPage{}, err
	}
	p := rosterPage{Page: s.page(c, "Roster"), Filter: f, Total: total, Roles: people.Roles(), CanAdmin: u.Role.IsAdmin(), Units: unitOptions(tree, u.UnitID)}
	for _, person := range list {
		p.People = append(p.People, personRow{User: person, UnitLabel: unitLabel(tree, person.UnitID, u.UnitID)})
	}
	q := url.Values{"unit": {f.UnitID}, "role": {string(f.Role)}, "q": {f.Query}}
	if f.Offset > 0 {
		q.Set("offset", strconv.Itoa(max(0, f.Offset-rosterPageSize)))
		p.PrevURL = "/roster?" + q.Encode()
	}
	if f.Offset+rosterPageSize < total {
		q.Set("offset", strconv.Itoa(f.Offset+rosterPageSize))
		p.NextURL = "/roster?" + q.Encode()
	}
	return p, nil
}

// rosterDeactivate deactivates the leavers chosen on the roster page; the
// page says how many, and names each it refused.
func (s *Server) rosterDeactivate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var ids []string
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if string(k) == "id" {
			ids = append(ids, string(v))
		}
	})
	n, problems, err := s.people.DeactivateMany(c.UserContext(), u, ids)
	if err == nil && len(problems) == 0 {
		s.flash(c, "The people chosen are deactivated; their sessions have ended.")
		return c.Redirect("/roster", fiber.StatusSeeOther)
	}
	if err != nil && (n == 0 || gridskill.ErrorCode(err) != gridskill.EINVALID) {
		return err
	}
	if err == nil {
		e := gridskill.Errorf(gridskill.EINVALID, "%d deactivated; those below could not be", n)
		e.Fields = problems
		err = e
	}
	p, perr := s.rosterView(c)
	if perr != nil {
		return perr
	}
	if err := p.problem(err); err != nil {
		return err
	}
	return c.Status(fiber.StatusBadRequest).Render("people/roster", p, "layouts/main")
}

// unitOptions lists the units of a subtree for a select, indented by depth.
func unitOptions(tree *people.Tree, rootID string) []unitOption {
	root, ok := tree.Unit(rootID)
	if !ok {
		return nil
	}
	var out []unitOption
	var walk func(u people.Unit, depth int)
	walk = func(u people.Unit, depth int) {
		indent := ""
		for i := 0; i < depth; i++ {
			indent += "　"
		}
		out = append(out, unitOption{ID: u.ID, Label: indent + u.Name})
		for _, ch := range tree.Children(u.ID) {
			walk(ch, depth+1)
		}
	}
	walk(root, 0)
	return out
}

// unitLabel names a unit by its path below the viewer's own unit.
func unitLabel(tree *people.Tree, unitID, viewerUnit string) string {
	names := tree.Names(unitID)
	u, _ := tree.Unit(unitID)
	for i, id := range u.Path {
		if id == viewerUnit && i+1 < len(names) {
			names = names[i+1:]
			break
		}
	}
	label := ""
	for i, n := range names {
		if i > 0 {
			label += " / "
		}
		label += n
	}
	return label
}

type importPage struct {
	Page
	Result *people.ImportResult
}

func (s *Server) rosterImportPage(c *fiber.Ctx) error {
	return c.Render("people/import", importPage{Page: s.page(c, "Import roster")}, "layouts/main")
}

// rosterImportSubmit: parse → check everything → write, or show every row's problem.
func (s *Server) rosterImportSubmit(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	p := importPage{Page: s.page(c, "Import roster")}
	res, err := s.importRoster(c, u)
	if err != nil {
		if err := p.problem(err); err != nil {
			return err
		}
		return c.Status(statusOf[gridskill.ErrorCode(err)]).Render("people/import", p, "layouts/main")
	}
	p.Result = &res
	// The page may show the new accounts' initial password: keep it out of caches.
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Render("people/import", p, "layouts/main")
}

func (s *Server) importRoster(c *fiber.Ctx, u people.User) (people.ImportResult, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return people.ImportResult{}, gridskill.Errorf(gridskill.EINVALID, "choose a .xlsx or .csv file to upload")
	}
	f, err := fh.Open()
	if err != nil {
		return people.ImportResult{}, gridskill.Errorf(gridskill.EINVALID, "the file could not be read")
	}
	defer f.Close()
	return s.people.ImportRosterFile(c.UserContext(), u, f, fh.Filename, c.FormValue("password"))
}

// rosterTemplate sends the roster template with one example row.
func (s *Server) rosterTemplate(c *fiber.Ctx) error {
	rows := [][]string{people.RosterExample()}
	return sendSheet(c, c.Params("ext"), "花名册模板", "花名册", people.RosterHeader(), rows)
}

// rosterExport sends the roster of the admin's area, in the template's columns.
func (s *Server) rosterExport(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return err
	}
	var rows [][]string
	for offset := 0; ; offset += 200 {
		list, total, err := s.people.List(ctx, u, people.ListFilter{Limit: 200, Offset: offset})
		if err != nil {
			return err
		}
		for _, p := range list {
			names := tree.Names(p.UnitID)
			cols := make([]string, 3)
			for i := 1; i < len(names) && i <= 3; i++ {
				cols[i-1] = names[i]
			}
			rows = append(rows, []string{p.Name, p.Phone, cols[0], cols[1], cols[2], people.RoleLabel(p.Role), p.EmployeeNo, p.JoinedOn})
		}
		if offset+200 >= total {
			break
		}
	}
	return sendSheet(c, "xlsx", s.datedName("花名册"), "花名册", people.RosterHeader(), rows)
}

// sendSheet sends a spreadsheet as ext (xlsx or csv) saved as name (no
// extension; see downloadName and datedName).
func sendSheet(c *fiber.Ctx, ext, name, sheetName string, header []string, rows [][]string) error {
	var buf bytes.Buffer
	switch ext {
	case "xlsx":
		if err := sheet.WriteXLSX(&buf, sheetName, header, rows); err != nil {
			return gridskill.Internal(err)
		}
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	case "csv":
		if err := sheet.WriteCSV(&buf, header, rows); err != nil {
			return gridskill.Internal(err)
		}
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	default:
		return gridskill.Errorf(gridskill.ENOTFOUND, "page not found")
	}
	setAttachment(c, name+"."+ext)
	return c.Send(buf.Bytes())
}
