package quiz

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"gridskill/scoring"
	"gridskill/store"
)

// Collections. attempts_open stays small (only attempts in progress);
// finished attempts move to attempts; answers and attempt_events only ever
// receive inserts with deterministic ids.
const (
	collQuestions = "questions"
	collVersions  = "question_versions"
	collExams     = "exams"
	collOpen      = "attempts_open"
	collAttempts  = "attempts"
	collAnswers   = "answers"
	collEvents    = "attempt_events"
	collLearners  = "quiz_learners"
	collResults   = "attempt_results"
	collMeta      = "quiz_meta"
)

// Indexes lists the indexes of the quiz collections' query shapes.
func Indexes() []store.Index {
	return []store.Index{
		store.On(collQuestions, bson.D{{Key: "unitPath", Value: 1}, {Key: "status", Value: 1}}),
		store.On(collQuestions, bson.D{{Key: "tags", Value: 1}}),
		store.On(collExams, bson.D{{Key: "closesAt", Value: 1}}),
		store.On(collAttempts, bson.D{{Key: "exam", Value: 1}, {Key: "user", Value: 1}}),
		store.On(collAttempts, bson.D{{Key: "paper.q", Value: 1}}),
		store.On(collOpen, bson.D{{Key: "exam", Value: 1}}),
		store.On(collResults, bson.D{{Key: "exam", Value: 1}}),
		store.On(collAnswers, bson.D{{Key: "attempt", Value: 1}}),
		store.On(collEvents, bson.D{{Key: "attempt", Value: 1}}),
		store.On(collAnswers, bson.D{{Key: "exam", Value: 1}}),
		store.On(collEvents, bson.D{{Key: "exam", Value: 1}}),
	}
}

type questionDoc struct {
	ID          string               `bson:"_id"`
	QID         string               `bson:"qid,omitempty"` // on version documents
	Version     int                  `bson:"version"`
	Type        scoring.QuestionType `bson:"type"`
	Stem        string               `bson:"stem"`
	Norm        string               `bson:"norm"`
	Options     []Option             `bson:"options,omitempty"`
	Correct     []string             `bson:"correct,omitempty"`
	Blanks      []blankDoc           `bson:"blanks,omitempty"` // the engine stores no nested arrays
	Explanation string               `bson:"explanation"`
	Tags        []string             `bson:"tags"`
	Difficulty  int                  `bson:"difficulty"`
	Source      string               `bson:"source,omitempty"`
	EffectiveOn string               `bson:"effectiveOn,omitempty"`
	RetireOn    string               `bson:"retireOn,omitempty"`
	UnitID      string               `bson:"unitId"`
	UnitPath    []string             `bson:"unitPath"`
	Status      Status               `bson:"status"`
	AuthorID    string               `bson:"authorId"`
	Used        bool                 `bson:"used"`
	CreatedAt   time.Time            `bson:"createdAt"`
	UpdatedAt   time.Time            `bson:"updatedAt"`
}

func toQuestionDoc(q Question) questionDoc {
	return questionDoc{ID: q.ID, Version: q.Version, Type: q.Type, Stem: q.Stem, Norm: scoring.NormalizeText(q.Stem), Options: q.Options,
		Correct: q.Correct, Blanks: toBlankDocs(q.Blanks), Explanation: q.Explanation, Tags: q.Tags, Difficulty: q.Difficulty, Source: q.Source,
		EffectiveOn: q.EffectiveOn, RetireOn: q.RetireOn, UnitID: q.UnitID, UnitPath: q.UnitPath, Status: q.Status,
		AuthorID: q.AuthorID, Used: q.Used, CreatedAt: q.CreatedAt, UpdatedAt: q.UpdatedAt}
}

