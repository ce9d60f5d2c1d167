package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/contest"
	"gridskill/people"
	"gridskill/scoring"
)

// contestListPage lists an admin's contests with the form to start one.
type contestListPage struct {
	Page
	Contests []contest.Contest
	Form     contestCreateRequest
}

// contestList is GET /contests.
func (s *Server) contestList(c *fiber.Ctx) error {
	return s.renderContestList(c, contestListPage{Page: s.page(c, "Competitions")})
}

func (s *Server) renderContestList(c *fiber.Ctx, p contestListPage) error {
	u, _ := currentUser(c)
	list, err := s.contest.Managed(c.UserContext(), u)
	if err != nil {
		return err
	}
	p.Contests = list
	return c.Render("contest/list", p, "layouts/main")
}

// contestCreate is POST /contests.
func (s *Server) contestCreate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	form := contestCreateRequest{Title: c.FormValue("title"), Description: c.FormValue("description"), Streak: c.FormValue("streak") == "1",
		FalseStart: c.FormValue("falseStart"), TeamMethod: scoring.TeamMethod(c.FormValue("teamMethod")), TeamN: atoi(c.FormValue("teamN"))}
	ct, err := s.contest.Create(c.UserContext(), u, contest.Contest{Title: form.Title, Description: form.Description, Streak: form.Streak, FalseStart: form.FalseStart,
		TeamRule: scoring.TeamRule{Method: form.TeamMethod, N: form.TeamN}})
	if err != nil {
		p := contestListPage{Page: s.page(c, "Competitions"), Form: form}
		if perr := p.problem(err); perr != nil {
			return perr
		}
		return s.renderContestList(c, p)
	}
	return c.Redirect("/contests/"+ct.ID, fiber.StatusSeeOther)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

// contestPage is the contest editor: participants, teams, rounds and their
// questions, the live links, results and awards.
type contestPage struct {
	Page
	Contest   contest.Contest
	Units     []people.Unit
	Kinds     []contest.Kind
	ScreenURL string
	LiveRound string
	LivePhase string
	Standings contest.Standings
	Awards    []contest.AwardRecord
	Banked    bool
	Audit     []contest.AuditEntry
	Rehearsal bool
	// Sources are the other contests of the area entrants can come from;
	// Feeds the contests that took entrants from this one.
	Sources []contest.Contest
	Feeds   []contest.Feed
	// Guests are the contest's guest judges and their invitations.
	Guests []contest.Guest
	// judges names the accounts of the contest's panels.
	judges map[string]string
	now    time.Time
}

// GuestState is the catalogue id of where a guest judge's invitation stands.
func (p contestPage) GuestState(g contest.Guest) string { return guestStates[g.State(p.now)] }

var guestStates = map[string]string{"revoked": "Revoked", "joined": "Joined", "expired": "Code expired", "waiting": "Waiting for the code"}

// DateTime formats a time in China's zone, to the minute.
func (p contestPage) DateTime(t time.Time) string {
	return t.In(gridskill.ChinaZone()).Format("2006-01-02 15:04")
}

// ParticipantName is a participant's name.
func (p contestPage) ParticipantName(id string) string {
	pt, _ := p.Contest.Participant(id)
	return pt.Name
}

// JudgeNames names a round's judges.
func (p contestPage) JudgeNames(r contest.Round) []string {
	out := make([]string, 0, len(r.Judges))
	for _, id := range r.Judges {
		out = append(out, p.judges[id])
	}
	return out
}

// Excluded names the judges of the round who do not score a task: its
// performer and, in a team task, the performer's teammates.
func (p contestPage) Excluded(r contest.Round, t contest.Task) []string {
	var out []string
	for _, id := range r.Judges {
		if p.Contest.Conflicted(t, id) {
			out = append(out, p.judges[id])
		}
	}
	return out
}

// Members lists a team's participants, for its captain select.
func (p contestPage) Members(teamID string) []contest.Participant { return p.Contest.Members(teamID) }

// KindName is the catalogue id of a round kind's name.
func (p contestPage) KindName(k contest.Kind) string { return kindNames[k] }

