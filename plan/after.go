package plan

import "github.com/launchready/launchready/model"

// RecordsAfter returns the records live will hold once ops are applied: what DNS will
// serve after apply. Deletes and updates find their record by id where it has one,
// else by name, type and value. It is how the CLI checks email authentication against
// DNS as it will be (an SPF record the apply creates beside one made by hand is two
// SPF records), and it must agree with what providers do: the idempotence tests
// compare it with them.
func RecordsAfter(live []model.Record, ops []model.RecordOp) []model.Record {
	out := append([]model.Record(nil), live...)
	remove := func(r *model.Record) {
		for i, x := range out {
			if r.ID != "" && x.ID == r.ID || r.ID == "" && x.Name == r.Name && x.Type == r.Type && x.Value == r.Value {
				out = append(out[:i], out[i+1:]...)
				return
			}
		}
	}
	for _, op := range ops {
		switch op.Op {
		case model.OpDelete:
			remove(op.Before)
		case model.OpUpdate:
			remove(op.Before)
			out = append(out, *op.After)
		case model.OpCreate:
			out = append(out, *op.After)
		}
	}
	model.SortRecords(out)
	return out
}
