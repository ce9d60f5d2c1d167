// Package sheet reads and writes the spreadsheets people bring and take away
// (rosters, question banks, sign-in sheets, reports): CSV and XLSX, read as
// plain text within strict limits so a hostile file cannot exhaust the server.
package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"gridskill"
)

// Limits bound what a file may hold.
type Limits struct {
	MaxBytes    int64 // size of the uploaded file
	MaxUnzipped int64 // total uncompressed size of an XLSX's parts
	MaxRows     int   // data rows, header excluded
	MaxCell     int   // characters in one cell
}

// DefaultLimits returns limits that suit a roster or a question bank of a district.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 10 << 20, MaxUnzipped: 100 << 20, MaxRows: 20_000, MaxCell: 4000}
}

// Row is one data row with the number of the row a spreadsheet shows it on
// (the header is usually row 1), for messages that point at it.
type Row struct {
	Line  int
	Cells []string
}

// Table is a read file: its header and data rows, blank rows dropped.
type Table struct {
	Header []string
	Rows   []Row
}

// Col returns the index of the named column, or -1.
func (t *Table) Col(name string) int {
	for i, h := range t.Header {
		if h == name {
			return i
		}
	}
	return -1
}

// Cell returns a row's cell in column i, trimmed, or "" when the row is shorter.
func (r Row) Cell(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return strings.TrimSpace(r.Cells[i])
}

// Read reads a CSV or XLSX file (by its name's extension) within the limits.
// Formulas are never evaluated: a cell is read as the text it holds.
// Errors: invalid, with a message a person can act on.
func Read(r io.Reader, filename string, lim Limits) (*Table, error) {
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return nil, gridskill.Errorf(gridskill.EINVALID, "the file could not be read")
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, gridskill.Errorf(gridskill.EINVALID, "the file is larger than %d MB", lim.MaxBytes>>20)
	}
	if bytes.HasPrefix(data, oleMagic) {
		return nil, oldExcel()
	}
	var rows []Row
	switch strings.ToLower(filepath.Ext(filename)) {
	case ".xls":
		return nil, oldExcel()
	case ".csv":
		rows, err = readCSV(data, lim)
	case ".xlsx":
		rows, err = readXLSX(data, lim)
	default:
		return nil, gridskill.Errorf(gridskill.EINVALID, "please upload a .xlsx or .csv file")
	}
	if err != nil {
		return nil, err
	}
	return table(rows, lim)
}

// oleMagic opens every file of Excel 97-2003 (.xls), whatever it is named.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

func oldExcel() error {
	return gridskill.Errorf(gridskill.EINVALID, "this is an old Excel (.xls) file; open it in Excel or WPS, choose Save As, pick \"Excel Workbook (*.xlsx)\" and upload that file")
}

// decodeCSV returns a CSV file's text as UTF-8: UTF-8 (with or without the
// BOM Excel writes) as it is, anything else read as GB18030, the superset of
// GBK that Chinese Excel and WPS save "CSV" in. Bytes that are neither are
// refused rather than turned into question marks.
func decodeCSV(data []byte) ([]byte, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if utf8.Valid(data) {
		return data, nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) || !utf8.Valid(out) {
		return nil, gridskill.Errorf(gridskill.EINVALID, "the CSV file is neither UTF-8 nor GBK text; save it as \"CSV UTF-8\" or upload the .xlsx")
	}
	return out, nil
}

// table splits the non-blank rows read into the header (the first) and the data.
func table(rows []Row, lim Limits) (*Table, error) {
	t := &Table{}
	for _, r := range rows {
		for j, c := range r.Cells {
			if err := checkCell(c, r.Line, j+1, lim); err != nil {
				return nil, err
			}
		}
		if t.Header == nil {
			for _, h := range r.Cells {
				t.Header = append(t.Header, strings.TrimSpace(h))
			}
			continue
		}
		t.Rows = append(t.Rows, r)
	}
	if t.Header == nil {
		return nil, gridskill.Errorf(gridskill.EINVALID, "the file is empty")
	}
	return t, nil
}

