//go:build !unix

package cli

const oNoFollow = 0
