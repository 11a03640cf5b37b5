package redact

import (
	"os"
	"strings"
	"testing"
)

// A typical streamed answer: prose and Go code, about 10 KB.
func benchText(b testing.TB) string {
	src, err := os.ReadFile("redact.go")
	if err != nil {
		panic(err)
	}
	src = []byte(strings.ReplaceAll(string(src), "PRIVATE KEY", "PRIVATE_KEY"))
	return strings.Repeat("Here is what I changed and why. The token is checked on every request.\n\n", 20) + string(src[:6000])
}

func BenchmarkString10KB(b *testing.B) {
	text := benchText(b)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for range b.N {
		String(text)
	}
}
