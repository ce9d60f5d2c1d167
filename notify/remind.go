package notify

import (
	"context"
	"strings"

	"gridskill"
	"gridskill/people"
)

// Reminder is what a leader sends in one click from a chasing list.
type Reminder struct {
	// Key names the list (e.g. "required-missing:<unit>"): one reminder a
	// list a day reaches each worker and each robot, however often it is sent.
	Key string
	// Text, Args and Link are the in-app notice.
	Text string
	Args []string
	Link string
	// Message is the robots' text, in the leader's language; the names of
	// the workers under the robot's unit follow it.
	Message string
	Workers []people.User
}

// Sent says what a reminder reached.
type Sent struct {
	Notices int // new in-app notices
	Robots  int // robot messages posted
	Failed  int // robots that refused or could not be reached
}

// Remind sends a reminder to each worker's list and to the robot of every
// unit in the admin actor's area above them that configures one.
// Errors: invalid, forbidden, internal.
func (s *Service) Remind(ctx context.Context, actor people.User, r Reminder) (Sent, error) {
	if !actor.Active || !actor.Role.IsAdmin() {
		return Sent{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only admins send reminders")
	}
	if r.Key == "" || len(r.Key) > 200 || r.Text == "" {
		return Sent{}, gridskill.Errorf(gridskill.EINVALID, "nothing to remind of")
	}
	if len(r.Workers) == 0 {
		return Sent{}, gridskill.Errorf(gridskill.EINVALID, "nobody on this list needs a reminder")
	}
	for _, w := range r.Workers {
		if !actor.CanAdminister(w.UnitPath) {
			return Sent{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this account is outside your area")
		}
	}
	id := "remind:" + r.Key + ":" + s.clock.Now().In(gridskill.ChinaZone()).Format("2006-01-02")
	ns := make([]Notice, len(r.Workers))
	for i, w := range r.Workers {
		ns[i] = Notice{ID: id, UserID: w.ID, Kind: "reminder", Text: r.Text, Args: r.Args, Link: r.Link}
	}
	var sent Sent
	var err error
	if sent.Notices, err = s.Send(ctx, ns); err != nil {
		return sent, err
	}
	hooks, err := s.Hooks(ctx, actor)
	if err != nil {
		return sent, err
	}
	for _, h := range hooks {
		var names []string
		for _, w := range r.Workers {
			if people.InScope(w.UnitPath, h.UnitID) {
				names = append(names, w.Name)
			}
		}
		if len(names) == 0 {
			continue
		}
		posted, err := s.postOnce(ctx, h, id, r.Message+"\n"+strings.Join(names, "、"))
		switch {
		case err != nil:
			s.log.Warn("group robot", "unit", h.UnitID, "kind", h.Kind, "err", err)
			sent.Failed++
		case posted:
			sent.Robots++
		}
	}
	return sent, nil
}

// postOnce posts a message to a robot unless it went out before.
func (s *Service) postOnce(ctx context.Context, h Hook, id, text string) (bool, error) {
	key := "hook:" + h.UnitID + ":" + id
	first, err := s.claimPost(ctx, key)
	if err != nil || !first {
		return false, err
	}
	if err := s.post(ctx, h, text); err != nil {
		s.unclaimPost(ctx, key)
		return false, err
	}
	return true, nil
}
