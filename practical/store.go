package practical

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"gridskill"
	"gridskill/store"
)

// Collection names.
const (
	checklistsColl = "practical_checklists"
	tasksColl      = "practical_tasks"
)

// Indexes lists the indexes of the practical collections' query shapes.
func Indexes() []store.Index {
	return []store.Index{
		store.On(checklistsColl, bson.D{{Key: "unitPath", Value: 1}}),
		store.On(tasksColl, bson.D{{Key: "workerId", Value: 1}}),
		store.On(tasksColl, bson.D{{Key: "mentorId", Value: 1}}),
		store.On(tasksColl, bson.D{{Key: "checklistId", Value: 1}}),
		store.On(tasksColl, bson.D{{Key: "programmeId", Value: 1}}),
		store.On(programmesColl, bson.D{{Key: "unitPath", Value: 1}, {Key: "date", Value: -1}}),
		store.On(programmesColl, bson.D{{Key: "pairings.participantId", Value: 1}}),
		store.On(programmesColl, bson.D{{Key: "pairings.hostId", Value: 1}}),
	}
}

type itemDoc struct {
	ID          string   `bson:"id"`
	Heading     string   `bson:"heading,omitempty"`
	Description string   `bson:"description"`
	Evidence    []string `bson:"evidence"`
	Times       int      `bson:"times"`
}

type checklistDoc struct {
	ID        string    `bson:"_id"`
	Title     string    `bson:"title"`
	Summary   string    `bson:"summary,omitempty"`
	Hours     float64   `bson:"hours"`
	Items     []itemDoc `bson:"items"`
	UnitID    string    `bson:"unitId"`
	UnitPath  []string  `bson:"unitPath"`
	CreatedBy string    `bson:"createdBy"`
	CreatedAt time.Time `bson:"createdAt"`
}

type entryDoc struct {
	Note      string    `bson:"note,omitempty"`
	Count     int       `bson:"count,omitempty"`
	Date      string    `bson:"date,omitempty"`
	Place     string    `bson:"place,omitempty"`
	Photos    []string  `bson:"photos,omitempty"`
	State     string    `bson:"state"`
	Comment   string    `bson:"comment,omitempty"`
	UpdatedAt time.Time `bson:"updatedAt"`
}

type taskDoc struct {
	ID          string              `bson:"_id"`
	ChecklistID string              `bson:"checklistId"`
	Title       string              `bson:"title"`
	Hours       float64             `bson:"hours"`
	Items       []itemDoc           `bson:"items"`
	WorkerID    string              `bson:"workerId"`
	WorkerName  string              `bson:"workerName"`
	WorkerPath  []string            `bson:"workerPath"`
	MentorID    string              `bson:"mentorId"`
	MentorName  string              `bson:"mentorName"`
	Due         string              `bson:"due"`
	ProgrammeID string              `bson:"programmeId,omitempty"`
	State       string              `bson:"state"`
	Entries     map[string]entryDoc `bson:"entries,omitempty"`
	AssignedBy  string              `bson:"assignedBy"`
	AssignedAt  time.Time           `bson:"assignedAt"`
	SubmittedAt time.Time           `bson:"submittedAt,omitempty"`
	AcceptedAt  time.Time           `bson:"acceptedAt,omitempty"`
	// Credited is set once the accepted task's hours are on the worker's record.
	Credited bool `bson:"credited,omitempty"`
}

func itemDocs(items []Item) []itemDoc {
	out := make([]itemDoc, len(items))
	for i, it := range items {
		ev := make([]string, len(it.Evidence))
		for j, e := range it.Evidence {
			ev[j] = string(e)
		}
		out[i] = itemDoc{ID: it.ID, Heading: it.Heading, Description: it.Description, Evidence: ev, Times: it.Times}
	}
	return out
}

func itemsOf(docs []itemDoc) []Item {
	out := make([]Item, len(docs))
	for i, d := range docs {
		ev := make([]Evidence, len(d.Evidence))
		for j, e := range d.Evidence {
			ev[j] = Evidence(e)
		}
		out[i] = Item{ID: d.ID, Heading: d.Heading, Description: d.Description, Evidence: ev, Times: d.Times}
	}
	return out
}

func newChecklistDoc(c Checklist) checklistDoc {
	return checklistDoc{ID: c.ID, Title: c.Title, Summary: c.Summary, Hours: c.Hours, Items: itemDocs(c.Items), UnitID: c.UnitID,
		UnitPath: c.UnitPath, CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt}
}

