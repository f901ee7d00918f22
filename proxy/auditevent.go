package proxy

import (
	"encoding/json"
	"time"
)

// Kinds of audit records besides [KindRefusals].
const (
	// KindRequest is one proxied request (its line in the file has no "kind").
	KindRequest = "request"
	// KindCredential is a credential event: a sign-in, a token refresh or its failure, an
	// export, a logout or a revocation. Its record holds time, kind, event, provider,
	// connection, outcome and, where they apply, flow, scopes and error.
	KindCredential = "credential"
)

// credentialRecord is the JSON shape of a [KindCredential] record: the request fields do not
// apply to it.
type credentialRecord struct {
	Time       time.Time `json:"time"`
	Kind       string    `json:"kind"`
	Event      string    `json:"event"`
	Provider   string    `json:"provider,omitempty"`
	Connection string    `json:"connection,omitempty"`
	Outcome    string    `json:"outcome,omitempty"`
	Flow       string    `json:"flow,omitempty"`
	Scopes     []string  `json:"scopes,omitempty"`
	Error      string    `json:"error,omitempty"`
}

// MarshalJSON writes a credential event without the request fields, and any other record in
// the full shape.
func (r AuditRecord) MarshalJSON() ([]byte, error) {
	if r.Kind != KindCredential {
		type plain AuditRecord // no methods: the default encoding
		return json.Marshal(plain(r))
	}
	return json.Marshal(credentialRecord{Time: r.Time.UTC(), Kind: r.Kind, Event: r.Event, Provider: r.Provider,
		Connection: r.Connection, Outcome: r.Outcome, Flow: r.Flow, Scopes: r.Scopes, Error: r.Error})
}

// AppendAudit appends r as one line to the audit log at path (creating it, 0600), in one
// write, as [AuditFile] does, so that it never tears or interleaves with the lines of a
// running proxy; it rotates the log past its size limit. It is for rare records such as
// credential events: each call opens and closes the file.
func AppendAudit(path string, r AuditRecord) error {
	line, err := json.Marshal(r)
	if err != nil {
		return err
	}
	f, err := openAppend(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	fi, err := f.Stat()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if fi.Size() >= auditMaxSize {
		return rotateAudit(path, fi)
	}
	return nil
}
