package web

import (
	"bytes"
	"cmp"
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill/contest"
	"gridskill/scoring"
)

// contestJSON is a contest as the API shows it to its admins.
type contestJSON struct {
	ID           string                `json:"id"`
	Title        string                `json:"title"`
	Description  string                `json:"description"`
	PIN          string                `json:"pin"`
	ScreenURL    string                `json:"screenUrl"`
	Streak       bool                  `json:"streak"`
	FalseStart   string                `json:"falseStart"`
	TeamMethod   scoring.TeamMethod    `json:"teamMethod"`
	Participants []contest.Participant `json:"participants"`
	Teams        []contest.Team        `json:"teams"`
	Rounds       []contest.Round       `json:"rounds"`
	// Advanced are the entrants taken from other contests' results.
	Advanced  []contest.Advancement `json:"advanced,omitempty"`
	CreatedAt time.Time             `json:"createdAt"`
}

func toContestJSON(c contest.Contest) contestJSON {
	return contestJSON{ID: c.ID, Title: c.Title, Description: c.Description, PIN: c.PIN, ScreenURL: screenURL(c),
		Streak: c.Streak, FalseStart: cmp.Or(c.FalseStart, contest.FalseStartIgnore), TeamMethod: c.TeamRule.Method, Participants: c.Participants, Teams: c.Teams, Rounds: c.Rounds, Advanced: c.Advanced, CreatedAt: c.CreatedAt}
}

func screenURL(c contest.Contest) string { return "/live/" + c.ID + "/screen?k=" + c.ScreenKey }

type contestCreateRequest struct {
	Title       string             `json:"title"`
	Description string             `json:"description"`
	Streak      bool               `json:"streak"`
	FalseStart  string             `json:"falseStart"`
	TeamMethod  scoring.TeamMethod `json:"teamMethod"`
	TeamN       int                `json:"teamN"`
}

// apiContestCreate creates a contest: POST /api/v1/contests.
func (s *Server) apiContestCreate(c *fiber.Ctx) error {
	var req contestCreateRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	ct, err := s.contest.Create(c.UserContext(), u, contest.Contest{Title: req.Title, Description: req.Description, Streak: req.Streak, FalseStart: req.FalseStart,
		TeamRule: scoring.TeamRule{Method: req.TeamMethod, N: req.TeamN}})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toContestJSON(ct))
}

// apiContest returns a contest: GET /api/v1/contests/:id.
func (s *Server) apiContest(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ct, err := s.contest.Organized(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(toContestJSON(ct))
}

type participantsRequest struct {
	Units []string `json:"units"`
}

// apiContestParticipants sets participants from units: POST /api/v1/contests/:id/participants.
func (s *Server) apiContestParticipants(c *fiber.Ctx) error {
	var req participantsRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	ct, err := s.contest.SetParticipantsByUnits(c.UserContext(), u, c.Params("id"), req.Units)
	if err != nil {
		return err
	}
	return c.JSON(toContestJSON(ct))
}

type roundRequest struct {
	Title     string       `json:"title"`
	Kind      contest.Kind `json:"kind"`
	ReadSec   int          `json:"readSec"`
	Penalty   int          `json:"penalty"`
	PassOn    bool         `json:"passOn"`
	AnswerSec int          `json:"answerSec"`
	StakeSec  int          `json:"stakeSec"`
	Stakes    []int        `json:"stakes"`
	Captains  bool         `json:"captains"`
	// How the round counts overall, and a judge round's score sheet.
	Weight   float64             `json:"weight"`
	FullMark float64             `json:"fullMark"`
	Criteria []contest.Criterion `json:"criteria"`
	// An online round's exam.
	Tag         string    `json:"tag"`
	Count       int       `json:"count"`
	OpensAt     time.Time `json:"opensAt"`
	ClosesAt    time.Time `json:"closesAt"`
	DurationSec int       `json:"durationSec"`
}

// apiRoundCreate adds a round: POST /api/v1/contests/:id/rounds.
func (s *Server) apiRoundCreate(c *fiber.Ctx) error {
	var req roundRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	var ct contest.Contest
	var err error
	if req.Kind == contest.Online {
		ct, err = s.contest.AddOnlineRound(c.UserContext(), u, c.Params("id"), contest.OnlineSpec{Title: req.Title, Tag: req.Tag, Count: req.Count,
			OpensAt: req.OpensAt, ClosesAt: req.ClosesAt, Duration: time.Duration(req.DurationSec) * time.Second})
	} else {
		ct, err = s.contest.AddRound(c.UserContext(), u, c.Params("id"), contest.Round{Title: req.Title, Kind: req.Kind, ReadSec: req.ReadSec,
			Penalty: req.Penalty, PassOn: req.PassOn, AnswerSec: req.AnswerSec, StakeSec: req.StakeSec, Stakes: req.Stakes, Captains: req.Captains,
			Weight: req.Weight, FullMark: req.FullMark, Criteria: req.Criteria})
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toContestJSON(ct))
}

type questionRequest struct {
	Stem     string               `json:"stem"`
	Type     scoring.QuestionType `json:"type"`
	Options  []contest.Option     `json:"options"`
	Correct  []string             `json:"correct"`
	Points   int                  `json:"points"`
	LimitSec int                  `json:"limitSec"`
	Pick     *pickRequest         `json:"pick"`
}

type pickRequest struct {
	IDs   []string `json:"ids"`
	Tag   string   `json:"tag"`
	Count int      `json:"count"`
}

// apiRoundQuestion adds a typed-in question, or picks questions from the
// bank: POST /api/v1/contests/:id/rounds/:round/questions.
func (s *Server) apiRoundQuestion(c *fiber.Ctx) error {
	var req questionRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	var ct contest.Contest
	var err error
	if req.Pick != nil {
		ct, err = s.contest.PickQuestions(c.UserContext(), u, c.Params("id"), c.Params("round"),
			contest.Pick{IDs: req.Pick.IDs, Tag: req.Pick.Tag, Count: req.Pick.Count, Points: req.Points, LimitSec: req.LimitSec})
	} else {
		ct, err = s.contest.AddQuestion(c.UserContext(), u, c.Params("id"), c.Params("round"), contest.Question{Stem: req.Stem,
			Type: req.Type, Options: req.Options, Correct: req.Correct, Points: req.Points, LimitSec: req.LimitSec})
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toContestJSON(ct))
}

type taskRequest struct {
	Title       string `json:"title"`
	PerformerID string `json:"performerId"`
	// Team marks a team task: the performer's teammates do not judge it.
	Team bool `json:"team"`
}

// apiRoundTask adds a judged performance: POST /api/v1/contests/:id/rounds/:round/tasks.
func (s *Server) apiRoundTask(c *fiber.Ctx) error {
	var req taskRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	ct, err := s.contest.AddTask(c.UserContext(), u, c.Params("id"), c.Params("round"), contest.Task{Title: req.Title, PerformerID: req.PerformerID, Team: req.Team})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toContestJSON(ct))
}

