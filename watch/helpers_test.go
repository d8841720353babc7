package watch

import (
	"io"
	"net/http"
	"os"
	"testing"
	"time"
)

func nowForTest() time.Time { return time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC) }

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func get(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
