package contest

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"gridskill/scoring"
	"gridskill/store"
)

// Collections.
const (
	collContests = "contests"
	// collFacts holds every fact of a live round as an insert with a
	// deterministic id: answers, stakes, buzzes, judge scores, joins.
	collFacts = "contest_facts"
	// collLive holds one document per contest: the phase of its running round.
	collLive    = "contest_live"
	collResults = "contest_results"
	collAwards  = "contest_awards"
	// collAudit holds what organizers changed, one insert per change.
	collAudit = "contest_audit"
)

// Indexes lists the indexes of the contest collections' query shapes.
func Indexes() []store.Index {
	return []store.Index{
		store.On(collContests, bson.D{{Key: "unitPath", Value: 1}}),
		store.On(collContests, bson.D{{Key: "participants.id", Value: 1}}),
		store.On(collFacts, bson.D{{Key: "contest", Value: 1}, {Key: "round", Value: 1}}),
		store.On(collFacts, bson.D{{Key: "kind", Value: 1}}),
		store.On(collResults, bson.D{{Key: "contest", Value: 1}}),
		store.On(collAwards, bson.D{{Key: "worker", Value: 1}}),
		store.On(collAwards, bson.D{{Key: "contest", Value: 1}}),
		store.On(collAudit, bson.D{{Key: "contest", Value: 1}, {Key: "at", Value: -1}}),
		store.On(collGuests, bson.D{{Key: "contest", Value: 1}, {Key: "guest", Value: 1}}),
	}
}

type contestDoc struct {
	ID           string           `bson:"_id"`
	Title        string           `bson:"title"`
	Description  string           `bson:"description"`
	UnitID       string           `bson:"unit"`
	UnitPath     []string         `bson:"unitPath"`
	UnitIDs      []string         `bson:"unitIds"`
	Participants []Participant    `bson:"participants"`
	Teams        []Team           `bson:"teams"`
	Rounds       []Round          `bson:"rounds"`
	Streak       bool             `bson:"streak"`
	FalseStart   string           `bson:"falseStart,omitempty"`
	TeamRule     scoring.TeamRule `bson:"teamRule"`
	PIN          string           `bson:"pin"`
	ScreenKey    string           `bson:"screenKey"`
	Advanced     []Advancement    `bson:"advanced,omitempty"`
	CreatedAt    time.Time        `bson:"createdAt"`
}

func (d contestDoc) contest() Contest {
	c := Contest{ID: d.ID, Title: d.Title, Description: d.Description, UnitID: d.UnitID, UnitPath: d.UnitPath, UnitIDs: d.UnitIDs,
		Participants: d.Participants, Teams: d.Teams, Rounds: d.Rounds, Streak: d.Streak, FalseStart: d.FalseStart, TeamRule: d.TeamRule,
		PIN: d.PIN, ScreenKey: d.ScreenKey, Advanced: d.Advanced, CreatedAt: d.CreatedAt}
	c.fillCaptains() // contests stored before teams had captains
	return c
}

func newContestDoc(c Contest) contestDoc {
	return contestDoc{ID: c.ID, Title: c.Title, Description: c.Description, UnitID: c.UnitID, UnitPath: c.UnitPath, UnitIDs: c.UnitIDs,
		Participants: c.Participants, Teams: c.Teams, Rounds: c.Rounds, Streak: c.Streak, FalseStart: c.FalseStart, TeamRule: c.TeamRule,
		PIN: c.PIN, ScreenKey: c.ScreenKey, Advanced: c.Advanced, CreatedAt: c.CreatedAt}
}

// Fact kinds.
const (
	factAnswer = "answer"
	factStake  = "stake"
	factBuzz   = "buzz"
	factScore  = "score"
	factJoin   = "join"
	// factFalseStart is a buzz before the options showed, kept when the
	// contest penalises false starts.
	factFalseStart = "falsestart"
)

// factDoc is one thing that happened in a live round. Its id is made of what
// it is about, so a retried insert is refused as a duplicate.
type factDoc struct {
	ID      string    `bson:"_id"`
	Contest string    `bson:"contest"`
	Round   string    `bson:"round"`
	Item    int       `bson:"item"`
	Kind    string    `bson:"kind"`
	Worker  string    `bson:"worker"`
	At      time.Time `bson:"at"`
	Seq     uint64    `bson:"seq,omitempty"`
	Answer  []string  `bson:"answer,omitempty"`
	Correct bool      `bson:"correct,omitempty"`
	// TimeMS is the response time after the network delay was taken off.
	TimeMS int64   `bson:"timeMs,omitempty"`
	Stake  int     `bson:"stake,omitempty"`
	Score  float64 `bson:"score,omitempty"`
	// Marks are a judge's marks, one per criterion of the round's score
	// sheet, whose sum is Score.
	Marks []float64 `bson:"marks,omitempty"`
}

