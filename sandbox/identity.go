package sandbox

import (
	"context"

	"github.com/authsome-go/authsome/sandbox/internal/identity"
)

// Device code errors returned by ApproveDeviceCode and DeclineDeviceCode.
var (
	ErrUnknownUserCode = identity.ErrUnknownUserCode
	ErrCodeExpired     = identity.ErrCodeExpired
	ErrCodeUsed        = identity.ErrCodeUsed
	ErrUnknownUser     = identity.ErrUnknownUser
)

// ApproveDeviceCode approves a pending device code as the user with the
// given user principal name or object id ("" means the first seeded user).
func (s *Server) ApproveDeviceCode(userCode, upn string) error {
	return s.changing(func(ctx context.Context) error { return s.id.ApproveDeviceCode(ctx, userCode, upn) })
}

// DeclineDeviceCode declines a pending device code, as a user pressing Cancel.
func (s *Server) DeclineDeviceCode(userCode string) error {
	return s.changing(func(ctx context.Context) error { return s.id.DeclineDeviceCode(ctx, userCode) })
}
