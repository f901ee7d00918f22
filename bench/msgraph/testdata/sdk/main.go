// Command sdk lists the signed-in user's messages with Microsoft's
// msgraph-sdk-go: the comparison program of `go run ./bench/msgraph -sdk`,
// built in a module of its own (it is not part of authsome's).
//
//	GRAPH_URL=https://graph.microsoft.com GRAPH_TOKEN=... sdk
package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/microsoft/kiota-abstractions-go/authentication"
	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// staticToken hands the SDK the access token from the environment.
type staticToken struct {
	hosts *authentication.AllowedHostsValidator
}

func (t staticToken) GetAuthorizationToken(context.Context, *url.URL, map[string]any) (string, error) {
	return os.Getenv("GRAPH_TOKEN"), nil
}

func (t staticToken) GetAllowedHostsValidator() *authentication.AllowedHostsValidator { return t.hosts }

func main() {
	base := os.Getenv("GRAPH_URL")
	if base == "" {
		base = "https://graph.microsoft.com"
	}
	u, err := url.Parse(base)
	if err != nil {
		fail(err)
	}
	hosts := authentication.NewAllowedHostsValidator([]string{u.Host})
	adapter, err := msgraphsdk.NewGraphRequestAdapter(authentication.NewBaseBearerTokenAuthenticationProvider(staticToken{&hosts}))
	if err != nil {
		fail(err)
	}
	adapter.SetBaseUrl(base + "/v1.0")
	client := msgraphsdk.NewGraphServiceClient(adapter)
	ctx := context.Background()
	top := int32(100)
	res, err := client.Me().Messages().Get(ctx, &users.ItemMessagesRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemMessagesRequestBuilderGetQueryParameters{Top: &top},
	})
	if err != nil {
		fail(err)
	}
	it, err := msgraphcore.NewPageIterator[models.Messageable](res, adapter, models.CreateMessageCollectionResponseFromDiscriminatorValue)
	if err != nil {
		fail(err)
	}
	err = it.Iterate(ctx, func(m models.Messageable) bool {
		from := ""
		if f := m.GetFrom(); f != nil && f.GetEmailAddress() != nil && f.GetEmailAddress().GetAddress() != nil {
			from = *f.GetEmailAddress().GetAddress()
		}
		received, subject := time.Time{}, ""
		if r := m.GetReceivedDateTime(); r != nil {
			received = *r
		}
		if s := m.GetSubject(); s != nil {
			subject = *s
		}
		fmt.Printf("%s\t%s\t%s\n", received.Format(time.RFC3339), from, subject)
		return true
	})
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "sdk:", err)
	os.Exit(1)
}
