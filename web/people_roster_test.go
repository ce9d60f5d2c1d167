package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gridskill"
	"gridskill/people"
	"gridskill/seed"
)

// demoPhones maps each demo account's phone to its unit path.
func demoPhones() map[string][]string {
	_, users := seed.District()
	out := map[string][]string{}
	for _, u := range users {
		out[u.Phone] = u.UnitPath
	}
	return out
}

var phoneInPage = regexp.MustCompile(`\b1[3-9]\d{9}\b`)

func TestRosterPageListsOnlyOwnArea(t *testing.T) {
	r := newRig(t)
	paths := demoPhones()
	b := r.as(streetPhone)
	t.Run("EveryPageInsideTheStreet", func(t *testing.T) {
		seen := 0
		next := "/roster"
		for pages := 0; next != ""; pages++ {
			if pages > 10 {
				t.Fatal("the pager does not end")
			}
			resp, body := b.get(next)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", next, resp.StatusCode)
			}
			for _, phone := range phoneInPage.FindAllString(body, -1) {
				seen++
				if !slices.Contains(paths[phone], seed.Street1ID) {
					t.Fatalf("%s shows %s of %v", next, phone, paths[phone])
				}
			}
			next = ""
			if m := regexp.MustCompile(`href="(/roster\?[^"]*offset=[^"]*)">下一页`).FindStringSubmatch(body); m != nil {
				next = strings.ReplaceAll(m[1], "&amp;", "&")
			}
		}
		if seen != 12*seed.WorkersPerGrid+3 {
			t.Fatalf("saw %d people, want the street's %d", seen, 12*seed.WorkersPerGrid+3)
		}
	})
	t.Run("OtherStreetRefused", func(t *testing.T) {
		resp, body := b.get("/roster?unit=" + seed.Street2ID)
		friendly(t, resp, body, 403, "该单位不在您的管辖范围内")
		if phoneInPage.MatchString(body) {
			t.Fatal("the refusal shows phone numbers")
		}
	})
	t.Run("APIOtherStreetRefused", func(t *testing.T) {
		resp, body := r.do(jsonReq("GET", "/api/v1/users?unit="+seed.Street2ID, r.token(streetPhone), nil))
		if code, _ := apiError(t, body); resp.StatusCode != 403 || code != "forbidden" {
			t.Fatalf("got %d %s", resp.StatusCode, body)
		}
	})
	t.Run("APIListsOnlyOwnStreet", func(t *testing.T) {
		_, body := r.do(jsonReq("GET", "/api/v1/users?limit=200", r.token(streetPhone), nil))
		var out struct {
			Total int
			Users []struct{ Phone string }
		}
		if err := json.Unmarshal([]byte(body), &out); err != nil || out.Total != 12*seed.WorkersPerGrid+3 || len(out.Users) != out.Total {
			t.Fatalf("%v: total %d, %d users", err, out.Total, len(out.Users))
		}
		for _, u := range out.Users {
			if !slices.Contains(paths[u.Phone], seed.Street1ID) {
				t.Fatalf("listed %s of %v", u.Phone, paths[u.Phone])
			}
		}
	})
	t.Run("TrainerReadsButDoesNotManage", func(t *testing.T) {
		tb := r.as(trainerPhone)
		resp, body := tb.get("/roster?unit=" + seed.Street2ID)
		if resp.StatusCode != 200 || strings.Contains(body, "/roster/import") || strings.Contains(body, `href="/people/`) {
			t.Fatalf("trainer roster: %d", resp.StatusCode)
		}
		resp, body = tb.get("/roster/import")
		friendly(t, resp, body, 403, "您的角色无权进行此操作")
	})
}

