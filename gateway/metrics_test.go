package gateway

import (
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/proxy"
)

func TestMetrics(t *testing.T) {
	g := &Gateway{metrics: newMetrics(), log: slog.New(slog.DiscardHandler)}
	m := g.metrics
	g.record(proxy.Entry{Agent: "a", Provider: "microsoft", Connection: "work", Status: 200, Mode: proxy.ModeMITM, Injected: true, Duration: time.Second})
	g.record(proxy.Entry{Agent: "a", Provider: "microsoft", Connection: "work", Status: 200, Mode: proxy.ModeAPI, Injected: true, Duration: time.Millisecond})
	g.record(proxy.Entry{Agent: "a", Provider: "microsoft", Connection: "work", Status: 403, Mode: proxy.ModeDenied})
	g.record(proxy.Entry{Kind: proxy.KindRefusals, Count: 5, Status: 407, Mode: proxy.ModeDenied})
	g.Event(broker.Event{Kind: broker.EventRefresh, Provider: "microsoft", Connection: "work", Outcome: broker.OutcomeOK})
	g.Event(broker.Event{Kind: broker.EventRefresh, Provider: "microsoft", Connection: "work", Outcome: broker.OutcomeFailed, Error: "invalid_grant"})
	g.Event(broker.Event{Kind: broker.EventLogin, Provider: "microsoft", Connection: "work"})
	for _, tc := range []struct {
		name string
		got  float64
		want float64
	}{
		{"injections", value(t, m.injections.WithLabelValues("a", "microsoft:work")), 2},
		{"requests mitm 200", value(t, m.requests.WithLabelValues("a", "microsoft:work", "mitm", "200")), 1},
		{"requests denied 403", value(t, m.requests.WithLabelValues("a", "microsoft:work", "denied", "403")), 1},
		{"refusals", value(t, m.refusals.WithLabelValues("a", "microsoft:work")), 1},
		{"authentication failures", value(t, m.authFailures.WithLabelValues("denied")), 5},
		{"refreshes", value(t, m.refreshes.WithLabelValues("microsoft:work")), 2},
		{"refresh failures", value(t, m.refreshFailures.WithLabelValues("microsoft:work")), 1},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	ch := make(chan prometheus.Metric, 10)
	m.duration.Collect(ch)
	close(ch)
	var h dto.Metric
	if len(ch) != 1 || (<-ch).Write(&h) != nil || h.GetHistogram().GetSampleCount() != 3 {
		t.Errorf("latency: %d series, %d samples; want 1 series of 3", len(ch), h.GetHistogram().GetSampleCount())
	}
}

// value reads a counter.
func value(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
