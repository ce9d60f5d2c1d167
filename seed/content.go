package seed

import (
	"context"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"log/slog"

	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/courses"
	"gridskill/people"
	"gridskill/quiz"
)

// Content is the training content shipped with Gridskill: course modules
// under content/modules and question banks under content/questions, in the
// formats seed/CONTENT.md describes.
//
//go:embed content
var Content embed.FS

// LoadContent imports the shipped modules (published) and question banks into
// any deployment, owned by author's unit and written as author would through
// the pages, without touching people, assignments or exams. Running it again
// changes nothing. Errors: forbidden when author may not author training.
func LoadContent(ctx context.Context, db *mongo.Database, ps *people.Service, clock gridskill.Clock, author people.User) error {
	if !author.CanTeach(author.UnitPath) {
		return gridskill.Errorf(gridskill.EFORBIDDEN, "%s is not an active trainer or admin", author.Phone)
	}
	qs, err := loadedQuiz(ctx, db, ps, clock)
	if err != nil {
		return err
	}
	if err := loadShippedBanks(ctx, qs, author); err != nil {
		return err
	}
	_, err = loadShippedModules(ctx, courses.NewService(db, ps, clock), author)
	return err
}

// loadedQuiz returns a quiz service over db with its bank loaded, quiet:
// seeding reports its own errors.
func loadedQuiz(ctx context.Context, db *mongo.Database, ps *people.Service, clock gridskill.Clock) (*quiz.Service, error) {
	qs := quiz.NewService(db, ps, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := qs.Load(ctx); err != nil {
		return nil, err
	}
	return qs, nil
}

// loadShippedBanks imports the shipped question banks (content/questions) as author.
func loadShippedBanks(ctx context.Context, qs *quiz.Service, author people.User) error {
	banks, err := fs.Sub(Content, "content/questions")
	if err != nil {
		return err
	}
	if err := LoadQuestions(ctx, qs, author, banks); err != nil {
		return fmt.Errorf("load question banks: %w", err)
	}
	return nil
}

// loadShippedModules imports the shipped modules (content/modules) as
// author and returns their folder.
func loadShippedModules(ctx context.Context, cs *courses.Service, author people.User) (fs.FS, error) {
	dir, err := fs.Sub(Content, "content/modules")
	if err != nil {
		return nil, err
	}
	if err := LoadModules(ctx, cs, author, dir); err != nil {
		return nil, fmt.Errorf("load modules: %w", err)
	}
	return dir, nil
}
