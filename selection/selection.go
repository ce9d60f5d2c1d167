// Package selection is the annual selection of excellent grid workers and
// grids (优秀网格员, 优秀网格): weighted criteria over recorded data plus the
// street's appraisal, a ranked and explained list, nomination and approval,
// and the honours that follow.
package selection

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"sort"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
	"gridskill/store"
)

// Facts gives a worker's recorded data as selection criteria (hours, exams,
// awards, tasks, cases); main wires it over courses, quiz, contest,
// practical and cases.
type Facts interface {
	Facts(ctx context.Context, worker people.User) (map[scoring.Criterion]float64, error)
}

// Accounts is what the service reads about people (people.Service).
type Accounts interface {
	User(ctx context.Context, id string) (people.User, error)
	Workers(ctx context.Context, scopeID string) ([]people.User, error)
	Tree(ctx context.Context) (*people.Tree, error)
}

// Evaluation is one year's selection in a unit.
type Evaluation struct {
	ID         string
	Title      string
	Year       int
	UnitID     string
	UnitPath   []string
	Weights    []scoring.Weight
	Appraisals map[string]float64
	Nominated  []string // workers and grids nominated
	Approved   bool
	ApprovedAt time.Time
	CreatedBy  string
	CreatedAt  time.Time
}

// Candidate is a worker's standing, explained.
type Candidate struct {
	Worker people.User
	scoring.SelectionRank
	Nominated bool
}

// Grid is a grid's standing: the mean of its workers' totals.
type Grid struct {
	Unit      people.Unit
	Total     float64
	Rank      int
	Workers   int
	Nominated bool
}

// Honour is an approved title held by a worker or a grid.
type Honour struct {
	ID       string
	Title    string // 优秀网格员 or 优秀网格
	Year     int
	HolderID string
	Holder   string
	UnitPath []string
	Awarded  time.Time
}

// Honour titles.
const (
	WorkerHonour = "优秀网格员"
	GridHonour   = "优秀网格"
)

// Input is what an organizer sets up.
type Input struct {
	Title   string
	Year    int
	Weights []scoring.Weight
}

var titleText = gridskill.Text{Field: "title", Max: 60}

// Validate checks an evaluation's fields. Errors: invalid.
func (in Input) Validate() error {
	switch {
	case strings.TrimSpace(in.Title) == "":
		return gridskill.Errorf(gridskill.EINVALID, "give it a title")
	case in.Year < 2000 || in.Year > 2100:
		return gridskill.Errorf(gridskill.EINVALID, "the year must be between 2000 and 2100")
	}
	var sum float64
	known := map[scoring.Criterion]bool{}
	for _, c := range scoring.Criteria() {
		known[c] = true
	}
	for _, w := range in.Weights {
		if !known[w.Criterion] || math.IsNaN(w.Weight) || w.Weight < 0 || w.Weight > 100 {
			return gridskill.Errorf(gridskill.EINVALID, "each weight is a number from 0 to 100")
		}
		sum += w.Weight
	}
	if sum <= 0 {
		return gridskill.Errorf(gridskill.EINVALID, "give at least one criterion a weight")
	}
	return titleText.Check(in.Title)
}

// Service is the annual selection.
type Service struct {
	evals, honours *mongo.Collection
	people         Accounts
	facts          Facts
	clock          gridskill.Clock
}

// NewService returns the selection service.
func NewService(db *mongo.Database, ps Accounts, facts Facts, clock gridskill.Clock) *Service {
	return &Service{evals: db.Collection(evalsColl), honours: db.Collection(honoursColl), people: ps, facts: facts, clock: clock}
}

// Collection names.
const (
	evalsColl   = "selections"
	honoursColl = "honours"
)

// Indexes lists the indexes of the selection collections' query shapes.
func Indexes() []store.Index {
	return []store.Index{
		store.On(evalsColl, bson.D{{Key: "unitPath", Value: 1}}),
		store.On(honoursColl, bson.D{{Key: "holderId", Value: 1}}),
	}
}

type weightDoc struct {
	Criterion string  `bson:"criterion"`
	Weight    float64 `bson:"weight"`
}

