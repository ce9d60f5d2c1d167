package contest

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
	"gridskill/sheet"
)

// Row is one line of a standing: a participant or a team.
type Row struct {
	Rank   int
	ID     string
	Name   string
	TeamID string
	Team   string
	// Captain is, on a team's row of a captain round, who answered for it.
	Captain string
	Points  float64
	TimeMS  int64
}

// RoundStanding is the result of one finished round. A captain round has
// team rows only: its points belong to the teams.
type RoundStanding struct {
	Round  Round
	People []Row
	Teams  []Row
}

// Standings are a contest's results: per finished round and overall.
type Standings struct {
	Rounds  []RoundStanding
	Overall []Row
	Teams   []Row
	// Weighted tells that the overall scores are the rounds' weighted
	// shares (see Round.Weight), not their raw points added.
	Weighted bool
}

func (st Standings) byRound(id string) (RoundStanding, bool) {
	for _, r := range st.Rounds {
		if r.Round.ID == id {
			return r, true
		}
	}
	return RoundStanding{}, false
}

// Standings returns the results of a contest's finished rounds, each and
// overall, individual and by team. A round of individual play ranks its
// teams by the contest's team method over their members' points; a captain
// round ranks them by their captains' points directly. Overall, individual
// standings leave captain rounds out, and a team's overall score is the team
// method over its members' individual totals plus the team's points from
// captain rounds. Its admins and participants may read them. Errors:
// invalid, not_found, forbidden, internal.
func (s *Service) Standings(ctx context.Context, actor people.User, id string) (Standings, error) {
	c, err := s.Contest(ctx, actor, id)
	if err != nil {
		return Standings{}, err
	}
	return s.standings(ctx, c)
}

func (s *Service) standings(ctx context.Context, c Contest) (Standings, error) {
	docs, err := s.repo.results(ctx, c.ID)
	if err != nil {
		return Standings{}, gridskill.Internal(err)
	}
	return combine(c, docs)
}

// combine builds the standings from the stored results of finished rounds.
// Overall, each round counts as scoring.CombineRounds says: raw points when
// no round carries a weight, its weighted share otherwise.
func combine(c Contest, docs []resultDoc) (Standings, error) {
	var st Standings
	var played []resultDoc
	var scales []scoring.RoundPoints
	for _, r := range c.Rounds {
		i := slices.IndexFunc(docs, func(d resultDoc) bool { return d.Round == r.ID })
		if i < 0 {
			continue
		}
		rs := RoundStanding{Round: r}
		if docs[i].Captains {
			rs.Teams = captainRows(c, docs[i].Entries)
		} else {
			rs.People, rs.Teams = rankRows(c, docs[i].Entries)
		}
		st.Rounds = append(st.Rounds, rs)
		played = append(played, docs[i])
		scales = append(scales, scoring.RoundPoints{Scale: r.Scale()})
	}
	st.Weighted = scoring.Weighted(scales)
	total := map[string]*resultEntry{}
	captained := map[string]*scoring.Entry{} // team id → its points and time from captain rounds
	for i, d := range played {
		points := map[string]float64{}
		for _, e := range d.Entries {
			points[entrantOf(d, e)] = e.Points
		}
		scales[i].Points = points
		scaled, err := scoring.Scaled(scales[i], st.Weighted)
		if err != nil {
			return Standings{}, gridskill.Internal(err)
		}
		for _, e := range d.Entries {
			if d.Captains {
				t := captained[e.Team]
				if t == nil {
					t = &scoring.Entry{ID: e.Team}
					captained[e.Team] = t
				}
				t.Score += scaled[e.Team]
				t.Answered += e.Answered
				t.Time += time.Duration(e.TimeMS) * time.Millisecond
				continue
			}
			t := total[e.Worker]
			if t == nil {
				t = &resultEntry{Worker: e.Worker}
				total[e.Worker] = t
			}
			t.Points += scaled[e.Worker]
			t.Answered += e.Answered
			t.TimeMS += e.TimeMS
		}
	}
	entries := make([]resultEntry, 0, len(total))
	for _, e := range total {
		e.Points = roundPoints(e.Points)
		entries = append(entries, *e)
	}
	for _, t := range captained {
		t.Score = roundPoints(t.Score)
	}
	st.Overall = peopleRows(c, entries)
	st.Teams = overallTeams(c, entries, captained)
	return st, nil
}

// entrantOf is whom a result entry's points belong to: the team in a captain
// round, the worker otherwise.
func entrantOf(d resultDoc, e resultEntry) string {
	if d.Captains {
		return e.Team
	}
	return e.Worker
}

