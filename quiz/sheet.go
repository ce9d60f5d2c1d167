package quiz

import (
	"io"
	"slices"
	"strconv"
	"strings"

	"gridskill"
	"gridskill/scoring"
	"gridskill/sheet"
)

// Template columns of a question bank spreadsheet, in order.
const (
	ColType        = "题型"
	ColStem        = "题干"
	ColAnswer      = "答案"
	ColExplanation = "解析"
	ColTags        = "标签"
	ColDifficulty  = "难度"
	ColSource      = "依据"
	// The life of a question, so that an exported bank imports back as it
	// was: 状态 (启用, 草稿 or 停用; empty is 启用) and the optional dates
	// it takes effect and retires on.
	ColStatus    = "状态"
	ColEffective = "生效日期"
	ColRetire    = "停用日期"
)

// statusNames are the template's words for a question's status.
var statusNames = map[string]Status{"": Active, "启用": Active, "active": Active, "草稿": Draft, "draft": Draft, "停用": Retired, "retired": Retired}

var statusLabels = map[Status]string{Active: "启用", Draft: "草稿", Retired: "停用"}

// Header is the header row of the question bank template: 题型,题干,选项A..选项H,答案,解析,标签,难度,依据.
func Header() []string {
	h := []string{ColType, ColStem}
	for i := range optionKeys {
		h = append(h, optionCol(i))
	}
	return append(h, ColAnswer, ColExplanation, ColTags, ColDifficulty, ColSource, ColStatus, ColEffective, ColRetire)
}

// Examples are the example rows of the downloadable template, one per type.
func Examples() [][]string {
	return [][]string{
		{"单选", "国家机关要求把钱转入“安全账户”，这是？", "正常的执法程序", "诈骗", "银行的规定", "网格员的要求", "", "", "", "", "B", "国家机关没有所谓“安全账户”。", "反诈;冒充公检法", "1", "《中华人民共和国反电信网络诈骗法》", "启用", "", ""},
		{"多选", "非法集资的特征有哪些？", "未经批准", "公开宣传", "承诺高额回报", "只面向亲友", "", "", "", "", "ABC", "面向社会不特定对象是特征之一，只面向亲友不是。", "防范非法集资;四个特征", "2", "", "启用", "", ""},
		{"判断", "96110来电应当及时接听。", "", "", "", "", "", "", "", "", "对", "96110是反诈预警劝阻专线。", "反诈;96110", "1", "", "启用", "", ""},
		{"填空", "遇到诈骗请拨打____报警。", "", "", "", "", "", "", "", "", "110", "公安机关的报警电话是110。", "反诈", "1", "", "启用", "", ""},
	}
}

func optionCol(i int) string { return "选项" + optionKeys[i] }

var typeNames = map[string]scoring.QuestionType{
	"单选": scoring.Single, "单选题": scoring.Single, "single": scoring.Single,
	"多选": scoring.Multiple, "多选题": scoring.Multiple, "multiple": scoring.Multiple,
	"判断": scoring.TrueFalse, "判断题": scoring.TrueFalse, "truefalse": scoring.TrueFalse,
	"填空": scoring.Blank, "填空题": scoring.Blank, "blank": scoring.Blank,
}

var typeLabels = map[scoring.QuestionType]string{
	scoring.Single: "单选", scoring.Multiple: "多选", scoring.TrueFalse: "判断", scoring.Blank: "填空",
}

// TypeLabel is the template's name of a question type (单选, 多选, 判断, 填空).
func TypeLabel(t scoring.QuestionType) string { return typeLabels[t] }

var trueWords = map[string]string{"对": "T", "正确": "T", "√": "T", "t": "T", "true": "T", "错": "F", "错误": "F", "×": "F", "f": "F", "false": "F"}

// Record is one row of the template, by column.
type Record struct {
	Line        int
	Type        string
	Stem        string
	Options     [8]string
	Answer      string
	Explanation string
	Tags        string
	Difficulty  string
	Source      string
	Status      string
	EffectiveOn string
	RetireOn    string
}

