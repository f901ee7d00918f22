package identity

import (
	"fmt"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"net/http"
	"strconv"
)

// aadError is an identity-platform error: an OAuth error code, an AADSTS
// number and its text. It renders as Microsoft's JSON error body.
type aadError struct {
	Status   int
	Code     string // OAuth "error"
	AADSTS   int
	Text     string
	SubError string
}

func newAAD(status int, code string, aadsts int, format string, args ...any) *aadError {
	return &aadError{Status: status, Code: code, AADSTS: aadsts, Text: fmt.Sprintf(format, args...)}
}

// Frequently used errors. Texts follow Microsoft's wording.
func errMissingParam(name string) *aadError {
	return newAAD(400, "invalid_request", 900144, "The request body must contain the following parameter: '%s'.", name)
}

func errMalformed(detail string) *aadError {
	e := newAAD(400, "invalid_request", 9002313, "Invalid request. Request is malformed or invalid.")
	if detail != "" {
		e.Text += " " + detail
	}
	return e
}

func errUnknownTenant(seg string) *aadError {
	return newAAD(400, "invalid_request", 90002,
		"Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.", seg)
}

func errUnknownApp(clientID, tenantSeg string) *aadError {
	return newAAD(400, "unauthorized_client", 700016,
		"Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", clientID, tenantSeg)
}

func errSecretRequired() *aadError {
	return newAAD(401, "invalid_client", 7000218,
		"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
}

func errInvalidScope(format string, args ...any) *aadError {
	return newAAD(400, "invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid. "+format, args...)
}

func errCommonNotSupported() *aadError {
	return newAAD(400, "invalid_request", 9001023,
		"The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.")
}

// ErrorBody is the JSON shape of token-endpoint errors, fields in Microsoft's order.
type ErrorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorCodes       []int  `json:"error_codes"`
	Timestamp        string `json:"timestamp"`
	TraceID          string `json:"trace_id"`
	CorrelationID    string `json:"correlation_id"`
	ErrorURI         string `json:"error_uri"`
	SubError         string `json:"suberror,omitempty"`
}

// ids returns the trace id and correlation id for a response: the correlation
// id echoes the client's client-request-id header when it sent one.
func (s *Platform) ids(r *http.Request) (trace, corr string) {
	trace = ids.GUID()
	corr = r.Header.Get("client-request-id")
	if corr == "" || len(corr) > 100 {
		corr = ids.GUID()
	}
	return trace, corr
}

func (s *Platform) errorBody(r *http.Request, e *aadError) ErrorBody {
	trace, corr := s.ids(r)
	ts := s.now().UTC().Format("2006-01-02 15:04:05Z")
	return ErrorBody{
		Error: e.Code,
		ErrorDescription: fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s",
			e.AADSTS, e.Text, trace, corr, ts),
		ErrorCodes:    []int{e.AADSTS},
		Timestamp:     ts,
		TraceID:       trace,
		CorrelationID: corr,
		ErrorURI:      graphkit.BaseURL(r) + "/error?code=" + strconv.Itoa(e.AADSTS),
		SubError:      e.SubError,
	}
}

// writeAAD writes e as Microsoft's JSON error body.
func (s *Platform) writeAAD(w http.ResponseWriter, r *http.Request, e *aadError) {
	body := s.errorBody(r, e)
	h := w.Header()
	h.Set("x-ms-request-id", body.TraceID)
	h.Set("client-request-id", body.CorrelationID)
	if e.Status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Basic realm="`+graphkit.BaseURL(r)+`"`)
	}
	graphkit.WriteJSONStatus(w, e.Status, body)
}

// handleErrorPage serves /error?code=N, the target of error_uri.
func (s *Platform) handleErrorPage(w http.ResponseWriter, r *http.Request) {
	code := r.URL.Query().Get("code")
	if _, err := strconv.Atoi(code); err != nil {
		code = ""
	}
	s.renderMessage(w, http.StatusOK, "Error lookup", "AADSTS"+code,
		"This is the authsome sandbox, an offline emulator of the Microsoft identity platform. "+
			"Look the code up in Microsoft's AADSTS error reference.")
}

// WriteError writes an identity-platform error as Microsoft's JSON error
// body: status, OAuth error code, AADSTS number and text.
func (s *Platform) WriteError(w http.ResponseWriter, r *http.Request, status int, code string, aadsts int, text string) {
	s.writeAAD(w, r, &aadError{Status: status, Code: code, AADSTS: aadsts, Text: text})
}

// disabledText is Microsoft Entra's text for a user whose account is disabled.
const disabledText = "The user account is disabled."

// errDisabled is the token endpoint's answer for a disabled user.
func errDisabled() *aadError {
	return newAAD(400, "invalid_grant", 50057, disabledText)
}
