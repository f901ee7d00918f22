package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/provider"
)

func TestAppCredentialFlags(t *testing.T) {
	t.Setenv("AZURE_FEDERATED_TOKEN_FILE", "/var/run/secrets/azure/tokens/azure-identity-token")
	t.Setenv("AZURE_CLIENT_ID", "11111111-2222-3333-4444-555555555555")
	t.Setenv("AZURE_TENANT_ID", "contoso.onmicrosoft.com")

	// Workload identity's environment fills an app-only sign-in that names no credential.
	req := broker.LoginRequest{Flow: provider.FlowClientCredentials}
	if err := appCredentialFlags(&loginOptions{}, &req); err != nil {
		t.Fatal(err)
	}
	if req.FederatedTokenFile != os.Getenv("AZURE_FEDERATED_TOKEN_FILE") || req.ClientID != os.Getenv("AZURE_CLIENT_ID") || req.Tenant != "contoso.onmicrosoft.com" {
		t.Fatalf("from the environment: %q %q %q", req.FederatedTokenFile, req.ClientID, req.Tenant)
	}

	// Flags win; a certificate leaves the environment alone; other flows ignore it.
	req = broker.LoginRequest{Flow: provider.FlowClientCredentials, ClientID: "flag-id", Tenant: "flag-tenant"}
	if err := appCredentialFlags(&loginOptions{FederatedFile: "/tmp/f"}, &req); err != nil {
		t.Fatal(err)
	}
	if req.FederatedTokenFile != "/tmp/f" || req.ClientID != "flag-id" || req.Tenant != "flag-tenant" {
		t.Fatalf("flags: %+v", req.FederatedTokenFile)
	}
	pemFile := filepath.Join(t.TempDir(), "app.pem")
	if err := os.WriteFile(pemFile, []byte("pem"), 0o600); err != nil {
		t.Fatal(err)
	}
	req = broker.LoginRequest{Flow: provider.FlowClientCredentials}
	if err := appCredentialFlags(&loginOptions{ClientCertFile: pemFile}, &req); err != nil {
		t.Fatal(err)
	}
	if string(req.ClientCertificate) != "pem" || req.FederatedTokenFile != "" || req.ClientID != "" {
		t.Fatalf("certificate: %q %q", req.FederatedTokenFile, req.ClientID)
	}
	req = broker.LoginRequest{Flow: provider.FlowPKCE}
	if err := appCredentialFlags(&loginOptions{}, &req); err != nil || req.FederatedTokenFile != "" {
		t.Fatalf("pkce: %q %v", req.FederatedTokenFile, err)
	}
	if err := appCredentialFlags(&loginOptions{ClientCertFile: filepath.Join(t.TempDir(), "missing.pem")}, &req); err == nil {
		t.Fatal("a missing certificate file: no error")
	}
}
