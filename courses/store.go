package courses

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"gridskill"
	"gridskill/store"
)

// Collection names.
const (
	modulesColl     = "modules"
	versionsColl    = "module_versions"
	assignmentsColl = "module_assignments"
	mediaColl       = "media"
	progressColl    = "learning_progress"
	summaryColl     = "learning_summary"
	completionsColl = "module_completions"
	sessionsColl    = "offline_sessions"
	// sessionChangesColl is the sessions' audit trail.
	sessionChangesColl = "offline_session_changes"
)

// Indexes lists the indexes of the courses collections' query shapes.
func Indexes() []store.Index {
	return []store.Index{
		store.On(modulesColl, bson.D{{Key: "ownerPath", Value: 1}}),
		store.On(assignmentsColl, bson.D{{Key: "moduleId", Value: 1}}),
		store.On(completionsColl, bson.D{{Key: "moduleId", Value: 1}, {Key: "unitPath", Value: 1}}),
		store.On(sessionsColl, bson.D{{Key: "unitPath", Value: 1}, {Key: "date", Value: -1}}),
		store.On(sessionsColl, bson.D{{Key: "topic", Value: 1}, {Key: "date", Value: 1}}),
		store.On(sessionsColl, bson.D{{Key: "editing", Value: 1}}),
		store.On(sessionChangesColl, bson.D{{Key: "sessionId", Value: 1}}),
	}
}

type lessonDoc struct {
	ID       string `bson:"id"`
	Title    string `bson:"title"`
	Markdown string `bson:"markdown"`
	HTML     string `bson:"html"`
	Minutes  int    `bson:"minutes,omitempty"`
}

type lessonRefDoc struct {
	ID      string `bson:"id"`
	Title   string `bson:"title"`
	Minutes int    `bson:"minutes"`
}

type publishedDoc struct {
	Version     int            `bson:"version"`
	Title       string         `bson:"title"`
	Category    string         `bson:"category"`
	Summary     string         `bson:"summary"`
	CoverID     string         `bson:"coverId,omitempty"`
	Minutes     int            `bson:"minutes"`
	CheckTags   []string       `bson:"checkTags,omitempty"`
	Lessons     []lessonRefDoc `bson:"lessons"`
	Major       bool           `bson:"major"`
	Note        string         `bson:"note"`
	PublishedAt time.Time      `bson:"publishedAt"`
	LastMajor   int            `bson:"lastMajor"`
}

type moduleDoc struct {
	ID          string        `bson:"_id"`
	Slug        string        `bson:"slug,omitempty"`
	Title       string        `bson:"title"`
	Category    string        `bson:"category"`
	Summary     string        `bson:"summary"`
	CoverID     string        `bson:"coverId,omitempty"`
	Minutes     int           `bson:"minutes"`
	CheckTags   []string      `bson:"checkTags,omitempty"`
	Lessons     []lessonDoc   `bson:"lessons"`
	OwnerUnitID string        `bson:"ownerUnitId"`
	OwnerPath   []string      `bson:"ownerPath"`
	AuthorID    string        `bson:"authorId"`
	Published   *publishedDoc `bson:"published,omitempty"`
	Rev         int           `bson:"rev"`
	CreatedAt   time.Time     `bson:"createdAt"`
	UpdatedAt   time.Time     `bson:"updatedAt"`
}

