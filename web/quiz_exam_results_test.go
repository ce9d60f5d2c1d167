package web

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gridskill/quiz"
	"gridskill/seed"
)

// analysedExam sets a district-wide exam of five anti-fraud questions and
// has three workers of 东湖街道 and one of 西山街道 sit it.
func (r *rig) analysedExam(t *testing.T) quiz.Exam {
	t.Helper()
	trainer, _ := r.people.User(ctx(t), seed.TrainerID)
	e, err := r.quiz.CreateExam(ctx(t), trainer, quiz.Exam{Title: "反诈测验", UnitIDs: []string{seed.DistrictID}, OpensAt: r.clock.Now(),
		ClosesAt: r.clock.Now().Add(48 * time.Hour), Duration: 20 * time.Minute, PassMark: 60, MaxAttempts: 1, Review: quiz.ReviewAfterSubmit,
		Rules: []quiz.Rule{{Tag: "反诈", Count: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{seed.WorkerID, "worker-0002", "worker-0003", "worker-0100"} {
		w, _ := r.people.User(ctx(t), id)
		p, _, err := r.quiz.Start(ctx(t), w, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if id == "worker-0002" {
			q := p.Questions[0]
			ans := `"T"`
			if q.Type == "single" {
				ans = `"A"`
			} else if q.Type == "multiple" {
				ans = `["A"]`
			} else if q.Type == "blank" {
				ans = `["x"]`
			}
			if _, err := r.quiz.SaveAnswer(ctx(t), w, p.AttemptID, q.ID, quiz.AnswerSave{Answer: []byte(ans), Seq: 1}); err != nil {
				t.Fatal(err)
			}
		}
		r.clock.Advance(90 * time.Second)
		if _, err := r.quiz.Submit(ctx(t), w, p.AttemptID); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

var (
	rawFloat   = regexp.MustCompile(`\d\.\d{3,}`)
	englishKey = regexp.MustCompile(`[a-z]+_[a-z]+`)
)

func TestExamAnalysisPageIsPlainChineseAndExports(t *testing.T) {
	r := newRig(t)
	e := r.analysedExam(t)
	admin := r.as("13900000002") // 东湖街道's admin

	t.Run("Page", func(t *testing.T) {
		resp, body := admin.get("/quiz/exams/" + e.ID)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		for _, want := range []string{"考试分析", "通过率", "3 / ", "分数分布", "尚未参考", "试题分析", "正确率", "区分度", "信度（克隆巴赫 α 系数）", "东湖街道", "1 分 30 秒"} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		for _, bad := range []string{"negative_discrimination", "too_easy", "too_hard", "low_efficiency", "one_attempt", "no_variance", "西山街道"} {
			if strings.Contains(body, bad) {
				t.Errorf("the page shows %q", bad)
			}
		}
		if m := rawFloat.FindString(body); m != "" {
			t.Errorf("the page shows an unrounded number %q", m)
		}
	})
	t.Run("Export", func(t *testing.T) {
		resp, body := admin.get("/quiz/exams/" + e.ID + "/export.xlsx")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) != 4 {
			t.Fatalf("sheets %v; want summary, results, not yet sat and questions", sheets)
		}
		results, _ := f.GetRows(sheets[1])
		if len(results) != 4 || results[1][0] != "东湖街道" {
			t.Fatalf("results sheet %v; want a header and the street's three attempts with their units", results)
		}
		missing, _ := f.GetRows(sheets[2])
		for _, row := range missing[1:] {
			if row[0] != "东湖街道" {
				t.Fatalf("not-yet-sat row outside the street: %v", row)
			}
		}
		questions, _ := f.GetRows(sheets[3])
		if len(questions) < 2 {
			t.Fatalf("questions sheet %v", questions)
		}
		for _, row := range questions {
			for _, cell := range row {
				if rawFloat.MatchString(cell) || englishKey.MatchString(cell) {
					t.Fatalf("questions sheet cell %q is a raw number or key", cell)
				}
			}
		}
	})
	t.Run("API", func(t *testing.T) {
		status, got, body := r.apiJSON("GET", "/api/v1/exams/"+e.ID+"/analysis", r.token("13900000002"), nil)
		if status != http.StatusOK || got["sat"] != float64(3) || len(got["results"].([]any)) != 3 {
			t.Fatalf("status %d: %s", status, body)
		}
		if strings.Contains(body, "西山街道") || strings.Contains(body, "worker-0100") {
			t.Fatalf("the street admin's analysis holds the other street: %s", body)
		}
	})
	t.Run("WorkerRefused", func(t *testing.T) {
		status, _, body := r.apiJSON("GET", "/api/v1/exams/"+e.ID+"/analysis", r.token("13900000004"), nil)
		if status != http.StatusForbidden {
			t.Fatalf("a worker's analysis: %d %s", status, body)
		}
	})
}
