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
	qs := quiz.NewService(db, ps, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := qs.Load(ctx); err != nil {
		return err
	}
	banks, err := fs.Sub(Content, "content/questions")
	if err != nil {
		return err
	}
	if err := LoadQuestions(ctx, qs, author, banks); err != nil {
		return fmt.Errorf("load question banks: %w", err)
	}
	modules, err := fs.Sub(Content, "content/modules")
	if err != nil {
		return err
	}
	if err := LoadModules(ctx, courses.NewService(db, ps, clock), author, modules); err != nil {
		return fmt.Errorf("load modules: %w", err)
	}
	return nil
}