func (d moduleDoc) module() Module {
	m := Module{
		ID: d.ID, Slug: d.Slug, Title: d.Title, Category: Category(d.Category), Summary: d.Summary, CoverID: d.CoverID,
		Minutes: d.Minutes, CheckTags: d.CheckTags, OwnerUnitID: d.OwnerUnitID, OwnerPath: d.OwnerPath,
		AuthorID: d.AuthorID, Rev: d.Rev, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
	for _, l := range d.Lessons {
		m.Lessons = append(m.Lessons, Lesson{ID: l.ID, Title: l.Title, Markdown: l.Markdown, HTML: l.HTML, Minutes: l.Minutes})
	}
	if p := d.Published; p != nil {
		pub := &Published{
			Version: p.Version, Title: p.Title, Category: Category(p.Category), Summary: p.Summary, CoverID: p.CoverID,
			Minutes: p.Minutes, CheckTags: p.CheckTags, Major: p.Major, Note: p.Note, PublishedAt: p.PublishedAt, LastMajor: p.LastMajor,
		}
		for _, l := range p.Lessons {
			pub.Lessons = append(pub.Lessons, LessonRef{ID: l.ID, Title: l.Title, Minutes: l.Minutes})
		}
		m.Published = pub
	}
	return m
}

func newModuleDoc(m Module) moduleDoc {
	d := moduleDoc{
		ID: m.ID, Slug: m.Slug, Title: m.Title, Category: string(m.Category), Summary: m.Summary, CoverID: m.CoverID,
		Minutes: m.Minutes, CheckTags: m.CheckTags, OwnerUnitID: m.OwnerUnitID, OwnerPath: m.OwnerPath,
		AuthorID: m.AuthorID, Rev: m.Rev, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, Lessons: []lessonDoc{},
	}
	for _, l := range m.Lessons {
		d.Lessons = append(d.Lessons, lessonDoc{ID: l.ID, Title: l.Title, Markdown: l.Markdown, HTML: l.HTML, Minutes: l.Minutes})
	}
	if p := m.Published; p != nil {
		pd := &publishedDoc{
			Version: p.Version, Title: p.Title, Category: string(p.Category), Summary: p.Summary, CoverID: p.CoverID,
			Minutes: p.Minutes, CheckTags: p.CheckTags, Major: p.Major, Note: p.Note, PublishedAt: p.PublishedAt, LastMajor: p.LastMajor,
		}
		for _, l := range p.Lessons {
			pd.Lessons = append(pd.Lessons, lessonRefDoc{ID: l.ID, Title: l.Title, Minutes: l.Minutes})
		}
		d.Published = pd
	}
	return d
}

type versionLessonDoc struct {
	ID      string `bson:"id"`
	Title   string `bson:"title"`
	Minutes int    `bson:"minutes"`
	HTML    string `bson:"html"`
}

type versionDoc struct {
	ID          string             `bson:"_id"`
	ModuleID    string             `bson:"moduleId"`
	Number      int                `bson:"number"`
	Title       string             `bson:"title"`
	Category    string             `bson:"category"`
	Summary     string             `bson:"summary"`
	CoverID     string             `bson:"coverId,omitempty"`
	Minutes     int                `bson:"minutes"`
	CheckTags   []string           `bson:"checkTags,omitempty"`
	Lessons     []versionLessonDoc `bson:"lessons"`
	Major       bool               `bson:"major"`
	Note        string             `bson:"note"`
	PublishedAt time.Time          `bson:"publishedAt"`
	PublishedBy string             `bson:"publishedBy"`
}

func versionID(moduleID string, n int) string { return moduleID + ":" + itoa(n) }

func (d versionDoc) version() Version {
	v := Version{
		ModuleID: d.ModuleID, Number: d.Number, Title: d.Title, Category: Category(d.Category), Summary: d.Summary,
		CoverID: d.CoverID, Minutes: d.Minutes, CheckTags: d.CheckTags, Major: d.Major, Note: d.Note,
		PublishedAt: d.PublishedAt, PublishedBy: d.PublishedBy,
	}
	for _, l := range d.Lessons {
		v.Lessons = append(v.Lessons, VersionLesson{ID: l.ID, Title: l.Title, Minutes: l.Minutes, HTML: l.HTML})
	}
	return v
}

func newVersionDoc(v Version) versionDoc {
	d := versionDoc{
		ID: versionID(v.ModuleID, v.Number), ModuleID: v.ModuleID, Number: v.Number, Title: v.Title, Category: string(v.Category),
		Summary: v.Summary, CoverID: v.CoverID, Minutes: v.Minutes, CheckTags: v.CheckTags, Major: v.Major, Note: v.Note,
		PublishedAt: v.PublishedAt, PublishedBy: v.PublishedBy,
	}
	for _, l := range v.Lessons {
		d.Lessons = append(d.Lessons, versionLessonDoc{ID: l.ID, Title: l.Title, Minutes: l.Minutes, HTML: l.HTML})
	}
	return d
}

type assignmentDoc struct {
	ID         string    `bson:"_id"`
	ModuleID   string    `bson:"moduleId"`
	UnitID     string    `bson:"unitId"`
	UnitPath   []string  `bson:"unitPath"`
	Required   bool      `bson:"required"`
	Due        time.Time `bson:"due,omitempty"`
	AssignedBy string    `bson:"assignedBy"`
	AssignedAt time.Time `bson:"assignedAt"`
}

func (d assignmentDoc) assignment() Assignment {
	return Assignment{ModuleID: d.ModuleID, UnitID: d.UnitID, UnitPath: d.UnitPath, Required: d.Required, Due: d.Due, AssignedBy: d.AssignedBy, AssignedAt: d.AssignedAt}
}

type mediaDoc struct {
	ID          string    `bson:"_id"`
	ContentType string    `bson:"contentType"`
	Data        []byte    `bson:"data"`
	Width       int       `bson:"width"`
	Height      int       `bson:"height"`
	UploadedBy  string    `bson:"uploadedBy"`
	UploadedAt  time.Time `bson:"uploadedAt"`
}

// summaryDoc is what a worker's list needs, kept apart and small: the
// embedded engine scans a collection to find a document by id, parsing each
// one, so the collection read on every home page holds little else. Each
// module is one string (see summaryModuleDoc.entry); Modules is decoded.
type summaryDoc struct {
	ID      string                      `bson:"_id"`
	Entries map[string]string           `bson:"m,omitempty"`
	Modules map[string]summaryModuleDoc `bson:"-"`
}

// summaryModuleDoc is a worker's state in one module: the version completed
// and on which day, and the lessons done (space-separated lessonKeys) for
// the module's major version DoneMajor.
type summaryModuleDoc struct {
	CompletedVersion int
	CompletedAt      time.Time // the day, in China time
	DoneMajor        int
	Done             string
}

// entry encodes the state as "completed YYYYMMDD doneMajor key key ...".
func (e summaryModuleDoc) entry() string {
	day := "0"
	if !e.CompletedAt.IsZero() {
		day = e.CompletedAt.In(gridskill.ChinaZone()).Format("20060102")
	}
	s := itoa(e.CompletedVersion) + " " + day + " " + itoa(e.DoneMajor)
	if e.Done != "" {
		s += " " + e.Done
	}
	return s
}

func parseEntry(s string) summaryModuleDoc {
	f := strings.Fields(s)
	var e summaryModuleDoc
	if len(f) >= 3 {
		e.CompletedVersion, _ = strconv.Atoi(f[0])
		if d, err := time.ParseInLocation("20060102", f[1], gridskill.ChinaZone()); err == nil {
			e.CompletedAt = d
		}
		e.DoneMajor, _ = strconv.Atoi(f[2])
		e.Done = strings.Join(f[3:], " ")
	}
	return e
}

// lessonProgressDoc is a worker's time on one lesson.
type lessonProgressDoc struct {
	Seconds int `bson:"seconds,omitempty"`
	// Opened is the first time the worker opened the lesson: its reading time counts from it.
	Opened time.Time `bson:"opened,omitempty"`
}

type moduleProgressDoc struct {
	Lessons map[string]lessonProgressDoc `bson:"lessons,omitempty"`
}

type completionRefDoc struct {
	Key      string    `bson:"key"` // module:version
	ModuleID string    `bson:"moduleId"`
	Version  int       `bson:"version"`
	Title    string    `bson:"title"`
	At       time.Time `bson:"at"`
}

type sessionRefDoc struct {
	ID    string  `bson:"id"`
	Topic string  `bson:"topic"`
	Date  string  `bson:"date"`
	Hours float64 `bson:"hours"`
}

type yearDoc struct {
	Seconds      int     `bson:"seconds,omitempty"`
	OfflineHours float64 `bson:"offlineHours,omitempty"`
}

type beatDoc struct {
	Key string    `bson:"key"`
	At  time.Time `bson:"at"`
}

// progressDoc is the rest of a worker's learning, read by _id: time per
// lesson, the last heartbeat, completions, sessions and hours by year.
type progressDoc struct {
	ID       string                       `bson:"_id"`
	Modules  map[string]moduleProgressDoc `bson:"modules,omitempty"`
	Years    map[string]yearDoc           `bson:"years,omitempty"`
	History  []completionRefDoc           `bson:"history,omitempty"`
	Sessions []sessionRefDoc              `bson:"sessions,omitempty"`
	Beat     *beatDoc                     `bson:"beat,omitempty"`
}

type completionDoc struct {
	ID       string    `bson:"_id"`
	WorkerID string    `bson:"workerId"`
	UnitID   string    `bson:"unitId"`
	UnitPath []string  `bson:"unitPath"`
	ModuleID string    `bson:"moduleId"`
	Version  int       `bson:"version"`
	At       time.Time `bson:"at"`
}

type attendeeDoc struct {
	ID     string `bson:"id"`
	Name   string `bson:"name"`
	Phone  string `bson:"phone"`
	UnitID string `bson:"unitId"`
	// SignedAt is when they signed in by the session's QR code.
	SignedAt time.Time `bson:"signedAt,omitempty"`
}

// sessionChangeDoc is one line of a session's audit trail.
type sessionChangeDoc struct {
	ID        string    `bson:"_id"`
	SessionID string    `bson:"sessionId"`
	Action    string    `bson:"action"`
	ActorID   string    `bson:"actorId"`
	ActorName string    `bson:"actorName"`
	Note      string    `bson:"note,omitempty"`
	At        time.Time `bson:"at"`
}

type sessionDoc struct {
	ID        string        `bson:"_id"`
	Topic     string        `bson:"topic"`
	Date      string        `bson:"date"`
	Hours     float64       `bson:"hours"`
	Place     string        `bson:"place"`
	Trainer   string        `bson:"trainer"`
	UnitID    string        `bson:"unitId"`
	UnitPath  []string      `bson:"unitPath"`
	Attendees []attendeeDoc `bson:"attendees"`
	CreatedBy string        `bson:"createdBy"`
	CreatedAt time.Time     `bson:"createdAt"`
	// SignInKey, when set, lets workers sign in by the QR code on the day.
	SignInKey string `bson:"signInKey,omitempty"`
	// Editing marks an edit whose hours may not all be moved yet: until it
	// is cleared, attendees' records may hold the old reference or none,
	// and RepairSessions finishes the move.
	Editing bool `bson:"editing,omitempty"`
}

// repo is the Mongo storage of the courses collections.
type repo struct {
	modules, versions, assignments, media, progress, summaries, completions, sessions *mongo.Collection
	changeLog                                                                         *mongo.Collection
	// heldProgress and heldSummaries are every worker's progress (hours by
	// year, completion times) and summary in memory, as the leaders'
	// dashboards read them: reading both collections took seconds of every
	// district dashboard. Each write below tells them once it has landed.
	heldProgress  *store.Mirror[progressDoc]
	heldSummaries *store.Mirror[summaryDoc]
	// heldSessions is every offline session without its attendees, for the
	// sessions list: a session of a district's 2,000 attendees is decoded
	// whole by any filter on the embedded engine (300 ms for 36 sessions).
	heldSessions *store.Mirror[sessionDoc]
}

func newRepo(db *mongo.Database, clock gridskill.Clock) repo {
	progress, summaries, sessions := db.Collection(progressColl), db.Collection(summaryColl), db.Collection(sessionsColl)
	return repo{
		modules: db.Collection(modulesColl), versions: db.Collection(versionsColl), assignments: db.Collection(assignmentsColl),
		media: db.Collection(mediaColl), progress: progress, summaries: summaries,
		completions: db.Collection(completionsColl),
		sessions:    sessions, changeLog: db.Collection(sessionChangesColl),
		heldProgress: store.NewMirror(progress, func(d *progressDoc) string { return d.ID },
			store.MirrorOptions[progressDoc]{Projection: bson.M{"years": 1, "history.at": 1}, Now: clock.Now}),
		heldSummaries: store.NewMirror(summaries, func(d *summaryDoc) string { return d.ID },
			store.MirrorOptions[summaryDoc]{Prepare: parseEntries, Now: clock.Now}),
		heldSessions: store.NewMirror(sessions, func(d *sessionDoc) string { return d.ID },
			store.MirrorOptions[sessionDoc]{Projection: bson.M{"attendees": 0}, Now: clock.Now}),
	}
}

// parseEntries fills a summary's Modules from its stored entries.
func parseEntries(d *summaryDoc) {
	d.Modules = make(map[string]summaryModuleDoc, len(d.Entries))
	for id, e := range d.Entries {
		d.Modules[id] = parseEntry(e)
	}
}

// findDocs reads every document of c that filter matches.
func findDocs[T any](ctx context.Context, c *mongo.Collection, filter bson.M) ([]T, error) {
	cur, err := c.Find(ctx, filter)
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	var docs []T
	if err := cur.All(ctx, &docs); err != nil {
		return nil, gridskill.Internal(err)
	}
	return docs, nil
}

func findOne[T any](ctx context.Context, c *mongo.Collection, id string, notFound func() error) (T, error) {
	var d T
	err := c.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, notFound()
	}
	if err != nil {
		return d, gridskill.Internal(err)
	}
	return d, nil
}

