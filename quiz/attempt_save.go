package quiz

import (
	"context"
	"slices"
	"strconv"

	"gridskill"
	"gridskill/people"
)

// How saves are ordered when several devices answer one attempt.
//
// The server orders saves by arrival and assigns the stored seq itself: one
// counter per attempt, so "the answer with the highest stored seq" is the
// answer the server holds, whichever device sent it. A device's own seq is not
// comparable with another device's (two phones resuming an attempt would pick
// the same next number), so it is only compared with that device's earlier
// saves of the same question: it makes a retry idempotent (the same device,
// seq and answer get what that save got) and keeps a late, reordered save from
// replacing a newer one of the same device. A save that names the stored seq
// it replaces (base) is refused as stale when another device stored a newer
// answer since, so a phone that comes back online with old answers cannot
// overwrite what the worker answered on another phone meanwhile; the phone is
// told the answer the server holds instead, and shows it.

// AnswerSave is one answer as a device sends it.
type AnswerSave struct {
	// Answer is the answer in the API's JSON shape.
	Answer []byte
	// Device names the sending device (a page load of exam.js); empty for
	// clients that name none, which then count as one device.
	Device string
	// Seq is the device's own, increasing order number.
	Seq int64
	// Base is the stored seq of this question the device knew when the
	// answer was given; nil skips the check against other devices.
	Base *int64
}

// SaveResult is the server's answer to a save.
type SaveResult struct {
	// Saved is true when the server holds this save's answer.
	Saved bool
	// Seq is the stored seq of the answer the server holds.
	Seq int64
	// Answer is the answer the server holds, in the API's shape (nil when
	// nothing is held).
	Answer any
}

// maxDevice bounds a device name; it is kept with every save.
const maxDevice = 40

func validDevice(d string) bool {
	if len(d) > maxDevice {
		return false
	}
	for _, r := range d {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func newOpenAttempt(d openDoc) *openAttempt {
	return &openAttempt{doc: d, answers: map[string]savedAnswer{}, last: map[string]int64{}}
}

func lastKey(question, device string) string { return question + "\x00" + device }

// replay applies a stored save while the attempt is rebuilt at start.
func (att *openAttempt) replay(a answerDoc) {
	cseq := a.CSeq
	if cseq == 0 {
		cseq = a.Seq
	}
	k := lastKey(a.Question, a.Device)
	att.last[k] = max(att.last[k], cseq)
	att.rev = max(att.rev, a.Seq)
	if a.Seq > att.answers[a.Question].seq {
		att.answers[a.Question] = savedAnswer{answer: a.Answer, seq: a.Seq, device: a.Device, cseq: cseq}
	}
}

// SaveAnswer stores the actor's answer to one question of their open attempt,
// as ordered above, and says which answer the server now holds. A stored
// answer is written to the database (an insert with the id
// attempt:question:seq) before it returns. A retry of a stored save answers
// Saved again; a stale one changes nothing and answers Saved false with the
// held answer. Errors: invalid (not on the paper, wrong type, unknown option,
// bad seq or device), not_found, conflict (submitted, time is up), internal.
func (s *Service) SaveAnswer(ctx context.Context, actor people.User, attemptID, questionID string, in AnswerSave) (SaveResult, error) {
	att, err := s.attempt(ctx, actor, attemptID)
	if err != nil {
		return SaveResult{}, err
	}
	if in.Seq < 1 || in.Seq > 1<<50 {
		return SaveResult{}, gridskill.Errorf(gridskill.EINVALID, "seq must be a positive whole number")
	}
	if in.Base != nil && (*in.Base < 0 || *in.Base > 1<<50) {
		return SaveResult{}, gridskill.Errorf(gridskill.EINVALID, "base must be zero or a positive whole number")
	}
	if !validDevice(in.Device) {
		return SaveResult{}, gridskill.Errorf(gridskill.EINVALID, "device has at most 40 letters, digits, - or _")
	}
	att.mu.Lock()
	defer att.mu.Unlock()
	if att.done {
		return SaveResult{}, gridskill.Errorf(gridskill.ECONFLICT, "this attempt has been submitted")
	}
	now := s.clock.Now()
	if !now.Before(att.doc.Deadline) {
		return SaveResult{}, gridskill.Errorf(gridskill.ECONFLICT, "the time for this exam is over")
	}
	i := slices.IndexFunc(att.doc.Paper, func(it itemDoc) bool { return it.QID == questionID })
	if i < 0 {
		return SaveResult{}, gridskill.Errorf(gridskill.EINVALID, "this question is not on your paper")
	}
	it := att.doc.Paper[i]
	q, err := s.version(ctx, it.QID, it.Version)
	if err != nil {
		return SaveResult{}, err
	}
	answer, err := DecodeAnswer(q.Type, in.Answer, len(q.Options), q.BlankCount())
	if err != nil {
		return SaveResult{}, err
	}
	cur, held := att.answers[questionID]
	heldResult := func(saved bool) SaveResult {
		r := SaveResult{Saved: saved, Seq: cur.seq}
		if held {
			r.Answer = answerValue(q.Type, cur.answer)
		}
		return r
	}
	k := lastKey(questionID, in.Device)
	if in.Seq <= att.last[k] {
		// A retry (the same device, seq and answer) answers what that save
		// got; anything else is stale. Clients that name no device all share
		// one, so the answer must match too.
		return heldResult(held && cur.device == in.Device && cur.cseq == in.Seq && slices.Equal(cur.answer, answer)), nil
	}
	if held && in.Base != nil && cur.seq > *in.Base && cur.device != in.Device {
		return heldResult(false), nil
	}
	// The seq is used up even if the write fails: a write that timed out may
	// still land, and its id must never be reused for another answer.
	att.rev++
	seq := att.rev
	d := answerDoc{ID: attemptID + ":" + questionID + ":" + strconv.FormatInt(seq, 10), Attempt: attemptID, Exam: att.doc.ExamID, Question: questionID, Seq: seq,
		Device: in.Device, CSeq: in.Seq, Answer: answer, At: now}
	if err := s.answers.Do(ctx, d); err != nil {
		return SaveResult{}, gridskill.Internal(err)
	}
	att.last[lastKey(questionID, in.Device)] = in.Seq
	att.answers[questionID] = savedAnswer{answer: answer, seq: seq, device: in.Device, cseq: in.Seq}
	if !s.current(att) {
		// Stored, but perhaps after the exam's new owner read its saves:
		// the retry there is stored again, or recognised as this save.
		return SaveResult{}, moving()
	}
	return SaveResult{Saved: true, Seq: seq}, nil
}

// Paper returns the actor's open attempt with this id as their phone shows
// it, with what is saved so far. It never starts an attempt. A finished
// attempt is a conflict (read it with Review). Errors: invalid, not_found,
// conflict, internal.
func (s *Service) Paper(ctx context.Context, actor people.User, attemptID string) (Paper, error) {
	att, err := s.attempt(ctx, actor, attemptID)
	if err != nil {
		return Paper{}, err
	}
	e, ok := s.examByID(att.doc.ExamID)
	if !ok {
		return Paper{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such exam")
	}
	return s.paper(ctx, att, e)
}
