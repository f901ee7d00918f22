package provider

import (
	"io/fs"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// bundledWant is what the documentation of one bundled provider says, checked against its
// definition: where its API lives and which names its credential is known by.
type bundledWant struct {
	// api are requests ("host/path") that must receive the credential: the provider's
	// documented API hosts.
	api []string
	// notAPI are requests that must not receive it (the provider's web pages, token
	// endpoints outside the API prefix, hosts the route must not reach).
	notAPI []string
	// domains are the registrable domains the OAuth endpoints may be on.
	domains []string
	// exports are names exported besides <NAME>_ACCESS_TOKEN or <NAME>_API_KEY: the names
	// the original authsome's definition uses when they differ, and those the provider's own
	// SDKs and CLIs read.
	exports []string
}

// bundledWants holds every bundled provider; a definition added without a row here fails
// TestBundledCatalogue.
var bundledWants = map[string]bundledWant{
	// OAuth 2.0
	"atlassian":     {api: []string{"api.atlassian.com/ex/jira/11223344/rest/api/3/myself"}, domains: []string{"atlassian.com"}},
	"discord":       {api: []string{"discord.com/api/v10/users/@me"}, notAPI: []string{"discord.com/channels/@me", "cdn.discordapp.com/avatars/1/a.png"}, domains: []string{"discord.com"}},
	"github":        {api: []string{"api.github.com/user", "api.github.com/graphql"}, notAPI: []string{"github.com/login"}, domains: []string{"github.com"}, exports: []string{"GITHUB_TOKEN", "GH_TOKEN"}},
	"gitlab":        {api: []string{"gitlab.com/api/v4/user", "gitlab.com/api/graphql"}, notAPI: []string{"gitlab.com/users/sign_in", "gitlab.com/oauth/token"}, domains: []string{"gitlab.com"}, exports: []string{"GITLAB_TOKEN"}},
	"google":        {api: []string{"gmail.googleapis.com/gmail/v1/users/me/profile", "www.googleapis.com/drive/v3/files"}, notAPI: []string{"accounts.google.com/o/oauth2/v2/auth"}, domains: []string{"google.com", "googleapis.com"}},
	"hubspot":       {api: []string{"api.hubapi.com/crm/v3/objects/contacts"}, notAPI: []string{"app.hubspot.com/oauth/authorize"}, domains: []string{"hubspot.com", "hubapi.com"}},
	"klaviyo-oauth": {api: []string{"a.klaviyo.com/api/accounts"}, notAPI: []string{"a.klaviyo.com/oauth/token"}, domains: []string{"klaviyo.com"}},
	"linear":        {api: []string{"api.linear.app/graphql"}, notAPI: []string{"linear.app/oauth/authorize"}, domains: []string{"linear.app"}},
	"microsoft":     {api: []string{"graph.microsoft.com/v1.0/me"}, notAPI: []string{"login.microsoftonline.com/common/oauth2/v2.0/token"}, domains: []string{"microsoftonline.com"}},
	"notion":        {api: []string{"api.notion.com/v1/users/me"}, notAPI: []string{"www.notion.so/login"}, domains: []string{"notion.com"}, exports: []string{"NOTION_TOKEN"}},
	"notion_dcr":    {api: []string{"mcp.notion.com/mcp"}, notAPI: []string{"api.notion.com/v1/users/me"}, domains: []string{"notion.com"}, exports: []string{"NOTION_ACCESS_TOKEN"}},
	"postiz":        {api: []string{"api.postiz.com/public/v1/posts"}, notAPI: []string{"platform.postiz.com/oauth/authorize"}, domains: []string{"postiz.com"}},
	"slack":         {api: []string{"slack.com/api/chat.postMessage"}, notAPI: []string{"slack.com/signin", "files.slack.com/files-pri/x"}, domains: []string{"slack.com"}, exports: []string{"SLACK_BOT_TOKEN"}},
	"x":             {api: []string{"api.x.com/2/users/me", "api.twitter.com/2/users/me"}, notAPI: []string{"x.com/home", "upload.twitter.com/1.1/media/upload.json"}, domains: []string{"x.com", "twitter.com"}},

	// API keys
	"ahrefs":              {api: []string{"api.ahrefs.com/v3/site-explorer/domain-rating"}},
	"anthropic":           {api: []string{"api.anthropic.com/v1/messages"}, notAPI: []string{"console.anthropic.com/settings/keys"}},
	"apollo":              {api: []string{"api.apollo.io/api/v1/people/match"}},
	"ashby":               {api: []string{"api.ashbyhq.com/candidate.list"}},
	"beehiiv":             {api: []string{"api.beehiiv.com/v2/publications"}},
	"brevo":               {api: []string{"api.brevo.com/v3/account"}},
	"buffer":              {api: []string{"api.bufferapp.com/1/user.json"}},
	"calendly":            {api: []string{"api.calendly.com/users/me"}, notAPI: []string{"calendly.com/app/login"}},
	"clearbit":            {api: []string{"person.clearbit.com/v2/combined/find", "company.clearbit.com/v2/companies/find", "prospector.clearbit.com/v1/people/search", "person-stream.clearbit.com/v2/combined/find"}, notAPI: []string{"logo.clearbit.com/example.com", "clearbit.com/login"}},
	"dub":                 {api: []string{"api.dub.co/links"}, notAPI: []string{"dub.co/login"}},
	"g2":                  {api: []string{"data.g2.com/api/v1/survey-responses"}, notAPI: []string{"www.g2.com/products"}, exports: []string{"G2_API_TOKEN"}},
	"groq":                {api: []string{"api.groq.com/openai/v1/chat/completions"}},
	"hunter":              {api: []string{"api.hunter.io/v2/domain-search"}},
	"instantly":           {api: []string{"api.instantly.ai/api/v2/campaigns"}},
	"intercom":            {api: []string{"api.intercom.io/me", "api.eu.intercom.io/me", "api.au.intercom.io/me"}, notAPI: []string{"app.intercom.com/admins/sign_in", "api.us.intercom.io/me"}},
	"keywords-everywhere": {api: []string{"api.keywordseverywhere.com/v1/get_keyword_data"}},
	"klaviyo":             {api: []string{"a.klaviyo.com/api/profiles"}, notAPI: []string{"a.klaviyo.com/oauth/token", "www.klaviyo.com/login"}},
	"lemlist":             {api: []string{"api.lemlist.com/api/team"}},
	"livestorm":           {api: []string{"api.livestorm.co/v1/events"}, exports: []string{"LIVESTORM_API_TOKEN"}},
	"mailchimp":           {api: []string{"us6.api.mailchimp.com/3.0/ping", "us21.api.mailchimp.com/3.0/lists"}, notAPI: []string{"api.mailchimp.com/3.0/ping", "login.mailchimp.com/oauth2/token"}},
	"mention-me":          {api: []string{"mention-me.com/api/consumer/v2/referrer"}, notAPI: []string{"mention-me.com/login"}, exports: []string{"MENTIONME_API_KEY"}},
	"mistral":             {api: []string{"api.mistral.ai/v1/chat/completions"}},
	"openai":              {api: []string{"api.openai.com/v1/models"}, notAPI: []string{"platform.openai.com/api-keys"}},
	"openrouter":          {api: []string{"openrouter.ai/api/v1/chat/completions"}, notAPI: []string{"openrouter.ai/settings/keys"}},
	"optimizely":          {api: []string{"api.optimizely.com/v2/projects"}},
	"perplexity":          {api: []string{"api.perplexity.ai/chat/completions"}},
	"postmark":            {api: []string{"api.postmarkapp.com/email"}},
	"resend":              {api: []string{"api.resend.com/emails"}},
	"rewardful":           {api: []string{"api.getrewardful.com/v1/affiliates"}},
	"savvycal":            {api: []string{"api.savvycal.com/v1/me"}},
	"semrush":             {api: []string{"api.semrush.com/analytics/v1/"}},
	"sendgrid":            {api: []string{"api.sendgrid.com/v3/mail/send"}},
	"tolt":                {api: []string{"api.tolt.com/v1/links", "platform.tolt.com/v2/partners"}, notAPI: []string{"app.tolt.io/settings"}},
	"typeform":            {api: []string{"api.typeform.com/forms", "api.eu.typeform.com/forms"}, notAPI: []string{"admin.typeform.com/login"}},
	"wistia":              {api: []string{"api.wistia.com/v1/medias.json"}},
	"zapier":              {api: []string{"api.zapier.com/v2/zaps"}},
}

// sharedRoutes are the pairs of providers meant to reach the same API: Klaviyo takes a private
// key or an OAuth token on the same API, and `authsome run` injects neither when both are
// chosen for one run.
var sharedRoutes = map[[2]string]bool{{"klaviyo", "klaviyo-oauth"}: true}

// keySamples are made-up keys of each provider's documented shape, and a value of the wrong
// shape (often another provider's key or a key of the wrong kind). Every bundled key_pattern has
// a row.
var keySamples = map[string]struct{ good, bad string }{
	"anthropic":  {"sk-ant-api03-" + strings.Repeat("a1B-", 20), "sk-" + strings.Repeat("a", 40)},
	"brevo":      {"xkeysib-" + strings.Repeat("0f", 32) + "-" + strings.Repeat("aB3", 5) + "c", "xsmtpsib-" + strings.Repeat("0f", 32) + "-aB3aB3aB3aB3aB3c"},
	"dub":        {"dub_" + strings.Repeat("aB3", 8), strings.Repeat("aB3", 8)},
	"groq":       {"gsk_" + strings.Repeat("aB3", 17) + "c", "sk-" + strings.Repeat("a", 40)},
	"klaviyo":    {"pk_" + strings.Repeat("0f", 17), "AbC123"},
	"mailchimp":  {strings.Repeat("0f", 16) + "-us6", strings.Repeat("0f", 16)},
	"openai":     {"sk-proj-" + strings.Repeat("aB3_", 12), "pk_" + strings.Repeat("a", 30)},
	"openrouter": {"sk-or-v1-" + strings.Repeat("0f", 32), "sk-" + strings.Repeat("a", 40)},
	"perplexity": {"pplx-" + strings.Repeat("aB3", 16), "sk-" + strings.Repeat("a", 40)},
	"postmark":   {"0f0f0f0f-0000-4000-8000-0123456789ab", "POSTMARK_API_TEST"},
	"resend":     {"re_" + strings.Repeat("aB3", 3) + "_" + strings.Repeat("cD4", 8), "sk-" + strings.Repeat("a", 40)},
	"sendgrid":   {"SG." + strings.Repeat("aB-", 7) + "c." + strings.Repeat("dE_", 14) + "f", "SG." + strings.Repeat("aB-", 7) + "c"},
}

// authsome03 are the 45 providers the original authsome 0.3 bundles; each is bundled here.
var authsome03 = []string{
	"atlassian", "discord", "github", "gitlab", "google", "hubspot", "klaviyo-oauth", "linear", "microsoft", "notion",
	"notion_dcr", "postiz", "slack", "x",
	"ahrefs", "apollo", "ashby", "beehiiv", "brevo", "buffer", "calendly", "clearbit", "dub", "g2", "hunter", "instantly",
	"intercom", "keywords-everywhere", "klaviyo", "lemlist", "livestorm", "mailchimp", "mention-me", "openai", "optimizely",
	"postmark", "resend", "rewardful", "savvycal", "semrush", "sendgrid", "tolt", "typeform", "wistia", "zapier",
}

// proxyPlaceholder is what `authsome run` puts in a child's credential variables; no key
// pattern may accept it.
const proxyPlaceholder = "authsome-proxy-managed"

func bundledDefs(t *testing.T) map[string]*Definition {
	t.Helper()
	defs, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*Definition{}
	for _, d := range defs {
		if byName[d.Name] != nil {
			t.Errorf("provider %s bundled twice", d.Name)
		}
		byName[d.Name] = d
	}
	return byName
}

func splitRequest(t *testing.T, req string) (host, path string) {
	t.Helper()
	host, path, _ = strings.Cut(req, "/")
	return host, "/" + path
}

// TestBundledCatalogue: every bundled file parses and validates, is named after its file, and
// has a row in bundledWants; the catalogue holds at least the original authsome's providers.
func TestBundledCatalogue(t *testing.T) {
	defs := bundledDefs(t)
	if len(defs) < 45 {
		t.Errorf("%d providers bundled, want at least 45", len(defs))
	}
	files, err := fs.Glob(bundledFS, "bundled/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := bundledFS.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, err := Parse(data)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if want := strings.TrimSuffix(filepath.Base(f), ".json"); d.Name != want {
			t.Errorf("%s holds provider %q", f, d.Name)
		}
	}
	for name := range defs {
		if _, ok := bundledWants[name]; !ok {
			t.Errorf("bundled provider %s has no row in bundledWants", name)
		}
	}
	for name := range bundledWants {
		if defs[name] == nil {
			t.Errorf("bundledWants has %s, which is not bundled", name)
		}
	}
	for _, name := range authsome03 {
		if defs[name] == nil {
			t.Errorf("the original authsome's provider %s is not bundled", name)
		}
	}
}

