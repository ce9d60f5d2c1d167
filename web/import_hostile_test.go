package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"gridskill/contest"
	"gridskill/people"
	"gridskill/quiz"
)

// excelEscaped writes control characters as Excel does in a workbook
// (_x0000_), since XML cannot hold them; readers decode them back.
func excelEscaped(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, row := range rows {
		for _, v := range row {
			var b strings.Builder
			for _, r := range v {
				if r < 0x20 && r != '\n' && r != '\t' {
					fmt.Fprintf(&b, "_x%04X_", r)
				} else {
					b.WriteRune(r)
				}
			}
			out[i] = append(out[i], b.String())
		}
	}
	return out
}

// hostileFile is one importer fed one bad value, as CSV and as a real XLSX.
type hostileFile struct {
	name string
	rows [][]string // header first
	want string     // part of the message
}

// uploadBoth sends the file as CSV and as XLSX and checks each is refused
// with the message and writes nothing.
func uploadBoth(t *testing.T, r *rig, send func(filename string, data []byte) (int, string), files []hostileFile) {
	t.Helper()
	for _, f := range files {
		for _, ext := range []string{"csv", "xlsx"} {
			t.Run(f.name+"/"+ext, func(t *testing.T) {
				data := csvBytes(f.rows...)
				if ext == "xlsx" {
					rows := excelEscaped(f.rows)
					data = bankXLSX(t, rows[0], rows[1:])
				}
				before := r.snapshot()
				status, body := send("hostile."+ext, data)
				if status != 400 || !strings.Contains(body, f.want) {
					t.Fatalf("answered %d, want 400 with %q in:\n%.3000s", status, f.want, body)
				}
				if r.snapshot() != before {
					t.Fatal("a refused file wrote documents")
				}
			})
		}
	}
}

const controlChar = "含有不允许的控制字符"

func TestRosterImportRefusesHostileText(t *testing.T) {
	r := newRig(t)
	b := r.as(streetPhone)
	row := func(name, street string) [][]string {
		return [][]string{people.RosterHeader(), {name, "13700000001", street, "翠苑社区", "第一网格"}}
	}
	uploadBoth(t, r, func(name string, data []byte) (int, string) {
		resp, body := b.upload("/roster/import", "/roster/import", name, data, nil)
		return resp.StatusCode, body
	}, []hostileFile{
		{"NULInName", row("张\x00三", "东湖街道"), controlChar},
		{"EscapeInStreet", row("张三", "东湖\x1b[2J街道"), controlChar},
		{"LineBreakInName", row("张\n三", "东湖街道"), controlChar},
		{"LongStreet", row("张三", strings.Repeat("东", 3000)), "超过 60 个字符"},
	})
}

func TestQuestionImportRefusesHostileText(t *testing.T) {
	r := newRig(t)
	b := r.as(trainerPhone)
	row := func(option, tags string) [][]string {
		return [][]string{quiz.Header(), {"单选", "楼道堆放杂物属于？", option, "安全隐患", "", "", "", "", "", "", "B", "堆物阻塞通道。", tags, "1", ""}}
	}
	uploadBoth(t, r, func(name string, data []byte) (int, string) {
		resp, body := b.upload("/quiz/import", "/quiz/import", name, data, nil)
		return resp.StatusCode, body
	}, []hostileFile{
		{"NULInOption", row("正常\x00", "隐患"), controlChar},
		{"LineBreakInOption", row("正\n常", "隐患"), controlChar},
		{"BellInTag", row("正常", "隐患;\a"), controlChar},
		{"LongTag", row("正常", strings.Repeat("签", 3000)), "每个标签 1 到"},
	})
}

func TestParticipantImportRefusesHostileText(t *testing.T) {
	r := contestRig(t)
	admin := r.token(streetPhone)
	var ct contestJSON
	r.call("POST", "/api/v1/contests", admin, contestCreateRequest{Title: "名单导入测试"}, 201, &ct)
	b := r.as(streetPhone)
	page := "/contests/" + ct.ID
	row := func(team string) [][]string {
		return [][]string{{contest.ColPhone, contest.ColTeam}, {"13900000004", team}}
	}
	uploadBoth(t, r, func(name string, data []byte) (int, string) {
		resp, body := b.upload(page, page+"/participants/import", name, data, nil)
		return resp.StatusCode, body
	}, []hostileFile{
		{"LongTeamName", row(strings.Repeat("队", 3000)), "每支队伍需要队名，最多 100 个字"},
		{"NULInTeamName", row("红\x00队"), controlChar},
		{"LineBreakInTeamName", row("红\n队"), controlChar},
		{"BidiOverrideInTeamName", row("红\u202e队"), controlChar},
	})
}

func TestSessionImportRefusesHostileText(t *testing.T) {
	r := newRig(t)
	b := r.as(trainerPhone)
	fields := url.Values{"topic": {"反诈培训"}, "date": {"2026-11-23"}, "place": {"社区活动室"}, "trainer": {"郑文静"}, "hours": {"2"}}
	row := func(name string) [][]string {
		return [][]string{{"姓名", "手机号"}, {name, "13900000004"}}
	}
	uploadBoth(t, r, func(name string, data []byte) (int, string) {
		resp, body := b.upload("/sessions/new", "/sessions", name, data, fields)
		return resp.StatusCode, body
	}, []hostileFile{
		{"NULInName", row("张\x00晓婷"), controlChar},
		{"LineBreakInName", row("张\n晓婷"), controlChar},
		{"LongName", row(strings.Repeat("张", 3000)), "姓名超过 30 个字"},
	})
	t.Run("FormFields", func(t *testing.T) {
		for _, field := range []string{"topic", "place", "trainer"} {
			form := url.Values{}
			for k, v := range fields {
				form[k] = v
			}
			form.Set(field, "培\x00训")
			form.Set("phones", "13900000004")
			before := r.snapshot()
			resp, body := b.post("/sessions/new", "/sessions", form)
			if resp.StatusCode != 400 || !strings.Contains(body, controlChar) {
				t.Fatalf("%s with NUL: %d", field, resp.StatusCode)
			}
			if r.snapshot() != before {
				t.Fatalf("%s with NUL wrote documents", field)
			}
		}
	})
}