func (r repo) module(ctx context.Context, id string) (moduleDoc, error) {
	return findOne[moduleDoc](ctx, r.modules, id, func() error { return gridskill.Errorf(gridskill.ENOTFOUND, "no such module") })
}

func (r repo) insertModule(ctx context.Context, d moduleDoc) error {
	_, err := r.modules.InsertOne(ctx, d)
	if store.IsDuplicate(err) {
		return gridskill.Errorf(gridskill.ECONFLICT, "a module with this id already exists")
	}
	if err != nil {
		return gridskill.Internal(err)
	}
	return nil
}

// replaceModule writes d if the stored revision is still rev: two trainers
// saving at once do not silently undo each other.
func (r repo) replaceModule(ctx context.Context, d moduleDoc, rev int) error {
	res, err := r.modules.ReplaceOne(ctx, bson.M{"_id": d.ID, "rev": rev}, d)
	if err != nil {
		return gridskill.Internal(err)
	}
	if res.MatchedCount == 0 {
		return gridskill.Errorf(gridskill.ECONFLICT, "the module was changed by someone else; reload it and try again")
	}
	return nil
}

// catalogueModules reads every module without its draft lessons' text.
func (r repo) catalogueModules(ctx context.Context) ([]moduleDoc, error) {
	cur, err := r.modules.Find(ctx, bson.M{}, options.Find().SetProjection(bson.M{"lessons": 0}))
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	var docs []moduleDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, gridskill.Internal(err)
	}
	return docs, nil
}

