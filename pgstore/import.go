package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/authsome-go/authsome/vault"
)

// ErrConflict is returned (wrapped in a *ConflictError) by Import when the database already
// holds records that differ from the ones to copy.
var ErrConflict = errors.New("the database holds different records")

// ConflictError lists the records Import would have overwritten. Nothing was written.
type ConflictError struct{ Items []string }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("pgstore: %v: %s; nothing was copied (force overwrites them)", ErrConflict, strings.Join(e.Items, ", "))
}

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// ImportReport says what Import did, naming records as "connection PROVIDER/NAME",
// "client PROVIDER" and "default PROVIDER".
type ImportReport struct {
	Copied      []string `json:"copied"`      // records the database lacked
	Unchanged   []string `json:"unchanged"`   // records it already held, identical
	Overwritten []string `json:"overwritten"` // differing records replaced (force only)
}

// Import copies src (a local vault's content) into the profile in one Update. Records the
// database lacks are added and identical ones left alone, so running it again changes nothing;
// records that differ fail the whole import with a *ConflictError unless force is set, when
// they are replaced. Records only the database holds are kept.
func (s *Store) Import(ctx context.Context, src *vault.Data, force bool) (*ImportReport, error) {
	var rep *ImportReport
	err := s.Update(ctx, func(d *vault.Data) error {
		rep = &ImportReport{}
		var conflicts []string
		take := func(item string, have, want any, put func()) {
			switch {
			case isNil(have):
				rep.Copied = append(rep.Copied, item)
				put()
			case sameJSON(have, want):
				rep.Unchanged = append(rep.Unchanged, item)
			case force:
				rep.Overwritten = append(rep.Overwritten, item)
				put()
			default:
				conflicts = append(conflicts, item)
			}
		}
		for _, pn := range slices.Sorted(maps.Keys(src.Providers)) {
			sp := src.Providers[pn]
			if sp == nil {
				continue
			}
			var haveDefault, haveClient any // read before Put can choose a default
			if p := d.Provider(pn); p != nil {
				if p.Default != "" {
					haveDefault = p.Default
				}
				haveClient = p.Client
			}
			for _, name := range slices.Sorted(maps.Keys(sp.Connections)) {
				c := sp.Connections[name]
				if c == nil {
					continue
				}
				have, _ := d.Connection(pn, name)
				c.Provider, c.Name = pn, name
				take("connection "+pn+"/"+name, have, c, func() { d.Put(c) })
			}
			if sp.Client != nil {
				take("client "+pn, haveClient, sp.Client, func() { d.SetClient(pn, sp.Client) })
			}
			if sp.Default != "" {
				take("default "+pn, haveDefault, sp.Default, func() { d.SetDefault(pn, sp.Default) })
			}
		}
		if len(conflicts) > 0 {
			return &ConflictError{Items: conflicts}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// isNil reports whether v is nil or a nil pointer.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

func sameJSON(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}
