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

// Names lists the workbook's named items.
func (b *Book) Names() []NamedItem {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := []NamedItem{}
	for _, d := range b.f.GetDefinedName() {
		out = append(out, namedItem(d))
	}
	return out
}

func (b *Book) name(key string) (excelize.DefinedName, error) {
	for _, d := range b.f.GetDefinedName() {
		if strings.EqualFold(d.Name, key) {
			return d, nil
		}
	}
	return excelize.DefinedName{}, ErrItemNotFound
}

// Name returns a named item.
func (b *Book) Name(key string) (NamedItem, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.nameItem(key)
}

// NameRange reads the range a Range-type name refers to.
func (b *Book) NameRange(key string) (*Range, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d, err := b.name(key)
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

// AddName adds a workbook-scoped name (names/add): reference is a formula
// such as "=Sheet1!$A$1:$B$2" or a constant such as "=0.2".
func (b *Book) AddName(name, reference, comment string) (NamedItem, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, err := b.name(name); err == nil {
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
	if namedItem(d).Type == "Range" {
		if _, err := b.sheetArea("", ref); err != nil {
			return NamedItem{}, err
		}
	}
	if err := b.f.SetDefinedName(&d); err != nil {
		return NamedItem{}, invalidArgument("The name %q is not valid: %v", name, err)
	}
	return b.nameItem(name)
}

func (b *Book) nameItem(name string) (NamedItem, error) {
	d, err := b.name(name)
	if err != nil {
		return NamedItem{}, err
	}
	return namedItem(d), nil
}
