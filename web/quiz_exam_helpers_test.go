package web

import (
	"bytes"
	"io"
	"mime/multipart"

	"gridskill/people"
)

type quizPeopleUser = people.User

type quizBody struct{ io.Reader }

func (quizBody) Close() error { return nil }

// quizMultipart writes a multipart body with one file and a duplicates
// choice, and returns its content type.
func quizMultipart(buf *bytes.Buffer, name string, content []byte, dup string) string {
	w := multipart.NewWriter(buf)
	if dup != "" {
		_ = w.WriteField("duplicates", dup)
	}
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write(content)
	_ = w.Close()
	return w.FormDataContentType()
}
