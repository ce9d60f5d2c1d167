package quiz

import (
	"slices"
	"testing"

	"gridskill/scoring"
)

func TestTypesCannotBeChangedByACaller(t *testing.T) {
	got := Types()
	got[0] = "essay"
	if want := []scoring.QuestionType{scoring.Single, scoring.Multiple, scoring.TrueFalse, scoring.Blank}; !slices.Equal(Types(), want) {
		t.Fatalf("Types() = %v after a caller changed its copy; want %v", Types(), want)
	}
}

func TestOptionKeysCannotBeChangedByACaller(t *testing.T) {
	got := OptionKeys()
	got[0] = "Z"
	if k := OptionKeys(); k[0] != "A" || optionKeys[0] != "A" || len(k) != 8 {
		t.Fatalf("OptionKeys() = %v after a caller changed its copy; want A to H", k)
	}
}
