package sandbox

import (
	"net/http"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// The Graph route table: every registered workload's routes, $batch
// (graph_batch.go) and Graph's answer for a path no workload serves.

func (s *Server) graphRoutes() *graphkit.Mux {
	m := graphkit.NewMux()
	for _, wl := range s.workloads {
		wl.Routes(m)
	}
	m.HandleFunc("POST /v1.0/$batch", s.graphBatch)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		seg := segs[len(segs)-1]
		if len(segs) > 1 {
			seg = segs[1]
		}
		s.kit.WriteError(w, r, 400, "BadRequest", "Resource not found for the segment '"+seg+"'.")
	})
	m.Build() // a malformed or conflicting route fails New, not the first request
	return m
}
