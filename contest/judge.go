package contest

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
)

// Criterion is one line of a judge round's score sheet.
type Criterion struct {
	Name   string  `json:"name" bson:"name"`
	Points float64 `json:"points" bson:"points"`
}

// MaxCriteria is how many lines a score sheet has at most.
const MaxCriteria = 10

func sheetOf(cs []Criterion) []scoring.SheetCriterion {
	out := make([]scoring.SheetCriterion, len(cs))
	for i, c := range cs {
		out[i] = scoring.SheetCriterion{Name: c.Name, Points: c.Points}
	}
	return out
}

func checkCriteria(cs []Criterion) error {
	if len(cs) > MaxCriteria {
		return gridskill.Errorf(gridskill.EINVALID, "a score sheet has at most %d criteria", MaxCriteria)
	}
	for _, c := range cs {
		if strings.TrimSpace(c.Name) == "" {
			return gridskill.Errorf(gridskill.EINVALID, "every criterion needs a name")
		}
		if err := titleText.Check(c.Name); err != nil {
			return err
		}
	}
	if err := scoring.CheckSheet(sheetOf(cs)); err != nil {
		return gridskill.Errorf(gridskill.EINVALID, "the criteria's points must add up to 100")
	}
	return nil
}

// ParseCriteria reads a score sheet typed as "程序规范 30, 沟通技巧 40,
// 处置效果 30": names each followed by their points. Errors: invalid.
func ParseCriteria(text string) ([]Criterion, error) {
	var out []Criterion
	for _, part := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ';' || r == '\n' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		i := strings.LastIndexAny(part, " \t:：")
		if i < 0 {
			return nil, gridskill.Errorf(gridskill.EINVALID, "write each criterion as a name, then its points")
		}
		n, err := strconv.ParseFloat(strings.TrimSpace(part[i+1:]), 64)
		if err != nil {
			return nil, gridskill.Errorf(gridskill.EINVALID, "write each criterion as a name, then its points")
		}
		out = append(out, Criterion{Name: strings.TrimSpace(part[:i]), Points: n})
	}
	return out, checkCriteria(out)
}

// SetCriteria sets a judge round's score sheet (none: judges give one
// score). Errors: invalid, not_found, forbidden, conflict (live or finished).
func (s *Service) SetCriteria(ctx context.Context, actor people.User, id, roundID string, cs []Criterion) (Contest, error) {
	if len(cs) > 0 {
		if err := checkCriteria(cs); err != nil {
			return Contest{}, err
		}
	}
	return s.editRound(ctx, actor, id, roundID, Act{"Score sheet set", criteriaText(cs)}, func(_ *Contest, r *Round) error {
		if r.Kind != Judge {
			return gridskill.Errorf(gridskill.EINVALID, "only a judge round has a score sheet")
		}
		r.Criteria = slices.Clone(cs)
		return nil
	})
}

func criteriaText(cs []Criterion) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Name + " " + strconv.FormatFloat(c.Points, 'f', -1, 64)
	}
	return strings.Join(parts, ", ")
}

// ScoreSheet records a judge's score from the round's score sheet: one mark
// per criterion, each within its points; the marks' sum is the score. Errors:
// invalid (marks that do not fit the sheet, a round without one), and those
// of Score.
func (s *Service) ScoreSheet(ctx context.Context, actor people.User, contestID string, item int, marks []float64) error {
	c, err := s.get(contestID)
	if err != nil {
		return err
	}
	if !s.isJudge(c, actor.ID) {
		return gridskill.Errorf(gridskill.EFORBIDDEN, "only the round's judges score")
	}
	if err := s.fence(contestID); err != nil {
		return err
	}
	l := s.liveOf(contestID)
	if l == nil {
		return gridskill.Errorf(gridskill.ECONFLICT, "no round is live")
	}
	l.mu.Lock()
	criteria := l.round.Criteria
	l.mu.Unlock()
	if len(criteria) == 0 {
		return gridskill.Errorf(gridskill.EINVALID, "this round has no score sheet; give one score")
	}
	total, err := scoring.SheetTotal(sheetOf(criteria), marks)
	if err != nil {
		return gridskill.Errorf(gridskill.EINVALID, "give each criterion a mark between 0 and its points")
	}
	return s.score(ctx, actor, contestID, item, total, slices.Clone(marks))
}

