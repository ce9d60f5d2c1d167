package seed

import (
	"io/fs"
	"strings"
	"testing"
)

// The subject review's corrections stay made: the safety steps a lesson
// must teach are there, and the statements found wrong are gone.
func TestShippedLessonsKeepTheReviewedFacts(t *testing.T) {
	lesson := func(name string) string {
		t.Helper()
		b, err := fs.ReadFile(Content, "content/modules/"+name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		lesson, has, hasNot string
	}{
		{"01-anti-fraud/03-scams-fear-and-trust.md", "不会把\"通缉令\"发给你本人看", "不会在网上发通缉令"},
		{"05-hazard/05-record-report-emergency.md", "关闭燃气阀门", ""},
		{"05-hazard/05-record-report-emergency.md", "在确保自身安全的前提下", ""},
		{"05-hazard/05-record-report-emergency.md", "烟大不开门", ""},
		{"05-hazard/05-record-report-emergency.md", "关门待援", ""},
		{"04-mediation/02-on-the-spot-mediation.md", "按实际维修费用赔偿", "由双方各承担一半"},
		{"04-mediation/01-find-and-listen.md", "人身安全保护令", ""},
		{"06-info-collection/02-door-to-door.md", "当天或按规定时限", ""},
	}
	for _, tt := range tests {
		text := lesson(tt.lesson)
		if !strings.Contains(text, tt.has) {
			t.Errorf("%s lacks %q", tt.lesson, tt.has)
		}
		if tt.hasNot != "" && strings.Contains(text, tt.hasNot) {
			t.Errorf("%s still says %q", tt.lesson, tt.hasNot)
		}
	}
	mods, err := fs.Glob(Content, "content/modules/*/*.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mods {
		for _, line := range strings.Split(lesson(strings.TrimPrefix(m, "content/modules/")), "\n") {
			if strings.HasPrefix(line, "|") {
				t.Errorf("%s has a table, which scrolls sideways on a phone: %q", m, line)
				break
			}
		}
	}
}