func (r repo) allAssignments(ctx context.Context) ([]assignmentDoc, error) {
	cur, err := r.assignments.Find(ctx, bson.M{})
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	var docs []assignmentDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, gridskill.Internal(err)
	}
	return docs, nil
}

func (r repo) putAssignment(ctx context.Context, d assignmentDoc) error {
	_, err := r.assignments.ReplaceOne(ctx, bson.M{"_id": d.ID}, d, options.Replace().SetUpsert(true))
	if err != nil && !store.IsDuplicate(err) {
		return gridskill.Internal(err)
	}
	return nil
}

func (r repo) deleteAssignment(ctx context.Context, id string) error {
	if _, err := r.assignments.DeleteOne(ctx, bson.M{"_id": id}); err != nil {
		return gridskill.Internal(err)
	}
	return nil
}

func (r repo) version(ctx context.Context, moduleID string, n int) (versionDoc, error) {
	return findOne[versionDoc](ctx, r.versions, versionID(moduleID, n), func() error { return gridskill.Errorf(gridskill.ENOTFOUND, "no such version of the module") })
}

// putVersion stores a published version under the module and number. It
// is written before the module points at it, so until then a retried or
// interrupted publish may overwrite it; once referenced, its number is never
// written again.
func (r repo) putVersion(ctx context.Context, d versionDoc) error {
	_, err := r.versions.ReplaceOne(ctx, bson.M{"_id": d.ID}, d, options.Replace().SetUpsert(true))
	if err != nil && !store.IsDuplicate(err) {
		return gridskill.Internal(err)
	}
	return nil
}

