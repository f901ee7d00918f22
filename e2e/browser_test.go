package e2e

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var (
	formActionRE = regexp.MustCompile(`<form[^>]*action="([^"]*)"`)
	hiddenRE     = regexp.MustCompile(`<input type="hidden" name="([^"]+)"[^>]*value="([^"]*)"`)
)

// playBrowser does what a person does in the browser for the sign-in: it opens authorizeURL,
// signs in as upn with password and accepts the consent, then follows the redirect (or the
// form_post) back to authsome's loopback listener. It returns the final page's body.
func playBrowser(t *testing.T, sandboxClient *http.Client, authorizeURL, upn, password string) string {
	t.Helper()
	noRedirect := *sandboxClient
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	resp, err := noRedirect.Get(authorizeURL)
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("authorize page: %s\n%s", resp.Status, page)
	}
	action := formActionRE.FindStringSubmatch(page)
	if action == nil {
		t.Fatalf("no sign-in form on the authorize page:\n%s", page)
	}
	form := url.Values{"login": {upn}, "password": {password}, "action": {"accept"}}
	for _, m := range hiddenRE.FindAllStringSubmatch(page, -1) {
		form.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	target := resolve(t, authorizeURL, html.UnescapeString(action[1]))
	resp, err = noRedirect.PostForm(target, form)
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, resp)
	loopback := &http.Client{CheckRedirect: noRedirect.CheckRedirect}
	switch {
	case resp.StatusCode == http.StatusFound || resp.StatusCode == http.StatusSeeOther:
		resp, err = loopback.Get(resp.Header.Get("Location"))
	case strings.Contains(body, `name="hiddenform"`):
		action := formActionRE.FindStringSubmatch(body)
		fields := url.Values{}
		for _, m := range hiddenRE.FindAllStringSubmatch(body, -1) {
			fields.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
		}
		resp, err = loopback.PostForm(html.UnescapeString(action[1]), fields)
	default:
		t.Fatalf("consent answered %s:\n%s", resp.Status, body)
	}
	if err != nil {
		t.Fatal(err)
	}
	final := readAll(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("loopback callback: %s\n%s", resp.Status, final)
	}
	return final
}

func resolve(t *testing.T, base, ref string) string {
	t.Helper()
	b, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	r, err := url.Parse(ref)
	if err != nil {
		t.Fatal(err)
	}
	return b.ResolveReference(r).String()
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
