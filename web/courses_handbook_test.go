package web

import (
	"net/http"
	"strings"
	"testing"

	"gridskill/seed"
)

func TestHandbookPrintsEveryPublishedModuleWithContents(t *testing.T) {
	r := newRig(t)
	worker, west := r.browser(), r.browser()
	worker.signIn(seed.DemoLogins()[3].Phone, seed.DemoPassword)
	west.signIn("13900000005", seed.DemoPassword)
	trainer, err := r.people.User(ctx(t), seed.TrainerID)
	if err != nil {
		t.Fatal(err)
	}
	mods, err := r.srv.courses.Visible(ctx(t), trainer)
	if err != nil {
		t.Fatal(err)
	}
	var published []string
	for _, m := range mods {
		if m.Published != nil {
			published = append(published, m.Published.Title)
		}
	}
	if len(published) == 0 {
		t.Fatal("the demo has no published module")
	}
	resp, body := worker.get("/learn/handbook")
	if resp.StatusCode != 200 || !strings.Contains(body, `id="toc"`) || !strings.Contains(body, `class="handbook a5"`) {
		t.Fatalf("the handbook: %d", resp.StatusCode)
	}
	for _, title := range published {
		if !strings.Contains(body, title) {
			t.Errorf("the handbook lacks %s", title)
		}
	}
	if resp, body := worker.get("/learn/handbook?size=a4"); resp.StatusCode != 200 || !strings.Contains(body, `class="handbook a4"`) {
		t.Fatalf("the A4 handbook: %d", resp.StatusCode)
	}
	if resp, _ := worker.get("/learn/handbook?size=b5"); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a B5 handbook: %d", resp.StatusCode)
	}
	if resp, _ := west.get("/learn/handbook?unit=" + seed.Grid111ID); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("another street's admin printing this street's grid: %d", resp.StatusCode)
	}
	if resp, _ := worker.get("/learn/handbook?unit=" + seed.Street2ID); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a worker printing another street's handbook: %d", resp.StatusCode)
	}
}
