package scoring

import (
	"math"
	"slices"
	"strings"
	"testing"
)

var (
	singleB = Key{Type: Single, Options: []string{"A", "B", "C", "D"}, Correct: []string{"B"}}
	trueF   = Key{Type: TrueFalse, Correct: []string{"F"}}
)

// multi returns a four-option multiple choice key with A and C right, or the
// right options given.
func multi(rule MultiRule, correct ...string) Key {
	if len(correct) == 0 {
		correct = []string{"A", "C"}
	}
	return Key{Type: Multiple, Options: []string{"A", "B", "C", "D"}, Correct: correct, MultiRule: rule}
}

func TestGrade(t *testing.T) {
	twoBlanks := Key{Type: Blank, Blanks: [][]string{{"网格化管理", "网格管理"}, {"ABC123"}}}
	threeBlanks := Key{Type: Blank, Blanks: [][]string{{"一"}, {"二"}, {"三"}}}
	tests := []struct {
		name     string
		key      Key
		response []string
		points   float64
		want     Result
	}{
		// Single choice and true/false.
		{"SingleRight", singleB, []string{"B"}, 2, Result{Earned: 2, Possible: 2, Correct: true, Parts: []bool{true}}},
		{"SingleWrong", singleB, []string{"A"}, 2, Result{Earned: 0, Possible: 2, Parts: []bool{false}}},
		{"SingleLowerCaseAndFullWidthKeyIsTheSameKey", singleB, []string{" ｂ "}, 2, Result{Earned: 2, Possible: 2, Correct: true, Parts: []bool{true}}},
		{"SingleTwoKeysIsWrongEvenWithTheRightOne", singleB, []string{"A", "B"}, 2, Result{Possible: 2, Parts: []bool{false, true}}},
		{"SingleRepeatedRightKeyEarnsOnce", singleB, []string{"B", "B"}, 2, Result{Earned: 2, Possible: 2, Correct: true, Parts: []bool{true, true}}},
		{"SingleUnknownKeyIsWrong", singleB, []string{"Z"}, 2, Result{Possible: 2, Parts: []bool{false}}},
		{"SingleNilResponseIsUnanswered", singleB, nil, 2, Result{Possible: 2}},
		{"SingleEmptyStringsAreUnanswered", singleB, []string{"", "  "}, 2, Result{Possible: 2, Parts: []bool{false, false}}},
		{"TrueFalseRight", trueF, []string{"F"}, 1, Result{Earned: 1, Possible: 1, Correct: true, Parts: []bool{true}}},
		{"TrueFalseWrong", trueF, []string{"T"}, 1, Result{Possible: 1, Parts: []bool{false}}},
		{"TrueFalseBothAnswersIsWrong", trueF, []string{"T", "F"}, 1, Result{Possible: 1, Parts: []bool{false, true}}},
		{"SingleWithoutRightOptionEarnsNothing", Key{Type: Single, Options: []string{"A"}}, []string{"A"}, 1, Result{Possible: 1, Parts: []bool{false}}},

		// Multiple choice, all or nothing.
		{"AllOrNothingExactEarnsAll", multi(AllOrNothing), []string{"C", "A"}, 4, Result{Earned: 4, Possible: 4, Correct: true, Parts: []bool{true, true}}},
		{"AllOrNothingSubsetEarnsNothing", multi(AllOrNothing), []string{"A"}, 4, Result{Possible: 4, Parts: []bool{true}}},
		{"AllOrNothingExtraWrongEarnsNothing", multi(AllOrNothing), []string{"A", "B", "C"}, 4, Result{Possible: 4, Parts: []bool{true, false, true}}},
		{"EmptyRuleIsAllOrNothing", multi(""), []string{"A"}, 4, Result{Possible: 4, Parts: []bool{true}}},
		{"EmptyRuleExactEarnsAll", multi(""), []string{"A", "C"}, 4, Result{Earned: 4, Possible: 4, Correct: true, Parts: []bool{true, true}}},

		// Multiple choice, half for a subset.
		{"HalfForSubsetExactEarnsAll", multi(HalfForSubset), []string{"A", "C"}, 3, Result{Earned: 3, Possible: 3, Correct: true, Parts: []bool{true, true}}},
		{"HalfForSubsetWithoutWrongOption", multi(HalfForSubset), []string{"C"}, 3, Result{Earned: 1.5, Possible: 3, Parts: []bool{true}}},
		{"HalfForSubsetWithWrongOptionEarnsNothing", multi(HalfForSubset), []string{"A", "D"}, 3, Result{Possible: 3, Parts: []bool{true, false}}},
		{"HalfForSubsetAllRightPlusWrongEarnsNothing", multi(HalfForSubset), []string{"A", "C", "D"}, 3, Result{Possible: 3, Parts: []bool{true, true, false}}},
		{"HalfForSubsetEmptyEarnsNothing", multi(HalfForSubset), []string{}, 3, Result{Possible: 3}},
		{"HalfForSubsetRepeatedKeyIsStillASubset", multi(HalfForSubset), []string{"A", "A", "a"}, 3, Result{Earned: 1.5, Possible: 3, Parts: []bool{true, true, true}}},
		{"HalfForSubsetUnknownKeyIsWrong", multi(HalfForSubset), []string{"A", "E"}, 3, Result{Possible: 3, Parts: []bool{true, false}}},
		{"HalfOfAQuarterRoundsHalfUp", multi(HalfForSubset), []string{"A"}, 0.25, Result{Earned: 0.13, Possible: 0.25, Parts: []bool{true}}},

		// Multiple choice, per option: k = 3 right options A, B, C.
		{"PerOptionAllRightEarnsAll", multi(PerOption, "A", "B", "C"), []string{"A", "B", "C"}, 3, Result{Earned: 3, Possible: 3, Correct: true, Parts: []bool{true, true, true}}},
		{"PerOptionTwoOfThreeEarnsTwoThirds", multi(PerOption, "A", "B", "C"), []string{"A", "B"}, 2, Result{Earned: 1.33, Possible: 2, Parts: []bool{true, true}}},
		{"PerOptionOneOfThreeEarnsOneThird", multi(PerOption, "A", "B", "C"), []string{"C"}, 2, Result{Earned: 0.67, Possible: 2, Parts: []bool{true}}},
		{"PerOptionWrongOptionTakesAThirdAway", multi(PerOption, "A", "B", "C"), []string{"A", "B", "D"}, 3, Result{Earned: 1, Possible: 3, Parts: []bool{true, true, false}}},
		{"PerOptionAllRightPlusWrongIsNotCorrect", multi(PerOption, "A", "B", "C"), []string{"A", "B", "C", "D"}, 3, Result{Earned: 2, Possible: 3, Parts: []bool{true, true, true, false}}},
		{"PerOptionFloorsAtZero", multi(PerOption, "A"), []string{"A", "B", "C"}, 3, Result{Possible: 3, Parts: []bool{true, false, false}}},
		{"PerOptionRepeatedRightKeyCountsOnce", multi(PerOption, "A", "B", "C"), []string{"A", "A", "A"}, 3, Result{Earned: 1, Possible: 3, Parts: []bool{true, true, true}}},
		{"PerOptionUnknownKeysCountAsWrong", multi(PerOption, "A", "B"), []string{"A", "B", "X"}, 2, Result{Earned: 1, Possible: 2, Parts: []bool{true, true, false}}},
		{"MultipleWithoutRightOptionEarnsNothing", Key{Type: Multiple, Options: []string{"A"}, MultiRule: PerOption}, []string{"A"}, 2, Result{Possible: 2, Parts: []bool{false}}},

		// Fill in the blank.
		{"BlanksAllRight", twoBlanks, []string{"网格管理", "ＡＢＣ１２３"}, 3, Result{Earned: 3, Possible: 3, Correct: true, Parts: []bool{true, true}}},
		{"BlanksOneOfTwoEarnsHalf", twoBlanks, []string{"网格化 管理。", "abc12"}, 3, Result{Earned: 1.5, Possible: 3, Parts: []bool{true, false}}},
		{"BlanksOneOfThreeEarnsAThird", threeBlanks, []string{"一", "三", "二"}, 2, Result{Earned: 0.67, Possible: 2, Parts: []bool{true, false, false}}},
		{"BlanksTwoOfThreeEarnsTwoThirds", threeBlanks, []string{"一", "二"}, 2, Result{Earned: 1.33, Possible: 2, Parts: []bool{true, true, false}}},
		{"BlanksTextBeyondLastBlankIsIgnored", threeBlanks, []string{"一", "二", "三", "四"}, 2, Result{Earned: 2, Possible: 2, Correct: true, Parts: []bool{true, true, true}}},
		{"BlanksNumeralsAndDigitsAlike", Key{Type: Blank, Blanks: [][]string{{"三十"}, {"三合一"}}}, []string{"30", "3合1"}, 2, Result{Earned: 2, Possible: 2, Correct: true, Parts: []bool{true, true}}},
		{"BlanksWrongNumberStaysWrong", Key{Type: Blank, Blanks: [][]string{{"三十"}}}, []string{"13"}, 2, Result{Possible: 2, Parts: []bool{false}}},
		{"BlanksEmptyResponseEarnsNothing", threeBlanks, nil, 2, Result{Possible: 2, Parts: []bool{false, false, false}}},
		{"BlanksEmptyTextNeverMatchesEmptyAnswer", Key{Type: Blank, Blanks: [][]string{{""}}}, []string{""}, 2, Result{Possible: 2, Parts: []bool{false}}},
		{"BlankQuestionWithoutBlanksEarnsNothing", Key{Type: Blank}, []string{"x"}, 2, Result{Possible: 2}},

		// Points.
		{"NegativePointsCountAsZero", singleB, []string{"B"}, -5, Result{Possible: 0, Correct: true, Parts: []bool{true}}},
		{"NaNPointsCountAsZero", singleB, []string{"B"}, math.NaN(), Result{Possible: 0, Correct: true, Parts: []bool{true}}},
		{"InfinitePointsCountAsZero", singleB, []string{"B"}, math.Inf(1), Result{Possible: 0, Correct: true, Parts: []bool{true}}},
		{"FractionalPointsKeptWhenFullyRight", singleB, []string{"B"}, 1.0 / 3, Result{Earned: 1.0 / 3, Possible: 1.0 / 3, Correct: true, Parts: []bool{true}}},
		{"UnknownTypeEarnsNothing", Key{Type: "essay"}, []string{"B"}, 5, Result{Possible: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Grade(tt.key, tt.response, tt.points)
			if got.Earned != tt.want.Earned || got.Possible != tt.want.Possible || got.Correct != tt.want.Correct || !slices.Equal(got.Parts, tt.want.Parts) {
				t.Errorf("Grade(%v, %q, %v) = %+v, want %+v", tt.key, tt.response, tt.points, got, tt.want)
			}
		})
	}
}

