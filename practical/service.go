package practical

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/courses"
	"gridskill/people"
)

// Accounts is what the service reads about people.
type Accounts interface {
	User(ctx context.Context, id string) (people.User, error)
	ByPhones(ctx context.Context, phones []string) (map[string]people.User, error)
}

// Record is where accepted tasks' hours and evidence photos go: the learning
// record and media store of courses.
type Record interface {
	CreditPractical(ctx context.Context, workerID, taskID, title string, hours float64, acceptedAt time.Time) error
	StoreEvidence(ctx context.Context, actor people.User, data []byte) (courses.Image, error)
}

// Service is practical checklists and the tasks assigned from them.
type Service struct {
	repo   repo
	people Accounts
	record Record
	clock  gridskill.Clock
}

// NewService returns the practical tasks service.
func NewService(db *mongo.Database, ps Accounts, record Record, clock gridskill.Clock) *Service {
	return &Service{repo: newRepo(db), people: ps, record: record, clock: clock}
}

func isStaff(u people.User) bool {
	return u.Active && (u.Role == people.Trainer || u.Role.IsAdmin())
}

func newID(prefix string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// canReadChecklist: a checklist made at the actor's unit or above it (a
// district's 八个一 for its streets), or inside the actor's area.
func canReadChecklist(actor people.User, c checklistDoc) bool {
	return isStaff(actor) && (people.InScope(c.UnitPath, actor.UnitID) || people.InScope(actor.UnitPath, c.UnitID))
}

// CreateChecklist stores a new checklist owned by the actor's unit.
// Errors: forbidden, invalid.
func (s *Service) CreateChecklist(ctx context.Context, actor people.User, in ChecklistInput) (Checklist, error) {
	if !isStaff(actor) {
		return Checklist{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins define checklists")
	}
	in.normalize()
	if err := in.Validate(); err != nil {
		return Checklist{}, err
	}
	c := Checklist{ID: newID("pc-"), Title: in.Title, Summary: in.Summary, Hours: in.Hours, UnitID: actor.UnitID, UnitPath: actor.UnitPath,
		CreatedBy: actor.ID, CreatedAt: s.clock.Now()}
	for i, it := range in.Items {
		c.Items = append(c.Items, Item{ID: fmt.Sprintf(itemIDFormat, i+1), Heading: it.Heading, Description: it.Description, Evidence: it.Evidence, Times: it.Times})
	}
	return c, s.repo.insertChecklist(ctx, newChecklistDoc(c))
}

// SeedChecklist stores a checklist of the demo or of a deployment's content
// under its own id; one already stored is left as it is. Errors: invalid, internal.
func (s *Service) SeedChecklist(ctx context.Context, c Checklist, in ChecklistInput) error {
	in.normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	c.Title, c.Summary, c.Hours, c.Items = in.Title, in.Summary, in.Hours, nil
	for i, it := range in.Items {
		c.Items = append(c.Items, Item{ID: fmt.Sprintf(itemIDFormat, i+1), Heading: it.Heading, Description: it.Description, Evidence: it.Evidence, Times: it.Times})
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = s.clock.Now()
	}
	err := s.repo.insertChecklist(ctx, newChecklistDoc(c))
	if gridskill.ErrorCode(err) == gridskill.ECONFLICT {
		return nil
	}
	return err
}

// Checklists lists the checklists the actor may assign: those of the actor's
// unit and the units above it, and those inside the actor's area.
// Errors: forbidden, internal.
func (s *Service) Checklists(ctx context.Context, actor people.User) ([]Checklist, error) {
	if !isStaff(actor) {
		return nil, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins see checklists")
	}
	docs, err := s.repo.checklistsIn(ctx, append([]string{actor.UnitID}, actor.UnitPath...))
	if err != nil {
		return nil, err
	}
	var out []Checklist
	for _, d := range docs {
		if canReadChecklist(actor, d) {
			out = append(out, d.checklist())
		}
	}
	return out, nil
}

// Checklist returns one checklist the actor may assign. Errors: invalid, not_found, forbidden.
func (s *Service) Checklist(ctx context.Context, actor people.User, id string) (Checklist, error) {
	if !ValidID(id) {
		return Checklist{}, gridskill.Errorf(gridskill.EINVALID, "malformed checklist id")
	}
	if !isStaff(actor) {
		return Checklist{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins see checklists")
	}
	d, err := s.repo.checklist(ctx, id)
	if err != nil {
		return Checklist{}, err
	}
	if !canReadChecklist(actor, d) {
		return Checklist{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such checklist")
	}
	return d.checklist(), nil
}

// AssignInput says who does a checklist, who reviews it and by when.
type AssignInput struct {
	// Phones are the people who do the checklist, by their phone numbers.
	Phones []string
	// Mentor is the phone number of the reviewer: the grid leader, an admin
	// of the worker's community or street, or a named worker.
	Mentor string
	Due    string
	// ProgrammeID ties the tasks to a shadowing programme.
	ProgrammeID string
}

// Assign gives a checklist to each person named, with one mentor and a due
// date. Everyone is checked first (an active account in the actor's area;
// the mentor an active account whose unit is on each person's path, so the
// grid, community or street above them, and not the person themself); any
// problem refuses the whole assignment. Assigning the same checklist to the
// same person with the same due date again changes nothing.
// Errors: forbidden, invalid (with rows), not_found.
func (s *Service) Assign(ctx context.Context, actor people.User, checklistID string, in AssignInput) ([]Task, error) {
	c, err := s.Checklist(ctx, actor, checklistID)
	if err != nil {
		return nil, err
	}
	in.Due = strings.TrimSpace(in.Due)
	switch {
	case !validDate(in.Due):
		return nil, gridskill.Errorf(gridskill.EINVALID, "the due date must look like 2026-12-31")
	case in.Due < s.clock.Now().In(gridskill.ChinaZone()).Format("2006-01-02"):
		return nil, gridskill.Errorf(gridskill.EINVALID, "the due date has passed")
	case len(in.Phones) == 0:
		return nil, gridskill.Errorf(gridskill.EINVALID, "name the people who do the checklist")
	case len(in.Phones) > maxAssignees:
		return nil, gridskill.Errorf(gridskill.EINVALID, "at most %d people at a time", maxAssignees)
	}
	mentorPhone := people.NormalizePhone(in.Mentor)
	phones := append([]string{mentorPhone}, in.Phones...)
	for i := range phones {
		phones[i] = people.NormalizePhone(phones[i])
	}
	known, err := s.people.ByPhones(ctx, phones)
	if err != nil {
		return nil, err
	}
	mentor, ok := known[mentorPhone]
	if !ok || !mentor.Active {
		return nil, gridskill.Errorf(gridskill.EINVALID, "no active account has the mentor's phone number")
	}
	if mentor.ID != actor.ID && !people.InScope(mentor.UnitPath, actor.UnitID) && !people.InScope(actor.UnitPath, mentor.UnitID) {
		return nil, gridskill.Errorf(gridskill.EFORBIDDEN, "the mentor is outside your area")
	}
	var problems []gridskill.FieldError
	var tasks []Task
	seen := map[string]bool{}
	now := s.clock.Now()
	for i, p := range phones[1:] {
		bad := func(reason string) {
			problems = append(problems, gridskill.FieldError{Row: i + 1, Field: "phone", Reason: reason})
		}
		u, ok := known[p]
		switch {
		case !people.ValidPhone(p):
			bad("not an 11-digit mobile number")
		case seen[p]:
			bad("named twice")
		case !ok || !u.Active:
			bad("no active account has this phone number")
		case !people.InScope(u.UnitPath, actor.UnitID):
			bad("this person is outside your area")
		case u.ID == mentor.ID:
			bad("a person cannot be their own mentor")
		case !people.InScope(u.UnitPath, mentor.UnitID):
			bad("the mentor is outside this person's grid, community or street")
		default:
			tasks = append(tasks, Task{ID: taskID(c.ID, u.ID, in.Due), ChecklistID: c.ID, Title: c.Title, Hours: c.Hours, Items: c.Items,
				WorkerID: u.ID, WorkerName: u.Name, WorkerPath: u.UnitPath, MentorID: mentor.ID, MentorName: mentor.Name, Due: in.Due,
				ProgrammeID: in.ProgrammeID, State: Open, Entries: map[string]Entry{}, AssignedBy: actor.ID, AssignedAt: now})
		}
		seen[p] = true
	}
	if len(problems) > 0 {
		e := gridskill.Errorf(gridskill.EINVALID, "%d people could not be assigned; nobody was", len(problems))
		e.Fields = problems
		return nil, e
	}
	docs := make([]taskDoc, len(tasks))
	for i, t := range tasks {
		docs[i] = newTaskDoc(t)
	}
	return tasks, s.repo.insertTasks(ctx, docs)
}

// taskID derives a task's id from what it is, so an assignment sent twice
// stores each task once.
func taskID(checklistID, workerID, due string) string {
	sum := sha256.Sum256([]byte(checklistID + "\x00" + workerID + "\x00" + due))
	return "pt-" + hex.EncodeToString(sum[:10])
}

// Mine lists the tasks the actor does and the tasks the actor mentors.
// Errors: internal.
func (s *Service) Mine(ctx context.Context, actor people.User) (doing, mentoring []Task, err error) {
	for _, q := range []struct {
		field string
		out   *[]Task
	}{{"workerId", &doing}, {"mentorId", &mentoring}} {
		docs, err := s.repo.tasksWhere(ctx, bson.M{q.field: actor.ID})
		if err != nil {
			return nil, nil, err
		}
		for _, d := range docs {
			*q.out = append(*q.out, d.task())
		}
	}
	return doing, mentoring, nil
}

// Progress lists the tasks assigned from a checklist to the people of the
// actor's area, for the organizer. Errors: invalid, not_found, forbidden.
func (s *Service) Progress(ctx context.Context, actor people.User, checklistID string) ([]Task, error) {
	if _, err := s.Checklist(ctx, actor, checklistID); err != nil {
		return nil, err
	}
	docs, err := s.repo.tasksWhere(ctx, bson.M{"checklistId": checklistID})
	if err != nil {
		return nil, err
	}
	var out []Task
	for _, d := range docs {
		if people.InScope(d.WorkerPath, actor.UnitID) {
			out = append(out, d.task())
		}
	}
	return out, nil
}

// Task returns a task to the person doing it, their mentor, and the
// trainers and admins of the person's area. Errors: invalid, not_found.
func (s *Service) Task(ctx context.Context, actor people.User, id string) (Task, error) {
	if !ValidID(id) {
		return Task{}, gridskill.Errorf(gridskill.EINVALID, "malformed task id")
	}
	d, err := s.repo.task(ctx, id)
	if err != nil {
		return Task{}, err
	}
	if d.WorkerID != actor.ID && d.MentorID != actor.ID && !actor.CanTeach(d.WorkerPath) {
		return Task{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such task")
	}
	return d.task(), nil
}

// ownTask is the task of the person doing it, with one of its items the
// person may still change. Errors: invalid, not_found, forbidden, conflict.
func (s *Service) ownTask(ctx context.Context, actor people.User, taskID, itemID string) (Task, Item, error) {
	t, err := s.Task(ctx, actor, taskID)
	if err != nil {
		return Task{}, Item{}, err
	}
	if t.WorkerID != actor.ID {
		return Task{}, Item{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only the person doing the task records it")
	}
	it, ok := t.Item(itemID)
	if !ok {
		return Task{}, Item{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such item")
	}
	if !t.Editable(itemID) {
		return Task{}, Item{}, gridskill.Errorf(gridskill.ECONFLICT, "this item can no longer be changed")
	}
	return t, it, nil
}

// putEntry writes an item's entry if it has not changed since the task was
// read. Errors: conflict, internal.
func (s *Service) putEntry(ctx context.Context, t Task, itemID string, e Entry) (Task, error) {
	old, had := t.Entries[itemID]
	field := "entries." + itemID
	guard := bson.M{"$exists": false}
	if had {
		guard = bson.M{"$eq": old.UpdatedAt}
	}
	res, err := s.repo.tasks.UpdateOne(ctx, bson.M{"_id": t.ID, "state": bson.M{"$in": []string{string(Open), string(Returned)}}, field + ".updatedAt": guard},
		bson.M{"$set": bson.M{field: newEntryDoc(e)}})
	if err != nil {
		return Task{}, gridskill.Internal(err)
	}
	if res.MatchedCount == 0 {
		return Task{}, gridskill.Errorf(gridskill.ECONFLICT, "the item changed meanwhile; reload the page and try again")
	}
	t.Entries[itemID] = e
	return t, nil
}

// SaveEntry records what the person did for one item (note, count, date,
// place); photos are kept. Errors: invalid, not_found, forbidden, conflict.
func (s *Service) SaveEntry(ctx context.Context, actor people.User, taskID, itemID string, in EntryInput) (Task, error) {
	t, it, err := s.ownTask(ctx, actor, taskID, itemID)
	if err != nil {
		return Task{}, err
	}
	in.Note, in.Place, in.Date = strings.TrimSpace(in.Note), strings.TrimSpace(in.Place), strings.TrimSpace(in.Date)
	if err := in.Validate(it); err != nil {
		return Task{}, err
	}
	e := t.Entry(itemID)
	e.Note, e.Count, e.Date, e.Place, e.State, e.UpdatedAt = in.Note, in.Count, in.Date, in.Place, Recorded, s.clock.Now()
	return s.putEntry(ctx, t, itemID, e)
}

// AddPhoto stores a photo as evidence of one item (images only, within the
// media store's limits; at most MaxPhotos an item).
// Errors: invalid, too_large, not_found, forbidden, conflict.
func (s *Service) AddPhoto(ctx context.Context, actor people.User, taskID, itemID string, data []byte) (Task, error) {
	t, it, err := s.ownTask(ctx, actor, taskID, itemID)
	if err != nil {
		return Task{}, err
	}
	if !it.Needs(Photo) {
		return Task{}, gridskill.Errorf(gridskill.EINVALID, "this item takes no photos")
	}
	e := t.Entry(itemID)
	if len(e.Photos) >= MaxPhotos {
		return Task{}, gridskill.Errorf(gridskill.EINVALID, "an item has at most %d photos", MaxPhotos)
	}
	im, err := s.record.StoreEvidence(ctx, actor, data)
	if err != nil {
		return Task{}, err
	}
	for _, p := range e.Photos {
		if p == im.ID {
			return t, nil
		}
	}
	e.Photos = append(append([]string(nil), e.Photos...), im.ID)
	e.State, e.UpdatedAt = Recorded, s.clock.Now()
	return s.putEntry(ctx, t, itemID, e)
}

// Submit hands the task to the mentor: every item not yet accepted must have
// its evidence. Errors: invalid (naming each item that lacks some), not_found, forbidden, conflict.
func (s *Service) Submit(ctx context.Context, actor people.User, taskID string) (Task, error) {
	t, err := s.Task(ctx, actor, taskID)
	if err != nil {
		return Task{}, err
	}
	if t.WorkerID != actor.ID {
		return Task{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only the person doing the task submits it")
	}
	if t.State != Open && t.State != Returned {
		return Task{}, gridskill.Errorf(gridskill.ECONFLICT, "this task is already submitted")
	}
	var problems []gridskill.FieldError
	set := bson.M{}
	now := s.clock.Now()
	for i, it := range t.Items {
		e := t.Entry(it.ID)
		if e.State == Accepted {
			continue
		}
		if m := missing(it, e); m != "" {
			problems = append(problems, gridskill.FieldError{Row: i + 1, Field: it.Description, Reason: "still needs %s", Args: []any{gridskill.Label(m)}})
			continue
		}
		e.State, e.UpdatedAt = Submitted, now
		t.Entries[it.ID] = e
		set["entries."+it.ID] = newEntryDoc(e)
	}
	if len(problems) > 0 {
		e := gridskill.Errorf(gridskill.EINVALID, "%d items still need their evidence", len(problems))
		e.Fields = problems
		return Task{}, e
	}
	t.State, t.SubmittedAt = Submitted, now
	set["state"], set["submittedAt"] = string(Submitted), now
	ok, err := s.repo.updateTask(ctx, t.ID, []State{Open, Returned}, bson.M{"$set": set})
	if err != nil {
		return Task{}, err
	}
	if !ok {
		return Task{}, gridskill.Errorf(gridskill.ECONFLICT, "this task is already submitted")
	}
	return t, nil
}

// Decision is a mentor's verdict on one item.
type Decision struct {
	Accept  bool
	Comment string
}

// Review records the mentor's decision on one submitted item: accept it, or
// return it with a comment saying what to do. When no item waits any more
// the task is accepted (every item accepted; its hours go to the person's
// record) or returned to the person. Only the named mentor reviews.
// Errors: invalid, not_found, forbidden, conflict.
func (s *Service) Review(ctx context.Context, actor people.User, taskID, itemID string, d Decision) (Task, error) {
	t, err := s.Task(ctx, actor, taskID)
	if err != nil {
		return Task{}, err
	}
	if t.MentorID != actor.ID || !actor.Active {
		return Task{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only the task's mentor reviews it")
	}
	if _, ok := t.Item(itemID); !ok {
		return Task{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such item")
	}
	if !t.Reviewable(itemID) {
		return Task{}, gridskill.Errorf(gridskill.ECONFLICT, "this item is not waiting for review")
	}
	d.Comment = strings.TrimSpace(d.Comment)
	if !d.Accept && d.Comment == "" {
		return Task{}, gridskill.Errorf(gridskill.EINVALID, "say what should be done again")
	}
	if err := commentText.Check(d.Comment); err != nil {
		return Task{}, err
	}
	now := s.clock.Now()
	e := t.Entry(itemID)
	e.State, e.Comment, e.UpdatedAt = Returned, d.Comment, now
	if d.Accept {
		e.State = Accepted
	}
	t.Entries[itemID] = e
	t.State = t.settle()
	set := bson.M{"entries." + itemID: newEntryDoc(e), "state": string(t.State)}
	if t.State == Accepted {
		t.AcceptedAt = now
		set["acceptedAt"] = now
	}
	res, err := s.repo.tasks.UpdateOne(ctx, bson.M{"_id": t.ID, "state": string(Submitted), "entries." + itemID + ".state": string(Submitted)}, bson.M{"$set": set})
	if err != nil {
		return Task{}, gridskill.Internal(err)
	}
	if res.MatchedCount == 0 {
		return Task{}, gridskill.Errorf(gridskill.ECONFLICT, "this item is not waiting for review")
	}
	if t.State == Accepted {
		return t, s.credit(ctx, t)
	}
	return t, nil
}

// credit puts an accepted task's hours on the person's record, then marks it
// credited; a crash between the two is finished by Repair.
func (s *Service) credit(ctx context.Context, t Task) error {
	if err := s.record.CreditPractical(ctx, t.WorkerID, t.ID, t.Title, t.Hours, t.AcceptedAt); err != nil {
		return err
	}
	_, err := s.repo.updateTask(ctx, t.ID, []State{Accepted}, bson.M{"$set": bson.M{"credited": true}})
	return err
}

// Repair credits the accepted tasks whose hours did not reach the record
// (the process stopped between the two writes). main calls it at start.
// Errors: internal.
func (s *Service) Repair(ctx context.Context) error {
	docs, err := s.repo.tasksWhere(ctx, bson.M{"state": string(Accepted), "credited": bson.M{"$ne": true}})
	if err != nil {
		return err
	}
	for _, d := range docs {
		if err := s.credit(ctx, d.task()); err != nil {
			return err
		}
	}
	return nil
}

// ChecklistExists reports whether a checklist exists, for certification
// programs that require one. Errors: internal.
func (s *Service) ChecklistExists(ctx context.Context, id string) (bool, error) {
	if !ValidID(id) {
		return false, nil
	}
	_, err := s.repo.checklist(ctx, id)
	if gridskill.ErrorCode(err) == gridskill.ENOTFOUND {
		return false, nil
	}
	return err == nil, err
}

// AcceptedChecklists returns, by checklist id, when each of a worker's tasks
// was last accepted: what certification reads of the worker's practical
// record. It reads for the system, not for a person. Errors: internal.
func (s *Service) AcceptedChecklists(ctx context.Context, workerID string) (map[string]time.Time, error) {
	docs, err := s.repo.tasksWhere(ctx, bson.M{"workerId": workerID, "state": string(Accepted)})
	if err != nil {
		return nil, err
	}
	out := map[string]time.Time{}
	for _, d := range docs {
		if d.AcceptedAt.After(out[d.ChecklistID]) {
			out[d.ChecklistID] = d.AcceptedAt
		}
	}
	return out, nil
}
