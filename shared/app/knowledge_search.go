package app

import (
	"context"
	"errors"
	"strings"

	"tribune/shared/documents"
	"tribune/shared/errs"
	"tribune/shared/knowledge"
	"tribune/shared/search"
	"tribune/shared/store"
)

// knowledgeFound are the knowledge-base articles and the documents a page of search
// hits names, as the table holds them now (absent: gone).
type knowledgeFound struct {
	articles  map[string]knowledge.Stored
	documents map[string]documents.Document
}

// knowledgeHits reads the articles and documents of hits (one GetItem each: a page has
// at most search.MaxSize hits), for searchHTTP.check to show only what the reader may
// open now.
func (h searchHTTP) knowledgeHits(ctx context.Context, hits []search.Hit) (knowledgeFound, error) {
	out := knowledgeFound{articles: map[string]knowledge.Stored{}, documents: map[string]documents.Document{}}
	for _, hit := range hits {
		kind, id, _ := strings.Cut(hit.ID, ":")
		switch kind {
		case store.SearchArticle:
			a, err := h.d.Store.Knowledge().Article(ctx, id)
			if errs.Is(err, knowledge.ErrNoArticle.Code) {
				continue
			}
			if err != nil {
				return out, err
			}
			out.articles[id] = a
		case store.SearchDocument:
			d, err := h.d.Store.Documents().Document(ctx, id, false)
			if errors.Is(err, errs.ErrNotFound) {
				continue
			}
			if err != nil {
				return out, err
			}
			out.documents[id] = d
		}
	}
	return out, nil
}