func (d questionDoc) question() Question {
	id := d.ID
	if d.QID != "" {
		id = d.QID
	}
	return Question{ID: id, Version: d.Version, Type: d.Type, Stem: d.Stem, Options: d.Options, Correct: d.Correct, Blanks: fromBlankDocs(d.Blanks),
		Explanation: d.Explanation, Tags: d.Tags, Difficulty: d.Difficulty, Source: d.Source, EffectiveOn: d.EffectiveOn,
		RetireOn: d.RetireOn, UnitID: d.UnitID, UnitPath: d.UnitPath, Status: d.Status, AuthorID: d.AuthorID, Used: d.Used,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

type blankDoc struct {
	Alts []string `bson:"alts"`
}

func toBlankDocs(b [][]string) []blankDoc {
	var out []blankDoc
	for _, alts := range b {
		out = append(out, blankDoc{Alts: alts})
	}
	return out
}

func fromBlankDocs(b []blankDoc) [][]string {
	var out [][]string
	for _, d := range b {
		out = append(out, d.Alts)
	}
	return out
}

type ruleDoc struct {
	Tag        string               `bson:"tag"`
	Type       scoring.QuestionType `bson:"type,omitempty"`
	Difficulty int                  `bson:"difficulty,omitempty"`
	Count      int                  `bson:"count"`
}

type examDoc struct {
	ID          string                           `bson:"_id"`
	Title       string                           `bson:"title"`
	UnitIDs     []string                         `bson:"unitIds"`
	OwnerUnitID string                           `bson:"ownerUnitId"`
	OwnerPath   []string                         `bson:"ownerPath"`
	OpensAt     time.Time                        `bson:"opensAt"`
	ClosesAt    time.Time                        `bson:"closesAt"`
	DurationSec int                              `bson:"durationSec"`
	PassMark    int                              `bson:"passMark"`
	MaxAttempts int                              `bson:"maxAttempts"`
	Counts      string                           `bson:"counts"`
	Rules       []ruleDoc                        `bson:"rules"`
	Points      map[scoring.QuestionType]float64 `bson:"points"`
	Shuffle     bool                             `bson:"shuffle"`
	Review      string                           `bson:"review"`
	MaxSwitches int                              `bson:"maxSwitches"`
	QuestionIDs []string                         `bson:"questionIds,omitempty"`
	Fixed       bool                             `bson:"fixed,omitempty"`
	UserIDs     []string                         `bson:"userIds,omitempty"`
	MakeUpOf    string                           `bson:"makeUpOf,omitempty"`
	ModuleID    string                           `bson:"moduleId,omitempty"`
	CreatedBy   string                           `bson:"createdBy"`
	CreatedAt   time.Time                        `bson:"createdAt"`
}

type itemDoc struct {
	QID     string  `bson:"q"`
	Version int     `bson:"v"`
	Points  float64 `bson:"pts"`
	Perm    []int   `bson:"perm,omitempty"`
}

type openDoc struct {
	ID       string   `bson:"_id"`
	ExamID   string   `bson:"exam"`
	UserID   string   `bson:"user"`
	UnitPath []string `bson:"unitPath"`
	N        int      `bson:"n"`
	Seed     int64    `bson:"seed"`
	// SavesNamed says that this attempt's saves and events carry its exam
	// (answerDoc.Exam), so a takeover may read them by the exam.
	SavesNamed bool      `bson:"savesNamed,omitempty"`
	StartedAt  time.Time `bson:"startedAt"`
	Deadline   time.Time `bson:"deadline"`
	Paper      []itemDoc `bson:"paper"`
}

type answerDoc struct {
	ID      string `bson:"_id"` // attempt:question:seq
	Attempt string `bson:"attempt"`
	// Exam is the attempt's exam, so that an instance taking an exam over
	// reads its saves with an equality the embedded engine answers inside
	// SQLite; a $in of the attempts decodes every save of every exam, and
	// grew to seconds as finished exams' saves waited to be pruned.
	Exam     string `bson:"exam,omitempty"`
	Question string `bson:"question"`
	// Seq is the stored seq, assigned by the server in arrival order.
	Seq int64 `bson:"seq"`
	// Device and CSeq are the sending device and its own seq (saves stored
	// before devices were named have neither: their seq was the client's).
	Device string    `bson:"dev,omitempty"`
	CSeq   int64     `bson:"cseq,omitempty"`
	Answer []string  `bson:"answer"`
	At     time.Time `bson:"at"`
}

type eventDoc struct {
	ID      string `bson:"_id"` // attempt:n
	Attempt string `bson:"attempt"`
	// Exam lets a takeover read one exam's events by equality (see answerDoc.Exam).
	Exam string    `bson:"exam,omitempty"`
	Kind string    `bson:"kind"`
	At   time.Time `bson:"at"`
}

type finalAnswerDoc struct {
	QID    string   `bson:"q"`
	Answer []string `bson:"answer"`
	Seq    int64    `bson:"seq"`
}

type gradeDoc struct {
	QID     string  `bson:"q"`
	Earned  float64 `bson:"earned"`
	Correct bool    `bson:"correct"`
}

type finishedDoc struct {
	Open        openDoc          `bson:",inline"`
	SubmittedAt time.Time        `bson:"submittedAt"`
	Reason      string           `bson:"reason"`
	Answers     []finalAnswerDoc `bson:"answers"`
	Grades      []gradeDoc       `bson:"grades"`
	Score       float64          `bson:"score"`
	Max         float64          `bson:"max"`
	Passed      bool             `bson:"passed"`
	Events      []eventDoc       `bson:"events"`
	Switches    int              `bson:"switches"`
}

// resultDoc is a finished attempt's summary in attempt_results: what a
// start (Load) and a takeover read of every finished attempt, the attempts
// used and the results. A finished attempt, with its paper, answers, grades
// and events, is 8-13 KB on the embedded engine, and reading all 24,214 of
// a district-year took 15 s of a 19 s start. It is written by the finish's
// follow-ups, before the open document is removed, so that a finished
// attempt without one still has its open document, whose twin a start looks
// up by id.
type resultDoc struct {
	ID          string    `bson:"_id"`
	ExamID      string    `bson:"exam"`
	UserID      string    `bson:"user"`
	UnitID      string    `bson:"unit"`
	N           int       `bson:"n"`
	StartedAt   time.Time `bson:"startedAt"`
	Deadline    time.Time `bson:"deadline"`
	SubmittedAt time.Time `bson:"submittedAt"`
	Score       float64   `bson:"score"`
	Max         float64   `bson:"max"`
	Passed      bool      `bson:"passed"`
	Reason      string    `bson:"reason"`
	Switches    int       `bson:"switches"`
}

func resultDocOf(f finishedDoc) resultDoc {
	r := f.result()
	return resultDoc{ID: r.ID, ExamID: r.ExamID, UserID: r.UserID, UnitID: r.UnitID, N: r.N, StartedAt: r.StartedAt,
		Deadline: r.Deadline, SubmittedAt: r.SubmittedAt, Score: r.Score, Max: r.Max, Passed: r.Passed, Reason: r.Reason, Switches: r.Switches}
}

func (d resultDoc) result() AttemptResult {
	return AttemptResult{ID: d.ID, ExamID: d.ExamID, UserID: d.UserID, UnitID: d.UnitID, N: d.N, StartedAt: d.StartedAt.UTC(),
		Deadline: d.Deadline.UTC(), SubmittedAt: d.SubmittedAt.UTC(), Score: d.Score, Max: d.Max, Passed: d.Passed, Reason: d.Reason, Switches: d.Switches}
}

type wrongDoc struct {
	QID          string    `bson:"q"`
	AddedAt      time.Time `bson:"addedAt"`
	VisibleFrom  time.Time `bson:"visibleFrom"`
	Streak       int       `bson:"streak"`
	LastRightDay string    `bson:"lastRightDay,omitempty"`
	Misses       int       `bson:"misses"`
}

type tagStatDoc struct {
	Tag   string `bson:"tag"`
	Right int    `bson:"right"`
	Wrong int    `bson:"wrong"`
}

// learnerDoc is one worker's practice summary, read and written by _id.
type learnerDoc struct {
	ID    string       `bson:"_id"`
	Wrong []wrongDoc   `bson:"wrong"`
	Tags  []tagStatDoc `bson:"tags"`
	// Applied holds the latest exam attempts already counted (maxApplied).
	Applied []string `bson:"applied,omitempty"`
}

// maxApplied bounds learnerDoc.Applied: a replay only ever concerns the
// attempts a worker finished just before a restart.
const maxApplied = 50

// repo holds the quiz collections' queries; the service calls it and never
// the driver.
type repo struct {
	db *mongo.Database
}

// questions reads every current question.
func (r repo) questions(ctx context.Context) ([]questionDoc, error) {
	return findAll[questionDoc](ctx, r.db.Collection(collQuestions), bson.M{})
}

// version reads a kept version by its ref; ok is false when none is kept.
func (r repo) version(ctx context.Context, ref string) (d questionDoc, ok bool, err error) {
	err = r.db.Collection(collVersions).FindOne(ctx, bson.M{"_id": ref}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, false, nil
	}
	return d, err == nil, err
}

// keepVersion stores a used version before it is replaced; a duplicate
// means it is already kept.
func (r repo) keepVersion(ctx context.Context, d questionDoc) error {
	_, err := r.db.Collection(collVersions).InsertOne(ctx, d)
	if store.IsDuplicate(err) {
		return nil
	}
	return err
}

func (r repo) insertQuestion(ctx context.Context, d questionDoc) error {
	_, err := r.db.Collection(collQuestions).InsertOne(ctx, d)
	return err
}

// insertQuestions writes an import's new questions in one ordered insertMany.
func (r repo) insertQuestions(ctx context.Context, docs []any) error {
	_, err := r.db.Collection(collQuestions).InsertMany(ctx, docs)
	return err
}

func (r repo) replaceQuestion(ctx context.Context, d questionDoc) error {
	_, err := r.db.Collection(collQuestions).ReplaceOne(ctx, bson.M{"_id": d.ID}, d)
	return err
}

func (r repo) setStatus(ctx context.Context, id string, st Status, at time.Time) error {
	_, err := r.db.Collection(collQuestions).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"status": st, "updatedAt": at}})
	return err
}

