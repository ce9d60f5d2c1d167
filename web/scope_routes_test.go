package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gridskill/cases"
	"gridskill/certify"
	"gridskill/contest"
	"gridskill/courses"
	"gridskill/people"
	"gridskill/practical"
	"gridskill/quiz"
	"gridskill/rotation"
	"gridskill/scoring"
	"gridskill/seed"
	"gridskill/selection"
)

// routeRule says how the scope test treats one route.
type routeRule struct {
	// ids names, for each path parameter, the record of 西山街道 it takes
	// (a key of westRecords.ids).
	ids map[string]string
	// query and form name, for each query or form field, the record it takes.
	query, form map[string]string
	// open, when set, says why the route takes no id of another street. Its
	// GET is still sent by every viewer (at path, when set) and its answer
	// must hold none of 西山街道's data.
	open string
	path string
	// public marks a route anyone may use by design: it is not sent.
	public string
	// writes marks an open route that creates or changes things inside the
	// viewer's own area, named by the viewer's input only: it is not sent.
	writes string
	// body is the well-formed JSON a write of the API is sent, so that only
	// the access check can refuse it; upload sends a roster file instead.
	body   any
	upload bool
	// uncontrolled says why no one of 西山街道 is shown to read a scoped GET.
	uncontrolled string
}

func (r routeRule) withoutControl(why string) routeRule {
	r.uncontrolled = why
	return r
}

func (r routeRule) with(body any) routeRule {
	r.body = body
	return r
}

func (r routeRule) withUpload() routeRule {
	r.upload = true
	return r
}

// scoped is a route whose path parameters take 西山街道's records.
func scoped(kv ...string) routeRule {
	r := routeRule{ids: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		r.ids[kv[i]] = kv[i+1]
	}
	return r
}

func (r routeRule) withQuery(field, record string) routeRule {
	if r.query == nil {
		r.query = map[string]string{}
	}
	r.query[field] = record
	return r
}

func (r routeRule) withForm(field, record string) routeRule {
	if r.form == nil {
		r.form = map[string]string{}
	}
	r.form[field] = record
	return r
}

func open(why string) routeRule { return routeRule{open: why} }

func openAt(path, why string) routeRule { return routeRule{open: why, path: path} }

func public(why string) routeRule { return routeRule{public: why} }

func writes(why string) routeRule { return routeRule{writes: why} }

const (
	own       = "the viewer's own account, session or page"
	ownArea   = "lists what lies in the viewer's own area"
	form      = "an empty form or a fixed template"
	createOwn = "creates a record owned by the viewer's unit; the services refuse targets outside it (their own tests)"
)

