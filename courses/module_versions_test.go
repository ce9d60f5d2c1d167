package courses_test

import (
	"slices"
	"testing"

	"gridskill"
	"gridskill/courses"
	"gridskill/seed"
	"gridskill/store/storetest"
)

func TestModuleVersionsSayWhatChangedAndProgressIsListed(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	trainer, worker := f.user(seed.TrainerID), f.user(seed.WorkerID)
	m := f.module(t, trainer, 2)
	f.read(t, worker, m)
	f.read(t, f.user("worker-0001"), m)
	for _, l := range m.Lessons {
		if _, err := f.cs.CompleteLesson(ctx, worker, m.ID, l.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.cs.CompleteLesson(ctx, f.user("worker-0001"), m.ID, m.Lessons[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.cs.UpdateLesson(ctx, trainer, m.ID, m.Lessons[1].ID, courses.LessonInput{Title: "第二课（修订）", Markdown: "## 新要点"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.cs.AddLesson(ctx, trainer, m.ID, courses.LessonInput{Title: "第三课", Markdown: "正文"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.cs.Publish(ctx, trainer, m.ID, "补充第三课", false); err != nil {
		t.Fatal(err)
	}
	vs, err := f.cs.Versions(ctx, trainer, m.ID)
	if err != nil || len(vs) != 2 || vs[0].Number != 2 || vs[0].Note != "补充第三课" {
		t.Fatalf("versions %+v %v", vs, err)
	}
	want := []string{"课时改名: " + m.Lessons[1].Title + " → 第二课（修订）", "新增课时: 第三课"}
	for _, w := range want {
		if !slices.Contains(vs[0].Changes, w) {
			t.Errorf("changes %v lack %q", vs[0].Changes, w)
		}
	}
	if len(vs[1].Changes) != 0 {
		t.Errorf("the first version lists changes %v", vs[1].Changes)
	}

	rows, impact, err := f.cs.Progress(ctx, f.user(seed.StreetAdminID), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	var mine, other *courses.ProgressRow
	for i := range rows {
		switch rows[i].Worker.ID {
		case worker.ID:
			mine = &rows[i]
		case "worker-0001":
			other = &rows[i]
		case "worker-0100":
			t.Fatal("another street's worker is listed")
		}
	}
	if mine == nil || !mine.Completed || mine.LessonsTotal != 3 || mine.LessonsDone != 2 || other == nil || other.Completed || other.LessonsDone != 1 {
		t.Fatalf("progress: mine %+v, other %+v", mine, other)
	}
	if impact.Workers != 1 || impact.InProgress != 1 {
		t.Fatalf("a major change would send back %+v; want 1 completed and 1 in progress", impact)
	}
	if _, _, err := f.cs.Progress(ctx, worker, m.ID); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
		t.Fatalf("a worker's progress list: %v", err)
	}
}