// checkCell applies the text rule to a cell as a multi-line field: each
// importer then checks its columns with the rules of their fields.
func checkCell(c string, line, col int, lim Limits) error {
	if utf8.RuneCountInString(c) > lim.MaxCell {
		return gridskill.Errorf(gridskill.EINVALID, "row %d column %d is longer than %d characters", line, col, lim.MaxCell)
	}
	if reason, args := (gridskill.Text{Multiline: true}).Problem(c); reason != "" {
		return gridskill.Errorf(gridskill.EINVALID, "row %d column %d: "+reason, append([]any{line, col}, args...)...)
	}
	return nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// tooManyRows is the answer when the non-blank rows, header included, exceed the limit.
func tooManyRows(lim Limits) error {
	return gridskill.Errorf(gridskill.EINVALID, "the file has more than %d rows", lim.MaxRows)
}

// readCSV returns the non-blank records, each numbered as the row a
// spreadsheet shows it on: an empty line, which encoding/csv skips, is a row
// there, and a quoted cell spanning lines is one row.
func readCSV(data []byte, lim Limits) ([]Row, error) {
	data, err := decodeCSV(data)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var rows []Row
	row, prevEnd := 0, 0 // prevEnd: the line of the file the previous record ended on
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			line := prevEnd + 1
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, gridskill.Errorf(gridskill.EINVALID, "the CSV file is malformed near line %d", line)
		}
		start, _ := cr.FieldPos(0)
		last, _ := cr.FieldPos(len(rec) - 1)
		row += 1 + max(0, start-prevEnd-1)
		prevEnd = last + strings.Count(rec[len(rec)-1], "\n")
		if blank(rec) {
			continue
		}
		for i, v := range rec {
			rec[i] = unneutralize(v)
		}
		rows = append(rows, Row{Line: row, Cells: rec})
		if len(rows) > lim.MaxRows+1 {
			return nil, tooManyRows(lim)
		}
	}
}

func readXLSX(data []byte, lim Limits) ([]Row, error) {
	bad := gridskill.Errorf(gridskill.EINVALID, "the file is not a valid .xlsx workbook")
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, bad
	}
	// The sizes a zip declares may lie; the zip reader refuses to inflate a
	// part past its declared size, so this sum bounds the real work too.
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
	}
	if total > uint64(lim.MaxUnzipped) {
		return nil, gridskill.Errorf(gridskill.EINVALID, "the workbook unpacks to more than %d MB", lim.MaxUnzipped>>20)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    lim.MaxUnzipped,
		UnzipXMLSizeLimit: lim.MaxUnzipped,
	})
	if err != nil {
		return nil, bad
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, gridskill.Errorf(gridskill.EINVALID, "the workbook has no sheet")
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, bad
	}
	defer it.Close()
	var rows []Row
	for line := 1; it.Next(); line++ {
		cols, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, bad
		}
		if blank(cols) {
			continue
		}
		rows = append(rows, Row{Line: line, Cells: cols})
		if len(rows) > lim.MaxRows+1 {
			return nil, tooManyRows(lim)
		}
	}
	if it.Error() != nil {
		return nil, bad
	}
	return rows, nil
}

// WriteXLSX writes a workbook with one sheet named sheetName: the header in
// bold, then the rows. Cells are written as text, never as formulas.
func WriteXLSX(w io.Writer, sheetName string, header []string, rows [][]string) error {
	return WriteSheets(w, Sheet{Name: sheetName, Header: header, Rows: rows})
}

// Sheet is one sheet of a workbook to write.
type Sheet struct {
	Name   string
	Header []string
	Rows   [][]string
}

// WriteSheets writes a workbook of the given sheets, in order, each as
// WriteXLSX writes its one. It needs at least one sheet.
func WriteSheets(w io.Writer, sheets ...Sheet) error {
	if len(sheets) == 0 {
		return fmt.Errorf("a workbook needs a sheet")
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheets[0].Name); err != nil {
		return err
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	for i, sh := range sheets {
		if i > 0 {
			if _, err := f.NewSheet(sh.Name); err != nil {
				return err
			}
		}
		if err := writeSheet(f, sh, bold); err != nil {
			return err
		}
	}
	return f.Write(w)
}

func writeSheet(f *excelize.File, sh Sheet, bold int) error {
	sw, err := f.NewStreamWriter(sh.Name)
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", cells(sh.Header, bold)); err != nil {
		return err
	}
	for i, r := range sh.Rows {
		if err := sw.SetRow(fmt.Sprintf("A%d", i+2), cells(r, 0)); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func cells(values []string, style int) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = excelize.Cell{Value: v, StyleID: style}
	}
	return out
}

// WriteCSV writes UTF-8 CSV with a byte-order mark so Excel opens it as UTF-8.
// Cells that a spreadsheet would run as a formula are prefixed with a quote.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range rows {
		safe := make([]string, len(r))
		for i, v := range r {
			safe[i] = neutralize(v)
		}
		if err := cw.Write(safe); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func neutralize(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// unneutralize undoes neutralize, so an exported CSV imports back exactly.
func unneutralize(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(v[1])) {
		return v[1:]
	}
	return v
}
