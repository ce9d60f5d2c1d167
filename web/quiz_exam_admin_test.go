package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill/seed"
)

// A number that is not one is refused with a message naming it, on the form
// as typed, and no exam is stored; before, strconv's error was dropped and
// the field read as 0.
func TestExamFormRefusesEveryBadNumberAndCreatesNothing(t *testing.T) {
	r := newRig(t)
	trainer := r.browser()
	trainer.signIn("13900000003", seed.DemoPassword)
	good := url.Values{"title": {"楼道安全测验"}, "unit": {seed.Street1ID}, "opensAt": {"2026-11-24T08:00"}, "closesAt": {"2026-11-30T18:00"},
		"minutes": {"20"}, "passMark": {"60"}, "maxAttempts": {"1"}, "maxSwitches": {"0"}, "counts": {"highest"}, "review": {"after_submit"},
		"count0": {"5"}}
	before := countDocs(t, r.db.Collection("exams"), bson.M{})
	cases := []struct {
		name   string
		fields map[string]string
		want   []string
	}{
		{"RefusesAPassMarkThatIsNoNumber", map[string]string{"passMark": "六十"}, []string{"请填写整数，而不是 &#34;六十&#34;", `value="六十"`}},
		{"RefusesADurationWithAUnit", map[string]string{"minutes": "20分钟"}, []string{"请填写整数，而不是 &#34;20分钟&#34;"}},
		{"RefusesARuleCountThatIsNoNumber", map[string]string{"count0": "五", "maxSwitches": "x"},
			[]string{"表单中有 2 项填写有误", "count0", "maxSwitches", `value="五"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{}
			for k, v := range good {
				form[k] = v
			}
			for k, v := range tc.fields {
				form.Set(k, v)
			}
			resp, body := trainer.post("/quiz/exams/new", "/quiz/exams", form)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d; want 400: %s", resp.StatusCode, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Fatalf("the refused form lacks %q: %s", w, body)
				}
			}
			if n := countDocs(t, r.db.Collection("exams"), bson.M{}); n != before {
				t.Fatalf("%d exams stored after a refused form; want %d", n, before)
			}
		})
	}
}