// LevelName is the catalogue id of an award's name.
func (p contestPage) LevelName(a contest.AwardRecord) string { return awardName(a) }

var kindNames = map[contest.Kind]string{
	contest.Speed:  "Speed round",
	contest.Buzzer: "Buzzer round",
	contest.Wager:  "Wager round",
	contest.Judge:  "Judge round",
	contest.Online: "Online round",
}

// contestShow is GET /contests/:id.
func (s *Server) contestShow(c *fiber.Ctx) error {
	return s.renderContest(c, contestPage{Page: s.page(c, "Competition")})
}

func (s *Server) renderContest(c *fiber.Ctx, p contestPage) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	ct, access, err := s.contest.Open(ctx, u, c.Params("id"))
	if err != nil {
		return err
	}
	if !access.Organizer {
		return c.Redirect("/contests/"+ct.ID+"/results", fiber.StatusSeeOther)
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return err
	}
	if root, ok := tree.Unit(u.UnitID); ok {
		for _, unit := range tree.Subtree(root.ID) {
			if unit.Kind != people.Grid {
				p.Units = append(p.Units, unit)
			}
		}
	}
	st, err := s.contest.Standings(ctx, u, ct.ID)
	if err != nil {
		return err
	}
	awards, err := s.contest.ContestAwards(ctx, u, ct.ID)
	if err != nil {
		return err
	}
	p.Contest, p.Kinds, p.ScreenURL, p.Standings, p.Awards, p.Banked = ct, contest.Kinds(), screenURL(ct), st, awards, s.quiz != nil
	p.LiveRound, p.LivePhase, _ = s.contest.LiveRound(ct.ID)
	p.Rehearsal = s.contest.Rehearsal(ct.ID)
	p.Feeds = s.contest.Feeds(ct)
	others, err := s.contest.Managed(ctx, u)
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.ID != ct.ID && o.Played() {
			p.Sources = append(p.Sources, o)
		}
	}
	p.judges = map[string]string{}
	for _, r := range ct.Rounds {
		for _, id := range r.Judges {
			if j, err := s.people.User(ctx, id); err == nil {
				p.judges[id] = j.Name
			}
		}
	}
	if p.Audit, err = s.contest.AuditTrail(ctx, u, ct.ID); err != nil {
		return err
	}
	if p.Guests, err = s.contest.Guests(ctx, u, ct.ID); err != nil {
		return err
	}
	p.now = s.clock.Now()
	p.Title = ct.Title
	return c.Render("contest/show", p, "layouts/main")
}

// contestForm runs a form post of the contest editor: do changes the
// contest; on a refused change the editor is shown again with the problem.
func (s *Server) contestForm(c *fiber.Ctx, do func(u people.User, id string) error) error {
	u, _ := currentUser(c)
	id := c.Params("id")
	if err := do(u, id); err != nil {
		p := contestPage{Page: s.page(c, "Competition")}
		if perr := p.problem(err); perr != nil {
			return perr
		}
		c.Status(statusOf[gridskill.ErrorCode(err)])
		return s.renderContest(c, p)
	}
	s.flash(c, "Saved")
	return c.Redirect("/contests/"+id, fiber.StatusSeeOther)
}

// contestParticipants is POST /contests/:id/participants.
func (s *Server) contestParticipants(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		var units []string
		c.Request().PostArgs().VisitAll(func(k, v []byte) {
			if string(k) == "unit" {
				units = append(units, string(v))
			}
		})
		_, err := s.contest.SetParticipantsByUnits(c.UserContext(), u, id, units)
		return err
	})
}

// contestRoundCreate is POST /contests/:id/rounds.
func (s *Server) contestRoundCreate(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		r, err := roundForm(c)
		if err != nil {
			return err
		}
		_, err = s.contest.AddRound(c.UserContext(), u, id, r)
		return err
	})
}

// contestCaptains is POST /contests/:id/captains: a captain-<team id> field
// per team, naming one of its members.
func (s *Server) contestCaptains(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		captains := map[string]string{}
		c.Request().PostArgs().VisitAll(func(k, v []byte) {
			if team, ok := strings.CutPrefix(string(k), "captain-"); ok {
				captains[team] = string(v)
			}
		})
		_, err := s.contest.SetCaptains(c.UserContext(), u, id, captains)
		return err
	})
}

