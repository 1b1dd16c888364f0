package notifications

import (
	"context"
	"fmt"
	"strconv"

	"tribune/shared/eventtypes"
)

// The knowledge base's notices (issue 16; docs/knowledge.md, "Knowledge base"): the
// followers of an article and of its category hear that it was published or changed,
// in the app, and by email when their knowledge preference says so.

// Kinds of the knowledge base's notices. PostTitle carries the article's title (read
// again whenever the notice is); ArticleID and ArticleVersion what it points at.
const (
	KindArticlePublished = "article_published"
	KindArticleUpdated   = "article_updated"
)

// linkArticle: the article, or the diff of the change an update tells.
const linkArticle = "article"

// IsKnowledge reports whether a kind is one of the knowledge base's notices (their
// email follows the member's knowledge preference).
func IsKnowledge(kind string) bool { return kind == KindArticlePublished || kind == KindArticleUpdated }

// articleLink is the web page of a knowledge notice: for an edit or a restore, the
// diff of the change (/kb/articles/{id}/diff?from={v-1}&to={v}); else the article.
func articleLink(publicURL string, n Notification) string {
	base := publicURL + "/kb/articles/" + n.ArticleID
	if n.Kind == KindArticleUpdated && n.ArticleVersion > 1 {
		return base + "/diff?from=" + strconv.Itoa(n.ArticleVersion-1) + "&to=" + strconv.Itoa(n.ArticleVersion)
	}
	return base
}

func init() {
	for lang, s := range map[string]map[string]string{
		"en": {
			KindArticlePublished:  "{actor} published the article {post}.",
			KindArticleUpdated:    "{actor} updated the article {post}.",
			"link." + linkArticle: "See the article",
		},
		"fr": {
			KindArticlePublished:  "{actor} a publié l’article {post}.",
			KindArticleUpdated:    "{actor} a modifié l’article {post}.",
			"link." + linkArticle: "Voir l’article",
		},
	} {
		for k, v := range s {
			sentences[lang][k] = v
		}
	}
}

// OnArticlePublished tells the followers (of the article and of its category: each
// once, whatever they follow) that an article was published; never its publisher.
// Who may not read it when the notice is delivered hears nothing (Subjects).
func (a *Activity) OnArticlePublished(ctx context.Context, evt eventtypes.ArticlePublished, followers []string) error {
	n := Notification{Kind: KindArticlePublished, ActorID: evt.AuthorID, ArticleID: evt.ArticleID, ArticleVersion: evt.Version}
	if err := a.notify(ctx, evt.Meta, n, except(unique(followers), evt.AuthorID)...); err != nil {
		return fmt.Errorf("notifications.OnArticlePublished %s: %w", evt.EventID, err)
	}
	return nil
}

// OnArticleUpdated tells the followers that a published article was edited or
// restored (an unpublish tells nothing: readers no longer see it); never its editor.
func (a *Activity) OnArticleUpdated(ctx context.Context, evt eventtypes.ArticleUpdated, followers []string) error {
	if evt.Action == eventtypes.ArticleUnpublished {
		return nil
	}
	n := Notification{Kind: KindArticleUpdated, ActorID: evt.EditorID, ArticleID: evt.ArticleID, ArticleVersion: evt.Version}
	if err := a.notify(ctx, evt.Meta, n, except(unique(followers), evt.EditorID)...); err != nil {
		return fmt.Errorf("notifications.OnArticleUpdated %s: %w", evt.EventID, err)
	}
	return nil
}

// unique keeps the first of each id.
func unique(ids []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