// roundPoints rounds an overall score to hundredths.
func roundPoints(p float64) float64 { return math.Round(p*100) / 100 }

// rankRows ranks result entries with scoring's rules, and their teams by the
// contest's team method.
func rankRows(c Contest, entries []resultEntry) ([]Row, []Row) {
	ranked, _ := scoring.RankTeams(memberTeams(c, entries), c.TeamRule)
	return peopleRows(c, entries), teamRows(c, ranked)
}

// peopleRows ranks participants' result entries with scoring's rules.
func peopleRows(c Contest, entries []resultEntry) []Row {
	list := make([]scoring.Entry, 0, len(entries))
	for _, e := range entries {
		if _, ok := c.Participant(e.Worker); ok {
			list = append(list, e.entry(e.Worker))
		}
	}
	var people []Row
	for _, r := range scoring.Rank(list) {
		p, _ := c.Participant(r.ID)
		people = append(people, Row{Rank: r.Rank, ID: r.ID, Name: p.Name, TeamID: p.TeamID, Team: c.TeamName(p.TeamID),
			Points: r.Score, TimeMS: r.Time.Milliseconds()})
	}
	return people
}

// entry is the result as scoring ranks it, under id (the worker's, or the
// team's for a captain): at equal points, more questions answered ranks
// first (scoring.Rank), so a wrong answer never ranks below none.
func (e resultEntry) entry(id string) scoring.Entry {
	return scoring.Entry{ID: id, Score: e.Points, Answered: e.Answered, Time: time.Duration(e.TimeMS) * time.Millisecond}
}

// memberTeams groups participants' result entries by team, in team order.
func memberTeams(c Contest, entries []resultEntry) []scoring.Team {
	members := map[string][]scoring.Entry{}
	for _, e := range entries {
		if p, ok := c.Participant(e.Worker); ok {
			members[p.TeamID] = append(members[p.TeamID], e.entry(e.Worker))
		}
	}
	var teams []scoring.Team
	for _, t := range c.Teams {
		if len(members[t.ID]) > 0 {
			teams = append(teams, scoring.Team{ID: t.ID, Members: members[t.ID]})
		}
	}
	return teams
}

func teamRows(c Contest, ranked []scoring.Ranked) []Row {
	var rows []Row
	for _, r := range ranked {
		rows = append(rows, Row{Rank: r.Rank, ID: r.ID, Name: c.TeamName(r.ID), Points: r.Score, TimeMS: r.Time.Milliseconds()})
	}
	return rows
}

// captainRows ranks the teams of a captain round by their captains' points
// and times.
func captainRows(c Contest, entries []resultEntry) []Row {
	list := make([]scoring.Entry, 0, len(entries))
	captain := map[string]string{}
	for _, e := range entries {
		list = append(list, e.entry(e.Team))
		if p, ok := c.Participant(e.Worker); ok {
			captain[e.Team] = p.Name
		}
	}
	rows := teamRows(c, scoring.Rank(list))
	for i := range rows {
		rows[i].Captain = captain[rows[i].ID]
	}
	return rows
}

// overallTeams ranks the teams overall: the team method over the members'
// individual totals, plus the team's points (and time) from captain rounds.
func overallTeams(c Contest, entries []resultEntry, captained map[string]*scoring.Entry) []Row {
	byMembers, _ := scoring.RankTeams(memberTeams(c, entries), c.TeamRule)
	sums := map[string]scoring.Entry{}
	for _, r := range byMembers {
		sums[r.ID] = r.Entry
	}
	var list []scoring.Entry
	for _, t := range c.Teams {
		e, members := sums[t.ID]
		cp, played := captained[t.ID]
		if !members && !played {
			continue
		}
		e.ID = t.ID
		if played {
			e.Score += cp.Score
			e.Answered += cp.Answered
			e.Time += cp.Time
		}
		list = append(list, e)
	}
	return teamRows(c, scoring.Rank(list))
}

// Columns of the results export besides those a participant import reads
// (ColPhone, ColTeam).
const (
	ColRank    = "名次"
	ColName    = "姓名"
	ColUnit    = "单位"
	ColTotal   = "总成绩"
	ColTimeSec = "用时(秒)"
	ColTeamPos = "团体名次"
)

