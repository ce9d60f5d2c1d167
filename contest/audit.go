package contest

import (
	"context"
	"fmt"
	"time"

	"gridskill"
	"gridskill/people"
)

// Act is one change an organizer made, as the contest's audit trail shows
// it: Action is the catalogue id (English) of what was done, Detail what it
// was done to, as typed.
type Act struct {
	Action string
	Detail string
}

// AuditEntry is one line of a contest's audit trail.
type AuditEntry struct {
	At      time.Time
	ActorID string
	Actor   string
	Action  string
	Detail  string
}

// MaxAuditShown is how many of the latest audit entries a contest page shows.
const MaxAuditShown = 200

// audit records an act after the change it describes was saved. A failed
// write is logged: the change stands, and refusing it now would only hide
// it from the organizer.
func (s *Service) audit(ctx context.Context, actor people.User, contestID string, act Act) {
	if act.Action == "" {
		return
	}
	now := s.clock.Now()
	d := auditDoc{ID: contestID + ":" + now.UTC().Format("20060102T150405.000000000") + fmt.Sprintf(":%012d:", s.auditSeq.Add(1)) + randomHex(3), Contest: contestID, At: now,
		Actor: actor.ID, ActorName: actor.Name, Action: act.Action, Detail: clip(act.Detail, 300)}
	if err := s.repo.insertAudit(ctx, d); err != nil {
		s.log.Error("contest audit", "contest", contestID, "action", act.Action, "err", err)
	}
}

// AuditTrail returns what the contest's organizers changed, newest first, at
// most MaxAuditShown entries. Its organizers only. Errors: invalid,
// not_found, forbidden, internal.
func (s *Service) AuditTrail(ctx context.Context, actor people.User, id string) ([]AuditEntry, error) {
	c, err := s.managed(actor, id)
	if err != nil {
		return nil, err
	}
	docs, err := s.repo.audit(ctx, c.ID, MaxAuditShown)
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	out := make([]AuditEntry, len(docs))
	for i, d := range docs {
		out[i] = AuditEntry{At: d.At, ActorID: d.Actor, Actor: d.ActorName, Action: d.Action, Detail: d.Detail}
	}
	return out, nil
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
