package web

import (
	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/certify"
	"gridskill/people"
)

// The JSON side of managing people, units, certificates, sessions and
// module versions: each calls the same service method as its page.

type personEditRequest struct {
	Name       string      `json:"name"`
	Role       people.Role `json:"role"`
	UnitID     string      `json:"unitId"`
	EmployeeNo string      `json:"employeeNo"`
	JoinedOn   string      `json:"joinedOn"`
}

// apiUserUpdate: PUT /api/v1/users/{id} → the account as saved.
func (s *Server) apiUserUpdate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	if _, err := s.people.Managed(c.UserContext(), u, c.Params("id")); err != nil {
		return err
	}
	var req personEditRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	p, err := s.people.UpdatePerson(c.UserContext(), u, c.Params("id"), people.PersonEdit(req))
	if err != nil {
		return err
	}
	return c.JSON(personJSON{ID: p.ID, Name: p.Name, Phone: p.Phone, Role: p.Role, UnitID: p.UnitID, EmployeeNo: p.EmployeeNo, JoinedOn: p.JoinedOn, Active: p.Active})
}

type deactivateRequest struct {
	IDs []string `json:"ids"`
}

type deactivateResponse struct {
	Deactivated int                    `json:"deactivated"`
	Refused     []gridskill.FieldError `json:"refused"`
}

// apiUsersDeactivate: POST /api/v1/users/deactivate {"ids": [...]} → how
// many were deactivated and those refused.
func (s *Server) apiUsersDeactivate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var req deactivateRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	n, refused, err := s.people.DeactivateMany(c.UserContext(), u, req.IDs)
	if err != nil && (n == 0 || gridskill.ErrorCode(err) != gridskill.EINVALID) {
		return err
	}
	if refused == nil {
		refused = []gridskill.FieldError{}
	}
	return c.JSON(deactivateResponse{Deactivated: n, Refused: refused})
}

type unitChangeRequest struct {
	Name     string `json:"name"`
	ParentID string `json:"parentId"`
	IntoID   string `json:"intoId"`
}

type unitChangedJSON struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Kind     people.UnitKind `json:"kind"`
	ParentID string          `json:"parentId"`
	Path     []string        `json:"path"`
}

// apiUnitChange: POST /api/v1/units/{id}/{rename|move|merge|delete} → the
// unit as it now is (the one merged into; nothing for a delete).
func (s *Server) apiUnitChange(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u, _ := currentUser(c)
		ctx := c.UserContext()
		if _, err := s.people.Unit(ctx, c.Params("id")); err != nil {
			return err
		}
		var req unitChangeRequest
		if len(c.Body()) > 0 {
			if err := decodeJSON(c, &req); err != nil {
				return err
			}
		}
		var unit people.Unit
		var err error
		switch action {
		case "rename":
			unit, err = s.people.RenameUnit(ctx, u, c.Params("id"), req.Name)
		case "move":
			unit, err = s.people.MoveUnit(ctx, u, c.Params("id"), req.ParentID)
		case "merge":
			unit, err = s.people.MergeUnits(ctx, u, c.Params("id"), req.IntoID, s.unitRecords)
		default:
			if err = s.people.DeleteUnit(ctx, u, c.Params("id"), s.unitRecords); err == nil {
				return c.SendStatus(fiber.StatusNoContent)
			}
		}
		if err != nil {
			return err
		}
		return c.JSON(unitChangedJSON{ID: unit.ID, Name: unit.Name, Kind: unit.Kind, ParentID: unit.ParentID, Path: unit.Path})
	}
}

type certHolderJSON struct {
	ID        string `json:"id"`
	Number    string `json:"number"`
	ProgramID string `json:"programId"`
	Program   string `json:"program"`
	WorkerID  string `json:"workerId"`
	Holder    string `json:"holder"`
	State     string `json:"state"`
}

func toCertHolderJSON(h certify.Held) certHolderJSON {
	return certHolderJSON{ID: h.ID, Number: h.Number, ProgramID: h.ProgramID, Program: h.ProgramName, WorkerID: h.WorkerID, Holder: h.HolderName, State: string(h.State)}
}

