package rotation

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/courses"
	"gridskill/people"
)

// Accounts is what the service reads about people (people.Service).
type Accounts interface {
	User(ctx context.Context, id string) (people.User, error)
	ByPhones(ctx context.Context, phones []string) (map[string]people.User, error)
	Workers(ctx context.Context, scopeID string) ([]people.User, error)
}

// Sessions reads offline sessions with their sign-in (courses.Service).
type Sessions interface {
	Session(ctx context.Context, actor people.User, id string) (courses.Session, error)
}

// Service is rotation plans and placements.
type Service struct {
	repo     repo
	people   Accounts
	sessions Sessions
	clock    gridskill.Clock
}

// NewService returns the rotation service.
func NewService(db *mongo.Database, ps Accounts, sessions Sessions, clock gridskill.Clock) *Service {
	return &Service{repo: newRepo(db), people: ps, sessions: sessions, clock: clock}
}

func newID(prefix string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// CreatePlan stores a plan for the actor's unit. Errors: forbidden, invalid.
func (s *Service) CreatePlan(ctx context.Context, actor people.User, in PlanInput) (Plan, error) {
	if !actor.CanAdminister(actor.UnitPath) {
		return Plan{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only admins plan rotation training")
	}
	in.Title = strings.TrimSpace(in.Title)
	if err := in.Validate(); err != nil {
		return Plan{}, err
	}
	p := Plan{ID: newID("rp-"), Title: in.Title, CycleStart: in.CycleStart, CycleEnd: in.CycleEnd, UnitID: actor.UnitID, UnitPath: actor.UnitPath,
		CreatedBy: actor.ID, CreatedAt: s.clock.Now()}
	return p, s.repo.insertPlan(ctx, newPlanDoc(p))
}

// Plan returns a plan to the admins of its area. Errors: invalid, not_found.
func (s *Service) Plan(ctx context.Context, actor people.User, id string) (Plan, error) {
	if !ValidID(id) {
		return Plan{}, gridskill.Errorf(gridskill.EINVALID, "malformed plan id")
	}
	d, err := s.repo.plan(ctx, id)
	if err != nil {
		return Plan{}, err
	}
	if !actor.CanAdminister(d.UnitPath) {
		return Plan{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such plan")
	}
	return d.plan(), nil
}

// Plans lists the plans of the actor's area. Errors: forbidden, internal.
func (s *Service) Plans(ctx context.Context, actor people.User) ([]Plan, error) {
	if !actor.CanAdminister(actor.UnitPath) {
		return nil, gridskill.Errorf(gridskill.EFORBIDDEN, "only admins plan rotation training")
	}
	docs, err := s.repo.plansIn(ctx, actor.UnitID)
	if err != nil {
		return nil, err
	}
	out := make([]Plan, len(docs))
	for i, d := range docs {
		out[i] = d.plan()
	}
	return out, nil
}

// AddBatch adds a batch inside the plan's cycle. Errors: invalid, not_found.
func (s *Service) AddBatch(ctx context.Context, actor people.User, planID string, in BatchInput) (Plan, error) {
	p, err := s.Plan(ctx, actor, planID)
	if err != nil {
		return Plan{}, err
	}
	in.Title = strings.TrimSpace(in.Title)
	if err := checkSpan(in.Title, in.Start, in.End); err != nil {
		return Plan{}, err
	}
	if in.Start < p.CycleStart || in.End > p.CycleEnd {
		return Plan{}, gridskill.Errorf(gridskill.EINVALID, "the batch must lie inside the plan's cycle")
	}
	if len(p.Batches) >= 50 {
		return Plan{}, gridskill.Errorf(gridskill.EINVALID, "a plan has at most %d batches", 50)
	}
	for _, m := range in.Modules {
		if !ValidID(m) {
			return Plan{}, gridskill.Errorf(gridskill.EINVALID, "malformed module id")
		}
	}
	b := Batch{ID: fmt.Sprintf("b%d", len(p.Batches)+1), Title: in.Title, Start: in.Start, End: in.End, Modules: in.Modules}
	ok, err := s.repo.update(ctx, bson.M{"_id": p.ID, "batches.id": bson.M{"$ne": b.ID}}, bson.M{"$push": bson.M{"batches": newBatchDoc(b)}})
	if err != nil {
		return Plan{}, err
	}
	if !ok {
		return Plan{}, gridskill.Errorf(gridskill.ECONFLICT, "the plan changed meanwhile; reload and try again")
	}
	p.Batches = append(p.Batches, b)
	return p, nil
}

func batchIndex(p Plan, batchID string) (int, error) {
	for i, b := range p.Batches {
		if b.ID == batchID {
			return i, nil
		}
	}
	return 0, gridskill.Errorf(gridskill.ENOTFOUND, "no such batch")
}

// Schedule puts workers of the plan's units, by phone, in a batch. Each
// worker is in one batch of a plan; one scheduled elsewhere is refused with
// the batch named. Everyone is checked first. Errors: invalid (with rows), not_found.
func (s *Service) Schedule(ctx context.Context, actor people.User, planID, batchID string, phones []string) (Plan, error) {
	p, err := s.Plan(ctx, actor, planID)
	if err != nil {
		return Plan{}, err
	}
	i, err := batchIndex(p, batchID)
	if err != nil {
		return Plan{}, err
	}
	if len(phones) == 0 || len(phones) > 2000 {
		return Plan{}, gridskill.Errorf(gridskill.EINVALID, "name one to %d people", 2000)
	}
	for k := range phones {
		phones[k] = people.NormalizePhone(phones[k])
	}
	known, err := s.people.ByPhones(ctx, phones)
	if err != nil {
		return Plan{}, err
	}
	var problems []gridskill.FieldError
	var ids []string
	seen := map[string]bool{}
	for n, ph := range phones {
		bad := func(reason string, args ...any) {
			problems = append(problems, gridskill.FieldError{Row: n + 1, Field: "phone", Reason: reason, Args: args})
		}
		u, ok := known[ph]
		switch {
		case !ok || !u.Active || u.Role != people.Worker:
			bad("no active grid worker has this phone number")
		case !people.InScope(u.UnitPath, p.UnitID):
			bad("this person is outside the plan's units")
		case seen[u.ID]:
			bad("named twice")
		default:
			if b, in := p.BatchOf(u.ID); in {
				if b.ID != batchID {
					bad("already scheduled in %s", b.Title)
				}
				continue
			}
			ids = append(ids, u.ID)
		}
		seen[u.ID] = true
	}
	if len(problems) > 0 {
		e := gridskill.Errorf(gridskill.EINVALID, "%d people could not be scheduled; nobody was", len(problems))
		e.Fields = problems
		return Plan{}, e
	}
	if len(ids) == 0 {
		return p, nil
	}
	field := fmt.Sprintf("batches.%d.people", i)
	if _, err := s.repo.update(ctx, bson.M{"_id": p.ID}, bson.M{"$addToSet": bson.M{field: bson.M{"$each": ids}}}); err != nil {
		return Plan{}, err
	}
	return s.Plan(ctx, actor, planID)
}

// LinkSession counts an offline session's sign-in as the batch's
// attendance. Errors: invalid, not_found, forbidden.
func (s *Service) LinkSession(ctx context.Context, actor people.User, planID, batchID, sessionID string) (Plan, error) {
	p, err := s.Plan(ctx, actor, planID)
	if err != nil {
		return Plan{}, err
	}
	i, err := batchIndex(p, batchID)
	if err != nil {
		return Plan{}, err
	}
	if _, err := s.sessions.Session(ctx, actor, sessionID); err != nil {
		return Plan{}, err
	}
	field := fmt.Sprintf("batches.%d.sessions", i)
	if _, err := s.repo.update(ctx, bson.M{"_id": p.ID}, bson.M{"$addToSet": bson.M{field: sessionID}}); err != nil {
		return Plan{}, err
	}
	return s.Plan(ctx, actor, planID)
}

// Row is one worker of the plan's units: where they are scheduled and
// whether an offline session of that batch has them signed in.
type Row struct {
	Worker   people.User
	Batch    *Batch
	Attended bool
}

// Coverage lists every worker of the plan's units, scheduled ones first by
// batch, then those not scheduled yet. Errors: invalid, not_found.
func (s *Service) Coverage(ctx context.Context, actor people.User, planID string) (Plan, []Row, error) {
	p, err := s.Plan(ctx, actor, planID)
	if err != nil {
		return Plan{}, nil, err
	}
	workers, err := s.people.Workers(ctx, p.UnitID)
	if err != nil {
		return Plan{}, nil, err
	}
	signed := map[string]map[string]bool{} // batch → workers signed in
	for _, b := range p.Batches {
		signed[b.ID] = map[string]bool{}
		for _, sid := range b.Sessions {
			sess, err := s.sessions.Session(ctx, actor, sid)
			if err != nil {
				continue // a session outside the viewer's area counts for nobody here
			}
			for _, a := range sess.Attendees {
				signed[b.ID][a.ID] = true
			}
		}
	}
	var scheduled, rest []Row
	for _, w := range workers {
		if !w.Active {
			continue
		}
		if b, ok := p.BatchOf(w.ID); ok {
			scheduled = append(scheduled, Row{Worker: w, Batch: &b, Attended: signed[b.ID][w.ID]})
		} else {
			rest = append(rest, Row{Worker: w})
		}
	}
	return p, append(scheduled, rest...), nil
}

// RecordPlacement records a placement on a worker's record, by an admin of
// the worker's area. Errors: invalid, not_found, forbidden.
func (s *Service) RecordPlacement(ctx context.Context, actor people.User, workerID string, in PlacementInput) (Placement, error) {
	if workerID == "" || len(workerID) > 64 {
		return Placement{}, gridskill.Errorf(gridskill.EINVALID, "malformed account id")
	}
	w, err := s.people.User(ctx, workerID)
	if err != nil {
		return Placement{}, err
	}
	if !actor.CanAdminister(w.UnitPath) {
		return Placement{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this account is outside your area")
	}
	in.Place, in.Evaluation = strings.TrimSpace(in.Place), strings.TrimSpace(in.Evaluation)
	if err := in.Validate(); err != nil {
		return Placement{}, err
	}
	pl := Placement{ID: newID("pl-"), WorkerID: w.ID, WorkerName: w.Name, WorkerPath: w.UnitPath, Kind: in.Kind, Place: in.Place, Start: in.Start,
		Days: in.Days, Evaluation: in.Evaluation, Rating: in.Rating, RecordedBy: actor.ID, RecordedAt: s.clock.Now()}
	return pl, s.repo.insertPlacement(ctx, newPlacementDoc(pl))
}

// Placements lists a worker's placements: to the worker, and to trainers
// and admins of the worker's area. Errors: invalid, not_found, forbidden.
func (s *Service) Placements(ctx context.Context, actor people.User, workerID string) ([]Placement, error) {
	if workerID != actor.ID {
		w, err := s.people.User(ctx, workerID)
		if err != nil {
			return nil, err
		}
		if !actor.CanTeach(w.UnitPath) {
			return nil, gridskill.Errorf(gridskill.EFORBIDDEN, "this account is outside your area")
		}
	}
	docs, err := s.repo.placementsOf(ctx, workerID)
	if err != nil {
		return nil, err
	}
	out := make([]Placement, len(docs))
	for i, d := range docs {
		out[i] = d.placement()
	}
	return out, nil
}
