package identity

import (
	"bytes"
	"html/template"
	"net/http"
	"sync"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
)

const pageStyle = `body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0}
main{max-width:440px;margin:48px auto;background:#fff;padding:36px 44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600;margin:0 0 12px}h2{font-size:15px;margin:20px 0 6px}
label{display:block;margin:14px 0 4px;font-size:14px}select,input{width:100%;padding:6px;font-size:15px;box-sizing:border-box}
button{margin:20px 8px 0 0;padding:6px 24px;font-size:15px}#accept,#next{background:#0067b8;color:#fff;border:0}
#error{color:#e81123;margin:10px 0;font-size:14px}.small{color:#666;font-size:12px;margin-top:24px}
ul{padding-left:20px;font-size:14px}code{font-size:16px;letter-spacing:2px}`

// pageTemplates are parsed when first served: every command links the sandbox.
var pageTemplates = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("signin").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to your account</title><style>` + pageStyle + `</style></head>
<body><main>
<h1>Sign in</h1>
<p><strong>{{.AppName}}</strong> wants to sign you in to <strong>` + directory.TenantName + `</strong>.</p>
{{if .Error}}<div id="error" role="alert">{{.Error}}</div>{{end}}
<form method="post" action="{{.Action}}" id="signin">
<input type="hidden" name="ctx" id="ctx" value="{{.Ctx}}">
<label for="login">Account</label>
<select name="login" id="login">{{range .Users}}
<option value="{{.UPN}}"{{if .Selected}} selected{{end}}>{{.Name}} ({{.UPN}})</option>{{end}}
</select>
<label for="password">Password</label>
<input type="password" name="password" id="password" autocomplete="current-password">
<h2>Permissions requested</h2>
<p>This app would like to:</p>
<ul id="permissions">{{range .Permissions}}<li data-scope="{{.Name}}">{{.Text}} <small>({{.Name}})</small></li>{{end}}</ul>
<button type="submit" id="accept" name="action" value="accept">Accept</button>
<button type="submit" id="cancel" name="action" value="cancel" formnovalidate>Cancel</button>
</form>
<p class="small">authsome sandbox: the users and their passwords are listed in sandbox.json.</p>
</main></body></html>
{{define "otc"}}<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Enter code</title><style>` + pageStyle + `</style></head>
<body><main>
<h1>Enter code</h1>
<p>Enter the code displayed on your app or device.</p>
{{if .Error}}<div id="error" role="alert">{{.Error}}</div>{{end}}
<form method="post" action="/devicelogin" id="otcform">
<input name="otc" id="otc" placeholder="Code" value="{{.Code}}" autocomplete="off" autofocus>
<button type="submit" id="next">Next</button>
</form>
</main></body></html>{{end}}
{{define "message"}}<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title><style>` + pageStyle + `</style></head>
<body><main>
<h1 id="title">{{.Title}}</h1>
{{if .Code}}<p id="error"><code>{{.Code}}</code></p>{{end}}
<p id="message">{{.Message}}</p>
</main></body></html>{{end}}
{{define "formpost"}}<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Working...</title></head>
<body onload="document.forms[0].submit()">
<form method="POST" name="hiddenform" action="{{.Action}}">{{range .Fields}}
<input type="hidden" name="{{.Name}}" value="{{.Value}}">{{end}}
<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"></noscript>
</form></body></html>{{end}}`))
})

type pageUser struct {
	UPN, Name string
	Selected  bool
}

type pagePermission struct{ Name, Text string }

type signinPage struct {
	AppName     string
	Action      string
	Ctx         string
	Error       string
	Users       []pageUser
	Permissions []pagePermission
}

type formField struct{ Name, Value string }

func render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pageTemplates().ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "template error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// renderSignin renders the sign-in and consent page for a pending request.
func (s *Platform) renderSignin(w http.ResponseWriter, status int, p *pendingAuth, errText string) {
	page := signinPage{AppName: p.App.Name, Action: "/" + p.TenantSeg + "/login", Ctx: p.ID, Error: errText}
	selected := false
	for _, u := range s.dir.Users() {
		sel := !selected && p.LoginHint != "" && (equalFold(u.UserPrincipalName, p.LoginHint) || equalFold(u.ID, p.LoginHint))
		selected = selected || sel
		page.Users = append(page.Users, pageUser{UPN: u.UserPrincipalName, Name: u.DisplayName, Selected: sel})
	}
	for _, sc := range p.Scopes.list() {
		page.Permissions = append(page.Permissions, pagePermission{Name: sc, Text: permissionText(sc)})
	}
	render(w, status, "signin", page)
}

// renderMessage renders a simple page with a title, an optional code and a message.
func (s *Platform) renderMessage(w http.ResponseWriter, status int, title, code, msg string) {
	render(w, status, "message", struct{ Title, Code, Message string }{title, code, msg})
}

// renderAADPage renders an identity-platform error that cannot be sent to the
// redirect URI (unknown app, bad redirect URI, unknown tenant).
func (s *Platform) renderAADPage(w http.ResponseWriter, r *http.Request, e *aadError) {
	b := s.errorBody(r, e)
	s.renderMessage(w, http.StatusBadRequest, "Sorry, but we're having trouble signing you in.", b.Error, b.ErrorDescription)
}