// workbookRows reads the first sheet of an .xlsx.
func workbookRows(t *testing.T, data []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestRosterDownloads(t *testing.T) {
	r := newRig(t)
	b := r.as(streetPhone)
	t.Run("TemplateXLSX", func(t *testing.T) {
		resp, body := b.get("/roster/template.xlsx")
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), `filename*=UTF-8''`+url.PathEscape("花名册模板.xlsx")) {
			t.Fatalf("got %d %v", resp.StatusCode, resp.Header)
		}
		rows := workbookRows(t, []byte(body))
		if len(rows) != 2 || !slices.Equal(rows[0], people.RosterHeader()) || !slices.Equal(rows[1], people.RosterExample()) {
			t.Fatalf("template rows %q", rows)
		}
	})
	t.Run("TemplateCSV", func(t *testing.T) {
		resp, body := b.get("/roster/template.csv")
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("got %d %v", resp.StatusCode, resp.Header)
		}
		if !strings.HasPrefix(body, "\uFEFF"+strings.Join(people.RosterHeader(), ",")+"\n") {
			t.Fatalf("no BOM and header: %q", body[:min(len(body), 80)])
		}
	})
	t.Run("TemplateOtherFormat", func(t *testing.T) {
		resp, body := b.get("/roster/template.pdf")
		friendly(t, resp, body, 404, "页面不存在")
	})
	t.Run("TheTemplatesExampleIsNotImported", func(t *testing.T) {
		// Its example row names no real account and is skipped when left in.
		_, body := b.get("/roster/template.xlsx")
		rows, err := people.ParseRoster(strings.NewReader(body), "template.xlsx")
		if len(rows) != 0 || gridskill.ErrorMessage(err) != "the file has no people in it" {
			t.Fatalf("%+v, %v", rows, err)
		}
	})
	t.Run("ExportHoldsOnlyOwnArea", func(t *testing.T) {
		paths := demoPhones()
		resp, body := b.get("/roster/export.xlsx")
		if resp.StatusCode != 200 {
			t.Fatalf("got %d", resp.StatusCode)
		}
		rows := workbookRows(t, []byte(body))
		if !slices.Equal(rows[0], people.RosterHeader()) || len(rows)-1 != 12*seed.WorkersPerGrid+3 {
			t.Fatalf("%d rows, header %q", len(rows), rows[0])
		}
		for _, row := range rows[1:] {
			if !slices.Contains(paths[row[1]], seed.Street1ID) || row[2] != "东湖街道" {
				t.Fatalf("export holds %q", row)
			}
		}
		// An admin's own export imports back unchanged.
		parsed, err := people.ParseRoster(strings.NewReader(body), "export.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		before := r.snapshot()
		res, err := r.people.ImportRoster(ctx(t), mustUser(t, r, seed.StreetAdminID), parsed, "")
		if err != nil || res.Unchanged != len(parsed) || r.snapshot() != before {
			t.Fatalf("re-import of the export: %+v, %v", res, err)
		}
	})
}

func csvBytes(rows ...[]string) []byte {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	_ = w.WriteAll(rows)
	return buf.Bytes()
}

