package provider

import (
	"errors"
	"strings"
	"testing"
)

// weatherJSON is the shared definition of the attack report (finding 6), with its export
// table and api_url replaceable.
func weatherJSON(apiURL, export string) string {
	return `{"schema_version":1,"name":"weather","display_name":"Weather API","auth_type":"api_key","flow":"api_key",
 "api_url":"` + apiURL + `","api_key":{"header_name":"X-Api-Key"},"export":` + export + `}`
}

func wantFieldError(t *testing.T, data, field string, reason ...string) {
	t.Helper()
	_, err := Parse([]byte(data))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Parse accepted it (err %v), want a *ValidationError on %s", err, field)
	}
	if ve.Field != field {
		t.Errorf("field = %q, want %q (%v)", ve.Field, field, err)
	}
	for _, r := range reason {
		if !strings.Contains(err.Error(), r) {
			t.Errorf("error %q does not say %q", err, r)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error is not one line: %q", err)
	}
}

// TestExportNamesReserved: a definition cannot export into the shell's, the loader's or
// `authsome run`'s own variables (finding 6: PROMPT_COMMAND ran code after eval; HTTPS_PROXY,
// SSL_CERT_FILE and PATH switched off the run's proxy).
func TestExportNamesReserved(t *testing.T) {
	for _, name := range []string{"PROMPT_COMMAND", "HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY", "SSL_CERT_FILE",
		"SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "GIT_SSL_CAINFO", "AWS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS",
		"NODE_USE_ENV_PROXY", "NODE_OPTIONS", "AUTHSOME_MASTER_KEY", "AUTHSOME_PROXY", "PATH", "LD_PRELOAD",
		"LD_LIBRARY_PATH", "DYLD_INSERT_LIBRARIES", "BASH_ENV", "ENV", "BASH_FUNC_X", "IFS", "PS1", "PS4", "SHELLOPTS",
		"PYTHONPATH", "PYTHONSTARTUP", "PERL5LIB", "PERL5OPT", "RUBYOPT", "JAVA_TOOL_OPTIONS", "GIT_CONFIG_GLOBAL",
		"GIT_SSH_COMMAND", "HOME", "SHELL", "TMPDIR", "EDITOR", "PAGER", "XDG_CONFIG_HOME", "SSH_ASKPASS", "LC_ALL",
		"GOPROXY", "GOFLAGS", "PIP_INDEX_URL", "NPM_CONFIG_REGISTRY", "OPENSSL_CONF"} {
		t.Run(name, func(t *testing.T) {
			wantFieldError(t, weatherJSON("api.weather.example", `{"WEATHER_API_KEY":"api_key","`+name+`":"api_key"}`),
				"export."+name, "reserved", "WEATHER_API_KEY")
			if !ReservedEnvName(name) || !ReservedEnvName(strings.ToLower(name)) {
				t.Errorf("ReservedEnvName(%q) = false", name)
			}
		})
	}
	// The report's exact file: PROMPT_COMMAND from api_url.
	wantFieldError(t, weatherJSON("api.weather.example", `{"WEATHER_API_KEY":"api_key","PROMPT_COMMAND":"api_url"}`),
		"export.PROMPT_COMMAND", "reserved", "shells")
}

// TestExportNamesOwn: the names providers really use stay allowed, bundled ones included.
func TestExportNamesOwn(t *testing.T) {
	for _, name := range []string{"GITHUB_TOKEN", "GH_TOKEN", "GOOGLE_ACCESS_TOKEN", "GOOGLE_REFRESH_TOKEN",
		"MICROSOFT_ACCESS_TOKEN", "MICROSOFT_REFRESH_TOKEN", "OPENAI_API_KEY", "WEATHER_API_KEY", "ANTHROPIC_API_KEY",
		"NPM_TOKEN", "CARGO_REGISTRY_TOKEN", "GEM_HOST_API_KEY", "SLACK_BOT_TOKEN", "PERSONAL_TOKEN", "X_KEY"} {
		if ReservedEnvName(name) {
			t.Errorf("ReservedEnvName(%q) = true", name)
		}
	}
	d, err := Parse([]byte(weatherJSON("https://api.weather.example/v1", `{"WEATHER_API_KEY":"api_key","WEATHER_API_URL":"api_url"}`)))
	if err != nil {
		t.Fatal(err)
	}
	if d.EnvPrefix() != "WEATHER_" {
		t.Errorf("EnvPrefix = %q", d.EnvPrefix())
	}
	if got := (&Definition{Name: "my-api.v2"}).EnvPrefix(); got != "MY_API_V2_" {
		t.Errorf("EnvPrefix(my-api.v2) = %q", got)
	}
}

// TestExportAPIURLOwnName: an api_url export is named after its provider, so a shared
// definition cannot point another program's client (OPENAI_BASE_URL) at its own server.
func TestExportAPIURLOwnName(t *testing.T) {
	wantFieldError(t, weatherJSON("https://api.weather.example/v1", `{"OPENAI_BASE_URL":"api_url"}`),
		"export.OPENAI_BASE_URL", "named after its provider", "WEATHER_")
	// Secrets may go to any unreserved name: a key in another's variable redirects nothing.
	if _, err := Parse([]byte(weatherJSON("api.weather.example", `{"API_KEY":"api_key"}`))); err != nil {
		t.Errorf("api key into API_KEY: %v", err)
	}
}

// TestAPIURLPathCharacters: an https api_url path holds URL path characters only (finding 6:
// "https://api.weather.example/v1;touch pwned-by-provider" was accepted and exported).
func TestAPIURLPathCharacters(t *testing.T) {
	for _, bad := range []string{
		"https://api.weather.example/v1;touch pwned-by-provider",
		"https://api.weather.example/v1;id",
		"https://api.weather.example/v1 x",
		"https://api.weather.example/v1'x",
		`https://api.weather.example/v1\"x`,
		"https://api.weather.example/$(id)",
		"https://api.weather.example/`id`",
		"https://api.weather.example/a&b",
		"https://api.weather.example/a|b",
		"https://api.weather.example/a\\u0007b",
		"https://api.weather.example/a\\tb",
		"https://api.weather.example/ünï",
		"https://api.weather.example/a%zz",
		"https://api.weather.example/a%2",
		"https://api.weather.example/v1/../admin",
		"https://api.weather.example/./v1",
		"https://api.weather.example/v1?x=1",
		"https://api.weather.example/v1?",
		"https://api.weather.example/v1#f",
		"https://u@api.weather.example/v1",
		"https://api.weather.example:8443/v1",
		"HTTPS://api.weather.example/v1",
		"http://api.weather.example/v1",
	} {
		t.Run(bad, func(t *testing.T) {
			wantFieldError(t, weatherJSON(bad, `{"WEATHER_API_URL":"api_url"}`), "api_url")
		})
	}
	for _, good := range []string{"https://api.weather.example", "https://api.weather.example/", "https://api.weather.example/v1",
		"https://api.weather.example/v1/", "https://api.weather.example/a%2Fb/c-d_e.f~g:h@i+j,k=l"} {
		if _, err := ParseRoute(good); err != nil {
			t.Errorf("ParseRoute(%q): %v", good, err)
		}
	}
	r, err := ParseRoute("https://API.weather.example/v1/")
	if err != nil || r.Host() != "api.weather.example" || !r.Match("api.weather.example", "/v1/x") || r.Match("api.weather.example", "/v2") {
		t.Errorf("ParseRoute with a trailing slash = %v, %v", r, err)
	}
}
