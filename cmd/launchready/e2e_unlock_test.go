package main

import (
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/ownership"
)

// `launchready unlock` checks the age of the lock it reads (ReadLock), then
// BreakLock reads the zone again and deletes every lock record it finds then. When
// the old lock is released and another apply takes the lock between those two reads,
// unlock deletes that apply's fresh lock — younger than --older-than, never shown —
// and reports it broke the old holder's: a running apply loses its lock and a third
// can write beside it. Unlock must break only the lock whose age it checked (by id
// or token) and leave a lock taken since.
func TestUnlockBreaksOnlyTheLockItChecked(t *testing.T) {
	fw := newFaultWorld(t, "zone \"example.com\" {\n  owner = \"app\"\n}\n")
	old := ownership.LockInfo{Holder: "ann@laptop", PID: 7, Since: time.Now().Add(-time.Hour).UTC().Truncate(time.Second), Token: "aaaa"}
	fw.api.createRecord(fw.zid, map[string]any{"type": "TXT", "name": ownership.LockName("example.com"), "content": ownership.LockContent, "ttl": 60, "comment": old.String()})
	list := "GET /zones/{zone_id}/dns_records"
	prefix := "/client/v4/zones/" + fw.zid + "/dns_records"
	// unlock's first listing (its age check) is served at once, its second (BreakLock's) after 5s.
	fw.fault(`{"method":"GET","path_prefix":"`+prefix+`","latency":"1ms","count":1}`,
		`{"method":"GET","path_prefix":"`+prefix+`","latency":"5s","count":1}`)
	before := simStats(t, fw.base)[list]
	cmd, out := fw.start(nil, "unlock", "example.com")
	fw.waitStats(list, before+2) // BreakLock's listing waits at the API

	// Meanwhile ann's apply ends (its lock released) and bob's apply takes the lock.
	bob := ownership.LockInfo{Holder: "bob@ci", PID: 8, Since: time.Now().UTC().Truncate(time.Second), Token: "bbbb"}
	var annID string
	for _, r := range fw.api.records(fw.zid) {
		if heldLock(r) {
			annID = r.ID
		}
	}
	fw.api.deleteRecord(fw.zid, annID)
	fw.api.createRecord(fw.zid, map[string]any{"type": "TXT", "name": ownership.LockName("example.com"), "content": ownership.LockContent, "ttl": 60, "comment": bob.String()})

	err := cmd.Wait()
	t.Logf("unlock (exit %v):\n%s", err, out)
	held := false
	for _, r := range fw.api.records(fw.zid) {
		if heldLock(r) && ownership.ParseLockInfo(r.Comment).Token == bob.Token {
			held = true
		}
	}
	if !held {
		t.Errorf("unlock, having checked ann's hour-old lock, deleted bob's lock taken since (younger than --older-than); it said: %s", strings.TrimSpace(out.String()))
	}
}