// setUsed writes the used flag of questions in one updateMany, a store.Batch
// run. A question edited meanwhile may be marked for its new version too,
// which only costs a version more at its next edit.
func (r repo) setUsed(ctx context.Context, ids []string) []error {
	err := retry(ctx, func() error {
		_, err := r.db.Collection(collQuestions).UpdateMany(ctx, bson.M{"_id": bson.M{"$in": ids}}, bson.M{"$set": bson.M{"used": true}})
		return err
	})
	return same(err, len(ids))
}

// same is one error for each of n documents of a batch written at once.
func same(err error, n int) []error {
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return errs
}

func (r repo) exams(ctx context.Context) ([]examDoc, error) {
	return findAll[examDoc](ctx, r.db.Collection(collExams), bson.M{})
}

func (r repo) insertExam(ctx context.Context, d examDoc) error {
	_, err := r.db.Collection(collExams).InsertOne(ctx, d)
	return err
}

// learner reads a worker's practice summary, empty when the worker has none yet.
// replaceExam stores an exam's new settings.
func (r repo) replaceExam(ctx context.Context, d examDoc) error {
	_, err := r.db.Collection(collExams).ReplaceOne(ctx, bson.M{"_id": d.ID}, d)
	return err
}

func (r repo) learner(ctx context.Context, userID string) (learnerDoc, error) {
	var d learnerDoc
	err := r.db.Collection(collLearners).FindOne(ctx, bson.M{"_id": userID}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return learnerDoc{ID: userID}, nil
	}
	return d, err
}