func (d checklistDoc) checklist() Checklist {
	return Checklist{ID: d.ID, Title: d.Title, Summary: d.Summary, Hours: d.Hours, Items: itemsOf(d.Items), UnitID: d.UnitID,
		UnitPath: d.UnitPath, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt}
}

func newEntryDoc(e Entry) entryDoc {
	return entryDoc{Note: e.Note, Count: e.Count, Date: e.Date, Place: e.Place, Photos: e.Photos, State: string(e.State), Comment: e.Comment, UpdatedAt: e.UpdatedAt}
}

func newTaskDoc(t Task) taskDoc {
	d := taskDoc{ID: t.ID, ChecklistID: t.ChecklistID, Title: t.Title, Hours: t.Hours, Items: itemDocs(t.Items), WorkerID: t.WorkerID,
		WorkerName: t.WorkerName, WorkerPath: t.WorkerPath, MentorID: t.MentorID, MentorName: t.MentorName, Due: t.Due,
		ProgrammeID: t.ProgrammeID, State: string(t.State), AssignedBy: t.AssignedBy, AssignedAt: t.AssignedAt,
		SubmittedAt: t.SubmittedAt, AcceptedAt: t.AcceptedAt}
	if len(t.Entries) > 0 {
		d.Entries = map[string]entryDoc{}
		for id, e := range t.Entries {
			d.Entries[id] = newEntryDoc(e)
		}
	}
	return d
}

func (d taskDoc) task() Task {
	t := Task{ID: d.ID, ChecklistID: d.ChecklistID, Title: d.Title, Hours: d.Hours, Items: itemsOf(d.Items), WorkerID: d.WorkerID,
		WorkerName: d.WorkerName, WorkerPath: d.WorkerPath, MentorID: d.MentorID, MentorName: d.MentorName, Due: d.Due,
		ProgrammeID: d.ProgrammeID, State: State(d.State), AssignedBy: d.AssignedBy, AssignedAt: d.AssignedAt,
		SubmittedAt: d.SubmittedAt, AcceptedAt: d.AcceptedAt, Entries: map[string]Entry{}}
	for id, e := range d.Entries {
		t.Entries[id] = Entry{Note: e.Note, Count: e.Count, Date: e.Date, Place: e.Place, Photos: e.Photos, State: State(e.State), Comment: e.Comment, UpdatedAt: e.UpdatedAt}
	}
	return t
}

type repo struct {
	checklists, tasks, programmes *mongo.Collection
}

func newRepo(db *mongo.Database) repo {
	return repo{checklists: db.Collection(checklistsColl), tasks: db.Collection(tasksColl), programmes: db.Collection(programmesColl)}
}

func (r repo) insertChecklist(ctx context.Context, d checklistDoc) error {
	_, err := r.checklists.InsertOne(ctx, d)
	if store.IsDuplicate(err) {
		return gridskill.Errorf(gridskill.ECONFLICT, "a checklist with this id exists")
	}
	if err != nil {
		return gridskill.Internal(err)
	}
	return nil
}

func (r repo) checklist(ctx context.Context, id string) (checklistDoc, error) {
	return findOne[checklistDoc](ctx, r.checklists, id, func() error { return gridskill.Errorf(gridskill.ENOTFOUND, "no such checklist") })
}

func (r repo) checklistsIn(ctx context.Context, paths []string) ([]checklistDoc, error) {
	return findAll[checklistDoc](ctx, r.checklists, bson.M{"unitPath": bson.M{"$in": paths}}, bson.D{{Key: "createdAt", Value: -1}}, 200)
}

// insertTasks inserts new tasks; a duplicate id means stored already.
func (r repo) insertTasks(ctx context.Context, docs []taskDoc) error {
	all := make([]any, len(docs))
	for i, d := range docs {
		all[i] = d
	}
	for _, err := range store.InsertOnce(ctx, r.tasks, all) {
		if err != nil {
			return gridskill.Internal(err)
		}
	}
	return nil
}

func (r repo) task(ctx context.Context, id string) (taskDoc, error) {
	return findOne[taskDoc](ctx, r.tasks, id, func() error { return gridskill.Errorf(gridskill.ENOTFOUND, "no such task") })
}

func (r repo) tasksWhere(ctx context.Context, filter bson.M) ([]taskDoc, error) {
	return findAll[taskDoc](ctx, r.tasks, filter, bson.D{{Key: "assignedAt", Value: -1}}, 500)
}

