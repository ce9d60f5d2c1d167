package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"gridskill/courses"
)

type reportPage struct {
	Page
	Report courses.Report
}

// Indent is a row's label indented by its depth below the scope.
func (p reportPage) Indent(r courses.UnitRow) string {
	out := ""
	for i := 0; i < r.Depth; i++ {
		out += "　"
	}
	return out + r.Unit.Name
}

// coursesReport shows a module's completion by street, community and grid.
func (s *Server) coursesReport(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	r, err := s.courses.Completion(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	return c.Render("courses/report", reportPage{Page: s.page(c, "Completion"), Report: r}, "layouts/main")
}

// reportHeader is the completion export's header row.
var reportHeader = []string{"街道", "社区", "网格", "网格员人数", "已完成", "完成率"}

// coursesReportExport sends the completion report as a spreadsheet, one row per unit.
func (s *Server) coursesReportExport(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	r, err := s.courses.Completion(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	return sendSheet(c, "xlsx", s.datedName(r.Module.Title, "完成情况"), "完成情况", reportHeader, reportRows(r))
}

// reportRows lays the report out by level: the street, community and grid
// columns name each row's unit (the district's own row leaves them empty).
func reportRows(r courses.Report) [][]string {
	var rows [][]string
	for _, row := range r.Rows {
		cols := make([]string, 3)
		// Names run from the report's scope down to the row's unit; place
		// each at its level (0 district, 1 street, 2 community, 3 grid).
		all := row.Names
		offset := len(row.Unit.Path) - len(all)
		for i, n := range all {
			level := offset + i
			if level >= 1 && level <= 3 {
				cols[level-1] = n
			}
		}
		rows = append(rows, []string{cols[0], cols[1], cols[2], strconv.Itoa(row.Workers), strconv.Itoa(row.Completed), strconv.Itoa(row.Percent()) + "%"})
	}
	return rows
}