// liveDoc is the phase of a contest's running round, written before any
// screen hears of a change, so that a restart resumes from it.
type liveDoc struct {
	ID        string    `bson:"_id"` // the contest
	Round     string    `bson:"round"`
	Item      int       `bson:"item"`
	Phase     string    `bson:"phase"`
	ReadUntil time.Time `bson:"readUntil"`
	ShownAt   time.Time `bson:"shownAt"`
	Deadline  time.Time `bson:"deadline"`
	ClosedAt  time.Time `bson:"closedAt"`
	// BuzzUntil ends a buzzer question's buzz window: buzzes that arrive
	// before it are placed by their phones' measured delay.
	BuzzUntil time.Time `bson:"buzzUntil,omitempty"`
	// Answerer is the position in the buzz order of who may answer.
	Answerer int `bson:"answerer"`
	// Rehearsal marks a dry run: its finish keeps no results.
	Rehearsal bool      `bson:"rehearsal,omitempty"`
	Updated   time.Time `bson:"updated"`
	// Epoch is the lease epoch of the instance that wrote it, with several
	// instances (0 alone): a write with an older epoch than the stored one is
	// a former holder's, and is refused.
	Epoch int64 `bson:"epoch,omitempty"`
}

type resultDoc struct {
	ID      string `bson:"_id"` // contest:round
	Contest string `bson:"contest"`
	Round   string `bson:"round"`
	// Captains marks a captain round: each entry is a captain's, and its
	// points belong to the team it names.
	Captains bool          `bson:"captains,omitempty"`
	Entries  []resultEntry `bson:"entries"`
	At       time.Time     `bson:"at"`
}

type resultEntry struct {
	Worker string  `bson:"worker"`
	Points float64 `bson:"points"`
	TimeMS int64   `bson:"timeMs"`
	// Answered is how many questions the participant answered, the
	// tie-break of scoring.Rank at equal points.
	Answered int `bson:"answered,omitempty"`
	// Team is the team a captain answered for, kept so that later changes of
	// teams or captains do not move a finished round's points.
	Team string `bson:"team,omitempty"`
}

type awardDoc struct {
	ID      string `bson:"_id"` // contest:worker, or contest:team:team
	Contest string `bson:"contest"`
	Title   string `bson:"title"`
	// Worker holds an individual award, TeamID a team award.
	Worker string `bson:"worker"`
	TeamID string `bson:"teamId,omitempty"`
	// Name is the worker's or the team's, Team the worker's team's name.
	Name   string             `bson:"name,omitempty"`
	Team   string             `bson:"team,omitempty"`
	Level  scoring.AwardLevel `bson:"level"`
	Rank   int                `bson:"rank"`
	Points float64            `bson:"points"`
	At     time.Time          `bson:"at"`
}

type repo struct {
	db *mongo.Database
}

func (r repo) contest(ctx context.Context, id string) (contestDoc, error) {
	var d contestDoc
	err := r.db.Collection(collContests).FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	return d, err
}

func (r repo) allContests(ctx context.Context) ([]contestDoc, error) {
	cur, err := r.db.Collection(collContests).Find(ctx, bson.M{})
	if err != nil {
		return nil, err
	}
	var out []contestDoc
	err = cur.All(ctx, &out)
	return out, err
}

func (r repo) saveContest(ctx context.Context, d contestDoc) error {
	_, err := r.db.Collection(collContests).ReplaceOne(ctx, bson.M{"_id": d.ID}, d, options.Replace().SetUpsert(true))
	return err
}

func (r repo) facts(ctx context.Context, contestID, roundID string) ([]factDoc, error) {
	cur, err := r.db.Collection(collFacts).Find(ctx, bson.M{"contest": contestID, "round": roundID},
		options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "seq", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var out []factDoc
	err = cur.All(ctx, &out)
	return out, err
}

// joins returns every join fact, of all contests.
func (r repo) joins(ctx context.Context) ([]factDoc, error) {
	cur, err := r.db.Collection(collFacts).Find(ctx, bson.M{"kind": factJoin})
	if err != nil {
		return nil, err
	}
	var out []factDoc
	err = cur.All(ctx, &out)
	return out, err
}

// fact reads one fact by its id; ok is false when there is none.
func (r repo) fact(ctx context.Context, id string) (f factDoc, ok bool, err error) {
	err = r.db.Collection(collFacts).FindOne(ctx, bson.M{"_id": id}).Decode(&f)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return f, false, nil
	}
	return f, err == nil, err
}

