package web

import (
	"slices"
	"strings"

	"gridskill/quiz"
	"gridskill/scoring"
)

// AnswerText writes a given or right answer as a person reads it: 对 or 错
// for true/false, "A、C、D" for choices, each blank as typed ("第 1 空：110；
// 第 2 空：证据" when there are several). Never the stored form (`110|证据`, `T`).
func (p Page) AnswerText(t scoring.QuestionType, v any) string {
	var parts []string
	switch a := v.(type) {
	case string:
		if a != "" {
			parts = []string{a}
		}
	case []string:
		for _, x := range a {
			parts = append(parts, x)
		}
	}
	if t == scoring.Blank {
		return p.blanksText(parts)
	}
	parts = slices.DeleteFunc(parts, func(x string) bool { return strings.TrimSpace(x) == "" })
	if len(parts) == 0 {
		return p.T("(no answer)")
	}
	if t == scoring.TrueFalse {
		return trueFalseText(parts[0])
	}
	parts = slices.Clone(parts)
	slices.Sort(parts)
	return strings.Join(parts, "、")
}

func trueFalseText(k string) string {
	switch k {
	case "T":
		return "对"
	case "F":
		return "错"
	}
	return k
}

// blanksText writes the answers to the blanks of one question.
func (p Page) blanksText(parts []string) string {
	if !slices.ContainsFunc(parts, func(x string) bool { return strings.TrimSpace(x) != "" }) {
		return p.T("(no answer)")
	}
	if len(parts) == 1 {
		return parts[0]
	}
	out := make([]string, len(parts))
	for i, x := range parts {
		if strings.TrimSpace(x) == "" {
			x = p.T("(no answer)")
		}
		out[i] = p.T("Blank %d", i+1) + "：" + x
	}
	return strings.Join(out, "；")
}

// AcceptedText writes the accepted answers of each blank: "119" or, with
// several accepted for one blank, "派出所 或 公安机关".
func (p Page) AcceptedText(blanks [][]string) string {
	parts := make([]string, len(blanks))
	for i, alts := range blanks {
		parts[i] = strings.Join(alts, p.T(" or "))
	}
	return p.blanksText(parts)
}

// KeyText writes a question's right answer for reading.
func (p Page) KeyText(q quiz.Question) string {
	if q.Type == scoring.Blank {
		return p.AcceptedText(q.Blanks)
	}
	return p.AnswerText(q.Type, q.Correct)
}
