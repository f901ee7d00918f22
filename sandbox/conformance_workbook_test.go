package sandbox

import "testing"

// wbPath is the seeded budget workbook of the signed-in user, by path.
const wbPath = "/v1.0/me/drive/root:/Documents/Budget%202025.xlsx:/workbook"

// graphConformanceWorkbook covers the workbook API on the seeded budget
// (Budget sheet, table Costs on A1:F5, name GrandTotal), run in order on
// one server: reads, then writes through every way to a range.
var graphConformanceWorkbook = []conformanceRow{
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/createSession", auth: "files", status: 201, typ: "workbookSessionInfo", body: `{"persistChanges": false}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/refreshSession", auth: "files", status: 400},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/application", auth: "files", status: 200, typ: "workbookApplication"},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/application/calculate", auth: "files", status: 200, judge: "none", body: `{"calculationType": "Full"}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/application/calculate", auth: "files", status: 400, body: `{"calculationType": "Sometimes"}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/functions/sum", auth: "files", status: 200, typ: "workbookFunctionResult", body: `{"values": [{"address": "Budget!B2:E2"}, 1]}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/functions/pmt", auth: "files", status: 200, typ: "workbookFunctionResult", body: `{"rate": 0.004, "nper": 36, "pv": -20000}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/functions/nope", auth: "files", status: 404, body: `{}`},
	// worksheets
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets", auth: "files", status: 200, typ: "workbookWorksheet", list: true},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets('Budget')", auth: "files", status: 200, typ: "workbookWorksheet"},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Nope", auth: "files", status: 404},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/add", auth: "files", status: 201, typ: "workbookWorksheet", body: `{"name": "Scratch"}`},
	{route: "PATCH /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Scratch", auth: "files", status: 200, typ: "workbookWorksheet", body: `{"name": "Scratch 2", "position": 0, "visibility": "Hidden"}`},
	{route: "PATCH /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget", auth: "files", status: 400, body: `{"name": "a/b"}`},
	{route: "DELETE /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets('Scratch 2')", auth: "files", status: 204, judge: "none"},
	// ranges
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='A1:F7')", auth: "files", status: 200, typ: "workbookRange"},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='nope')", auth: "files", status: 400},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/usedRange", auth: "files", status: 200, typ: "workbookRange"},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/usedRange(valuesOnly=true)", auth: "files", status: 200, typ: "workbookRange"},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/cell(row=1,column=5)", auth: "files", status: 200, typ: "workbookRange"},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='B2:E5')/cell(row=0,column=1)", auth: "files", status: 200, typ: "workbookRange"},
	{route: "PATCH /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='H1:I2')", auth: "files", status: 200, typ: "workbookRange", body: `{"values": [[1, 2], [3, "=H2*2"]], "numberFormat": [["0.00", null], [null, "0%"]]}`},
	{route: "PATCH /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='H1:I2')", auth: "read", status: 403, body: `{"values": [[1, 2], [3, 4]]}`},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='A1:F1')/format", auth: "files", status: 200, typ: "workbookRangeFormat"},
	{route: "PATCH /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='A1:F1')/format", auth: "files", status: 200, typ: "workbookRangeFormat", body: `{"columnWidth": 80, "horizontalAlignment": "Center", "wrapText": true}`},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='A1:F1')/format/font", auth: "files", status: 200, typ: "workbookRangeFont"},
	{route: "PATCH /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='A1:F1')/format/font", auth: "files", status: 200, typ: "workbookRangeFont", body: `{"bold": true, "color": "#1F497D", "size": 12}`},
	{route: "PATCH /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='A1:F1')/format/fill", auth: "files", status: 200, typ: "workbookRangeFill", body: `{"color": "#FFFF00"}`},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='A1:F1')/format/fill", auth: "files", status: 200, typ: "workbookRangeFill"},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='A1:F2')/format/borders", auth: "files", status: 200, typ: "workbookRangeBorder", list: true},
	{route: "PATCH /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='A1:F2')/format/borders/EdgeBottom", auth: "files", status: 200, typ: "workbookRangeBorder", body: `{"style": "Continuous", "weight": "Medium", "color": "#1F497D"}`},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='A1:F2')/format/borders/InsideHorizontal", auth: "files", status: 200, typ: "workbookRangeBorder"},
	{route: "PATCH /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='A1:F2')/format/borders/Middle", auth: "files", status: 404, body: `{"style": "Dot"}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='A1:F1')/format/fill/clear", auth: "files", status: 200, judge: "none"},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='H1:I1')/insert", auth: "files", status: 200, typ: "workbookRange", body: `{"shift": "Down"}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='H1:I1')/delete", auth: "files", status: 200, judge: "none", body: `{"shift": "Up"}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='H1:I1')/delete", auth: "files", status: 400, body: `{"shift": "Down"}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='H1:I2')/merge", auth: "files", status: 200, judge: "none", body: `{"across": true}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='H1:I2')/unmerge", auth: "files", status: 200, judge: "none"},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/range(address='H1:I2')/clear", auth: "files", status: 200, judge: "none", body: `{"applyTo": "All"}`},
	// tables
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/tables", auth: "files", status: 200, typ: "workbookTable", list: true},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/tables", auth: "files", status: 200, typ: "workbookTable", list: true},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/tables('Costs')", auth: "files", status: 200, typ: "workbookTable"},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/range", auth: "files", status: 200, typ: "workbookRange"},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/headerRowRange", auth: "files", status: 200, typ: "workbookRange"},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/dataBodyRange", auth: "files", status: 200, typ: "workbookRange"},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/totalRowRange", auth: "files", status: 404},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/rows", auth: "files", status: 200, typ: "workbookTableRow", list: true},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/rows/itemAt(index=1)", auth: "files", status: 200, typ: "workbookTableRow"},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/rows/9", auth: "files", status: 404},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/rows/add", auth: "files", status: 201, typ: "workbookTableRow", body: `{"values": [["Hardware", 1, 2, 3, 4, "=SUM(B6:E6)"]]}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/rows", auth: "files", status: 201, typ: "workbookTableRow", body: `{"index": 0, "values": [["Rent", 1, 1, 1, 1, 4]]}`},
	{route: "DELETE /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/rows/0", auth: "files", status: 204, judge: "none"},
	{route: "PATCH /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/rows/itemAt(index=4)", auth: "files", status: 200, typ: "workbookTableRow", body: `{"values": [["Hardware", 2, 2, 2, 2, "=SUM(B6:E6)"]]}`},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/rows/4/range", auth: "files", status: 200, typ: "workbookRange"},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/worksheet", auth: "files", status: 200, typ: "workbookWorksheet"},
	{route: "DELETE /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/rows/$/itemAt(index=4)", auth: "files", status: 204, judge: "none"},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/columns", auth: "files", status: 200, typ: "workbookTableColumn", list: true},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/columns/Total", auth: "files", status: 200, typ: "workbookTableColumn"},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/columns/Q1/dataBodyRange", auth: "files", status: 200, typ: "workbookRange"},
	{route: "PATCH /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/columns/Q2/range/format/font", auth: "files", status: 200, typ: "workbookRangeFont", body: `{"italic": true}`},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/columns/itemAt(index=0)", auth: "files", status: 200, typ: "workbookTableColumn"},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/columns/add", auth: "files", status: 201, typ: "workbookTableColumn", body: `{"name": "Owner"}`},
	{route: "DELETE /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/columns/Owner", auth: "files", status: 204, judge: "none"},
	{route: "PATCH /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs", auth: "files", status: 200, typ: "workbookTable", body: `{"showTotals": true, "style": "TableStyleLight9"}`},
	{route: "PATCH /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs", auth: "files", status: 400, body: `{"name": "B2"}`},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/tables/Costs/totalRowRange", auth: "files", status: 200, typ: "workbookRange"},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/tables/add", auth: "files", status: 201, typ: "workbookTable", save: "table", body: `{"address": "K1:L3", "hasHeaders": false}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/tables/add", auth: "files", status: 400, body: `{"address": "Budget!A1:B2", "hasHeaders": true}`},
	{route: "DELETE /v1.0/me/drive/{rest...}", path: wbPath + "/tables/{table}", auth: "files", status: 204, judge: "none"},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/tables/add", auth: "files", status: 201, typ: "workbookTable", save: "table2", body: `{"address": "K1:L3", "hasHeaders": true}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/tables/{table2}/convertToRange", auth: "files", status: 200, typ: "workbookRange"},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/tables/add", auth: "files", status: 201, typ: "workbookTable", body: `{"address": "Budget!N1:O2", "hasHeaders": true}`},
	// named items
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/names", auth: "files", status: 200, typ: "workbookNamedItem", list: true},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/names", auth: "files", status: 200, typ: "workbookNamedItem", list: true},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/names('GrandTotal')", auth: "files", status: 200, typ: "workbookNamedItem"},
	{route: "GET /v1.0/me/drive/{rest...}", path: wbPath + "/names/GrandTotal/range", auth: "files", status: 200, typ: "workbookRange"},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/names/add", auth: "files", status: 200, typ: "workbookNamedItem", body: `{"name": "Rate", "reference": "=0.2", "comment": "tax"}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/names/add", auth: "files", status: 409, body: `{"name": "Rate", "reference": "=0.3"}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/names/addFormulaLocal", auth: "files", status: 200, typ: "workbookNamedItem", body: `{"name": "Travel", "formula": "=Budget!$B$2:$E$2"}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: wbPath + "/worksheets/Budget/names/add", auth: "files", status: 200, typ: "workbookNamedItem", body: `{"name": "Local", "reference": "=Budget!$A$1"}`},
	{route: "DELETE /v1.0/me/drive/{rest...}", path: wbPath + "/names/Rate", auth: "files", status: 204, judge: "none"},
	{route: "DELETE /v1.0/me/drive/{rest...}", path: wbPath + "/names/Rate", auth: "files", status: 404},
	// the same workbook through the other drive routes
	{route: "GET /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{adele}/drive/root:/Documents/Budget%202025.xlsx:/workbook/worksheets", auth: "files", status: 200, typ: "workbookWorksheet", list: true},
	{route: "PATCH /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{adele}/drive/root:/Documents/Budget%202025.xlsx:/workbook/worksheets/Budget/range(address='H5')", auth: "files", status: 200, typ: "workbookRange", body: `{"values": [["=GrandTotal/4"]]}`},
	{route: "GET /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/root:/Documents/Budget%202025.xlsx:/workbook/tables", auth: "files", status: 200, typ: "workbookTable", list: true},
	{route: "POST /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/root:/Documents/Budget%202025.xlsx:/workbook/functions/average", auth: "files", status: 200, typ: "workbookFunctionResult", body: `{"values": [[1, 2], [3, 4]]}`},
}

func TestGraphConformanceWorkbook(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	c := newConformance(t, e, map[string]string{
		"files": "User.Read Files.ReadWrite",
		"read":  "User.Read Files.Read",
	})
	c.fill("{adele}", adele().ID)
	c.run(graphConformanceDrive[0]) // saves {drive}
	for _, row := range graphConformanceWorkbook {
		c.run(row)
	}
}
