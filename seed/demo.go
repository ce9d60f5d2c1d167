// Package seed loads the demo district (units, people) and, later, the
// training content: by `gridskill seed`, on the first start of an empty
// embedded database, and by tests, which rely on its fixed ids.
package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"gridskill"
	"gridskill/people"
)

// DemoPassword is the password of every demo account.
const DemoPassword = "Demo@2026"

// Fixed ids of the demo district, for tests and links.
const (
	DistrictID    = "unit-d"
	Street1ID     = "unit-s1"
	Street2ID     = "unit-s2"
	Community11ID = "unit-s1-c1"
	Grid111ID     = "unit-s1-c1-g1"
	Grid112ID     = "unit-s1-c1-g2"

	DistrictAdminID = "user-district-admin"
	StreetAdminID   = "user-street-admin"
	TrainerID       = "user-trainer"
	WorkerID        = "user-worker"
)

// Login is a demo account to print and to document.
type Login struct {
	Role  people.Role
	Phone string
	Name  string
}

// DemoLogins are the fixed demo accounts, listed in the README.
func DemoLogins() []Login {
	return []Login{
		{people.DistrictAdmin, "13900000001", "周建国"},
		{people.StreetAdmin, "13900000002", "吴丽华"},
		{people.Trainer, "13900000003", "郑文静"},
		{people.Worker, "13900000004", "张晓婷"},
	}
}

var (
	streets     = []string{"东湖街道", "西山街道", "南桥街道"}
	communities = [][]string{{"翠苑社区", "柳岸社区", "桂花社区"}, {"枫林社区", "石泉社区", "松岭社区"}, {"临江社区", "桥东社区", "新河社区"}}
	gridNames   = []string{"第一网格", "第二网格", "第三网格", "第四网格"}
	surnames    = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	givenChars  = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鹏辉建文国宁欣怡晨浩宇子轩雨婷佳琪志海春燕小红立新永利凤琴云霞")
)

// WorkersPerGrid is how many generated workers each demo grid has.
const WorkersPerGrid = 8

// District builds the demo district: 1 district, 3 streets, 9 communities,
// 36 grids, 288 generated workers and the fixed demo accounts (plus a street
// admin per other street and two more trainers). The same every time.
func District() ([]people.Unit, []people.User) {
	rng := rand.New(rand.NewPCG(2026, 11))
	d := people.Unit{ID: DistrictID, Name: "明湖区", Kind: people.District, Path: []string{DistrictID}}
	units := []people.Unit{d}
	var grids []people.Unit
	for si, sname := range streets {
		s := child(d, fmt.Sprintf("unit-s%d", si+1), sname, people.Street)
		units = append(units, s)
		for ci, cname := range communities[si] {
			c := child(s, fmt.Sprintf("%s-c%d", s.ID, ci+1), cname, people.Community)
			units = append(units, c)
			for gi, gname := range gridNames {
				g := child(c, fmt.Sprintf("%s-g%d", c.ID, gi+1), gname, people.Grid)
				units = append(units, g)
				grids = append(grids, g)
			}
		}
	}
	unitOf := map[string]people.Unit{}
	for _, u := range units {
		unitOf[u.ID] = u
	}
	account := func(id, phone, name string, role people.Role, unitID string) people.User {
		u := unitOf[unitID]
		return people.User{ID: id, Phone: phone, Name: name, Role: role, UnitID: u.ID, UnitPath: u.Path, Active: true}
	}
	logins := DemoLogins()
	users := []people.User{
		account(DistrictAdminID, logins[0].Phone, logins[0].Name, people.DistrictAdmin, DistrictID),
		account(StreetAdminID, logins[1].Phone, logins[1].Name, people.StreetAdmin, Street1ID),
		account(TrainerID, logins[2].Phone, logins[2].Name, people.Trainer, DistrictID),
		account(WorkerID, logins[3].Phone, logins[3].Name, people.Worker, Grid111ID),
		account("user-street-admin-2", "13900000005", "陈志强", people.StreetAdmin, Street2ID),
		account("user-street-admin-3", "13900000006", "林秀英", people.StreetAdmin, "unit-s3"),
		account("user-trainer-2", "13900000007", "何海燕", people.Trainer, Street1ID),
		account("user-trainer-3", "13900000008", "罗立新", people.Trainer, Street2ID),
	}
	n := 0
	for _, g := range grids {
		for i := 0; i < WorkersPerGrid; i++ {
			n++
			name := string(surnames[rng.IntN(len(surnames))])
			for k := 0; k < 1+rng.IntN(2); k++ {
				name += string(givenChars[rng.IntN(len(givenChars))])
			}
			w := account(fmt.Sprintf("worker-%04d", n), fmt.Sprintf("139001%05d", n), name, people.Worker, g.ID)
			w.EmployeeNo = fmt.Sprintf("MH-%04d", n)
			w.JoinedOn = time.Date(2018+rng.IntN(8), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC).Format("2006-01-02")
			users = append(users, w)
		}
	}
	return units, users
}

