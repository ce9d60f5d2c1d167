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
