package contest

import (
	"encoding/json"
	"testing"
)

// meOf decodes a viewer's own part of the live state.
func (f *fixture) meOf(c Contest, worker string) meJSON {
	f.t.Helper()
	var m meJSON
	f.must(json.Unmarshal(f.s.liveOf(c.ID).me(worker), &m))
	return m
}

// A phone used to see its points (and rank by them) the moment its answer
// was in, while the question was still open.
func TestNoScoreOfAnOpenQuestionIsShown(t *testing.T) {
	f := newFixture(t)
	c, round, w := timedRound(f, Round{Title: "必答", Kind: Speed}, 2)
	f.host(c, round, ActNext)
	_, err := f.answer(c, w[0], AnswerRequest{Item: 0, Answer: []string{"B"}})
	f.must(err)
	if m := f.meOf(c, w[0].ID); m.Points != 0 || m.Streak != 0 {
		t.Fatalf("while open the phone shows %v points, streak %d; want 0, 0", m.Points, m.Streak)
	}
	f.host(c, round, ActClose)
	first := f.meOf(c, w[0].ID)
	if first.Points <= 0 || first.Streak != 1 {
		t.Fatalf("after the close the phone shows %v points, streak %d", first.Points, first.Streak)
	}
	f.host(c, round, ActNext)
	_, err = f.answer(c, w[0], AnswerRequest{Item: 1, Answer: []string{"B"}})
	f.must(err)
	if m := f.meOf(c, w[0].ID); m.Points != first.Points {
		t.Fatalf("while the second question is open the phone shows %v points, want %v", m.Points, first.Points)
	}

	t.Run("NotAfterARestartEither", func(t *testing.T) {
		f.s = f.restart()
		if m := f.meOf(c, w[0].ID); m.Points != first.Points {
			t.Fatalf("after a restart mid-question the phone shows %v points, want %v", m.Points, first.Points)
		}
	})
}

// A wrong answer and no answer both score 0; ranked by answer time, the
// one who answered (and so spent time) came after the one who stayed silent.
func TestWrongAnswerRanksAboveNoAnswer(t *testing.T) {
	f := newFixture(t)
	c, round, w := timedRound(f, Round{Title: "必答", Kind: Speed}, 1)
	f.host(c, round, ActNext)
	f.clock.Advance(5e9)
	_, err := f.answer(c, w[1], AnswerRequest{Item: 0, Answer: []string{"A"}}) // wrong
	f.must(err)
	f.host(c, round, ActClose)
	wrong, silent := f.meOf(c, w[1].ID), f.meOf(c, w[2].ID)
	if wrong.Rank >= silent.Rank {
		t.Fatalf("the wrong answer ranks %d, no answer %d; want the answer first", wrong.Rank, silent.Rank)
	}
}