type panelJSON struct {
	Judge   string  `json:"judge"`
	Score   float64 `json:"score"`
	Dropped string  `json:"dropped,omitempty"` // "highest" or "lowest"
}

// panelScores lists the judges' scores of the current task in panel order,
// marking the two that 去掉一个最高分、去掉一个最低分 dropped. Call with mu held.
func (l *live) panelScores() []panelJSON {
	var ids []string
	var scores []float64
	for _, j := range l.round.Judges {
		if v, ok := l.judged[j]; ok {
			ids, scores = append(ids, j), append(scores, v)
		}
	}
	ps, err := scoring.Panel(scores)
	if err != nil {
		return nil
	}
	out := make([]panelJSON, len(ids))
	for i, id := range ids {
		out[i] = panelJSON{Judge: l.judgeName(id), Score: scores[i]}
		switch i {
		case ps.DroppedHigh:
			out[i].Dropped = "highest"
		case ps.DroppedLow:
			out[i].Dropped = "lowest"
		}
	}
	return out
}

// judgeName is a judge's name as the screens show it.
func (l *live) judgeName(id string) string { return l.s.judgeName(context.Background(), l.c, id) }

// warnUnscored refuses, once per task, the host's close of a judge task that
// not every judge on its panel has scored, saying how many have; pressed
// again, the close goes ahead with the scores given. Call with mu held.
func (l *live) warnUnscored() error {
	if l.round.Kind != Judge || l.st.Phase != phaseJudging {
		return nil
	}
	n, of := len(l.judged), l.panelSize()
	if n >= of || l.warned == l.st.Item+1 {
		return nil
	}
	l.warned = l.st.Item + 1
	return gridskill.Errorf(gridskill.ECONFLICT, "only %d of %d judges have scored; press close again to close without the others", n, of)
}

// TaskPanel is how the panel scored one task of a finished judge round.
type TaskPanel struct {
	Task      Task
	Performer string
	Scores    []JudgeMark
	Score     float64
}

// JudgeMark is one judge's score of a task; Dropped is "highest" or
// "lowest" for the two scores the panel left out.
type JudgeMark struct {
	Judge   string
	Score   float64
	Dropped string
	// Marks are the judge's marks per criterion, when the round has a
	// score sheet.
	Marks []float64
}

// Panels returns each task's judge scores of the contest's finished judge
// rounds, by round id, with the dropped highest and lowest marked. Its
// admins and participants may read them. Errors: invalid, not_found,
// forbidden, internal.
func (s *Service) Panels(ctx context.Context, actor people.User, id string) (map[string][]TaskPanel, error) {
	c, err := s.Contest(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	out := map[string][]TaskPanel{}
	for _, r := range c.Rounds {
		if r.Kind != Judge || r.Finished.IsZero() {
			continue
		}
		facts, err := s.repo.facts(ctx, c.ID, r.ID)
		if err != nil {
			return nil, gridskill.Internal(err)
		}
		given := map[int]map[string]float64{}
		marks := map[int]map[string][]float64{}
		for _, f := range facts {
			if f.Kind == factScore {
				if given[f.Item] == nil {
					given[f.Item], marks[f.Item] = map[string]float64{}, map[string][]float64{}
				}
				given[f.Item][f.Worker] = f.Score
				marks[f.Item][f.Worker] = f.Marks
			}
		}
		for i, t := range r.Tasks {
			tp := TaskPanel{Task: t}
			if p, ok := c.Participant(t.PerformerID); ok {
				tp.Performer = p.Name
			}
			var scores []float64
			for _, j := range r.Judges {
				if v, ok := given[i][j]; ok {
					scores = append(scores, v)
					tp.Scores = append(tp.Scores, JudgeMark{Judge: s.judgeName(ctx, c, j), Score: v, Marks: marks[i][j]})
				}
			}
			if ps, err := scoring.Panel(scores); err == nil {
				tp.Score = ps.Score
				if ps.DroppedHigh >= 0 {
					tp.Scores[ps.DroppedHigh].Dropped = "highest"
					tp.Scores[ps.DroppedLow].Dropped = "lowest"
				}
			}
			out[r.ID] = append(out[r.ID], tp)
		}
	}
	return out, nil
}

func (s *Service) judgeName(ctx context.Context, c Contest, id string) string {
	if p, ok := c.Participant(id); ok {
		return p.Name
	}
	if u, err := s.people.User(ctx, id); err == nil {
		return u.Name
	}
	return ""
}