func (r repo) insertMedia(ctx context.Context, d mediaDoc) error {
	_, err := r.media.InsertOne(ctx, d)
	if err != nil && !store.IsDuplicate(err) {
		return gridskill.Internal(err)
	}
	return nil
}

func (r repo) mediaByID(ctx context.Context, id string) (mediaDoc, error) {
	return findOne[mediaDoc](ctx, r.media, id, func() error { return gridskill.Errorf(gridskill.ENOTFOUND, "no such image") })
}

func (r repo) progressOf(ctx context.Context, workerID string) (progressDoc, error) {
	d, err := findOne[progressDoc](ctx, r.progress, workerID, func() error { return gridskill.Errorf(gridskill.ENOTFOUND, "no such account") })
	if gridskill.ErrorCode(err) == gridskill.ENOTFOUND {
		return progressDoc{ID: workerID}, nil
	}
	return d, err
}

// updateProgress applies update to a worker's summary, creating it if
// needed. extra narrows the filter (a guard); when the guard fails on an
// existing document the upsert collides on _id, which is reported as
// applied=false rather than an error.
func (r repo) updateProgress(ctx context.Context, workerID string, guard bson.M, update bson.M) (applied bool, err error) {
	filter := bson.M{"_id": workerID}
	for k, v := range guard {
		filter[k] = v
	}
	res, err := r.progress.UpdateOne(ctx, filter, update, options.Update().SetUpsert(true))
	if store.IsDuplicate(err) {
		return false, nil
	}
	r.heldProgress.Changed(ctx, workerID) // after a failure too: the write may have landed
	if err != nil {
		return false, gridskill.Internal(err)
	}
	return res.MatchedCount > 0 || res.UpsertedCount > 0, nil
}