func (r repo) saveLearner(ctx context.Context, d learnerDoc) error {
	_, err := r.db.Collection(collLearners).ReplaceOne(ctx, bson.M{"_id": d.ID}, d, options.Replace().SetUpsert(true))
	return err
}

// openAttempts reads every attempt in progress.
func (r repo) openAttempts(ctx context.Context) ([]openDoc, error) {
	return findAll[openDoc](ctx, r.db.Collection(collOpen), bson.M{})
}

// openAttemptsOf reads the attempts in progress at one exam.
func (r repo) openAttemptsOf(ctx context.Context, examID string) ([]openDoc, error) {
	return findAll[openDoc](ctx, r.db.Collection(collOpen), bson.M{"exam": examID})
}

// openExams reads the distinct exams of the attempts in progress, in one scan.
func (r repo) openExams(ctx context.Context) ([]string, error) {
	return distinct(ctx, r.db.Collection(collOpen), "exam")
}

// exam reads one exam; ok is false when there is none.
func (r repo) exam(ctx context.Context, id string) (d examDoc, ok bool, err error) {
	err = r.db.Collection(collExams).FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, false, nil
	}
	return d, err == nil, err
}

// question reads a question's current document; ok is false when there is none.
func (r repo) question(ctx context.Context, id string) (d questionDoc, ok bool, err error) {
	err = r.db.Collection(collQuestions).FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, false, nil
	}
	return d, err == nil, err
}