// ExportXLSX writes the standings as a workbook of one row per ranked
// participant, in overall order: rank, name, phone number, unit, team, the
// overall score, time, the team's overall rank, then each finished round's
// points (a captain round's are the team's). Its 手机号 and 队伍 columns are
// those ImportParticipants reads, so the sheet, cut to those who advance,
// is the next level's participant list. Admins of the contest only.
// Errors: invalid, not_found, forbidden, internal.
func (s *Service) ExportXLSX(ctx context.Context, actor people.User, id string, w io.Writer) error {
	c, err := s.managed(actor, id)
	if err != nil {
		return err
	}
	st, err := s.standings(ctx, c)
	if err != nil {
		return err
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return err
	}
	header := []string{ColRank, ColName, ColPhone, ColUnit, ColTeam, ColTotal, ColTimeSec, ColTeamPos}
	for _, rs := range st.Rounds {
		header = append(header, rs.Round.Title)
	}
	teamRank := map[string]int{}
	for _, t := range st.Teams {
		teamRank[t.ID] = t.Rank
	}
	var rows [][]string
	for _, r := range st.Overall {
		p, _ := c.Participant(r.ID)
		var phone, unit string
		if u, err := s.people.User(ctx, r.ID); err == nil {
			phone = u.Phone
		}
		if u, ok := tree.Unit(p.UnitID); ok {
			unit = u.Name
		}
		row := []string{strconv.Itoa(r.Rank), r.Name, phone, unit, r.Team, fmtPoints(r.Points), fmt.Sprintf("%.1f", float64(r.TimeMS)/1000), ""}
		if n := teamRank[p.TeamID]; n > 0 {
			row[7] = strconv.Itoa(n)
		}
		for _, rs := range st.Rounds {
			row = append(row, roundCell(rs, r.ID, p.TeamID))
		}
		rows = append(rows, row)
	}
	if err := sheet.WriteXLSX(w, "成绩", header, rows); err != nil {
		return gridskill.Internal(err)
	}
	return nil
}

// roundCell is a participant's points in a round, or their team's in a
// captain round; empty when they did not play it.
func roundCell(rs RoundStanding, worker, team string) string {
	rows, id := rs.People, worker
	if rs.Round.Captains {
		rows, id = rs.Teams, team
	}
	for _, r := range rows {
		if r.ID == id {
			return fmtPoints(r.Points)
		}
	}
	return ""
}

