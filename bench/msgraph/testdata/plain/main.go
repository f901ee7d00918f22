// Command plain lists the signed-in user's messages with net/http and
// encoding/json only: the anchor of bench/msgraph's build cost.
//
//	GRAPH_URL=https://graph.microsoft.com GRAPH_TOKEN=... plain
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

type page struct {
	Value []struct {
		ID               string    `json:"id"`
		Subject          string    `json:"subject"`
		ReceivedDateTime time.Time `json:"receivedDateTime"`
		From             struct {
			EmailAddress struct {
				Address string `json:"address"`
			} `json:"emailAddress"`
		} `json:"from"`
	} `json:"value"`
	NextLink string `json:"@odata.nextLink"`
}

func main() {
	base := os.Getenv("GRAPH_URL")
	if base == "" {
		base = "https://graph.microsoft.com"
	}
	next := base + "/v1.0/me/messages?$top=100"
	for next != "" {
		req, err := http.NewRequest(http.MethodGet, next, nil)
		if err != nil {
			fail(err)
		}
		req.Header.Set("Authorization", "Bearer "+os.Getenv("GRAPH_TOKEN"))
		req.Header.Set("Accept", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fail(err)
		}
		if resp.StatusCode != http.StatusOK {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
			fail(fmt.Errorf("%s: %s", resp.Status, b))
		}
		var p page
		err = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		if err != nil {
			fail(err)
		}
		for _, m := range p.Value {
			fmt.Printf("%s\t%s\t%s\n", m.ReceivedDateTime.Format(time.RFC3339), m.From.EmailAddress.Address, m.Subject)
		}
		next = p.NextLink
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "plain:", err)
	os.Exit(1)
}
