package courses

import (
	"context"
	"math"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill"
	"gridskill/people"
)

// Practical tasks (实操任务) done in the field count as training hours once a
// mentor accepts them. Their hours go to the worker's record beside the
// offline sessions, so the record's totals, the transcript and certification
// read one sum.

// CreditPractical adds the hours of an accepted practical task to a worker's
// record, dated the day it was accepted (China's calendar). It is guarded by
// the task's id, so crediting the same task again changes nothing.
// Errors: invalid, internal.
func (s *Service) CreditPractical(ctx context.Context, workerID, taskID, title string, hours float64, acceptedAt time.Time) error {
	if workerID == "" || !ValidID(taskID) || math.IsNaN(hours) || hours <= 0 || hours > 200 {
		return gridskill.Errorf(gridskill.EINVALID, "malformed practical task credit")
	}
	day := acceptedAt.In(gridskill.ChinaZone())
	ref := sessionRefDoc{ID: taskID, Topic: title, Date: day.Format("2006-01-02"), Hours: round1(hours)}
	_, err := s.repo.updateProgress(ctx, workerID, bson.M{"sessions.id": bson.M{"$ne": taskID}}, bson.M{
		"$push": bson.M{"sessions": ref},
		"$inc":  bson.M{"years." + yearOf(day) + ".offlineHours": ref.Hours},
	})
	if err != nil {
		return err
	}
	s.changed(ctx, workerID)
	return nil
}

// StoreEvidence checks, re-encodes and stores a photo a worker took as
// evidence of a practical task, in the same media store as lesson images
// (same types, same limits, stored once by content). Any active account may
// store one; the task it belongs to is checked by the caller.
// Errors: forbidden, invalid, too_large.
func (s *Service) StoreEvidence(ctx context.Context, actor people.User, data []byte) (Image, error) {
	if !actor.Active {
		return Image{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this account is not active")
	}
	// A phone's photo is shrunk before it is stored (SaveImage), so a
	// mentor on a weak network opens a few hundred KB, not the camera's MB.
	return s.SaveImage(ctx, actor.ID, data)
}
