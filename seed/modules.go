package seed

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/courses"
	"gridskill/people"
)

// moduleFile is a module's module.json, as seed/CONTENT.md describes it.
type moduleFile struct {
	Slug     string   `json:"slug"`
	Title    string   `json:"title"`
	Category string   `json:"category"`
	Summary  string   `json:"summary"`
	Minutes  int      `json:"minutes"`
	Tags     []string `json:"tags"`
	Order    int      `json:"order"`
}

// ContentModule is one module of the shipped content with its lessons.
type ContentModule struct {
	Input   courses.ModuleInput
	Order   int
	Lessons []courses.LessonInput
}

// ReadModules reads every <dir>/*/module.json and its lesson .md files (the
// first line of each is "# title"), in the modules' order.
func ReadModules(dir fs.FS) ([]ContentModule, error) {
	files, err := fs.Glob(dir, "*/module.json")
	if err != nil {
		return nil, err
	}
	var out []ContentModule
	for _, name := range files {
		data, err := fs.ReadFile(dir, name)
		if err != nil {
			return nil, err
		}
		var mf moduleFile
		if err := json.Unmarshal(data, &mf); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		cm := ContentModule{Order: mf.Order, Input: courses.ModuleInput{
			Slug: mf.Slug, Title: mf.Title, Category: courses.Category(mf.Category), Summary: mf.Summary, Minutes: mf.Minutes, CheckTags: mf.Tags,
		}}
		lessons, err := fs.Glob(dir, path.Join(path.Dir(name), "*.md"))
		if err != nil {
			return nil, err
		}
		slices.Sort(lessons)
		for _, ln := range lessons {
			text, err := fs.ReadFile(dir, ln)
			if err != nil {
				return nil, err
			}
			first, body, _ := strings.Cut(strings.ReplaceAll(string(text), "\r\n", "\n"), "\n")
			if !strings.HasPrefix(first, "# ") {
				return nil, fmt.Errorf("%s: the first line must be \"# title\"", ln)
			}
			cm.Lessons = append(cm.Lessons, courses.LessonInput{
				Slug: strings.TrimSuffix(path.Base(ln), ".md"), Title: strings.TrimSpace(first[2:]), Markdown: strings.TrimLeft(body, "\n"),
			})
		}
		out = append(out, cm)
	}
	slices.SortStableFunc(out, func(a, b ContentModule) int { return a.Order - b.Order })
	return out, nil
}

// LoadModules loads every module under dir through the path a trainer takes
// (create, add lessons, publish) as author. A module already loaded with the
// same content is left alone, so running it again changes nothing; changed
// content is published as a minor new version.
func LoadModules(ctx context.Context, cs *courses.Service, author people.User, dir fs.FS) error {
	mods, err := ReadModules(dir)
	if err != nil {
		return err
	}
	for _, cm := range mods {
		if err := loadModule(ctx, cs, author, cm); err != nil {
			return fmt.Errorf("module %s: %w", cm.Input.Slug, err)
		}
	}
	return nil
}

func loadModule(ctx context.Context, cs *courses.Service, author people.User, cm ContentModule) error {
	id := "m-" + cm.Input.Slug
	m, err := cs.Draft(ctx, author, id)
	switch gridskill.ErrorCode(err) {
	case "":
	case gridskill.ENOTFOUND:
		if m, err = cs.CreateModule(ctx, author, cm.Input); err != nil {
			return err
		}
	default:
		return err
	}
	changed := false
	if m.Title != cm.Input.Title || m.Category != cm.Input.Category || m.Summary != cm.Input.Summary ||
		m.Minutes != cm.Input.Minutes || !slices.Equal(m.CheckTags, cm.Input.CheckTags) {
		in := cm.Input
		in.CoverID = m.CoverID
		if _, err := cs.UpdateModule(ctx, author, id, in); err != nil {
			return err
		}
		changed = true
	}
	for _, l := range cm.Lessons {
		have, _, ok := m.Lesson("l-" + l.Slug)
		switch {
		case !ok:
			if _, err := cs.AddLesson(ctx, author, id, l); err != nil {
				return err
			}
			changed = true
		case have.Title != l.Title || have.Markdown != l.Markdown:
			if _, err := cs.UpdateLesson(ctx, author, id, have.ID, l); err != nil {
				return err
			}
			changed = true
		}
	}
	if !changed && m.Version() > 0 {
		return nil
	}
	note := ""
	if m.Version() > 0 {
		note = "课程内容已更新"
	}
	_, err = cs.Publish(ctx, author, id, note, false)
	return err
}

// DemoDueDays is how long the demo district has to finish its required modules.
const DemoDueDays = 90

// AssignDemo makes every shipped module required for the whole demo
// district, due DemoDueDays from now. Modules already assigned there are
// left as they are, so running it again changes nothing.
func AssignDemo(ctx context.Context, cs *courses.Service, author people.User, clock gridskill.Clock, dir fs.FS) error {
	mods, err := ReadModules(dir)
	if err != nil {
		return err
	}
	y, mo, d := clock.Now().In(gridskill.ChinaZone()).AddDate(0, 0, DemoDueDays).Date()
	due := time.Date(y, mo, d, 23, 59, 0, 0, gridskill.ChinaZone())
	for _, cm := range mods {
		id := "m-" + cm.Input.Slug
		existing, err := cs.Assignments(ctx, author, id)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(existing, func(a courses.Assignment) bool { return a.UnitID == DistrictID }) {
			continue
		}
		if _, err := cs.Assign(ctx, author, id, DistrictID, true, due); err != nil {
			return fmt.Errorf("assign %s: %w", id, err)
		}
	}
	return nil
}

// loadDemoModules loads the shipped modules, authored by the demo trainer,
// and assigns them to the demo district.
func loadDemoModules(ctx context.Context, db *mongo.Database, ps *people.Service, clock gridskill.Clock) error {
	cs := courses.NewService(db, ps, clock)
	author, err := ps.User(ctx, TrainerID)
	if err != nil {
		return err
	}
	dir, err := loadShippedModules(ctx, cs, author)
	if err != nil {
		return err
	}
	return AssignDemo(ctx, cs, author, clock, dir)
}
