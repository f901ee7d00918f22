package drive

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Office files of every seeded OneDrive: a budget workbook with a table and
// formulas (written with excelize), a proposal document and a kickoff
// presentation (the smallest complete WordprocessingML and PresentationML
// packages). Their bytes are the same on every run.

// officeTypes are the media types of the Office formats, as Graph gives them.
var officeTypes = map[string]string{
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

// seedOfficeFiles are the seeded Office files, by path.
func seedOfficeFiles() []struct{ path, content string } {
	return []struct{ path, content string }{
		{"Documents/Budget 2025.xlsx", string(budgetWorkbook())},
		{"Documents/Proposal.docx", string(proposalDocument())},
		{"Documents/Kickoff.pptx", string(kickoffPresentation())},
	}
}

// budgetWorkbook is a Budget sheet: a table of costs by quarter, each row's
// total a formula, and a grand total under the table.
func budgetWorkbook() []byte {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Budget"
	must := func(err error) {
		if err != nil {
			panic("drive: seeding the budget workbook: " + err.Error())
		}
	}
	must(f.SetSheetName("Sheet1", sheet))
	rows := [][]any{
		{"Item", "Q1", "Q2", "Q3", "Q4", "Total"},
		{"Travel", 12000, 9500, 8000, 11000},
		{"Software", 30000, 30000, 32000, 32000},
		{"Events", 4000, 15000, 6000, 20000},
		{"Training", 5000, 2500, 2500, 5000},
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		must(f.SetSheetRow(sheet, cell, &row))
		if i > 0 {
			must(f.SetCellFormula(sheet, fmt.Sprintf("F%d", i+1), fmt.Sprintf("SUM(B%d:E%d)", i+1, i+1)))
		}
	}
	must(f.SetCellStr(sheet, "E7", "Grand total"))
	must(f.SetCellFormula(sheet, "F7", "SUM(F2:F5)"))
	money, err := f.NewStyle(&excelize.Style{NumFmt: 3})
	must(err)
	must(f.SetCellStyle(sheet, "B2", "F7", money))
	on := true
	must(f.AddTable(sheet, &excelize.Table{Range: "A1:F5", Name: "Costs", StyleName: "TableStyleMedium2", ShowRowStripes: &on}))
	must(f.SetColWidth(sheet, "A", "A", 14))
	must(f.SetDefinedName(&excelize.DefinedName{Name: "GrandTotal", RefersTo: sheet + "!$F$7"}))
	buf, err := f.WriteToBuffer()
	must(err)
	return buf.Bytes()
}

// ooxmlPackage zips parts in the order given, dated seedTime, so the
// bytes are the same on every run. The first part is [Content_Types].xml.
func ooxmlPackage(parts [][2]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p[0], Method: zip.Deflate, Modified: seedTime})
		if err == nil {
			_, err = w.Write([]byte(p[1]))
		}
		if err != nil {
			panic("drive: seeding " + p[0] + ": " + err.Error())
		}
	}
	if err := zw.Close(); err != nil {
		panic("drive: seeding an Office file: " + err.Error())
	}
	return buf.Bytes()
}

const (
	xmlHead  = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	relsNS   = `http://schemas.openxmlformats.org/package/2006/relationships`
	docRelNS = `http://schemas.openxmlformats.org/officeDocument/2006/relationships`
	typesNS  = `http://schemas.openxmlformats.org/package/2006/content-types`
	drawNS   = `http://schemas.openxmlformats.org/drawingml/2006/main`
	presNS   = `http://schemas.openxmlformats.org/presentationml/2006/main`
)

// rels is a relationships part: each relationship as id, type (under
// officeDocument/2006/relationships/) and target.
func rels(rs ...[3]string) string {
	var b strings.Builder
	b.WriteString(xmlHead + `<Relationships xmlns="` + relsNS + `">`)
	for _, r := range rs {
		fmt.Fprintf(&b, `<Relationship Id="%s" Type="%s/%s" Target="%s"/>`, r[0], docRelNS, r[1], r[2])
	}
	return b.String() + `</Relationships>`
}

// contentTypes is [Content_Types].xml: the defaults for rels and xml, and
// each part's type (under application/vnd.openxmlformats-officedocument.).
func contentTypes(overrides ...[2]string) string {
	var b strings.Builder
	b.WriteString(xmlHead + `<Types xmlns="` + typesNS + `">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>`)
	for _, o := range overrides {
		fmt.Fprintf(&b, `<Override PartName="%s" ContentType="application/vnd.openxmlformats-officedocument.%s"/>`, o[0], o[1])
	}
	return b.String() + `</Types>`
}

// proposalDocument is a one-page Word document: a heading and two paragraphs.
func proposalDocument() []byte {
	const wNS = `http://schemas.openxmlformats.org/wordprocessingml/2006/main`
	var body strings.Builder
	for i, p := range []string{
		"Proposal: a shared planning calendar",
		"Teams plan launches in separate spreadsheets today. This proposal moves the plans into one calendar that every team can read and update.",
		"Cost: two weeks of work for one engineer. Review date: the next product sync.",
	} {
		run := `<w:r><w:t xml:space="preserve">` + html.EscapeString(p) + `</w:t></w:r>`
		if i == 0 {
			run = `<w:r><w:rPr><w:b/><w:sz w:val="32"/></w:rPr><w:t>` + html.EscapeString(p) + `</w:t></w:r>`
		}
		body.WriteString(`<w:p>` + run + `</w:p>`)
	}
	return ooxmlPackage([][2]string{
		{"[Content_Types].xml", contentTypes([2]string{"/word/document.xml", "wordprocessingml.document.main+xml"})},
		{"_rels/.rels", rels([3]string{"rId1", "officeDocument", "word/document.xml"})},
		{"word/document.xml", xmlHead + `<w:document xmlns:w="` + wNS + `"><w:body>` + body.String() +
			`<w:sectPr><w:pgSz w:w="12240" w:h="15840"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="720" w:footer="720" w:gutter="0"/></w:sectPr></w:body></w:document>`},
	})
}