type judgesRequest struct {
	Phones []string `json:"phones"`
}

// apiRoundJudges names a round's judges: POST /api/v1/contests/:id/rounds/:round/judges.
func (s *Server) apiRoundJudges(c *fiber.Ctx) error {
	var req judgesRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	ct, err := s.contest.SetJudges(c.UserContext(), u, c.Params("id"), c.Params("round"), req.Phones)
	if err != nil {
		return err
	}
	return c.JSON(toContestJSON(ct))
}

type advanceRequest struct {
	From    string `json:"from"`
	Top     int    `json:"top"`
	PerTeam bool   `json:"perTeam"`
}

// apiRoundAdvance fills a round's entrants from an earlier round:
// POST /api/v1/contests/:id/rounds/:round/advance.
func (s *Server) apiRoundAdvance(c *fiber.Ctx) error {
	var req advanceRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	ct, err := s.contest.Advance(c.UserContext(), u, c.Params("id"), c.Params("round"), req.From, req.Top, req.PerTeam)
	if err != nil {
		return err
	}
	return c.JSON(toContestJSON(ct))
}

type rowJSON struct {
	Rank    int     `json:"rank"`
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Team    string  `json:"team,omitempty"`
	Captain string  `json:"captain,omitempty"`
	Points  float64 `json:"points"`
	TimeMS  int64   `json:"timeMs"`
}

type roundStandingJSON struct {
	Round  string    `json:"round"`
	Title  string    `json:"title"`
	People []rowJSON `json:"people"`
	Teams  []rowJSON `json:"teams"`
}

type standingsJSON struct {
	Overall []rowJSON           `json:"overall"`
	Teams   []rowJSON           `json:"teams"`
	Rounds  []roundStandingJSON `json:"rounds"`
}

func rowsJSON(rs []contest.Row) []rowJSON {
	out := make([]rowJSON, len(rs))
	for i, r := range rs {
		out[i] = rowJSON{Rank: r.Rank, ID: r.ID, Name: r.Name, Team: r.Team, Captain: r.Captain, Points: r.Points, TimeMS: r.TimeMS}
	}
	return out
}

