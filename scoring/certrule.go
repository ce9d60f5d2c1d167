package scoring

import (
	"fmt"
	"time"
)

// AwardLevel is the level of a contest award. A lower number is a better
// award; 0 is no award.
type AwardLevel int

// The award levels, best first.
const (
	FirstPrize  AwardLevel = 1 // 一等奖
	SecondPrize AwardLevel = 2 // 二等奖
	ThirdPrize  AwardLevel = 3 // 三等奖
	Excellence  AwardLevel = 4 // 优秀奖
)

// Valid reports whether l is one of the award levels.
func (l AwardLevel) Valid() bool {
	return l >= FirstPrize && l <= Excellence
}

// AtLeast reports whether an award of level l is as good as want or better:
// a second prize is at least a third prize. An invalid level is never at
// least anything, and any valid level is at least an invalid want.
func (l AwardLevel) AtLeast(want AwardLevel) bool {
	if !l.Valid() {
		return false
	}
	return !want.Valid() || l <= want
}

// ModuleReq requires a module completed at version MinVersion or later, so
// that a worker retrains when a module changes materially.
type ModuleReq struct {
	ModuleID   string
	MinVersion int
}

// ExamReq requires an exam passed with a best score of at least MinScore.
type ExamReq struct {
	ExamID   string
	MinScore float64
}

// AwardReq requires an award of MinLevel or better in the contest ContestID,
// or in any contest when ContestID is empty. A MinLevel that is not Valid
// accepts any award.
type AwardReq struct {
	ContestID string
	MinLevel  AwardLevel
}

// Requirements are what a certification program asks of a worker.
type Requirements struct {
	Modules []ModuleReq
	Exams   []ExamReq
	// MinHours is the training hours required in the current year.
	MinHours float64
	// Award, when set, requires a contest award.
	Award *AwardReq
	// Checklists are practical task checklists (实操任务清单) the worker
	// must have had accepted by a mentor, by checklist ID.
	Checklists []string
}

// Validate reports whether the requirements make sense: module and exam IDs
// set, no negative version, score or hours, and a valid award level.
func (r Requirements) Validate() error {
	for _, m := range r.Modules {
		if m.ModuleID == "" || m.MinVersion < 0 {
			return fmt.Errorf("module requirement %q needs a module and a version of 0 or more", m.ModuleID)
		}
	}
	for _, c := range r.Checklists {
		if c == "" {
			return fmt.Errorf("a checklist requirement needs a checklist")
		}
	}
	for _, e := range r.Exams {
		if e.ExamID == "" || !(e.MinScore >= 0) {
			return fmt.Errorf("exam requirement %q needs an exam and a score of 0 or more", e.ExamID)
		}
	}
	if !(r.MinHours >= 0) {
		return fmt.Errorf("required hours must be 0 or more, not %v", r.MinHours)
	}
	if r.Award != nil && !r.Award.MinLevel.Valid() {
		return fmt.Errorf("award level must be %d (一等奖) to %d (优秀奖), not %d", FirstPrize, Excellence, r.Award.MinLevel)
	}
	return nil
}

// ModuleDone is a worker's completion of a module.
type ModuleDone struct {
	Version int
	At      time.Time
}

// ExamBest is a worker's best result in an exam.
type ExamBest struct {
	Score  float64
	Passed bool
	At     time.Time
}

// Award is a contest award a worker holds.
type Award struct {
	ContestID string
	Level     AwardLevel
}

// Record is what a worker has done, as certification rules see it.
type Record struct {
	// Modules holds completed modules by module ID.
	Modules map[string]ModuleDone
	// Exams holds best exam results by exam ID.
	Exams map[string]ExamBest
	// HoursThisYear is the worker's training hours in the current year.
	HoursThisYear float64
	Awards        []Award
	// Checklists holds, by checklist ID, when the worker's practical
	// checklist was last accepted.
	Checklists map[string]time.Time
}

// MissingKind is the kind of requirement a worker has not met.
type MissingKind string

// The kinds of missing requirement.
const (
	MissingModule MissingKind = "module"
	MissingExam   MissingKind = "exam"
	MissingHours  MissingKind = "hours"
	MissingAward  MissingKind = "award"
	// MissingChecklist is a practical checklist not yet accepted.
	MissingChecklist MissingKind = "checklist"
)

