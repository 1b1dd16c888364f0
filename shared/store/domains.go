package store

import (
	"tribune/shared/notifications"
	"tribune/shared/posts"
)

// Per-domain stores over the one table core. Each domain's store is a small type that
// embeds the core (*Store: the client, the table, the cursor key and the shared helpers
// of store.go, keys.go, page.go and txn.go), holds that domain's methods, and asserts
// at compile time the interfaces it implements. shared/app hands each domain service
// its own store (posts.Service{Store: st.Posts()}).
//
// Methods another domain's interface also needs (a member's name for a post, a space's
// active members for the feed) stay on the core, in the one place for reads that cross
// domains (crossdomain.go), and are promoted into every domain store by the embedding.
// Otherwise a store that reads or writes another's items goes through that one's store
// (s.Posts().entryPuts in moderation, s.Images().imageUpdates in a ticket's write,
// s.Spaces().DeleteMembership in the erasure: people.go has Members, Spaces,
// Invitations and Tickets). The core itself keeps the table's plumbing: store.go,
// table.go, client.go, cursor.go, keys.go, page.go, txn.go (with the rate windows),
// repeats.go, events.go (the outbox, counters), the migrations, and crossdomain.go.
//
// A new domain: a file with its item types, `type Rewards struct{ *Store }`, its
// methods on *Rewards, `var _ rewards.Store = (*Rewards)(nil)`, one wiring line.

// Posts stores posts, their streams, votes and reactions, edits and the home feeds.
type Posts struct{ *Store }

// Comments stores a post's comments, their reactions and the accepted answer.
type Comments struct{ *Store }

// Moderation stores reports, the moderation queue, hiding and the audit log.
type Moderation struct{ *Store }

// Images stores the records of uploaded images and the texts that show them.
type Images struct{ *Store }

// Notifications stores members' notifications (their inbox).
type Notifications struct{ *Store }

var (
	_ posts.Store              = (*Posts)(nil)
	_ posts.EditStore          = (*Posts)(nil)
	_ posts.VoteStore          = (*Posts)(nil)
	_ posts.FeedStore          = (*Posts)(nil)
	_ posts.CommentStore       = (*Comments)(nil)
	_ posts.ModerationStore    = (*Moderation)(nil)
	_ posts.ImageStore         = (*Images)(nil)
	_ notifications.InboxStore = (*Notifications)(nil)
)

// Posts is the store of posts over the core.
func (s *Store) Posts() *Posts { return &Posts{s} }

// Comments is the store of comments over the core.
func (s *Store) Comments() *Comments { return &Comments{s} }

// Moderation is the store of moderation over the core.
func (s *Store) Moderation() *Moderation { return &Moderation{s} }

// Images is the store of image records over the core.
func (s *Store) Images() *Images { return &Images{s} }

// Notifications is the store of notifications over the core.
func (s *Store) Notifications() *Notifications { return &Notifications{s} }