// updateTask applies update to a task while it is still in one of the
// states; it reports whether it did (false: the task moved on meanwhile).
func (r repo) updateTask(ctx context.Context, id string, states []State, update bson.M) (bool, error) {
	in := make([]string, len(states))
	for i, s := range states {
		in[i] = string(s)
	}
	res, err := r.tasks.UpdateOne(ctx, bson.M{"_id": id, "state": bson.M{"$in": in}}, update)
	if err != nil {
		return false, gridskill.Internal(err)
	}
	return res.MatchedCount > 0, nil
}

func findOne[T any](ctx context.Context, c *mongo.Collection, id string, missing func() error) (T, error) {
	var d T
	err := c.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, missing()
	}
	if err != nil {
		return d, gridskill.Internal(err)
	}
	return d, nil
}

func findAll[T any](ctx context.Context, c *mongo.Collection, filter bson.M, sort bson.D, limit int64) ([]T, error) {
	cur, err := c.Find(ctx, filter, options.Find().SetSort(sort).SetLimit(limit))
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	var out []T
	if err := cur.All(ctx, &out); err != nil {
		return nil, gridskill.Internal(err)
	}
	return out, nil
}

const programmesColl = "practical_programmes"

type pairingDoc struct {
	ParticipantID   string    `bson:"participantId"`
	ParticipantName string    `bson:"participantName"`
	HostID          string    `bson:"hostId"`
	HostName        string    `bson:"hostName"`
	HostUnitID      string    `bson:"hostUnitId"`
	TaskID          string    `bson:"taskId"`
	SignedOffAt     time.Time `bson:"signedOffAt,omitempty"`
	Reflection      string    `bson:"reflection,omitempty"`
	ReflectedAt     time.Time `bson:"reflectedAt,omitempty"`
}

type programmeDoc struct {
	ID          string       `bson:"_id"`
	Title       string       `bson:"title"`
	Date        string       `bson:"date"`
	ChecklistID string       `bson:"checklistId"`
	Prompt      string       `bson:"prompt,omitempty"`
	UnitID      string       `bson:"unitId"`
	UnitPath    []string     `bson:"unitPath"`
	CreatedBy   string       `bson:"createdBy"`
	CreatedAt   time.Time    `bson:"createdAt"`
	Pairings    []pairingDoc `bson:"pairings"`
}

func newPairingDoc(p Pairing) pairingDoc {
	return pairingDoc{ParticipantID: p.ParticipantID, ParticipantName: p.ParticipantName, HostID: p.HostID, HostName: p.HostName,
		HostUnitID: p.HostUnitID, TaskID: p.TaskID, SignedOffAt: p.SignedOffAt, Reflection: p.Reflection, ReflectedAt: p.ReflectedAt}
}

func newProgrammeDoc(p Programme) programmeDoc {
	d := programmeDoc{ID: p.ID, Title: p.Title, Date: p.Date, ChecklistID: p.ChecklistID, Prompt: p.Prompt, UnitID: p.UnitID,
		UnitPath: p.UnitPath, CreatedBy: p.CreatedBy, CreatedAt: p.CreatedAt, Pairings: []pairingDoc{}}
	for _, pr := range p.Pairings {
		d.Pairings = append(d.Pairings, newPairingDoc(pr))
	}
	return d
}

func (d programmeDoc) programme() Programme {
	p := Programme{ID: d.ID, Title: d.Title, Date: d.Date, ChecklistID: d.ChecklistID, Prompt: d.Prompt, UnitID: d.UnitID,
		UnitPath: d.UnitPath, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt}
	for _, pr := range d.Pairings {
		p.Pairings = append(p.Pairings, Pairing{ParticipantID: pr.ParticipantID, ParticipantName: pr.ParticipantName, HostID: pr.HostID,
			HostName: pr.HostName, HostUnitID: pr.HostUnitID, TaskID: pr.TaskID, SignedOffAt: pr.SignedOffAt, Reflection: pr.Reflection, ReflectedAt: pr.ReflectedAt})
	}
	return p
}

func (r repo) insertProgramme(ctx context.Context, d programmeDoc) error {
	if _, err := r.programmes.InsertOne(ctx, d); err != nil {
		return gridskill.Internal(err)
	}
	return nil
}

func (r repo) programme(ctx context.Context, id string) (programmeDoc, error) {
	return findOne[programmeDoc](ctx, r.programmes, id, func() error { return gridskill.Errorf(gridskill.ENOTFOUND, "no such programme") })
}

func (r repo) programmesWhere(ctx context.Context, filter bson.M) ([]programmeDoc, error) {
	return findAll[programmeDoc](ctx, r.programmes, filter, bson.D{{Key: "date", Value: -1}}, 200)
}
