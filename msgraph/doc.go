// Package msgraph is a small, hand-written client for Microsoft Graph v1.0:
// one [Client] with a service per workload ([MailService], [UsersService], …),
// options structs for OData queries, iterators over every page, typed errors
// and retries that honour Retry-After. It builds in seconds and depends only
// on the standard library.
//
// # Authentication
//
// The client does not sign in: it sends its requests with the *http.Client it
// is given, which adds the token. With authsome's broker that is
//
//	b, err := broker.Open(ctx, broker.Options{})
//	hc := b.HTTPClient(ctx, "microsoft", "")      // refreshes and injects the connection's token
//	client, err := msgraph.NewClient(hc)
//
// Any oauth2 client works too. Under `authsome run`, a program that holds no
// token at all can aim the client at the proxy's base URL:
//
//	client, err := msgraph.NewClient(nil, msgraph.WithBaseURL(os.Getenv("MICROSOFT_GRAPH_URL")))
//
// National clouds and the offline sandbox are other base URLs ([USGovURL],
// [ChinaURL], the sandbox's URL); [WithVersion] selects beta.
//
// # Users
//
// Methods that act on a mailbox, calendar or drive take the user first: "me"
// (or "") for the signed-in user, or a user's id or userPrincipalName, which
// app-only (client credentials) tokens must use.
//
// # One shape for every method
//
// Every method that sends a request takes a context first, then the ids of
// what it acts on (user, folder, item…), then a body or an options struct
// that may be nil, and returns (*T, *Response, error), ([]*T, *Response,
// error) for a page of a list, or (*Response, error) when Graph answers
// with no payload. The Response is returned with an error too, when there
// was an answer. The special cases follow the same rule:
//
//   - Lists: List… returns one page; every list takes an options struct
//     (*[ListOptions] or one that embeds it) and has a List…Iter beside it
//     with the same parameters that walks every page.
//   - Delta rounds (…Delta) take *[DeltaOptions] and follow every page of
//     one round; they return the items and the last page's Response, whose
//     DeltaLink is the DeltaOptions.Link of the next round.
//   - Uploads (Upload…) take the name, content type where Graph wants one,
//     an io.Reader, its size and *[UploadOptions]; they return what was made
//     (a *[DriveItem], an *[Attachment]) and the Response of the last
//     fragment.
//   - Downloads (Download…) take an io.Writer last but for options, write
//     the content to it and return (*Response, error); [Response.Written] is
//     the number of bytes written.
//   - Long-running copies: [DriveService.CopyItem] returns a *[CopyStatus]
//     with the monitor URL, [DriveService.WaitCopy] the monitor's last report.
//
// # Paging
//
// Each List method returns one page and a [Response] whose NextLink is the
// next page's URL, which [NextPage] fetches verbatim. The Iter form walks
// every page:
//
//	for m, err := range client.Mail.ListMessagesIter(ctx, "me", &msgraph.ListMessagesOptions{
//		ListOptions: msgraph.ListOptions{Filter: msgraph.Eq("isRead", false).String(), Top: 50},
//	}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(m.Subject)
//	}
//
// # Queries
//
// [ListOptions] holds the OData query options. Build a $filter with [Eq],
// [Ne], [Gt], [Ge], [Lt], [Le], [In], [StartsWith], [EndsWith], [Contains],
// [AnyOf], [AllOf], [And], [Or] and [Not] rather than by pasting text into a
// string: every value is written as an OData literal (a string in single
// quotes with its quotes doubled, a time.Time in UTC, a [GUID], a number,
// true, false, null) and property paths must be names, so a value that holds
// a quote, or "' or 1 eq 1", stays one value:
//
//	f := msgraph.And(msgraph.Eq("subject", userText), msgraph.Ge("receivedDateTime", since))
//	msgs, _, err := client.Mail.ListMessages(ctx, "me", &msgraph.ListMessagesOptions{
//		ListOptions: msgraph.ListOptions{Filter: f.String()},
//	})
//
// [SearchText] and [SearchProperty] quote a $search the same way.
//
// # Throttling
//
// Graph answers 429 (or 503, 504) when an app or mailbox sends too much, with
// a Retry-After header. [Client.Do] waits exactly that long and sends the
// request again, up to [RetryPolicy.MaxRetries] times; without Retry-After it
// backs off exponentially with jitter. A POST that timed out at the gateway
// (504) is not sent again, since it may have been carried out. When retries
// are spent, or Graph asks for a wait above [RetryPolicy.MaxWait], the error
// is a *[ThrottleError] saying how long Graph asked to wait.
//
// # Errors
//
// A Graph error is an *[Error] with the HTTP status, Graph's code and message,
// and the request-id and date that Microsoft support asks for:
//
//	msgraph: GET /v1.0/me/messages/AAMk…: 404 ErrorItemNotFound: The specified object was not found in the store. (request-id …)
//
// Use errors.As, or [IsNotFound], [IsThrottled] and [StatusCode]. Errors
// never include a token or a URL's query.
//
// # Concurrency
//
// A Client is safe for concurrent use. Outlook allows 4 concurrent requests
// per mailbox; more are throttled.
package msgraph
