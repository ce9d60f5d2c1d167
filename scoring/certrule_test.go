package scoring

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"gridskill"
)

var program = Requirements{
	Modules:  []ModuleReq{{"antifraud", 3}, {"mediation", 1}},
	Exams:    []ExamReq{{"qualify-2025", 80}},
	MinHours: 40,
}

// qualified returns a record that meets program; each test changes it.
func qualified() Record {
	return Record{
		Modules: map[string]ModuleDone{
			"antifraud": {Version: 3, At: end},
			"mediation": {Version: 2, At: end},
		},
		Exams:         map[string]ExamBest{"qualify-2025": {Score: 85, Passed: true, At: end}},
		HoursThisYear: 42,
	}
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name   string
		req    Requirements
		change func(*Record)
		want   []Missing
	}{
		{"MetWhenEverythingIsDone", program, func(*Record) {}, nil},
		{"NoRequirementsAreMetByAnEmptyRecord", Requirements{}, func(r *Record) { *r = Record{} }, nil},
		{"NewerModuleVersionIsMet", program, func(r *Record) { r.Modules["antifraud"] = ModuleDone{Version: 4} }, nil},
		{"OlderModuleVersionIsMissing", program, func(r *Record) { r.Modules["antifraud"] = ModuleDone{Version: 2} },
			[]Missing{{Kind: MissingModule, Ref: "antifraud", Need: 3, Have: 2}}},
		{"ModuleNeverDoneIsMissing", program, func(r *Record) { delete(r.Modules, "mediation") },
			[]Missing{{Kind: MissingModule, Ref: "mediation", Need: 1, None: true}}},
		{"ExamAtMinimumScoreIsMet", program, func(r *Record) { r.Exams["qualify-2025"] = ExamBest{Score: 80, Passed: true} }, nil},
		{"ExamBelowMinimumScoreIsMissing", program, func(r *Record) { r.Exams["qualify-2025"] = ExamBest{Score: 75, Passed: true} },
			[]Missing{{Kind: MissingExam, Ref: "qualify-2025", Need: 80, Have: 75}}},
		{"ExamNotPassedIsMissingWhateverTheScore", program, func(r *Record) { r.Exams["qualify-2025"] = ExamBest{Score: 85} },
			[]Missing{{Kind: MissingExam, Ref: "qualify-2025", Need: 80, Have: 85, NotPassed: true}}},
		{"ExamNeverTakenIsMissing", program, func(r *Record) { r.Exams = nil },
			[]Missing{{Kind: MissingExam, Ref: "qualify-2025", Need: 80, None: true}}},
		{"HoursAtMinimumAreMet", program, func(r *Record) { r.HoursThisYear = 40 }, nil},
		{"HoursShortOfMinimumAreMissing", program, func(r *Record) { r.HoursThisYear = 39.5 },
			[]Missing{{Kind: MissingHours, Need: 40, Have: 39.5}}},
		{"HoursWithFloatingNoiseAreMet", program, func(r *Record) { r.HoursThisYear = 39.999999 }, nil},
		{"ListsEverythingMissingInOrder", program, func(r *Record) { *r = Record{Modules: map[string]ModuleDone{"antifraud": {Version: 1}}} },
			[]Missing{
				{Kind: MissingModule, Ref: "antifraud", Need: 3, Have: 1},
				{Kind: MissingModule, Ref: "mediation", Need: 1, None: true},
				{Kind: MissingExam, Ref: "qualify-2025", Need: 80, None: true},
				{Kind: MissingHours, Need: 40},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := qualified()
			tt.change(&rec)
			got := Evaluate(tt.req, rec)
			if got.Met != (len(tt.want) == 0) || !reflect.DeepEqual(got.Missing, tt.want) {
				t.Errorf("Evaluate = %+v, want missing %+v", got, tt.want)
			}
		})
	}
}

