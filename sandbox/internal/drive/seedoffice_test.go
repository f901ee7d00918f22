package drive

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// unzip reads every part of an Office package.
func unzip(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f.Name, ".xml") || strings.HasSuffix(f.Name, ".rels") {
			if err := xml.Unmarshal(b, new(struct{})); err != nil {
				t.Errorf("%s is not well-formed XML: %v", f.Name, err)
			}
		}
		parts[f.Name] = string(b)
	}
	return parts
}

// TestSeededOfficeFilesOpen: the seeded workbook opens with excelize with
// its table and formulas, the document and the presentation have the
// parts their content types name, every part well-formed, and the bytes
// are the same each time they are made.
func TestSeededOfficeFilesOpen(t *testing.T) {
	t.Parallel()
	files := map[string][]byte{}
	for _, f := range seedOfficeFiles() {
		files[f.path] = []byte(f.content)
	}
	for _, f := range seedOfficeFiles() {
		if !bytes.Equal(files[f.path], []byte(f.content)) {
			t.Errorf("%s: the bytes differ from one making to the next", f.path)
		}
	}

	x, err := excelize.OpenReader(bytes.NewReader(files["Documents/Budget 2025.xlsx"]))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if tbls, err := x.GetTables("Budget"); err != nil || len(tbls) != 1 || tbls[0].Name != "Costs" {
		t.Errorf("tables: %+v %v", tbls, err)
	}
	for cell, want := range map[string]string{"F2": "40500", "F7": "224500"} {
		if got, err := x.CalcCellValue("Budget", cell, excelize.Options{RawCellValue: true}); got != want || err != nil {
			t.Errorf("Budget!%s = %q %v, want %s", cell, got, err, want)
		}
	}

	for path, want := range map[string][]string{
		"Documents/Proposal.docx": {"word/document.xml"},
		"Documents/Kickoff.pptx":  {"ppt/presentation.xml", "ppt/slides/slide1.xml", "ppt/slideLayouts/slideLayout1.xml", "ppt/slideMasters/slideMaster1.xml", "ppt/theme/theme1.xml"},
	} {
		parts := unzip(t, files[path])
		types := parts["[Content_Types].xml"]
		for _, p := range want {
			if _, ok := parts[p]; !ok || !strings.Contains(types, `PartName="/`+p+`"`) {
				t.Errorf("%s: part %s missing or without a content type", path, p)
			}
		}
		if !strings.Contains(parts["_rels/.rels"], strings.SplitN(want[0], "/", 2)[0]+"/") {
			t.Errorf("%s: _rels/.rels does not point at the main part: %s", path, parts["_rels/.rels"])
		}
	}
	if doc := unzip(t, files["Documents/Proposal.docx"])["word/document.xml"]; !strings.Contains(doc, "shared planning calendar") {
		t.Errorf("the document has no text: %s", doc)
	}
	if slide := unzip(t, files["Documents/Kickoff.pptx"])["ppt/slides/slide1.xml"]; !strings.Contains(slide, "Launch kickoff") {
		t.Errorf("the slide has no title: %s", slide)
	}
}

// TestSeededWorkbookThroughGraph: the seeded budget's workbook is served
// on every seeded drive.
func TestSeededWorkbookThroughGraph(t *testing.T) {
	t.Parallel()
	env, seed, adele, app := storeEnv(t)
	get := func(path, tok string) map[string]any {
		t.Helper()
		rec := env.Do("GET", path, tok, nil)
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != 200 {
			t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
		}
		return out
	}
	wb := "/v1.0/me/drive/root:/Documents/Budget%202025.xlsx:/workbook"
	r := get(wb+"/tables/Costs/range", adele)
	if r["address"] != "Budget!A1:F5" {
		t.Errorf("Costs range = %v", r["address"])
	}
	r = get("/v1.0/users/"+seed[3].ID+"/drive/root:/Documents/Budget%202025.xlsx:/workbook/names/GrandTotal/range", app)
	if v := r["values"].([]any)[0].([]any)[0]; v != 224500.0 {
		t.Errorf("GrandTotal = %v", v)
	}
	item := get("/v1.0/me/drive/root:/Documents/Proposal.docx:", adele)
	if f := item["file"].(map[string]any); f["mimeType"] != officeTypes[".docx"] {
		t.Errorf("docx mimeType %v", f["mimeType"])
	}
}