// ParseRecord turns one template row into a draft-free, active question and
// reports every problem of the row with its column. It never panics, whatever
// the cells hold.
func ParseRecord(r Record) (Question, []gridskill.FieldError) {
	q := Question{Stem: strings.TrimSpace(r.Stem), Explanation: strings.TrimSpace(r.Explanation), Source: strings.TrimSpace(r.Source), Status: Active}
	var problems []gridskill.FieldError
	bad := func(field, reason string, args ...any) {
		problems = append(problems, gridskill.FieldError{Row: r.Line, Field: field, Reason: reason, Args: args})
	}
	t, ok := typeNames[strings.ToLower(strings.TrimSpace(r.Type))]
	if !ok {
		bad(ColType, "unknown question type; use 单选, 多选, 判断 or 填空")
	}
	q.Type = t
	last := -1
	for i, o := range r.Options {
		if strings.TrimSpace(o) != "" {
			last = i
		}
	}
	for i := 0; i <= last; i++ {
		q.Options = append(q.Options, Option{Key: optionKeys[i], Text: strings.TrimSpace(r.Options[i])})
	}
	answer := strings.TrimSpace(r.Answer)
	switch t {
	case scoring.Single, scoring.Multiple:
		for _, c := range strings.ToUpper(scoring.NormalizeText(answer)) {
			if c == ' ' || c == ',' || c == ';' {
				continue
			}
			k := string(c)
			if !slices.Contains(optionKeys[:], k) {
				q.Correct = nil
				bad(ColAnswer, answerHint(t))
				break
			}
			if !slices.Contains(q.Correct, k) {
				q.Correct = append(q.Correct, k)
			}
		}
		slices.Sort(q.Correct)
		for _, k := range q.Correct {
			if i := slices.Index(optionKeys[:], k); i > last {
				bad(ColAnswer, "the answer %s names an empty option", k)
			}
		}
	case scoring.TrueFalse:
		v, ok := trueWords[strings.ToLower(answer)]
		if !ok {
			bad(ColAnswer, answerHint(t))
		} else {
			q.Correct = []string{v}
		}
	case scoring.Blank:
		if answer != "" {
			for _, part := range strings.Split(answer, "|") {
				var alts []string
				for _, a := range strings.Split(part, "/") {
					if a = strings.TrimSpace(a); a != "" {
						alts = append(alts, a)
					}
				}
				q.Blanks = append(q.Blanks, alts)
			}
		}
	}
	for _, tag := range strings.FieldsFunc(r.Tags, func(c rune) bool { return c == ';' || c == '；' }) {
		if tag = strings.TrimSpace(tag); tag != "" && !slices.Contains(q.Tags, tag) {
			q.Tags = append(q.Tags, tag)
		}
	}
	if st, ok := statusNames[strings.ToLower(strings.TrimSpace(r.Status))]; ok {
		q.Status = st
	} else {
		bad(ColStatus, "unknown status; use 启用, 草稿 or 停用")
	}
	q.EffectiveOn, q.RetireOn = strings.TrimSpace(r.EffectiveOn), strings.TrimSpace(r.RetireOn)
	d, err := strconv.Atoi(strings.TrimSpace(r.Difficulty))
	if err != nil {
		d = 0
	}
	q.Difficulty = d
	if len(problems) == 0 {
		for _, p := range q.problems() {
			p.Row = r.Line
			problems = append(problems, p)
		}
	}
	return q, problems
}

// Record turns a question back into its template row; ParseRecord of it
// gives the same question.
func (q Question) Record() Record {
	r := Record{Type: TypeLabel(q.Type), Stem: q.Stem, Explanation: q.Explanation, Tags: strings.Join(q.Tags, ";"), Difficulty: strconv.Itoa(q.Difficulty), Source: q.Source,
		Status: statusLabels[q.Status], EffectiveOn: q.EffectiveOn, RetireOn: q.RetireOn}
	for i, o := range q.Options {
		if i < len(r.Options) {
			r.Options[i] = o.Text
		}
	}
	switch q.Type {
	case scoring.TrueFalse:
		r.Answer = "错"
		if len(q.Correct) == 1 && q.Correct[0] == "T" {
			r.Answer = "对"
		}
	case scoring.Blank:
		parts := make([]string, len(q.Blanks))
		for i, alts := range q.Blanks {
			parts[i] = strings.Join(alts, "/")
		}
		r.Answer = strings.Join(parts, "|")
	default:
		r.Answer = strings.Join(q.Correct, "")
	}
	return r
}

// Cells is the record as a template row.
func (r Record) Cells() []string {
	out := []string{r.Type, r.Stem}
	out = append(out, r.Options[:]...)
	return append(out, r.Answer, r.Explanation, r.Tags, r.Difficulty, r.Source, r.Status, r.EffectiveOn, r.RetireOn)
}

