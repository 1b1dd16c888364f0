package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"tribune/shared/errs"
	"tribune/shared/invitations"
	"tribune/shared/members"
)

// condInvitationUnused: the invitation is still unused, not revoked and valid.
const condInvitationUnused = "invitation unused"

// UseInvitationOf implements invitations.Registered's store: the address's pending email
// invitation (its invitee claim names it) is spent by memberID, who registered with the
// address at, and invitation.accepted is recorded with it, in one transaction; nothing
// when the address has no claim, or its invitation is used (the invitee brought the
// code: Register spent it), revoked or expired at at.
func (s *Invitations) UseInvitationOf(ctx context.Context, email, memberID string, at time.Time) error {
	var claim inviteeClaimItem
	err := s.get(ctx, "store.UseInvitationOf", inviteePK(email), skPendingInvitation, at, &claim)
	if errors.Is(err, errs.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var inv invitationItem
	err = s.get(ctx, "store.UseInvitationOf", invitationPK(claim.InvitationID), skInvitation, at, &inv)
	if errors.Is(err, errs.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if inv.Kind != invitations.KindEmail || inv.Uses >= inv.MaxUses || inv.RevokedAt != 0 || inv.ValidUntil <= at.Unix() {
		return nil
	}
	accepted, err := s.acceptanceItems(&members.Acceptance{InvitationID: inv.ID, CodeHash: inv.CodeHash, InviterID: inv.InviterID}, memberID, at)
	if err != nil {
		return fmt.Errorf("store.UseInvitationOf: %w", err)
	}
	// acceptanceItems' first write spends one use on the code's hash as read, on the
	// same conditions as a code brought at registration (named here).
	err = s.txn().add(condInvitationUnused, accepted[0]).add("", accepted[1:]...).run(ctx)
	if failed(err, condInvitationUnused) {
		// Spent, revoked or resent meanwhile: nothing more to do.
		return nil
	}
	if err != nil {
		return fmt.Errorf("store.UseInvitationOf %s: %w", inv.ID, err)
	}
	return nil
}
