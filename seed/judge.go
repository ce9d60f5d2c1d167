package seed

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"unicode/utf8"
)

// JudgeCard is a task card of a contest's judge round (评委打分): the scene
// the performer is given, what they must do, and the rubric the judges
// score it by, as seed/content/contest/judge-cards.json ships them.
type JudgeCard struct {
	Slug     string      `json:"slug"`
	Title    string      `json:"title"`
	Minutes  int         `json:"minutes"`
	Scenario string      `json:"scenario"`
	Tasks    []string    `json:"tasks"`
	Rubric   []Criterion `json:"rubric"`
}

// Criterion is one line of a judge card's rubric: its points, out of the
// card's 100, and what the judges look for.
type Criterion struct {
	Criterion string `json:"criterion"`
	Points    int    `json:"points"`
	LookFor   string `json:"lookFor"`
}

// JudgeCardPoints is what a card's rubric adds up to, the judge round's 0–100 scale.
const JudgeCardPoints = 100

// maxCardTitle is the longest card title, the contest's task title limit.
const maxCardTitle = 100

// JudgeCards reads the shipped judge-round task cards and checks each: a
// title that fits a contest task, a scene, things to do and a rubric whose
// points add up to JudgeCardPoints.
func JudgeCards() ([]JudgeCard, error) {
	data, err := fs.ReadFile(Content, "content/contest/judge-cards.json")
	if err != nil {
		return nil, err
	}
	var cards []JudgeCard
	if err := json.Unmarshal(data, &cards); err != nil {
		return nil, fmt.Errorf("judge-cards.json: %w", err)
	}
	for _, c := range cards {
		if err := c.check(); err != nil {
			return nil, fmt.Errorf("judge card %s: %w", c.Slug, err)
		}
	}
	return cards, nil
}

func (c JudgeCard) check() error {
	if strings.TrimSpace(c.Title) == "" || utf8.RuneCountInString(c.Title) > maxCardTitle {
		return fmt.Errorf("the title must have 1 to %d characters", maxCardTitle)
	}
	if strings.TrimSpace(c.Scenario) == "" || len(c.Tasks) == 0 || len(c.Rubric) == 0 {
		return fmt.Errorf("a card needs a scenario, tasks and a rubric")
	}
	total := 0
	for _, r := range c.Rubric {
		if strings.TrimSpace(r.Criterion) == "" || strings.TrimSpace(r.LookFor) == "" || r.Points <= 0 {
			return fmt.Errorf("every criterion needs a name, positive points and what to look for")
		}
		total += r.Points
	}
	if total != JudgeCardPoints {
		return fmt.Errorf("the rubric adds up to %d points, not %d", total, JudgeCardPoints)
	}
	return nil
}

// Brief is the card as one text for the judges: the scene, what the
// performer must do and the rubric with its points.
func (c JudgeCard) Brief() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s（%d分钟）\n情景：%s\n要做到：%s\n评分：", c.Title, c.Minutes, c.Scenario, strings.Join(c.Tasks, "；"))
	for i, r := range c.Rubric {
		if i > 0 {
			b.WriteString("；")
		}
		fmt.Fprintf(&b, "%s%d分（%s）", r.Criterion, r.Points, r.LookFor)
	}
	return b.String()
}
