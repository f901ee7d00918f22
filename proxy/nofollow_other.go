//go:build !unix

package proxy

// oNoFollow is not available here; openAppend's Lstat refuses symbolic links.
const oNoFollow = 0