// apiHolders: GET /api/v1/certificates/holders?q=&program=&state= → the
// certificates of the caller's area.
func (s *Server) apiHolders(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	hs, err := s.certify.Holders(c.UserContext(), u, certify.HolderFilter{ProgramID: c.Query("program"), Query: c.Query("q"), State: certify.State(c.Query("state"))})
	if err != nil {
		return err
	}
	out := struct {
		Certificates []certHolderJSON `json:"certificates"`
	}{Certificates: []certHolderJSON{}}
	for _, h := range hs {
		out.Certificates = append(out.Certificates, toCertHolderJSON(h))
	}
	return c.JSON(out)
}

type issueRequest struct {
	ProgramID string `json:"programId"`
	WorkerID  string `json:"workerId"`
	Reason    string `json:"reason"`
}

// apiIssue: POST /api/v1/certificates/issue {"programId","workerId","reason"} → 201 the certificate.
func (s *Server) apiIssue(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var req issueRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	h, err := s.certify.IssueManually(c.UserContext(), u, req.ProgramID, req.WorkerID, req.Reason)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toCertHolderJSON(h))
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

// apiReinstate: POST /api/v1/certificates/{id}/reinstate {"reason"} → the certificate.
func (s *Server) apiReinstate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	if _, err := s.certify.Certificate(c.UserContext(), u, c.Params("id")); err != nil {
		return err
	}
	var req reasonRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	h, err := s.certify.Reinstate(c.UserContext(), u, c.Params("id"), req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(toCertHolderJSON(h))
}

type checkinRequest struct {
	Key string `json:"key"`
}

// apiCheckin: POST /api/v1/sessions/{id}/checkin {"key"} → {"signedIn", "signedAt"}.
func (s *Server) apiCheckin(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var req checkinRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	sess, added, err := s.courses.SignIn(c.UserContext(), u, c.Params("id"), req.Key)
	if err != nil {
		return err
	}
	out := struct {
		SignedIn bool   `json:"signedIn"`
		New      bool   `json:"new"`
		SignedAt string `json:"signedAt"`
	}{SignedIn: true, New: added}
	for _, a := range sess.Attendees {
		if a.ID == u.ID {
			out.SignedAt = a.SignedAt.UTC().Format("2006-01-02T15:04:05Z")
		}
	}
	return c.JSON(out)
}

// apiModuleVersions: GET /api/v1/modules/{id}/versions → the versions with
// what changed, and what a major change sends back to study.
func (s *Server) apiModuleVersions(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	vs, err := s.courses.Versions(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	_, impact, err := s.courses.Progress(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	type versionJSON struct {
		Number  int      `json:"number"`
		Major   bool     `json:"major"`
		Note    string   `json:"note"`
		Changes []string `json:"changes"`
	}
	out := struct {
		Versions       []versionJSON `json:"versions"`
		MajorSendsBack int           `json:"majorSendsBack"`
		MajorRestarts  int           `json:"majorRestarts"`
	}{Versions: []versionJSON{}, MajorSendsBack: impact.Workers, MajorRestarts: impact.InProgress}
	for _, v := range vs {
		ch := v.Changes
		if ch == nil {
			ch = []string{}
		}
		out.Versions = append(out.Versions, versionJSON{Number: v.Number, Major: v.Major, Note: v.Note, Changes: ch})
	}
	return c.JSON(out)
}

// apiModuleProgress: GET /api/v1/modules/{id}/progress → each person's progress.
func (s *Server) apiModuleProgress(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	rows, _, err := s.courses.Progress(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	type rowJSON struct {
		WorkerID  string `json:"workerId"`
		Name      string `json:"name"`
		UnitID    string `json:"unitId"`
		Done      int    `json:"lessonsDone"`
		Total     int    `json:"lessonsTotal"`
		Completed bool   `json:"completed"`
		Version   int    `json:"completedVersion,omitempty"`
	}
	out := struct {
		People []rowJSON `json:"people"`
	}{People: []rowJSON{}}
	for _, r := range rows {
		out.People = append(out.People, rowJSON{WorkerID: r.Worker.ID, Name: r.Worker.Name, UnitID: r.Worker.UnitID, Done: r.LessonsDone, Total: r.LessonsTotal,
			Completed: r.Completed, Version: r.CompletedVersion})
	}
	return c.JSON(out)
}
