package provider

import (
	"strings"

	"github.com/authsome-go/authsome/internal/lazyre"
)

// Export names. A provider definition is data that people share, so the names it may export
// into are restricted: they are environment variable names ([A-Z_][A-Z0-9_]*), and never a
// reserved name (see [ReservedEnvName]). An api_url export must also be named after its own
// provider (<NAME>_...), so that one provider cannot point another's client at its server
// (OPENAI_BASE_URL from a "weather" provider).

var envNameRE = lazyre.New(`^[A-Z_][A-Z0-9_]*$`)

// reservedEnv is the deny-list behind ReservedEnvName: upper-case exact names, prefixes and
// suffixes, each group with the reason given to people whose definition uses one.
var reservedEnv = []struct {
	exact, prefixes, suffixes []string
	why                       string
}{
	{
		// What `authsome run` sets for the child: proxy, trust and its own variables.
		exact: []string{"SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
			"GIT_SSL_CAINFO", "AWS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "NODE_USE_ENV_PROXY", "NODE_OPTIONS"},
		prefixes: []string{"AUTHSOME_"},
		suffixes: []string{"_PROXY"}, // HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY, FTP_PROXY ...
		why:      "authsome run sets it (proxy, CA trust or authsome's own settings)",
	},
	{
		// Read by shells at start-up or before each prompt, or by the dynamic loader.
		exact: []string{"PATH", "ENV", "IFS", "PROMPT_COMMAND", "PS0", "PS1", "PS2", "PS3", "PS4",
			"SHELLOPTS", "BASHOPTS", "CDPATH", "GLOBIGNORE", "FPATH", "ZDOTDIR", "PROMPT", "RPROMPT", "HISTFILE",
			"INPUTRC", "VIMINIT", "GVIMINIT", "EXINIT", "GCONV_PATH", "LOCPATH", "NLSPATH", "HOSTALIASES",
			"LOCALDOMAIN", "RES_OPTIONS"},
		prefixes: []string{"BASH_", "LD_", "DYLD_"}, // BASH_ENV, BASH_FUNC_*, BASH_XTRACEFD ...
		why:      "shells or the dynamic loader read it as code, a search path or settings",
	},
	{
		// Interpreters, runtimes and build tools load code, options or packages from these.
		exact: []string{"PERLLIB", "RUBYOPT", "RUBYLIB", "GEM_HOME", "GEM_PATH", "JAVA_TOOL_OPTIONS",
			"_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH", "JAVA_HOME", "LUA_INIT", "LUA_PATH", "LUA_CPATH",
			"TCLLIBPATH", "PHPRC", "PHP_INI_SCAN_DIR", "DOTNET_STARTUP_HOOKS", "OPENSSL_CONF", "OPENSSL_ENGINES",
			"GOFLAGS", "GOPROXY", "GONOPROXY", "GOPRIVATE", "GONOSUMDB", "GOSUMDB", "GOINSECURE", "GOPATH",
			"GOROOT", "GOBIN", "GOENV", "GOTOOLCHAIN", "GOCACHE", "GOMODCACHE", "GOWORK", "GODEBUG", "GOVCS",
			"GOEXPERIMENT", "CC", "CXX", "CPP", "CFLAGS", "CXXFLAGS", "CPPFLAGS", "LDFLAGS", "MAKEFLAGS",
			"RUSTC", "RUSTC_WRAPPER", "RUSTFLAGS", "CARGO_HOME", "PKG_CONFIG_PATH"},
		prefixes: []string{"PYTHON", "PERL5", "NODE_", "NPM_CONFIG_", "PIP_", "CGO_", "CORECLR_", "COMPLUS_", "GIT_"},
		why:      "interpreters, runtimes or build tools load code, options or packages from it",
	},
	{
		// Where programs find home, configuration, temporary files, helpers they execute and
		// servers they connect to; and the locale and terminal.
		exact: []string{"HOME", "SHELL", "USER", "LOGNAME", "PWD", "OLDPWD", "TMPDIR", "TMP", "TEMP", "_",
			"EDITOR", "VISUAL", "PAGER", "MANPAGER", "BROWSER", "LESS", "LESSOPEN", "LESSCLOSE", "SUDO_ASKPASS",
			"LANG", "LANGUAGE", "TZ", "TERM", "TERMINFO", "DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS",
			"CURL_HOME", "WGETRC", "NETRC", "GNUPGHOME", "KRB5CCNAME", "KUBECONFIG", "DOCKER_HOST",
			"DOCKER_CONFIG", "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY", "DOCKER_CONTEXT"},
		prefixes: []string{"XDG_", "LC_", "SSH_", "SSL_"},
		suffixes: []string{"_CA_BUNDLE", "_CA_CERTS", "_CAINFO"},
		why:      "programs use it to find their home, configuration, helpers, servers or trusted CAs",
	},
}

// ReservedEnvName reports whether name is an environment variable that no provider
// definition may export, and that `authsome run` never lets a definition set for its child.
// The check ignores case (http_proxy is HTTP_PROXY).
//
// The rule: a name is reserved when `authsome run` sets it itself (the proxy variables, any
// *_PROXY, the CA trust variables, NODE_OPTIONS, AUTHSOME_*), or when shells, the dynamic
// loader, interpreters or common tools read it as code, a search path, options, a place to
// find configuration or helpers to execute, a server to connect to or the CAs to trust
// (PATH, LD_*, DYLD_*, PROMPT_COMMAND, BASH_ENV, ENV, PS1, PYTHON*, GIT_*, HOME, TMPDIR, EDITOR,
// XDG_*, SSH_*, ...). A value there is at least a hijack of the program that reads it. A
// provider's own names (<NAME>_API_KEY, <NAME>_TOKEN, <NAME>_URL) never collide with the list.
func ReservedEnvName(name string) bool { return reservedEnvReason(name) != "" }

// reservedEnvReason says why name is reserved, or "" when it is not.
func reservedEnvReason(name string) string {
	n := strings.ToUpper(name)
	for _, g := range reservedEnv {
		for _, e := range g.exact {
			if n == e {
				return g.why
			}
		}
		for _, p := range g.prefixes {
			if strings.HasPrefix(n, p) {
				return g.why
			}
		}
		for _, s := range g.suffixes {
			if strings.HasSuffix(n, s) {
				return g.why
			}
		}
	}
	return ""
}

// EnvPrefix is the prefix of the environment variables named after the provider: its name in
// upper case with '.' and '-' as '_', then '_' ("GOOGLE_", "MY_API_").
func (d *Definition) EnvPrefix() string {
	return strings.NewReplacer(".", "_", "-", "_").Replace(strings.ToUpper(d.Name)) + "_"
}

// checkExportName says what is wrong with exporting src into the variable name, or "".
func (d *Definition) checkExportName(name, src string) string {
	if !envNameRE().MatchString(name) {
		return "environment variable names are upper-case letters, digits and '_', not starting with a digit"
	}
	if why := reservedEnvReason(name); why != "" {
		return "the name is reserved: " + why + "; choose a name of the provider's own such as " + d.EnvPrefix() + "API_KEY"
	}
	if (src == ExportAPIURL || src == ExportBaseURL) && !strings.HasPrefix(name, d.EnvPrefix()) {
		return "an " + src + " export must be named after its provider (" + d.EnvPrefix() + "..., for example " + d.EnvPrefix() + "API_URL), so that it cannot redirect another program's API calls"
	}
	return ""
}
