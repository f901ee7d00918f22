package m365mcp

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// maxReadBytes bounds the files files_read downloads.
const maxReadBytes = 10 << 20

// textOf returns a file's content as text: text files as they are, Word and
// PowerPoint documents as their paragraphs, Excel workbooks as tab-separated
// rows under each sheet's name. Other files are refused.
func textOf(name string, data []byte) (string, error) {
	switch strings.ToLower(path.Ext(name)) {
	case ".docx", ".docm", ".dotx":
		return ooxmlText(data, func(n string) bool { return n == "word/document.xml" })
	case ".pptx", ".ppsx":
		return ooxmlText(data, func(n string) bool {
			return strings.HasPrefix(n, "ppt/slides/slide") && strings.HasSuffix(n, ".xml")
		})
	case ".xlsx", ".xlsm":
		return workbookText(data)
	}
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return "", badInput("%s is not a text file or a Word, PowerPoint or Excel document, so it cannot be read as text", name)
	}
	return string(data), nil
}

// ooxmlText reads the text runs (<w:t>, <a:t>) of the parts of an Office
// Open XML package that want chooses, in name order, one line a paragraph.
func ooxmlText(data []byte, want func(string) bool) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", badInput("the document is damaged: %v", err)
	}
	var parts []*zip.File
	for _, f := range zr.File {
		if want(f.Name) {
			parts = append(parts, f)
		}
	}
	sort.Slice(parts, func(i, j int) bool { return naturalLess(parts[i].Name, parts[j].Name) })
	var b strings.Builder
	for _, f := range parts {
		if err := partText(&b, f); err != nil {
			return "", badInput("the document is damaged: %v", err)
		}
	}
	return strings.TrimSpace(b.String()), nil
}

func partText(b *strings.Builder, f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(io.LimitReader(rc, maxReadBytes*4))
	inText := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			inText = t.Name.Local == "t"
			if t.Name.Local == "tab" {
				b.WriteByte('\t')
			}
		case xml.EndElement:
			inText = false
			if t.Name.Local == "p" {
				b.WriteByte('\n')
			}
		case xml.CharData:
			if inText {
				b.Write(t)
			}
		}
	}
}

// naturalLess orders slide2.xml before slide10.xml.
func naturalLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func workbookText(data []byte) (string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return "", badInput("the workbook is damaged: %v", err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			return "", badInput("sheet %s: %v", sheet, err)
		}
		fmt.Fprintf(&b, "# %s\n", sheet)
		for _, r := range rows {
			b.WriteString(strings.Join(r, "\t") + "\n")
		}
	}
	return strings.TrimSpace(b.String()), nil
}