// scopeRoutes lists every route of the app. A route added without an entry
// fails TestEveryRouteKeepsOtherStreetsOut.
var scopeRoutes = map[string]routeRule{
	"GET /dashboard":                       scoped().withQuery("unit", "unit"),
	"GET /dashboard/people":                scoped().withQuery("unit", "unit"),
	"GET /dashboard/people.xlsx":           scoped().withQuery("unit", "unit"),
	"POST /dashboard/remind":               scoped().withForm("unit", "unit").withForm("metric", "required-missing"),
	"GET /dashboard/gaps":                  scoped().withQuery("unit", "unit"),
	"GET /dashboard/gaps/cell":             scoped().withQuery("unit", "unit").withQuery("tag", "tag"),
	"POST /dashboard/gaps/practice":        scoped().withForm("unit", "unit").withForm("tag", "tag"),
	"POST /dashboard/gaps/retrain":         scoped().withForm("unit", "unit").withForm("tag", "tag").withForm("module", "module"),
	"GET /notices":                         open(own),
	"POST /notices/clear":                  writes("clears the viewer's own notices"),
	"GET /notify/robots":                   open(ownArea),
	"POST /notify/robots":                  scoped().withForm("unit", "unit").withForm("kind", "wecom").withForm("url", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=west"),
	"GET /api/v1/dashboard":                scoped().withQuery("unit", "unit"),
	"GET /api/v1/dashboard/people":         scoped().withQuery("unit", "unit"),
	"POST /api/v1/dashboard/remind":        scoped().with(J{"unit": westGrid.ID, "metric": "required-missing"}),
	"GET /api/v1/dashboard/gaps":           scoped().withQuery("unit", "unit"),
	"GET /api/v1/dashboard/gaps/cell":      scoped().withQuery("unit", "unit").withQuery("tag", "tag"),
	"POST /api/v1/dashboard/gaps/practice": scoped().with(J{"unit": westGrid.ID, "tag": "反诈"}),
	"POST /api/v1/dashboard/gaps/retrain":  scoped().with(J{"unit": westGrid.ID, "tag": "反诈", "module": "module"}),
	"GET /api/v1/notices":                  open(own),
	"POST /api/v1/notices/clear":           writes("clears the viewer's own notices"),
	"GET /api/v1/notify/robots":            open(ownArea),
	"POST /api/v1/notify/robots":           scoped().with(J{"unit": westGrid.ID, "kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=west"}),
	"GET /healthz":                         public("the health check names no record"),
	"GET /sw.js":                           public("the exam pages' service worker names no record"),
	"GET /favicon.ico":                     public("the site's icon names no record"),
	"GET /login":                           public("the sign-in page"),
	"POST /login":                          public("signing in"),
	"GET /prefs":                           public("sets the language or text size of the browser"),
	"POST /logout":                         writes(own),
	"GET /":                                open(own),
	"GET /account":                         open(own),
	"GET /account/password":                open(own),
	"POST /account/password":               writes(own),
	"GET /roster":                          scoped().withQuery("unit", "unit"),
	"GET /roster/import":                   open(form),
	"POST /roster/import":                  writes("imports into the viewer's own area (people tests)"),
	"GET /roster/template.:ext":            openAt("/roster/template.xlsx", form),
	"GET /roster/export.xlsx":              open(ownArea),
	"GET /people/:id":                      scoped("id", "worker"),
	"POST /people/:id/reset-password":      scoped("id", "worker"),
	"POST /people/:id/active":              scoped("id", "worker").withForm("active", "0"),
	"GET /units":                           open(ownArea),
	"POST /units":                          writes(createOwn),
	"GET /units/:id":                       scoped("id", "unit"),
	"POST /units/:id/rename":               scoped("id", "unit").withForm("name", "改名"),
	"POST /units/:id/move":                 scoped("id", "unit").withForm("parent", seed.Community11ID),
	"POST /units/:id/merge":                scoped("id", "unit").withForm("into", seed.Grid111ID),
	"POST /units/:id/delete":               scoped("id", "unit"),
	"POST /people/:id":                     scoped("id", "worker").withForm("name", "改名").withForm("role", "worker").withForm("unit", seed.Grid111ID),
	"POST /roster/deactivate":              scoped().withForm("id", "worker"),

	"GET /quiz":                            open(ownArea),
	"GET /quiz/questions/new":              open(form),
	"POST /quiz/questions":                 writes(createOwn),
	"GET /quiz/questions/:id":              scoped("id", "question"),
	"POST /quiz/questions/:id":             scoped("id", "question"),
	"POST /quiz/questions/:id/status":      scoped("id", "question").withForm("status", "retired"),
	"GET /quiz/import":                     open(form),
	"POST /quiz/import":                    writes(createOwn),
	"GET /quiz/template.:ext":              openAt("/quiz/template.xlsx", form),
	"GET /quiz/export.:ext":                openAt("/quiz/export.xlsx", ownArea),
	"GET /quiz/exams":                      open(ownArea),
	"GET /quiz/exams/new":                  open(form),
	"POST /quiz/exams":                     writes(createOwn),
	"GET /quiz/exams/:id":                  scoped("id", "exam"),
	"GET /quiz/exams/:id/export.xlsx":      scoped("id", "exam"),
	"GET /quiz/exams/:id/edit":             scoped("id", "exam"),
	"POST /quiz/exams/:id":                 scoped("id", "exam"),
	"POST /quiz/exams/:id/extend":          scoped("id", "exam").withForm("closesAt", "2027-01-01T08:00"),
	"POST /quiz/exams/:id/close":           scoped("id", "exam"),
	"POST /quiz/exams/:id/makeup":          scoped("id", "exam").withForm("opensAt", "2027-01-01T08:00").withForm("closesAt", "2027-01-02T08:00"),
	"GET /quiz/exams/:id/sample":           scoped("id", "exam"),
	"GET /exams":                           open(ownArea),
	"GET /exams/offline":                   public("the offline page of the exam pages holds nobody's data"),
	"GET /exams/:id":                       scoped("id", "exam"),
	"POST /exams/:id/start":                scoped("id", "exam"),
	"GET /exams/:id/sit":                   scoped("id", "exam"),
	"GET /attempts/:id":                    scoped("id", "finished"),
	"GET /practice":                        open(own),
	"GET /practice/question":               openAt("/practice/question?tag="+url.QueryEscape(westTag), "practice draws from the viewer's own bank"),
	"POST /practice/answer":                scoped().withForm("question", "question").withForm("answer", "A"),
	"GET /practice/feedback":               scoped().withQuery("q", "question"),
	"GET /practice/wrong":                  open(own),
	"GET /verify":                          public("anyone verifies a certificate by its code"),
	"GET /verify/:code":                    public("anyone verifies a certificate by its code; the holder's name is masked"),
	"GET /verify/:code/qr.png":             public("the QR code of a verification link"),
	"GET /certificates/:id":                scoped("id", "certificate"),
	"POST /certificates/:id/revoke":        scoped("id", "certificate").withForm("reason", "离职收回"),
	"POST /certificates/:id/reinstate":     scoped("id", "certificate").withForm("reason", "核实无误"),
	"GET /transcript":                      open(own),
	"GET /transcript/:worker":              scoped("worker", "worker"),
	"GET /transcript/:worker/export.xlsx":  scoped("worker", "worker"),
	"GET /certification":                   open(ownArea),
	"GET /certification/programs/new":      open(form),
	"POST /certification/programs":         writes(createOwn),
	"GET /certification/programs/:id/edit": scoped("id", "program"),
	"POST /certification/programs/:id":     scoped("id", "program"),
	"GET /certification/coverage":          scoped().withQuery("program", "program").withQuery("unit", "unit"),
	"GET /certification/holders":           scoped().withQuery("program", "program"),
	"POST /certification/issue":            scoped().withForm("program", "program").withForm("phone", "workerPhone").withForm("reason", "纸质考试通过"),
	"GET /certification/coverage.xlsx":     scoped().withQuery("program", "program").withQuery("unit", "unit"),
	"GET /certification/expiring":          scoped().withQuery("unit", "unit"),
	"GET /certification/expiring.xlsx":     scoped().withQuery("unit", "unit"),
	"GET /certification/refresher":         scoped().withQuery("unit", "unit"),
	"GET /certification/refresher.xlsx":    scoped().withQuery("unit", "unit"),

	"GET /media/:id":                             public("images are addressed by a digest of their content: only who has the link loads one"),
	"GET /learn":                                 open(ownArea),
	"GET /learn/record":                          scoped().withQuery("worker", "worker"),
	"GET /learn/handbook":                        scoped().withQuery("unit", "unit"),
	"GET /learn/:id":                             scoped("id", "module"),
	"GET /learn/:id/:lesson":                     scoped("id", "module", "lesson", "lesson"),
	"POST /learn/:id/:lesson/complete":           scoped("id", "module", "lesson", "lesson"),
	"GET /modules":                               open(ownArea),
	"GET /modules/new":                           open(form),
	"POST /modules":                              writes(createOwn),
	"GET /modules/:id":                           scoped("id", "module"),
	"POST /modules/:id":                          scoped("id", "module"),
	"POST /modules/:id/lessons":                  scoped("id", "module"),
	"GET /modules/:id/lessons/:lesson":           scoped("id", "module", "lesson", "lesson"),
	"POST /modules/:id/lessons/:lesson":          scoped("id", "module", "lesson", "lesson"),
	"POST /modules/:id/lessons/:lesson/move":     scoped("id", "module", "lesson", "lesson"),
	"POST /modules/:id/lessons/:lesson/delete":   scoped("id", "module", "lesson", "lesson"),
	"POST /modules/:id/images":                   scoped("id", "module"),
	"GET /modules/:id/preview":                   scoped("id", "module"),
	"POST /modules/:id/publish":                  scoped("id", "module"),
	"POST /modules/:id/duplicate":                scoped("id", "module"),
	"POST /modules/:id/assignments":              scoped("id", "module").withForm("unit", "unit"),
	"POST /modules/:id/assignments/:unit/delete": scoped("id", "module", "unit", "unit"),
	"GET /modules/:id/report.xlsx":               scoped("id", "module"),
	"GET /modules/:id/report":                    scoped("id", "module"),
	"GET /modules/:id/versions":                  scoped("id", "module"),
	"GET /modules/:id/progress":                  scoped("id", "module"),
	"GET /sessions":                              open(ownArea),
	"GET /sessions/new":                          open(form),
	"POST /sessions":                             writes(createOwn),
	"GET /sessions/template.:ext":                openAt("/sessions/template.xlsx", form),
	"GET /sessions/:id":                          scoped("id", "session"),
	"POST /sessions/signin":                      writes(createOwn),
	"POST /sessions/:id":                         scoped("id", "session").withForm("topic", "改").withForm("date", "2026-11-20").withForm("hours", "2").withForm("trainer", "某"),
	"POST /sessions/:id/delete":                  scoped("id", "session").withForm("reason", "录错了"),
	"GET /sessions/:id/qr.png":                   scoped("id", "session").withoutControl("the probe session has no QR sign-in open; TestSessionQRSignInThroughThePages reads one as its trainer"),
	"GET /checkin/:id":                           openAt("/checkin/s-0000000000000000", "a page with one button; it shows no session"),
	"POST /checkin/:id":                          scoped("id", "session").withForm("k", "forged"),

	"GET /practical":                        open(ownArea),
	"GET /practical/checklists/new":         open(form),
	"POST /practical/checklists":            writes(createOwn),
	"GET /practical/checklists/:id":         scoped("id", "checklist"),
	"POST /practical/checklists/:id/assign": scoped("id", "checklist").withForm("phones", westProbe.Phone).withForm("mentor", "13900000005").withForm("due", "2026-12-20"),
	"GET /tasks":                            open(own),
	"GET /tasks/:id":                        scoped("id", "task"),
	"POST /tasks/:id/submit":                scoped("id", "task"),
	"POST /tasks/:id/items/:item":           scoped("id", "task", "item", "item").withForm("note", "改写"),
	"POST /tasks/:id/items/:item/photos":    scoped("id", "task", "item", "item"),
	"POST /tasks/:id/items/:item/review":    scoped("id", "task", "item", "item").withForm("decision", "accept"),

	"GET /shadowing":                                    open(ownArea),
	"POST /shadowing":                                   writes(createOwn),
	"GET /shadowing/:id":                                scoped("id", "programme"),
	"GET /shadowing/:id/summary":                        scoped("id", "programme"),
	"GET /shadowing/:id/summary.xlsx":                   scoped("id", "programme"),
	"POST /shadowing/:id/pairings":                      scoped("id", "programme").withForm("participant", westCadre.Phone).withForm("host", westProbe2.Phone),
	"POST /shadowing/:id/pairings/:participant/signoff": scoped("id", "programme", "participant", "cadre"),
	"POST /shadowing/:id/reflection":                    scoped("id", "programme").withForm("reflection", "改写"),

	"GET /cases":                  open(ownArea),
	"GET /cases/new":              open(form),
	"POST /cases":                 writes(createOwn),
	"GET /cases/:id":              scoped("id", "case"),
	"POST /cases/:id/publish":     scoped("id", "case").withForm("title", "改写").withForm("happened", "改写").withForm("handling", "改写").withForm("tag", "fraud"),
	"POST /cases/:id/lesson":      scoped("id", "case").withForm("module", "module"),
	"POST /cases/:id/question":    scoped("id", "case"),
	"POST /guides":                scoped().withForm("case", "case").withForm("title", "指南"),
	"GET /guides/:id":             scoped("id", "guide"),
	"GET /guides/:id/export.xlsx": scoped("id", "guide"),

	"GET /rotation":                              open(ownArea),
	"POST /rotation":                             writes(createOwn),
	"GET /rotation/:id":                          scoped("id", "plan"),
	"POST /rotation/:id/batches":                 scoped("id", "plan").withForm("title", "第二期").withForm("start", "2026-11-01").withForm("end", "2026-11-30"),
	"POST /rotation/:id/batches/:batch/people":   scoped("id", "plan", "batch", "batch").withForm("phones", westProbe2.Phone),
	"POST /rotation/:id/batches/:batch/sessions": scoped("id", "plan", "batch", "batch").withForm("session", "session"),
	"POST /placements":                           scoped().withForm("worker", "worker").withForm("kind", "shadow").withForm("place", "服务中心").withForm("start", "2026-10-01").withForm("days", "3").withForm("rating", "4"),

	"GET /selection":                  open(ownArea),
	"POST /selection":                 writes(createOwn),
	"GET /selection/:id":              scoped("id", "selection"),
	"GET /selection/:id/honours":      scoped("id", "selection"),
	"POST /selection/:id/appraisals":  scoped("id", "selection").withForm("worker", "worker").withForm("score", "80"),
	"POST /selection/:id/nominations": scoped("id", "selection").withForm("holder", "worker").withForm("on", "1"),
	"POST /selection/:id/approve":     scoped("id", "selection"),

	"GET /contests":                                               open(ownArea),
	"POST /contests":                                              writes(createOwn),
	"GET /contests/:id":                                           scoped("id", "contest"),
	"GET /contests/:id/results":                                   scoped("id", "contest"),
	"GET /contests/:id/results.xlsx":                              scoped("id", "contest"),
	"POST /contests/:id/participants":                             scoped("id", "contest"),
	"POST /contests/:id/teams":                                    scoped("id", "contest"),
	"POST /contests/:id/captains":                                 scoped("id", "contest"),
	"POST /contests/:id/participants/import":                      scoped("id", "contest"),
	"POST /contests/:id/rounds":                                   scoped("id", "contest"),
	"POST /contests/:id/rounds/:round/questions":                  scoped("id", "contest", "round", "round"),
	"POST /contests/:id/rounds/:round/pick":                       scoped("id", "contest", "round", "round"),
	"POST /contests/:id/rounds/:round/tasks":                      scoped("id", "contest", "round", "round"),
	"POST /contests/:id/rounds/:round/judges":                     scoped("id", "contest", "round", "round"),
	"POST /contests/:id/rounds/:round/advance":                    scoped("id", "contest", "round", "round"),
	"POST /contests/:id/awards":                                   scoped("id", "contest"),
	"POST /contests/:id/online":                                   scoped("id", "contest"),
	"POST /contests/:id/rounds/:round/close":                      scoped("id", "contest", "round", "round"),
	"GET /contests/:id/print":                                     scoped("id", "contest"),
	"GET /contests/:id/certificates":                              scoped("id", "contest"),
	"POST /contests/:id/advance-from":                             scoped("id", "contest").withForm("from", "contest"),
	"POST /contests/:id/rounds/:round/criteria":                   scoped("id", "contest", "round", "round"),
	"POST /contests/:id/edit":                                     scoped("id", "contest"),
	"POST /contests/:id/delete":                                   scoped("id", "contest"),
	"POST /contests/:id/rounds/:round/edit":                       scoped("id", "contest", "round", "round"),
	"POST /contests/:id/rounds/:round/weight":                     scoped("id", "contest", "round", "round"),
	"POST /contests/:id/rounds/:round/delete":                     scoped("id", "contest", "round", "round"),
	"POST /contests/:id/rounds/:round/rehearsal":                  scoped("id", "contest", "round", "round"),
	"POST /contests/:id/rounds/:round/questions/:question/edit":   scoped("id", "contest", "round", "round", "question", "contestQuestion"),
	"POST /contests/:id/rounds/:round/questions/:question/delete": scoped("id", "contest", "round", "round", "question", "contestQuestion"),
	"POST /contests/:id/rounds/:round/questions/:question/move":   scoped("id", "contest", "round", "round", "question", "contestQuestion"),
	"POST /contests/:id/rounds/:round/tasks/:task/delete":         scoped("id", "contest", "round", "round", "task", "contestTask"),
	"GET /live/join":                                              scoped().withQuery("pin", "pin"),
	"GET /live/:id":                                               scoped("id", "contest"),
	"GET /live/:id/host":                                          scoped("id", "contest"),
	"GET /live/:id/screen":                                        scoped("id", "contest").withoutControl("opened by the screen key, which the test does not send (live tests)"),
	"GET /live/:id/qr.png":                                        scoped("id", "contest"),
	"GET /live/:id/events":                                        scoped("id", "contest").withoutControl("an event stream does not end (live tests)"),

	// Guest judges: invited by the contest's admins, signed in by code.
	"POST /contests/:id/guests":               scoped("id", "contest").withForm("round", "judgeRound"),
	"POST /contests/:id/guests/:guest/revoke": scoped("id", "contest", "guest", "guest"),
	"GET /judge":  public("the guest judges' sign-in page"),
	"POST /judge": public("guest judges sign in by code (contest tests)"),

	"POST /api/v1/auth/login":                            public("signing in"),
	"POST /api/v1/auth/logout":                           writes(own),
	"POST /api/v1/auth/password":                         writes(own),
	"GET /api/v1/me":                                     open(own),
	"GET /api/v1/units":                                  open(ownArea),
	"GET /api/v1/users":                                  scoped().withQuery("unit", "unit"),
	"POST /api/v1/users/:id/reset-password":              scoped("id", "worker"),
	"POST /api/v1/users/:id/active":                      scoped("id", "worker").with(J{"active": false}),
	"POST /api/v1/roster/import":                         writes("imports into the viewer's own area (people tests)"),
	"GET /api/v1/questions":                              openAt("/api/v1/questions?limit=200", ownArea),
	"POST /api/v1/questions/import":                      writes(createOwn),
	"GET /api/v1/exams":                                  open(ownArea),
	"POST /api/v1/exams":                                 writes(createOwn),
	"GET /api/v1/exams/:id/analysis":                     scoped("id", "exam"),
	"PUT /api/v1/users/:id":                              scoped("id", "worker").with(map[string]any{"name": "改名", "role": "worker", "unitId": seed.Grid111ID}),
	"POST /api/v1/users/deactivate":                      scoped().with(map[string]any{"ids": []string{westProbe.ID}}),
	"POST /api/v1/units/:id/rename":                      scoped("id", "unit").with(map[string]any{"name": "改名"}),
	"POST /api/v1/units/:id/move":                        scoped("id", "unit").with(map[string]any{"parentId": seed.Community11ID}),
	"POST /api/v1/units/:id/merge":                       scoped("id", "unit").with(map[string]any{"intoId": seed.Grid111ID}),
	"POST /api/v1/units/:id/delete":                      scoped("id", "unit"),
	"GET /api/v1/certificates/holders":                   scoped().withQuery("program", "program"),
	"POST /api/v1/certificates/issue":                    scoped().with(map[string]any{"programId": "west-probe-program", "workerId": westProbe.ID, "reason": "纸质考试通过"}),
	"POST /api/v1/certificates/:id/reinstate":            scoped("id", "certificate").with(map[string]any{"reason": "核实无误"}),
	"POST /api/v1/sessions/:id/checkin":                  scoped("id", "session").with(map[string]any{"key": "forged"}),
	"GET /api/v1/modules/:id/versions":                   scoped("id", "module"),
	"GET /api/v1/modules/:id/progress":                   scoped("id", "module"),
	"PUT /api/v1/exams/:id":                              scoped("id", "exam").with(map[string]any{"title": "改", "unitIds": []string{"unit-s1"}}),
	"POST /api/v1/exams/:id/extend":                      scoped("id", "exam").with(map[string]any{"closesAt": "2027-01-01T08:00:00Z"}),
	"POST /api/v1/exams/:id/close":                       scoped("id", "exam"),
	"POST /api/v1/exams/:id/makeup":                      scoped("id", "exam").with(map[string]any{"opensAt": "2027-01-01T08:00:00Z", "closesAt": "2027-01-02T08:00:00Z"}),
	"GET /api/v1/exams/:id/sample":                       scoped("id", "exam"),
	"POST /api/v1/exams/:id/attempts":                    scoped("id", "exam"),
	"GET /api/v1/attempts/:id":                           scoped("id", "attempt"),
	"PUT /api/v1/attempts/:id/answers/:questionId":       scoped("id", "attempt", "questionId", "question").with(J{"answer": "A", "seq": 1}),
	"POST /api/v1/attempts/:id/events":                   scoped("id", "attempt").with(J{"type": "hidden"}),
	"POST /api/v1/attempts/:id/submit":                   scoped("id", "attempt"),
	"GET /api/v1/certificates/verify/:code":              public("anyone verifies a certificate by its code; the holder's name is masked"),
	"GET /api/v1/certificates":                           open(own),
	"POST /api/v1/certificates/:id/revoke":               scoped("id", "certificate").with(J{"reason": "离职收回"}),
	"GET /api/v1/modules":                                open(ownArea),
	"POST /api/v1/modules":                               writes(createOwn),
	"GET /api/v1/modules/:id":                            scoped("id", "module"),
	"POST /api/v1/modules/:id/lessons":                   scoped("id", "module").with(J{"title": "课时", "markdown": "内容", "minutes": 5}),
	"POST /api/v1/modules/:id/publish":                   scoped("id", "module"),
	"POST /api/v1/modules/:id/assignments":               scoped("id", "module").with(J{"unitId": seed.Street1ID, "required": true}),
	"GET /api/v1/modules/:id/report":                     scoped("id", "module"),
	"POST /api/v1/modules/:id/lessons/:lesson/heartbeat": scoped("id", "module", "lesson", "lesson"),
	"POST /api/v1/modules/:id/lessons/:lesson/complete":  scoped("id", "module", "lesson", "lesson"),
	"POST /api/v1/media":                                 writes("uploads an image; images are addressed by their content"),
	"GET /api/v1/learning":                               open(own),
	"GET /api/v1/handbook":                               scoped().withQuery("unit", "unit"),
	"GET /api/v1/records/:id":                            scoped("id", "worker"),
	"POST /api/v1/sessions":                              writes(createOwn),

	"GET /api/v1/checklists":                    open(ownArea),
	"POST /api/v1/checklists":                   writes(createOwn),
	"GET /api/v1/checklists/:id":                scoped("id", "checklist"),
	"POST /api/v1/checklists/:id/tasks":         scoped("id", "checklist").with(J{"phones": []string{westProbe.Phone}, "mentor": "13900000005", "due": "2026-12-20"}),
	"GET /api/v1/tasks":                         open(own),
	"GET /api/v1/tasks/:id":                     scoped("id", "task"),
	"POST /api/v1/tasks/:id/submit":             scoped("id", "task"),
	"PUT /api/v1/tasks/:id/items/:item":         scoped("id", "task", "item", "item").with(J{"note": "改写"}),
	"POST /api/v1/tasks/:id/items/:item/photos": scoped("id", "task", "item", "item").withUpload(),
	"POST /api/v1/tasks/:id/items/:item/review": scoped("id", "task", "item", "item").with(J{"accept": true}),

	"GET /api/v1/shadowing":                                    open(ownArea),
	"POST /api/v1/shadowing":                                   writes(createOwn),
	"GET /api/v1/shadowing/:id":                                scoped("id", "programme"),
	"POST /api/v1/shadowing/:id/pairings":                      scoped("id", "programme").with(J{"participant": westCadre.Phone, "host": westProbe2.Phone}),
	"POST /api/v1/shadowing/:id/pairings/:participant/signoff": scoped("id", "programme", "participant", "cadre"),
	"POST /api/v1/shadowing/:id/reflection":                    scoped("id", "programme").with(J{"reflection": "改写"}),

	"GET /api/v1/cases":              open(ownArea),
	"POST /api/v1/cases":             writes(createOwn),
	"GET /api/v1/cases/:id":          scoped("id", "case"),
	"POST /api/v1/cases/:id/publish": scoped("id", "case").with(J{"title": "改写", "happened": "改写", "handling": "改写", "tags": []string{"fraud"}}),
	"POST /api/v1/guides":            writes(createOwn),
	"GET /api/v1/guides/:id":         scoped("id", "guide"),

	"GET /api/v1/rotation":                              open(ownArea),
	"POST /api/v1/rotation":                             writes(createOwn),
	"GET /api/v1/rotation/:id":                          scoped("id", "plan"),
	"POST /api/v1/rotation/:id/batches":                 scoped("id", "plan").with(J{"title": "第二期", "start": "2026-11-01", "end": "2026-11-30"}),
	"POST /api/v1/rotation/:id/batches/:batch/people":   scoped("id", "plan", "batch", "batch").with(J{"phones": []string{westProbe2.Phone}}),
	"POST /api/v1/rotation/:id/batches/:batch/sessions": scoped("id", "plan", "batch", "batch").with(J{"session": "s-none"}),
	"POST /api/v1/placements":                           scoped().with(J{"worker": westProbe.ID, "kind": "shadow", "place": "服务中心", "start": "2026-10-01", "days": 3, "rating": 4}),
	"GET /api/v1/records/:id/placements":                scoped("id", "worker"),

	"GET /api/v1/selection":                  open(ownArea),
	"POST /api/v1/selection":                 writes(createOwn),
	"GET /api/v1/selection/:id":              scoped("id", "selection"),
	"POST /api/v1/selection/:id/appraisals":  scoped("id", "selection").with(J{"worker": westProbe.ID, "score": 80}),
	"POST /api/v1/selection/:id/nominations": scoped("id", "selection").with(J{"holder": westProbe.ID, "on": true}),
	"POST /api/v1/selection/:id/approve":     scoped("id", "selection"),

	"POST /api/v1/contests":                             writes(createOwn),
	"GET /api/v1/contests/:id":                          scoped("id", "contest"),
	"GET /api/v1/contests/:id/standings":                scoped("id", "contest"),
	"POST /api/v1/contests/:id/participants":            scoped("id", "contest").with(J{"units": []string{seed.Grid111ID}}),
	"POST /api/v1/contests/:id/teams":                   scoped("id", "contest"),
	"POST /api/v1/contests/:id/captains":                scoped("id", "contest").with(J{"captains": J{"t1": seed.WorkerID}}),
	"POST /api/v1/contests/:id/participants/import":     scoped("id", "contest").withUpload(),
	"POST /api/v1/contests/:id/rounds":                  scoped("id", "contest").with(J{"title": "轮次", "kind": "speed", "readSec": 5, "answerSec": 10}),
	"POST /api/v1/contests/:id/rounds/:round/questions": scoped("id", "contest", "round", "round").with(J{"stem": "题干", "type": "single", "options": []J{{"key": "A", "text": "甲"}, {"key": "B", "text": "乙"}}, "correct": []string{"A"}, "points": 100, "limitSec": 20}),
	"POST /api/v1/contests/:id/rounds/:round/tasks":     scoped("id", "contest", "round", "round").with(J{"title": "任务", "performerId": seed.WorkerID}),
	"POST /api/v1/contests/:id/rounds/:round/judges":    scoped("id", "contest", "round", "round").with(J{"phones": []string{seed.DemoLogins()[2].Phone}}),
	"POST /api/v1/contests/:id/rounds/:round/advance":   scoped("id", "contest", "round", "round").with(J{"from": "r1", "top": 1}),
	"POST /api/v1/contests/:id/advance-from":            scoped("id", "contest").with(J{"from": "c-000000000000", "top": 1}),
	"POST /api/v1/contests/:id/awards":                  scoped("id", "contest"),
	"GET /api/v1/contests/:id/rounds/:round/answers":    scoped("id", "contest", "round", "round"),
	"POST /api/v1/contests/:id/rounds/:round/close":     scoped("id", "contest", "round", "round"),
	"POST /api/v1/live/:id/host":                        scoped("id", "contest").with(J{"action": "start", "round": "r1"}),
	"POST /api/v1/live/:id/join":                        scoped("id", "contest"),
	"POST /api/v1/live/:id/answer":                      scoped("id", "contest").with(J{"item": 0, "answer": []string{"A"}}),
	"POST /api/v1/live/:id/ping":                        scoped("id", "contest"),
	"POST /api/v1/live/:id/buzz":                        scoped("id", "contest").with(J{"item": 0}),
	"POST /api/v1/live/:id/stake":                       scoped("id", "contest").with(J{"item": 0, "stake": 100}),
	"POST /api/v1/live/:id/score":                       scoped("id", "contest").with(J{"item": 0, "score": 8.5}),

	// The contest editor's changes and guest judges through the API.
	"POST /api/v1/auth/judge":                                          public("guest judges sign in by code (contest tests)"),
	"PUT /api/v1/contests/:id":                                         scoped("id", "contest").with(J{"title": "改名", "teamMethod": "mean"}),
	"DELETE /api/v1/contests/:id":                                      scoped("id", "contest"),
	"PUT /api/v1/contests/:id/rounds/:round":                           scoped("id", "contest", "round", "round").with(J{"title": "改名", "answerSec": 10}),
	"DELETE /api/v1/contests/:id/rounds/:round":                        scoped("id", "contest", "round", "round"),
	"PUT /api/v1/contests/:id/rounds/:round/questions/:question":       scoped("id", "contest", "round", "round", "question", "contestQuestion").with(J{"stem": "题干", "type": "single", "options": []J{{"key": "A", "text": "甲"}, {"key": "B", "text": "乙"}}, "correct": []string{"A"}, "points": 100, "limitSec": 20}),
	"DELETE /api/v1/contests/:id/rounds/:round/questions/:question":    scoped("id", "contest", "round", "round", "question", "contestQuestion"),
	"POST /api/v1/contests/:id/rounds/:round/questions/:question/move": scoped("id", "contest", "round", "round", "question", "contestQuestion").with(J{"by": 1}),
	"PUT /api/v1/contests/:id/rounds/:round/tasks/:task":               scoped("id", "contest", "round", "round", "task", "contestTask").with(J{"title": "任务", "performerId": seed.WorkerID}),
	"DELETE /api/v1/contests/:id/rounds/:round/tasks/:task":            scoped("id", "contest", "round", "round", "task", "contestTask"),
	"POST /api/v1/contests/:id/guests":                                 scoped("id", "contest").with(J{"round": "r2", "name": "来访评委"}),
	"POST /api/v1/contests/:id/guests/:guest/revoke":                   scoped("id", "contest", "guest", "guest"),
}

// J is a JSON object in a rule.
type J = map[string]any

// westTag is the tag of 西山街道's own question.
const westTag = "西岭专属"

// westRecords are records of 西山街道: their ids, and texts that only they hold.
type westRecords struct {
	ids     map[string]string
	markers []string
	// districtExam is a district-wide exam that a 西山 worker has finished.
	districtExam string
	// finished is the attempt a 西山 worker finished at districtExam.
	finished string
}

// viewer is someone outside 西山街道 making requests.
type viewer struct {
	name    string
	token   string   // empty for anonymous
	browser *browser // signed in, for form posts
	// formPage is a page the viewer opens, for a form token: the password
	// page when empty.
	formPage string
}

func TestEveryRouteKeepsOtherStreetsOut(t *testing.T) {
	r := scopeRig(t)
	west := r.westRecords()
	viewers := r.eastViewers()
	westViewers := r.viewers(westLogins)
	routes := r.srv.App.GetRoutes(true)
	seen := map[string]bool{}
	for _, rt := range routes {
		if rt.Method == http.MethodHead {
			continue
		}
		name := rt.Method + " " + rt.Path
		if seen[name] {
			continue
		}
		seen[name] = true
		rule, ok := scopeRoutes[name]
		if !ok {
			t.Errorf("%s has no entry in scopeRoutes: name which of another street's records each id takes, or why it takes none", name)
			continue
		}
		if rule.public != "" || rule.writes != "" {
			continue
		}
		if rule.open != "" && rt.Method != http.MethodGet {
			t.Errorf("%s: only a GET can be checked as open", name)
			continue
		}
		t.Run(strings.ReplaceAll(name, "/", "_"), func(t *testing.T) {
			for _, path := range rule.paths(t, rt.Path, west) {
				for _, v := range viewers {
					resp, body := r.send(v, rt.Method, path, rule, west)
					r.checkAnswer(t, v, rule, rt.Method+" "+path, resp, body, west.markers)
				}
				if rule.open == "" && rt.Method == http.MethodGet && rule.uncontrolled == "" {
					r.checkSomeoneReads(t, westViewers, path)
				}
			}
		})
	}
	for name := range scopeRoutes {
		if !seen[name] {
			t.Errorf("scopeRoutes lists %s, which the app does not serve", name)
		}
	}
	// Lists read without an id, and searches, hold nothing of 西山街道 either.
	for _, path := range []string{"/roster", "/roster?q=" + url.QueryEscape("西岭"), "/api/v1/users?limit=200&q=" + url.QueryEscape("西岭"),
		"/api/v1/questions?limit=200&tag=" + url.QueryEscape(westTag), "/practice/question?mode=daily", "/practice/question?mode=wrong",
		"/certification/coverage?program=west-probe-program", "/certification/expiring?days=366", "/certification/expiring.xlsx?days=366", "/certification/refresher"} {
		for _, v := range viewers {
			resp, body := r.send(v, "GET", path, routeRule{}, west)
			r.checkAnswer(t, v, open(ownArea), "GET "+path, resp, body, west.markers)
		}
	}
}

func TestDistrictExamShowsEachStreetOnlyItsOwn(t *testing.T) {
	r := scopeRig(t)
	west := r.westRecords()
	for _, v := range r.eastViewers() {
		for _, path := range []string{"/quiz/exams/" + west.districtExam, "/attempts/" + west.finished, "/api/v1/attempts/" + west.finished} {
			resp, body := r.send(v, "GET", path, routeRule{}, west)
			if resp.StatusCode >= 500 {
				t.Fatalf("%s GET %s: %d", v.name, path, resp.StatusCode)
			}
			for _, m := range west.markers {
				if strings.Contains(body, m) {
					t.Errorf("%s GET %s: the answer holds %q of 西山街道", v.name, path, m)
				}
			}
		}
	}
	// The same pages do show the street's own people to its admin.
	admin := r.token("13900000005")
	resp, body := r.do(jsonReq("GET", "/quiz/exams/"+west.districtExam, admin, nil))
	if resp.StatusCode != 200 || !strings.Contains(body, "西岭测试员") {
		t.Fatalf("西山街道's admin on the district exam: %d, their worker listed %v", resp.StatusCode, strings.Contains(body, "西岭测试员"))
	}
	resp, _ = r.do(jsonReq("GET", "/api/v1/attempts/"+west.finished, admin, nil))
	if resp.StatusCode != 200 {
		t.Fatalf("西山街道's admin reading their worker's attempt: %d", resp.StatusCode)
	}
}

func TestDistrictModuleReportShowsEachStreetOnlyItsOwn(t *testing.T) {
	r := scopeRig(t)
	west := r.westRecords()
	trainer, err := r.people.User(ctx(t), seed.TrainerID)
	if err != nil {
		t.Fatal(err)
	}
	mods, err := r.srv.courses.Visible(ctx(t), trainer)
	if err != nil || len(mods) == 0 || mods[0].Published == nil {
		t.Fatalf("no published district module (%v)", err)
	}
	id := mods[0].ID
	paths := []string{"/modules/" + id + "/report", "/modules/" + id + "/report.xlsx", "/api/v1/modules/" + id + "/report"}
	markers := append(slices.Clone(west.markers), "西山街道", "枫林社区")
	for _, v := range r.eastViewers() {
		for _, path := range paths {
			resp, body := r.send(v, "GET", path, routeRule{}, west)
			r.checkAnswer(t, v, open(ownArea), "GET "+path, resp, body, markers)
		}
	}
	resp, body := r.do(jsonReq("GET", paths[2], r.token("13900000005"), nil))
	if resp.StatusCode != 200 || !strings.Contains(body, "枫林社区") {
		t.Fatalf("西山街道's admin on a district module's report: %d, their community listed %v", resp.StatusCode, strings.Contains(body, "枫林社区"))
	}
}

// paths builds the request paths of a route from 西山街道's records: one per
// alternative record of a parameter.
func (rule routeRule) paths(t *testing.T, pattern string, west westRecords) []string {
	t.Helper()
	if rule.path != "" {
		return []string{rule.path}
	}
	paths := []string{pattern}
	for param, record := range rule.ids {
		var next []string
		for _, id := range strings.Fields(west.ids[record]) {
			for _, p := range paths {
				next = append(next, strings.Replace(p, ":"+param, url.PathEscape(id), 1))
			}
		}
		if len(next) == 0 {
			t.Fatalf("%s: no record %q", pattern, record)
		}
		paths = next
	}
	for _, p := range paths {
		if strings.Contains(p, "/:") {
			t.Fatalf("%s: a parameter has no record in its rule", p)
		}
	}
	if len(rule.query) > 0 {
		q := url.Values{}
		for field, record := range rule.query {
			q.Set(field, west.ids[record])
		}
		for i := range paths {
			paths[i] += "?" + q.Encode()
		}
	}
	return paths
}

// formOf is the form (or JSON object) a write route is sent.
func (rule routeRule) formOf(west westRecords) url.Values {
	f := url.Values{}
	for field, record := range rule.form {
		v, ok := west.ids[record]
		if !ok {
			v = record
		}
		f.Set(field, v)
	}
	return f
}

// send makes one request as the viewer: a Bearer token for reads and the
// API, the signed-in browser with its form token for form posts.
func (r *rig) send(v viewer, method, path string, rule routeRule, west westRecords) (*http.Response, string) {
	r.t.Helper()
	api := strings.HasPrefix(path, "/api/")
	form := rule.formOf(west)
	switch {
	case rule.upload:
		return r.do(uploadReq(path, v.token, "名单.csv", []byte("姓名,手机号\n张晓婷,13900000004\n")))
	case method == http.MethodGet:
		return r.do(jsonReq(method, path, v.token, nil))
	case api:
		body := rule.body
		if body == nil {
			body = J{}
		}
		return r.do(jsonReq(method, path, v.token, body))
	case v.browser == nil:
		req := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r.do(req)
	}
	from := "/account/password"
	if v.formPage != "" {
		from = v.formPage
	}
	return v.browser.post(from, path, form)
}

// uploadReq posts a file as a multipart form with an optional Bearer token.
func uploadReq(path, token, filename string, data []byte) *http.Request {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", filename)
	_, _ = fw.Write(data)
	_ = w.Close()
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// checkAnswer checks one answer: no server error and none of 西山街道's data;
// for a scoped route a refusal (sign-in first, for anonymous).
func (r *rig) checkAnswer(t *testing.T, v viewer, rule routeRule, req string, resp *http.Response, body string, markers []string) {
	t.Helper()
	status := resp.StatusCode
	if status >= 500 {
		t.Errorf("%s %s: %d %.200s", v.name, req, status, body)
		return
	}
	text := readable(body)
	for _, m := range markers {
		if strings.Contains(text, m) {
			t.Errorf("%s %s: %d, the answer holds %q of 西山街道", v.name, req, status, m)
		}
	}
	if rule.open != "" {
		return
	}
	refused := status == http.StatusForbidden || status == http.StatusNotFound
	if v.token == "" {
		login := status == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login")
		refused = refused || status == http.StatusUnauthorized || login
	}
	if !refused {
		t.Errorf("%s %s: %d %.200s; want 403 or 404", v.name, req, status, text)
	}
}

// readable is the text of an answer: the cells of a spreadsheet, else the body.
func readable(body string) string {
	if !strings.HasPrefix(body, "PK") {
		return body
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		return body
	}
	defer f.Close()
	var b strings.Builder
	for _, sh := range f.GetSheetList() {
		rows, _ := f.GetRows(sh)
		for _, row := range rows {
			b.WriteString(strings.Join(row, "\t"))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// scopeRig is the rig with every service wired: certification over fake
// records, and contests.
func scopeRig(t *testing.T) *certRig {
	t.Helper()
	cr := newCertRig(t)
	cs := contest.NewService(cr.db, cr.people, cr.srv.quiz, cr.clock, nil)
	if err := cs.Load(ctx(t)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cs.Close)
	cr.srv.contest = cs
	return cr
}

// The other area's probe accounts: two workers of 西山街道 and a district
// admin of another district.
var (
	westGrid   = people.Unit{ID: "unit-s2-c1-g1", Name: "第一网格", Kind: people.Grid, ParentID: "unit-s2-c1", Path: []string{seed.DistrictID, seed.Street2ID, "unit-s2-c1", "unit-s2-c1-g1"}}
	otherDist  = people.Unit{ID: "unit-x", Name: "江北区", Kind: people.District, Path: []string{"unit-x"}}
	westProbe  = people.User{ID: "user-west-probe", Phone: "13955550001", Name: "西岭测试员", Role: people.Worker, UnitID: westGrid.ID, UnitPath: westGrid.Path, Active: true}
	westProbe2 = people.User{ID: "user-west-probe-2", Phone: "13955550002", Name: "西岭答题员", Role: people.Worker, UnitID: westGrid.ID, UnitPath: westGrid.Path, Active: true}
	westCadre  = people.User{ID: "user-west-cadre", Phone: "13955550003", Name: "西岭跟岗员", Role: people.Cadre, UnitID: seed.Street2ID, UnitPath: []string{seed.DistrictID, seed.Street2ID}, Active: true}
	eastCadre  = people.User{ID: "user-east-cadre", Phone: "13955550004", Name: "东湖跟岗员", Role: people.Cadre, UnitID: seed.Street1ID, UnitPath: []string{seed.DistrictID, seed.Street1ID}, Active: true}
	otherAdmin = people.User{ID: "user-x-admin", Phone: "13955550009", Name: "江北管理员", Role: people.DistrictAdmin, UnitID: otherDist.ID, UnitPath: otherDist.Path, Active: true}
)

type login struct{ name, phone string }

// westLogins are 西山街道's own people: its admin, a trainer and the two
// probe workers.
var westLogins = []login{{"WestStreetAdmin", "13900000005"}, {"WestTrainer", "13900000008"}, {"WestWorker", westProbe.Phone}, {"WestWorker2", westProbe2.Phone}}

// eastViewers are a worker, a trainer and the admin of 东湖街道, a district
// admin of another district, and someone not signed in.
func (r *rig) eastViewers() []viewer {
	r.t.Helper()
	out := r.viewers([]login{
		{"EastWorker", seed.DemoLogins()[3].Phone}, {"EastTrainer", "13900000007"}, {"EastStreetAdmin", seed.DemoLogins()[1].Phone}, {"OtherDistrictAdmin", otherAdmin.Phone},
		{"EastCadre", eastCadre.Phone},
	})
	return append(out, r.eastGuestJudge(), viewer{name: "Anonymous"})
}

// viewers signs each in, by the API and in a browser.
func (r *rig) viewers(logins []login) []viewer {
	r.t.Helper()
	var out []viewer
	for _, l := range logins {
		b := r.browser()
		b.signIn(l.phone, seed.DemoPassword)
		out = append(out, viewer{name: l.name, token: r.token(l.phone), browser: b})
	}
	return out
}

// checkSomeoneReads checks that someone of 西山街道 reads the path: the
// records the test sends are real, so a refusal is the scope check's doing.
func (r *rig) checkSomeoneReads(t *testing.T, west []viewer, path string) {
	t.Helper()
	var got []string
	for _, v := range west {
		resp, _ := r.send(v, http.MethodGet, path, routeRule{}, westRecords{})
		loc := resp.Header.Get("Location")
		if resp.StatusCode < 300 || resp.StatusCode < 400 && !strings.HasPrefix(loc, "/login") {
			return
		}
		got = append(got, v.name+":"+strconv.Itoa(resp.StatusCode))
	}
	t.Errorf("GET %s: nobody of 西山街道 reads it (%s); the record the test sends may not exist", path, strings.Join(got, " "))
}

// westRecords makes one of each kind of record in 西山街道, through the services
// as its own admin and trainer would.
func (r *certRig) westRecords() westRecords {
	t := r.t
	t.Helper()
	c := ctx(t)
	if err := r.people.Seed(c, []people.Unit{otherDist}, []people.User{westProbe, westProbe2, otherAdmin, westCadre, eastCadre}, seed.DemoPassword); err != nil {
		t.Fatal(err)
	}
	user := func(id string) people.User {
		u, err := r.people.User(c, id)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	westAdmin, westTrainer, districtTrainer := user("user-street-admin-2"), user("user-trainer-3"), user(seed.TrainerID)
	probe, probe2 := user(westProbe.ID), user(westProbe2.ID)
	w := westRecords{ids: map[string]string{"worker": probe.ID, "workerPhone": probe.Phone, "unit": westGrid.ID, "tag": westTag}}
	w.markers = []string{probe.Name, probe.Phone, probe2.Name, probe2.Phone, "枫林社区", "石泉社区"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	// Exams: 西山's own, and the district's, with a finished and an open attempt.
	window := func(e quiz.Exam) quiz.Exam {
		e.OpensAt, e.ClosesAt, e.Duration, e.PassMark, e.MaxAttempts = r.clock.Now(), r.clock.Now().Add(48*time.Hour), 10*time.Minute, 60, 1
		e.Rules = []quiz.Rule{{Tag: "反诈", Count: 3}}
		return e
	}
	westExam, err := r.quiz.CreateExam(c, westAdmin, window(quiz.Exam{Title: "西岭专属考试", UnitIDs: []string{seed.Street2ID}}))
	must(err)
	distExam, err := r.quiz.CreateExam(c, districtTrainer, window(quiz.Exam{Title: "全区反诈测验", UnitIDs: []string{seed.DistrictID}}))
	must(err)
	w.districtExam = distExam.ID
	p, _, err := r.quiz.Start(c, probe, distExam.ID)
	must(err)
	_, err = r.quiz.Submit(c, probe, p.AttemptID)
	must(err)
	open, _, err := r.quiz.Start(c, probe2, distExam.ID)
	must(err)
	q, err := r.quiz.Create(c, westTrainer, quiz.Question{Type: scoring.Single, Stem: "西岭专属题目：独居老人家中燃气报警，网格员应当？",
		Options: []quiz.Option{{Key: "A", Text: "立即上门并报告"}, {Key: "B", Text: "下次巡查再说"}}, Correct: []string{"A"},
		Explanation: "西岭专属解析", Tags: []string{westTag}, Difficulty: 1})
	must(err)
	w.ids["exam"], w.ids["attempt"], w.ids["question"] = westExam.ID, p.AttemptID+" "+open.AttemptID, q.ID
	w.finished, w.ids["finished"] = p.AttemptID, p.AttemptID
	w.markers = append(w.markers, westExam.Title, "西岭专属题目", "西岭专属解析")

	// A module with a lesson, published and assigned to 西山, and a session.
	m, err := r.srv.courses.CreateModule(c, westTrainer, courses.ModuleInput{Title: "西岭专属课程", Category: courses.AntiFraud, Summary: "西岭专属简介", Minutes: 10})
	must(err)
	l, err := r.srv.courses.AddLesson(c, westTrainer, m.ID, courses.LessonInput{Title: "西岭专属课时", Markdown: "西岭专属内容", Minutes: 5})
	must(err)
	_, err = r.srv.courses.Publish(c, westTrainer, m.ID, "首版", true)
	must(err)
	_, err = r.srv.courses.Assign(c, westTrainer, m.ID, seed.Street2ID, true, time.Time{})
	must(err)
	sess, err := r.srv.courses.RecordSession(c, westTrainer, courses.SessionInput{Topic: "西岭专属培训", Date: "2026-11-20", Place: "西岭会议室", Trainer: "罗立新", Hours: 2},
		[]courses.SignInRow{{Line: 1, Name: probe.Name, Phone: probe.Phone}})
	must(err)
	w.ids["module"], w.ids["lesson"], w.ids["session"] = m.ID, l.ID, sess.ID
	w.markers = append(w.markers, "西岭专属课程", "西岭专属简介", "西岭专属课时", "西岭专属内容", "西岭专属培训", "西岭会议室")

	// A practical checklist of 西山, assigned to the probe with 西山's admin as
	// mentor, recorded and submitted.
	cl, err := r.srv.practical.CreateChecklist(c, westTrainer, practical.ChecklistInput{Title: "西岭专属清单", Hours: 2,
		Items: []practical.ItemInput{{Heading: "西岭分组", Description: "西岭专属任务项", Evidence: []practical.Evidence{practical.Note}, Times: 1}}})
	must(err)
	tasks, err := r.srv.practical.Assign(c, westAdmin, cl.ID, practical.AssignInput{Phones: []string{probe.Phone}, Mentor: westAdmin.Phone, Due: "2026-12-20"})
	must(err)
	_, err = r.srv.practical.SaveEntry(c, probe, tasks[0].ID, "i1", practical.EntryInput{Note: "西岭专属记录"})
	must(err)
	_, err = r.srv.practical.Submit(c, probe, tasks[0].ID)
	must(err)
	w.ids["checklist"], w.ids["task"], w.ids["item"] = cl.ID, tasks[0].ID, "i1"
	w.markers = append(w.markers, "西岭专属清单", "西岭专属任务项", "西岭专属记录")
	// A shadowing day of 西山: its cadre shadows the probe and reflects.
	day, err := r.srv.practical.CreateProgramme(c, westAdmin, practical.ProgrammeInput{Title: "西岭跟岗日", Date: "2026-12-01", ChecklistID: cl.ID, Prompt: "西岭专属提问"})
	must(err)
	_, err = r.srv.practical.Pair(c, westAdmin, day.ID, westCadre.Phone, probe.Phone)
	must(err)
	_, err = r.srv.practical.Reflect(c, user(westCadre.ID), day.ID, "西岭专属心得")
	must(err)
	w.ids["programme"], w.ids["cadre"] = day.ID, westCadre.ID
	// A case of 西山, published by its trainer, and a guide of it.
	cs, err := r.srv.cases.Submit(c, probe, cases.Input{Title: "西岭专属案例", Happened: "西岭专属经过", Handling: "西岭专属处置", Tags: []cases.Tag{cases.Dispute}})
	must(err)
	_, err = r.srv.cases.Publish(c, westTrainer, cs.ID, cases.Input{Title: "西岭专属案例", Happened: "西岭专属经过", Handling: "西岭专属处置", Tags: []cases.Tag{cases.Dispute}})
	must(err)
	guide, err := r.srv.cases.CreateGuide(c, westTrainer, "西岭专属指南", "", []string{cs.ID})
	must(err)
	w.ids["case"], w.ids["guide"] = cs.ID, guide.ID
	// A rotation plan of 西山 with the probe scheduled and placed.
	plan, err := r.srv.rotation.CreatePlan(c, westAdmin, rotation.PlanInput{Title: "西岭专属轮训", CycleStart: "2026-01-01", CycleEnd: "2026-12-31"})
	must(err)
	_, err = r.srv.rotation.AddBatch(c, westAdmin, plan.ID, rotation.BatchInput{Title: "西岭第一期", Start: "2026-11-01", End: "2026-11-30"})
	must(err)
	_, err = r.srv.rotation.Schedule(c, westAdmin, plan.ID, "b1", []string{probe.Phone})
	must(err)
	_, err = r.srv.rotation.RecordPlacement(c, westAdmin, probe.ID, rotation.PlacementInput{Kind: rotation.Shadow, Place: "西岭服务中心", Start: "2026-10-01", Days: 5, Evaluation: "西岭专属评价", Rating: 5})
	must(err)
	w.ids["plan"], w.ids["batch"] = plan.ID, "b1"
	// A selection of 西山 with the probe appraised and nominated.
	sel, err := r.srv.selection.Create(c, westAdmin, selection.Input{Title: "西岭专属评选", Year: 2026, Weights: []scoring.Weight{{Criterion: scoring.CritAppraisal, Weight: 100}}})
	must(err)
	must(r.srv.selection.Appraise(c, westAdmin, sel.ID, probe.ID, 88))
	must(r.srv.selection.Nominate(c, westAdmin, sel.ID, probe.ID, true))
	w.ids["selection"] = sel.ID
	w.markers = append(w.markers, "西岭专属评选")
	w.markers = append(w.markers, "西岭专属轮训", "西岭第一期", "西岭服务中心", "西岭专属评价")
	w.markers = append(w.markers, "西岭专属案例", "西岭专属经过", "西岭专属处置", "西岭专属指南")
	w.markers = append(w.markers, "西岭跟岗日", "西岭专属提问", "西岭专属心得", westCadre.Name)

	// A contest of 西山's grid with a live round.
	admin := r.token(westAdmin.Phone)
	var ct contestJSON
	r.call("POST", "/api/v1/contests", admin, contestCreateRequest{Title: "西岭街道技能大比武"}, 201, &ct)
	r.call("POST", "/api/v1/contests/"+ct.ID+"/participants", admin, participantsRequest{Units: []string{westGrid.ID}}, 200, &ct)
	r.call("POST", "/api/v1/contests/"+ct.ID+"/rounds", admin, roundRequest{Title: "西岭必答题", Kind: contest.Speed, ReadSec: 5, AnswerSec: 10}, 201, &ct)
	round := ct.Rounds[0].ID
	r.call("POST", "/api/v1/contests/"+ct.ID+"/rounds/"+round+"/questions", admin, questionRequest{Stem: "西岭专属赛题：发现诈骗线索应当？", Type: "single", Points: 100, LimitSec: 20,
		Options: []contest.Option{{Key: "A", Text: "报告"}, {Key: "B", Text: "不管"}}, Correct: []string{"A"}}, 201, &ct)
	w.ids["contest"], w.ids["round"], w.ids["pin"] = ct.ID, round, ct.PIN
	w.ids["contestQuestion"], w.ids["contestTask"] = ct.Rounds[0].Questions[0].ID, "t1"
	w.markers = append(w.markers, "西岭街道技能大比武", "西岭必答题", "西岭专属赛题")
	// Its judge round, with a guest judge.
	jc, err := r.srv.contest.AddRound(c, westAdmin, ct.ID, contest.Round{Title: "西岭情景模拟", Kind: contest.Judge})
	must(err)
	judgeRound := jc.Rounds[len(jc.Rounds)-1].ID
	inv, err := r.srv.contest.InviteGuest(c, westAdmin, ct.ID, judgeRound, "西岭特邀评委")
	must(err)
	w.ids["judgeRound"], w.ids["guest"] = judgeRound, inv.Guest.ID
	w.markers = append(w.markers, "西岭情景模拟", "西岭特邀评委")

	// A certification program of 西山 and the probe's certificate.
	must(r.svc.SeedProgram(c, certify.Program{ID: "west-probe-program", Name: "西岭专属证书", IssuerID: seed.Street2ID, ValidityMonths: 24,
		Requirements: scoring.Requirements{Modules: []scoring.ModuleReq{{ModuleID: "m-fraud", MinVersion: 1}}, Exams: []scoring.ExamReq{{ExamID: "e-fraud", MinScore: 60}}}}))
	held := r.certify(probe.ID)
	w.ids["certificate"], w.ids["program"] = held.ID, "west-probe-program"
	w.markers = append(w.markers, "西岭专属证书", held.Number, held.Code)
	slices.Sort(w.markers)
	return w
}
