package deploy

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/gateway"
)

// dockerfile checks deploy/Dockerfile and returns the port it exposes.
func dockerfile(t *testing.T) int {
	t.Helper()
	ins := readDockerfile(t, "Dockerfile")
	last := ins[len(ins)-1].Stage
	var final []instruction
	for _, in := range ins {
		if in.Cmd == "HEALTHCHECK" {
			t.Error("Dockerfile: HEALTHCHECK (the image has no shell or client for one; Kubernetes probes /healthz and /readyz)")
		}
		if in.Stage == last {
			final = append(final, in)
		}
	}
	get := func(cmd string) []instruction {
		var out []instruction
		for _, in := range final {
			if in.Cmd == cmd {
				out = append(out, in)
			}
		}
		return out
	}

	// A multi-stage static build of ./cmd/authsome, with the Go of go.mod or newer.
	if last < 1 {
		t.Error("Dockerfile: one stage; want a build stage and a runtime stage")
	}
	var built bool
	for _, in := range ins {
		if in.Cmd == "RUN" && strings.Contains(in.Args, "go build") {
			built = true
			if !strings.Contains(in.Args, "CGO_ENABLED=0") || !strings.Contains(in.Args, "./cmd/authsome") {
				t.Errorf("Dockerfile: want CGO_ENABLED=0 go build ... ./cmd/authsome, got %s", in.Args)
			}
			if m := regexp.MustCompile(`-X (\S+)\.Version=`).FindStringSubmatch(in.Args); m == nil ||
				m[1] != "github.com/authsome-go/authsome/internal/cli" {
				t.Errorf("Dockerfile: the version is not set on internal/cli.Version: %s", in.Args)
			}
		}
		if in.Cmd == "FROM" && strings.HasPrefix(in.Args, "golang:") {
			checkGoVersion(t, in.Args)
		}
	}
	if !built {
		t.Error("Dockerfile: no go build")
	}
	if _, err := os.Stat(filepath.Join("..", "cmd", "authsome", "main.go")); err != nil {
		t.Error(err)
	}

	// Distroless static (CA certificates, no shell), as a non-root user.
	from := get("FROM")[0].Args
	if !strings.HasPrefix(from, "gcr.io/distroless/static") {
		t.Errorf("Dockerfile: runtime image %s; want gcr.io/distroless/static-*", from)
	}
	if u := get("USER"); len(u) != 1 || strings.HasPrefix(u[0].Args, "0") || strings.HasPrefix(u[0].Args, "root") {
		t.Errorf("Dockerfile: want one non-root USER in the runtime stage, got %v", u)
	}

	// ENTRYPOINT is the binary copied from the build stage; CMD is a valid serve.
	entry := get("ENTRYPOINT")
	if len(entry) != 1 {
		t.Fatalf("Dockerfile: want one ENTRYPOINT, got %v", entry)
	}
	bin := execForm(t, entry[0])
	var copied bool
	for _, c := range get("COPY") {
		copied = copied || strings.HasSuffix(c.Args, " "+bin[0]) && strings.Contains(c.Args, "/authsome ")
	}
	if len(bin) != 1 || !copied {
		t.Errorf("Dockerfile: ENTRYPOINT %v is not the binary COPY --from the build stage puts there", bin)
	}
	cmd := get("CMD")
	if len(cmd) != 1 {
		t.Fatalf("Dockerfile: want one CMD, got %v", cmd)
	}
	port := servePort(t, "Dockerfile CMD", parseServe(t, "Dockerfile CMD", execForm(t, cmd[0])))
	expose := get("EXPOSE")
	if len(expose) != 1 || expose[0].Args != strconv.Itoa(port) && expose[0].Args != strconv.Itoa(port)+"/tcp" {
		t.Errorf("Dockerfile: EXPOSE %v, serve listens on %d", expose, port)
	}

	// ENV: only what the binary reads; the home is the folder made for the user.
	env := envRead(t)
	for _, e := range get("ENV") {
		name, value, _ := strings.Cut(e.Args, "=")
		if !env[name] {
			t.Errorf("Dockerfile: ENV %s is not read by authsome", name)
		}
		if name == "AUTHSOME_HOME" && !slices.ContainsFunc(get("COPY"), func(c instruction) bool {
			return strings.Contains(c.Args, "--chown=") && strings.HasSuffix(c.Args, " "+value)
		}) {
			t.Errorf("Dockerfile: AUTHSOME_HOME %s is not a folder copied for the user (--chown)", value)
		}
	}
	return port
}

