package e2e

// The attack suite: every attack of the security review's "What held" table (56 rows) runs
// here or in an existing test, so none regresses. Subtests are named held-NN-... after the
// row; run them with `go test ./e2e/ -run Attack`. With -short only the proxy and loopback
// rows run (TestAttackProxy, TestAttackLoopback); the rest needs the full run.
//
// Where a test elsewhere already performs a row's attack, it is not repeated; the suite adds
// only the variants it lacks:
//
//	row  attack                                  existing test(s)                                    added here
//	  1  -v on every command                     e2e TestNoSecretLeaks (tokens, client secret)      held-01: log, api, providers, profile; vault key
//	  2  -v run: 401 retry, query, base URL      -                                                   held-02
//	  3  get without --show-secret               e2e TestNoSecretLeaks (no token printed)           held-03: the redaction marker
//	  4  export without --include-refresh-token  e2e TestLoginDeviceCodeListExportLogout (shell)    held-04: env/shell/json, user and app
//	  5  custom provider's client secret         -                                                   held-05
//	  6  every file under the home scanned       e2e TestNoSecretLeaks (walks the home)             -
//	  7  files written by run                    e2e TestRunChildEnvironment (folder removed)       held-07: modes, names, no private key
//	  8  umask 000                               vault TestPermissions (default umask)              held-08: umask 000, every command, proxy CA key
//	  9  descriptors inherited by the child      -                                                   held-09
//	 10  run CA constraints                      proxy TestCAConstraints (NewCA)                    held-10: the CA run actually hands out
//	 11  proxy auth 407                          proxy TestProxyAuthentication (none/wrong/garbage) held-11: prefixes, keep-alive, other uid
//	 12  Host inside MITM                        proxy TestHostConfusion (evil, trailing dot, port) held-12: IPs, two Host headers
//	 13  SNI != CONNECT host                     proxy TestHostConfusion "TLS server name of another host"
//	 14  absolute-form inside MITM               proxy TestHostConfusion "absolute-form target for another host inside the tunnel"
//	 15  HTTP/2 :authority                       proxy TestHostConfusion (evil host)                held-15: trailing dot, IP, port
//	 16  CONNECT spellings                       proxy TestHostConfusion (tunnelled/badConnect)     held-16: numeric IPv4, "..", ports, tab, brackets
//	 17  plain HTTP                              proxy TestHostConfusion "absolute-form http to the routed host: no token"
//	                                                                                                 held-17: placeholder to another host
//	 18  base URL secret                         proxy TestHostConfusion "base URL: refusals"       held-18-19: percent-encoded, case, absolute-form, CONNECT
//	 19  base URL host tricks                    proxy TestHostConfusion "base URL: refusals"       held-18-19: "../", %2f, empty, Host spoof
//	 20  --deny-unmatched                        e2e TestRunProxyAuthAndDeny (HTTPS); proxy TestHostConfusion "deny unmatched: ..." (HTTPS, HTTP)
//	 21  smuggling inside MITM                   -                                                   held-21
//	 22  2 MB header, 20,000 headers             -                                                   held-22
//	 23  slowloris                               -                                                   held-23 (300 + 100 connections)
//	 24  many MITM keep-alive connections        e2e TestProxyRefreshStorm (1,000 requests, 100 connections)
//	                                                                                                 held-24: 200 connections
//	 25  callback with wrong/missing state       oauth TestAuthCodeIgnoresForgedRequests            -
//	 26  concurrent valid callbacks              oauth TestAuthCodeOnlyFirstCallbackCounts (2)      held-26-27-28: 5, through the binary
//	 27  callback replayed after completion      -                                                   held-26-27-28
//	 28  DNS-rebinding Host                      oauth TestAuthCodeIgnoresForgedRequests (callback) held-26-27-28, held-28-29: client-id page
//	 29  client-id form                          oauth TestCollectClientMicrosoft (no CSRF, foreign Origin, non-GUID)
//	                                                                                                 held-28-29: Origin null, 200 KB, <script>
//	 30  SIGKILL during get refresh              -                                                   held-30 (20 rounds)
//	 31  SIGKILL during login                    -                                                   held-31 (20 rounds)
//	 32  concurrent logins into one vault        -                                                   held-32 (8 processes)
//	 33  concurrent first-ever logins            vault TestFileKeyConcurrentCreate (key file)       held-33 (6 processes x 3 rounds)
//	 34  concurrent logout/set-default/login     -                                                   held-34
//	 35  concurrent refreshes, strict rotation   e2e TestRefreshStorm (one shared refresh)          held-35: processes refreshing in turn
//	 36  corrupted vault                         e2e TestCorruptedVault (flip, truncate, garbage); vault TestCorruptFiles
//	                                                                                                 held-36: empty, null, unknown field, a folder; logout, set-default
//	 37  "version": 2                            vault TestUnsupportedVersion (store level)         held-37: through the binary
//	 38  wrong/missing/0644/non-base64 key       e2e TestWrongMasterKey (wrong env key, malformed)  held-38: key file missing, 0644, not base64
//	 39  vault copied to another profile         vault TestProfileMismatch ("belongs to profile", untouched); e2e TestProfilesAreIsolated (exit 1)
//	 40  extreme argon2 parameters               -                                                   held-40
//	 41  vault.json symlink                      -                                                   held-41
//	 42  hostile profile names                   vault TestProfileNames (validator)                 held-42: create/use/delete, active profile
//	 43  forged JWTs                             sandbox TestJWTAgainstJWKS (tampered payload, garbage)
//	                                                                                                 held-43: alg none, HS256, kid, sizes, parts
//	 44  Adele's token on Alex's /users paths    sandbox TestMailPermissions (mailFolders by id)    held-44: id, UPN, upper-case id; mail, calendar, contacts
//	 45  Alex's ids under Adele's /me            -                                                   held-45
//	 46  app token on /me; read-only writes      sandbox TestMailPermissions (mailFolders; 2 writes) held-46: 13 writes, /me paths
//	 47  hostile OData                           sandbox/odata TestFilterErrors, TestQueryErrors    held-47: depth, size, length
//	 48  60 MB bodies                            -                                                   held-48
//	 49  $batch                                  sandbox TestBatch (21 items, cycles, unknown deps, duplicate ids, absolute URLs)
//	                                                                                                 held-49: 1,000 items, self-dependency, per-item Authorization, dot-segments, CRLF
//	 50  hostile connection names                -                                                   held-50
//	 51  hostile provider names                  -                                                   held-51
//	 52  hostile provider files                  e2e TestBadProviderJSON; cli TestProvidersAddMalformed (unknown field, http token URL)
//	                                                                                                 held-52: BOM, CRLF, javascript:, nesting, 50 MB, RE2 pattern
//	 53  bad arguments                           cli TestUsageErrors (unknown flags, --flow, --port 70000)
//	                                                                                                 held-53: -n negative/zero/overflowing, --port -1
//	 54  api targets                             e2e TestAPI (https://evil.test)                    held-54: //host, userinfo, backslashes, methods
//	 55  exit codes 3/4/5/6/8                    e2e TestUnknownProviderAndConnection (3, 4), TestNoSecretLeaks (5), TestAPI (5),
//	                                             TestLoginDeviceCodeListExportLogout (6), TestProfilesAreIsolated (6),
//	                                             TestSandboxCommand (8); cli TestNotFoundCodes (3, 4)
//	 56  demo leaves nothing behind              e2e TestDemo                                        -

import "testing"

// skipShort skips a heavy test (many processes, a browser, a terminal, a Node.js client) in
// -short mode; the full suite (CI) runs it.
func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("heavy: runs without -short, as in CI")
	}
}
