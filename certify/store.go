package certify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"gridskill"
	"gridskill/scoring"
	"gridskill/store"
)

// Collection names.
const (
	programsColl = "cert_programs"
	certsColl    = "certificates"
	countersColl = "cert_counters"
	auditColl    = "cert_audit"
	codesColl    = "cert_codes"
)

// Indexes lists the indexes of the certification collections.
func Indexes() []store.Index {
	return []store.Index{
		store.On(certsColl, bson.D{{Key: "code", Value: 1}}).Unique(),
		store.On(certsColl, bson.D{{Key: "workerId", Value: 1}}),
		store.On(certsColl, bson.D{{Key: "unitPath", Value: 1}, {Key: "programId", Value: 1}}),
		store.On(certsColl, bson.D{{Key: "expiresAt", Value: 1}}),
		store.On(auditColl, bson.D{{Key: "certId", Value: 1}, {Key: "at", Value: 1}}),
		store.On(programsColl, bson.D{{Key: "issuerId", Value: 1}}),
	}
}

type moduleReqDoc struct {
	ModuleID   string `bson:"moduleId"`
	MinVersion int    `bson:"minVersion"`
}

type examReqDoc struct {
	ExamID   string  `bson:"examId"`
	MinScore float64 `bson:"minScore"`
}

type awardReqDoc struct {
	ContestID string `bson:"contestId,omitempty"`
	MinLevel  int    `bson:"minLevel"`
}

type reqDoc struct {
	Modules  []moduleReqDoc `bson:"modules"`
	Exams    []examReqDoc   `bson:"exams"`
	MinHours float64        `bson:"minHours"`
	Award    *awardReqDoc   `bson:"award,omitempty"`
	// Checklists are practical checklists that must be accepted.
	Checklists []string `bson:"checklists,omitempty"`
}

func newReqDoc(r scoring.Requirements) reqDoc {
	d := reqDoc{Modules: []moduleReqDoc{}, Exams: []examReqDoc{}, MinHours: r.MinHours, Checklists: r.Checklists}
	for _, m := range r.Modules {
		d.Modules = append(d.Modules, moduleReqDoc{m.ModuleID, m.MinVersion})
	}
	for _, e := range r.Exams {
		d.Exams = append(d.Exams, examReqDoc{e.ExamID, e.MinScore})
	}
	if r.Award != nil {
		d.Award = &awardReqDoc{ContestID: r.Award.ContestID, MinLevel: int(r.Award.MinLevel)}
	}
	return d
}

func (d reqDoc) requirements() scoring.Requirements {
	r := scoring.Requirements{MinHours: d.MinHours, Checklists: d.Checklists}
	for _, m := range d.Modules {
		r.Modules = append(r.Modules, scoring.ModuleReq{ModuleID: m.ModuleID, MinVersion: m.MinVersion})
	}
	for _, e := range d.Exams {
		r.Exams = append(r.Exams, scoring.ExamReq{ExamID: e.ExamID, MinScore: e.MinScore})
	}
	if d.Award != nil {
		r.Award = &scoring.AwardReq{ContestID: d.Award.ContestID, MinLevel: scoring.AwardLevel(d.Award.MinLevel)}
	}
	return r
}

type programDoc struct {
	ID             string            `bson:"_id"`
	Name           string            `bson:"name"`
	IssuerID       string            `bson:"issuerId"`
	IssuerName     string            `bson:"issuerName"`
	Requirements   reqDoc            `bson:"requirements"`
	ValidityMonths int               `bson:"validityMonths"`
	Checks         map[string]string `bson:"checks,omitempty"`
	Audience       []string          `bson:"audience"`
	CreatedBy      string            `bson:"createdBy"`
	CreatedAt      time.Time         `bson:"createdAt"`
	UpdatedAt      time.Time         `bson:"updatedAt"`
}

