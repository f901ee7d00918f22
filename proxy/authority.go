package proxy

import (
	"errors"
	"net/netip"
	"strings"
)

// authority is a normalised host and port from a CONNECT request line, an absolute-form URL
// or a Host header.
type authority struct {
	host string // lower-case ASCII; a trailing dot is kept, so "host." never equals "host"
	port string // decimal, no leading zeros; "" when the input had none and none was required
	ip   bool   // host is an IP literal (brackets removed); IP literals never match a route
}

func (a authority) hostPort() string {
	if a.ip && strings.Contains(a.host, ":") {
		return "[" + a.host + "]:" + a.port
	}
	return a.host + ":" + a.port
}

var errAuthority = errors.New("malformed authority")

// parseAuthority parses host[:port] strictly: no userinfo, no path, no percent-encoding, no
// whitespace, ASCII only. Host names are lower-cased but otherwise kept as sent (a trailing
// dot stays), so that only the exact, canonical spelling of a routed host can match it: a
// look-alike, a suffix trick or an alternative spelling is a different host, which the proxy
// tunnels or denies but never injects into. With needPort, a missing port is an error.
func parseAuthority(s string, needPort bool) (authority, error) {
	if s == "" || len(s) > 262 {
		return authority{}, errAuthority
	}
	var host, port string
	if s[0] == '[' {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return authority{}, errAuthority
		}
		host, port = s[1:end], s[end+1:]
		if port != "" {
			if port[0] != ':' {
				return authority{}, errAuthority
			}
			port = port[1:]
			if port == "" {
				return authority{}, errAuthority
			}
		}
		addr, err := netip.ParseAddr(host)
		if err != nil || !addr.Is6() || addr.Zone() != "" {
			return authority{}, errAuthority
		}
		host = addr.String()
	} else {
		if i := strings.LastIndexByte(s, ':'); i >= 0 {
			host, port = s[:i], s[i+1:]
			if port == "" {
				return authority{}, errAuthority
			}
		} else {
			host = s
		}
		if host == "" || strings.IndexByte(host, ':') >= 0 {
			return authority{}, errAuthority // an IPv6 literal must be bracketed
		}
	}
	if port == "" && needPort {
		return authority{}, errAuthority
	}
	if port != "" && !validPort(port) {
		return authority{}, errAuthority
	}
	a := authority{port: port}
	if s[0] == '[' {
		a.host, a.ip = host, true
		return a, nil
	}
	b := []byte(host)
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '.', c == '_':
		case 'A' <= c && c <= 'Z':
			b[i] = c + ('a' - 'A')
		default:
			return authority{}, errAuthority
		}
	}
	a.host = string(b)
	if addr, err := netip.ParseAddr(a.host); err == nil && addr.Is4() {
		a.ip = true
	}
	return a, nil
}

// validPort accepts 1 to 65535 written without sign or leading zeros.
func validPort(p string) bool {
	if len(p) == 0 || len(p) > 5 || p[0] == '0' {
		return false
	}
	n := 0
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return n <= 65535
}
