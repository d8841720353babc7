package cloudflare

import (
	"context"
	"fmt"
	"testing"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/providers"
)

// shortAnswers is a fake whose batch answers leave out the last record a batch
// posted (the batch itself is applied whole): an answer ApplyRecordsWith already
// allows for (Complete = false when the posts answered are fewer than sent).
type shortAnswers struct{ *fakeAPI }

func (s shortAnswers) batch(ctx context.Context, zoneID string, b wireBatch) (wireBatchResult, error) {
	res, err := s.fakeAPI.batch(ctx, zoneID, b)
	if err == nil && len(res.Posts) > 0 {
		res.Posts = res.Posts[:len(res.Posts)-1]
	}
	return res, err
}

// The lock taken in the first record batch learns its record's id from the answer by
// position (the last post). When the answer holds fewer posts than were sent, that
// position holds another record — here the generation — and the last batch
// "releases the lock" by deleting it: the lock record stays behind (every later
// apply is refused) and the generation is gone. A record of the plan's own could be
// deleted the same way. The id should be taken only from a post that is the lock
// record (its name and content), else found by the token.
func TestLockIDComesFromTheLockRecord(t *testing.T) {
	ctx := context.Background()
	f := newFake("example.com")
	p := newProvider(shortAnswers{f}, Options{BatchLimit: 4})
	info := ownership.LockInfo{Holder: "me@host", PID: 1, Token: "t1"}
	var ops []model.RecordOp
	for i := range 5 {
		r := model.Record{Name: fmt.Sprintf("h%d.example.com", i), Type: "A", Value: fmt.Sprintf("192.0.2.%d", i+1), TTL: 300}
		ops = append(ops, model.RecordOp{Op: model.OpCreate, After: &r})
	}
	live, err := p.ReadZone(ctx, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.ApplyRecordsWith(ctx, live, ops, providers.ApplyOptions{Acquire: &info, Release: &info}); err != nil {
		t.Fatal(err)
	}
	if err := p.Unlock(ctx, "example.com", info); err != nil {
		t.Fatal(err)
	}
	gens, locks, hosts := 0, 0, 0
	for _, w := range f.records["zone01"] {
		switch {
		case lockRecord("example.com", w):
			locks++
		case model.CanonicalLiveName(w.Name) == ownership.LockName("example.com"):
			gens++
		default:
			hosts++
		}
	}
	if locks != 0 || gens != 1 || hosts != 5 {
		t.Errorf("after the apply and its release: %d lock records (want 0), %d generations (want 1), %d of the 5 records created", locks, gens, hosts)
	}
}