func TestEvaluateAward(t *testing.T) {
	district := &AwardReq{ContestID: "district-2025", MinLevel: ThirdPrize}
	tests := []struct {
		name   string
		req    *AwardReq
		awards []Award
		want   []Missing
	}{
		{"BetterAwardIsMet", district, []Award{{"district-2025", SecondPrize}}, nil},
		{"SameLevelIsMet", district, []Award{{"district-2025", ThirdPrize}}, nil},
		{"LowerAwardIsMissing", district, []Award{{"district-2025", Excellence}},
			[]Missing{{Kind: MissingAward, Ref: "district-2025", Need: 3, Have: 4}}},
		{"AwardInAnotherContestIsMissing", district, []Award{{"street-2025", FirstPrize}},
			[]Missing{{Kind: MissingAward, Ref: "district-2025", Need: 3, None: true}}},
		{"NoAwardIsMissing", district, nil,
			[]Missing{{Kind: MissingAward, Ref: "district-2025", Need: 3, None: true}}},
		{"AnyContestAcceptsAwardInAnyContest", &AwardReq{MinLevel: SecondPrize}, []Award{{"street-2025", FirstPrize}}, nil},
		{"AnyContestReportsTheBestHeld", &AwardReq{MinLevel: SecondPrize}, []Award{{"a", Excellence}, {"b", ThirdPrize}, {"c", Excellence}},
			[]Missing{{Kind: MissingAward, Need: 2, Have: 3}}},
		{"InvalidLevelsHeldAreIgnored", district, []Award{{"district-2025", 0}, {"district-2025", 7}},
			[]Missing{{Kind: MissingAward, Ref: "district-2025", Need: 3, None: true}}},
		{"InvalidMinimumLevelAcceptsAnyAward", &AwardReq{}, []Award{{"x", Excellence}}, nil},
		{"InvalidMinimumLevelStillNeedsAnAward", &AwardReq{}, nil,
			[]Missing{{Kind: MissingAward, Need: 4, None: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := qualified()
			rec.Awards = tt.awards
			req := program
			req.Award = tt.req
			got := Evaluate(req, rec)
			if got.Met != (len(tt.want) == 0) || !reflect.DeepEqual(got.Missing, tt.want) {
				t.Errorf("Evaluate = %+v, want missing %+v", got, tt.want)
			}
		})
	}
}

func TestAwardLevelAtLeast(t *testing.T) {
	tests := []struct {
		level, want AwardLevel
		ok          bool
	}{
		{FirstPrize, FirstPrize, true},
		{FirstPrize, Excellence, true},
		{SecondPrize, ThirdPrize, true},
		{ThirdPrize, SecondPrize, false},
		{Excellence, ThirdPrize, false},
		{0, Excellence, false},
		{5, Excellence, false},
		{Excellence, 0, true},
	}
	for _, tt := range tests {
		if got := tt.level.AtLeast(tt.want); got != tt.ok {
			t.Errorf("AwardLevel(%d).AtLeast(%d) = %v, want %v", tt.level, tt.want, got, tt.ok)
		}
	}
}

func TestRequirementsValidate(t *testing.T) {
	tests := []struct {
		name    string
		req     Requirements
		wantErr string
	}{
		{"AcceptsProgram", program, ""},
		{"AcceptsNothingRequired", Requirements{}, ""},
		{"AcceptsAward", Requirements{Award: &AwardReq{MinLevel: Excellence}}, ""},
		{"RejectsModuleWithoutID", Requirements{Modules: []ModuleReq{{"", 1}}}, "module"},
		{"RejectsNegativeVersion", Requirements{Modules: []ModuleReq{{"m", -1}}}, "version"},
		{"RejectsExamWithoutID", Requirements{Exams: []ExamReq{{"", 60}}}, "exam"},
		{"RejectsNegativeScore", Requirements{Exams: []ExamReq{{"e", -1}}}, "score"},
		{"RejectsNegativeHours", Requirements{MinHours: -2}, "hours"},
		{"RejectsInvalidAwardLevel", Requirements{Award: &AwardReq{MinLevel: 5}}, "award level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.req.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Validate() = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestExpiry(t *testing.T) {
	cst := gridskill.ChinaZone()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name   string
		issued time.Time
		months int
		want   time.Time
	}{
		{"AddsMonths", day(2025, 3, 15), 24, day(2027, 3, 15)},
		{"CrossesTheYear", day(2025, 10, 15), 3, day(2026, 1, 15)},
		{"JanuaryThirtyFirstPlusOneMonthIsMarchThird", day(2025, 1, 31), 1, day(2025, 3, 3)},
		{"InALeapYearItIsMarchSecond", day(2024, 1, 31), 1, day(2024, 3, 2)},
		{"LeapDayPlusAYearIsMarchFirst", day(2024, 2, 29), 12, day(2025, 3, 1)},
		{"AugustThirtyFirstPlusSixMonthsOverflowsFebruary", day(2025, 8, 31), 6, day(2026, 3, 3)},
		{"KeepsTimeOfDayAndZone", time.Date(2025, 5, 20, 14, 30, 0, 0, cst), 12, time.Date(2026, 5, 20, 14, 30, 0, 0, cst)},
		{"ZeroMonthsNeverExpires", day(2025, 3, 15), 0, time.Time{}},
		{"NegativeMonthsNeverExpire", day(2025, 3, 15), -6, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Expiry(tt.issued, tt.months); !got.Equal(tt.want) || got.Location() != tt.want.Location() {
				t.Errorf("Expiry(%v, %d) = %v, want %v", tt.issued, tt.months, got, tt.want)
			}
		})
	}
}

func TestEvaluateChecklists(t *testing.T) {
	req := Requirements{Checklists: []string{"pc-eight-tasks", "pc-first-month"}}
	at := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	t.Run("MissingUntilAccepted", func(t *testing.T) {
		ev := Evaluate(req, Record{Checklists: map[string]time.Time{"pc-eight-tasks": at}})
		if ev.Met || len(ev.Missing) != 1 || ev.Missing[0].Kind != MissingChecklist || ev.Missing[0].Ref != "pc-first-month" || !ev.Missing[0].None {
			t.Fatalf("%+v", ev)
		}
	})
	t.Run("MetWhenEveryOneIsAccepted", func(t *testing.T) {
		ev := Evaluate(req, Record{Checklists: map[string]time.Time{"pc-eight-tasks": at, "pc-first-month": at}})
		if !ev.Met {
			t.Fatalf("%+v", ev)
		}
	})
	t.Run("RejectsEmptyID", func(t *testing.T) {
		if err := (Requirements{Checklists: []string{""}}).Validate(); err == nil {
			t.Fatal("an empty checklist id is valid")
		}
	})
}
