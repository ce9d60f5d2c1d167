package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"gridskill/certify"
	"gridskill/seed"
)

// oneModuleCatalog offers one module and one exam to require.
type oneModuleCatalog struct{}

func (oneModuleCatalog) Choices(context.Context) (modules, exams []certify.Choice, err error) {
	return []certify.Choice{{ID: "m-fraud", Title: "反诈"}}, []certify.Choice{{ID: "e-fraud", Title: "反诈考试"}}, nil
}

func TestProgramFormRefusesModulesThatAreNotThere(t *testing.T) {
	r := newCertRig(t)
	r.svc.Catalog = oneModuleCatalog{}
	admin := r.browser()
	admin.signIn(streetPhone, seed.DemoPassword)
	for name, tc := range map[string]struct {
		module, check, want string
	}{
		"DollarModule":  {"$where", "", "不是有效的编号"},
		"DottedModule":  {"a.b", "", "不是有效的编号"},
		"DollarCheck":   {"m-fraud", "$where", "不是有效的编号"},
		"UnknownModule": {"m-nothing", "", "没有已发布的课程模块"},
		"UnknownCheck":  {"m-fraud", "e-nothing", "没有考试"},
	} {
		t.Run(name, func(t *testing.T) {
			before := r.snapshot()
			resp, body := admin.post("/certification/programs/new", "/certification/programs", url.Values{
				"name": {"新的宣传员项目"}, "validity": {"12"}, "module0": {tc.module}, "version0": {"1"}, "check0": {tc.check},
			})
			if resp.StatusCode != 400 || !strings.Contains(body, tc.want) {
				t.Fatalf("answered %d, want 400 with %q", resp.StatusCode, tc.want)
			}
			if r.snapshot() != before {
				t.Fatal("a refused program was stored")
			}
		})
	}
	resp, body := admin.post("/certification/programs/new", "/certification/programs", url.Values{
		"name": {"新的宣传员项目"}, "validity": {"12"}, "module0": {"m-fraud"}, "version0": {"1"}, "check0": {"e-fraud"},
	})
	if resp.StatusCode != 303 {
		t.Fatalf("a program of a module and exam that exist: %d %.2000s", resp.StatusCode, body)
	}
}