// contestQuestionCreate is POST /contests/:id/rounds/:round/questions: a
// typed-in question, options one per line.
func (s *Server) contestQuestionCreate(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		_, err := s.contest.AddQuestion(c.UserContext(), u, id, c.Params("round"), contestQuestionForm(c))
		return err
	})
}

// contestQuestionForm reads a typed-in question: options one per line, keys A to H.
func contestQuestionForm(c *fiber.Ctx) contest.Question {
	q := contest.Question{Stem: strings.TrimSpace(c.FormValue("stem")), Type: scoring.QuestionType(c.FormValue("type")),
		Points: atoi(c.FormValue("points")), LimitSec: atoi(c.FormValue("limitSec"))}
	if q.Type == scoring.TrueFalse {
		q.Options = []contest.Option{{Key: "T", Text: "正确"}, {Key: "F", Text: "错误"}}
	} else {
		keys := "ABCDEFGH"
		for _, line := range strings.Split(c.FormValue("options"), "\n") {
			if line = strings.TrimSpace(line); line != "" && len(q.Options) < len(keys) {
				q.Options = append(q.Options, contest.Option{Key: keys[len(q.Options) : len(q.Options)+1], Text: line})
			}
		}
	}
	for _, k := range strings.FieldsFunc(strings.ToUpper(c.FormValue("correct")), func(r rune) bool { return r == ',' || r == ' ' || r == '，' }) {
		q.Correct = append(q.Correct, k)
	}
	if len(q.Correct) == 1 && len(q.Correct[0]) > 1 && q.Type == scoring.Multiple { // "ABD"
		q.Correct = strings.Split(q.Correct[0], "")
	}
	return q
}

// contestQuestionPick is POST /contests/:id/rounds/:round/pick: questions
// from the bank by tag and count, or by ids.
func (s *Server) contestQuestionPick(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		_, err := s.contest.PickQuestions(c.UserContext(), u, id, c.Params("round"), contest.Pick{
			IDs: strings.Fields(strings.ReplaceAll(c.FormValue("ids"), ",", " ")), Tag: strings.TrimSpace(c.FormValue("tag")),
			Count: atoi(c.FormValue("count")), Points: atoi(c.FormValue("points")), LimitSec: atoi(c.FormValue("limitSec"))})
		return err
	})
}

// contestTaskCreate is POST /contests/:id/rounds/:round/tasks.
func (s *Server) contestTaskCreate(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		_, err := s.contest.AddTask(c.UserContext(), u, id, c.Params("round"), contest.Task{Title: c.FormValue("title"), PerformerID: c.FormValue("performer"),
			Team: c.FormValue("team") == "1"})
		return err
	})
}

// contestJudges is POST /contests/:id/rounds/:round/judges.
func (s *Server) contestJudges(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		_, err := s.contest.SetJudges(c.UserContext(), u, id, c.Params("round"), strings.FieldsFunc(c.FormValue("phones"), func(r rune) bool {
			return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '，'
		}))
		return err
	})
}

// contestAdvance is POST /contests/:id/rounds/:round/advance.
func (s *Server) contestAdvance(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		_, err := s.contest.Advance(c.UserContext(), u, id, c.Params("round"), c.FormValue("from"), atoi(c.FormValue("top")), c.FormValue("perTeam") == "1")
		return err
	})
}

// contestAwards is POST /contests/:id/awards.
func (s *Server) contestAwards(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		_, err := s.contest.GrantAwards(c.UserContext(), u, id, contest.AwardPlan{First: atoi(c.FormValue("first")), Second: atoi(c.FormValue("second")),
			Third: atoi(c.FormValue("third")), Excellence: atoi(c.FormValue("excellence")),
			TeamFirst: atoi(c.FormValue("teamFirst")), TeamSecond: atoi(c.FormValue("teamSecond")), TeamThird: atoi(c.FormValue("teamThird"))})
		return err
	})
}

