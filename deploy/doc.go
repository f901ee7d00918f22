// Package deploy holds the files that run `authsome serve` in containers: Dockerfile,
// compose.json (PostgreSQL and two gateway replicas) and kubernetes/*.json. No container
// engine runs in the tests; deploy_test.go parses the files and checks what they refer to —
// flags, ports, probe paths, environment variables — against the binary's command tree and
// the gateway. See docs/gateway.md, "Deploying".
package deploy