// attemptExam reads the exam of an attempt by its id: the open one, else the
// finished one. ok is false when there is neither.
func (r repo) attemptExam(ctx context.Context, id string) (examID string, ok bool, err error) {
	var d struct {
		Exam string `bson:"exam"`
	}
	for _, coll := range []string{collOpen, collAttempts} {
		err = r.db.Collection(coll).FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{"exam": 1})).Decode(&d)
		if err == nil {
			return d.Exam, true, nil
		}
		if !errors.Is(err, mongo.ErrNoDocuments) {
			return "", false, err
		}
	}
	return "", false, nil
}

// savedAttempts reads the distinct attempts that saved answers or events are
// stored for.
func (r repo) savedAttempts(ctx context.Context) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, coll := range []string{collAnswers, collEvents} {
		ids, err := distinct(ctx, r.db.Collection(coll), "attempt")
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out, nil
}

// results reads the finished attempts' summaries that filter matches.
func (r repo) results(ctx context.Context, filter bson.M) ([]resultDoc, error) {
	return findAll[resultDoc](ctx, r.db.Collection(collResults), filter)
}

// insertResults stores finished attempts' summaries; a duplicate is stored.
func (r repo) insertResults(ctx context.Context, docs []any) []error {
	return store.InsertOnce(ctx, r.db.Collection(collResults), docs)
}

// resultsBackfilled reports whether the summaries of the finished attempts
// stored before attempt_results existed have been written.
func (r repo) resultsBackfilled(ctx context.Context) (bool, error) {
	n, err := r.db.Collection(collMeta).CountDocuments(ctx, bson.M{"_id": "results"})
	return n > 0, err
}

func (r repo) markResultsBackfilled(ctx context.Context) error {
	_, err := r.db.Collection(collMeta).UpdateOne(ctx, bson.M{"_id": "results"},
		bson.M{"$set": bson.M{"at": time.Now().UTC()}}, options.Update().SetUpsert(true))
	return err
}

// finishedByID reads the finished attempts among ids with the projection
// (summaryFields leaves out answers, grades and events), one read by id
// each: the embedded engine answers an _id equality from its index, while a
// $in, like any other filter, decodes every finished attempt (3 s at 3,600).
func (r repo) finishedByID(ctx context.Context, ids []string, projection bson.M) ([]finishedDoc, error) {
	var out []finishedDoc
	for _, id := range ids {
		var d finishedDoc
		err := r.db.Collection(collAttempts).FindOne(ctx, bson.M{"_id": id},
			options.FindOne().SetProjection(projection)).Decode(&d)
		switch {
		case errors.Is(err, mongo.ErrNoDocuments):
		case err != nil:
			return nil, err
		default:
			out = append(out, d)
		}
	}
	return out, nil
}

// openHeads reads the id, exam and worker of every open document.
func (r repo) openHeads(ctx context.Context) ([]openDoc, error) {
	return findAll[openDoc](ctx, r.db.Collection(collOpen), bson.M{},
		options.Find().SetProjection(bson.M{"_id": 1, "exam": 1, "user": 1}))
}

// insertOpen stores started attempts in one insert, a store.Batch run: a
// mass start of 2,000 examinees written one insert at a time queued each
// start behind the others for seconds. A duplicate means it is stored.
func (r repo) insertOpen(ctx context.Context, docs []any) []error {
	return store.InsertOnce(ctx, r.db.Collection(collOpen), docs)
}

