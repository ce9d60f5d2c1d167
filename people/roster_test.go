package people_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gridskill"
	"gridskill/people"
)

// csvFile writes rows as CSV, with Excel's byte-order mark when bom is set.
func csvFile(t testing.TB, bom bool, rows ...[]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if bom {
		buf.WriteString("\uFEFF")
	}
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// xlsxFile writes rows into a workbook; a cell may be any value excelize takes.
func xlsxFile(t testing.TB, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func parse(t testing.TB, data []byte, name string) []people.RosterRow {
	t.Helper()
	rows, err := people.ParseRoster(bytes.NewReader(data), name)
	if err != nil {
		t.Fatalf("ParseRoster(%s): %v", name, err)
	}
	return rows
}

// problems returns the row problems of a rejected roster as "row/column/reason" lines.
func problems(t testing.TB, err error) []string {
	t.Helper()
	var e *gridskill.Error
	if !errors.As(err, &e) || e.Code != gridskill.EINVALID {
		t.Fatalf("got %v, want an invalid error with row problems", err)
	}
	var out []string
	for _, f := range e.Fields {
		reason := f.Reason
		if len(f.Args) > 0 {
			reason = fmt.Sprintf(reason, f.Args...)
		}
		out = append(out, strconv.Itoa(f.Row)+"/"+f.Field+"/"+reason)
	}
	return out
}

var header = people.RosterHeader()

func TestParseRoster(t *testing.T) {
	want := []people.RosterRow{
		{Line: 2, Name: "张晓婷", Phone: "13812345678", Street: "东湖街道", Community: "翠苑社区", Grid: "第一网格", Role: people.Worker, EmployeeNo: "DH-0001", JoinedOn: "2024-03-01"},
		{Line: 4, Name: "李建华", Phone: "13812345679", Street: "东湖街道", Role: people.Trainer},
		{Line: 5, Name: "王芳", Phone: "13812345670", Street: "东湖街道", Community: "柳岸社区", Grid: "第二网格", Role: people.Worker, JoinedOn: "2023-11-20"},
	}
	rows := [][]string{
		header,
		{"张晓婷", "138 1234 5678", "东湖街道", "翠苑社区", "第一网格", "网格员", "DH-0001", "2024/3/1"},
		{"", "", "", "", "", "", "", ""},
		{" 李建华 ", "+86-138-1234-5679", "东湖街道", "", "", "培训讲师", "", ""},
		{"王芳", "１３８１２３４５６７０", "东湖街道", "柳岸社区", "第二网格", "", "", "2023年11月20日"},
	}
	t.Run("CSVWithBOM", func(t *testing.T) {
		if got := parse(t, csvFile(t, true, rows...), "花名册.csv"); !slices.EqualFunc(got, want, sameRow) {
			t.Fatalf("got  %+v\nwant %+v", got, want)
		}
	})
	t.Run("CSVWithoutBOM", func(t *testing.T) {
		if got := parse(t, csvFile(t, false, rows...), "roster.csv"); !slices.EqualFunc(got, want, sameRow) {
			t.Fatalf("got  %+v\nwant %+v", got, want)
		}
	})
	t.Run("XLSXWithExcelDatesAndNumbers", func(t *testing.T) {
		var cells [][]any
		for _, r := range rows {
			var c []any
			for _, v := range r {
				c = append(c, v)
			}
			cells = append(cells, c)
		}
		cells[1][1] = 13812345678   // a phone typed as a number
		cells[1][7] = 45352         // 2024-03-01 as Excel's day serial
		cells[4][7] = 45250.0       // 2023-11-20, as a float
		cells[2] = []any{nil, "  "} // a blank row with a space in it
		if got := parse(t, xlsxFile(t, cells...), "roster.xlsx"); !slices.EqualFunc(got, want, sameRow) {
			t.Fatalf("got  %+v\nwant %+v", got, want)
		}
	})
	t.Run("ColumnsInAnyOrderOptionalOnesMissing", func(t *testing.T) {
		got := parse(t, csvFile(t, false,
			[]string{"网格", "社区", "街道", "手机号", "姓名"},
			[]string{"第一网格", "翠苑社区", "东湖街道", "13812345678", "张晓婷"},
		), "r.csv")
		if len(got) != 1 || got[0].Name != "张晓婷" || got[0].Grid != "第一网格" || got[0].Role != people.Worker {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("TitleRowsAboveTheHeader", func(t *testing.T) {
		withTitle := append([][]string{{"明湖区网格员花名册", "", ""}, {"制表：东湖街道", "2026年11月"}}, rows...)
		got := parse(t, csvFile(t, true, withTitle...), "r.csv")
		if len(got) != 3 || got[0].Line != 4 || got[0].Name != "张晓婷" || got[2].Line != 7 {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("HeadersPeopleWriteThemselves", func(t *testing.T) {
		got := parse(t, csvFile(t, false,
			[]string{"序号", "姓名", "手机号码", "街道（镇）", "社区（村）", "所属网格", "入职时间"},
			[]string{"1", "张晓婷", "13812345678", "东湖街道", "翠苑社区", "第一网格", "2024-03-01"},
		), "r.csv")
		if len(got) != 1 || got[0].Phone != "13812345678" || got[0].Street != "东湖街道" || got[0].Community != "翠苑社区" || got[0].Grid != "第一网格" || got[0].JoinedOn != "2024-03-01" {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("RoleNames", func(t *testing.T) {
		for label, role := range map[string]people.Role{"网格长": people.Worker, "讲师": people.Trainer, "街道管理员": people.StreetAdmin, "区管理员": people.DistrictAdmin, "Trainer": people.Trainer} {
			got := parse(t, csvFile(t, false, header, []string{"某人", "13812345678", "东湖街道", "翠苑社区", "第一网格", label}), "r.csv")
			if got[0].Role != role {
				t.Errorf("%s read as %s, want %s", label, got[0].Role, role)
			}
		}
	})
}

func sameRow(a, b people.RosterRow) bool { return a == b }

func TestParseRosterReportsEveryProblem(t *testing.T) {
	data := csvFile(t, true,
		header,
		[]string{"张一", "1381234567", "东湖街道", "翠苑社区", "第一网格"},                   // 2: ten digits
		[]string{"张二", "13812345678", "东湖街道", "翠苑社区", "第一网格"},                  // 3: fine
		[]string{"张三", "138-1234-5678", "东湖街道", "翠苑社区", "第二网格"},                // 4: same phone as row 3
		[]string{"", "13812345600", "东湖街道", "翠苑社区", "第一网格"},                    // 5: no name
		[]string{"张五", "13812345601", "东湖街道", "翠苑社区", "第一网格", "村长"},            // 6: unknown role
		[]string{"张六", "13812345602", "东湖街道", "翠苑社区", "", "网格员"},               // 7: worker without grid
		[]string{"张七", "13812345603", "东湖街道", "翠苑社区", "第一网格", "", "", "明年"},    // 8: bad date
		[]string{"张八", "abcdefghijk", "", "", "", "街道管理员"},                     // 9: letters, admin without street
		[]string{"张九", "13812345604", "", "翠苑社区", "第一网格", "培训讲师"},              // 10: trainer's grid without street
		[]string{"张十", "13812345605", strings.Repeat("街", 61), "翠苑社区", "第一网格"}, // 11: long street
		[]string{"张十一", "13812345605", "东湖街道", "翠苑社区", "第一网格", "", "", "2024"}, // 12: same phone as 11, a year is no date
	)
	_, err := people.ParseRoster(bytes.NewReader(data), "roster.csv")
	want := []string{
		"2/手机号/not an 11-digit mobile number",
		"4/手机号/same phone number as row 3",
		"5/姓名/name is required",
		"6/角色/unknown role; use 网格员, 培训讲师, 街道管理员, 区管理员 or 跟岗干部",
		"7/网格/a grid worker needs a street, a community and a grid",
		"8/入职日期/not a date like 2024-03-01",
		"9/手机号/not an 11-digit mobile number",
		"9/街道/a street admin needs a street",
		"10/街道/name the street above this community or grid",
		"11/街道/longer than 60 characters",
		"12/手机号/same phone number as row 11",
		"12/入职日期/not a date like 2024-03-01",
	}
	if got := problems(t, err); !slices.Equal(got, want) {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if msg := gridskill.ErrorMessage(err); msg != "the file has 12 problems; nothing was imported" {
		t.Fatalf("message %q", msg)
	}
}

func TestParseRosterRefusesBadFiles(t *testing.T) {
	cases := []struct {
		name, file string
		data       []byte
		want       string
		fields     []string
	}{
		{"MissingHeaderColumns", "r.csv", csvFile(t, false, []string{"姓名", "手机号", "街道", "社区"}, []string{"张三", "13812345678", "东湖街道", "翠苑社区"}),
			"the file has 1 problems; nothing was imported", []string{"1/网格/column missing from the header"}},
		{"NoHeaderAtAll", "r.csv", csvFile(t, false, []string{"张三", "13812345678"}),
			"the file has 5 problems; nothing was imported", []string{"1/姓名/column missing from the header", "1/手机号/column missing from the header", "1/街道/column missing from the header", "1/社区/column missing from the header", "1/网格/column missing from the header"}},
		{"HeaderOnly", "r.csv", csvFile(t, true, header), "the file has no people in it", nil},
		{"OverSizeCap", "r.csv", append(csvFile(t, true, header), bytes.Repeat([]byte("张三,13812345678,东湖街道,翠苑社区,第一网格\n"), 10<<20/40)...),
			"the file is larger than 10 MB", nil},
		{"MoreRowsThanCap", "r.csv", append(csvFile(t, true, header), bytes.Repeat([]byte("张三,1,东,翠,第\n"), 20_001)...),
			"the file has more than 20000 rows", nil},
		{"NeitherUTF8NorGBK", "r.csv", []byte{0xff, 0xfe, 0x80, ',', 0xca, '\n'},
			`the CSV file is neither UTF-8 nor GBK text; save it as "CSV UTF-8" or upload the .xlsx`, nil},
		{"ZipBomb", "r.xlsx", zipBomb(t), "the workbook unpacks to more than 100 MB", nil},
		{"WordFile", "r.docx", []byte("PK"), "please upload a .xlsx or .csv file", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := people.ParseRoster(bytes.NewReader(tc.data), tc.file)
			if rows != nil || gridskill.ErrorCode(err) != gridskill.EINVALID || gridskill.ErrorMessage(err) != tc.want {
				t.Fatalf("got %d rows, %v; want invalid %q", len(rows), err, tc.want)
			}
			if tc.fields != nil {
				if got := problems(t, err); !slices.Equal(got, tc.fields) {
					t.Fatalf("problems %q, want %q", got, tc.fields)
				}
			}
		})
	}
}

// zipBomb is an .xlsx of about 400 KB whose sheet unpacks to about 120 MB.
func zipBomb(t testing.TB) []byte {
	t.Helper()
	base := xlsxFile(t, []any{"姓名"})
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			continue
		}
		w, _ := zw.Create(f.Name)
		rc, _ := f.Open()
		_, _ = io.Copy(w, rc)
		rc.Close()
	}
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	row := []byte(`<row><c t="inlineStr"><is><t>` + strings.Repeat("A", 200) + `</t></is></c></row>`)
	chunk := bytes.Repeat(row, 1000)
	for range 500 {
		_, _ = w.Write(chunk)
	}
	_, _ = io.WriteString(w, `</sheetData></worksheet>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestRosterTemplateExampleIsSkipped(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(strings.Join(people.RosterHeader(), ",") + "\n")
	b.WriteString(strings.Join(people.RosterExample(), ",") + "\n")
	b.WriteString("陈志强,13912345678,东湖街道,翠苑社区,第一网格,网格员,,\n")
	rows, err := people.ParseRoster(&b, "花名册.csv")
	if err != nil || len(rows) != 1 || rows[0].Phone != "13912345678" {
		t.Fatalf("a roster with the template's example row left in: %+v %v", rows, err)
	}
}