func (r repo) summaryOf(ctx context.Context, workerID string) (summaryDoc, error) {
	d, err := findOne[summaryDoc](ctx, r.summaries, workerID, func() error { return gridskill.Errorf(gridskill.ENOTFOUND, "no such account") })
	if gridskill.ErrorCode(err) == gridskill.ENOTFOUND {
		return summaryDoc{ID: workerID, Modules: map[string]summaryModuleDoc{}}, nil
	}
	parseEntries(&d)
	return d, err
}

// moduleEntries reads every worker's summary entry for one module, by
// worker id: one scan of the summaries.
func (r repo) moduleEntries(ctx context.Context, moduleID string) (map[string]string, error) {
	field := "m." + moduleID
	cur, err := r.summaries.Find(ctx, bson.M{field: bson.M{"$exists": true}}, options.Find().SetProjection(bson.M{field: 1}))
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	var docs []summaryDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, gridskill.Internal(err)
	}
	out := make(map[string]string, len(docs))
	for _, d := range docs {
		out[d.ID] = d.Entries[moduleID]
	}
	return out, nil
}

// casModule replaces a worker's entry for one module if it still reads
// old (absent when had is false). It reports whether it did.
func (r repo) casModule(ctx context.Context, workerID, moduleID string, old string, had bool, next summaryModuleDoc) (bool, error) {
	field := "m." + moduleID
	guard := bson.M{field: old}
	if !had {
		guard = bson.M{field: bson.M{"$exists": false}}
	}
	return r.updateSummary(ctx, workerID, guard, bson.M{"$set": bson.M{field: next.entry()}})
}