// ParseBank reads a question bank file (XLSX or CSV, by its name) within the
// sheet limits and checks every row (see ParseBankFile). Errors: invalid.
func ParseBank(rd io.Reader, filename string) ([]Question, error) {
	f, err := ParseBankFile(rd, filename)
	return f.Questions, err
}

// BankFile is a read question bank file: its questions, and what was left out.
type BankFile struct {
	Questions []Question
	// Ignored are columns the file has that are not read (e.g. 备注).
	Ignored []string
	// Examples counts the template's example rows left in and skipped.
	Examples int
}

// defaultDifficulty is the difficulty of questions from a file with no 难度 column.
const defaultDifficulty = "1"

// bankColumns: 题型, 题干, 答案 and 标签 are needed; the options, 解析, 难度 and
// 依据 may be left out of a file that does not use them.
var bankColumns = sheet.Columns{
	Required: []string{ColType, ColStem, ColAnswer, ColTags},
	Optional: []string{ColExplanation, ColDifficulty, ColSource, ColStatus, ColEffective, ColRetire, "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "选项G", "选项H"},
	Template: Header(),
	Examples: Examples(),
}

// ParseBankFile reads a question bank file (XLSX or CSV in UTF-8 or GBK, by
// its name) within the sheet limits and checks every row: a title above the
// header is skipped, columns not in the template are ignored (and named),
// and the template's example rows left in are skipped. Any problem rejects
// the whole file with every row's problems listed. Errors: invalid.
func ParseBankFile(rd io.Reader, filename string) (BankFile, error) {
	t, err := sheet.Read(rd, filename, sheet.DefaultLimits())
	if err != nil {
		return BankFile{}, err
	}
	fit := t.Fit(bankColumns)
	var problems []gridskill.FieldError
	for _, name := range fit.Missing {
		problems = append(problems, gridskill.FieldError{Row: 1, Field: name, Reason: "column missing from the header"})
	}
	col := fit.Index
	if len(problems) > 0 {
		return BankFile{}, rejected(problems)
	}
	out := BankFile{Ignored: fit.Ignored, Examples: fit.Examples}
	if len(t.Rows) == 0 {
		return BankFile{}, gridskill.Errorf(gridskill.EINVALID, "the file has no questions in it")
	}
	seen := map[string]int{}
	qs := make([]Question, 0, len(t.Rows))
	for _, row := range t.Rows {
		rec := Record{Line: row.Line, Type: row.Cell(col[ColType]), Stem: row.Cell(col[ColStem]), Answer: row.Cell(col[ColAnswer]),
			Explanation: row.Cell(col[ColExplanation]), Tags: row.Cell(col[ColTags]), Difficulty: row.Cell(col[ColDifficulty]), Source: row.Cell(col[ColSource]),
			Status: row.Cell(col[ColStatus]), EffectiveOn: row.Cell(col[ColEffective]), RetireOn: row.Cell(col[ColRetire])}
		for i := range optionKeys {
			rec.Options[i] = row.Cell(col[optionCol(i)])
		}
		if col[ColDifficulty] < 0 {
			rec.Difficulty = defaultDifficulty // a file without the column: every question the easiest
		}
		q, p := ParseRecord(rec)
		problems = append(problems, p...)
		norm := scoring.NormalizeText(q.Stem)
		if first, dup := seen[norm]; dup && norm != "" {
			problems = append(problems, gridskill.FieldError{Row: row.Line, Field: ColStem, Reason: "same stem as row %d", Args: []any{first}})
		} else {
			seen[norm] = row.Line
		}
		qs = append(qs, q)
	}
	if len(problems) > 0 {
		return BankFile{}, rejected(problems)
	}
	out.Questions = qs
	return out, nil
}

func rejected(problems []gridskill.FieldError) error {
	const max = 200
	if len(problems) > max {
		problems = problems[:max]
	}
	return &gridskill.Error{Code: gridskill.EINVALID, Message: "nothing was imported: fix these rows and upload the file again",
		Format: "nothing was imported: fix these rows and upload the file again", Fields: problems}
}

// Rows turns questions into template rows, for export.
func Rows(qs []Question) [][]string {
	out := make([][]string, len(qs))
	for i, q := range qs {
		out[i] = q.Record().Cells()
	}
	return out
}