// removeOpen deletes open documents whose finished twins are stored, in one
// deleteMany, a store.Batch run: the engine scans the open attempts once for
// the whole batch.
func (r repo) removeOpen(ctx context.Context, ids []string) []error {
	err := retry(ctx, func() error {
		_, err := r.db.Collection(collOpen).DeleteMany(ctx, bson.M{"_id": bson.M{"$in": ids}})
		return err
	})
	return same(err, len(ids))
}

// insertAnswers writes saved answers as one unordered insertMany, a
// store.Batch run. A duplicate id is a repeated write and counts as written.
func (r repo) insertAnswers(ctx context.Context, docs []any) []error {
	return store.InsertOnce(ctx, r.db.Collection(collAnswers), docs)
}

// answersOf reads the saved answers of the open attempts ids.
func (r repo) answersOf(ctx context.Context, ids []string) ([]answerDoc, error) {
	return findAll[answerDoc](ctx, r.db.Collection(collAnswers), bson.M{"attempt": bson.M{"$in": ids}})
}

// answersOfExam reads the saved answers of one exam's attempts.
func (r repo) answersOfExam(ctx context.Context, examID string) ([]answerDoc, error) {
	return findAll[answerDoc](ctx, r.db.Collection(collAnswers), bson.M{"exam": examID})
}

// eventsOfExam reads the screen switches of one exam's attempts.
func (r repo) eventsOfExam(ctx context.Context, examID string) ([]eventDoc, error) {
	return findAll[eventDoc](ctx, r.db.Collection(collEvents), bson.M{"exam": examID})
}

// insertEvent stores a screen switch; a duplicate means it is stored.
func (r repo) insertEvent(ctx context.Context, ev eventDoc) error {
	_, err := r.db.Collection(collEvents).InsertOne(ctx, ev)
	if store.IsDuplicate(err) {
		return nil
	}
	return err
}

// eventsOf reads the screen switches of the open attempts ids, in no order.
func (r repo) eventsOf(ctx context.Context, ids []string) ([]eventDoc, error) {
	return findAll[eventDoc](ctx, r.db.Collection(collEvents), bson.M{"attempt": bson.M{"$in": ids}})
}

// deleteSaves deletes the saved answers, then the events, of the attempts ids.
func (r repo) deleteSaves(ctx context.Context, ids []string) error {
	return r.deleteSavesWhere(ctx, bson.M{"attempt": bson.M{"$in": ids}})
}

// deleteSavesExcept deletes the saved answers, then the events, of every
// attempt but the open ones ids, at most maxDeleted documents a command,
// in ranges of _id: the embedded engine binds one SQL variable per deleted
// document and SQLite refuses more than 32,766, so a start after a busy
// month, whose saves had never been pruned while attempts were open,
// failed with "too many SQL variables".
func (r repo) deleteSavesExcept(ctx context.Context, ids []string) error {
	filter := bson.M{"attempt": bson.M{"$nin": ids}}
	for _, coll := range []string{collAnswers, collEvents} {
		c := r.db.Collection(coll)
		docs, err := findAll[struct {
			ID string `bson:"_id"`
		}](ctx, c, filter, options.Find().SetProjection(bson.M{"_id": 1}))
		if err != nil {
			return err
		}
		keys := make([]string, len(docs))
		for i, d := range docs {
			keys[i] = d.ID
		}
		slices.Sort(keys)
		for i := 0; i < len(keys); i += maxDeleted {
			span := bson.M{"$gte": keys[i]}
			if i+maxDeleted < len(keys) {
				span["$lt"] = keys[i+maxDeleted]
			}
			if _, err := c.DeleteMany(ctx, bson.M{"attempt": bson.M{"$nin": ids}, "_id": span}); err != nil {
				return err
			}
		}
	}
	return nil
}

// maxDeleted bounds the documents one delete command removes.
const maxDeleted = 10000

func (r repo) deleteSavesWhere(ctx context.Context, filter bson.M) error {
	for _, coll := range []string{collAnswers, collEvents} {
		if _, err := r.db.Collection(coll).DeleteMany(ctx, filter); err != nil {
			return err
		}
	}
	return nil
}