// TestBundledDocsAndEndpoints: docs links and OAuth endpoints are https, and the endpoints are
// on the provider's own domains.
func TestBundledDocsAndEndpoints(t *testing.T) {
	for name, d := range bundledDefs(t) {
		if !strings.HasPrefix(d.DocsURL, "https://") {
			t.Errorf("%s: docs_url %q is not https", name, d.DocsURL)
		}
		if strings.TrimSpace(d.Description) == "" {
			t.Errorf("%s: no description", name)
		}
		if d.AuthType != AuthOAuth2 {
			continue
		}
		o := d.OAuth
		for _, ep := range []string{o.AuthorizationURL, o.TokenURL, o.DeviceAuthorizationURL, o.RevocationURL} {
			if ep == "" {
				continue
			}
			u, err := url.Parse(ep)
			if err != nil || u.Scheme != "https" {
				t.Errorf("%s: endpoint %q is not an https URL", name, ep)
				continue
			}
			if !onDomains(u.Hostname(), bundledWants[name].domains) {
				t.Errorf("%s: endpoint %q is not on %v", name, ep, bundledWants[name].domains)
			}
		}
	}
}

func onDomains(host string, domains []string) bool {
	for _, d := range domains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// TestBundledRoutes: each api_url reaches the provider's documented API hosts and nothing
// around them: not its web pages, not a host under another domain that merely contains the
// API host's name, not one with a dot of the name replaced (an unescaped '.' in a regex).
func TestBundledRoutes(t *testing.T) {
	for name, d := range bundledDefs(t) {
		w := bundledWants[name]
		r, err := ParseRoute(d.APIURL)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(w.api) == 0 {
			t.Errorf("%s: no documented API request to check", name)
		}
		for _, req := range w.api {
			host, path := splitRequest(t, req)
			if !r.Match(host, path) {
				t.Errorf("%s: route %s does not reach %s", name, r, req)
			}
			labels := strings.Split(host, ".")
			labels[len(labels)-2] = "evil" + labels[len(labels)-2] // gmail.evilgoogleapis.com
			lookalikes := []string{host + ".evil.test", strings.Join(labels, "."), "evil.test"}
			for i := range host {
				if host[i] == '.' {
					lookalikes = append(lookalikes, host[:i]+"x"+host[i+1:])
				}
			}
			for _, h := range lookalikes {
				if r.MatchHost(h) {
					t.Errorf("%s: route %s reaches %s", name, r, h)
				}
			}
		}
		for _, req := range w.notAPI {
			if host, path := splitRequest(t, req); r.Match(host, path) {
				t.Errorf("%s: route %s reaches %s", name, r, req)
			}
		}
		if strings.HasPrefix(d.APIURL, "regex:") && !regexp.MustCompile(`\\\.[a-z]+\$?$`).MatchString(d.APIURL) {
			t.Errorf("%s: regex route %s does not end with an escaped literal domain", name, d.APIURL)
		}
	}
}

// TestBundledRoutesDistinct: no provider's API requests reach another provider's route, except
// the pairs in sharedRoutes.
func TestBundledRoutesDistinct(t *testing.T) {
	defs := bundledDefs(t)
	for a := range defs {
		for b, db := range defs {
			if a == b || sharedRoutes[[2]string{a, b}] || sharedRoutes[[2]string{b, a}] {
				continue
			}
			rb, err := ParseRoute(db.APIURL)
			if err != nil {
				t.Fatal(err)
			}
			for _, req := range bundledWants[a].api {
				if host, path := splitRequest(t, req); rb.Match(host, path) {
					t.Errorf("%s's request %s also reaches %s (route %s)", a, req, b, rb)
				}
			}
		}
	}
	for pair := range sharedRoutes {
		if defs[pair[0]] == nil || defs[pair[1]] == nil || defs[pair[0]].APIURL != defs[pair[1]].APIURL {
			t.Errorf("shared route %v: both must be bundled with the same api_url", pair)
		}
	}
}

// TestBundledExports: OAuth providers export <NAME>_ACCESS_TOKEN (and <NAME>_REFRESH_TOKEN),
// API-key providers <NAME>_API_KEY, as the original authsome's files do; and each provider
// exports the other names its row lists, from the same source.
func TestBundledExports(t *testing.T) {
	for name, d := range bundledDefs(t) {
		p := d.EnvPrefix()
		want := map[string]string{}
		src := ExportAPIKey
		if d.AuthType == AuthOAuth2 {
			src = ExportAccessToken
			want[p+"ACCESS_TOKEN"] = ExportAccessToken
			want[p+"REFRESH_TOKEN"] = ExportRefreshToken
		} else {
			want[p+"API_KEY"] = ExportAPIKey
		}
		for _, n := range bundledWants[name].exports {
			want[n] = src
		}
		for n, s := range want {
			if d.Export[n] != s {
				t.Errorf("%s: export %s = %q, want %q", name, n, d.Export[n], s)
			}
		}
	}
}

// TestBundledKeyPatterns: a key_pattern accepts a key of the provider's documented shape and
// refuses a wrong one, the proxy placeholder and a key with text before or after it (the
// pattern is anchored: login matches it anywhere in the key otherwise).
func TestBundledKeyPatterns(t *testing.T) {
	defs := bundledDefs(t)
	for name, d := range defs {
		if d.APIKey == nil || d.APIKey.KeyPattern == "" {
			if _, ok := keySamples[name]; ok {
				t.Errorf("%s: keySamples has a row but the definition has no key_pattern", name)
			}
			continue
		}
		k := d.APIKey
		s, ok := keySamples[name]
		if !ok {
			t.Errorf("%s: key_pattern %q has no samples in keySamples", name, k.KeyPattern)
			continue
		}
		re, err := regexp.Compile(k.KeyPattern)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if strings.TrimSpace(k.KeyPatternHint) == "" {
			t.Errorf("%s: key_pattern without key_pattern_hint", name)
		}
		if !re.MatchString(s.good) {
			t.Errorf("%s: %q refuses a key of the documented shape", name, k.KeyPattern)
		}
		for _, bad := range []string{s.bad, proxyPlaceholder, "x" + s.good, s.good + " x", ""} {
			if re.MatchString(bad) {
				t.Errorf("%s: %q accepts %q", name, k.KeyPattern, bad)
			}
		}
	}
	for name := range keySamples {
		if defs[name] == nil {
			t.Errorf("keySamples has %s, which is not bundled", name)
		}
	}
}

// TestBundledAPIKeyHeaders: the header each API-key provider documents, as the original
// authsome's definitions send it, except Apollo's, which its reference documents as x-api-key
// (authsome sends Authorization: Bearer).
func TestBundledAPIKeyHeaders(t *testing.T) {
	special := map[string][2]string{
		"anthropic": {"x-api-key", ""},
		"apollo":    {"x-api-key", ""},
		"ashby":     {"Authorization", "Basic"},
		"brevo":     {"api-key", ""},
		"g2":        {"Authorization", "Token"},
		"klaviyo":   {"Authorization", "Klaviyo-API-Key"},
		"postmark":  {"X-Postmark-Server-Token", ""},
	}
	for name, d := range bundledDefs(t) {
		if d.APIKey == nil {
			continue
		}
		want, ok := special[name]
		if !ok {
			want = [2]string{"Authorization", "Bearer"}
		}
		if got := [2]string{d.APIKey.HeaderName, d.APIKey.HeaderPrefix}; got != want {
			t.Errorf("%s: header %q prefix %q, want %q %q", name, got[0], got[1], want[0], want[1])
		}
	}
}
