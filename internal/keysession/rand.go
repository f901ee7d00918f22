package keysession

import "crypto/rand"

var randRead = rand.Read