func TestRosterImportPage(t *testing.T) {
	r := newRig(t)
	b := r.as(streetPhone)
	header := people.RosterHeader()
	t.Run("BadFileListsEveryRowAndWritesNothing", func(t *testing.T) {
		before := r.snapshot()
		file := csvBytes(header,
			[]string{"好人", "13700000001", "东湖街道", "翠苑社区", "第一网格"},
			[]string{"坏号码", "1370000000", "东湖街道", "翠苑社区", "第一网格"},
			[]string{"重号", "13700000001", "东湖街道", "翠苑社区", "第一网格"},
			[]string{"", "13700000003", "东湖街道", "翠苑社区", "第一网格"},
			[]string{"怪角色", "13700000004", "东湖街道", "翠苑社区", "第一网格", "村长"},
			[]string{"无网格", "13700000005", "东湖街道", "翠苑社区", ""},
		)
		resp, body := b.upload("/roster/import", "/roster/import", "roster.csv", file, nil)
		if resp.StatusCode != 400 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		for _, want := range []string{
			"文件中有 5 处问题，未导入任何数据",
			"<td>3</td><td>手机号</td><td>不是 11 位手机号</td>",
			"<td>4</td><td>手机号</td><td>与第 2 行手机号重复</td>",
			"<td>5</td><td>姓名</td><td>姓名不能为空</td>",
			"<td>6</td><td>角色</td>",
			"<td>7</td><td>网格</td>",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if r.snapshot() != before {
			t.Fatal("a rejected file wrote documents")
		}
	})
	t.Run("UnknownColumnIsNamedAndIgnored", func(t *testing.T) {
		file := csvBytes(append(header[:5:5], "备注"), []string{"新同事", "13700000031", "东湖街道", "翠苑社区", "第一网格", "下月入职"})
		resp, body := b.upload("/roster/import", "/roster/import", "roster.csv", file, nil)
		if resp.StatusCode != 200 || !strings.Contains(body, `id="ignored-columns"`) || !strings.Contains(body, "备注") {
			t.Fatalf("status %d; the page does not say the 备注 column was ignored:\n%s", resp.StatusCode, body)
		}
		if strings.Contains(body, "下月入职") {
			t.Fatal("the ignored column's text was stored or shown")
		}
	})
	t.Run("OtherStreetRowRejected", func(t *testing.T) {
		before := r.snapshot()
		file := csvBytes(header, []string{"外人", "13700000011", "西山街道", "枫林社区", "第一网格"})
		resp, body := b.upload("/roster/import", "/roster/import", "roster.csv", file, nil)
		if resp.StatusCode != 400 || !strings.Contains(body, "<td>2</td><td>街道</td><td>不在您的管辖范围内</td>") {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if r.snapshot() != before {
			t.Fatal("a rejected file wrote documents")
		}
	})
	t.Run("HostileFileRefused", func(t *testing.T) {
		gbk := []byte{0xd0, 0xd5, 0xc3, 0xfb, ',', 0xca, 0xd6, 0xbb, 0xfa, 0xba, 0xc5, '\n'}
		resp, body := b.upload("/roster/import", "/roster/import", "roster.csv", gbk, nil)
		if resp.StatusCode != 400 || !strings.Contains(body, `role="alert"`) {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
	t.Run("FileOverTheCap", func(t *testing.T) {
		before := r.snapshot()
		row := []byte("张三,13812345678,东湖街道,翠苑社区,第一网格\n")
		big := append(csvBytes(header), bytes.Repeat(row, 11<<20/len(row))...) // over the file cap, under the body limit
		resp, body := b.upload("/roster/import", "/roster/import", "roster.csv", big, nil)
		if resp.StatusCode != 400 || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, "10 MB") {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if r.snapshot() != before {
			t.Fatal("an oversized file wrote documents")
		}
	})
	t.Run("NoFileChosen", func(t *testing.T) {
		csrf := b.csrf("/roster/import")
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		_ = w.WriteField("_csrf", csrf)
		_ = w.Close()
		req := httptest.NewRequest("POST", "/roster/import", &buf)
		req.Header.Set("Content-Type", w.FormDataContentType())
		resp, body := b.send(req)
		if resp.StatusCode != 400 || !strings.Contains(body, `role="alert"`) {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
	t.Run("GoodFileImports", func(t *testing.T) {
		file := csvBytes(header,
			[]string{"新人甲", "13700000021", "东湖街道", "翠苑社区", "第一网格", "网格员", "DH-1", "2025-05-01"},
			[]string{"新人乙", "13700000022", "东湖街道", "新月社区", "第一网格"},
		)
		resp, body := b.upload("/roster/import", "/roster/import", "roster.csv", file, url.Values{"password": {"Start2026ok"}})
		if resp.StatusCode != 200 || !strings.Contains(body, "导入完成：新增 2 人，更新 0 人，未变 0 人；新建单位 2 个。") || !strings.Contains(body, `class="secret">Start2026ok<`) {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Fatalf("the page with the initial password may be cached: %q", cc)
		}
		nb := r.browser()
		nb.signIn("13700000022", "Start2026ok")
		if resp, _ := nb.get("/"); resp.Header.Get("Location") != "/account/password" {
			t.Fatalf("a new person is not asked to change the password: %d", resp.StatusCode)
		}
		resp, body = b.upload("/roster/import", "/roster/import", "roster.csv", file, nil)
		if resp.StatusCode != 200 || !strings.Contains(body, "新增 0 人，更新 0 人，未变 2 人") || strings.Contains(body, `class="secret"`) {
			t.Fatalf("re-import: %d", resp.StatusCode)
		}
	})
	t.Run("APIListsProblemsAsDetails", func(t *testing.T) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		fw, _ := w.CreateFormFile("file", "roster.csv")
		_, _ = fw.Write(csvBytes(header, []string{"某人", "123", "东湖街道", "翠苑社区", "第一网格"}))
		_ = w.Close()
		req := httptest.NewRequest("POST", "/api/v1/roster/import", &buf)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+r.token(streetPhone))
		resp, body := r.do(req)
		var out struct {
			Error struct {
				Code    string
				Details []struct {
					Row            int
					Field, Message string
				}
			}
		}
		_ = json.Unmarshal([]byte(body), &out)
		if resp.StatusCode != 400 || out.Error.Code != "invalid" || len(out.Error.Details) != 1 || out.Error.Details[0].Row != 2 || out.Error.Details[0].Field != "手机号" || out.Error.Details[0].Message != "不是 11 位手机号" {
			t.Fatalf("got %d %s", resp.StatusCode, body)
		}
	})
}
