package cases_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"gridskill"
	"gridskill/cases"
	"gridskill/courses"
	"gridskill/people"
	"gridskill/quiz"
	"gridskill/seed"
	"gridskill/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestCaseMaskedCuratedPublishedAndReused(t *testing.T) {
	db := storetest.DB(t)
	ctx := storetest.Context(t)
	clock := gridskill.NewFakeClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	ps := people.NewService(db, clock)
	ps.BcryptCost = 4
	units, users := seed.District()
	if err := ps.Seed(ctx, units, users, seed.DemoPassword); err != nil {
		t.Fatal(err)
	}
	co := courses.NewService(db, ps, clock)
	qs := quiz.NewService(db, ps, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := qs.Load(ctx); err != nil {
		t.Fatal(err)
	}
	svc := cases.NewService(db, clock, co, qs)
	u := func(id string) people.User {
		x, err := ps.User(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	worker, trainer, east, west, westAdmin := u(seed.WorkerID), u("user-trainer-2"), u("worker-0002"), u("worker-0100"), u("user-street-admin-2")

	in := cases.Input{Title: "冒充客服退款", Tags: []cases.Tag{cases.Fraud},
		Happened: "居民王建华接到自称快递客服的电话13912345678，对方要他开启屏幕共享。他的身份证号33010219800101123X也被问到。",
		Handling: "网格员上门劝阻王建华，并陪他拨打96110核实。", Outcome: "避免损失2万元。", Names: []string{"王建华"}}
	c, err := svc.Submit(ctx, worker, in)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"王建华", "13912345678", "33010219800101123X"} {
		if strings.Contains(c.Happened+c.Handling, leak) {
			t.Fatalf("the stored case holds %q: %s", leak, c.Happened)
		}
	}
	if !c.Masked || !strings.Contains(c.Happened, "居民王某") {
		t.Fatalf("masked: %v %s", c.Masked, c.Happened)
	}
	for name, who := range map[string]people.User{"SameStreetWorker": east, "OtherStreetWorker": west, "OtherStreetAdmin": westAdmin} {
		if _, err := svc.Case(ctx, who, c.ID); gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
			t.Errorf("%s reads the unpublished case: %v", name, err)
		}
	}
	if _, err := svc.Publish(ctx, westAdmin, c.ID, in); gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
		t.Fatalf("another street's admin publishing: %v", err)
	}
	if _, err := svc.ToQuestion(ctx, trainer, c.ID); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
		t.Fatalf("reusing an unpublished case: %v", err)
	}
	pending, _ := svc.Pending(ctx, trainer)
	if len(pending) != 1 {
		t.Fatalf("pending for the street's trainer: %d", len(pending))
	}
	// The curator's edit brings a phone number back: it is masked again.
	edit := in
	edit.Outcome = "避免损失2万元，回访电话139 8765 4321。"
	c, err = svc.Publish(ctx, trainer, c.ID, edit)
	if err != nil || strings.Contains(c.Outcome, "4321") || strings.Contains(c.Happened, "王建华") {
		t.Fatalf("published: %v %q", err, c.Outcome)
	}
	if lib, _ := svc.Library(ctx, east, cases.Query{Tag: cases.Fraud, Text: "屏幕共享"}); len(lib) != 1 {
		t.Fatalf("the street's library holds %d cases", len(lib))
	}
	if lib, _ := svc.Library(ctx, east, cases.Query{Tag: cases.Hazard}); len(lib) != 0 {
		t.Fatalf("the hazard shelf holds %d cases", len(lib))
	}
	if lib, _ := svc.Library(ctx, west, cases.Query{}); len(lib) != 0 {
		t.Fatalf("another street's library holds %d of this street's cases", len(lib))
	}
	q, err := svc.ToQuestion(ctx, trainer, c.ID)
	if err != nil || q.Status != quiz.Draft || !strings.Contains(q.Stem, "居民王某") {
		t.Fatalf("question: %+v %v", q, err)
	}
	m, err := co.CreateModule(ctx, trainer, courses.ModuleInput{Title: "反诈案例课", Category: courses.AntiFraud, Minutes: 10})
	if err != nil {
		t.Fatal(err)
	}
	l, err := svc.ToLesson(ctx, trainer, c.ID, m.ID)
	if err != nil || !strings.Contains(l.Title, "冒充客服退款") {
		t.Fatalf("lesson: %+v %v", l, err)
	}
	g, err := svc.CreateGuide(ctx, trainer, "反诈工作指南", "居民来电13900001111时先核实", []string{c.ID})
	if err != nil || strings.Contains(g.Intro, "13900001111") {
		t.Fatalf("guide: %+v %v", g, err)
	}
	if _, err := svc.Guide(ctx, east, g.ID); err != nil {
		t.Fatalf("the street's worker reading the guide: %v", err)
	}
	if _, err := svc.Guide(ctx, west, g.ID); gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
		t.Fatalf("another street's worker reading the guide: %v", err)
	}
	if _, err := svc.Submit(ctx, worker, cases.Input{Title: "x", Happened: "x", Handling: "x", Tags: []cases.Tag{"gossip"}}); gridskill.ErrorCode(err) != gridskill.EINVALID {
		t.Fatalf("an unknown tag: %v", err)
	}
}
