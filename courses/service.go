package courses

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/people"
)

// cacheTTL bounds how long another instance's publication or assignment may
// go unseen here; this instance's own changes are seen at once.
const cacheTTL = 30 * time.Second

// CheckPasser says whether a worker has passed a module's end-of-module
// check (结业测验: an exam that assesses the module). The quiz service
// satisfies it; unwired (nil), nothing holds back a module's completion.
type CheckPasser interface {
	PassedCheck(ctx context.Context, workerID, moduleID string, version int) (bool, error)
}

// Service is authoring, assignment, study, progress and training hours.
// Every method that acts for someone takes the acting user and checks their
// role and scope itself.
type Service struct {
	repo   repo
	people *people.Service
	clock  gridskill.Clock

	// Check, when set, decides whether a module's end-of-module check is passed.
	Check CheckPasser

	// Changed, when set, hears of every worker whose record has just changed
	// (a module completed, hours added by an offline session), so that
	// certification can re-evaluate them. Set it before serving.
	Changed func(ctx context.Context, workerID string)

	mu  sync.Mutex
	cat *catalogue

	// locks serialize one worker's progress writes, and one module's
	// edits, in this process. MongoDB applies the guarded (compare-and-set)
	// updates atomically; the embedded engine (one process by design) does
	// not, so the lock makes them so.
	locks [64]sync.Mutex
}

// lockWorker holds the lock of a worker's progress until the returned func is called.
func (s *Service) lockWorker(workerID string) func() { return s.lock("worker:" + workerID) }

func (s *Service) lock(key string) func() {
	h := fnv.New32a()
	h.Write([]byte(key))
	m := &s.locks[h.Sum32()%uint32(len(s.locks))]
	m.Lock()
	return m.Unlock
}

// NewService returns the courses service over db.
func NewService(db *mongo.Database, ps *people.Service, clock gridskill.Clock) *Service {
	return &Service{repo: newRepo(db, clock), people: ps, clock: clock}
}

// catalogue is the published side of every module and every assignment,
// small enough to hold in memory and read on every worker page.
type catalogue struct {
	at          time.Time
	modules     map[string]Module // without draft lessons
	order       []string
	assignments []Assignment
}

func (s *Service) catalogue(ctx context.Context) (*catalogue, error) {
	s.mu.Lock()
	c := s.cat
	s.mu.Unlock()
	if c != nil && s.clock.Now().Sub(c.at) < cacheTTL && s.clock.Now().Sub(c.at) >= 0 {
		return c, nil
	}
	mods, err := s.repo.catalogueModules(ctx)
	if err != nil {
		return nil, err
	}
	asg, err := s.repo.allAssignments(ctx)
	if err != nil {
		return nil, err
	}
	c = &catalogue{at: s.clock.Now(), modules: make(map[string]Module, len(mods))}
	for _, d := range mods {
		m := d.module()
		c.modules[m.ID] = m
		c.order = append(c.order, m.ID)
	}
	slices.SortFunc(c.order, func(a, b string) int {
		ma, mb := c.modules[a], c.modules[b]
		if x := categoryRank(ma.Category) - categoryRank(mb.Category); x != 0 {
			return x
		}
		return strings.Compare(ma.Title+"\x00"+a, mb.Title+"\x00"+b)
	})
	for _, d := range asg {
		c.assignments = append(c.assignments, d.assignment())
	}
	s.mu.Lock()
	s.cat = c
	s.mu.Unlock()
	return c, nil
}

func categoryRank(c Category) int {
	if i := slices.Index(Categories(), c); i >= 0 {
		return i
	}
	return len(Categories())
}

func (s *Service) forgetCatalogue() {
	s.mu.Lock()
	s.cat = nil
	s.mu.Unlock()
}

