package sandbox

import (
	"html/template"
	"net/http"
	"os"
	"sync"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// The root URL serves a page for a person who opens the sandbox in a
// browser: which tenant it is, how to sign in, and how to trust its CA.
// Nothing on it is secret: the seeded users' passwords are the demo
// tenant's, published in sandbox.json and the docs; the control token is
// not shown.

// statusPage is parsed when first served: every command links the sandbox.
var statusPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("status").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>authsome sandbox — {{.Tenant}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.5}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{font-size:1.15rem;margin-top:1.8rem;border-bottom:1px solid #ddd}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9rem;background:#f4f4f4;border-radius:4px}
code{padding:.1rem .3rem} pre{padding:.6rem .8rem;overflow-x:auto}
table{border-collapse:collapse} td,th{padding:.25rem .8rem .25rem 0;text-align:left;vertical-align:top} th{white-space:nowrap} .muted{color:#666}
</style></head><body>
<h1>authsome sandbox — {{.Tenant}}</h1>
<p class="muted">An offline Microsoft identity platform v2.0 and Microsoft Graph v1.0 with a seeded demo tenant. It is running.</p>
<h2>Endpoints</h2>
<table>
<tr><th>Authority</th><td><code>{{.URL}}/{{.TenantID}}/v2.0</code> (also <code>common</code>, <code>organizations</code>, <code>{{.Domain}}</code>)</td></tr>
<tr><th>Microsoft Graph</th><td><code>{{.URL}}/v1.0</code></td></tr>
<tr><th>Public client id</th><td><code>{{.PublicClientID}}</code></td></tr>
<tr><th>CA certificate</th><td><a href="/ca.pem">ca.pem</a>{{if .CAFile}} (<code>{{.CAFile}}</code>){{end}}</td></tr>
</table>
<h2>Sign in</h2>
<pre>authsome login microsoft --cloud sandbox --connection demo</pre>
<p>Sign in as any of the tenant's users:</p>
<table>{{range .Users}}<tr><td><code>{{.UserPrincipalName}}</code></td><td class="muted">password <code>{{.Password}}</code></td></tr>{{end}}</table>
<h2>Trust the CA</h2>
<p>The sandbox serves HTTPS with its own certificate authority. Programs started by <code>authsome run</code> trust it already.
For a browser or other programs, add <a href="/ca.pem">ca.pem</a> to the trust store; the CA is limited by X.509 name
constraints to <code>localhost</code>, <code>127.0.0.0/8</code> and <code>::1</code>, so it can vouch for nothing else.
<code>authsome sandbox trust</code> prints these steps for this machine, and <code>--install</code> adds it to your own store.</p>
{{if .Trust}}<table>
{{range .Trust}}<tr><th>{{.Store}}</th><td>{{range .Lines}}<code>{{.}}</code><br>{{end}}</td></tr>
{{end}}</table>{{end}}
</body></html>
`))
})

// serveStatus serves the status page on GET / and the CA certificate on
// GET /ca.pem.
func (s *Server) serveStatus(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/ca.pem" {
		if s.tls == nil {
			http.Error(w, "this sandbox serves plain HTTP: it has no CA", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/x-pem-file")
		w.Header().Set("Content-Disposition", `attachment; filename="authsome-sandbox-ca.pem"`)
		w.Write(s.tls.caPEM)
		return
	}
	info := s.Info()
	if info.URL == "" {
		info.URL = graphkit.BaseURL(r)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// The steps for this machine's user (the page is for the person who runs the sandbox),
	// for every OS, from the table `authsome sandbox trust` prints.
	var trust []TrustStep
	if home, err := os.UserHomeDir(); err == nil && info.CAFile != "" {
		for _, goos := range []string{"linux", "darwin", "windows"} {
			for _, st := range TrustSteps(goos, info.CAFile, home) {
				st.Store = map[string]string{"linux": "Linux", "darwin": "macOS", "windows": "Windows"}[goos] + ": " + st.Store
				trust = append(trust, st)
			}
		}
	}
	_ = statusPage().Execute(w, struct {
		Info
		Tenant, Domain string
		Trust          []TrustStep
	}{info, TenantName, TenantDomain, trust})
}
