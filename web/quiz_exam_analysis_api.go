package web

import (
	"math"

	"github.com/gofiber/fiber/v2"

	"gridskill/quiz"
	"gridskill/scoring"
)

// statJSON is a statistic for programs: the value rounded to two decimals
// on scoring's scale (percent, or 100 × a coefficient), or null with why.
type statJSON struct {
	Value  *float64 `json:"value"`
	Reason string   `json:"reason,omitempty"`
}

func toStatJSON(st scoring.Stat) statJSON {
	if !st.Defined {
		return statJSON{Reason: string(st.Reason)}
	}
	v := round2(st.Value)
	return statJSON{Value: &v}
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

type examAnalysisJSON struct {
	Exam        examJSON                `json:"exam"`
	Audience    int                     `json:"audience"`
	Sat         int                     `json:"sat"`
	Passed      int                     `json:"passed"`
	PassRate    float64                 `json:"passRate"`
	Open        int                     `json:"open"`
	Mean        float64                 `json:"meanPercent"`
	Min         float64                 `json:"minPercent"`
	Max         float64                 `json:"maxPercent"`
	MeanSeconds float64                 `json:"meanSeconds"`
	Switched    int                     `json:"switched"`
	Histogram   [10]int                 `json:"histogram"`
	Alpha       statJSON                `json:"alpha"`
	Results     []examResultJSON        `json:"results"`
	Missing     []examMissingJSON       `json:"missing"`
	Questions   []examQuestionStatsJSON `json:"questions"`
}

type examResultJSON struct {
	AttemptID string   `json:"attemptId"`
	UserID    string   `json:"userId"`
	Name      string   `json:"name"`
	Units     []string `json:"units"`
	N         int      `json:"n"`
	Score     float64  `json:"score"`
	Max       float64  `json:"max"`
	Passed    bool     `json:"passed"`
	Counted   bool     `json:"counted"`
	Seconds   float64  `json:"seconds"`
	Switches  int      `json:"switches"`
	Reason    string   `json:"reason"`
}

type examMissingJSON struct {
	UnitID string   `json:"unitId"`
	Units  []string `json:"units"`
	Users  []string `json:"userIds"`
}

type examQuestionStatsJSON struct {
	ID             string            `json:"id"`
	Attempts       int               `json:"attempts"`
	Correct        int               `json:"correct"`
	CorrectRate    float64           `json:"correctRate"`
	Facility       statJSON          `json:"facility"`
	Discrimination statJSON          `json:"discrimination"`
	Flags          []scoring.Flag    `json:"flags"`
	Options        []optionShareJSON `json:"options"`
	Unanswered     int               `json:"unanswered"`
}

type optionShareJSON struct {
	Key   string  `json:"key"`
	Count int     `json:"count"`
	Share float64 `json:"share"`
	Right bool    `json:"right"`
}

// apiExamAnalysis: GET /api/v1/exams/{id}/analysis → the exam's analysis
// over the caller's area.
func (s *Server) apiExamAnalysis(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	a, err := s.quiz.AnalyzeExam(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(toExamAnalysisJSON(a))
}

func toExamAnalysisJSON(a quiz.ExamAnalysis) examAnalysisJSON {
	out := examAnalysisJSON{Exam: toExamJSON(a.Exam), Audience: a.Audience, Sat: a.Sat, Passed: a.Passed, PassRate: round2(a.PassRate()), Open: a.Open,
		Mean: round2(a.Scores.Mean), Min: round2(a.Scores.Min), Max: round2(a.Scores.Max), MeanSeconds: math.Round(a.TimeUsed.Mean), Switched: a.Switches,
		Histogram: a.Histogram, Alpha: toStatJSON(a.Test.Alpha), Results: []examResultJSON{}, Missing: []examMissingJSON{}, Questions: []examQuestionStatsJSON{}}
	for _, r := range a.Rows {
		out.Results = append(out.Results, examResultJSON{AttemptID: r.ID, UserID: r.UserID, Name: r.Name, Units: r.Units, N: r.N, Score: r.Score, Max: r.Max,
			Passed: r.Passed, Counted: r.Counted, Seconds: math.Round(r.TimeUsed().Seconds()), Switches: r.Switches, Reason: r.Reason})
	}
	for _, g := range a.Missing {
		m := examMissingJSON{UnitID: g.UnitID, Units: g.Units}
		for _, w := range g.People {
			m.Users = append(m.Users, w.ID)
		}
		out.Missing = append(out.Missing, m)
	}
	for _, q := range a.Questions {
		qj := examQuestionStatsJSON{ID: q.ID, Attempts: q.Attempts, Correct: q.Correct, CorrectRate: round2(q.CorrectRate()), Facility: toStatJSON(q.Item.Facility),
			Discrimination: toStatJSON(q.Item.Discrimination), Flags: q.Item.Flags, Unanswered: q.Unanswered, Options: []optionShareJSON{}}
		if qj.Flags == nil {
			qj.Flags = []scoring.Flag{}
		}
		for _, o := range q.Options {
			qj.Options = append(qj.Options, optionShareJSON{Key: o.Key, Count: o.Count, Share: round2(o.Share), Right: o.Right})
		}
		out.Questions = append(out.Questions, qj)
	}
	return out
}
