package app

import (
	"context"
	"fmt"

	"tribune/shared/eventtypes"
	"tribune/shared/notifications"
	"tribune/shared/store"
)

// knowledgeNotices tells followers of the knowledge base's news: the followers of the
// article and of its category, each once per event (notifications.Activity checks,
// for each, that they may read the article when the notice is delivered).
type knowledgeNotices struct {
	st       *store.Store
	activity *notifications.Activity
}

// followers lists who follows the article or its category (a member in both once).
func (k knowledgeNotices) followers(ctx context.Context, articleID, categoryID string) ([]string, error) {
	kb := k.st.Knowledge()
	a, err := kb.Followers(ctx, articleID)
	if err != nil {
		return nil, err
	}
	c, err := kb.Followers(ctx, categoryID)
	if err != nil {
		return nil, err
	}
	return append(a, c...), nil
}

// OnArticlePublished tells the followers of a published article and of its category.
func (k knowledgeNotices) OnArticlePublished(ctx context.Context, evt eventtypes.ArticlePublished) error {
	ids, err := k.followers(ctx, evt.ArticleID, evt.CategoryID)
	if err != nil {
		return fmt.Errorf("app.OnArticlePublished %s: %w", evt.EventID, err)
	}
	return k.activity.OnArticlePublished(ctx, evt, ids)
}

// OnArticleUpdated tells them of an edit or a restore (an unpublish tells nothing).
func (k knowledgeNotices) OnArticleUpdated(ctx context.Context, evt eventtypes.ArticleUpdated) error {
	if evt.Action == eventtypes.ArticleUnpublished {
		return nil
	}
	ids, err := k.followers(ctx, evt.ArticleID, evt.CategoryID)
	if err != nil {
		return fmt.Errorf("app.OnArticleUpdated %s: %w", evt.EventID, err)
	}
	return k.activity.OnArticleUpdated(ctx, evt, ids)
}
