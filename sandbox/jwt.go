package sandbox

import (
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/token"
)

// Errors returned by VerifyAccessToken.
var (
	ErrTokenMalformed = token.ErrMalformed
	ErrTokenSignature = token.ErrSignature
	ErrTokenExpired   = token.ErrExpired
	ErrTokenNotYet    = token.ErrNotYet
	ErrTokenAudience  = token.ErrAudience
)

// AccessTokenClaims are the claims of an access token issued by the sandbox
// for Microsoft Graph (shaped like Graph's v1.0 tokens).
type AccessTokenClaims = token.AccessClaims

var b64 = ids.B64

// VerifyAccessToken checks an access token issued by this server: signature
// and key id, audience (Microsoft Graph), not-before and expiry against the
// server clock. It returns the token's claims.
func (s *Server) VerifyAccessToken(raw string) (*AccessTokenClaims, error) {
	return s.signer.VerifyAccess(raw, s.now())
}
