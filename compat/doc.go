// Package compat holds compatibility tests that run Microsoft's own client
// library, MSAL for Go (github.com/AzureAD/microsoft-authentication-library-for-go),
// against the sandbox in github.com/authsome-go/authsome/sandbox, over TLS
// and without network access.
//
// It is a separate module so that the main module never depends on MSAL:
// the tests show that the sandbox behaves like the Microsoft identity
// platform for the client Microsoft ships, not only for authsome's own code.
// TestImportMSALCache also shows that `authsome import msal-cache` turns the cache MSAL
// writes into a connection the broker refreshes.
//
// Run them with
//
//	cd compat && go test ./...
package compat
