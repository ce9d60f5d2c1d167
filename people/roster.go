package people

import (
	"context"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"golang.org/x/crypto/bcrypt"

	"gridskill"
	"gridskill/sheet"
)

// Roster columns, as in the downloadable template.
const (
	ColName      = "姓名"
	ColPhone     = "手机号"
	ColStreet    = "街道"
	ColCommunity = "社区"
	ColGrid      = "网格"
	ColRole      = "角色"
	ColEmployee  = "工号"
	ColJoined    = "入职日期"
)

// columnAliases are other headers people give the roster's columns in
// their own sheets; the template's own names come first.
var columnAliases = map[string][]string{
	ColName:      {"名字"},
	ColPhone:     {"手机号码", "手机", "联系电话", "电话"},
	ColStreet:    {"街道（镇）", "街道/镇", "街镇", "乡镇"},
	ColCommunity: {"社区（村）", "社区/村", "村/社区", "村"},
	ColGrid:      {"网格名称", "所属网格"},
	ColRole:      {"身份", "岗位"},
	ColEmployee:  {"编号", "工作证号"},
	ColJoined:    {"入职时间", "上岗日期"},
}

// RosterHeader is the header row of the roster template.
func RosterHeader() []string {
	return []string{ColName, ColPhone, ColStreet, ColCommunity, ColGrid, ColRole, ColEmployee, ColJoined}
}

// RosterExample is the example row of the template: a made-up person with
// a number no account is given, skipped when left in an imported roster.
func RosterExample() []string {
	return []string{"张晓婷（示例）", "13800138000", "东湖街道", "翠苑社区", "第一网格", "网格员", "DH-0001", "2024-03-01"}
}

var roleNames = map[string]Role{
	"": Worker, "网格员": Worker, "网格长": Worker, "专职网格员": Worker, "兼职网格员": Worker, "worker": Worker,
	"培训讲师": Trainer, "讲师": Trainer, "trainer": Trainer,
	"街道管理员": StreetAdmin, "street_admin": StreetAdmin,
	"区管理员": DistrictAdmin, "district_admin": DistrictAdmin,
	"跟岗干部": Cadre, "cadre": Cadre,
}

// RoleLabel is the Chinese name of a role as written in the roster.
func RoleLabel(r Role) string {
	switch r {
	case Trainer:
		return "培训讲师"
	case StreetAdmin:
		return "街道管理员"
	case DistrictAdmin:
		return "区管理员"
	case Cadre:
		return "跟岗干部"
	}
	return "网格员"
}

// RosterRow is one person of an uploaded roster.
type RosterRow struct {
	Line                    int
	Name, Phone             string
	Street, Community, Grid string
	Role                    Role
	EmployeeNo, JoinedOn    string
}

// ImportResult says what an import changed.
type ImportResult struct {
	Created, Updated, Unchanged, UnitsCreated int
	// CreatedPeople, UpdatedPeople and UnchangedPeople name who was created,
	// changed (with what changed) and left as they were, in file order;
	// NewUnits the units created, each as the names of its path.
	CreatedPeople, UpdatedPeople, UnchangedPeople []ImportedPerson
	NewUnits                                      [][]string
	// InitialPassword is the one-time password of the accounts created, to be
	// handed to their holders; each must change it at the first sign-in.
	InitialPassword string
	// Ignored are the file's columns the import does not read (e.g. 备注).
	Ignored []string
}

// ImportedPerson is one row of an import and what it did.
type ImportedPerson struct {
	Line        int
	Name, Phone string
	// Changes names the roster fields an update changed: 姓名, 角色, 单位, 工号, 入职日期.
	Changes []string
}

// ParseRoster reads a roster file and checks each row on its own (required
// columns, phone format, duplicates inside the file, known role, date).
// Every problem found is returned at once, with its row and column.
func ParseRoster(r io.Reader, filename string) ([]RosterRow, error) {
	rows, problems, _, err := parseRoster(r, filename)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, rejected(problems)
	}
	return rows, nil
}

