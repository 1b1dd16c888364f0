package app

import "tribune/shared/knowledge"

// knowledgeBookmarks is whether a member bookmarked an article (the bookmarks' store;
// a bookmark of an article is shown only while its member may read it: bookmarks.go's
// articleTargetOf, through knowledge.Service.MayRead).
func knowledgeBookmarks(d Deps) knowledge.Bookmarks { return d.Store.Bookmarks() }
