package courses

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill"
	"gridskill/people"
)

// VersionChange is one published version of a module and what changed from
// the one before it.
type VersionChange struct {
	Number      int
	Major       bool
	Note        string
	PublishedAt time.Time
	PublishedBy string
	// Changes lists, in the trail's words, what differs from the previous
	// version: lessons added, removed, renamed or rewritten, the title, the
	// minutes. The first version has none.
	Changes []string
}

// readable returns a module staff actor may read. Errors: invalid,
// not_found, forbidden.
func (s *Service) readable(ctx context.Context, actor people.User, id string) (Module, error) {
	if !isStaff(actor) {
		return Module{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins see a module's versions")
	}
	if !ValidID(id) {
		return Module{}, gridskill.Errorf(gridskill.EINVALID, "malformed module id")
	}
	d, err := s.repo.module(ctx, id)
	if err != nil {
		return Module{}, err
	}
	m := d.module()
	if !canRead(actor, m) {
		return Module{}, errNoModule()
	}
	return m, nil
}

// Versions returns a module's published versions, newest first, each with
// what changed. Errors: invalid, not_found, forbidden.
func (s *Service) Versions(ctx context.Context, actor people.User, moduleID string) ([]VersionChange, error) {
	m, err := s.readable(ctx, actor, moduleID)
	if err != nil {
		return nil, err
	}
	docs, err := findDocs[versionDoc](ctx, s.repo.versions, bson.M{"moduleId": m.ID})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(docs, func(a, b versionDoc) int { return a.Number - b.Number })
	out := make([]VersionChange, 0, len(docs))
	for i, d := range docs {
		if m.Published == nil || d.Number > m.Published.Version {
			continue // written by a publish that did not finish
		}
		vc := VersionChange{Number: d.Number, Major: d.Major, Note: d.Note, PublishedAt: d.PublishedAt, PublishedBy: d.PublishedBy}
		if i > 0 {
			vc.Changes = versionDiff(docs[i-1], d)
		}
		out = append(out, vc)
	}
	slices.Reverse(out)
	return out, nil
}

// versionDiff says what differs between two versions.
func versionDiff(a, b versionDoc) []string {
	var out []string
	if a.Title != b.Title {
		out = append(out, "标题: "+a.Title+" → "+b.Title)
	}
	if a.Minutes != b.Minutes {
		out = append(out, "学习时长: "+strconv.Itoa(a.Minutes)+" → "+strconv.Itoa(b.Minutes)+" 分钟")
	}
	old := map[string]versionLessonDoc{}
	for _, l := range a.Lessons {
		old[l.ID] = l
	}
	seen := map[string]bool{}
	for _, l := range b.Lessons {
		seen[l.ID] = true
		o, ok := old[l.ID]
		switch {
		case !ok:
			out = append(out, "新增课时: "+l.Title)
		case o.Title != l.Title:
			out = append(out, "课时改名: "+o.Title+" → "+l.Title)
		case o.HTML != l.HTML:
			out = append(out, "课时内容修改: "+l.Title)
		}
	}
	for _, l := range a.Lessons {
		if !seen[l.ID] {
			out = append(out, "删除课时: "+l.Title)
		}
	}
	return out
}

// MajorImpact is what publishing a major change of a module would send back
// to study, inside the actor's area.
type MajorImpact struct {
	// Workers is how many have completed the current major version and
	// would have to study the module again.
	Workers int
	// InProgress is how many have started it and would start over.
	InProgress int
}

// ProgressRow is one worker's progress in a module.
type ProgressRow struct {
	Worker       people.User
	Units        []string // names below the actor's unit
	LessonsDone  int
	LessonsTotal int
	// Completed is set when the worker completed the current major version;
	// CompletedVersion and CompletedAt say which and on which day.
	Completed        bool
	CompletedVersion int
	CompletedAt      time.Time
}

// Progress lists the module's progress of every worker of the actor's area
// it is meant for, by unit then name, and what a major change would send
// back to study. Errors: invalid, not_found, forbidden.
func (s *Service) Progress(ctx context.Context, actor people.User, moduleID string) ([]ProgressRow, MajorImpact, error) {
	m, err := s.readable(ctx, actor, moduleID)
	if err != nil {
		return nil, MajorImpact{}, err
	}
	if m.Published == nil {
		return nil, MajorImpact{}, nil
	}
	c, err := s.catalogue(ctx)
	if err != nil {
		return nil, MajorImpact{}, err
	}
	var targets []string
	for _, a := range c.assignments {
		if a.ModuleID == m.ID {
			targets = append(targets, a.UnitID)
		}
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return nil, MajorImpact{}, err
	}
	workers, err := s.people.Workers(ctx, actor.UnitID)
	if err != nil {
		return nil, MajorImpact{}, err
	}
	entries, err := s.repo.moduleEntries(ctx, m.ID)
	if err != nil {
		return nil, MajorImpact{}, err
	}
	pub := m.Published
	var rows []ProgressRow
	var impact MajorImpact
	order := map[string]int{}
	for i, u := range tree.Subtree(actor.UnitID) {
		order[u.ID] = i
	}
	for _, w := range workers {
		if !meantFor(w, targets) {
			continue
		}
		row := ProgressRow{Worker: w, Units: namesBelow(tree, w.UnitID, actor.UnitID), LessonsTotal: len(pub.Lessons)}
		if e, ok := entries[w.ID]; ok {
			sm := parseEntry(e)
			for _, l := range pub.Lessons {
				if lessonDone(sm, l.ID, pub) {
					row.LessonsDone++
				}
			}
			if sm.CompletedVersion >= pub.LastMajor {
				row.Completed, row.CompletedVersion, row.CompletedAt = true, sm.CompletedVersion, sm.CompletedAt
			}
		}
		switch {
		case row.Completed:
			impact.Workers++
		case row.LessonsDone > 0:
			impact.InProgress++
		}
		rows = append(rows, row)
	}
	slices.SortStableFunc(rows, func(a, b ProgressRow) int {
		if d := order[a.Worker.UnitID] - order[b.Worker.UnitID]; d != 0 {
			return d
		}
		return strings.Compare(a.Worker.Name, b.Worker.Name)
	})
	return rows, impact, nil
}

// namesBelow is a unit's path names below the unit scopeID.
func namesBelow(tree *people.Tree, unitID, scopeID string) []string {
	names := tree.Names(unitID)
	u, _ := tree.Unit(unitID)
	for i, id := range u.Path {
		if id == scopeID {
			return names[i+1:]
		}
	}
	return names
}

// ModuleForStaff returns a module, draft side included, to staff who may
// read it (a street's admin reads the district's modules it is assigned).
// Errors: invalid, not_found, forbidden.
func (s *Service) ModuleForStaff(ctx context.Context, actor people.User, id string) (Module, error) {
	return s.readable(ctx, actor, id)
}