func newID(prefix string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func itoa(n int) string { return strconv.Itoa(n) }

// canRead reports whether u may see a module's published content: it is
// owned by the unit u belongs to or one above it, or u teaches where it is owned.
func canRead(u people.User, m Module) bool {
	return u.Active && (people.InScope(u.UnitPath, m.OwnerUnitID) || u.CanTeach(m.OwnerPath))
}

func canEdit(u people.User, m Module) bool { return u.CanTeach(m.OwnerPath) }

func isStaff(u people.User) bool {
	return u.Active && (u.Role == people.Trainer || u.Role.IsAdmin())
}

var errNoModule = func() error { return gridskill.Errorf(gridskill.ENOTFOUND, "no such module") }

// editable loads a module the actor may edit. Errors: invalid (malformed
// id), not_found, forbidden.
func (s *Service) editable(ctx context.Context, actor people.User, id string) (moduleDoc, error) {
	if !ValidID(id) {
		return moduleDoc{}, gridskill.Errorf(gridskill.EINVALID, "malformed module id")
	}
	if !isStaff(actor) {
		return moduleDoc{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins edit modules")
	}
	d, err := s.repo.module(ctx, id)
	if err != nil {
		return d, err
	}
	if !canEdit(actor, d.module()) {
		return moduleDoc{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this module belongs to another area; duplicate it to make your own copy")
	}
	return d, nil
}

// Draft returns a module with its draft lessons, for its editors.
// Errors: invalid, not_found, forbidden.
func (s *Service) Draft(ctx context.Context, actor people.User, id string) (Module, error) {
	d, err := s.editable(ctx, actor, id)
	if err != nil {
		return Module{}, err
	}
	return d.module(), nil
}

// CreateModule starts a module, owned by the actor's unit, with no lessons.
// Errors: forbidden, invalid, conflict (the slug is taken).
func (s *Service) CreateModule(ctx context.Context, actor people.User, in ModuleInput) (Module, error) {
	if !isStaff(actor) {
		return Module{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins write modules")
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return Module{}, err
	}
	now := s.clock.Now()
	m := Module{
		ID: newID("m-"), Slug: in.Slug, Title: in.Title, Category: in.Category, Summary: in.Summary, CoverID: in.CoverID,
		Minutes: in.Minutes, CheckTags: in.CheckTags, OwnerUnitID: actor.UnitID, OwnerPath: actor.UnitPath,
		AuthorID: actor.ID, CreatedAt: now, UpdatedAt: now,
	}
	if in.Slug != "" {
		m.ID = "m-" + in.Slug
	}
	if err := s.repo.insertModule(ctx, newModuleDoc(m)); err != nil {
		return Module{}, err
	}
	s.forgetCatalogue()
	return m, nil
}

// change loads an editable module, applies fn to it and stores it, refusing
// if someone else saved it meanwhile. Errors: those of editable and fn, conflict.
func (s *Service) change(ctx context.Context, actor people.User, id string, fn func(m *Module) error) (Module, error) {
	defer s.lock("module:" + id)()
	d, err := s.editable(ctx, actor, id)
	if err != nil {
		return Module{}, err
	}
	m := d.module()
	if err := fn(&m); err != nil {
		return Module{}, err
	}
	m.Rev = d.Rev + 1
	m.UpdatedAt = s.clock.Now()
	if err := s.repo.replaceModule(ctx, newModuleDoc(m), d.Rev); err != nil {
		return Module{}, err
	}
	s.forgetCatalogue()
	return m, nil
}

// UpdateModule changes a module's title, category, summary, cover, minutes
// and check tags in its draft. Errors: invalid, not_found, forbidden, conflict.
func (s *Service) UpdateModule(ctx context.Context, actor people.User, id string, in ModuleInput) (Module, error) {
	in.Normalize()
	in.Slug = ""
	if err := in.Validate(); err != nil {
		return Module{}, err
	}
	return s.change(ctx, actor, id, func(m *Module) error {
		m.Title, m.Category, m.Summary, m.CoverID, m.Minutes, m.CheckTags = in.Title, in.Category, in.Summary, in.CoverID, in.Minutes, in.CheckTags
		return nil
	})
}

// AddLesson appends a lesson to a module's draft, rendering its Markdown.
// Errors: invalid, too_large, not_found, forbidden, conflict.
func (s *Service) AddLesson(ctx context.Context, actor people.User, moduleID string, in LessonInput) (Lesson, error) {
	in.Title = strings.TrimSpace(in.Title)
	if err := in.Validate(); err != nil {
		return Lesson{}, err
	}
	l := Lesson{ID: newID("l-"), Title: in.Title, Markdown: in.Markdown, HTML: Render(in.Markdown), Minutes: in.Minutes}
	if in.Slug != "" {
		l.ID = "l-" + in.Slug
	}
	_, err := s.change(ctx, actor, moduleID, func(m *Module) error {
		if len(m.Lessons) >= MaxLessons {
			return gridskill.Errorf(gridskill.EINVALID, "a module holds at most %d lessons", MaxLessons)
		}
		if _, _, dup := m.Lesson(l.ID); dup {
			return gridskill.Errorf(gridskill.ECONFLICT, "the module already has this lesson")
		}
		m.Lessons = append(m.Lessons, l)
		return nil
	})
	return l, err
}

// UpdateLesson replaces a draft lesson's title, text and minutes.
// Errors: invalid, too_large, not_found, forbidden, conflict.
func (s *Service) UpdateLesson(ctx context.Context, actor people.User, moduleID, lessonID string, in LessonInput) (Lesson, error) {
	in.Title = strings.TrimSpace(in.Title)
	if err := in.Validate(); err != nil {
		return Lesson{}, err
	}
	var out Lesson
	_, err := s.change(ctx, actor, moduleID, func(m *Module) error {
		_, i, ok := m.Lesson(lessonID)
		if !ok {
			return gridskill.Errorf(gridskill.ENOTFOUND, "no such lesson")
		}
		out = Lesson{ID: lessonID, Title: in.Title, Markdown: in.Markdown, HTML: Render(in.Markdown), Minutes: in.Minutes}
		m.Lessons[i] = out
		return nil
	})
	return out, err
}

// MoveLesson moves a draft lesson up (delta -1) or down (+1).
// Errors: invalid, not_found, forbidden, conflict.
func (s *Service) MoveLesson(ctx context.Context, actor people.User, moduleID, lessonID string, delta int) error {
	_, err := s.change(ctx, actor, moduleID, func(m *Module) error {
		_, i, ok := m.Lesson(lessonID)
		if !ok {
			return gridskill.Errorf(gridskill.ENOTFOUND, "no such lesson")
		}
		j := i + delta
		if j < 0 || j >= len(m.Lessons) || (delta != 1 && delta != -1) {
			return nil
		}
		m.Lessons[i], m.Lessons[j] = m.Lessons[j], m.Lessons[i]
		return nil
	})
	return err
}

// DeleteLesson removes a lesson from the draft; published versions keep it.
// Errors: invalid, not_found, forbidden, conflict.
func (s *Service) DeleteLesson(ctx context.Context, actor people.User, moduleID, lessonID string) error {
	_, err := s.change(ctx, actor, moduleID, func(m *Module) error {
		_, i, ok := m.Lesson(lessonID)
		if !ok {
			return gridskill.Errorf(gridskill.ENOTFOUND, "no such lesson")
		}
		m.Lessons = slices.Delete(m.Lessons, i, i+1)
		return nil
	})
	return err
}

// Publish snapshots the draft as the next version, with a change note shown
// to workers. A major change (the first version always is one) means what
// was learned before no longer counts: workers study the module again.
// Errors: invalid (no lessons, no note for a later version), not_found, forbidden, conflict.
func (s *Service) Publish(ctx context.Context, actor people.User, moduleID, note string, major bool) (Version, error) {
	note = strings.TrimSpace(note)
	if len([]rune(note)) > 500 {
		return Version{}, gridskill.Errorf(gridskill.EINVALID, "the change note is longer than %d characters", 500)
	}
	if err := (gridskill.Text{Field: "change note", Max: 500, Multiline: true}).Check(note); err != nil {
		return Version{}, err
	}
	var v Version
	_, err := s.change(ctx, actor, moduleID, func(m *Module) error {
		if len(m.Lessons) == 0 {
			return gridskill.Errorf(gridskill.EINVALID, "add at least one lesson before publishing")
		}
		n := m.Version() + 1
		lastMajor := n
		if n > 1 {
			if note == "" {
				return gridskill.Errorf(gridskill.EINVALID, "say what changed in this version")
			}
			if !major {
				lastMajor = m.Published.LastMajor
			}
		} else {
			major = true
		}
		v = Version{
			ModuleID: m.ID, Number: n, Title: m.Title, Category: m.Category, Summary: m.Summary, CoverID: m.CoverID,
			Minutes: m.Minutes, CheckTags: m.CheckTags, Major: major, Note: note, PublishedAt: s.clock.Now(), PublishedBy: actor.ID,
		}
		pub := &Published{
			Version: n, Title: m.Title, Category: m.Category, Summary: m.Summary, CoverID: m.CoverID, Minutes: m.Minutes,
			CheckTags: m.CheckTags, Major: major, Note: note, PublishedAt: v.PublishedAt, LastMajor: lastMajor,
		}
		for _, l := range m.Lessons {
			mins := lessonMinutes(l, m.Minutes, len(m.Lessons))
			v.Lessons = append(v.Lessons, VersionLesson{ID: l.ID, Title: l.Title, Minutes: mins, HTML: l.HTML})
			pub.Lessons = append(pub.Lessons, LessonRef{ID: l.ID, Title: l.Title, Minutes: mins})
		}
		// The version is stored before the module points at it: a crash in
		// between leaves an unreferenced version the next publish replaces.
		if err := s.repo.putVersion(ctx, newVersionDoc(v)); err != nil {
			return err
		}
		m.Published = pub
		return nil
	})
	return v, err
}

// Duplicate copies a module's draft into a new, unpublished module owned by
// the actor's unit: how a street adapts a district module.
// Errors: invalid, not_found, forbidden.
func (s *Service) Duplicate(ctx context.Context, actor people.User, moduleID string) (Module, error) {
	if !ValidID(moduleID) {
		return Module{}, gridskill.Errorf(gridskill.EINVALID, "malformed module id")
	}
	if !isStaff(actor) {
		return Module{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins write modules")
	}
	d, err := s.repo.module(ctx, moduleID)
	if err != nil {
		return Module{}, err
	}
	src := d.module()
	if !canRead(actor, src) {
		return Module{}, errNoModule()
	}
	now := s.clock.Now()
	title := []rune(src.Title + "（副本）")
	if len(title) > maxTitle {
		title = title[:maxTitle]
	}
	m := Module{
		ID: newID("m-"), Title: string(title), Category: src.Category, Summary: src.Summary, CoverID: src.CoverID,
		Minutes: src.Minutes, CheckTags: src.CheckTags, OwnerUnitID: actor.UnitID, OwnerPath: actor.UnitPath,
		AuthorID: actor.ID, CreatedAt: now, UpdatedAt: now,
	}
	for _, l := range src.Lessons {
		l.ID = newID("l-")
		m.Lessons = append(m.Lessons, l)
	}
	if err := s.repo.insertModule(ctx, newModuleDoc(m)); err != nil {
		return Module{}, err
	}
	s.forgetCatalogue()
	return m, nil
}

// UploadImage checks, shrinks and stores an image for lessons and covers
// (SaveImage). The same picture uploaded twice is stored once.
// Errors: forbidden, invalid, too_large.
func (s *Service) UploadImage(ctx context.Context, actor people.User, data []byte) (Image, error) {
	if !isStaff(actor) {
		return Image{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins upload images")
	}
	return s.SaveImage(ctx, actor.ID, data)
}

// Image returns a stored image, or one of its smaller copies (an id ending
// in "-480" or "-960"); a copy never made, since the image is no wider, is
// the image itself. Images are addressed by their content, so anyone who has
// the link may load them. Errors: invalid, not_found.
func (s *Service) Image(ctx context.Context, id string) (Image, error) {
	base, width, ok := mediaVariant(id)
	if !ok {
		return Image{}, gridskill.Errorf(gridskill.EINVALID, "malformed image id")
	}
	d, err := s.repo.mediaByID(ctx, id)
	if width > 0 && gridskill.ErrorCode(err) == gridskill.ENOTFOUND {
		d, err = s.repo.mediaByID(ctx, base)
	}
	if err != nil {
		return Image{}, err
	}
	return Image{ID: d.ID, ContentType: d.ContentType, Data: d.Data, Width: d.Width, Height: d.Height, UploadedBy: d.UploadedBy, UploadedAt: d.UploadedAt}, nil
}

// Visible lists the modules the actor may see, in catalogue order: the
// published modules of the actor's units and those above, and, for trainers
// and admins, every module they may edit (drafts included, version 0).
// Errors: internal.
func (s *Service) Visible(ctx context.Context, actor people.User) ([]Module, error) {
	c, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	var out []Module
	for _, id := range c.order {
		m := c.modules[id]
		if (m.Published != nil && canRead(actor, m)) || (isStaff(actor) && canEdit(actor, m)) {
			out = append(out, m)
		}
	}
	return out, nil
}

// Editable lists the modules the actor may edit. Errors: internal.
func (s *Service) Editable(ctx context.Context, actor people.User) ([]Module, error) {
	if !isStaff(actor) {
		return nil, nil
	}
	c, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	var out []Module
	for _, id := range c.order {
		if m := c.modules[id]; canEdit(actor, m) {
			out = append(out, m)
		}
	}
	return out, nil
}

// Published returns the latest published version of a module the actor may
// read, with every lesson's HTML: one read by id.
// Errors: invalid, not_found (also for a module outside the actor's reach).
func (s *Service) Published(ctx context.Context, actor people.User, moduleID string) (Module, Version, error) {
	if !ValidID(moduleID) {
		return Module{}, Version{}, gridskill.Errorf(gridskill.EINVALID, "malformed module id")
	}
	c, err := s.catalogue(ctx)
	if err != nil {
		return Module{}, Version{}, err
	}
	m, ok := c.modules[moduleID]
	if !ok {
		// Published elsewhere moments ago: look once in the database.
		d, err := s.repo.module(ctx, moduleID)
		if err != nil {
			return Module{}, Version{}, err
		}
		m = d.module()
	}
	if m.Published == nil || !canRead(actor, m) {
		return Module{}, Version{}, errNoModule()
	}
	d, err := s.repo.version(ctx, m.ID, m.Published.Version)
	if err != nil {
		return Module{}, Version{}, err
	}
	return m, d.version(), nil
}

// Assign makes a published module required or optional for a unit and every
// unit below it, with an optional due date; assigning again replaces the
// terms. Errors: invalid, not_found, forbidden.
func (s *Service) Assign(ctx context.Context, actor people.User, moduleID, unitID string, required bool, due time.Time) (Assignment, error) {
	if !ValidID(moduleID) {
		return Assignment{}, gridskill.Errorf(gridskill.EINVALID, "malformed module id")
	}
	if !isStaff(actor) {
		return Assignment{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins assign training")
	}
	d, err := s.repo.module(ctx, moduleID)
	if err != nil {
		return Assignment{}, err
	}
	m := d.module()
	if !canRead(actor, m) {
		return Assignment{}, errNoModule()
	}
	if m.Published == nil {
		return Assignment{}, gridskill.Errorf(gridskill.EINVALID, "publish the module before assigning it")
	}
	unit, err := s.people.Unit(ctx, unitID)
	if err != nil {
		return Assignment{}, err
	}
	if !actor.CanTeach(unit.Path) {
		return Assignment{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this unit is outside your area")
	}
	if !people.InScope(unit.Path, m.OwnerUnitID) {
		return Assignment{}, gridskill.Errorf(gridskill.EINVALID, "this module belongs to another area and cannot be assigned there")
	}
	if !due.IsZero() && due.Before(s.clock.Now().Add(-24*time.Hour)) {
		return Assignment{}, gridskill.Errorf(gridskill.EINVALID, "the due date has already passed")
	}
	a := Assignment{ModuleID: m.ID, UnitID: unit.ID, UnitPath: unit.Path, Required: required, Due: due, AssignedBy: actor.ID, AssignedAt: s.clock.Now()}
	err = s.repo.putAssignment(ctx, assignmentDoc{ID: m.ID + "@" + unit.ID, ModuleID: a.ModuleID, UnitID: a.UnitID, UnitPath: a.UnitPath,
		Required: a.Required, Due: a.Due, AssignedBy: a.AssignedBy, AssignedAt: a.AssignedAt})
	if err != nil {
		return Assignment{}, err
	}
	s.forgetCatalogue()
	return a, nil
}

// Unassign withdraws a module from a unit. Errors: invalid, not_found, forbidden.
func (s *Service) Unassign(ctx context.Context, actor people.User, moduleID, unitID string) error {
	unit, err := s.people.Unit(ctx, unitID)
	if err != nil {
		return err
	}
	if !isStaff(actor) || !actor.CanTeach(unit.Path) {
		return gridskill.Errorf(gridskill.EFORBIDDEN, "this unit is outside your area")
	}
	if !ValidID(moduleID) {
		return gridskill.Errorf(gridskill.EINVALID, "malformed module id")
	}
	if err := s.repo.deleteAssignment(ctx, moduleID+"@"+unit.ID); err != nil {
		return err
	}
	s.forgetCatalogue()
	return nil
}

// Assignments lists a module's assignments inside the actor's area.
// Errors: invalid, forbidden, internal.
func (s *Service) Assignments(ctx context.Context, actor people.User, moduleID string) ([]Assignment, error) {
	if !isStaff(actor) {
		return nil, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins see assignments")
	}
	c, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	var out []Assignment
	for _, a := range c.assignments {
		if a.ModuleID == moduleID && people.InScope(a.UnitPath, actor.UnitID) {
			out = append(out, a)
		}
	}
	return out, nil
}

// changed tells the Changed hook, if any, that a worker's record changed.
func (s *Service) changed(ctx context.Context, workerID string) {
	if s.Changed != nil {
		s.Changed(ctx, workerID)
	}
}

// changedHooks is how many calls of the Changed hook changedAll makes at once.
const changedHooks = 4

// changedAll tells the Changed hook of many workers whose records changed
// together (a session's attendees, a recorded study), a few at a time, and
// returns once every call has: certification re-evaluates each worker with
// reads of their own, and one after another those took most of a
// 1,000-attendee session's time.
func (s *Service) changedAll(ctx context.Context, workerIDs []string) {
	if s.Changed == nil {
		return
	}
	next := make(chan string)
	var wg sync.WaitGroup
	for range min(changedHooks, len(workerIDs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range next {
				s.Changed(ctx, id)
			}
		}()
	}
	for _, id := range workerIDs {
		next <- id
	}
	close(next)
	wg.Wait()
}
