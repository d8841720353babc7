package providers

import (
	"context"

	"github.com/launchready/launchready/model"
)

// DelegationReader can say how a zone should be delegated to it: the zone's status,
// the name servers the parent must list and, with DNSSEC, the DS records it must
// hold (verify's delegation checks compare them with what the parent serves).
type DelegationReader interface {
	ReadDelegation(ctx context.Context, zone string) (*model.Delegation, error)
}
