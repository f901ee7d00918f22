package vault

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestDataHelpers(t *testing.T) {
	t.Parallel()
	var nilData *Data
	if _, ok := nilData.Connection("p", "a"); ok || nilData.Provider("p") != nil || nilData.Connections() != nil {
		t.Fatal("nil Data not empty")
	}
	var d Data // zero value usable
	if err := d.Put(&Connection{Provider: "p"}); err == nil {
		t.Fatal("nameless connection accepted")
	}
	for _, n := range []string{"b", "a", "c"} {
		if err := d.Put(&Connection{Provider: "p", Name: n}); err != nil {
			t.Fatal(err)
		}
	}
	if d.Providers["p"].Default != "b" {
		t.Fatalf("default = %q, want first put", d.Providers["p"].Default)
	}
	if c, ok := d.Connection("p", ""); !ok || c.Name != "b" {
		t.Fatal("empty name is not the default")
	}
	if !d.SetDefault("p", "c") || d.SetDefault("p", "zz") || d.SetDefault("q", "a") {
		t.Fatal("SetDefault")
	}
	if d.Delete("p", "zz") || d.Delete("q", "a") {
		t.Fatal("Delete of a missing connection")
	}
	if !d.Delete("p", "c") || d.Providers["p"].Default != "a" {
		t.Fatalf("default after deleting it = %q", d.Providers["p"].Default)
	}
	if !d.Delete("p", "b") || d.Providers["p"].Default != "a" {
		t.Fatal("deleting a non-default changed the default")
	}
	d.SetClient("p", &Client{ClientID: "id"})
	d.Delete("p", "a")
	if p := d.Provider("p"); p == nil || p.Default != "" || p.Client == nil {
		t.Fatal("provider with a client removed")
	}
	d.SetClient("p", nil)
	if d.Provider("p") != nil {
		t.Fatal("empty provider kept")
	}
	d.Put(&Connection{Provider: "z", Name: "1"})
	d.Put(&Connection{Provider: "a", Name: "2"})
	d.Put(&Connection{Provider: "a", Name: "1"})
	var names []string
	for _, c := range d.Connections() {
		names = append(names, c.Provider+"/"+c.Name)
	}
	if strings.Join(names, ",") != "a/1,a/2,z/1" {
		t.Fatalf("Connections = %v", names)
	}
}

func TestRedaction(t *testing.T) {
	t.Parallel()
	c := Connection{Provider: "p", Name: "n", AccessToken: "AT-SECRET", RefreshToken: "RT-SECRET", APIKey: "KEY-SECRET", IDToken: "ID-SECRET"}
	cl := Client{ClientID: "cid", ClientSecret: "CS-SECRET"}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "conn", c, "client", cl)
	out := fmt.Sprint(c) + fmt.Sprintf("%v %+v %s", c, &c, cl) + buf.String()
	if strings.Contains(out, "SECRET") {
		t.Fatalf("secret leaked: %s", out)
	}
	if !strings.Contains(out, "[redacted]") {
		t.Fatal("no redaction marker")
	}
}
