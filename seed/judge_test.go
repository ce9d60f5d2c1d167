package seed

import (
	"strings"
	"testing"
)

func TestShippedJudgeCardsCoverTheFourTasksAndScoreTo100(t *testing.T) {
	cards, err := JudgeCards()
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, c := range cards {
		slugs = append(slugs, c.Slug)
		if !strings.Contains(c.Brief(), c.Scenario) {
			t.Errorf("%s: the brief lacks the scene", c.Slug)
		}
	}
	if got := strings.Join(slugs, ","); got != "mediation,anti-fraud,hazard,info-collection" {
		t.Errorf("cards %s; want dispute mediation, anti-fraud persuasion, hazard reporting and door-to-door collection", got)
	}
}

func TestJudgeCardCheckRefusesABrokenCard(t *testing.T) {
	good := JudgeCard{Slug: "x", Title: "情景", Scenario: "居民说……", Tasks: []string{"劝阻"},
		Rubric: []Criterion{{Criterion: "稳住", Points: 60, LookFor: "语气平和"}, {Criterion: "报警", Points: 40, LookFor: "拨打110"}}}
	if err := good.check(); err != nil {
		t.Fatalf("a good card: %v", err)
	}
	tests := []struct {
		name string
		edit func(*JudgeCard)
	}{
		{"PointsNot100", func(c *JudgeCard) { c.Rubric = c.Rubric[:1] }},
		{"NoScenario", func(c *JudgeCard) { c.Scenario = " " }},
		{"TitleTooLong", func(c *JudgeCard) { c.Title = strings.Repeat("长", 101) }},
		{"CriterionWithoutLookFor", func(c *JudgeCard) {
			c.Rubric = []Criterion{{Criterion: "稳住", Points: 100}}
		}},
		{"NoTasks", func(c *JudgeCard) { c.Tasks = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			c.Rubric = append([]Criterion(nil), good.Rubric...)
			tt.edit(&c)
			if err := c.check(); err == nil {
				t.Errorf("check accepted %+v", c)
			}
		})
	}
}