// apiContestStandings returns the results: GET /api/v1/contests/:id/standings.
func (s *Server) apiContestStandings(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	st, err := s.contest.Standings(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	out := standingsJSON{Overall: rowsJSON(st.Overall), Teams: rowsJSON(st.Teams)}
	for _, r := range st.Rounds {
		out.Rounds = append(out.Rounds, roundStandingJSON{Round: r.Round.ID, Title: r.Round.Title, People: rowsJSON(r.People), Teams: rowsJSON(r.Teams)})
	}
	return c.JSON(out)
}

type awardsRequest struct {
	First      int `json:"first"`
	Second     int `json:"second"`
	Third      int `json:"third"`
	Excellence int `json:"excellence"`
	TeamFirst  int `json:"teamFirst"`
	TeamSecond int `json:"teamSecond"`
	TeamThird  int `json:"teamThird"`
}

type awardsResponse struct {
	Awards []awardJSON `json:"awards"`
}

type awardJSON struct {
	Worker string             `json:"worker,omitempty"`
	Team   string             `json:"team,omitempty"`
	Name   string             `json:"name"`
	Level  scoring.AwardLevel `json:"level"`
	Rank   int                `json:"rank"`
	Points float64            `json:"points"`
}

// apiContestAwards grants awards from the overall standings: POST /api/v1/contests/:id/awards.
func (s *Server) apiContestAwards(c *fiber.Ctx) error {
	var req awardsRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	recs, err := s.contest.GrantAwards(c.UserContext(), u, c.Params("id"), contest.AwardPlan{First: req.First, Second: req.Second, Third: req.Third,
		Excellence: req.Excellence, TeamFirst: req.TeamFirst, TeamSecond: req.TeamSecond, TeamThird: req.TeamThird})
	if err != nil {
		return err
	}
	out := make([]awardJSON, len(recs))
	for i, r := range recs {
		out[i] = awardJSON{Worker: r.WorkerID, Team: r.TeamID, Name: r.Name, Level: r.Level, Rank: r.Rank, Points: r.Points}
	}
	return c.JSON(awardsResponse{Awards: out})
}

// contestExport sends the standings as XLSX: GET /contests/:id/results.xlsx.
func (s *Server) contestExport(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	var buf bytes.Buffer
	if err := s.contest.ExportXLSX(c.UserContext(), u, c.Params("id"), &buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	setAttachment(c, s.datedName("技能大比武成绩")+".xlsx")
	return c.Send(buf.Bytes())
}

type answersResponse struct {
	Answers []contest.AnswerRecord `json:"answers"`
}

// apiRoundAnswers reads a round's stored answers: GET /api/v1/contests/:id/rounds/:round/answers.
func (s *Server) apiRoundAnswers(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	list, err := s.contest.Answers(c.UserContext(), u, c.Params("id"), c.Params("round"))
	if err != nil {
		return err
	}
	return c.JSON(answersResponse{Answers: list})
}

// apiRoundClose takes an online round's results from its exam:
// POST /api/v1/contests/:id/rounds/:round/close.
func (s *Server) apiRoundClose(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	if err := s.contest.CloseOnline(c.UserContext(), u, c.Params("id"), c.Params("round")); err != nil {
		return err
	}
	ct, err := s.contest.Contest(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(toContestJSON(ct))
}

type teamsRequest struct {
	Teams []struct {
		Name   string   `json:"name"`
		Phones []string `json:"phones"`
	} `json:"teams"`
}

// apiContestTeams sets custom teams: POST /api/v1/contests/:id/teams
// {"teams": [{"name": "第一队", "phones": ["139..."]}]}.
func (s *Server) apiContestTeams(c *fiber.Ctx) error {
	var req teamsRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	specs := make([]contest.TeamSpec, len(req.Teams))
	for i, t := range req.Teams {
		specs[i] = contest.TeamSpec{Name: t.Name, Phones: t.Phones}
	}
	u, _ := currentUser(c)
	ct, err := s.contest.SetTeams(c.UserContext(), u, c.Params("id"), specs)
	if err != nil {
		return err
	}
	return c.JSON(toContestJSON(ct))
}

type captainsRequest struct {
	Captains map[string]string `json:"captains"`
}

// apiContestCaptains names teams' captains: POST /api/v1/contests/:id/captains
// {"captains": {"<team id>": "<participant id>"}}.
func (s *Server) apiContestCaptains(c *fiber.Ctx) error {
	var req captainsRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	ct, err := s.contest.SetCaptains(c.UserContext(), u, c.Params("id"), req.Captains)
	if err != nil {
		return err
	}
	return c.JSON(toContestJSON(ct))
}

// apiContestParticipantsImport imports participants from a list:
// POST /api/v1/contests/:id/participants/import (multipart "file").
func (s *Server) apiContestParticipantsImport(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	if err := s.importParticipants(c, u, c.Params("id")); err != nil {
		return err
	}
	ct, err := s.contest.Contest(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(toContestJSON(ct))
}

type advanceFromRequest struct {
	From string `json:"from"`
	Top  int    `json:"top"`
	Per  string `json:"per"`
}

// apiContestAdvanceFrom takes entrants from another contest's results:
// POST /api/v1/contests/:id/advance-from {"from": "<contest id>", "top": 3, "per": "unit"}.
func (s *Server) apiContestAdvanceFrom(c *fiber.Ctx) error {
	var req advanceFromRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	ct, err := s.contest.AdvanceFrom(c.UserContext(), u, c.Params("id"), req.From, req.Top, req.Per)
	if err != nil {
		return err
	}
	return c.JSON(toContestJSON(ct))
}
