package userapi

import (
	"errors"
	"testing"
	"time"
)

func TestAwaitCard(t *testing.T) {
	cardLinkWait = 200 * time.Millisecond
	t.Cleanup(func() { cardLinkWait = 2 * time.Second })
	tests := []struct {
		name    string
		linked  []string // what successive loads report as the record's post
		wantErr error
	}{
		{"a linked record is returned at once", []string{"p1"}, nil},
		{"a click before the card is linked waits for the link", []string{"", "", "p1"}, nil},
		{"a record of another card is refused", []string{"p2"}, errOtherCard},
		{"a record that never gets linked is refused in the end", []string{""}, errOtherCard},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			_, err := awaitCard("p1", func() (int, string, error) {
				i := min(calls, len(tc.linked)-1)
				calls++
				return 0, tc.linked[i], nil
			})
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %v, want %v", err, tc.wantErr)
			}
		})
	}
	t.Run("a load error is returned as it is", func(t *testing.T) {
		boom := errors.New("boom")
		if _, err := awaitCard("p1", func() (int, string, error) { return 0, "", boom }); !errors.Is(err, boom) {
			t.Fatalf("got %v", err)
		}
	})
}
