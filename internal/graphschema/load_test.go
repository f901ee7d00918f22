package graphschema

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadRealSchema(t *testing.T) {
	s := ForTest(t)
	if n := s.Len(EntityType); n < 1000 {
		t.Errorf("%d entity types, want the ~1,182 of Graph v1.0", n)
	}
	if n := s.Len(ComplexType); n < 1000 {
		t.Errorf("%d complex types", n)
	}
	if n := s.Len(EnumType); n < 500 {
		t.Errorf("%d enum types", n)
	}
	m := s.Lookup("message")
	if m == nil || m.Base == nil || m.Base.Name != "microsoft.graph.outlookItem" || m.Base.Base.Name != "microsoft.graph.entity" {
		t.Fatalf("message chain: %+v", m)
	}
	for _, name := range []string{"subject", "changeKey", "id", "attachments"} {
		if m.Property(name) == nil {
			t.Errorf("message.%s missing", name)
		}
	}
	if p := m.Property("attachments"); !p.Navigation || !p.Collection || p.Type != "microsoft.graph.attachment" {
		t.Errorf("attachments: %+v", p)
	}
	// "self" is the alias of microsoft.graph.security, used also from microsoft.graph.
	if p := s.Lookup("retentionLabelSettings").Property("behaviorDuringRetentionPeriod"); p.Type != "microsoft.graph.security.behaviorDuringRetentionPeriod" {
		t.Errorf("alias not resolved: %s", p.Type)
	}
	for _, name := range []string{"callRecords.callRecord", "microsoft.graph.callRecords.callRecord", "#microsoft.graph.user", "graph.user", "security.alert"} {
		if s.Lookup(name) == nil {
			t.Errorf("Lookup(%q) = nil", name)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	ForTest(b) // skips without the file
	for b.Loop() {
		if _, err := Load(shared.path); err != nil {
			b.Fatal(err)
		}
	}
}

// fakeTB records what result does to a test.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper()                        {}
func (f *fakeTB) Skipf(format string, a ...any)  { f.skipped = fmt.Sprintf(format, a...) }
func (f *fakeTB) Fatalf(format string, a ...any) { f.failed = fmt.Sprintf(format, a...) }

func TestForTestAbsent(t *testing.T) {
	missing := fmt.Errorf("stat x: %w", fs.ErrNotExist)
	var f fakeTB
	if result(&f, nil, missing, true, false); !strings.Contains(f.skipped, "skipped: the Graph v1.0 schema is missing") || f.failed != "" {
		t.Errorf("absent outside CI: %+v", f)
	}
	f = fakeTB{}
	if result(&f, nil, missing, true, true); !strings.Contains(f.failed, "CI=true needs ../shared/graph-schema/") || f.skipped != "" {
		t.Errorf("absent in CI: %+v", f)
	}
	f = fakeTB{}
	if result(&f, nil, errors.New("XML syntax error"), false, false); !strings.Contains(f.failed, "XML syntax error") {
		t.Errorf("broken file: %+v", f)
	}
	s := &Schema{}
	if got := result(&f, s, nil, false, true); got != s {
		t.Error("schema not handed out")
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/other\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if root, err := moduleRootFrom(dir); err == nil && root == dir {
		t.Errorf("another module's go.mod taken for this module's root")
	}
	wd, _ := os.Getwd()
	if root, err := moduleRootFrom(wd); err != nil || root != filepath.Dir(filepath.Dir(wd)) { // internal/graphschema
		t.Errorf("module root from %s: %s, %v", wd, root, err)
	}
}

func TestParseComputedAndImmutable(t *testing.T) {
	const doc = `<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0"><edmx:DataServices>
<Schema Namespace="microsoft.graph" Alias="graph">
  <EntityType Name="thing">
    <Property Name="a" Type="Edm.String" />
    <Property Name="b" Type="Edm.String"><Annotation Term="Org.OData.Core.V1.Computed" Bool="true" /></Property>
    <Property Name="c" Type="Edm.String" />
    <Property Name="d" Type="Edm.String" />
    <Property Name="e" Type="Edm.String" />
  </EntityType>
  <Annotations Target="graph.thing/c"><Annotation Term="Org.OData.Core.V1.Immutable" Bool="true" /></Annotations>
  <Annotations Target="microsoft.graph.thing/d"><Annotation Term="Org.OData.Core.V1.Computed" /></Annotations>
  <Annotations Target="graph.thing/e"><Annotation Term="Org.OData.Core.V1.Computed" Bool="false" /></Annotations>
  <Annotations Target="graph.nothing/x"><Annotation Term="Org.OData.Core.V1.Computed" Bool="true" /></Annotations>
</Schema></edmx:DataServices></edmx:Edmx>`
	s, err := Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	th := s.Lookup("thing")
	for _, c := range []struct {
		name                string
		computed, immutable bool
	}{{"a", false, false}, {"b", true, false}, {"c", false, true}, {"d", true, false}, {"e", false, false}} {
		if p := th.Property(c.name); p.Computed != c.computed || p.Immutable != c.immutable {
			t.Errorf("%s: Computed %v Immutable %v, want %v %v", c.name, p.Computed, p.Immutable, c.computed, c.immutable)
		}
	}
}

func TestRealSchemaComputed(t *testing.T) {
	s := ForTest(t)
	if p := s.Lookup("changeTrackedEntity").Property("createdDateTime"); !p.Computed {
		t.Errorf("changeTrackedEntity/createdDateTime is annotated Computed in v1.0: %+v", p)
	}
	if p := s.Lookup("bookingAppointment").Property("serviceId"); !p.Immutable {
		t.Errorf("bookingAppointment/serviceId is annotated Immutable in v1.0: %+v", p)
	}
}
