package workbook

import (
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// NamedItem is Graph's workbookNamedItem.
type NamedItem struct {
	Name    string `json:"name"`
	Comment string `json:"comment"`
	// Scope is "Workbook" or the name of the sheet the name belongs to.
	Scope string `json:"scope"`
	// Type is "Range", "String", "Double", "Boolean" or "Error".
	Type    string `json:"type"`
	Value   string `json:"value"`
	Visible bool   `json:"visible"`
}

func namedItem(d excelize.DefinedName) NamedItem {
	n := NamedItem{Name: d.Name, Comment: d.Comment, Scope: "Workbook", Value: "=" + d.RefersTo, Visible: true}
	if d.Scope != "" && d.Scope != "Workbook" {
		n.Scope = d.Scope
	}
	v := strings.TrimSpace(d.RefersTo)
	switch _, err := strconv.ParseFloat(v, 64); {
	case err == nil:
		n.Type = "Double"
	case strings.EqualFold(v, "TRUE") || strings.EqualFold(v, "FALSE"):
		n.Type = "Boolean"
	case strings.HasPrefix(v, `"`):
		n.Type = "String"
	case isErrorValue(v):
		n.Type = "Error"
	default:
		n.Type = "Range"
	}
	return n
}

// Names lists the workbook's names (sheet "") or one sheet's (sheet, by name or id).
func (b *Book) Names(sheet string) ([]NamedItem, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	scope, err := b.scope(sheet)
	if err != nil {
		return nil, err
	}
	out := []NamedItem{}
	for _, d := range b.f.GetDefinedName() {
		if n := namedItem(d); n.Scope == scope {
			out = append(out, n)
		}
	}
	return out, nil
}

// scope is the Scope of the names of sheet ("" for the workbook's).
func (b *Book) scope(sheet string) (string, error) {
	if sheet == "" {
		return "Workbook", nil
	}
	ws, err := b.sheet(sheet)
	return ws.Name, err
}

// name finds a name in scope, ignoring case.
func (b *Book) name(scope, key string) (excelize.DefinedName, error) {
	for _, d := range b.f.GetDefinedName() {
		if strings.EqualFold(d.Name, key) && namedItem(d).Scope == scope {
			return d, nil
		}
	}
	return excelize.DefinedName{}, ErrItemNotFound
}

// Name returns one of the workbook's names (sheet "") or of a sheet's.
func (b *Book) Name(sheet, key string) (NamedItem, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	scope, err := b.scope(sheet)
	if err != nil {
		return NamedItem{}, err
	}
	d, err := b.name(scope, key)
	if err != nil {
		return NamedItem{}, err
	}
	return namedItem(d), nil
}

// NameRange reads the range a Range-type name refers to.
func (b *Book) NameRange(sheet, key string) (*Range, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	scope, err := b.scope(sheet)
	if err != nil {
		return nil, err
	}
	d, err := b.name(scope, key)
	if err != nil {
		return nil, err
	}
	if namedItem(d).Type != "Range" {
		return nil, invalidArgument("The name %s does not refer to a range.", d.Name)
	}
	a, err := b.sheetArea("", d.RefersTo)
	if err != nil {
		return nil, err
	}
	return b.read(a)
}

// AddName adds a name (names/add) to the workbook (sheet "") or to a
// sheet: reference is a formula such as "=Sheet1!$A$1:$B$2" or a constant
// such as "=0.2".
func (b *Book) AddName(sheet, name, reference, comment string) (NamedItem, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	scope, err := b.scope(sheet)
	if err != nil {
		return NamedItem{}, err
	}
	if _, err := b.name(scope, name); err == nil {
		return NamedItem{}, ErrItemAlreadyExists
	}
	if _, err := b.table(name); err == nil {
		return NamedItem{}, ErrItemAlreadyExists
	}
	ref := strings.TrimPrefix(strings.TrimSpace(reference), "=")
	if ref == "" {
		return NamedItem{}, invalidArgument("reference is required, such as =Sheet1!$A$1.")
	}
	d := excelize.DefinedName{Name: name, RefersTo: ref, Comment: comment}
	if scope != "Workbook" {
		d.Scope = scope
	}
	if namedItem(d).Type == "Range" {
		if _, err := b.sheetArea("", ref); err != nil {
			return NamedItem{}, err
		}
	}
	if err := b.f.SetDefinedName(&d); err != nil {
		return NamedItem{}, invalidArgument("The name %q is not valid: %v", name, err)
	}
	got, err := b.name(scope, name)
	if err != nil {
		return NamedItem{}, err
	}
	return namedItem(got), nil
}

// sheetNames takes out every sheet-scoped name (they are kept by sheet
// position in the file) and returns a function that puts them back by
// sheet name, for a change that reorders sheets.
func (b *Book) sheetNames() (restore func() error, err error) {
	var scoped []excelize.DefinedName
	for _, d := range b.f.GetDefinedName() {
		if namedItem(d).Scope != "Workbook" {
			if err := b.f.DeleteDefinedName(&excelize.DefinedName{Name: d.Name, Scope: d.Scope}); err != nil {
				return nil, err
			}
			scoped = append(scoped, d)
		}
	}
	return func() error {
		for _, d := range scoped {
			if err := b.f.SetDefinedName(&d); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// DeleteName removes one of the workbook's names (sheet "") or of a sheet's.
func (b *Book) DeleteName(sheet, key string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	scope, err := b.scope(sheet)
	if err != nil {
		return err
	}
	d, err := b.name(scope, key)
	if err != nil {
		return err
	}
	if err := b.f.DeleteDefinedName(&excelize.DefinedName{Name: d.Name, Scope: d.Scope}); err != nil {
		return invalidArgument("%v", err)
	}
	return nil
}