type evalDoc struct {
	ID         string             `bson:"_id"`
	Title      string             `bson:"title"`
	Year       int                `bson:"year"`
	UnitID     string             `bson:"unitId"`
	UnitPath   []string           `bson:"unitPath"`
	Weights    []weightDoc        `bson:"weights"`
	Appraisals map[string]float64 `bson:"appraisals"`
	Nominated  []string           `bson:"nominated"`
	Approved   bool               `bson:"approved"`
	ApprovedAt time.Time          `bson:"approvedAt,omitempty"`
	CreatedBy  string             `bson:"createdBy"`
	CreatedAt  time.Time          `bson:"createdAt"`
}

type honourDoc struct {
	ID       string    `bson:"_id"`
	Title    string    `bson:"title"`
	Year     int       `bson:"year"`
	HolderID string    `bson:"holderId"`
	Holder   string    `bson:"holder"`
	UnitPath []string  `bson:"unitPath"`
	Awarded  time.Time `bson:"awarded"`
}

func (d evalDoc) eval() Evaluation {
	e := Evaluation{ID: d.ID, Title: d.Title, Year: d.Year, UnitID: d.UnitID, UnitPath: d.UnitPath, Appraisals: d.Appraisals, Nominated: d.Nominated,
		Approved: d.Approved, ApprovedAt: d.ApprovedAt, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt}
	if e.Appraisals == nil {
		e.Appraisals = map[string]float64{}
	}
	for _, w := range d.Weights {
		e.Weights = append(e.Weights, scoring.Weight{Criterion: scoring.Criterion(w.Criterion), Weight: w.Weight})
	}
	return e
}

// Create sets up an evaluation of the actor's unit. Errors: forbidden, invalid.
func (s *Service) Create(ctx context.Context, actor people.User, in Input) (Evaluation, error) {
	if !actor.CanAdminister(actor.UnitPath) {
		return Evaluation{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only admins run the annual selection")
	}
	in.Title = strings.TrimSpace(in.Title)
	if err := in.Validate(); err != nil {
		return Evaluation{}, err
	}
	nonce := make([]byte, 8)
	_, _ = rand.Read(nonce)
	d := evalDoc{ID: "sel-" + hex.EncodeToString(nonce), Title: in.Title, Year: in.Year, UnitID: actor.UnitID, UnitPath: actor.UnitPath,
		Appraisals: map[string]float64{}, Nominated: []string{}, CreatedBy: actor.ID, CreatedAt: s.clock.Now()}
	for _, w := range in.Weights {
		d.Weights = append(d.Weights, weightDoc{Criterion: string(w.Criterion), Weight: w.Weight})
	}
	if _, err := s.evals.InsertOne(ctx, d); err != nil {
		return Evaluation{}, gridskill.Internal(err)
	}
	return d.eval(), nil
}

func digest(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:8])
}

// mayRead: admins of the evaluation's unit, or of a unit inside it (a
// street admin entering appraisals of a district's selection).
func mayRead(actor people.User, e Evaluation) bool {
	return actor.Active && actor.Role.IsAdmin() && (people.InScope(e.UnitPath, actor.UnitID) || people.InScope(actor.UnitPath, e.UnitID))
}

// Evaluation returns an evaluation to the admins of its area.
// Errors: invalid, not_found.
func (s *Service) Evaluation(ctx context.Context, actor people.User, id string) (Evaluation, error) {
	if !strings.HasPrefix(id, "sel-") || len(id) > 40 {
		return Evaluation{}, gridskill.Errorf(gridskill.EINVALID, "malformed selection id")
	}
	var d evalDoc
	err := s.evals.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Evaluation{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such selection")
	}
	if err != nil {
		return Evaluation{}, gridskill.Internal(err)
	}
	e := d.eval()
	if !mayRead(actor, e) {
		return Evaluation{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such selection")
	}
	return e, nil
}

// Evaluations lists the evaluations the actor may read. Errors: forbidden, internal.
func (s *Service) Evaluations(ctx context.Context, actor people.User) ([]Evaluation, error) {
	if !actor.Role.IsAdmin() || !actor.Active {
		return nil, gridskill.Errorf(gridskill.EFORBIDDEN, "only admins run the annual selection")
	}
	cur, err := s.evals.Find(ctx, bson.M{"$or": bson.A{bson.M{"unitPath": actor.UnitID}, bson.M{"unitId": bson.M{"$in": actor.UnitPath}}}},
		options.Find().SetSort(bson.D{{Key: "year", Value: -1}}).SetLimit(100))
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	var docs []evalDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, gridskill.Internal(err)
	}
	var out []Evaluation
	for _, d := range docs {
		if e := d.eval(); mayRead(actor, e) {
			out = append(out, e)
		}
	}
	return out, nil
}