// checkGoVersion checks that a golang:X.Y image builds the module (go.mod's go X.Y.Z).
func checkGoVersion(t *testing.T, image string) {
	t.Helper()
	mod, err := os.ReadFile(filepath.Join("..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\d+)\.(\d+)`).FindSubmatch(mod)
	i := regexp.MustCompile(`^golang:(\d+)\.(\d+)`).FindStringSubmatch(image)
	if m == nil || i == nil {
		t.Fatalf("go versions of go.mod and %s not found", image)
	}
	num := func(s []byte) int { n, _ := strconv.Atoi(string(s)); return n }
	want, got := num(m[1])*1000+num(m[2]), num([]byte(i[1]))*1000+num([]byte(i[2]))
	if got < want {
		t.Errorf("Dockerfile: %s is older than go.mod's go %s.%s", image, m[1], m[2])
	}
}

func TestDockerfile(t *testing.T) { dockerfile(t) }

func TestCompose(t *testing.T) {
	port := dockerfile(t)
	var c compose
	decodeStrict(t, "compose.json", &c)
	gw, ok := c.Services["gateway"]
	if !ok {
		t.Fatal("compose.json: no gateway service")
	}
	if gw.Build == nil || gw.Build.Context != ".." || gw.Build.Dockerfile != "deploy/Dockerfile" {
		t.Errorf("compose.json: gateway is not built from deploy/Dockerfile with the repository as context: %+v", gw.Build)
	}
	if gw.Deploy == nil || gw.Deploy.Replicas < 2 {
		t.Error("compose.json: want 2 or more gateway replicas")
	}
	fs := parseServe(t, "compose.json", gw.Command)
	checkHostname(t, "compose.json", fs)
	if p := servePort(t, "compose.json", fs); p != port {
		t.Errorf("compose.json: serve listens on %d, the image exposes %d", p, port)
	}
	for _, p := range gw.Ports {
		if i := strings.LastIndex(p, ":"); p[i+1:] != strconv.Itoa(port) {
			t.Errorf("compose.json: port %s does not publish the container's %d", p, port)
		}
	}
	if len(gw.Ports) == 0 {
		t.Error("compose.json: the gateway publishes no port")
	}
	if d, err := time.ParseDuration(gw.StopGracePeriod); err != nil || d <= gateway.ShutdownTimeout {
		t.Errorf("compose.json: stop_grace_period %q; requests in flight get %s", gw.StopGracePeriod, gateway.ShutdownTimeout)
	}
	if !gw.ReadOnly || gw.User == "" || strings.HasPrefix(gw.User, "0") {
		t.Errorf("compose.json: want read_only and a non-root user, got %v %q", gw.ReadOnly, gw.User)
	}

	env := envRead(t)
	for name := range gw.Environment {
		if !env[name] {
			t.Errorf("compose.json: gateway environment %s is not read by authsome", name)
		}
	}
	for _, name := range []string{"AUTHSOME_STORE", "AUTHSOME_STORE_KEY"} {
		if gw.Environment[name] == "" {
			t.Errorf("compose.json: gateway has no %s", name)
		}
	}
	if v := gw.Environment["AUTHSOME_STORE_KEY"]; !strings.HasPrefix(v, "${AUTHSOME_STORE_KEY:?") {
		t.Errorf("compose.json: AUTHSOME_STORE_KEY must come from the environment of compose, required, not be written here: %q", v)
	}

	// The DSN names the postgres service, its user and database; the password is the one
	// the database is created with, from the environment.
	db, ok := c.Services["postgres"]
	if !ok {
		t.Fatal("compose.json: no postgres service")
	}
	if gw.DependsOn["postgres"].Condition != "service_healthy" || db.Healthcheck == nil {
		t.Error("compose.json: the gateway does not wait for a healthy postgres")
	}
	u, err := url.Parse(gw.Environment["AUTHSOME_STORE"])
	if err != nil || u.Scheme != "postgres" {
		t.Fatalf("compose.json: AUTHSOME_STORE %q is not a postgres:// URL (%v)", gw.Environment["AUTHSOME_STORE"], err)
	}
	if _, hasPassword := u.User.Password(); hasPassword {
		t.Error("compose.json: a password in AUTHSOME_STORE; use PGPASSWORD")
	}
	if u.Hostname() != "postgres" || u.User.Username() != db.Environment["POSTGRES_USER"] ||
		strings.TrimPrefix(u.Path, "/") != db.Environment["POSTGRES_DB"] {
		t.Errorf("compose.json: AUTHSOME_STORE %s does not name the postgres service's user and database", u.Redacted())
	}
	if gw.Environment["PGPASSWORD"] != db.Environment["POSTGRES_PASSWORD"] {
		t.Error("compose.json: PGPASSWORD is not the POSTGRES_PASSWORD the database is created with")
	}
	for _, s := range c.Services {
		for _, v := range s.Volumes {
			if name, _, _ := strings.Cut(v, ":"); !strings.HasPrefix(name, ".") && !strings.HasPrefix(name, "/") {
				if _, ok := c.Volumes[name]; !ok {
					t.Errorf("compose.json: volume %s is not declared", name)
				}
			}
		}
	}
	if home := gw.Environment["AUTHSOME_HOME"]; !slices.Contains(gw.Volumes, "home:"+home) {
		t.Errorf("compose.json: AUTHSOME_HOME %s is not the shared home volume (replicas share the gateway CA and agents)", home)
	}
}

func TestKubernetes(t *testing.T) {
	port := dockerfile(t)
	var (
		dep deployment
		svc service
		pdb podDisruptionBudget
		sec secret
	)
	decodeStrict(t, "kubernetes/deployment.json", &dep)
	decodeStrict(t, "kubernetes/service.json", &svc)
	decodeStrict(t, "kubernetes/poddisruptionbudget.json", &pdb)
	decodeStrict(t, "kubernetes/secret.json", &sec)
	kinds := map[string]string{"Deployment": dep.Kind, "Service": svc.Kind, "PodDisruptionBudget": pdb.Kind, "Secret": sec.Kind}
	for want, got := range kinds {
		if got != want {
			t.Errorf("kind %q, want %q", got, want)
		}
	}

	pod := dep.Spec.Template.Spec
	labels := dep.Spec.Template.Metadata.Labels
	if dep.Spec.Replicas < 2 {
		t.Errorf("deployment: %d replicas, want 2 or more", dep.Spec.Replicas)
	}
	matches := func(sel map[string]string) bool {
		for k, v := range sel {
			if labels[k] != v {
				return false
			}
		}
		return len(sel) > 0
	}
	if !matches(dep.Spec.Selector.MatchLabels) || !matches(svc.Spec.Selector) || !matches(pdb.Spec.Selector.MatchLabels) {
		t.Error("the selectors of the deployment, service and disruption budget do not all select the gateway's pods")
	}
	if pdb.Spec.MinAvailable < 1 || pdb.Spec.MinAvailable >= dep.Spec.Replicas {
		t.Errorf("disruption budget: minAvailable %d of %d replicas", pdb.Spec.MinAvailable, dep.Spec.Replicas)
	}
	if time.Duration(pod.TerminationGracePeriodSeconds)*time.Second <= gateway.ShutdownTimeout {
		t.Errorf("terminationGracePeriodSeconds %d; requests in flight get %s", pod.TerminationGracePeriodSeconds, gateway.ShutdownTimeout)
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("want one container, got %d", len(pod.Containers))
	}
	c := pod.Containers[0]
	if !pod.SecurityContext.RunAsNonRoot || pod.SecurityContext.RunAsUser == 0 || !c.SecurityContext.ReadOnlyRootFilesystem ||
		c.SecurityContext.AllowPrivilegeEscalation == nil || *c.SecurityContext.AllowPrivilegeEscalation ||
		!slices.Equal(c.SecurityContext.Capabilities.Drop, []string{"ALL"}) {
		t.Error("want runAsNonRoot with a non-zero user, a read-only root file system, no privilege escalation, all capabilities dropped")
	}

	// Flags and ports.
	fs := parseServe(t, "deployment", c.Args)
	checkHostname(t, "deployment", fs)
	named := map[string]int{}
	for _, p := range c.Ports {
		named[p.Name] = p.ContainerPort
		if p.ContainerPort != port {
			t.Errorf("deployment: containerPort %d, the image exposes %d", p.ContainerPort, port)
		}
	}
	if p := servePort(t, "deployment", fs); p != port {
		t.Errorf("deployment: serve listens on %d, the image exposes %d", p, port)
	}
	resolve := func(p any) int {
		switch v := p.(type) {
		case string:
			return named[v]
		case float64:
			return int(v)
		}
		return 0
	}
	for _, p := range svc.Spec.Ports {
		if resolve(p.TargetPort) != port {
			t.Errorf("service: targetPort %v is not the gateway's port %d", p.TargetPort, port)
		}
	}

	// Probes: paths the gateway answers 200, on its port, over TLS (serve speaks nothing else).
	for name, want := range map[string]struct {
		p    *probe
		path string
	}{"readinessProbe": {c.ReadinessProbe, "/readyz"}, "livenessProbe": {c.LivenessProbe, "/healthz"}} {
		if want.p == nil {
			t.Errorf("deployment: no %s", name)
			continue
		}
		g := want.p.HTTPGet
		if g.Path != want.path || g.Scheme != "HTTPS" || resolve(g.Port) != port {
			t.Errorf("deployment: %s GET %s://:%v%s, want HTTPS on %d %s", name, g.Scheme, g.Port, g.Path, port, want.path)
		}
		if code := probeStatus(t, g.Path); code != http.StatusOK {
			t.Errorf("deployment: %s %s: the gateway answers %d", name, g.Path, code)
		}
	}

	// Environment: names authsome reads; secrets from the Secret, by keys it has.
	env := envRead(t)
	values := map[string]string{}
	for _, e := range c.Env {
		if !env[e.Name] {
			t.Errorf("deployment: env %s is not read by authsome", e.Name)
		}
		values[e.Name] = e.Value
		if e.ValueFrom != nil {
			ref := e.ValueFrom.SecretKeyRef
			if ref.Name != sec.Metadata.Name || sec.StringData[ref.Key] == "" {
				t.Errorf("deployment: env %s from secret %s key %s, which secret.json does not have", e.Name, ref.Name, ref.Key)
			}
		} else if strings.HasPrefix(e.Name, "AUTHSOME_STORE") || e.Name == "PGPASSWORD" {
			t.Errorf("deployment: %s is written in the manifest, not taken from the Secret", e.Name)
		}
	}
	for _, name := range []string{"AUTHSOME_STORE", "AUTHSOME_STORE_KEY"} {
		if _, ok := values[name]; !ok {
			t.Errorf("deployment: no %s", name)
		}
	}

	// Files: the home on a writable volume; the TLS pair from the TLS secret's volume.
	mounts := map[string]string{} // volume name -> mount path
	for _, m := range c.VolumeMounts {
		mounts[m.Name] = m.MountPath
	}
	kind := map[string]string{} // volume name -> "emptyDir" or secret name
	for _, v := range pod.Volumes {
		switch {
		case v.EmptyDir != nil:
			kind[v.Name] = "emptyDir"
		case v.Secret != nil:
			kind[v.Name] = v.Secret.SecretName
		}
	}
	under := func(path string) string { // the volume path is on
		for name, dir := range mounts {
			if strings.HasPrefix(path, dir+"/") || path == dir {
				return name
			}
		}
		return ""
	}
	if v := under(values["AUTHSOME_HOME"]); kind[v] != "emptyDir" {
		t.Errorf("deployment: AUTHSOME_HOME %q is not on a writable volume (the root file system is read-only)", values["AUTHSOME_HOME"])
	}
	for flag, file := range map[string]string{"tls-cert": "tls.crt", "tls-key": "tls.key"} {
		p := fs.Lookup(flag).Value.String()
		if v := under(p); v == "" || kind[v] == "emptyDir" || filepath.Base(p) != file {
			t.Errorf("deployment: --%s %s is not %s of a mounted kubernetes.io/tls secret", flag, p, file)
		}
	}
}
