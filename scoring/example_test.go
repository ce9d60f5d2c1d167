package scoring_test

import (
	"fmt"
	"time"

	"gridskill/scoring"
)

func ExampleGrade() {
	key := scoring.Key{
		Type:      scoring.Multiple,
		Options:   []string{"A", "B", "C", "D"},
		Correct:   []string{"A", "B", "C"},
		MultiRule: scoring.PerOption,
	}
	r := scoring.Grade(key, []string{"A", "C", "D"}, 3)
	fmt.Println(r.Earned, r.Correct, r.Parts)
	// Output: 1 false [true true false]
}

func ExampleGrade_blank() {
	key := scoring.Key{Type: scoring.Blank, Blanks: [][]string{{"110"}, {"反诈中心", "国家反诈中心"}}}
	r := scoring.Grade(key, []string{"１１０", "国家反诈中心。"}, 2)
	fmt.Println(r.Earned, r.Correct)
	// Output: 2 true
}

func ExampleSpeedPoints() {
	shown := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
	t := scoring.ResponseTime(shown, shown.Add(5300*time.Millisecond), 300*time.Millisecond, time.Second, 20*time.Second)
	fmt.Println(t, scoring.SpeedPoints(true, t, 20*time.Second, 1000))
	// Output: 5s 875
}

func ExampleRank() {
	for _, r := range scoring.Rank([]scoring.Entry{
		{ID: "zhao", Score: 70, Time: time.Minute},
		{ID: "qian", Score: 90, Time: 2 * time.Minute},
		{ID: "sun", Score: 70, Time: time.Minute},
		{ID: "li", Score: 80, Time: time.Minute},
		{ID: "zhou", Score: 70, Time: 2 * time.Minute},
	}) {
		fmt.Println(r.Rank, r.ID)
	}
	// Output:
	// 1 qian
	// 2 li
	// 3 sun
	// 3 zhao
	// 5 zhou
}

func ExampleExpiry() {
	issued := time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC)
	fmt.Println(scoring.Expiry(issued, 1).Format(time.DateOnly))
	// Output: 2025-03-03
}