// Appraise enters the street's appraisal score (评议, 0–100) of a worker:
// an admin of the worker's area, before approval. Errors: invalid, not_found, forbidden, conflict.
func (s *Service) Appraise(ctx context.Context, actor people.User, id, workerID string, score float64) error {
	e, err := s.Evaluation(ctx, actor, id)
	if err != nil {
		return err
	}
	if e.Approved {
		return gridskill.Errorf(gridskill.ECONFLICT, "the selection is approved already")
	}
	if math.IsNaN(score) || score < 0 || score > 100 {
		return gridskill.Errorf(gridskill.EINVALID, "the appraisal is a score from 0 to 100")
	}
	w, err := s.people.User(ctx, workerID)
	if err != nil {
		return err
	}
	if w.Role != people.Worker || !people.InScope(w.UnitPath, e.UnitID) || !actor.CanAdminister(w.UnitPath) {
		return gridskill.Errorf(gridskill.EFORBIDDEN, "this worker is outside your area or the selection")
	}
	_, err = s.evals.UpdateOne(ctx, bson.M{"_id": e.ID, "approved": false}, bson.M{"$set": bson.M{"appraisals." + w.ID: score}})
	if err != nil {
		return gridskill.Internal(err)
	}
	return nil
}

// Ranking ranks the workers of the evaluation's unit that lie in the
// actor's area, criterion by criterion, and their grids by the mean of
// their workers' totals. Errors: invalid, not_found, internal.
func (s *Service) Ranking(ctx context.Context, actor people.User, id string) (Evaluation, []Candidate, []Grid, error) {
	e, err := s.Evaluation(ctx, actor, id)
	if err != nil {
		return Evaluation{}, nil, nil, err
	}
	scope := e.UnitID
	if people.InScope(actor.UnitPath, e.UnitID) {
		scope = actor.UnitID
	}
	workers, err := s.people.Workers(ctx, scope)
	if err != nil {
		return Evaluation{}, nil, nil, err
	}
	byID := map[string]people.User{}
	var stand []scoring.Standing
	for _, w := range workers {
		if !w.Active {
			continue
		}
		vals, err := s.facts.Facts(ctx, w)
		if err != nil {
			return Evaluation{}, nil, nil, err
		}
		vals[scoring.CritAppraisal] = e.Appraisals[w.ID]
		byID[w.ID] = w
		stand = append(stand, scoring.Standing{ID: w.ID, Values: vals})
	}
	nominated := map[string]bool{}
	for _, n := range e.Nominated {
		nominated[n] = true
	}
	var cands []Candidate
	sum, count := map[string]float64{}, map[string]int{}
	for _, r := range scoring.RankSelection(e.Weights, stand) {
		w := byID[r.ID]
		cands = append(cands, Candidate{Worker: w, SelectionRank: r, Nominated: nominated[w.ID]})
		sum[w.UnitID] += r.Total
		count[w.UnitID]++
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return Evaluation{}, nil, nil, err
	}
	var grids []Grid
	for gid, n := range count {
		u, _ := tree.Unit(gid)
		grids = append(grids, Grid{Unit: u, Total: math.Round(sum[gid]/float64(n)*100) / 100, Workers: n, Nominated: nominated[gid]})
	}
	sort.Slice(grids, func(i, j int) bool {
		if grids[i].Total != grids[j].Total {
			return grids[i].Total > grids[j].Total
		}
		return grids[i].Unit.ID < grids[j].Unit.ID
	})
	for i := range grids {
		grids[i].Rank = i + 1
		if i > 0 && grids[i].Total == grids[i-1].Total {
			grids[i].Rank = grids[i-1].Rank
		}
	}
	return e, cands, grids, nil
}

// organizer: an admin whose unit runs the evaluation or lies above it.
func organizer(actor people.User, e Evaluation) bool { return actor.CanAdminister(e.UnitPath) }

