package oauth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// ClientFormInfo describes the provider on the client-id page.
type ClientFormInfo struct {
	Provider    string // provider name, e.g. "microsoft" (selects the Microsoft instructions)
	DisplayName string // e.g. "Microsoft 365"
	RedirectURI string // the redirect URI to register, e.g. "http://127.0.0.1"
	DocsURL     string // where to register an app; optional
	AskSecret   bool   // also offer an (optional) client secret field
}

func (i ClientFormInfo) microsoft() bool { return strings.EqualFold(i.Provider, "microsoft") }

type clientForm struct {
	Info      ClientFormInfo
	Microsoft bool
	Action    string
	CSRF      string
	ClientID  string // echoed back after a validation error
	Error     string
	Saved     bool
}

var clientFormTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("client").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>authsome – {{.Info.DisplayName}} app registration</title>
<style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#222;line-height:1.45}
code{background:#f1f1f1;padding:.1rem .3rem;border-radius:3px}#redirect-uri{user-select:all;font-size:1.05rem}
label{display:block;margin-top:1rem;font-weight:600}input{width:100%;padding:.45rem;font:inherit;box-sizing:border-box}
button{margin-top:1.2rem;padding:.5rem 1.4rem;font:inherit}.err{color:#a11}.ok{color:#176b2c}</style>
</head><body>
{{if .Saved}}<h1 class="ok">Saved</h1><p id="message">Saved. Return to the terminal.</p>{{else}}
<h1>Connect {{.Info.DisplayName}}</h1>
<p>authsome needs the client id of an OAuth app that you register with {{.Info.DisplayName}}.</p>
{{if .Microsoft}}<ol>
<li>In the Microsoft Entra admin center open <b>App registrations → New registration</b>{{if .Info.DocsURL}} (<a href="{{.Info.DocsURL}}" rel="noreferrer">instructions</a>){{end}}.</li>
<li>Under <b>Authentication → Add a platform</b> choose <b>Mobile and desktop applications</b> and add the redirect URI
<code id="redirect-uri">{{.Info.RedirectURI}}</code>. Microsoft ignores the port of loopback redirect URIs, so this one entry covers every port.</li>
<li>For the device-code flow (and password sign-in) set <b>Allow public client flows</b> to <b>Yes</b>.</li>
<li>Under <b>API permissions</b> add the delegated Microsoft Graph permissions you need.</li>
<li>Copy the <b>Application (client) ID</b> from the Overview page into the field below.</li>
</ol>{{else}}<ol>
<li>Create an OAuth app with {{.Info.DisplayName}}{{if .Info.DocsURL}} (<a href="{{.Info.DocsURL}}" rel="noreferrer">instructions</a>){{end}}.</li>
<li>Register this redirect URI: <code id="redirect-uri">{{.Info.RedirectURI}}</code></li>
<li>Copy the client id (and, if the provider requires it, the client secret) below.</li>
</ol>{{end}}
{{if .Error}}<p class="err" id="error">{{.Error}}</p>{{end}}
<form method="post" action="{{.Action}}" autocomplete="off">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<label for="client_id">Client id</label>
<input name="client_id" id="client_id" required spellcheck="false" value="{{.ClientID}}">
{{if .Info.AskSecret}}<label for="client_secret">Client secret (optional{{if .Microsoft}}; leave empty for a public client{{end}})</label>
<input type="password" name="client_secret" id="client_secret">{{end}}
<button id="save" type="submit">Save</button>
</form>{{end}}
</body></html>
`))
})

// CollectClient serves a form at a random path on the listener asking the
// user for a client id (and, with info.AskSecret, an optional secret), and
// returns what they submit. The URL goes to notify (when not nil) and then to
// open (when not nil; its error is ignored). Submissions must carry the
// page's hidden token. Invalid input re-renders the form and keeps waiting;
// for Microsoft the client id must be a GUID. It returns when a valid form
// arrives or ctx ends.
func (l *Loopback) CollectClient(ctx context.Context, info ClientFormInfo, open func(string) error, notify func(string)) (clientID, clientSecret string, err error) {
	if info.DisplayName == "" {
		info.DisplayName = info.Provider
	}
	path := "/client/" + rand.Text()
	csrf := rand.Text()
	type result struct{ id, secret string }
	results := make(chan result, 1)
	origins := map[string]bool{l.RedirectURI(): true, "http://localhost:" + strconv.Itoa(l.port): true}

	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data := clientForm{Info: info, Microsoft: info.microsoft(), Action: path, CSRF: csrf}
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			renderClientForm(w, http.StatusOK, data)
			return
		case http.MethodPost:
		default:
			w.Header().Set("Allow", "GET, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if o := r.Header.Get("Origin"); o != "" && !origins[o] {
			http.Error(w, "cross-origin request refused", http.StatusForbidden)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		if subtle.ConstantTimeCompare([]byte(r.PostForm.Get("csrf")), []byte(csrf)) != 1 {
			http.Error(w, "this form has expired; reload the page", http.StatusForbidden)
			return
		}
		id := strings.TrimSpace(r.PostForm.Get("client_id"))
		secret := strings.TrimSpace(r.PostForm.Get("client_secret"))
		if msg := info.CheckClientID(id); msg != "" {
			data.Error, data.ClientID = msg, id
			renderClientForm(w, http.StatusBadRequest, data)
			return
		}
		select {
		case results <- result{id, secret}:
		default: // a second submission after the first was accepted
		}
		data.Saved = true
		renderClientForm(w, http.StatusOK, data)
	})
	l.Handle(path, h)
	defer l.Handle(path, nil)

	u := l.URL(path)
	if notify != nil {
		notify(u)
	}
	if open != nil {
		_ = open(u)
	}
	select {
	case res := <-results:
		return res.id, res.secret, nil
	case <-ctx.Done():
		return "", "", ctx.Err()
	}
}

// CheckClientID returns a message for a client id that cannot be the provider's,
// or "" when it can: one rule for the client-id page and the terminal prompt. A
// client id is 1-512 characters without spaces or control characters; a
// Microsoft one is a GUID (the app's Application (client) ID).
func (i ClientFormInfo) CheckClientID(id string) string {
	switch {
	case id == "":
		return "Enter the client id."
	case len(id) > 512:
		return "That client id is too long."
	case strings.IndexFunc(id, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return "A client id has no spaces or control characters."
	case i.microsoft() && !IsGUID(id):
		return "A Microsoft client id is a GUID such as 00000000-0000-0000-0000-000000000000 (Application (client) ID on the app's Overview page)."
	}
	return ""
}

func renderClientForm(w http.ResponseWriter, status int, data clientForm) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = clientFormTmpl().Execute(w, data)
}
