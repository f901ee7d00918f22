package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/authsome-go/authsome/msgraph"
)

// The transfer part: a file of cfg.TransferMiB uploaded through an upload
// session and downloaded back through the content redirect, by the anchor
// (the session by hand with net/http) and by msgraph (Drive.Upload and
// Drive.Download), in interleaved rounds against the same sandbox.

// transferChunk is the fragment size of both clients: msgraph's default.
const transferChunk = 32 * msgraph.UploadChunkUnit // 10 MiB

// transferRow is one client moving the file one way: medians over the rounds.
type transferRow struct {
	Direction   string    `json:"direction"` // "upload" or "download"
	Client      string    `json:"client"`
	Bytes       int64     `json:"bytes"`
	MBPerS      float64   `json:"mb_per_s"` // 10^6 bytes a second
	RoundMBPerS []float64 `json:"round_mb_per_s"`
	// CPUPerGiB is the CPU time of the whole process (client and sandbox)
	// per GiB moved, in seconds: steadier than MB/s on a busy machine.
	CPUPerGiB  float64 `json:"cpu_s_per_gib_process"`
	ReqPerOp   float64 `json:"requests_per_op"`
	ForeignCPU float64 `json:"foreign_cpu_percent"`
	// VsAnchor is set on msgraph rows: msgraph's MB/s over the anchor's.
	VsAnchor *transferRatio `json:"vs_anchor,omitempty"`
}

type transferRatio struct {
	Throughput float64 `json:"throughput"` // below 1 is slower
	RoundMin   float64 `json:"throughput_round_min"`
	RoundMax   float64 `json:"throughput_round_max"`
	CPU        float64 `json:"cpu"` // process CPU per GiB; above 1 costs more
}

// transferAPI is what the transfer part asks of a client.
type transferAPI interface {
	// Upload writes size bytes from r as the file name in the root folder
	// through an upload session and returns the item's id and the SHA-256
	// the server computed.
	Upload(ctx context.Context, name string, r io.Reader, size int64) (id, sha string, err error)
	// Download writes the item's content to w and returns its length.
	Download(ctx context.Context, id string, w io.Writer) (int64, error)
}

// plainTransfer is the anchor: the upload session and the redirect done by
// hand, as Graph's documentation describes them, with net/http. hc adds the
// token; pre (for the pre-authenticated URLs) does not.
type plainTransfer struct {
	hc, pre *http.Client
	base    string
}

func (p *plainTransfer) Upload(ctx context.Context, name string, r io.Reader, size int64) (string, string, error) {
	body := `{"item":{"@microsoft.graph.conflictBehavior":"replace"}}`
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.base+"me/drive/root:/"+name+":/createUploadSession", strings.NewReader(body))
	if err != nil {
		return "", "", err
	}
	req.Header.Set("Content-Type", "application/json")
	var sess struct {
		UploadURL string `json:"uploadUrl"`
	}
	if err := p.do(p.hc, req, http.StatusOK, &sess); err != nil {
		return "", "", err
	}
	buf := make([]byte, transferChunk)
	var item struct {
		ID   string `json:"id"`
		File struct {
			Hashes struct {
				SHA256 string `json:"sha256Hash"`
			} `json:"hashes"`
		} `json:"file"`
	}
	for off := int64(0); off < size; {
		n, err := io.ReadFull(r, buf[:min(int64(len(buf)), size-off)])
		if err != nil {
			return "", "", err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, sess.UploadURL, bytes.NewReader(buf[:n]))
		if err != nil {
			return "", "", err
		}
		req.Header.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", off, off+int64(n)-1, size))
		want := http.StatusAccepted
		if off += int64(n); off == size {
			want = http.StatusCreated // a new file; replacing one is 200
		}
		if err := p.do(p.pre, req, want, &item); err != nil {
			return "", "", err
		}
	}
	return item.ID, item.File.Hashes.SHA256, nil
}

func (p *plainTransfer) Download(ctx context.Context, id string, w io.Writer) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"me/drive/items/"+id+"/content", nil)
	if err != nil {
		return 0, err
	}
	noFollow := *p.hc // the redirect goes to another host: not with the token
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return 0, fmt.Errorf("GET content: %s, want 302", resp.Status)
	}
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, resp.Header.Get("Location"), nil)
	if err != nil {
		return 0, err
	}
	if resp, err = p.pre.Do(req); err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET the download URL: %s", resp.Status)
	}
	return io.Copy(w, resp.Body)
}

