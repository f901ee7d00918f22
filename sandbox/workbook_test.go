package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/workbook"
)

// uploadSales puts the workbook package's fixture into Adele's drive and
// returns the item's id and workbook path.
func uploadSales(t *testing.T, d *driveClient, path string) (id, wb string) {
	t.Helper()
	data, err := os.ReadFile("internal/workbook/testdata/sales.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	item := d.call("PUT", "/v1.0/me/drive/root:/"+path+":/content", data, 201)
	id = item["id"].(string)
	return id, "/v1.0/me/drive/items/" + id + "/workbook"
}

// bookCall sends a workbook request in session (none when "").
func (d *driveClient) bookCall(method, path, session string, body any, want int) map[string]any {
	d.t.Helper()
	hdr := map[string]string{"Authorization": d.tok}
	if session != "" {
		hdr["workbook-session-id"] = session
	}
	var in io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		in, hdr["Content-Type"] = bytes.NewReader(data), "application/json"
	}
	resp := d.e.do(method, path, in, hdr, nil)
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		d.t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, data)
	}
	var out map[string]any
	_ = json.Unmarshal(data, &out)
	return out
}

func rangeOf(path, sheet, address string) string {
	return path + "/worksheets/" + url.PathEscape(sheet) + "/range(address='" + address + "')"
}

// TestWorkbookRangesOnADriveItem: an uploaded .xlsx is read and written
// through the workbook API, and the item's content afterwards is a workbook
// with the new values and formulas.
func TestWorkbookRangesOnADriveItem(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	id, wb := uploadSales(t, d, "Reports/sales.xlsx")

	sheets := d.bookCall("GET", wb+"/worksheets", "", nil, 200)["value"].([]any)
	if len(sheets) != 3 || sheets[0].(map[string]any)["name"] != "Sales" {
		t.Fatalf("worksheets: %v", sheets)
	}
	r := d.bookCall("GET", rangeOf(wb, "Sales", "A2:D2"), "", nil, 200)
	if r["address"] != "Sales!A2:D2" || r["formulas"].([]any)[0].([]any)[3] != "=B2*C2" {
		t.Fatalf("range: %v", r)
	}
	r = d.bookCall("PATCH", rangeOf(wb, "Sales", "B2:D2"), "", map[string]any{
		"values": [][]any{{5, 2, "=B2*C2+1"}},
	}, 200)
	if got := r["values"].([]any)[0].([]any)[2]; got != 11.0 {
		t.Fatalf("patched range: D2 = %v, want 11: %v", got, r)
	}
	// The same address by path reaches the same workbook.
	r = d.bookCall("GET", "/v1.0/me/drive/root:/Reports/sales.xlsx:/workbook/worksheets/Sales/range(address='B2:D2')", "", nil, 200)
	if got := r["values"].([]any)[0].([]any)[0]; got != 5.0 {
		t.Fatalf("by path: B2 = %v, want 5", got)
	}
	used := d.bookCall("GET", wb+"/worksheets/Sales/usedRange", "", nil, 200)
	if used["address"] == "" || used["rowCount"].(float64) < 4 {
		t.Fatalf("usedRange: %v", used)
	}

	b, err := workbook.Open(d.download(id))
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.Range("Sales", "B2:D2")
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]any{{5.0, 2.0, 11.0}}; !reflect.DeepEqual(got.Values, want) {
		t.Errorf("downloaded values %v, want %v", got.Values, want)
	}
	if f := got.Formulas[0][2]; f != "=B2*C2+1" {
		t.Errorf("downloaded formula %v, want =B2*C2+1", f)
	}

	var ge map[string]any
	ge = d.bookCall("GET", rangeOf(wb, "Nope", "A1"), "", nil, 404)
	if ge["error"].(map[string]any)["code"] != "ItemNotFound" {
		t.Errorf("unknown sheet: %v", ge)
	}
}