// updateSummary is updateProgress for the summary collection.
func (r repo) updateSummary(ctx context.Context, workerID string, guard bson.M, update bson.M) (applied bool, err error) {
	filter := bson.M{"_id": workerID}
	for k, v := range guard {
		filter[k] = v
	}
	res, err := r.summaries.UpdateOne(ctx, filter, update, options.Update().SetUpsert(true))
	if store.IsDuplicate(err) {
		return false, nil
	}
	r.heldSummaries.Changed(ctx, workerID) // after a failure too: the write may have landed
	if err != nil {
		return false, gridskill.Internal(err)
	}
	return res.MatchedCount > 0 || res.UpsertedCount > 0, nil
}

func (r repo) insertCompletion(ctx context.Context, d completionDoc) error {
	_, err := r.completions.InsertOne(ctx, d)
	if err != nil && !store.IsDuplicate(err) {
		return gridskill.Internal(err)
	}
	return nil
}

func (r repo) completionsOf(ctx context.Context, moduleID, scopeID string) ([]completionDoc, error) {
	cur, err := r.completions.Find(ctx, bson.M{"moduleId": moduleID, "unitPath": scopeID})
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	var docs []completionDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, gridskill.Internal(err)
	}
	return docs, nil
}

func (r repo) insertSession(ctx context.Context, d sessionDoc) error {
	_, err := r.sessions.InsertOne(ctx, d)
	r.heldSessions.Changed(ctx, d.ID)
	if err != nil && !store.IsDuplicate(err) {
		return gridskill.Internal(err)
	}
	return nil
}

// sessionsOn reads the sessions of a topic on a date, with their attendees.
func (r repo) sessionsOn(ctx context.Context, topic, date string) ([]sessionDoc, error) {
	return findDocs[sessionDoc](ctx, r.sessions, bson.M{"topic": topic, "date": date})
}

// sessionsEditing reads the sessions whose last edit may not have finished.
func (r repo) sessionsEditing(ctx context.Context) ([]sessionDoc, error) {
	return findDocs[sessionDoc](ctx, r.sessions, bson.M{"editing": true})
}

func (r repo) replaceSession(ctx context.Context, d sessionDoc) error {
	_, err := r.sessions.ReplaceOne(ctx, bson.M{"_id": d.ID}, d)
	r.heldSessions.Changed(ctx, d.ID)
	if err != nil {
		return gridskill.Internal(err)
	}
	return nil
}

func (r repo) deleteSession(ctx context.Context, id string) error {
	_, err := r.sessions.DeleteOne(ctx, bson.M{"_id": id})
	r.heldSessions.Changed(ctx, id)
	if err != nil {
		return gridskill.Internal(err)
	}
	return nil
}

// addAttendee adds a to a session unless they are on it; false when they
// were. The sessions held in memory keep no attendees: they are not told.
func (r repo) addAttendee(ctx context.Context, id string, a attendeeDoc) (bool, error) {
	res, err := r.sessions.UpdateOne(ctx, bson.M{"_id": id, "attendees.id": bson.M{"$ne": a.ID}}, bson.M{"$push": bson.M{"attendees": a}})
	if err != nil {
		return false, gridskill.Internal(err)
	}
	return res.MatchedCount == 1, nil
}

func (r repo) insertSessionChange(ctx context.Context, d sessionChangeDoc) error {
	if _, err := r.changeLog.InsertOne(ctx, d); err != nil {
		return gridskill.Internal(err)
	}
	return nil
}