// do sends req with hc, checks the status (200 and 201 are one for the last
// fragment) and decodes the JSON answer into v.
func (p *plainTransfer) do(hc *http.Client, req *http.Request, want int, v any) error {
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want && !(want == http.StatusCreated && resp.StatusCode == http.StatusOK) {
		return fmt.Errorf("%s %s: %s, want %d: %.200s", req.Method, req.URL.Path, resp.Status, want, data)
	}
	if want == http.StatusAccepted {
		return nil // the session's nextExpectedRanges: the anchor sends in order
	}
	return json.Unmarshal(data, v)
}

func (g *graphClient) Upload(ctx context.Context, name string, r io.Reader, size int64) (string, string, error) {
	item, _, err := g.c.Drive.Upload(ctx, msgraph.MyDrive, "", name, r, size, &msgraph.UploadOptions{ChunkSize: transferChunk})
	if err != nil {
		return "", "", err
	}
	return item.ID, item.File.Hashes.SHA256Hash, nil
}

func (g *graphClient) Download(ctx context.Context, id string, w io.Writer) (int64, error) {
	resp, err := g.c.Drive.Download(ctx, msgraph.MyDrive, id, w, nil)
	if err != nil {
		return 0, err
	}
	return resp.Written, nil
}

// source is size bytes cut from a block of random ones: the data costs
// both clients a copy and nothing more.
type source struct {
	block     []byte
	off, size int64
}

func (s *source) Read(b []byte) (int, error) {
	if s.off >= s.size {
		return 0, io.EOF
	}
	i := s.off % int64(len(s.block))
	n := copy(b[:min(int64(len(b)), s.size-s.off)], s.block[i:])
	s.off += int64(n)
	return n, nil
}

// counter is a download's destination: it counts, and has no ReadFrom, so
// that io.Copy reads the body in the same 32 KiB steps for both clients.
type counter struct{ n int64 }

func (c *counter) Write(b []byte) (int, error) { c.n += int64(len(b)); return len(b), nil }

// directions are the transfer part's, in the order of transferAcc's arrays.
var directions = [2]string{"upload", "download"}

// transferAcc is what one client's rounds measured, by direction.
type transferAcc struct {
	mbps [2][]float64
	cpus [2][]float64 // process CPU seconds per GiB
	reqs [2]int64
	cpu  [2]foreignCPU
}

// measure runs f, one transfer of size bytes in direction d, and adds its
// MB/s, its requests (counted by reqs) and the CPU other processes used.
func (a *transferAcc) measure(d int, size int64, reqs func() int64, f func() error) error {
	r0, c0, t0 := reqs(), sampleCPU(), time.Now()
	if err := f(); err != nil {
		return fmt.Errorf("%s: %w", directions[d], err)
	}
	a.mbps[d] = append(a.mbps[d], float64(size)/1e6/time.Since(t0).Seconds())
	c1 := sampleCPU()
	a.cpus[d] = append(a.cpus[d], float64(c1.self-c0.self)/clockTicks/(float64(size)/(1<<30)))
	a.cpu[d].add(c0, c1)
	a.reqs[d] += reqs() - r0
	return nil
}

