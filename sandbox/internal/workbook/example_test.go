package workbook_test

import (
	"fmt"
	"os"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/workbook"
)

// drive is a Store of one workbook item, as the drive workload will be.
type drive struct {
	data    []byte
	version int
}

func (d *drive) Version(string) (string, error) { return fmt.Sprint(d.version), nil }
func (d *drive) Load(string) ([]byte, error)    { return d.data, nil }
func (d *drive) Save(_ string, data []byte) error {
	d.data, d.version = data, d.version+1
	return nil
}

// A handler resolves the request's workbook-session-id and runs its call
// with Do; a write in a persistent session is in the drive when Do returns.
func Example() {
	data, _ := os.ReadFile("testdata/sales.xlsx")
	d := &drive{data: data}
	sessions := workbook.NewSessions(d, time.Now)

	info, _ := sessions.Create("item", true) // POST …/workbook/createSession {"persistChanges":true}
	_ = sessions.Do("item", info.ID, true, func(b *workbook.Book) error {
		_, err := b.SetRange("Sales", "B2", workbook.RangePatch{Values: [][]any{{5}}})
		return err
	})
	_ = sessions.Do("item", info.ID, false, func(b *workbook.Book) error {
		r, err := b.Range("", "Sales!A2:D2")
		fmt.Println(r.Address, r.Values, r.Formulas[0][3])
		return err
	})
	_ = sessions.Close("item", info.ID)
	fmt.Println("saves:", d.version)
	// Output:
	// Sales!A2:D2 [[Apples 5 1.5 7.5]] =B2*C2
	// saves: 1
}