// finishedSummaries reads the finished attempts that filter matches (every
// one when it is empty) without their answers, grades and events.
func (r repo) finishedSummaries(ctx context.Context, filter bson.M) ([]finishedDoc, error) {
	return findAll[finishedDoc](ctx, r.db.Collection(collAttempts), filter, options.Find().SetProjection(summaryFields))
}

// summaryFields is a finished attempt without its answers, grades and events.
var summaryFields = bson.M{"answers": 0, "grades": 0, "events": 0}

// finished reads a finished attempt whole; ok is false when there is none.
func (r repo) finished(ctx context.Context, id string) (d finishedDoc, ok bool, err error) {
	err = r.db.Collection(collAttempts).FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, false, nil
	}
	return d, err == nil, err
}

// finishedPaper reads a finished attempt's paper alone, empty when there is none.
func (r repo) finishedPaper(ctx context.Context, id string) (finishedDoc, error) {
	var d finishedDoc
	err := r.db.Collection(collAttempts).FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{"paper": 1})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return finishedDoc{}, nil
	}
	return d, err
}

// finishedWith reads what the statistics of question qid need of every
// finished attempt whose paper holds it.
func (r repo) finishedWith(ctx context.Context, qid string) ([]finishedDoc, error) {
	return findAll[finishedDoc](ctx, r.db.Collection(collAttempts), bson.M{"paper.q": qid},
		options.Find().SetProjection(bson.M{"exam": 1, "user": 1, "unitPath": 1, "startedAt": 1, "paper": 1, "grades": 1}))
}

// papersByID reads what an exam's analysis needs of the finished attempts
// ids (who sat it where, the paper, the answers and their grades), by id,
// four reads at a time.
func (r repo) papersByID(ctx context.Context, ids []string) ([]finishedDoc, error) {
	proj := bson.M{"exam": 1, "user": 1, "unitPath": 1, "startedAt": 1, "submittedAt": 1, "paper": 1, "grades": 1, "answers": 1}
	const readers = 4
	parts := make([][]finishedDoc, readers)
	errs := make([]error, readers)
	var wg sync.WaitGroup
	for i := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []string
			for j := i; j < len(ids); j += readers {
				mine = append(mine, ids[j])
			}
			parts[i], errs[i] = r.finishedByID(ctx, mine, proj)
		}()
	}
	wg.Wait()
	return slices.Concat(parts...), errors.Join(errs...)
}

// insertFinished writes finished attempts as one unordered insertMany, a
// store.Batch run. A duplicate id is a repeated write and counts as written.
func (r repo) insertFinished(ctx context.Context, docs []any) []error {
	return store.InsertOnce(ctx, r.db.Collection(collAttempts), docs)
}

// findAll reads every document of coll that filter matches.
func findAll[D any](ctx context.Context, coll *mongo.Collection, filter bson.M, opts ...*options.FindOptions) ([]D, error) {
	cur, err := coll.Find(ctx, filter, opts...)
	if err != nil {
		return nil, err
	}
	var docs []D
	err = cur.All(ctx, &docs)
	return docs, err
}

// distinct reads the distinct string values of field in coll, grouped by
// an aggregation (the embedded engine refuses a distinct command that
// carries a time limit, which the driver adds from the context's deadline).
func distinct(ctx context.Context, coll *mongo.Collection, field string) ([]string, error) {
	cur, err := coll.Aggregate(ctx, mongo.Pipeline{{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$" + field}}}}})
	if err != nil {
		return nil, err
	}
	var docs []struct {
		ID any `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(docs))
	for _, d := range docs {
		if s, ok := d.ID.(string); ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// retry runs a write up to four times with a growing pause: the embedded
// engine refuses a write now and then when many arrive at once (SQLITE_BUSY),
// and a submit should not fail for that.
func retry(ctx context.Context, write func() error) error {
	var err error
	for i, pause := range []time.Duration{0, 50 * time.Millisecond, 200 * time.Millisecond, 800 * time.Millisecond} {
		if i > 0 {
			select {
			case <-ctx.Done():
				return err
			case <-time.After(pause):
			}
		}
		if err = write(); err == nil {
			return nil
		}
	}
	return err
}