// runTransfer measures the transfer part: a warm-up of one fragment each,
// then cfg.Rounds rounds in which each client uploads the file, then each
// downloads its own, the anchor first in even rounds and msgraph first in
// odd ones. Each client has its own connections, kept across rounds.
func runTransfer(ctx context.Context, cfg config, env *sandboxEnv) ([]transferRow, error) {
	size := int64(cfg.TransferMiB) << 20
	block := make([]byte, 1<<20)
	_, _ = rand.NewChaCha8([32]byte{1}).Read(block)
	h := sha256.New()
	_, _ = io.Copy(h, &source{block: block, size: size})
	want := hex.EncodeToString(h.Sum(nil))

	cnts := make([]*counters, len(clientNames))
	apis := make([]transferAPI, len(clientNames))
	for i := range clientNames {
		cnts[i] = &counters{}
		hc := newHTTPClient(env, cnts[i])
		pre := &http.Client{Transport: countingTransport{env.sb.Client().Transport, &cnts[i].requests}}
		g, err := msgraph.NewClient(hc, msgraph.WithBaseURL(env.url), msgraph.WithPreAuthClient(pre))
		if err != nil {
			return nil, err
		}
		apis[i] = []transferAPI{&plainTransfer{hc: hc, pre: pre, base: env.url + "/v1.0/"}, &graphClient{g}}[i]
	}
	name := func(i int) string { return "transfer-" + strings.ReplaceAll(clientNames[i], "/", "-") + ".bin" }
	warm := min(size, transferChunk)
	for i, api := range apis {
		id, _, err := api.Upload(ctx, name(i), &source{block: block, size: warm}, warm)
		if err == nil {
			_, err = api.Download(ctx, id, &counter{})
		}
		if err != nil {
			return nil, fmt.Errorf("warm-up %s: %w", clientNames[i], err)
		}
	}
	accs := make([]transferAcc, len(clientNames))
	ids := make([]string, len(clientNames))
	for round := range cfg.Rounds {
		// The order alternates: the client that goes second finds the disk
		// still writing back the first one's upload.
		order := []int{0, 1}
		if round%2 == 1 {
			order = []int{1, 0}
		}
		for d := range directions {
			for _, i := range order {
				api := apis[i]
				fmt.Fprintf(cfg.Progress, "transfer     round %d/%d  %-8s %s %d MiB ...\n", round+1, cfg.Rounds, clientNames[i], directions[d], cfg.TransferMiB)
				err := accs[i].measure(d, size, cnts[i].requests.Load, func() error {
					if d == 0 {
						id, sha, err := api.Upload(ctx, name(i), &source{block: block, size: size}, size)
						if err == nil && !strings.EqualFold(sha, want) {
							err = fmt.Errorf("the server's SHA-256 is %s, the file's %s", sha, want)
						}
						ids[i] = id
						return err
					}
					var got counter
					n, err := api.Download(ctx, ids[i], &got)
					if err == nil && (n != size || got.n != size) {
						err = fmt.Errorf("%d bytes (%d written), want %d", n, got.n, size)
					}
					return err
				})
				if err != nil {
					return nil, fmt.Errorf("%s: %w", clientNames[i], err)
				}
			}
		}
	}
	return transferRows(accs, size, cfg.Rounds), nil
}

// transferRows are the medians of the rounds, by direction then client,
// with msgraph's ratios to the anchor.
func transferRows(accs []transferAcc, size int64, rounds int) []transferRow {
	var rows []transferRow
	for d, dir := range directions {
		pair := make([]transferRow, len(clientNames))
		for i, name := range clientNames {
			a := accs[i]
			pair[i] = transferRow{Direction: dir, Client: name, Bytes: size, MBPerS: median(a.mbps[d]), RoundMBPerS: a.mbps[d], CPUPerGiB: median(a.cpus[d]),
				ReqPerOp: float64(a.reqs[d]) / float64(rounds), ForeignCPU: a.cpu[d].percent()}
		}
		var ratios []float64
		for r := range pair[0].RoundMBPerS {
			ratios = append(ratios, pair[1].RoundMBPerS[r]/pair[0].RoundMBPerS[r])
		}
		pair[1].VsAnchor = &transferRatio{Throughput: pair[1].MBPerS / pair[0].MBPerS, RoundMin: slices.Min(ratios), RoundMax: slices.Max(ratios)}
		if pair[0].CPUPerGiB > 0 { // a small file may take less than a clock tick
			pair[1].VsAnchor.CPU = pair[1].CPUPerGiB / pair[0].CPUPerGiB
		}
		rows = append(rows, pair...)
	}
	return rows
}

// printTransfer writes the transfer table.
func printTransfer(w io.Writer, rows []transferRow) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "\ntransfer: %d MiB through an upload session (%d MiB fragments) and back through the content redirect; in-process sandbox, plain HTTP/1.1 on loopback, its file bytes under %s\n",
		rows[0].Bytes>>20, transferChunk>>20, os.TempDir())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "direction\tclient\tMB/s\tCPU s/GiB\trequests\tother CPU\tmsgraph/anchor: MB/s\tper round\tCPU\t\n")
	for _, x := range rows {
		name := x.Direction
		if x.Client != implPlain {
			name = ""
		}
		fmt.Fprintf(tw, "%s\t%s\t%.0f\t%.2f\t%.0f\t%s\t", name, x.Client, x.MBPerS, x.CPUPerGiB, x.ReqPerOp, fmtPercent(x.ForeignCPU))
		if v := x.VsAnchor; v != nil {
			fmt.Fprintf(tw, "%.2f×\t%.2f–%.2f\t%.2f×\t\n", v.Throughput, v.RoundMin, v.RoundMax, v.CPU)
		} else {
			fmt.Fprintf(tw, "\t\t\t\n")
		}
	}
	tw.Flush()
}