// Nominate sets whether a worker or grid of the evaluation's unit is
// nominated; the organizer only, before approval.
// Errors: invalid, not_found, forbidden, conflict.
func (s *Service) Nominate(ctx context.Context, actor people.User, id, holderID string, on bool) error {
	e, err := s.Evaluation(ctx, actor, id)
	if err != nil {
		return err
	}
	if !organizer(actor, e) {
		return gridskill.Errorf(gridskill.EFORBIDDEN, "only the selection's organizers nominate")
	}
	if e.Approved {
		return gridskill.Errorf(gridskill.ECONFLICT, "the selection is approved already")
	}
	h, err := s.holder(ctx, e, holderID)
	if err != nil {
		return err
	}
	op := "$addToSet"
	if !on {
		op = "$pull"
	}
	if _, err := s.evals.UpdateOne(ctx, bson.M{"_id": e.ID, "approved": false}, bson.M{op: bson.M{"nominated": h.HolderID}}); err != nil {
		return gridskill.Internal(err)
	}
	return nil
}

// holder is the honour a nominee would hold: a worker or a grid of the unit.
func (s *Service) holder(ctx context.Context, e Evaluation, id string) (Honour, error) {
	h := Honour{Year: e.Year, HolderID: id}
	if w, err := s.people.User(ctx, id); err == nil && w.Role == people.Worker && people.InScope(w.UnitPath, e.UnitID) {
		h.Title, h.Holder, h.UnitPath, h.HolderID = WorkerHonour, w.Name, w.UnitPath, w.ID
		return h, nil
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return Honour{}, err
	}
	if u, ok := tree.Unit(id); ok && u.Kind == people.Grid && u.Within(e.UnitID) {
		h.Title, h.Holder, h.UnitPath, h.HolderID = GridHonour, u.Name, u.Path, u.ID
		return h, nil
	}
	return Honour{}, gridskill.Errorf(gridskill.EINVALID, "nominate a grid worker or a grid of the selection's unit")
}

// Approve closes the selection and awards its nominees their honours.
// Errors: invalid, not_found, forbidden, conflict.
func (s *Service) Approve(ctx context.Context, actor people.User, id string) ([]Honour, error) {
	e, err := s.Evaluation(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !organizer(actor, e) {
		return nil, gridskill.Errorf(gridskill.EFORBIDDEN, "only the selection's organizers approve")
	}
	if len(e.Nominated) == 0 {
		return nil, gridskill.Errorf(gridskill.EINVALID, "nominate someone first")
	}
	now := s.clock.Now()
	var docs []any
	var out []Honour
	for _, n := range e.Nominated {
		h, err := s.holder(ctx, e, n)
		if err != nil {
			continue
		}
		h.ID, h.Awarded = "hon-"+digest(e.ID, n), now
		out = append(out, h)
		docs = append(docs, honourDoc{ID: h.ID, Title: h.Title, Year: h.Year, HolderID: h.HolderID, Holder: h.Holder, UnitPath: h.UnitPath, Awarded: now})
	}
	// Honours first (a duplicate is one already awarded), then the flag: a
	// crash between leaves honours that a second approval finds stored.
	for _, err := range store.InsertOnce(ctx, s.honours, docs) {
		if err != nil {
			return nil, gridskill.Internal(err)
		}
	}
	if _, err := s.evals.UpdateOne(ctx, bson.M{"_id": e.ID}, bson.M{"$set": bson.M{"approved": true, "approvedAt": now}}); err != nil {
		return nil, gridskill.Internal(err)
	}
	return out, nil
}

// Honours returns the honours held by a worker and by their grid, for the
// transcript. It reads for the transcript, whose caller checks the viewer.
// Errors: internal.
func (s *Service) Honours(ctx context.Context, worker people.User) ([]Honour, error) {
	cur, err := s.honours.Find(ctx, bson.M{"holderId": bson.M{"$in": []string{worker.ID, worker.UnitID}}}, options.Find().SetSort(bson.D{{Key: "year", Value: -1}}))
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	var docs []honourDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, gridskill.Internal(err)
	}
	out := make([]Honour, len(docs))
	for i, d := range docs {
		out[i] = Honour{ID: d.ID, Title: d.Title, Year: d.Year, HolderID: d.HolderID, Holder: d.Holder, UnitPath: d.UnitPath, Awarded: d.Awarded}
	}
	return out, nil
}
