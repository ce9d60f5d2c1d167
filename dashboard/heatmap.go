package dashboard

import (
	"cmp"
	"context"
	"slices"
	"time"

	"gridskill"
	"gridskill/courses"
	"gridskill/people"
	"gridskill/quiz"
)

// Threshold is the correct rate (percent) under which a worker is weak on a
// topic, and MinAnswers the answers a rate needs before it counts.
const (
	Threshold  = 60
	MinAnswers = 3
)

// Cell is one topic in one unit: right and wrong answers of its workers.
type Cell struct {
	Tag          string
	Right, Wrong int
}

// Answers is how many answers the cell counts.
func (c Cell) Answers() int { return c.Right + c.Wrong }

// Rate is the correct rate in percent, -1 with no answers.
func (c Cell) Rate() int {
	if c.Answers() == 0 {
		return -1
	}
	return c.Right * 100 / c.Answers()
}

// Level buckets the rate for the colour of a cell: 0 no data, 1 under 60 %,
// 2 under 75 %, 3 under 90 %, 4 from 90 %.
func (c Cell) Level() int {
	switch r := c.Rate(); {
	case r < 0:
		return 0
	case r < Threshold:
		return 1
	case r < 75:
		return 2
	case r < 90:
		return 3
	}
	return 4
}

// HeatRow is one unit's cells, in the order of Heatmap.Tags.
type HeatRow struct {
	Unit  people.Unit
	Cells []Cell
}

// Heatmap is correct rate by topic × unit.
type Heatmap struct {
	Scope people.Unit
	Trail []people.Unit
	Tags  []string
	Total HeatRow
	Rows  []HeatRow // the units directly below Scope
}

type heatCount struct{ cells map[string]*Cell }

// Heatmap counts each topic's correct rate in the unit (the actor's own when
// unitID is empty) and in each unit directly below it, from the workers'
// practice summaries. Errors: forbidden, not_found, internal.
func (s *Service) Heatmap(ctx context.Context, actor people.User, unitID string) (Heatmap, error) {
	scope, tree, err := s.scope(ctx, actor, unitID)
	if err != nil {
		return Heatmap{}, err
	}
	workers, gaps, err := s.gaps(ctx, actor, scope)
	if err != nil {
		return Heatmap{}, err
	}
	tags, err := s.Courses.CheckTags(ctx, actor)
	if err != nil {
		return Heatmap{}, err
	}
	rollup := people.NewRollup[heatCount](tree, scope, func(u people.Unit) bool { return u.ParentID == scope.ID })
	for _, w := range workers {
		g := gaps[w.ID]
		rollup.Add(w.UnitPath, func(h *heatCount) {
			if h.cells == nil {
				h.cells = map[string]*Cell{}
			}
			for _, t := range g.Tags {
				c, ok := h.cells[t.Tag]
				if !ok {
					c = &Cell{Tag: t.Tag}
					h.cells[t.Tag] = c
				}
				c.Right += t.Right
				c.Wrong += t.Wrong
			}
		})
	}
	hm := Heatmap{Scope: scope, Tags: tags, Trail: trail(tree, actor, scope)}
	for _, t := range rollup.Rows() {
		row := HeatRow{Unit: t.Unit}
		for _, tag := range tags {
			c := Cell{Tag: tag}
			if p, ok := t.Count.cells[tag]; ok {
				c = *p
			}
			row.Cells = append(row.Cells, c)
		}
		if t.Unit.ID == scope.ID {
			hm.Total = row
		} else {
			hm.Rows = append(hm.Rows, row)
		}
	}
	return hm, nil
}

func trail(tree *people.Tree, actor people.User, scope people.Unit) []people.Unit {
	var out []people.Unit
	for _, id := range scope.Path {
		if u, ok := tree.Unit(id); ok && people.InScope(u.Path, actor.UnitID) {
			out = append(out, u)
		}
	}
	return out
}

// Weak is a question of a topic that workers of a unit keep missing.
type Weak struct {
	QuestionID string
	Stem       string
	Workers    int // how many have it in their wrong-answer book
	Misses     int
}

// Struggler is a worker under the threshold on a topic.
type Struggler struct {
	Worker       people.User
	Right, Wrong int
}

// Rate is the worker's correct rate in percent.
func (s Struggler) Rate() int { return s.Right * 100 / max(1, s.Right+s.Wrong) }

