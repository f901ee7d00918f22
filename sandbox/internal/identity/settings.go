package identity

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Settings are the run-time switches of the sandbox (GET/PATCH /_sandbox/settings).
type Settings struct {
	// StrictRefreshRotation makes a refresh token unusable once it has been
	// redeemed (Microsoft keeps old refresh tokens valid; strict mode lets
	// tests prove that clients always persist the newest one).
	StrictRefreshRotation bool
	// AccessTokenLifetime is the lifetime of issued access tokens.
	AccessTokenLifetime time.Duration
	// DeviceInterval is the device-code polling interval. The interval
	// announced by /devicecode is its whole number of seconds, so a
	// sub-second value is announced as 0.
	DeviceInterval time.Duration
	// AutoApprove approves every device code and consent as the first user.
	AutoApprove bool
}

type settingsJSON struct {
	StrictRefreshRotation      bool  `json:"strict_refresh_rotation"`
	AccessTokenLifetimeSeconds int64 `json:"access_token_lifetime_seconds"`
	DeviceIntervalSeconds      int64 `json:"device_interval_seconds"`
	DeviceIntervalMillis       int64 `json:"device_interval_ms"`
	AutoApprove                bool  `json:"auto_approve"`
}

// MarshalJSON encodes the settings with the field names of the control API:
// strict_refresh_rotation, access_token_lifetime_seconds,
// device_interval_seconds, device_interval_ms and auto_approve.
func (st Settings) MarshalJSON() ([]byte, error) {
	return json.Marshal(settingsJSON{
		StrictRefreshRotation:      st.StrictRefreshRotation,
		AccessTokenLifetimeSeconds: int64(st.AccessTokenLifetime / time.Second),
		DeviceIntervalSeconds:      int64(st.DeviceInterval / time.Second),
		DeviceIntervalMillis:       int64(st.DeviceInterval / time.Millisecond),
		AutoApprove:                st.AutoApprove,
	})
}

// UnmarshalJSON is the inverse of MarshalJSON. Only the fields present in
// data change; device_interval_ms wins over device_interval_seconds.
func (st *Settings) UnmarshalJSON(data []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	known := map[string]bool{"strict_refresh_rotation": true, "access_token_lifetime_seconds": true,
		"device_interval_seconds": true, "device_interval_ms": true, "auto_approve": true}
	for k := range m {
		if !known[k] {
			return fmt.Errorf("unknown setting %q", k)
		}
	}
	var v settingsJSON
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	if _, ok := m["strict_refresh_rotation"]; ok {
		st.StrictRefreshRotation = v.StrictRefreshRotation
	}
	if _, ok := m["auto_approve"]; ok {
		st.AutoApprove = v.AutoApprove
	}
	if _, ok := m["access_token_lifetime_seconds"]; ok {
		if v.AccessTokenLifetimeSeconds <= 0 {
			return errors.New("access_token_lifetime_seconds must be positive")
		}
		st.AccessTokenLifetime = time.Duration(v.AccessTokenLifetimeSeconds) * time.Second
	}
	if _, ok := m["device_interval_ms"]; ok {
		if v.DeviceIntervalMillis < 0 {
			return errors.New("device_interval_ms must not be negative")
		}
		st.DeviceInterval = time.Duration(v.DeviceIntervalMillis) * time.Millisecond
	} else if _, ok := m["device_interval_seconds"]; ok {
		if v.DeviceIntervalSeconds < 0 {
			return errors.New("device_interval_seconds must not be negative")
		}
		st.DeviceInterval = time.Duration(v.DeviceIntervalSeconds) * time.Second
	}
	return nil
}