// Marks names a judge's marks by the round's score sheet: "程序规范 25 · 沟通技巧 33".
func (p contestResultsPage) Marks(r contest.Round, marks []float64) string {
	parts := make([]string, len(marks))
	for i, m := range marks {
		parts[i] = strconv.FormatFloat(m, 'f', -1, 64)
		if i < len(r.Criteria) {
			parts[i] = r.Criteria[i].Name + " " + parts[i]
		}
	}
	return strings.Join(parts, " · ")
}

// contestResultsPage shows the standings to participants and admins.
type contestResultsPage struct {
	Page
	Feeds []contest.Feed
	// Panels are the judge rounds' scores by judge, by round id.
	Panels    map[string][]contest.TaskPanel
	Contest   contest.Contest
	Standings contest.Standings
	Awards    []contest.AwardRecord
	Manages   bool
}

// CaptainRounds reports whether a finished round was played by captains,
// whose points count for teams only.
func (p contestResultsPage) CaptainRounds() bool {
	for _, r := range p.Standings.Rounds {
		if r.Round.Captains {
			return true
		}
	}
	return false
}

// LevelName is the catalogue id of an award's name.
func (p contestResultsPage) LevelName(a contest.AwardRecord) string { return awardName(a) }

func awardName(a contest.AwardRecord) string {
	if a.TeamID != "" {
		return contest.TeamAwardLevelName(a.Level)
	}
	return contest.AwardLevelName(a.Level)
}

// contestResults is GET /contests/:id/results.
func (s *Server) contestResults(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	ct, access, err := s.contest.Open(ctx, u, c.Params("id"))
	if err != nil {
		return err
	}
	st, err := s.contest.Standings(ctx, u, ct.ID)
	if err != nil {
		return err
	}
	awards, err := s.contest.ContestAwards(ctx, u, ct.ID)
	if err != nil {
		return err
	}
	panels, err := s.contest.Panels(ctx, u, ct.ID)
	if err != nil {
		return err
	}
	p := contestResultsPage{Page: s.page(c, "Results"), Contest: ct, Standings: st, Awards: awards, Manages: access.Organizer, Feeds: s.contest.Feeds(ct),
		Panels: panels}
	return c.Render("contest/results", p, "layouts/main")
}

// contestOnlineCreate is POST /contests/:id/online: an online round sat as
// an exam by the participant units, open from now for the given days.
func (s *Server) contestOnlineCreate(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		now := s.clock.Now()
		days := max(atoi(c.FormValue("days")), 1)
		_, err := s.contest.AddOnlineRound(c.UserContext(), u, id, contest.OnlineSpec{Title: c.FormValue("title"), Tag: strings.TrimSpace(c.FormValue("tag")),
			Count: atoi(c.FormValue("count")), OpensAt: now, ClosesAt: now.Add(time.Duration(days) * 24 * time.Hour),
			Duration: time.Duration(atoi(c.FormValue("minutes"))) * time.Minute})
		return err
	})
}

// contestOnlineClose is POST /contests/:id/rounds/:round/close.
func (s *Server) contestOnlineClose(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		return s.contest.CloseOnline(c.UserContext(), u, id, c.Params("round"))
	})
}

// contestTeams is POST /contests/:id/teams: custom teams, one per line.
func (s *Server) contestTeams(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		teams, err := contest.ParseTeams(c.FormValue("teams"))
		if err != nil {
			return err
		}
		_, err = s.contest.SetTeams(c.UserContext(), u, id, teams)
		return err
	})
}

// contestParticipantsImport is POST /contests/:id/participants/import: a
// list with 手机号 and, optionally, 队伍 columns.
func (s *Server) contestParticipantsImport(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		return s.importParticipants(c, u, id)
	})
}

func (s *Server) importParticipants(c *fiber.Ctx, u people.User, id string) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return gridskill.Errorf(gridskill.EINVALID, "choose a .xlsx or .csv file to upload")
	}
	f, err := fh.Open()
	if err != nil {
		return gridskill.Errorf(gridskill.EINVALID, "the file could not be read")
	}
	defer f.Close()
	_, err = s.contest.ImportParticipants(c.UserContext(), u, id, f, fh.Filename)
	return err
}