// CellDetail is what opens from a heatmap cell.
type CellDetail struct {
	Scope   people.Unit
	Tag     string
	Cell    Cell
	Weakest []Weak
	People  []Struggler
	Modules []courses.Module // the modules whose check draws on the tag
}

// Cell opens one topic in one unit: its weakest questions (most often in the
// workers' wrong-answer books) and the workers under the threshold.
// Errors: invalid, forbidden, not_found, internal.
func (s *Service) Cell(ctx context.Context, actor people.User, unitID, tag string) (CellDetail, error) {
	if err := (gridskill.Text{Field: "topic", Max: 40}).Check(tag); err != nil || tag == "" {
		return CellDetail{}, gridskill.Errorf(gridskill.EINVALID, "choose a topic")
	}
	scope, _, err := s.scope(ctx, actor, unitID)
	if err != nil {
		return CellDetail{}, err
	}
	workers, gaps, err := s.gaps(ctx, actor, scope)
	if err != nil {
		return CellDetail{}, err
	}
	d := CellDetail{Scope: scope, Tag: tag, Cell: Cell{Tag: tag}}
	weak := map[string]*Weak{}
	for _, w := range workers {
		g := gaps[w.ID]
		for _, t := range g.Tags {
			if t.Tag != tag {
				continue
			}
			d.Cell.Right += t.Right
			d.Cell.Wrong += t.Wrong
			st := Struggler{Worker: w, Right: t.Right, Wrong: t.Wrong}
			if t.Right+t.Wrong >= MinAnswers && st.Rate() < Threshold {
				d.People = append(d.People, st)
			}
		}
		for _, m := range g.Missed {
			stem, tags, ok := s.Quiz.QuestionTags(m.QuestionID)
			if !ok || !slices.Contains(tags, tag) {
				continue
			}
			x, ok := weak[m.QuestionID]
			if !ok {
				x = &Weak{QuestionID: m.QuestionID, Stem: stem}
				weak[m.QuestionID] = x
			}
			x.Workers++
			x.Misses += m.Misses
		}
	}
	for _, x := range weak {
		d.Weakest = append(d.Weakest, *x)
	}
	slices.SortFunc(d.Weakest, func(a, b Weak) int {
		return cmp.Or(b.Workers-a.Workers, b.Misses-a.Misses, cmp.Compare(a.QuestionID, b.QuestionID))
	})
	d.Weakest = d.Weakest[:min(10, len(d.Weakest))]
	slices.SortFunc(d.People, func(a, b Struggler) int { return cmp.Or(a.Rate()-b.Rate(), cmp.Compare(a.Worker.Name, b.Worker.Name)) })
	if d.Modules, err = s.Courses.ModulesTagged(ctx, actor, tag); err != nil {
		return CellDetail{}, err
	}
	return d, nil
}

func (s *Service) gaps(ctx context.Context, actor people.User, scope people.Unit) ([]people.User, map[string]quiz.Gaps, error) {
	workers, err := s.People.Workers(ctx, scope.ID)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, len(workers))
	for i, w := range workers {
		ids[i] = w.ID
	}
	gaps, err := s.Quiz.WorkerGaps(ctx, actor, ids)
	return workers, gaps, err
}

// Retrain assigns the cell's module to the unit again as required, due in
// two weeks, and returns it with the workers under the threshold, whom the
// caller tells. Errors: invalid, forbidden, not_found, internal.
func (s *Service) Retrain(ctx context.Context, actor people.User, unitID, tag, moduleID string) (courses.Module, []people.User, error) {
	d, err := s.Cell(ctx, actor, unitID, tag)
	if err != nil {
		return courses.Module{}, nil, err
	}
	i := slices.IndexFunc(d.Modules, func(m courses.Module) bool { return m.ID == moduleID })
	if i < 0 {
		return courses.Module{}, nil, gridskill.Errorf(gridskill.ENOTFOUND, "no module of this topic")
	}
	due := s.Clock.Now().Add(14 * 24 * time.Hour)
	if _, err := s.Courses.Assign(ctx, actor, moduleID, d.Scope.ID, true, due); err != nil {
		return courses.Module{}, nil, err
	}
	return d.Modules[i], d.Weak(), nil
}

// Weak returns the workers under the threshold.
func (d CellDetail) Weak() []people.User {
	out := make([]people.User, len(d.People))
	for i, p := range d.People {
		out[i] = p.Worker
	}
	return out
}

// Answers is how many answers the worker gave on the topic.
func (s Struggler) Answers() int { return s.Right + s.Wrong }