func (r repo) insertFact(ctx context.Context, f factDoc) error {
	_, err := r.db.Collection(collFacts).InsertOne(ctx, f)
	if store.IsDuplicate(err) {
		return nil
	}
	return err
}

// insertFacts writes a batch unordered and reports, per document, nil when it
// is stored (a duplicate id means it already was).
func (r repo) insertFacts(ctx context.Context, docs []any) []error {
	return store.InsertOnce(ctx, r.db.Collection(collFacts), docs)
}

func (r repo) live(ctx context.Context) ([]liveDoc, error) {
	cur, err := r.db.Collection(collLive).Find(ctx, bson.M{})
	if err != nil {
		return nil, err
	}
	var out []liveDoc
	err = cur.All(ctx, &out)
	return out, err
}

// errFormerHolder refuses the write of an instance whose lease on the round
// another instance has taken since.
var errFormerHolder = errors.New("the round's lease has moved to another instance")

// saveLive writes the phase of a contest's round. One stamped with a lease
// epoch replaces only a document of that epoch or an older one (or none):
// otherwise it is refused with errFormerHolder.
func (r repo) saveLive(ctx context.Context, d liveDoc) error {
	filter := bson.M{"_id": d.ID}
	if d.Epoch != 0 {
		filter["$or"] = bson.A{bson.M{"epoch": bson.M{"$lte": d.Epoch}}, bson.M{"epoch": bson.M{"$exists": false}}}
	}
	_, err := r.db.Collection(collLive).ReplaceOne(ctx, filter, d, options.Replace().SetUpsert(true))
	if d.Epoch != 0 && store.IsDuplicate(err) { // the upsert met a newer holder's document
		return errFormerHolder
	}
	return err
}

// liveOne reads the phase of one contest's round; ok is false when it has none.
func (r repo) liveOne(ctx context.Context, contestID string) (d liveDoc, ok bool, err error) {
	err = r.db.Collection(collLive).FindOne(ctx, bson.M{"_id": contestID}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, false, nil
	}
	return d, err == nil, err
}

func (r repo) saveResult(ctx context.Context, d resultDoc) error {
	_, err := r.db.Collection(collResults).ReplaceOne(ctx, bson.M{"_id": d.ID}, d, options.Replace().SetUpsert(true))
	return err
}

func (r repo) results(ctx context.Context, contestID string) ([]resultDoc, error) {
	cur, err := r.db.Collection(collResults).Find(ctx, bson.M{"contest": contestID})
	if err != nil {
		return nil, err
	}
	var out []resultDoc
	err = cur.All(ctx, &out)
	return out, err
}

func (r repo) saveAwards(ctx context.Context, contestID string, docs []awardDoc) error {
	if _, err := r.db.Collection(collAwards).DeleteMany(ctx, bson.M{"contest": contestID}); err != nil {
		return err
	}
	if len(docs) == 0 {
		return nil
	}
	batch := make([]any, len(docs))
	for i, d := range docs {
		batch[i] = d
	}
	_, err := r.db.Collection(collAwards).InsertMany(ctx, batch, options.InsertMany().SetOrdered(false))
	return err
}

func (r repo) awards(ctx context.Context, filter bson.M) ([]awardDoc, error) {
	cur, err := r.db.Collection(collAwards).Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "at", Value: -1}}))
	if err != nil {
		return nil, err
	}
	var out []awardDoc
	err = cur.All(ctx, &out)
	return out, err
}

type auditDoc struct {
	ID        string    `bson:"_id"`
	Contest   string    `bson:"contest"`
	At        time.Time `bson:"at"`
	Actor     string    `bson:"actor"`
	ActorName string    `bson:"actorName"`
	Action    string    `bson:"action"`
	Detail    string    `bson:"detail"`
}

func (r repo) insertAudit(ctx context.Context, d auditDoc) error {
	_, err := r.db.Collection(collAudit).InsertOne(ctx, d)
	return err
}

func (r repo) audit(ctx context.Context, contestID string, limit int64) ([]auditDoc, error) {
	cur, err := r.db.Collection(collAudit).Find(ctx, bson.M{"contest": contestID},
		options.Find().SetSort(bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(limit))
	if err != nil {
		return nil, err
	}
	var out []auditDoc
	err = cur.All(ctx, &out)
	return out, err
}

func (r repo) deleteContest(ctx context.Context, id string) error {
	_, err := r.db.Collection(collContests).DeleteOne(ctx, bson.M{"_id": id})
	return err
}

// deleteFacts removes a round's facts: a rehearsal's, or a round reset
// before it went live.
func (r repo) deleteFacts(ctx context.Context, contestID, roundID string) error {
	_, err := r.db.Collection(collFacts).DeleteMany(ctx, bson.M{"contest": contestID, "round": roundID})
	return err
}