// Missing is one requirement a worker has not met, with what it needs and
// what the worker has, so a page can say "module 反诈 version 3 needed,
// version 2 done".
type Missing struct {
	Kind MissingKind
	// Ref is the module, exam or contest ID; empty for hours and for an award
	// in any contest.
	Ref string
	// Need is the version, score, hours or award level required.
	Need float64
	// Have is what the worker has of it: 0 when None.
	Have float64
	// None is set when the record holds nothing for the requirement: the
	// module was never completed, the exam never taken, no award held.
	None bool
	// NotPassed is set for an exam taken but not passed, which may be so
	// even when its best score reaches Need.
	NotPassed bool
}

// Evaluation is the outcome of checking a worker's record against a
// program's requirements.
type Evaluation struct {
	Met bool
	// Missing lists the requirements not met: modules and exams in the order
	// required, then hours, then the award, then the checklists.
	Missing []Missing
}

// Evaluate checks a worker's record against a program's requirements.
//
// A module is met when it was completed at MinVersion or later. An exam is
// met when it was passed and its best score is at least MinScore. Hours are
// met when HoursThisYear is at least MinHours. An award is met by any award
// in the record at MinLevel or better (see AwardLevel.AtLeast) in the
// required contest. A checklist is met by its acceptance. Scores and hours are compared at hundredths, so that
// 59.9999 hours summed from lesson lengths meet a requirement of 60.
func Evaluate(req Requirements, rec Record) Evaluation {
	var missing []Missing
	for _, m := range req.Modules {
		done, ok := rec.Modules[m.ModuleID]
		if !ok {
			missing = append(missing, Missing{Kind: MissingModule, Ref: m.ModuleID, Need: float64(m.MinVersion), None: true})
		} else if done.Version < m.MinVersion {
			missing = append(missing, Missing{Kind: MissingModule, Ref: m.ModuleID, Need: float64(m.MinVersion), Have: float64(done.Version)})
		}
	}
	for _, e := range req.Exams {
		best, ok := rec.Exams[e.ExamID]
		switch {
		case !ok:
			missing = append(missing, Missing{Kind: MissingExam, Ref: e.ExamID, Need: e.MinScore, None: true})
		case !best.Passed || !atLeast(best.Score, e.MinScore):
			missing = append(missing, Missing{Kind: MissingExam, Ref: e.ExamID, Need: e.MinScore, Have: best.Score, NotPassed: !best.Passed})
		}
	}
	if !atLeast(rec.HoursThisYear, req.MinHours) {
		missing = append(missing, Missing{Kind: MissingHours, Need: req.MinHours, Have: rec.HoursThisYear})
	}
	if req.Award != nil {
		if m, ok := missingAward(*req.Award, rec.Awards); !ok {
			missing = append(missing, m)
		}
	}
	for _, c := range req.Checklists {
		if _, ok := rec.Checklists[c]; !ok {
			missing = append(missing, Missing{Kind: MissingChecklist, Ref: c, Need: 1, None: true})
		}
	}
	return Evaluation{Met: len(missing) == 0, Missing: missing}
}

// missingAward checks the award requirement, returning what is missing
// unless it is met. Have is the best level held in the required contest.
func missingAward(req AwardReq, awards []Award) (Missing, bool) {
	need := req.MinLevel
	if !need.Valid() {
		need = Excellence
	}
	m := Missing{Kind: MissingAward, Ref: req.ContestID, Need: float64(need), None: true}
	for _, a := range awards {
		if req.ContestID != "" && a.ContestID != req.ContestID || !a.Level.Valid() {
			continue
		}
		if a.Level.AtLeast(need) {
			return Missing{}, true
		}
		if m.None || float64(a.Level) < m.Have {
			m.Have, m.None = float64(a.Level), false
		}
	}
	return m, false
}

// atLeast compares a value with its requirement at hundredths.
func atLeast(have, need float64) bool {
	return round2(have) >= round2(need)
}

// Expiry returns when a certificate issued at issued with a validity of
// validityMonths stops being valid: it is valid before the returned instant,
// not at it. Months are added as time.AddDate adds them, keeping the day of
// the month and normalizing an overflow into the next month: issued on
// January 31, a one-month certificate expires on March 3 (March 2 in a leap
// year), and issued on February 29, a twelve-month one on March 1. A
// validity of 0 months or less means the certificate does not expire, and
// Expiry returns the zero Time.
func Expiry(issued time.Time, validityMonths int) time.Time {
	if validityMonths <= 0 {
		return time.Time{}
	}
	return issued.AddDate(0, validityMonths, 0)
}
