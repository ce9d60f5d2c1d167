package contest

import (
	"errors"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill"
	"gridskill/scoring"
	"gridskill/seed"
)

// A participant list of phone numbers used to cost one scan of the accounts
// per phone (50 phones took 5–9 s). The accounts are in memory with an index
// by phone: with the users collection emptied under the service, the list
// still finds every worker, and a phone outside the admin's area is still
// refused.
func TestImportParticipantsFindsPhonesInMemory(t *testing.T) {
	f := newFixture(t)
	c, err := f.s.Create(f.ctx, f.admin, Contest{Title: "名单导入", TeamRule: scoring.TeamRule{Method: scoring.TeamMean}})
	f.must(err)
	inArea, err := f.s.SetParticipantsByUnits(f.ctx, f.admin, c.ID, []string{seed.Grid111ID})
	f.must(err)
	var phones []string
	for _, p := range inArea.Participants {
		phones = append(phones, f.user(p.ID).Phone)
	}
	if _, err := f.s.repo.db.Collection("users").DeleteMany(f.ctx, bson.M{}); err != nil {
		t.Fatal(err)
	}

	csv := "手机号\n" + strings.Join(phones, "\n") + "\n"
	got, err := f.s.ImportParticipants(f.ctx, f.admin, c.ID, strings.NewReader(csv), "list.csv")
	f.must(err)
	if len(got.Participants) != len(phones) {
		t.Fatalf("imported %d participants, want %d", len(got.Participants), len(phones))
	}

	t.Run("RefusesAPhoneOutsideTheArea", func(t *testing.T) {
		other := f.user("user-trainer-3").Phone // street 2
		_, err := f.s.ImportParticipants(f.ctx, f.admin, c.ID, strings.NewReader("手机号\n"+phones[0]+"\n"+other+"\n"), "list.csv")
		var e *gridskill.Error
		if !errors.As(err, &e) || e.Code != gridskill.EINVALID || len(e.Fields) != 1 || e.Fields[0].Row != 3 {
			t.Fatalf("got %v, want the third row refused", err)
		}
		after, err := f.s.Contest(f.ctx, f.admin, c.ID)
		f.must(err)
		if len(after.Participants) != len(phones) {
			t.Fatalf("a refused list changed the participants to %d", len(after.Participants))
		}
	})
}
