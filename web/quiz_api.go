package web

import (
	"bytes"
	"io"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/people"
	"gridskill/quiz"
	"gridskill/scoring"
	"gridskill/sheet"
)

type bankQuestionJSON struct {
	ID          string               `json:"id"`
	Version     int                  `json:"version"`
	Type        scoring.QuestionType `json:"type"`
	Stem        string               `json:"stem"`
	Options     []quiz.Option        `json:"options"`
	Answer      string               `json:"answer"`
	Explanation string               `json:"explanation"`
	Tags        []string             `json:"tags"`
	Difficulty  int                  `json:"difficulty"`
	Source      string               `json:"source,omitempty"`
	Status      quiz.Status          `json:"status"`
	UnitID      string               `json:"unitId"`
	UpdatedAt   time.Time            `json:"updatedAt"`
}

type bankQuestionsResponse struct {
	Total     int                `json:"total"`
	Questions []bankQuestionJSON `json:"questions"`
}

// quizFilter reads the bank filter from the query string.
func quizFilter(c *fiber.Ctx) quiz.Filter {
	f := quiz.Filter{Tag: c.Query("tag"), Type: scoring.QuestionType(c.Query("type")), Status: quiz.Status(c.Query("status")), Query: c.Query("q")}
	f.Difficulty, _ = strconv.Atoi(c.Query("difficulty"))
	f.Limit, _ = strconv.Atoi(c.Query("limit"))
	f.Offset, _ = strconv.Atoi(c.Query("offset"))
	return f
}

// apiQuestions: GET /api/v1/questions?tag=&type=&limit=&offset= → {"total", "questions"}.
func (s *Server) apiQuestions(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	list, total, err := s.quiz.List(c.UserContext(), u, quizFilter(c))
	if err != nil {
		return err
	}
	resp := bankQuestionsResponse{Total: total, Questions: make([]bankQuestionJSON, 0, len(list))}
	for _, q := range list {
		opts := q.Options
		if opts == nil {
			opts = []quiz.Option{}
		}
		resp.Questions = append(resp.Questions, bankQuestionJSON{ID: q.ID, Version: q.Version, Type: q.Type, Stem: q.Stem, Options: opts, Answer: q.Record().Answer,
			Explanation: q.Explanation, Tags: q.Tags, Difficulty: q.Difficulty, Source: q.Source, Status: q.Status, UnitID: q.UnitID, UpdatedAt: q.UpdatedAt})
	}
	return c.JSON(resp)
}

type bankDuplicateJSON struct {
	Row        int    `json:"row"`
	Stem       string `json:"stem"`
	QuestionID string `json:"questionId"`
}

type questionImportResponse struct {
	Written    bool                 `json:"written"`
	Created    int                  `json:"created"`
	Updated    int                  `json:"updated"`
	Unchanged  int                  `json:"unchanged"`
	Skipped    int                  `json:"skipped"`
	Duplicates []bankDuplicateJSON  `json:"duplicates"`
	Warnings   []contentWarningJSON `json:"warnings"`
	Ignored    []string             `json:"ignored"`
	Examples   int                  `json:"examplesSkipped"`
	Pending    string               `json:"pending,omitempty"`
}

// contentWarningJSON is one finding of the content check on an imported file.
type contentWarningJSON struct {
	Kind       quiz.WarningKind `json:"kind"`
	Row        int              `json:"row,omitempty"`
	OtherRow   int              `json:"otherRow,omitempty"`
	Detail     string           `json:"detail,omitempty"`
	KeyLongest int              `json:"keyLongest,omitempty"`
	Single     int              `json:"single,omitempty"`
	Expected   float64          `json:"expected,omitempty"`
}

// bankImport is what an import did, and what the file had that was left out.
type bankImport struct {
	quiz.ImportResult
	Ignored  []string
	Examples int
	// Pending keys the file kept while its uploader chooses what to do with
	// its duplicates; sent back with the choice instead of the file.
	Pending string
}

// importQuestions reads the uploaded bank, or the one kept for the caller
// under "pending" when they choose what to do with its duplicates, and
// imports it with the chosen duplicates rule.
func (s *Server) importQuestions(c *fiber.Ctx, u people.User) (bankImport, error) {
	filename, data, err := s.bankUpload(c, u)
	if err != nil {
		return bankImport{}, err
	}
	f, err := quiz.ParseBankFile(bytes.NewReader(data), filename)
	if err != nil {
		return bankImport{}, err
	}
	res, err := s.quiz.Import(c.UserContext(), u, f.Questions, quiz.Duplicates(c.FormValue("duplicates")))
	out := bankImport{ImportResult: res, Ignored: f.Ignored, Examples: f.Examples}
	if err == nil && !res.Written {
		out.Pending, err = s.quiz.KeepUpload(c.UserContext(), u, filename, data)
	}
	return out, err
}

// bankUpload reads the form's file, or the file kept under "pending".
func (s *Server) bankUpload(c *fiber.Ctx, u people.User) (string, []byte, error) {
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		if key := c.FormValue("pending"); key != "" {
			return s.quiz.TakeUpload(c.UserContext(), u, key)
		}
		return "", nil, gridskill.Errorf(gridskill.EINVALID, "choose a .xlsx or .csv file to upload")
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, gridskill.Errorf(gridskill.EINVALID, "the file could not be read")
	}
	defer f.Close()
	limit := sheet.DefaultLimits().MaxBytes
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return "", nil, gridskill.Errorf(gridskill.EINVALID, "the file could not be read")
	}
	if int64(len(data)) > limit {
		return "", nil, gridskill.Errorf(gridskill.EINVALID, "the file is larger than %d MB", limit>>20)
	}
	return fh.Filename, data, nil
}

// apiQuestionImport: POST /api/v1/questions/import (multipart: file, duplicates=skip|update).
// Duplicates without a choice: 409 listing them, nothing written.
func (s *Server) apiQuestionImport(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	res, err := s.importQuestions(c, u)
	if err != nil {
		return err
	}
	resp := questionImportResponse{Written: res.Written, Created: res.Created, Updated: res.Updated, Unchanged: res.Unchanged, Skipped: res.Skipped,
		Duplicates: []bankDuplicateJSON{}, Ignored: append([]string{}, res.Ignored...), Examples: res.Examples, Pending: res.Pending}
	for _, d := range res.Duplicates {
		resp.Duplicates = append(resp.Duplicates, bankDuplicateJSON(d))
	}
	resp.Warnings = []contentWarningJSON{}
	for _, w := range res.Warnings {
		resp.Warnings = append(resp.Warnings, contentWarningJSON{Kind: w.Kind, Row: w.Row, OtherRow: w.OtherRow, Detail: w.Detail, KeyLongest: w.KeyLongest, Single: w.Single, Expected: w.Expected})
	}
	if !res.Written {
		c.Status(fiber.StatusConflict)
	}
	return c.JSON(resp)
}
