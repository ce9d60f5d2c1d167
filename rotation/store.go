package rotation

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
	plansColl      = "rotation_plans"
	placementsColl = "placements"
)

// Indexes lists the indexes of the rotation collections' query shapes.
func Indexes() []store.Index {
	return []store.Index{
		store.On(plansColl, bson.D{{Key: "unitPath", Value: 1}}),
		store.On(placementsColl, bson.D{{Key: "workerId", Value: 1}}),
	}
}

type batchDoc struct {
	ID       string   `bson:"id"`
	Title    string   `bson:"title"`
	Start    string   `bson:"start"`
	End      string   `bson:"end"`
	Sessions []string `bson:"sessions"`
	Modules  []string `bson:"modules"`
	People   []string `bson:"people"`
}

type planDoc struct {
	ID         string     `bson:"_id"`
	Title      string     `bson:"title"`
	CycleStart string     `bson:"cycleStart"`
	CycleEnd   string     `bson:"cycleEnd"`
	UnitID     string     `bson:"unitId"`
	UnitPath   []string   `bson:"unitPath"`
	Batches    []batchDoc `bson:"batches"`
	CreatedBy  string     `bson:"createdBy"`
	CreatedAt  time.Time  `bson:"createdAt"`
}

type placementDoc struct {
	ID         string    `bson:"_id"`
	WorkerID   string    `bson:"workerId"`
	WorkerName string    `bson:"workerName"`
	WorkerPath []string  `bson:"workerPath"`
	Kind       string    `bson:"kind"`
	Place      string    `bson:"place"`
	Start      string    `bson:"start"`
	Days       int       `bson:"days"`
	Evaluation string    `bson:"evaluation,omitempty"`
	Rating     int       `bson:"rating"`
	RecordedBy string    `bson:"recordedBy"`
	RecordedAt time.Time `bson:"recordedAt"`
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func newBatchDoc(b Batch) batchDoc {
	return batchDoc{ID: b.ID, Title: b.Title, Start: b.Start, End: b.End, Sessions: orEmpty(b.Sessions), Modules: orEmpty(b.Modules), People: orEmpty(b.People)}
}

func newPlanDoc(p Plan) planDoc {
	d := planDoc{ID: p.ID, Title: p.Title, CycleStart: p.CycleStart, CycleEnd: p.CycleEnd, UnitID: p.UnitID, UnitPath: p.UnitPath,
		Batches: []batchDoc{}, CreatedBy: p.CreatedBy, CreatedAt: p.CreatedAt}
	for _, b := range p.Batches {
		d.Batches = append(d.Batches, newBatchDoc(b))
	}
	return d
}

func (d planDoc) plan() Plan {
	p := Plan{ID: d.ID, Title: d.Title, CycleStart: d.CycleStart, CycleEnd: d.CycleEnd, UnitID: d.UnitID, UnitPath: d.UnitPath, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt}
	for _, b := range d.Batches {
		p.Batches = append(p.Batches, Batch{ID: b.ID, Title: b.Title, Start: b.Start, End: b.End, Sessions: b.Sessions, Modules: b.Modules, People: b.People})
	}
	return p
}

func newPlacementDoc(p Placement) placementDoc {
	return placementDoc{ID: p.ID, WorkerID: p.WorkerID, WorkerName: p.WorkerName, WorkerPath: p.WorkerPath, Kind: string(p.Kind), Place: p.Place,
		Start: p.Start, Days: p.Days, Evaluation: p.Evaluation, Rating: p.Rating, RecordedBy: p.RecordedBy, RecordedAt: p.RecordedAt}
}

func (d placementDoc) placement() Placement {
	return Placement{ID: d.ID, WorkerID: d.WorkerID, WorkerName: d.WorkerName, WorkerPath: d.WorkerPath, Kind: Kind(d.Kind), Place: d.Place,
		Start: d.Start, Days: d.Days, Evaluation: d.Evaluation, Rating: d.Rating, RecordedBy: d.RecordedBy, RecordedAt: d.RecordedAt}
}

type repo struct{ plans, placements *mongo.Collection }

func newRepo(db *mongo.Database) repo {
	return repo{plans: db.Collection(plansColl), placements: db.Collection(placementsColl)}
}

func (r repo) insertPlan(ctx context.Context, d planDoc) error {
	if _, err := r.plans.InsertOne(ctx, d); err != nil {
		return gridskill.Internal(err)
	}
	return nil
}

func (r repo) insertPlacement(ctx context.Context, d placementDoc) error {
	if _, err := r.placements.InsertOne(ctx, d); err != nil {
		return gridskill.Internal(err)
	}
	return nil
}

func (r repo) plan(ctx context.Context, id string) (planDoc, error) {
	var d planDoc
	err := r.plans.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, gridskill.Errorf(gridskill.ENOTFOUND, "no such plan")
	}
	if err != nil {
		return d, gridskill.Internal(err)
	}
	return d, nil
}

func (r repo) plansIn(ctx context.Context, unitID string) ([]planDoc, error) {
	cur, err := r.plans.Find(ctx, bson.M{"unitPath": unitID}, options.Find().SetSort(bson.D{{Key: "cycleStart", Value: -1}}).SetLimit(100))
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	var out []planDoc
	if err := cur.All(ctx, &out); err != nil {
		return nil, gridskill.Internal(err)
	}
	return out, nil
}

func (r repo) placementsOf(ctx context.Context, workerID string) ([]placementDoc, error) {
	cur, err := r.placements.Find(ctx, bson.M{"workerId": workerID}, options.Find().SetSort(bson.D{{Key: "start", Value: -1}}).SetLimit(200))
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	var out []placementDoc
	if err := cur.All(ctx, &out); err != nil {
		return nil, gridskill.Internal(err)
	}
	return out, nil
}

func (r repo) update(ctx context.Context, filter, update bson.M) (bool, error) {
	res, err := r.plans.UpdateOne(ctx, filter, update)
	if err != nil {
		return false, gridskill.Internal(err)
	}
	return res.MatchedCount > 0, nil
}
