package cloudflare

import (
	"context"
	"fmt"
	"testing"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
)

// The lock's own reads (a plain Lock, ReadLock, unlock) read the lock's name alone,
// one filtered request, never the zone's whole listing: a zone of 100,000 records
// costs them no more than one of ten.
func TestLockReadsOnlyTheLockName(t *testing.T) {
	ctx := context.Background()
	p, f := newFakeProvider(t, Options{}, "example.com")
	var ops []model.RecordOp
	for i := range 50 {
		ops = append(ops, creates(model.Record{Name: fmt.Sprintf("h%d.example.com", i), Type: "A", Value: "192.0.2.1", TTL: 300})...)
	}
	live, err := p.ReadZone(ctx, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.ApplyRecords(ctx, live, ops); err != nil {
		t.Fatal(err)
	}
	info := ownership.LockInfo{Holder: "ann@laptop", PID: 1, Token: "aaaa"}
	lists, named := f.calls["list"], f.calls["named"]
	if err := p.Lock(ctx, "example.com", info); err != nil {
		t.Fatal(err)
	}
	who, err := p.ReadLock(ctx, "example.com")
	if err != nil || who == nil || who.Token != info.Token {
		t.Fatalf("ReadLock after Lock: %+v, %v", who, err)
	}
	if err := p.Unlock(ctx, "example.com", info); err != nil {
		t.Fatal(err)
	}
	if got := f.calls["list"] - lists; got != 0 {
		t.Errorf("Lock, ReadLock and Unlock listed the whole zone %d times, want 0", got)
	}
	if got := f.calls["named"] - named; got < 2 {
		t.Errorf("Lock and ReadLock read the lock's name %d times, want at least 2", got)
	}
	// The taking replaced the generation (Lock is a taking against that read).
	after, _ := p.ReadZone(ctx, "example.com")
	held, gen := lockState("example.com", after.Records)
	if held != nil || gen == nil || ownership.ParseLockInfo(gen.Comment).Token != info.Token {
		t.Errorf("after Lock and Unlock: lock %+v, generation %+v; want no lock and ann's generation", held, gen)
	}
}