// TestWorkbookSessionsSheetsTablesNames: sessions (a non-persistent one's
// changes are not saved), worksheets added, renamed and deleted, table rows
// and names.
func TestWorkbookSessionsSheetsTablesNames(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	_, wb := uploadSales(t, d, "sales.xlsx")

	temp := d.bookCall("POST", wb+"/createSession", "", map[string]any{"persistChanges": false}, 201)
	sid := temp["id"].(string)
	if sid == "" || temp["persistChanges"] != false {
		t.Fatalf("createSession: %v", temp)
	}
	d.bookCall("PATCH", rangeOf(wb, "Sales", "B2"), sid, map[string]any{"values": [][]any{{99}}}, 200)
	if v := d.bookCall("GET", rangeOf(wb, "Sales", "B2"), sid, nil, 200)["values"].([]any)[0].([]any)[0]; v != 99.0 {
		t.Errorf("in the session: B2 = %v, want 99", v)
	}
	if v := d.bookCall("GET", rangeOf(wb, "Sales", "B2"), "", nil, 200)["values"].([]any)[0].([]any)[0]; v == 99.0 {
		t.Errorf("outside the non-persistent session: B2 = 99")
	}
	d.bookCall("POST", wb+"/refreshSession", sid, nil, 204)
	d.bookCall("POST", wb+"/closeSession", sid, nil, 204)
	ge := d.bookCall("GET", rangeOf(wb, "Sales", "B2"), sid, nil, 404)
	if ge["error"].(map[string]any)["code"] != "invalidSessionReCreatable" {
		t.Errorf("closed session: %v", ge)
	}

	ws := d.bookCall("POST", wb+"/worksheets/add", "", map[string]any{"name": "Q3"}, 201)
	if ws["name"] != "Q3" {
		t.Fatalf("add: %v", ws)
	}
	d.bookCall("POST", wb+"/worksheets/add", "", map[string]any{"name": "Q3"}, 409)
	ws = d.bookCall("PATCH", wb+"/worksheets/"+url.PathEscape(ws["id"].(string)), "", map[string]any{"name": "Q4"}, 200)
	if ws["name"] != "Q4" {
		t.Fatalf("rename: %v", ws)
	}
	d.bookCall("GET", wb+"/worksheets/Q4", "", nil, 200)
	d.bookCall("DELETE", wb+"/worksheets/Q4", "", nil, 204)
	d.bookCall("GET", wb+"/worksheets/Q4", "", nil, 404)

	tables := d.bookCall("GET", wb+"/tables", "", nil, 200)["value"].([]any)
	if len(tables) != 1 || tables[0].(map[string]any)["name"] != "SalesTable" {
		t.Fatalf("tables: %v", tables)
	}
	rows := d.bookCall("GET", wb+"/tables/SalesTable/rows", "", nil, 200)["value"].([]any)
	row := d.bookCall("POST", wb+"/tables/SalesTable/rows/add", "", map[string]any{"values": [][]any{{"Kiwis", 4, 2, "=B5*C5"}}}, 201)
	if row["index"] != float64(len(rows)) {
		t.Errorf("added row: %v after %d rows", row, len(rows))
	}
	if n := len(d.bookCall("GET", wb+"/tables/SalesTable/rows", "", nil, 200)["value"].([]any)); n != len(rows)+1 {
		t.Errorf("rows after add: %d, want %d", n, len(rows)+1)
	}
	names := d.bookCall("GET", wb+"/names", "", nil, 200)["value"].([]any)
	if len(names) != 1 || names[0].(map[string]any)["name"] != "TaxRate" {
		t.Errorf("names: %v", names)
	}
	if tb := d.bookCall("GET", wb+"/tables('SalesTable')", "", nil, 200); tb["name"] != "SalesTable" {
		t.Errorf("tables('SalesTable'): %v", tb)
	}
	if n := d.bookCall("GET", wb+"/names/TaxRate", "", nil, 200); n["value"] != "=Notes!$B$2" {
		t.Errorf("names/TaxRate: %v", n)
	}
	if onSheet := d.bookCall("GET", wb+"/worksheets('Sales')/tables", "", nil, 200)["value"].([]any); len(onSheet) != 1 {
		t.Errorf("worksheets('Sales')/tables: %v", onSheet)
	}
	if onSheet := d.bookCall("GET", wb+"/worksheets/Notes/tables", "", nil, 200)["value"].([]any); len(onSheet) != 0 {
		t.Errorf("worksheets/Notes/tables: %v", onSheet)
	}
	d.bookCall("GET", wb+"/worksheets/Sales/names", "", nil, 200)
	// Deleting the file ends its sessions, even once it is restored.
	keep := d.bookCall("POST", wb+"/createSession", "", map[string]any{"persistChanges": true}, 201)["id"].(string)
	d.bookCall("GET", wb+"/worksheets", keep, nil, 200)
	item := strings.TrimSuffix(wb, "/workbook")
	d.call("DELETE", item, nil, 204)
	d.call("POST", item+"/restore", nil, 200)
	d.bookCall("GET", wb+"/worksheets", keep, nil, 404)
	d.bookCall("POST", wb+"/tables/add", "", map[string]any{"address": "Notes!D1:E3", "hasHeaders": true}, 201)
}
