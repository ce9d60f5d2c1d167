package people_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/people"
	"gridskill/seed"
	"gridskill/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// fixture is the people service over a fresh database holding the demo district.
type fixture struct {
	db    *mongo.Database
	ps    *people.Service
	clock *gridskill.FakeClock
	ctx   context.Context
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	db := storetest.DB(t)
	clock := gridskill.NewFakeClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	ps := people.NewService(db, clock)
	ps.BcryptCost = 4
	ctx := storetest.Context(t)
	if err := seed.LoadDemo(ctx, db, ps, clock); err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, ps: ps, clock: clock, ctx: ctx}
}

func (f *fixture) user(t testing.TB, id string) people.User {
	t.Helper()
	u, err := f.ps.User(f.ctx, id)
	if err != nil {
		t.Fatalf("user %s: %v", id, err)
	}
	return u
}

// count returns how many documents a collection holds.
func (f *fixture) count(t testing.TB, coll string) int64 {
	t.Helper()
	n, err := f.db.Collection(coll).CountDocuments(f.ctx, bson.M{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// snapshot is every document of the people collections, to prove a refused
// call wrote nothing.
func (f *fixture) snapshot(t testing.TB) string {
	t.Helper()
	var buf bytes.Buffer
	for _, coll := range []string{"users", "units"} {
		cur, err := f.db.Collection(coll).Find(f.ctx, bson.M{})
		if err != nil {
			t.Fatal(err)
		}
		var docs []bson.Raw
		if err := cur.All(f.ctx, &docs); err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(docs, func(a, b bson.Raw) int {
			return strings.Compare(a.Lookup("_id").StringValue(), b.Lookup("_id").StringValue())
		})
		for _, d := range docs {
			buf.WriteString(d.String())
			buf.WriteByte('\n')
		}
	}
	return buf.String()
}

func (f *fixture) byPhone(t testing.TB, phone string) (people.User, bool) {
	t.Helper()
	var d struct {
		ID string `bson:"_id"`
	}
	err := f.db.Collection("users").FindOne(f.ctx, bson.M{"phone": phone}).Decode(&d)
	if err == mongo.ErrNoDocuments {
		return people.User{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return f.user(t, d.ID), true
}

// importCSV parses a roster from rows (header first) and imports it as actor.
func (f *fixture) importCSV(t testing.TB, actor people.User, password string, rows ...[]string) (people.ImportResult, error) {
	t.Helper()
	parsed, err := people.ParseRoster(bytes.NewReader(csvFile(t, true, rows...)), "roster.csv")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return f.ps.ImportRoster(f.ctx, actor, parsed, password)
}

// otherStreetWorker is a generated demo worker of 西山街道 (unit-s2).
const otherStreetWorker = "worker-0100"

func TestImportRoster(t *testing.T) {
	f := newFixture(t)
	district := f.user(t, seed.DistrictAdminID)
	roster := [][]string{
		header,
		{"新网格员甲", "13700000001", "东湖街道", "翠苑社区", "第一网格", "网格员", "DH-9001", "2025-01-02"},
		{"新网格员乙", "13700000002", "东湖街道", "湖滨社区", "第九网格", "", "", ""},
		{"新讲师", "13700000003", "西山街道", "", "", "培训讲师"},
	}
	users0, units0 := f.count(t, "users"), f.count(t, "units")

	res, err := f.importCSV(t, district, "", roster...)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("CreatesPeopleAndMissingUnits", func(t *testing.T) {
		if res.Created != 3 || res.Updated != 0 || res.Unchanged != 0 || res.UnitsCreated != 2 {
			t.Fatalf("result %+v", res)
		}
		if f.count(t, "users") != users0+3 || f.count(t, "units") != units0+2 {
			t.Fatalf("documents: %d users, %d units", f.count(t, "users"), f.count(t, "units"))
		}
		a, _ := f.byPhone(t, "13700000001")
		if a.UnitID != seed.Grid111ID || a.EmployeeNo != "DH-9001" || a.JoinedOn != "2025-01-02" || a.Role != people.Worker || !a.Active {
			t.Fatalf("worker in an existing grid: %+v", a)
		}
		b, _ := f.byPhone(t, "13700000002")
		tree, err := f.ps.Tree(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := tree.Names(b.UnitID); !slices.Equal(got, []string{"明湖区", "东湖街道", "湖滨社区", "第九网格"}) {
			t.Fatalf("new grid's names %v", got)
		}
		if grid, _ := tree.Unit(b.UnitID); grid.Kind != people.Grid || !grid.Within(seed.Street1ID) {
			t.Fatalf("new grid %+v", grid)
		}
		c, _ := f.byPhone(t, "13700000003")
		if c.Role != people.Trainer || c.UnitID != seed.Street2ID {
			t.Fatalf("trainer %+v", c)
		}
	})
	t.Run("NewPeopleShareOneInitialPasswordTheyMustChange", func(t *testing.T) {
		if err := people.ValidatePassword(res.InitialPassword); err != nil {
			t.Fatalf("initial password %q: %v", res.InitialPassword, err)
		}
		for _, phone := range []string{"13700000001", "13700000002", "13700000003"} {
			u, err := f.ps.Login(f.ctx, phone, res.InitialPassword, "10.0.0.1")
			if err != nil || !u.MustChangePassword {
				t.Fatalf("login %s: %+v, %v", phone, u, err)
			}
		}
	})
	t.Run("ReimportChangesNothing", func(t *testing.T) {
		before := f.snapshot(t)
		again, err := f.importCSV(t, district, "", roster...)
		if err != nil {
			t.Fatal(err)
		}
		if again.Created+again.Updated+again.UnitsCreated != 0 || again.Unchanged != 3 || len(again.UnchangedPeople) != 3 || again.InitialPassword != "" {
			t.Fatalf("re-import result %+v", again)
		}
		if after := f.snapshot(t); after != before {
			t.Fatal("a re-import of the same file changed documents")
		}
	})
	t.Run("ChangedRowUpdatesInPlace", func(t *testing.T) {
		old, _ := f.byPhone(t, "13700000001")
		changed := slices.Clone(roster)
		changed[1] = []string{"新网格员甲改名", "137-0000-0001", "东湖街道", "翠苑社区", "第二网格", "网格员", "DH-9001", "2025-01-02"}
		again, err := f.importCSV(t, district, "", changed...)
		if err != nil {
			t.Fatal(err)
		}
		if again.Updated != 1 || again.Unchanged != 2 || again.Created != 0 || again.InitialPassword != "" {
			t.Fatalf("result %+v", again)
		}
		u, _ := f.byPhone(t, "13700000001")
		if u.ID != old.ID || u.Name != "新网格员甲改名" || u.UnitID != seed.Grid112ID || f.count(t, "users") != users0+3 {
			t.Fatalf("updated %+v (was %+v)", u, old)
		}
		if _, err := f.ps.Login(f.ctx, "13700000001", res.InitialPassword, "10.0.0.1"); err != nil {
			t.Fatalf("an update changed the password: %v", err)
		}
	})
	t.Run("GivenInitialPassword", func(t *testing.T) {
		again, err := f.importCSV(t, district, "Start2026ok", header, []string{"新人丙", "13700000004", "南桥街道", "临江社区", "第一网格"})
		if err != nil || again.InitialPassword != "Start2026ok" || again.Created != 1 {
			t.Fatalf("%+v, %v", again, err)
		}
		if _, err := f.ps.Login(f.ctx, "13700000004", "Start2026ok", "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("RefusesWeakInitialPassword", func(t *testing.T) {
		before := f.snapshot(t)
		_, err := f.importCSV(t, district, "short", header, []string{"新人丁", "13700000005", "南桥街道", "临江社区", "第一网格"})
		if gridskill.ErrorCode(err) != gridskill.EINVALID || f.snapshot(t) != before {
			t.Fatalf("weak password: %v", err)
		}
	})
	t.Run("DistrictAdminCreatesStreet", func(t *testing.T) {
		again, err := f.importCSV(t, district, "", header, []string{"北岭人", "13700000006", "北岭街道", "北岭社区", "第一网格"})
		if err != nil || again.UnitsCreated != 3 {
			t.Fatalf("%+v, %v", again, err)
		}
		tree, _ := f.ps.Tree(f.ctx)
		street, ok := tree.Child(seed.DistrictID, "北岭街道")
		if !ok || street.Kind != people.Street || len(tree.Subtree(street.ID)) != 3 {
			t.Fatalf("new street %+v", street)
		}
	})
}

func TestImportRosterRefusals(t *testing.T) {
	f := newFixture(t)
	street := f.user(t, seed.StreetAdminID)
	other := f.user(t, otherStreetWorker)
	if !slices.Contains(other.UnitPath, seed.Street2ID) {
		t.Fatalf("%s is not in unit-s2: %v", otherStreetWorker, other.UnitPath)
	}
	good := []string{"好人", "13700000010", "东湖街道", "翠苑社区", "第一网格"}
	cases := []struct {
		name  string
		actor people.User
		row   []string
		code  string
		want  []string
	}{
		{"StreetAdminRowInAnotherStreet", street, []string{"外人", "13700000011", "西山街道", "枫林社区", "第一网格"}, gridskill.EINVALID,
			[]string{"3/街道/outside your area"}},
		{"StreetAdminUnknownStreet", street, []string{"外人", "13700000011", "北岭街道", "北岭社区", "第一网格"}, gridskill.EINVALID,
			[]string{"3/街道/street not found in your district"}},
		{"StreetAdminGivesDistrictAdmin", street, []string{"外人", "13700000011", "东湖街道", "", "", "区管理员"}, gridskill.EINVALID,
			[]string{"3/角色/you cannot give a role above your own"}},
		{"PhoneOfAnotherStreetsAccount", street, []string{"冒名", other.Phone, "东湖街道", "翠苑社区", "第一网格"}, gridskill.EINVALID,
			[]string{"3/手机号/this phone number belongs to an account outside your area"}},
		{"PhoneOfTheDistrictAdmin", street, []string{"冒名", "13900000001", "东湖街道", "翠苑社区", "第一网格"}, gridskill.EINVALID,
			[]string{"3/手机号/this phone number belongs to an account outside your area"}},
		{"Worker", f.user(t, seed.WorkerID), nil, gridskill.EFORBIDDEN, nil},
		{"Trainer", f.user(t, seed.TrainerID), nil, gridskill.EFORBIDDEN, nil},
		{"NobodyAtAll", people.User{}, nil, gridskill.EFORBIDDEN, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := f.snapshot(t)
			rows := [][]string{header, good}
			if tc.row != nil {
				rows = append(rows, tc.row)
			}
			res, err := f.importCSV(t, tc.actor, "", rows...)
			if gridskill.ErrorCode(err) != tc.code {
				t.Fatalf("got %+v, %v; want %s", res, err, tc.code)
			}
			if tc.want != nil {
				if got := problems(t, err); !slices.Equal(got, tc.want) {
					t.Fatalf("problems %q, want %q", got, tc.want)
				}
			}
			if f.snapshot(t) != before {
				t.Fatal("a refused import wrote documents")
			}
		})
	}
	t.Run("DeactivatedAdmin", func(t *testing.T) {
		district := f.user(t, seed.DistrictAdminID)
		district.Active = false
		if _, err := f.importCSV(t, district, "", header, good); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("StreetAdminInsideOwnStreet", func(t *testing.T) {
		res, err := f.importCSV(t, street, "", header, good, []string{"新社区人", "13700000012", "东湖街道", "新月社区", "第一网格"})
		if err != nil || res.Created != 2 || res.UnitsCreated != 2 {
			t.Fatalf("%+v, %v", res, err)
		}
	})
}

func TestImportRosterUpdatesManyInBulk(t *testing.T) {
	f := newFixture(t)
	district := f.user(t, seed.DistrictAdminID)
	rows := [][]string{header}
	for i := range 30 {
		rows = append(rows, []string{fmt.Sprintf("批量%02d", i), fmt.Sprintf("137000001%02d", i), "东湖街道", "翠苑社区", "第一网格"})
	}
	res, err := f.importCSV(t, district, "Bulk2026pw", rows...)
	if err != nil || res.Created != 30 {
		t.Fatalf("%+v, %v", res, err)
	}
	first, _ := f.byPhone(t, "13700000100")
	// A deactivated account is rewritten too, and stays deactivated.
	if err := f.ps.SetActive(f.ctx, district, first.ID, false); err != nil {
		t.Fatal(err)
	}
	for i := range rows[1:] {
		rows[i+1][0] = fmt.Sprintf("改名%02d", i)
		rows[i+1][4] = "第二网格"
	}
	users := f.count(t, "users")
	res, err = f.importCSV(t, district, "", rows...)
	if err != nil || res.Updated != 30 || res.Created != 0 {
		t.Fatalf("%+v, %v", res, err)
	}
	if f.count(t, "users") != users || f.count(t, "users_pending") != 0 {
		t.Fatalf("%d users (was %d), %d journal entries", f.count(t, "users"), users, f.count(t, "users_pending"))
	}
	again, _ := f.byPhone(t, "13700000100")
	if again.ID != first.ID || again.Name != "改名00" || again.UnitID != seed.Grid112ID || again.Active || !again.MustChangePassword {
		t.Fatalf("rewritten account %+v", again)
	}
	if _, err := f.ps.Login(f.ctx, "13700000129", "Bulk2026pw", "10.0.0.9"); err != nil {
		t.Fatalf("the password did not survive the rewrite: %v", err)
	}
}
