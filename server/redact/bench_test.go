package redact

import (
	"os"
	"strings"
	"testing"
)

// A typical streamed answer: prose and Go code, about 10 KB.
func benchText(b testing.TB) string {
	// Go source with many words the rules look for (a copy of an early
	// redact.go, kept fixed so runs stay comparable as the rules change).
	src, err := os.ReadFile("testdata/bench.go.txt")
	if err != nil {
		panic(err)
	}
	return strings.Repeat("Here is what I changed and why. The token is checked on every request.\n\n", 20) + string(src)
}

func BenchmarkString10KB(b *testing.B) {
	text := benchText(b)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for range b.N {
		String(text)
	}
}
