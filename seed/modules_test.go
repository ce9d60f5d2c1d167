package seed

import (
	"io/fs"
	"strings"
	"testing"

	"gridskill/courses"
)

func TestShippedModulesParseAndRenderClean(t *testing.T) {
	dir, err := fs.Sub(Content, "content/modules")
	if err != nil {
		t.Fatal(err)
	}
	mods, err := ReadModules(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(mods) != 6 {
		t.Fatalf("%d modules; want 6", len(mods))
	}
	lessons := 0
	for i, m := range mods {
		m.Input.Normalize()
		if err := m.Input.Validate(); err != nil {
			t.Errorf("%s: %v", m.Input.Slug, err)
		}
		if m.Order != i+1 || !m.Input.Category.Standard() || len(m.Input.CheckTags) == 0 {
			t.Errorf("%s: order %d, category %q, tags %v", m.Input.Slug, m.Order, m.Input.Category, m.Input.CheckTags)
		}
		for _, l := range m.Lessons {
			lessons++
			if err := l.Validate(); err != nil {
				t.Errorf("%s/%s: %v", m.Input.Slug, l.Slug, err)
			}
			html := courses.Render(l.Markdown)
			if len(html) < 500 || !strings.Contains(html, "<h2>") || strings.Contains(html, "<script") {
				t.Errorf("%s/%s renders to %d bytes", m.Input.Slug, l.Slug, len(html))
			}
		}
	}
	if lessons != 39 {
		t.Errorf("%d lessons; want 39", lessons)
	}
}
