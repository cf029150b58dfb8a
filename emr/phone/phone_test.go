package phone

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestE164(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"9876543210", "+919876543210", nil},
		{"09876543210", "+919876543210", nil},
		{"919876543210", "+919876543210", nil},
		{"+919876543210", "+919876543210", nil},
		{"00919876543210", "+919876543210", nil},
		{" +91 98765-43210 ", "+919876543210", nil},
		{"(987) 654-3210", "+919876543210", nil},
		{"+12125550123", "+12125550123", nil},
		{"", "", ErrNotNumber},
		{"98765x3210", "", ErrNotNumber},
		{"+91+9876543210", "", ErrNotNumber},
		{"12345", "", ErrInvalid},
		{"+0919876543210", "", ErrInvalid},
		{"+1234567890123456", "", ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := E164(tc.in, "91")
			assert.ErrorIs(t, err, tc.err)
			assert.Equal(t, tc.want, got)
		})
	}
}
