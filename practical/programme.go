package practical

import (
	"context"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill"
	"gridskill/people"
)

// Programme is a shadowing day (跟岗, "今天我当网格员"): cadres of an office
// each spend a day with a host grid worker, do a checklist that the host
// reviews, the host signs the day off and the cadre writes a reflection.
type Programme struct {
	ID          string
	Title       string
	Date        string // YYYY-MM-DD
	ChecklistID string
	// Prompt is the reflection form's question.
	Prompt    string
	UnitID    string
	UnitPath  []string
	CreatedBy string
	CreatedAt time.Time
	Pairings  []Pairing
}

// Pairing is one participant with their host.
type Pairing struct {
	ParticipantID   string
	ParticipantName string
	HostID          string
	HostName        string
	HostUnitID      string
	TaskID          string
	SignedOffAt     time.Time
	Reflection      string
	ReflectedAt     time.Time
}

// ProgrammeInput is what an organizer types for a programme.
type ProgrammeInput struct {
	Title, Date, ChecklistID, Prompt string
}

var (
	promptText     = gridskill.Text{Field: "reflection question", Max: 200, Multiline: true}
	reflectionText = gridskill.Text{Field: "reflection", Max: 3000, Multiline: true}
)

// Validate checks a programme's fields. Errors: invalid.
func (in ProgrammeInput) Validate() error {
	switch {
	case strings.TrimSpace(in.Title) == "":
		return gridskill.Errorf(gridskill.EINVALID, "the programme needs a title")
	case !validDate(in.Date):
		return gridskill.Errorf(gridskill.EINVALID, "the date must look like 2026-11-24")
	case !ValidID(in.ChecklistID):
		return gridskill.Errorf(gridskill.EINVALID, "choose the checklist of the day")
	}
	return firstErr(titleText.Check(in.Title), promptText.Check(in.Prompt))
}

// Of returns the pairing of a participant or host, if the account has one.
func (p Programme) Of(userID string) (Pairing, bool) {
	for _, pr := range p.Pairings {
		if pr.ParticipantID == userID {
			return pr, true
		}
	}
	for _, pr := range p.Pairings {
		if pr.HostID == userID {
			return pr, true
		}
	}
	return Pairing{}, false
}

