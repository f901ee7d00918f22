package workbook

import (
	"fmt"
	"sort"
	"strings"
)

// Worksheet is Graph's workbookWorksheet.
type Worksheet struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Position int    `json:"position"`
	// Visibility is "Visible", "Hidden" or "VeryHidden".
	Visibility string `json:"visibility"`
}

// sheetID is the id Excel gives the sheet whose workbook.xml sheetId is n:
// a GUID whose fourth group is n-1 as two little-endian bytes, so that
// Sheet1 is {00000000-0001-0000-0000-000000000000} and Sheet2
// {00000000-0001-0000-0100-000000000000}. It survives renames and saves.
func sheetID(n int) string {
	v := n - 1
	return fmt.Sprintf("{00000000-0001-0000-%02X%02X-000000000000}", v&0xff, (v>>8)&0xff)
}

// sheets lists the worksheets in tab order.
func (b *Book) sheets() []Worksheet {
	byName := map[string]int{}
	for id, name := range b.f.GetSheetMap() {
		byName[name] = id
	}
	var out []Worksheet
	for i, name := range b.f.GetSheetList() {
		vis := "Visible"
		if ok, _ := b.f.GetSheetVisible(name); !ok {
			vis = "Hidden"
		}
		if wb := b.f.WorkBook; wb != nil && vis == "Hidden" { // read by GetSheetVisible
			for _, s := range wb.Sheets.Sheet {
				if s.Name == name && s.State == "veryHidden" {
					vis = "VeryHidden"
				}
			}
		}
		out = append(out, Worksheet{ID: sheetID(byName[name]), Name: name, Position: i, Visibility: vis})
	}
	return out
}

// sheet finds a worksheet by name (ignoring case, as Excel does) or id.
func (b *Book) sheet(key string) (Worksheet, error) {
	for _, ws := range b.sheets() {
		if strings.EqualFold(ws.Name, key) || strings.EqualFold(ws.ID, key) {
			return ws, nil
		}
	}
	return Worksheet{}, ErrItemNotFound
}

// Worksheets lists the workbook's sheets in tab order.
func (b *Book) Worksheets() []Worksheet {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sheets()
}

// Worksheet returns a sheet by name or id.
func (b *Book) Worksheet(key string) (Worksheet, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sheet(key)
}

// checkSheetName applies Excel's rules for a sheet name.
func checkSheetName(name string) error {
	if name == "" || len([]rune(name)) > 31 || strings.ContainsAny(name, `:\/?*[]`) ||
		strings.HasPrefix(name, "'") || strings.HasSuffix(name, "'") {
		return invalidArgument("The sheet name %q is not valid: use 1 to 31 characters, none of : \\ / ? * [ ] and no quote at either end.", name)
	}
	return nil
}

// AddWorksheet adds a sheet at the end. An empty name takes the next free
// "SheetN", as Excel does.
func (b *Book) AddWorksheet(name string) (Worksheet, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if name == "" {
		for n := len(b.f.GetSheetList()) + 1; ; n++ {
			name = fmt.Sprintf("Sheet%d", n)
			if _, err := b.sheet(name); err != nil {
				break
			}
		}
	}
	if err := checkSheetName(name); err != nil {
		return Worksheet{}, err
	}
	if _, err := b.sheet(name); err == nil {
		return Worksheet{}, ErrItemAlreadyExists
	}
	if _, err := b.f.NewSheet(name); err != nil {
		return Worksheet{}, invalidArgument("%v", err)
	}
	return b.sheet(name)
}

// WorksheetUpdate is the body of a worksheet PATCH: each member set is changed.
type WorksheetUpdate struct {
	Name       *string `json:"name,omitempty"`
	Position   *int    `json:"position,omitempty"`
	Visibility *string `json:"visibility,omitempty"`
}

// UpdateWorksheet renames, moves or hides a sheet (formulas that refer to a
// renamed sheet follow it). Nothing changes when any member is refused.
func (b *Book) UpdateWorksheet(key string, u WorksheetUpdate) (Worksheet, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ws, err := b.sheet(key)
	if err != nil {
		return Worksheet{}, err
	}
	if u.Name != nil {
		if err := checkSheetName(*u.Name); err != nil {
			return Worksheet{}, err
		}
		if other, err := b.sheet(*u.Name); err == nil && other.ID != ws.ID {
			return Worksheet{}, ErrItemAlreadyExists
		}
	}
	count := len(b.f.GetSheetList())
	if u.Position != nil && (*u.Position < 0 || *u.Position >= count) {
		return Worksheet{}, invalidArgument("The position %d is outside the workbook's %d sheets.", *u.Position, count)
	}
	visible, veryHidden := true, false
	if u.Visibility != nil {
		switch strings.ToLower(*u.Visibility) {
		case "visible":
		case "hidden":
			visible = false
		case "veryhidden":
			visible, veryHidden = false, true
		default:
			return Worksheet{}, invalidArgument("The visibility %q is not valid: use Visible, Hidden or VeryHidden.", *u.Visibility)
		}
	}
	if u.Name != nil && *u.Name != ws.Name {
		if err := b.f.SetSheetName(ws.Name, *u.Name); err != nil {
			return Worksheet{}, invalidArgument("%v", err)
		}
		ws.Name = *u.Name
	}
	if u.Position != nil && *u.Position != ws.Position {
		restore, err := b.sheetNames()
		if err != nil {
			return Worksheet{}, invalidArgument("%v", err)
		}
		list := b.f.GetSheetList()
		if *u.Position < ws.Position {
			err = b.f.MoveSheet(ws.Name, list[*u.Position])
		} else if *u.Position == count-1 {
			last := list[count-1]
			if err = b.f.MoveSheet(ws.Name, last); err == nil {
				err = b.f.MoveSheet(last, ws.Name)
			}
		} else {
			err = b.f.MoveSheet(ws.Name, list[*u.Position+1])
		}
		if err == nil {
			err = restore()
		}
		if err != nil {
			return Worksheet{}, invalidArgument("%v", err)
		}
	}
	if u.Visibility != nil {
		if err := b.f.SetSheetVisible(ws.Name, visible, veryHidden); err != nil {
			return Worksheet{}, invalidArgument("%v", err)
		}
	}
	return b.sheet(ws.ID)
}

// DeleteWorksheet removes a sheet; the last visible sheet cannot go.
func (b *Book) DeleteWorksheet(key string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	ws, err := b.sheet(key)
	if err != nil {
		return err
	}
	visible := 0
	for _, s := range b.sheets() {
		if s.Visibility == "Visible" && s.ID != ws.ID {
			visible++
		}
	}
	if visible == 0 {
		return &Error{400, "InvalidOperation", "A workbook must contain at least one visible worksheet."}
	}
	names := b.tableNamesOn(ws.Name)
	sort.Strings(names)
	for _, t := range names {
		if err := b.f.DeleteTable(t); err != nil {
			return invalidArgument("%v", err)
		}
	}
	return b.f.DeleteSheet(ws.Name)
}
