package memstore_test

import (
	"testing"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/broker/memstore"
	"github.com/authsome-go/authsome/broker/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) broker.Store { return memstore.New() })
}