// CreateProgramme stores a programme run by the actor's unit: an admin's.
// Errors: forbidden, invalid, not_found.
func (s *Service) CreateProgramme(ctx context.Context, actor people.User, in ProgrammeInput) (Programme, error) {
	if !actor.CanAdminister(actor.UnitPath) {
		return Programme{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only admins organize shadowing days")
	}
	in.Title, in.Date, in.Prompt, in.ChecklistID = strings.TrimSpace(in.Title), strings.TrimSpace(in.Date), strings.TrimSpace(in.Prompt), strings.TrimSpace(in.ChecklistID)
	if err := in.Validate(); err != nil {
		return Programme{}, err
	}
	if _, err := s.Checklist(ctx, actor, in.ChecklistID); err != nil {
		return Programme{}, err
	}
	p := Programme{ID: newID("sp-"), Title: in.Title, Date: in.Date, ChecklistID: in.ChecklistID, Prompt: in.Prompt,
		UnitID: actor.UnitID, UnitPath: actor.UnitPath, CreatedBy: actor.ID, CreatedAt: s.clock.Now()}
	return p, s.repo.insertProgramme(ctx, newProgrammeDoc(p))
}

// canOrganize: an admin whose area holds the programme's unit.
func canOrganize(actor people.User, p Programme) bool { return actor.CanAdminister(p.UnitPath) }

// Programme returns a programme: whole to its organizers, and to a
// participant or host with their own pairings only. Anyone else, another
// programme's participants included, is told it does not exist.
// Errors: invalid, not_found.
func (s *Service) Programme(ctx context.Context, actor people.User, id string) (Programme, error) {
	if !ValidID(id) {
		return Programme{}, gridskill.Errorf(gridskill.EINVALID, "malformed programme id")
	}
	d, err := s.repo.programme(ctx, id)
	if err != nil {
		return Programme{}, err
	}
	p := d.programme()
	if canOrganize(actor, p) {
		return p, nil
	}
	var mine []Pairing
	for _, pr := range p.Pairings {
		if pr.ParticipantID == actor.ID || pr.HostID == actor.ID {
			mine = append(mine, pr)
		}
	}
	if len(mine) == 0 || !actor.Active {
		return Programme{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such programme")
	}
	p.Pairings = mine
	return p, nil
}

// Programmes lists the programmes the actor organizes, takes part in or hosts.
// Errors: internal.
func (s *Service) Programmes(ctx context.Context, actor people.User) ([]Programme, error) {
	filter := bson.M{"$or": bson.A{bson.M{"pairings.participantId": actor.ID}, bson.M{"pairings.hostId": actor.ID}}}
	if actor.Role.IsAdmin() && actor.Active {
		filter = bson.M{"unitPath": actor.UnitID}
	}
	docs, err := s.repo.programmesWhere(ctx, filter)
	if err != nil {
		return nil, err
	}
	var out []Programme
	for _, d := range docs {
		if p, err := s.Programme(ctx, actor, d.ID); err == nil {
			out = append(out, p)
		}
	}
	return out, nil
}

// Pair adds a participant (an active cadre account of the programme's unit
// or inside it) with a host (an active grid worker inside it); the
// participant gets the programme's checklist, due on its date, with the host
// as mentor. Pairing the same participant again is refused.
// Errors: forbidden, invalid, not_found, conflict.
func (s *Service) Pair(ctx context.Context, actor people.User, programmeID, participantPhone, hostPhone string) (Programme, error) {
	p, err := s.Programme(ctx, actor, programmeID)
	if err != nil {
		return Programme{}, err
	}
	if !canOrganize(actor, p) {
		return Programme{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only the programme's organizers pair participants")
	}
	pp, hp := people.NormalizePhone(participantPhone), people.NormalizePhone(hostPhone)
	known, err := s.people.ByPhones(ctx, []string{pp, hp})
	if err != nil {
		return Programme{}, err
	}
	cadre, okC := known[pp]
	host, okH := known[hp]
	switch {
	case !okC || !cadre.Active || cadre.Role != people.Cadre:
		return Programme{}, gridskill.Errorf(gridskill.EINVALID, "the participant needs an active shadowing participant's account (role 跟岗干部)")
	case !people.InScope(cadre.UnitPath, p.UnitID):
		return Programme{}, gridskill.Errorf(gridskill.EFORBIDDEN, "the participant is outside the programme's unit")
	case !okH || !host.Active || host.Role != people.Worker:
		return Programme{}, gridskill.Errorf(gridskill.EINVALID, "the host must be an active grid worker")
	case !people.InScope(host.UnitPath, p.UnitID):
		return Programme{}, gridskill.Errorf(gridskill.EFORBIDDEN, "the host is outside the programme's unit")
	}
	if _, dup := p.Of(cadre.ID); dup {
		return Programme{}, gridskill.Errorf(gridskill.ECONFLICT, "this participant is paired already")
	}
	c, err := s.Checklist(ctx, actor, p.ChecklistID)
	if err != nil {
		return Programme{}, err
	}
	now := s.clock.Now()
	t := Task{ID: taskID(c.ID, cadre.ID, p.Date+":"+p.ID), ChecklistID: c.ID, Title: c.Title, Hours: c.Hours, Items: c.Items,
		WorkerID: cadre.ID, WorkerName: cadre.Name, WorkerPath: cadre.UnitPath, MentorID: host.ID, MentorName: host.Name, Due: p.Date,
		ProgrammeID: p.ID, State: Open, Entries: map[string]Entry{}, AssignedBy: actor.ID, AssignedAt: now}
	// The task first: a pairing always names a task that exists.
	if err := s.repo.insertTasks(ctx, []taskDoc{newTaskDoc(t)}); err != nil {
		return Programme{}, err
	}
	pr := Pairing{ParticipantID: cadre.ID, ParticipantName: cadre.Name, HostID: host.ID, HostName: host.Name, HostUnitID: host.UnitID, TaskID: t.ID}
	res, err := s.repo.programmes.UpdateOne(ctx, bson.M{"_id": p.ID, "pairings.participantId": bson.M{"$ne": cadre.ID}},
		bson.M{"$push": bson.M{"pairings": newPairingDoc(pr)}})
	if err != nil {
		return Programme{}, gridskill.Internal(err)
	}
	if res.MatchedCount == 0 {
		return Programme{}, gridskill.Errorf(gridskill.ECONFLICT, "this participant is paired already")
	}
	p.Pairings = append(p.Pairings, pr)
	return p, nil
}

// setPairing writes fields of one participant's pairing. Errors: not_found, internal.
func (s *Service) setPairing(ctx context.Context, programmeID, participantID string, set bson.M) error {
	d, err := s.repo.programme(ctx, programmeID)
	if err != nil {
		return err
	}
	for i, pr := range d.Pairings {
		if pr.ParticipantID != participantID {
			continue
		}
		full := bson.M{}
		for k, v := range set {
			full["pairings."+itoa(i)+"."+k] = v
		}
		_, err := s.repo.programmes.UpdateOne(ctx, bson.M{"_id": d.ID, "pairings." + itoa(i) + ".participantId": participantID}, bson.M{"$set": full})
		if err != nil {
			return gridskill.Internal(err)
		}
		return nil
	}
	return gridskill.Errorf(gridskill.ENOTFOUND, "no such pairing")
}

// SignOff is the host's signature under the participant's day.
// Errors: invalid, not_found, forbidden.
func (s *Service) SignOff(ctx context.Context, actor people.User, programmeID, participantID string) (Programme, error) {
	p, err := s.Programme(ctx, actor, programmeID)
	if err != nil {
		return Programme{}, err
	}
	hosts := false
	for _, pr := range p.Pairings {
		hosts = hosts || pr.ParticipantID == participantID && pr.HostID == actor.ID
	}
	if !hosts {
		return Programme{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only the participant's host signs the day off")
	}
	if err := s.setPairing(ctx, programmeID, participantID, bson.M{"signedOffAt": s.clock.Now()}); err != nil {
		return Programme{}, err
	}
	return s.Programme(ctx, actor, programmeID)
}

// Reflect stores the participant's reflection (心得体会) on their day; it
// may be rewritten. Errors: invalid, not_found, forbidden.
func (s *Service) Reflect(ctx context.Context, actor people.User, programmeID, text string) (Programme, error) {
	p, err := s.Programme(ctx, actor, programmeID)
	if err != nil {
		return Programme{}, err
	}
	if own, ok := p.Of(actor.ID); !ok || own.ParticipantID != actor.ID {
		return Programme{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only a participant writes a reflection")
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return Programme{}, gridskill.Errorf(gridskill.EINVALID, "write your reflection first")
	}
	if err := reflectionText.Check(text); err != nil {
		return Programme{}, err
	}
	if err := s.setPairing(ctx, programmeID, actor.ID, bson.M{"reflection": text, "reflectedAt": s.clock.Now()}); err != nil {
		return Programme{}, err
	}
	return s.Programme(ctx, actor, programmeID)
}

// SummaryRow is one pairing in the organizer's summary.
type SummaryRow struct {
	Pairing
	Accepted, Recorded, Items int
	TaskState                 State
}

// Summary is the organizer's view of a programme: who shadowed whom, items
// done and reflections. Errors: invalid, not_found, forbidden.
func (s *Service) Summary(ctx context.Context, actor people.User, programmeID string) (Programme, []SummaryRow, error) {
	p, err := s.Programme(ctx, actor, programmeID)
	if err != nil {
		return Programme{}, nil, err
	}
	if !canOrganize(actor, p) {
		return Programme{}, nil, gridskill.Errorf(gridskill.EFORBIDDEN, "only the programme's organizers see its summary")
	}
	docs, err := s.repo.tasksWhere(ctx, bson.M{"programmeId": p.ID})
	if err != nil {
		return Programme{}, nil, err
	}
	tasks := map[string]Task{}
	for _, d := range docs {
		tasks[d.ID] = d.task()
	}
	rows := make([]SummaryRow, 0, len(p.Pairings))
	for _, pr := range p.Pairings {
		t := tasks[pr.TaskID]
		rows = append(rows, SummaryRow{Pairing: pr, Accepted: t.AcceptedCount(), Recorded: t.RecordedCount(), Items: len(t.Items), TaskState: t.State})
	}
	return p, rows, nil
}
