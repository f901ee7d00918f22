package msgraph

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"strconv"
)

// page is one page of a Graph collection.
type page[T any] struct {
	Value     []*T   `json:"value"`
	NextLink  string `json:"@odata.nextLink"`
	DeltaLink string `json:"@odata.deltaLink"`
	Count     int64  `json:"@odata.count"`
}

// getPage fetches one page of a collection at u (a relative path with its
// query, or a nextLink), with h added to the request.
func getPage[T any](ctx context.Context, c *Client, u string, h http.Header) ([]*T, *Response, error) {
	req, err := c.NewRequest(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, err
	}
	for k, vs := range h {
		req.Header[k] = append(req.Header[k], vs...)
	}
	var p page[T]
	resp, err := c.Do(req, &p)
	if resp != nil {
		resp.NextLink, resp.DeltaLink, resp.Count = p.NextLink, p.DeltaLink, p.Count
		resp.header = h
	}
	if err != nil {
		return nil, resp, err
	}
	return p.Value, resp, nil
}

// all iterates over every item of a collection from u on, following
// @odata.nextLink verbatim. After an error it stops.
func all[T any](ctx context.Context, c *Client, u string, h http.Header) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		for u != "" {
			items, resp, err := getPage[T](ctx, c, u, h)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yieldEach(items, yield) {
				return
			}
			u = resp.NextLink
		}
	}
}

// yieldEach yields items in order; it reports false when yield stopped early.
func yieldEach[T any](items []*T, yield func(*T, error) bool) bool {
	for _, it := range items {
		if !yield(it, nil) {
			return false
		}
	}
	return true
}

// GetPage fetches one page of a collection of T at path (relative to the base
// URL, with its query) or at a nextLink, sending h with the request. Use it
// for collections this package has no method for; json.RawMessage serves as
// T to keep items as they came.
func GetPage[T any](ctx context.Context, c *Client, path string, h http.Header) ([]*T, *Response, error) {
	return getPage[T](ctx, c, path, h)
}

// All iterates over every item of the collection of T at path, following
// @odata.nextLink; h is sent with every page's request.
func All[T any](ctx context.Context, c *Client, path string, h http.Header) iter.Seq2[*T, error] {
	return all[T](ctx, c, path, h)
}

// NextPage fetches the page after resp of a collection of T: the page at
// resp.NextLink. It returns no items and a nil Response when resp was the
// last page.
//
//	msgs, resp, err := client.Mail.ListMessages(ctx, "me", nil)
//	for err == nil && resp.NextLink != "" {
//		msgs, resp, err = msgraph.NextPage[msgraph.Message](ctx, client, resp)
//	}
func NextPage[T any](ctx context.Context, c *Client, resp *Response) ([]*T, *Response, error) {
	if resp == nil || resp.NextLink == "" {
		return nil, nil, nil
	}
	return getPage[T](ctx, c, resp.NextLink, resp.header)
}

// getOne fetches one entity.
func getOne[T any](ctx context.Context, c *Client, u string) (*T, *Response, error) {
	return doJSON[T](ctx, c, http.MethodGet, u, nil, nil)
}

// doJSON sends body (if any) to u with h added, and decodes the answer as a T.
func doJSON[T any](ctx context.Context, c *Client, method, u string, body any, h http.Header) (*T, *Response, error) {
	req, err := c.NewRequest(ctx, method, u, body)
	if err != nil {
		return nil, nil, err
	}
	for k, vs := range h {
		req.Header[k] = append(req.Header[k], vs...)
	}
	v := new(T)
	resp, err := c.Do(req, v)
	if err != nil {
		return nil, resp, err
	}
	return v, resp, nil
}

// sendNoContent sends a request whose answer has no payload (202, 204).
func (c *Client) sendNoContent(ctx context.Context, method, u string, body any) (*Response, error) {
	req, err := c.NewRequest(ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	return c.Do(req, nil)
}

// deltaRound follows a delta query from u through every @odata.nextLink to
// the page with @odata.deltaLink, and returns all items and that page's
// Response, whose DeltaLink starts the next round.
func deltaRound[T any](ctx context.Context, c *Client, u string, h http.Header) ([]*T, *Response, error) {
	var out []*T
	for {
		items, resp, err := getPage[T](ctx, c, u, h)
		if err != nil {
			return out, resp, err
		}
		out = append(out, items...)
		switch {
		case resp.DeltaLink != "":
			return out, resp, nil
		case resp.NextLink == "":
			return out, resp, fmt.Errorf("msgraph: delta page of %s has neither @odata.nextLink nor @odata.deltaLink", resp.Request.URL.EscapedPath())
		}
		u = resp.NextLink
	}
}

// maxPageSize is the Prefer header that sets a delta or list page size.
func maxPageSize(n int) http.Header {
	if n <= 0 {
		return nil
	}
	h := http.Header{}
	h.Set("Prefer", "odata.maxpagesize="+strconv.Itoa(n))
	return h
}