// ImportRosterFile reads a roster file and imports it as ImportRoster does,
// listing in one pass every problem of every row: those of the row itself
// and those against the accounts and units that exist (a role the admin
// cannot give, a street outside the area, a phone number of another's
// account). Errors: forbidden, invalid (with every row's problems).
func (s *Service) ImportRosterFile(ctx context.Context, actor User, r io.Reader, filename, initialPassword string) (ImportResult, error) {
	if !actor.Active || !actor.Role.IsAdmin() {
		return ImportResult{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only street and district admins import the roster")
	}
	rows, problems, ignored, err := parseRoster(r, filename)
	if err != nil {
		return ImportResult{}, err
	}
	res, err := s.importRoster(ctx, actor, rows, problems, initialPassword)
	res.Ignored = ignored
	return res, err
}

// parseRoster reads a roster's rows, each row's own problems and the columns
// it does not read; err is a file that cannot be read as a roster at all.
func parseRoster(r io.Reader, filename string) ([]RosterRow, []gridskill.FieldError, []string, error) {
	t, err := sheet.Read(r, filename, sheet.DefaultLimits())
	if err != nil {
		return nil, nil, nil, err
	}
	skipTitleRows(t)
	fit := t.Fit(sheet.Columns{Required: []string{ColName, ColPhone}, Optional: RosterHeader()[2:], Aliases: columnAliases,
		Template: RosterHeader(), Examples: [][]string{RosterExample()}}) // drops the example row left in
	var problems []gridskill.FieldError
	col := map[string]int{}
	for _, name := range RosterHeader() {
		col[name] = t.Col(name)
		for _, alias := range columnAliases[name] {
			if col[name] >= 0 {
				break
			}
			col[name] = t.Col(alias)
		}
	}
	for _, required := range []string{ColName, ColPhone, ColStreet, ColCommunity, ColGrid} {
		if col[required] < 0 {
			problems = append(problems, gridskill.FieldError{Row: 1, Field: required, Reason: "column missing from the header"})
		}
	}
	if len(problems) > 0 {
		return nil, nil, nil, rejected(problems)
	}
	if len(t.Rows) == 0 {
		return nil, nil, nil, gridskill.Errorf(gridskill.EINVALID, "the file has no people in it")
	}
	seen := map[string]int{}
	rows := make([]RosterRow, 0, len(t.Rows))
	for _, raw := range t.Rows {
		bad := func(field, reason string, args ...any) {
			problems = append(problems, gridskill.FieldError{Row: raw.Line, Field: field, Reason: reason, Args: args})
		}
		row := RosterRow{
			Line: raw.Line, Name: raw.Cell(col[ColName]), Phone: NormalizePhone(raw.Cell(col[ColPhone])),
			Street: raw.Cell(col[ColStreet]), Community: raw.Cell(col[ColCommunity]), Grid: raw.Cell(col[ColGrid]),
			EmployeeNo: raw.Cell(col[ColEmployee]),
		}
		if err := ValidateName(row.Name); err != nil {
			problems = append(problems, gridskill.RowProblem(err, raw.Line, ColName))
		}
		switch first, dup := seen[row.Phone]; {
		case !ValidPhone(row.Phone):
			bad(ColPhone, "not an 11-digit mobile number")
		case dup:
			bad(ColPhone, "same phone number as row %d", first)
		default:
			seen[row.Phone] = raw.Line
		}
		role, ok := roleNames[strings.ToLower(raw.Cell(col[ColRole]))]
		if !ok {
			bad(ColRole, "unknown role; use 网格员, 培训讲师, 街道管理员, 区管理员 or 跟岗干部")
		}
		row.Role = role
		switch role {
		case Worker:
			for _, c := range []struct{ field, v string }{{ColStreet, row.Street}, {ColCommunity, row.Community}, {ColGrid, row.Grid}} {
				if c.v == "" {
					bad(c.field, "a grid worker needs a street, a community and a grid")
					break
				}
			}
		case StreetAdmin:
			if row.Street == "" {
				bad(ColStreet, "a street admin needs a street")
			}
		case Trainer, Cadre:
			if row.Street == "" && (row.Community != "" || row.Grid != "") {
				bad(ColStreet, "name the street above this community or grid")
			} else if row.Community == "" && row.Grid != "" {
				bad(ColCommunity, "name the community above this grid")
			}
		}
		for _, c := range []struct {
			field, v string
			rule     gridskill.Text
		}{{ColStreet, row.Street, unitText}, {ColCommunity, row.Community, unitText}, {ColGrid, row.Grid, unitText}, {ColEmployee, row.EmployeeNo, employeeText}} {
			if reason, args := c.rule.Problem(c.v); reason != "" {
				bad(c.field, reason, args...)
			}
		}
		if j := raw.Cell(col[ColJoined]); j != "" {
			d, ok := parseDate(j)
			if !ok {
				bad(ColJoined, "not a date like 2024-03-01")
			}
			row.JoinedOn = d
		}
		rows = append(rows, row)
	}
	return rows, problems, fit.Ignored, nil
}

// titleRows is how far down a roster's header may sit.
const titleRows = 5

// skipTitleRows finds the header below a title ("明湖区网格员花名册") or notes
// that rosters kept in Excel often carry above it: when the first row does
// not name both 姓名 and 手机号, the first of the next rows that does becomes
// the header, and the rows above it are dropped.
func skipTitleRows(t *sheet.Table) {
	names := func(cells []string) bool {
		has := func(col string) bool {
			return slices.ContainsFunc(cells, func(c string) bool {
				c = strings.TrimSpace(c)
				return c == col || slices.Contains(columnAliases[col], c)
			})
		}
		return has(ColName) && has(ColPhone)
	}
	if names(t.Header) {
		return
	}
	for i, r := range t.Rows[:min(titleRows, len(t.Rows))] {
		if names(r.Cells) {
			t.Header = t.Header[:0]
			for _, c := range r.Cells {
				t.Header = append(t.Header, strings.TrimSpace(c))
			}
			t.Rows = t.Rows[i+1:]
			return
		}
	}
}

func rejected(problems []gridskill.FieldError) error {
	e := gridskill.Errorf(gridskill.EINVALID, "the file has %d problems; nothing was imported", len(problems))
	e.Fields = problems
	return e
}

func parseDate(s string) (string, bool) {
	for _, layout := range []string{"2006-01-02", "2006/1/2", "2006.1.2", "2006-1-2", "2006年1月2日"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	// An XLSX date cell read raw is a serial day number since 1899-12-30.
	// Only 1950 to 2099 are taken, so a bare year such as 2024 is no date.
	if n, err := strconv.ParseFloat(s, 64); err == nil && n >= 18264 && n < 73051 {
		t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n))
		return t.Format("2006-01-02"), true
	}
	return "", false
}