func child(parent people.Unit, id, name string, kind people.UnitKind) people.Unit {
	return people.Unit{ID: id, Name: name, Kind: kind, ParentID: parent.ID, Path: append(append([]string(nil), parent.Path...), id)}
}

const metaColl = "meta"

// Empty reports whether the database holds no units yet.
func Empty(ctx context.Context, db *mongo.Database) (bool, error) {
	n, err := db.Collection("units").CountDocuments(ctx, bson.M{})
	return n == 0, err
}

// LoadDistrict writes the demo district's units and accounts only, for tests
// that bring their own content.
func LoadDistrict(ctx context.Context, ps *people.Service) error {
	units, users := District()
	return ps.Seed(ctx, units, users, DemoPassword)
}

// LoadDemo writes the demo district, the training content (modules assigned
// to the district, question banks, exams) and the certification programs,
// and marks the database as holding demo
// data. Running it again changes nothing.
func LoadDemo(ctx context.Context, db *mongo.Database, ps *people.Service, clock gridskill.Clock) error {
	if err := LoadDistrict(ctx, ps); err != nil {
		return err
	}
	if err := loadDemoQuiz(ctx, db, ps, clock); err != nil {
		return err
	}
	if err := loadDemoModules(ctx, db, ps, clock); err != nil {
		return err
	}
	if err := LoadDemoPrograms(ctx, db, ps, clock); err != nil {
		return err
	}
	if err := LoadDemoChecklists(ctx, db, ps, clock); err != nil {
		return err
	}
	_, err := db.Collection(metaColl).UpdateOne(ctx, bson.M{"_id": "demo"},
		bson.M{"$setOnInsert": bson.M{"loadedAt": clock.Now()}}, options.Update().SetUpsert(true))
	return err
}

// Reset drops every collection of the database.
func Reset(ctx context.Context, db *mongo.Database) error {
	names, err := db.ListCollectionNames(ctx, bson.M{})
	if err != nil {
		return err
	}
	for _, n := range names {
		if err := db.Collection(n).Drop(ctx); err != nil {
			return err
		}
	}
	return nil
}

// DemoFlag tells the pages whether demo data is loaded, checking the
// database at most once a minute. No page waits on a check another page is
// making: it gets the last answer.
type DemoFlag struct {
	clock gridskill.Clock
	check func(context.Context) (bool, error)

	mu       sync.Mutex
	value    bool
	at       time.Time // of the last answer; zero before the first
	checking bool
}

// NewDemoFlag returns a flag reading db.
func NewDemoFlag(db *mongo.Database, clock gridskill.Clock) *DemoFlag {
	return &DemoFlag{clock: clock, check: func(ctx context.Context) (bool, error) {
		n, err := db.Collection(metaColl).CountDocuments(ctx, bson.M{"_id": "demo"})
		return n > 0, err
	}}
}

// Active reports whether the demo marker is in the database.
func (f *DemoFlag) Active(ctx context.Context) bool {
	now := f.clock.Now()
	f.mu.Lock()
	value, known := f.value, !f.at.IsZero()
	if known && (now.Sub(f.at) < time.Minute || f.checking) {
		f.mu.Unlock()
		return value
	}
	f.checking = true
	f.mu.Unlock()
	on, err := f.check(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.checking = false
	if err == nil {
		f.value, f.at = on, now
	}
	return f.value
}
