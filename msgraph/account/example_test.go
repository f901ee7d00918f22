package account_test

import (
	"context"
	"fmt"
	"log"

	"github.com/authsome-go/authsome/msgraph/account"
)

// A program that runs on its own (not under `authsome run`) and keeps its tokens in the MSAL
// token cache that python-o365 or an MSAL application writes: the access token is renewed as
// needed and the rotated refresh token written back to the file, which the Python application
// can go on using.
func ExampleFromTokenCache() {
	ctx := context.Background()
	acct, err := account.FromTokenCache(ctx, account.FileCache("o365_token.txt"), account.CacheOptions{})
	if err != nil {
		log.Fatal(err)
	}
	me, _, err := acct.Users.Me(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(me.DisplayName)
}

// Under `authsome run` the program holds no token at all: the proxy adds it.
func ExampleFromEnvironment() {
	c, err := account.FromEnvironment()
	if err != nil {
		log.Fatal(err) // not started by authsome
	}
	me, _, err := c.Users.Me(context.Background(), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(me.DisplayName)
}