func (r repo) sessionChanges(ctx context.Context, sessionID string) ([]sessionChangeDoc, error) {
	docs, err := findDocs[sessionChangeDoc](ctx, r.changeLog, bson.M{"sessionId": sessionID})
	slices.SortFunc(docs, func(a, b sessionChangeDoc) int { return a.At.Compare(b.At) })
	return docs, err
}

// updateProgressIfAny applies update to a worker's progress when it matches
// guard, and never creates one.
func (r repo) updateProgressIfAny(ctx context.Context, workerID string, guard bson.M, update bson.M) error {
	filter := bson.M{"_id": workerID}
	for k, v := range guard {
		filter[k] = v
	}
	_, err := r.progress.UpdateOne(ctx, filter, update)
	r.heldProgress.Changed(ctx, workerID) // after a failure too: the write may have landed
	if err != nil {
		return gridskill.Internal(err)
	}
	return nil
}

func (r repo) session(ctx context.Context, id string) (sessionDoc, error) {
	return findOne[sessionDoc](ctx, r.sessions, id, func() error { return gridskill.Errorf(gridskill.ENOTFOUND, "no such training session") })
}

// sessionsIn returns the latest sessions in the scope, without attendees,
// from memory.
func (r repo) sessionsIn(ctx context.Context, scopeID string, limit int) ([]sessionDoc, error) {
	var docs []sessionDoc
	err := r.heldSessions.View(ctx, func(all map[string]sessionDoc) {
		for _, d := range all {
			if slices.Contains(d.UnitPath, scopeID) {
				docs = append(docs, d)
			}
		}
	})
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	slices.SortFunc(docs, func(a, b sessionDoc) int { return cmp.Or(strings.Compare(b.Date, a.Date), strings.Compare(a.ID, b.ID)) })
	return docs[:min(limit, len(docs))], nil
}

// ensureLearning creates the empty progress and summary documents of the
// workers who have none, so that an update of many documents finds them
// all (an upsert creates one document at most). A duplicate means it exists.
// The mirrors are not told: a blank document reads as a missing one.
func (r repo) ensureLearning(ctx context.Context, blank []any) error {
	for _, coll := range []*mongo.Collection{r.progress, r.summaries} {
		for _, err := range store.InsertOnce(ctx, coll, blank) {
			if err != nil {
				return gridskill.Internal(err)
			}
		}
	}
	return nil
}

// updateSummaries applies one update to the summaries of many workers that
// pass guard, in one command: one scan of the collection on the embedded
// engine, where an update apiece scans it once each.
func (r repo) updateSummaries(ctx context.Context, workerIDs []string, guard bson.M, update bson.M) error {
	return r.updateMany(ctx, r.summaries, r.heldSummaries.Changed, workerIDs, guard, update)
}

// updateProgresses is updateSummaries for the progress documents.
func (r repo) updateProgresses(ctx context.Context, workerIDs []string, update bson.M) error {
	return r.updateMany(ctx, r.progress, r.heldProgress.Changed, workerIDs, nil, update)
}

// updateGuardedProgresses is updateProgresses with a guard.
func (r repo) updateGuardedProgresses(ctx context.Context, workerIDs []string, guard bson.M, update bson.M) error {
	return r.updateMany(ctx, r.progress, r.heldProgress.Changed, workerIDs, guard, update)
}

// told is the Changed of c's mirror, told even after a failure, since some
// of the batches may have landed.
func (r repo) updateMany(ctx context.Context, c *mongo.Collection, told func(context.Context, ...string), ids []string, guard bson.M, update bson.M) error {
	defer told(ctx, ids...)
	for i := 0; i < len(ids); i += 500 {
		filter := bson.M{"_id": bson.M{"$in": ids[i:min(i+500, len(ids))]}}
		for k, v := range guard {
			filter[k] = v
		}
		if _, err := c.UpdateMany(ctx, filter, update); err != nil {
			return gridskill.Internal(err)
		}
	}
	return nil
}