// kickoffPresentation is a one-slide presentation with a title and a line
// of text, with the master, layout and theme PowerPoint requires.
func kickoffPresentation() []byte {
	ns := `xmlns:a="` + drawNS + `" xmlns:r="` + docRelNS + `" xmlns:p="` + presNS + `"`
	tree := func(shapes string) string {
		return `<p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>` +
			`<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>` +
			shapes + `</p:spTree></p:cSld>`
	}
	box := func(id int, name string, y int, size int, text string) string {
		return fmt.Sprintf(`<p:sp><p:nvSpPr><p:cNvPr id="%d" name="%s"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>`+
			`<p:spPr><a:xfrm><a:off x="457200" y="%d"/><a:ext cx="8229600" cy="1143000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr>`+
			`<p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="en-US" sz="%d"/><a:t>%s</a:t></a:r></a:p></p:txBody></p:sp>`,
			id, name, y, size, html.EscapeString(text))
	}
	const pml = "presentationml."
	return ooxmlPackage([][2]string{
		{"[Content_Types].xml", contentTypes(
			[2]string{"/ppt/presentation.xml", pml + "presentation.main+xml"},
			[2]string{"/ppt/slideMasters/slideMaster1.xml", pml + "slideMaster+xml"},
			[2]string{"/ppt/slideLayouts/slideLayout1.xml", pml + "slideLayout+xml"},
			[2]string{"/ppt/slides/slide1.xml", pml + "slide+xml"},
			[2]string{"/ppt/theme/theme1.xml", "theme+xml"})},
		{"_rels/.rels", rels([3]string{"rId1", "officeDocument", "ppt/presentation.xml"})},
		{"ppt/presentation.xml", xmlHead + `<p:presentation ` + ns + `>` +
			`<p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>` +
			`<p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst>` +
			`<p:sldSz cx="9144000" cy="6858000" type="screen4x3"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>`},
		{"ppt/_rels/presentation.xml.rels", rels(
			[3]string{"rId1", "slideMaster", "slideMasters/slideMaster1.xml"},
			[3]string{"rId2", "slide", "slides/slide1.xml"},
			[3]string{"rId3", "theme", "theme/theme1.xml"})},
		{"ppt/slideMasters/slideMaster1.xml", xmlHead + `<p:sldMaster ` + ns + `>` + tree("") +
			`<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>` +
			`<p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst></p:sldMaster>`},
		{"ppt/slideMasters/_rels/slideMaster1.xml.rels", rels(
			[3]string{"rId1", "slideLayout", "../slideLayouts/slideLayout1.xml"},
			[3]string{"rId2", "theme", "../theme/theme1.xml"})},
		{"ppt/slideLayouts/slideLayout1.xml", xmlHead + `<p:sldLayout ` + ns + ` type="blank">` + tree("") +
			`<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>`},
		{"ppt/slideLayouts/_rels/slideLayout1.xml.rels", rels([3]string{"rId1", "slideMaster", "../slideMasters/slideMaster1.xml"})},
		{"ppt/slides/slide1.xml", xmlHead + `<p:sld ` + ns + `>` +
			tree(box(2, "Title", 1600200, 4000, "Launch kickoff")+box(3, "Agenda", 3200400, 2000, "Goals, milestones and owners for version 2")) +
			`<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>`},
		{"ppt/slides/_rels/slide1.xml.rels", rels([3]string{"rId1", "slideLayout", "../slideLayouts/slideLayout1.xml"})},
		{"ppt/theme/theme1.xml", theme()},
	})
}

// theme is the smallest complete DrawingML theme: colours, fonts and the
// three fill, line and effect styles each list needs.
func theme() string {
	var clr strings.Builder
	for _, c := range [][2]string{{"dk1", "000000"}, {"lt1", "FFFFFF"}, {"dk2", "1F497D"}, {"lt2", "EEECE1"},
		{"accent1", "4F81BD"}, {"accent2", "C0504D"}, {"accent3", "9BBB59"}, {"accent4", "8064A2"},
		{"accent5", "4BACC6"}, {"accent6", "F79646"}, {"hlink", "0000FF"}, {"folHlink", "800080"}} {
		fmt.Fprintf(&clr, `<a:%s><a:srgbClr val="%s"/></a:%s>`, c[0], c[1], c[0])
	}
	fill := `<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>`
	line := `<a:ln w="9525"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>`
	effect := `<a:effectStyle><a:effectLst/></a:effectStyle>`
	font := `<a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/>`
	return xmlHead + `<a:theme xmlns:a="` + drawNS + `" name="Office Theme"><a:themeElements>` +
		`<a:clrScheme name="Office">` + clr.String() + `</a:clrScheme>` +
		`<a:fontScheme name="Office"><a:majorFont>` + font + `</a:majorFont><a:minorFont>` + font + `</a:minorFont></a:fontScheme>` +
		`<a:fmtScheme name="Office"><a:fillStyleLst>` + strings.Repeat(fill, 3) + `</a:fillStyleLst>` +
		`<a:lnStyleLst>` + strings.Repeat(line, 3) + `</a:lnStyleLst>` +
		`<a:effectStyleLst>` + strings.Repeat(effect, 3) + `</a:effectStyleLst>` +
		`<a:bgFillStyleLst>` + strings.Repeat(fill, 3) + `</a:bgFillStyleLst></a:fmtScheme>` +
		`</a:themeElements></a:theme>`
}
