// Command authsome signs in to Microsoft 365 and other providers, keeps the credentials
// encrypted, and runs agents behind a proxy that injects them.
package main

import (
	"os"

	"github.com/authsome-go/authsome/internal/cli"
)

func main() { os.Exit(cli.Main()) }