func newProgramDoc(p Program) programDoc {
	aud := p.Audience
	if aud == nil {
		aud = []string{}
	}
	return programDoc{ID: p.ID, Name: p.Name, IssuerID: p.IssuerID, IssuerName: p.IssuerName, Requirements: newReqDoc(p.Requirements),
		ValidityMonths: p.ValidityMonths, Checks: p.Checks, Audience: aud, CreatedBy: p.CreatedBy, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

func (d programDoc) program() Program {
	return Program{ID: d.ID, Name: d.Name, IssuerID: d.IssuerID, IssuerName: d.IssuerName, Requirements: d.Requirements.requirements(),
		ValidityMonths: d.ValidityMonths, Checks: d.Checks, Audience: d.Audience, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC()}
}

type certDoc struct {
	ID           string            `bson:"_id"`
	Number       string            `bson:"number"`
	Code         string            `bson:"code"`
	ProgramID    string            `bson:"programId"`
	ProgramName  string            `bson:"programName"`
	IssuerID     string            `bson:"issuerId"`
	IssuerName   string            `bson:"issuerName"`
	WorkerID     string            `bson:"workerId"`
	HolderName   string            `bson:"holderName"`
	UnitID       string            `bson:"unitId"`
	UnitPath     []string          `bson:"unitPath"`
	Requirements reqDoc            `bson:"requirements"`
	Checks       map[string]string `bson:"checks,omitempty"`
	Majors       map[string]int    `bson:"majors,omitempty"`
	IssuedAt     time.Time         `bson:"issuedAt"`
	RenewedAt    time.Time         `bson:"renewedAt"`
	ExpiresAt    *time.Time        `bson:"expiresAt"`
	Renewals     int               `bson:"renewals"`
	Revoked      bool              `bson:"revoked"`
	RevokedAt    *time.Time        `bson:"revokedAt,omitempty"`
	RevokedBy    string            `bson:"revokedBy,omitempty"`
	RevokeReason string            `bson:"revokeReason,omitempty"`
	// LastState is the state last written to the audit log, so the sweep logs
	// each time-dependent change once.
	LastState string `bson:"lastState"`
}

func newCertDoc(c Certificate, state State) certDoc {
	d := certDoc{ID: c.ID, Number: c.Number, Code: c.Code, ProgramID: c.ProgramID, ProgramName: c.ProgramName,
		IssuerID: c.IssuerID, IssuerName: c.IssuerName, WorkerID: c.WorkerID, HolderName: c.HolderName,
		UnitID: c.UnitID, UnitPath: c.UnitPath, Requirements: newReqDoc(c.Requirements), Checks: c.Checks,
		Majors: c.Majors, IssuedAt: c.IssuedAt, RenewedAt: c.RenewedAt, Renewals: c.Renewals, LastState: string(state)}
	if !c.ExpiresAt.IsZero() {
		t := c.ExpiresAt
		d.ExpiresAt = &t
	}
	return d
}

func (d certDoc) certificate() Certificate {
	c := Certificate{ID: d.ID, Number: d.Number, Code: d.Code, ProgramID: d.ProgramID, ProgramName: d.ProgramName,
		IssuerID: d.IssuerID, IssuerName: d.IssuerName, WorkerID: d.WorkerID, HolderName: d.HolderName,
		UnitID: d.UnitID, UnitPath: d.UnitPath, Requirements: d.Requirements.requirements(), Checks: d.Checks,
		Majors: d.Majors, IssuedAt: d.IssuedAt.UTC(), RenewedAt: d.RenewedAt.UTC(), Renewals: d.Renewals,
		Revoked: d.Revoked, RevokedBy: d.RevokedBy, RevokeReason: d.RevokeReason}
	if d.ExpiresAt != nil {
		c.ExpiresAt = d.ExpiresAt.UTC()
	}
	if d.RevokedAt != nil {
		c.RevokedAt = d.RevokedAt.UTC()
	}
	return c
}

type auditDoc struct {
	ID        string    `bson:"_id"`
	CertID    string    `bson:"certId"`
	ProgramID string    `bson:"programId"`
	WorkerID  string    `bson:"workerId"`
	Number    string    `bson:"number"`
	Action    string    `bson:"action"`
	State     string    `bson:"state"`
	ActorID   string    `bson:"actorId"`
	ActorName string    `bson:"actorName"`
	Reason    string    `bson:"reason,omitempty"`
	At        time.Time `bson:"at"`
}

// repo is the Mongo storage of certification. The audit collection is only
// ever inserted into.
type repo struct {
	programs *mongo.Collection
	certs    *mongo.Collection
	counters *mongo.Collection
	audit    *mongo.Collection
	codes    *mongo.Collection
	// held is every certificate in memory, which the lists, reports,
	// transcripts and dashboards filter: on the embedded engine a find on any
	// field but _id decodes the whole collection (1.4 s over a district-year's
	// 7,100). Every write below tells it once it has landed.
	held *store.Mirror[certDoc]
}

func newRepo(db *mongo.Database, clock gridskill.Clock) repo {
	certs := db.Collection(certsColl)
	return repo{programs: db.Collection(programsColl), certs: certs,
		counters: db.Collection(countersColl), audit: db.Collection(auditColl), codes: db.Collection(codesColl),
		held: store.NewMirror(certs, func(d *certDoc) string { return d.ID }, store.MirrorOptions[certDoc]{Now: clock.Now})}
}

func (r repo) insertProgram(ctx context.Context, p Program) error {
	_, err := r.programs.InsertOne(ctx, newProgramDoc(p))
	return err
}

func (r repo) replaceProgram(ctx context.Context, p Program) error {
	res, err := r.programs.ReplaceOne(ctx, bson.M{"_id": p.ID}, newProgramDoc(p))
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return gridskill.Errorf(gridskill.ENOTFOUND, "no such program")
	}
	return nil
}

func (r repo) program(ctx context.Context, id string) (Program, error) {
	var d programDoc
	err := r.programs.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Program{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such program")
	}
	return d.program(), err
}

func (r repo) allPrograms(ctx context.Context) ([]Program, error) {
	cur, err := r.programs.Find(ctx, bson.M{}, options.Find().SetSort(bson.D{{Key: "name", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []programDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]Program, len(docs))
	for i, d := range docs {
		out[i] = d.program()
	}
	return out, nil
}

// nextNumber returns the next certificate number of the year. The counter is
// incremented atomically, so two issues never share a number; an issue that
// loses a race leaves a gap, which is fine.
func (r repo) nextNumber(ctx context.Context, year int) (string, error) {
	key := fmt.Sprintf("GS-%d", year)
	var d struct {
		N int64 `bson:"n"`
	}
	var err error
	for range 3 {
		err = r.counters.FindOneAndUpdate(ctx, bson.M{"_id": key}, bson.M{"$inc": bson.M{"n": 1}},
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&d)
		// Two first upserts of a year race to insert the counter; the loser
		// retries and increments the winner's.
		if !store.IsDuplicate(err) {
			break
		}
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s-%06d", key, d.N), nil
}

func (r repo) insertCert(ctx context.Context, d certDoc) error {
	_, err := r.certs.InsertOne(ctx, d)
	switch {
	case err == nil:
		r.held.Put(d)
	case !store.IsDuplicate(err):
		r.held.Changed(ctx, d.ID) // the write may have landed
	}
	return err
}

func (r repo) cert(ctx context.Context, id string) (certDoc, error) {
	return r.findCert(ctx, bson.M{"_id": id})
}

// certByCode finds a certificate by its verification code: two reads by _id.
func (r repo) certByCode(ctx context.Context, code string) (certDoc, error) {
	var c struct {
		CertID string `bson:"certId"`
	}
	err := r.codes.FindOne(ctx, bson.M{"_id": code}).Decode(&c)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return certDoc{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such certificate")
	}
	if err != nil {
		return certDoc{}, err
	}
	return r.cert(ctx, c.CertID)
}

// claimCode reserves a verification code for a certificate; a code already
// taken is a duplicate key.
func (r repo) claimCode(ctx context.Context, code, certID string) error {
	_, err := r.codes.InsertOne(ctx, bson.M{"_id": code, "certId": certID})
	return err
}

// releaseCode drops a claimed code whose certificate was not written. It is
// best effort: a code left behind verifies as unknown anyway.
func (r repo) releaseCode(ctx context.Context, code string) {
	_, _ = r.codes.DeleteOne(ctx, bson.M{"_id": code})
}

func (r repo) findCert(ctx context.Context, filter bson.M) (certDoc, error) {
	var d certDoc
	err := r.certs.FindOne(ctx, filter).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return certDoc{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such certificate")
	}
	return d, err
}

// certsWhere returns the certificates keep selects, by number, from memory.
func (r repo) certsWhere(ctx context.Context, keep func(*certDoc) bool) ([]certDoc, error) {
	var out []certDoc
	err := r.held.View(ctx, func(all map[string]certDoc) {
		for _, d := range all {
			if keep(&d) {
				out = append(out, d)
			}
		}
	})
	slices.SortFunc(out, func(a, b certDoc) int { return strings.Compare(a.Number, b.Number) })
	return out, err
}

// changed reports whether an update of certificate id matched, and tells the
// mirror of certificates when it did, or failed (the write may have landed).
func (r repo) changed(ctx context.Context, id string, res *mongo.UpdateResult, err error) (bool, error) {
	if err != nil {
		r.held.Changed(ctx, id)
		return false, err
	}
	if res.MatchedCount != 1 {
		return false, nil
	}
	r.held.Changed(ctx, id)
	return true, nil
}

// renew extends a certificate, only if it was not renewed or revoked since it
// was read (renewedAt is the version), so two racing renewals extend it once.
func (r repo) renew(ctx context.Context, id string, prevRenewedAt time.Time, set bson.M) (bool, error) {
	res, err := r.certs.UpdateOne(ctx, bson.M{"_id": id, "renewedAt": prevRenewedAt, "revoked": false},
		bson.M{"$set": set, "$inc": bson.M{"renewals": 1}})
	return r.changed(ctx, id, res, err)
}

func (r repo) revoke(ctx context.Context, id string, at time.Time, by, reason string) (bool, error) {
	res, err := r.certs.UpdateOne(ctx, bson.M{"_id": id, "revoked": false},
		bson.M{"$set": bson.M{"revoked": true, "revokedAt": at, "revokedBy": by, "revokeReason": reason, "lastState": string(Revoked)}})
	return r.changed(ctx, id, res, err)
}

// reinstate lifts a certificate's revocation; false when it was not revoked.
func (r repo) reinstate(ctx context.Context, id string) (bool, error) {
	res, err := r.certs.UpdateOne(ctx, bson.M{"_id": id, "revoked": true},
		bson.M{"$set": bson.M{"revoked": false, "lastState": string(Valid)}, "$unset": bson.M{"revokedAt": "", "revokedBy": "", "revokeReason": ""}})
	return r.changed(ctx, id, res, err)
}

func (r repo) setLastState(ctx context.Context, id, from, to string) (bool, error) {
	res, err := r.certs.UpdateOne(ctx, bson.M{"_id": id, "lastState": from}, bson.M{"$set": bson.M{"lastState": to}})
	return r.changed(ctx, id, res, err)
}

func (r repo) insertAudit(ctx context.Context, d auditDoc) error {
	_, err := r.audit.InsertOne(ctx, d)
	return err
}

func (r repo) auditOf(ctx context.Context, certID string) ([]auditDoc, error) {
	cur, err := r.audit.Find(ctx, bson.M{"certId": certID}, options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []auditDoc
	err = cur.All(ctx, &docs)
	return docs, err
}