func TestGradeDoesNotChangeItsInput(t *testing.T) {
	key := multi(PerOption)
	response := []string{" a", "Ｃ"}
	Grade(key, response, 2)
	if !slices.Equal(response, []string{" a", "Ｃ"}) || !slices.Equal(key.Correct, []string{"A", "C"}) {
		t.Errorf("Grade changed its input: response %q, correct %q", response, key.Correct)
	}
}

func TestKeyValidate(t *testing.T) {
	tests := []struct {
		name    string
		key     Key
		wantErr string
	}{
		{"AcceptsSingle", singleB, ""},
		{"AcceptsTrueFalseWithoutOptions", trueF, ""},
		{"AcceptsMultiple", multi(PerOption), ""},
		{"AcceptsBlank", Key{Type: Blank, Blanks: [][]string{{"a", ""}, {"b"}}}, ""},
		{"RejectsUnknownType", Key{Type: "essay"}, "unknown question type"},
		{"RejectsChoiceWithoutOptions", Key{Type: Single, Correct: []string{"A"}}, "needs options"},
		{"RejectsDuplicateOptions", Key{Type: Single, Options: []string{"A", "ａ"}, Correct: []string{"A"}}, "distinct"},
		{"RejectsRightOptionNotAmongOptions", Key{Type: Single, Options: []string{"A", "B"}, Correct: []string{"C"}}, "not one of the options"},
		{"RejectsSingleWithTwoRightOptions", Key{Type: Single, Options: []string{"A", "B"}, Correct: []string{"A", "B"}}, "exactly one"},
		{"RejectsTrueFalseWithoutRightOption", Key{Type: TrueFalse}, "exactly one"},
		{"RejectsMultipleWithoutRightOption", Key{Type: Multiple, Options: []string{"A", "B"}}, "at least one"},
		{"RejectsUnknownMultiRule", multi("most"), "unknown multiple choice rule"},
		{"RejectsBlankQuestionWithoutBlanks", Key{Type: Blank}, "at least one blank"},
		{"RejectsBlankWithOnlyEmptyAnswers", Key{Type: Blank, Blanks: [][]string{{"a"}, {" ", "\u200b"}}}, "blank 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.key.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Validate() = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// FuzzGradeChoice checks that choice questions never panic and never award
// points outside [0, points], whatever the key and the response.
func FuzzGradeChoice(f *testing.F) {
	f.Add("multiple", "A,C", "A,B,C,D", "per_option", "A,C,C,x", 2.0)
	f.Add("multiple", "A,C", "A,B,C,D", "half_for_subset", "ａ", 3.0)
	f.Add("single", "B", "A,B", "", "B,B", 1.0)
	f.Add("truefalse", "T", "", "", "", -1.0)
	f.Fuzz(func(t *testing.T, typ, correct, options, rule, response string, points float64) {
		key := Key{Type: QuestionType(typ), Correct: split(correct), Options: split(options), MultiRule: MultiRule(rule)}
		checkResult(t, Grade(key, split(response), points), len(split(response)))
	})
}

// FuzzGradeBlank checks that blank questions never panic and never award
// points outside [0, points].
func FuzzGradeBlank(f *testing.F) {
	f.Add("网格化管理|网格管理,ABC123", "网格管理,ＡＢＣ１２３", 3.0)
	f.Add(",", ",", 1.0)
	f.Add("a", "", 0.1)
	f.Fuzz(func(t *testing.T, blanks, response string, points float64) {
		var key Key
		key.Type = Blank
		for _, b := range split(blanks) {
			key.Blanks = append(key.Blanks, strings.Split(b, "|"))
		}
		r := Grade(key, split(response), points)
		checkResult(t, r, len(key.Blanks))
	})
}

func checkResult(t *testing.T, r Result, wantParts int) {
	t.Helper()
	if math.IsNaN(r.Earned) || r.Earned < 0 || r.Earned > r.Possible || math.IsInf(r.Possible, 0) || r.Possible < 0 {
		t.Fatalf("result %+v is outside [0, possible]", r)
	}
	if r.Correct && r.Earned != r.Possible {
		t.Fatalf("fully right result %+v earns less than the points", r)
	}
	if r.Parts != nil && len(r.Parts) != wantParts {
		t.Fatalf("result %+v has %d parts, want %d", r, len(r.Parts), wantParts)
	}
}

// split splits a comma-separated fuzz input into a slice, nil when empty.
func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