// ImportRoster checks the whole roster against the actor's scope and the
// accounts that exist, then writes it: units named in the file are found or
// created, new people are created with one initial password (generated when
// initialPassword is empty) that they must change, known phone numbers are
// updated, never duplicated. Any bad row rejects the file and nothing is
// written. Errors: forbidden, invalid (with every row's problems).
func (s *Service) ImportRoster(ctx context.Context, actor User, rows []RosterRow, initialPassword string) (ImportResult, error) {
	return s.importRoster(ctx, actor, rows, nil, initialPassword)
}

// importRoster is ImportRoster with the rows' own problems found on reading,
// listed with those of the plan.
func (s *Service) importRoster(ctx context.Context, actor User, rows []RosterRow, problems []gridskill.FieldError, initialPassword string) (ImportResult, error) {
	if !actor.Active || !actor.Role.IsAdmin() {
		return ImportResult{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only street and district admins import the roster")
	}
	if initialPassword != "" {
		if err := ValidatePassword(initialPassword); err != nil {
			return ImportResult{}, err
		}
	}
	// Finish any rewrite a crash cut short, so every account is seen below.
	if err := s.repo.repairPending(ctx); err != nil {
		return ImportResult{}, gridskill.Internal(err)
	}
	tree, err := s.Tree(ctx)
	if err != nil {
		return ImportResult{}, err
	}
	phones := make([]string, len(rows))
	for i, r := range rows {
		phones[i] = r.Phone
	}
	existing, err := s.repo.usersByPhones(ctx, phones)
	if err != nil {
		return ImportResult{}, gridskill.Internal(err)
	}
	p := planImport(actor, tree, existing, rows)
	if all := append(slices.Clone(problems), p.problems...); len(all) > 0 {
		slices.SortStableFunc(all, func(a, b gridskill.FieldError) int { return a.Row - b.Row })
		return ImportResult{}, rejected(all)
	}

	// The whole import is one change record, written at the end, even when
	// a step fails after others were written.
	var w importWrites
	defer func() {
		if len(w.written) > 0 || len(w.unsure) > 0 || w.units {
			s.changed(ctx, w.written, w.unsure, w.units)
		}
	}()
	// Units first: their ids derive from their names, so if the import stops
	// half-way, running it again finds them and goes on.
	if err := s.repo.insertUnits(ctx, p.newUnits); err != nil {
		w.units = len(p.newUnits) > 0
		return ImportResult{}, gridskill.Internal(err)
	}
	w.units = len(p.newUnits) > 0
	res := ImportResult{Created: len(p.creates), Updated: len(p.updates), Unchanged: len(p.unchanged), UnitsCreated: len(p.newUnits),
		CreatedPeople: p.created, UpdatedPeople: p.changed, UnchangedPeople: p.unchanged}
	for _, u := range p.newUnits {
		res.NewUnits = append(res.NewUnits, p.unitNames(tree, u))
	}
	if len(p.creates) > 0 {
		if initialPassword == "" {
			initialPassword = OneTimePassword()
		}
		res.InitialPassword = initialPassword
		// One hash for the batch: hashing each of 2,000 accounts would take minutes,
		// and each holder replaces it at the first sign-in anyway.
		hash, err := bcrypt.GenerateFromPassword([]byte(initialPassword), s.BcryptCost)
		if err != nil {
			return ImportResult{}, gridskill.Internal(err)
		}
		now := s.clock.Now()
		docs := make([]userDoc, len(p.creates))
		ids := make([]string, len(p.creates))
		for i, u := range p.creates {
			docs[i] = newUserDoc(u, string(hash), now)
			ids[i] = u.ID
		}
		if err := s.repo.insertUsers(ctx, docs); err != nil {
			w.unsure = append(w.unsure, ids...)
			return ImportResult{}, gridskill.Internal(err)
		}
		w.written = append(w.written, docs...)
	}
	if err := s.applyUpdates(ctx, p.updates, existing, &w); err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// importWrites is what an import has written so far: accounts as written,
// accounts whose write may or may not have happened, and whether units were
// added.
type importWrites struct {
	written []userDoc
	unsure  []string
	units   bool
}

// bulkUpdates is how many changed accounts make rewriting them in bulk
// cheaper than updating each.
const bulkUpdates = 20

// applyUpdates writes the changed roster fields of accounts. Many at once are
// rewritten in bulk (see repo.replaceUsers), from the documents read for the
// plan; an account that changed since is updated on its own. What it wrote
// goes to w.
func (s *Service) applyUpdates(ctx context.Context, updates []User, existing []userDoc, w *importWrites) error {
	now := s.clock.Now()
	var one []User
	if len(updates) >= bulkUpdates {
		read := make(map[string]userDoc, len(existing))
		for _, d := range existing {
			read[d.ID] = d
		}
		docs := make([]userDoc, 0, len(updates))
		byID := make(map[string]User, len(updates))
		for _, u := range updates {
			d := read[u.ID]
			d.Name, d.Role, d.UnitID, d.UnitPath = u.Name, string(u.Role), u.UnitID, u.UnitPath
			d.EmployeeNo, d.JoinedOn, d.UpdatedAt = u.EmployeeNo, u.JoinedOn, now
			d.Rev++
			docs = append(docs, d)
			byID[u.ID] = u
		}
		missed, err := s.repo.replaceUsers(ctx, docs)
		if err != nil {
			for _, d := range docs {
				w.unsure = append(w.unsure, d.ID)
			}
			return gridskill.Internal(err)
		}
		skip := map[string]bool{}
		for _, d := range missed {
			one = append(one, byID[d.ID])
			skip[d.ID] = true
		}
		for _, d := range docs {
			if !skip[d.ID] {
				w.written = append(w.written, d)
			}
		}
	} else {
		one = updates
	}
	for _, u := range one {
		d, err := s.repo.updateUser(ctx, u.ID, bson.M{
			"name": u.Name, "role": string(u.Role), "unitId": u.UnitID, "unitPath": u.UnitPath,
			"employeeNo": u.EmployeeNo, "joinedOn": u.JoinedOn, "updatedAt": now,
		})
		if err != nil {
			w.unsure = append(w.unsure, u.ID)
			return gridskill.Internal(err)
		}
		w.written = append(w.written, d)
	}
	return nil
}

type importPlan struct {
	newUnits []Unit
	creates  []User
	updates  []User
	problems []gridskill.FieldError
	// created, changed and unchanged name each row's person.
	created, changed, unchanged []ImportedPerson
}

// unitNames is the names along a unit's path, units of this import included.
func (p importPlan) unitNames(tree *Tree, u Unit) []string {
	names := make([]string, 0, len(u.Path))
	for _, id := range u.Path {
		if t, ok := tree.Unit(id); ok {
			names = append(names, t.Name)
			continue
		}
		for _, n := range p.newUnits {
			if n.ID == id {
				names = append(names, n.Name)
			}
		}
	}
	return names
}

// rosterChanges names the roster fields in which b differs from a.
func rosterChanges(a, b User) []string {
	var out []string
	for _, c := range []struct {
		name string
		diff bool
	}{{ColName, a.Name != b.Name}, {ColRole, a.Role != b.Role}, {"单位", a.UnitID != b.UnitID}, {ColEmployee, a.EmployeeNo != b.EmployeeNo}, {ColJoined, a.JoinedOn != b.JoinedOn}} {
		if c.diff {
			out = append(out, c.name)
		}
	}
	return out
}

// planImport decides, without writing, what each row becomes.
func planImport(actor User, tree *Tree, existing []userDoc, rows []RosterRow) importPlan {
	var p importPlan
	byPhone := map[string]User{}
	for _, d := range existing {
		byPhone[d.Phone] = d.user()
	}
	pending := map[string]Unit{} // units this import will create, by id
	find := func(parent Unit, name string) Unit {
		if u, ok := tree.Child(parent.ID, name); ok {
			return u
		}
		u := childUnit(parent, name)
		if _, ok := pending[u.ID]; !ok {
			pending[u.ID] = u
			p.newUnits = append(p.newUnits, u)
		}
		return u
	}
	if len(actor.UnitPath) == 0 {
		p.problems = append(p.problems, gridskill.FieldError{Field: ColStreet, Reason: "your account has no unit"})
		return p
	}
	district, ok := tree.Unit(actor.UnitPath[0])
	if !ok {
		p.problems = append(p.problems, gridskill.FieldError{Field: ColStreet, Reason: "your district no longer exists"})
		return p
	}
	for _, r := range rows {
		bad := func(field, reason string) {
			p.problems = append(p.problems, gridskill.FieldError{Row: r.Line, Field: field, Reason: reason})
		}
		old, known := byPhone[r.Phone]
		if (!known || old.Role != r.Role) && !mayGive(actor, r.Role) {
			if r.Role == DistrictAdmin {
				bad(ColRole, "you cannot give a role above your own")
			} else {
				bad(ColRole, "only a district admin can appoint a street admin")
			}
			continue // the unit such a role would have says nothing more
		}
		unit := district
		if r.Street != "" && r.Role != DistrictAdmin {
			if _, exists := tree.Child(district.ID, r.Street); !exists && actor.Role != DistrictAdmin {
				bad(ColStreet, "street not found in your district")
				continue
			}
			unit = find(district, r.Street)
		}
		if r.Role != DistrictAdmin && r.Role != StreetAdmin && r.Community != "" {
			unit = find(unit, r.Community)
			if r.Grid != "" {
				unit = find(unit, r.Grid)
			}
		}
		if !actor.CanAdminister(unit.Path) {
			bad(ColStreet, "outside your area")
			continue
		}
		u := User{
			Phone: r.Phone, Name: r.Name, Role: r.Role, UnitID: unit.ID, UnitPath: unit.Path,
			EmployeeNo: r.EmployeeNo, JoinedOn: r.JoinedOn, Active: true,
		}
		person := ImportedPerson{Line: r.Line, Name: r.Name, Phone: r.Phone}
		switch {
		case !known:
			u.ID = newID()
			u.MustChangePassword = true
			p.creates = append(p.creates, u)
			p.created = append(p.created, person)
		case !actor.CanAdminister(old.UnitPath):
			bad(ColPhone, "this phone number belongs to an account outside your area")
		case sameRosterFields(old, u):
			p.unchanged = append(p.unchanged, person) // a fellow admin's unchanged row too, so an exported roster imports back
		case !manages(actor, old):
			bad(ColPhone, "this phone number belongs to another admin's account")
		default:
			u.ID = old.ID
			p.updates = append(p.updates, u)
			person.Changes = rosterChanges(old, u)
			p.changed = append(p.changed, person)
		}
	}
	return p
}

func sameRosterFields(a, b User) bool {
	return a.Name == b.Name && a.Role == b.Role && a.UnitID == b.UnitID && a.EmployeeNo == b.EmployeeNo && a.JoinedOn == b.JoinedOn
}