// boolOrder puts false before true.
func boolOrder(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

func fmtPoints(p float64) string { return strconv.FormatFloat(p, 'f', -1, 64) }

// AwardPlan says how many of the overall ranking get each award, best first:
// First to the top ranks, then Second, Third and Excellence; and how many of
// the overall team ranking get each team award (团体一/二/三等奖).
type AwardPlan struct {
	First, Second, Third, Excellence int
	TeamFirst, TeamSecond, TeamThird int
}

// GrantAwards records awards from the overall standings, replacing the
// contest's earlier awards: individual ones on workers' records (captain
// rounds count for teams only), team ones on the contest, naming the team.
// Entrants tied at a rank share its award. Errors: invalid, not_found,
// forbidden, internal.
func (s *Service) GrantAwards(ctx context.Context, actor people.User, id string, plan AwardPlan) ([]AwardRecord, error) {
	c, err := s.managed(actor, id)
	if err != nil {
		return nil, err
	}
	counts := []int{plan.First, plan.Second, plan.Third, plan.Excellence}
	teamCounts := []int{plan.TeamFirst, plan.TeamSecond, plan.TeamThird}
	for _, n := range append(slices.Clone(counts), teamCounts...) {
		if n < 0 {
			return nil, gridskill.Errorf(gridskill.EINVALID, "award counts cannot be negative")
		}
	}
	st, err := s.standings(ctx, c)
	if err != nil {
		return nil, err
	}
	if len(st.Rounds) == 0 {
		return nil, gridskill.Errorf(gridskill.EINVALID, "no round has finished yet")
	}
	if len(st.Overall) == 0 && slices.ContainsFunc(counts, func(n int) bool { return n > 0 }) {
		return nil, gridskill.Errorf(gridskill.EINVALID, "awards follow the individual standings, and no round of individual play has finished yet")
	}
	now := s.clock.Now()
	var docs []awardDoc
	for i, level := range awardLevels(st.Overall, counts) {
		r := st.Overall[i]
		docs = append(docs, awardDoc{ID: c.ID + ":" + r.ID, Contest: c.ID, Title: c.Title, Worker: r.ID, Name: r.Name, Team: r.Team,
			Level: scoring.AwardLevel(level), Rank: r.Rank, Points: r.Points, At: now})
	}
	for i, level := range awardLevels(st.Teams, teamCounts) {
		r := st.Teams[i]
		docs = append(docs, awardDoc{ID: c.ID + ":team:" + r.ID, Contest: c.ID, Title: c.Title, TeamID: r.ID, Name: r.Name, Team: r.Name,
			Level: scoring.AwardLevel(level), Rank: r.Rank, Points: r.Points, At: now})
	}
	if err := s.repo.saveAwards(ctx, c.ID, docs); err != nil {
		return nil, gridskill.Internal(err)
	}
	out := make([]AwardRecord, len(docs))
	for i, d := range docs {
		out[i] = d.record()
	}
	return out, nil
}

// awardLevels gives the ranked rows, best first, their award levels (1 for
// the first award of counts): counts[0] rows get level 1, the next
// counts[1] level 2, and so on; a row tied with the one before shares its
// level. The result stops at the first row without an award.
func awardLevels(rows []Row, counts []int) []int {
	bounds := make([]int, len(counts))
	for i, n := range counts {
		bounds[i] = n
		if i > 0 {
			bounds[i] += bounds[i-1]
		}
	}
	var out []int
	prevRank, prevLevel := -1, 0
	for i, r := range rows {
		level := 0
		if r.Rank == prevRank {
			level = prevLevel // a tie shares the award of the rank
		} else {
			for l, b := range bounds {
				if i < b {
					level = l + 1
					break
				}
			}
		}
		if level == 0 {
			break
		}
		prevRank, prevLevel = r.Rank, level
		out = append(out, level)
	}
	return out
}

func (d awardDoc) record() AwardRecord {
	return AwardRecord{Award: scoring.Award{ContestID: d.Contest, Level: d.Level}, WorkerID: d.Worker, TeamID: d.TeamID, Name: d.Name,
		Team: d.Team, ContestTitle: d.Title, Rank: d.Rank, Points: d.Points, AwardedAt: d.At}
}

// Awards returns the contest awards a worker holds, for certification rules
// and transcripts. It does no permission check: callers decide who may see
// a worker's record. Errors: internal.
func (s *Service) Awards(ctx context.Context, workerID string) ([]scoring.Award, error) {
	recs, err := s.AwardRecords(ctx, workerID)
	if err != nil {
		return nil, err
	}
	out := make([]scoring.Award, len(recs))
	for i, r := range recs {
		out[i] = r.Award
	}
	return out, nil
}

// AwardRecords returns a worker's awards with the contest title, rank and
// points, newest first, for record pages. No permission check. Errors: internal.
func (s *Service) AwardRecords(ctx context.Context, workerID string) ([]AwardRecord, error) {
	docs, err := s.repo.awards(ctx, bson.M{"worker": workerID})
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	out := make([]AwardRecord, len(docs))
	for i, d := range docs {
		out[i] = d.record()
	}
	return out, nil
}

// ContestAwards returns the awards of a contest, best first. Its admins and
// participants only. Errors: invalid, not_found, forbidden, internal.
func (s *Service) ContestAwards(ctx context.Context, actor people.User, id string) ([]AwardRecord, error) {
	if _, err := s.Contest(ctx, actor, id); err != nil {
		return nil, err
	}
	docs, err := s.repo.awards(ctx, bson.M{"contest": id})
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	out := make([]AwardRecord, len(docs))
	for i, d := range docs {
		out[i] = d.record()
	}
	slices.SortFunc(out, func(a, b AwardRecord) int {
		return cmp.Or(boolOrder(a.TeamID != "", b.TeamID != ""), a.Rank-b.Rank)
	})
	return out, nil
}

// AnswerRecord is one stored answer of a live round.
type AnswerRecord struct {
	Worker  string    `json:"worker"`
	Item    int       `json:"item"`
	Answer  []string  `json:"answer"`
	Correct bool      `json:"correct"`
	TimeMS  int64     `json:"timeMs"`
	At      time.Time `json:"at"`
}

// Answers reads a round's answers back from the database, for audits and
// for checking that every acknowledged answer was kept. Admins of the
// contest only. Errors: invalid, not_found, forbidden, internal.
func (s *Service) Answers(ctx context.Context, actor people.User, id, roundID string) ([]AnswerRecord, error) {
	c, err := s.managed(actor, id)
	if err != nil {
		return nil, err
	}
	if _, _, ok := c.Round(roundID); !ok {
		return nil, gridskill.Errorf(gridskill.ENOTFOUND, "round not found")
	}
	facts, err := s.repo.facts(ctx, c.ID, roundID)
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	var out []AnswerRecord
	for _, f := range facts {
		if f.Kind == factAnswer {
			out = append(out, AnswerRecord{Worker: f.Worker, Item: f.Item, Answer: f.Answer, Correct: f.Correct, TimeMS: f.TimeMS, At: f.At})
		}
	}
	return out, nil
}
