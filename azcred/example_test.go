package azcred_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/authsome-go/authsome/azcred"
	"github.com/authsome-go/authsome/broker"
)

// An azcore pipeline (what every client of Microsoft's Go SDKs is built on) with its bearer
// token policy on an authsome connection reads Microsoft Graph. Here the connection is signed
// in to an offline sandbox tenant; a real program opens the broker on authsome's home
// (broker.Open(ctx, broker.Options{})) after `authsome login microsoft`.
func ExampleNew() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "azcred-example-")
	defer os.RemoveAll(dir)
	w, err := signedIn(ctx, dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer w.sb.Close()
	b, graphURL := w.b, w.sb.Info().URL

	cred, err := azcred.New(b, "microsoft", "") // the default connection
	if err != nil {
		fmt.Println(err)
		return
	}
	transport, _ := broker.ClientTrusting(w.sb.Info().CAFile) // trusts the sandbox's CA
	pl := runtime.NewPipeline("example", "v1.0.0", runtime.PipelineOptions{
		PerRetry: []policy.Policy{runtime.NewBearerTokenPolicy(cred, []string{"https://graph.microsoft.com/.default"}, nil)},
	}, &policy.ClientOptions{Transport: transport})

	req, _ := runtime.NewRequest(ctx, http.MethodGet, graphURL+"/v1.0/me")
	resp, err := pl.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var me struct {
		DisplayName string `json:"displayName"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&me)
	fmt.Println(resp.StatusCode, me.DisplayName)
	// Output: 200 Adele Vance
}
