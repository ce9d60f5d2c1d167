package web

import (
	"net/http"
	"strings"
	"testing"

	"gridskill/courses"
	"gridskill/seed"
)

func TestModuleVersionsAndProgressPages(t *testing.T) {
	cr := newCertRig(t)
	r := cr.rig
	trainer := mustUser(t, r, seed.TrainerID)
	m, err := r.srv.courses.CreateModule(ctx(t), trainer, courses.ModuleInput{Title: "矛盾调解入门", Category: courses.AntiFraud, Minutes: 20})
	if err != nil {
		t.Fatal(err)
	}
	l, err := r.srv.courses.AddLesson(ctx(t), trainer, m.ID, courses.LessonInput{Title: "第一课", Markdown: "正文"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.srv.courses.Publish(ctx(t), trainer, m.ID, "", false); err != nil {
		t.Fatal(err)
	}
	if _, err := r.srv.courses.OpenLesson(ctx(t), mustUser(t, r, seed.WorkerID), m.ID, l.ID); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(courses.MaxMinRead) // the lesson's minimum reading time
	if _, err := r.srv.courses.CompleteLesson(ctx(t), mustUser(t, r, seed.WorkerID), m.ID, l.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := r.srv.courses.AddLesson(ctx(t), trainer, m.ID, courses.LessonInput{Title: "第二课", Markdown: "正文"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.srv.courses.Publish(ctx(t), trainer, m.ID, "加了一课", false); err != nil {
		t.Fatal(err)
	}
	admin := r.as("13900000002")
	resp, body := admin.get("/modules/" + m.ID + "/versions")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "新增课时: 第二课") || !strings.Contains(body, "已学完的 1 名网格员需要重新学习") || !strings.Contains(body, "张要求学习本模块的有效证书") {
		t.Fatalf("versions: %d %.1500s", resp.StatusCode, body)
	}
	resp, body = admin.get("/modules/" + m.ID + "/progress")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "张晓婷") || strings.Contains(body, "西山街道") {
		t.Fatalf("progress: %d %.600s", resp.StatusCode, body)
	}
	if resp, _ := r.as("13900000004").get("/modules/" + m.ID + "/progress"); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a worker's progress list: %d", resp.StatusCode)
	}
}
