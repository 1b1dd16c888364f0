package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/documents"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/search"
)

// The documents of spaces (issue 16; docs/knowledge.md, "Documents"; docs/data-model.md,
// patterns 320–329).

// Documents is the documents' store.
type Documents struct{ *Store }

// Documents returns the documents' store.
func (s *Store) Documents() *Documents { return &Documents{s} }

// Item types of documents.
const (
	typeDocument        = "Document"
	typeDocumentVersion = "DocumentVersion"
	typeDocumentFile    = "DocumentFile"
	typeDocumentCount   = "DocumentCount"
)

// ---- Keys (the key catalogue's section for documents; keys.go holds the others) ----
//
// Document:        DOC#<id> / DOC; GSI1 SPACEDOCS#<space> / <title, lower case>#<id>
// DocumentVersion: DOC#<id> / VERSION#<000001>
// DocumentFile:    DOCFILE#<key> / DOCFILE (a file is one version, once)
// DocumentCount:   DOCCOUNTS#<space> / FOLDER#<path> or TAG#<tag>

const (
	skDocument          = "DOC"
	skDocumentFile      = "DOCFILE"
	docVersionPrefix    = "VERSION#"
	docCountFolderPrefx = "FOLDER#"
	docCountTagPrefix   = "TAG#"
)

func documentPK(id string) string              { return "DOC#" + id }
func documentKey(id string) item               { return key(documentPK(id), skDocument) }
func documentVersionSK(v int) string           { return fmt.Sprintf("%s%06d", docVersionPrefix, v) }
func documentFileKey(fileKey string) item      { return key("DOCFILE#"+fileKey, skDocumentFile) }
func spaceDocumentsPK(spaceID string) string   { return "SPACEDOCS#" + spaceID }
func documentCountsPK(spaceID string) string   { return "DOCCOUNTS#" + spaceID }
func documentFolderSK(path string) string      { return docCountFolderPrefx + path }
func documentTagSK(tag string) string          { return docCountTagPrefix + tag }
func spaceDocumentsSK(title, id string) string { return strings.ToLower(title) + "#" + id }
func documentCountKey(spaceID, sk string) item { return key(documentCountsPK(spaceID), sk) }
func documentVersionKey(id string, v int) item { return key(documentPK(id), documentVersionSK(v)) }

// Attribute names the documents' expressions name (fields of documentItem).
const (
	attrDocVersion   = "Version"
	attrDocDownloads = "Downloads"
	attrDocSpaceID   = "SpaceID"
	attrDocFolder    = "Folder"
	attrDocTags      = "Tags"
	attrDocUpdatedAt = "UpdatedAt"
	attrDocuments    = "Documents"
)

// Named conditions of the documents' transactions.
const (
	condDocumentNew  = "document new"
	condDocumentRead = "document as read"
	condDocumentFile = "file unused"
)

// documentItem is a document as of its newest version.
type documentItem struct {
	PK, SK, Type   string
	GSI1PK, GSI1SK string
	ID             string
	SpaceID        string
	Title          string
	Description    string
	Folder         string
	Tags           []string
	Version        int
	Name           string
	ContentType    string
	Size           int64
	FileKey        string
	UploadedBy     string
	UploadedByName string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Downloads      int64
}

func newDocumentItem(d documents.Document) documentItem {
	return documentItem{PK: documentPK(d.ID), SK: skDocument, Type: typeDocument, GSI1PK: spaceDocumentsPK(d.SpaceID),
		GSI1SK: spaceDocumentsSK(d.Title, d.ID), ID: d.ID, SpaceID: d.SpaceID, Title: d.Title, Description: d.Description,
		Folder: d.Folder, Tags: nonNilTags(d.Tags), Version: d.Version, Name: d.Name, ContentType: d.ContentType, Size: d.Size, FileKey: d.Key,
		UploadedBy: d.UploadedBy.ID, UploadedByName: d.UploadedBy.Name, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Downloads: d.Downloads}
}

func (it documentItem) document() documents.Document {
	tags := it.Tags
	if tags == nil {
		tags = []string{}
	}
	return documents.Document{ID: it.ID, SpaceID: it.SpaceID, Title: it.Title, Description: it.Description, Folder: it.Folder,
		Tags: tags, Version: it.Version, Name: it.Name, ContentType: it.ContentType, Size: it.Size, Key: it.FileKey,
		UploadedBy: documents.Uploader{ID: it.UploadedBy, Name: it.UploadedByName}, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt,
		Downloads: it.Downloads}
}

// documentVersionItem is one upload of a document.
type documentVersionItem struct {
	PK, SK, Type   string
	DocumentID     string
	Version        int
	Name           string
	ContentType    string
	Size           int64
	FileKey        string
	UploadedBy     string
	UploadedByName string
	At             time.Time
}

func newDocumentVersionItem(id string, v documents.FileVersion) documentVersionItem {
	return documentVersionItem{PK: documentPK(id), SK: documentVersionSK(v.Version), Type: typeDocumentVersion, DocumentID: id,
		Version: v.Version, Name: v.Name, ContentType: v.ContentType, Size: v.Size, FileKey: v.Key, UploadedBy: v.UploadedBy.ID,
		UploadedByName: v.UploadedBy.Name, At: v.At}
}

func (it documentVersionItem) version() documents.FileVersion {
	return documents.FileVersion{Version: it.Version, Name: it.Name, ContentType: it.ContentType, Size: it.Size, Key: it.FileKey,
		UploadedBy: documents.Uploader{ID: it.UploadedBy, Name: it.UploadedByName}, At: it.At}
}

// documentFileItem claims a file for the version that holds it.
type documentFileItem struct {
	PK, SK, Type string
	DocumentID   string
	Version      int
}

// documentCountItem is how many documents a folder holds, or carry a tag.
type documentCountItem struct {
	PK, SK, Type string
	Documents    int64
}

// countMoves are the updates of a space's folder and tag counts when a document goes
// from old to d (nil: it did not exist; nil d: it is deleted).
func (s *Documents) countMoves(spaceID string, old, d *documents.Document) []types.TransactWriteItem {
	delta := map[string]int64{}
	if old != nil {
		delta[documentFolderSK(old.Folder)]--
		for _, t := range old.Tags {
			delta[documentTagSK(t)]--
		}
	}
	if d != nil {
		delta[documentFolderSK(d.Folder)]++
		for _, t := range d.Tags {
			delta[documentTagSK(t)]++
		}
	}
	sks := make([]string, 0, len(delta))
	for sk, n := range delta {
		if n != 0 {
			sks = append(sks, sk)
		}
	}
	slices.Sort(sks)
	out := make([]types.TransactWriteItem, 0, len(sks))
	for _, sk := range sks {
		out = append(out, s.update(documentCountKey(spaceID, sk), "SET #Type = :type ADD #Documents :n", "",
			map[string]string{"#Type": AttrType, "#Documents": attrDocuments},
			item{":type": &types.AttributeValueMemberS{Value: typeDocumentCount}, ":n": &types.AttributeValueMemberN{Value: strconv.FormatInt(delta[sk], 10)}}))
	}
	return out
}

// CreateDocument implements documents.Store (pattern 320).
func (s *Documents) CreateDocument(ctx context.Context, d documents.Document, event eventtypes.Envelope) error {
	v := documents.FileVersion{Version: d.Version, Name: d.Name, ContentType: d.ContentType, Size: d.Size, UploadedBy: d.UploadedBy, At: d.UpdatedAt, Key: d.Key}
	t := s.txn()
	t.put(condDocumentNew, newDocumentItem(d), itemAbsent)
	t.put(condDocumentNew, newDocumentVersionItem(d.ID, v), itemAbsent)
	t.put(condDocumentFile, documentFileItem{PK: "DOCFILE#" + d.Key, SK: skDocumentFile, Type: typeDocumentFile, DocumentID: d.ID, Version: d.Version}, itemAbsent)
	t.add("", s.countMoves(d.SpaceID, nil, &d)...)
	t.with(s.outboxPuts([]eventtypes.Envelope{event}))
	err := t.run(ctx)
	if failed(err, condDocumentFile) {
		return fmt.Errorf("store.CreateDocument %s: %w", d.ID, documents.ErrFileUsed)
	}
	if err != nil {
		return fmt.Errorf("store.CreateDocument %s: %w", d.ID, err)
	}
	return nil
}

// AddVersion implements documents.Store (pattern 321).
func (s *Documents) AddVersion(ctx context.Context, old documents.Document, v documents.FileVersion, event eventtypes.Envelope) error {
	t := s.txn()
	t.add(condDocumentRead, s.update(documentKey(old.ID),
		"SET #Version = :v, #Name = :name, #ContentType = :ct, #Size = :size, #FileKey = :key, #UploadedBy = :by, #UploadedByName = :byName, #UpdatedAt = :at",
		itemExists+" AND #Version = :old",
		map[string]string{"#Version": attrDocVersion, "#Name": "Name", "#ContentType": "ContentType", "#Size": "Size", "#FileKey": "FileKey",
			"#UploadedBy": "UploadedBy", "#UploadedByName": "UploadedByName", "#UpdatedAt": attrDocUpdatedAt},
		item{":v": docN(v.Version), ":old": docN(old.Version), ":name": docS(v.Name), ":ct": docS(v.ContentType),
			":size": &types.AttributeValueMemberN{Value: strconv.FormatInt(v.Size, 10)}, ":key": docS(v.Key), ":by": docS(v.UploadedBy.ID),
			":byName": docS(v.UploadedBy.Name), ":at": docS(v.At.UTC().Format(time.RFC3339Nano))}))
	t.put(condDocumentRead, newDocumentVersionItem(old.ID, v), itemAbsent)
	t.put(condDocumentFile, documentFileItem{PK: "DOCFILE#" + v.Key, SK: skDocumentFile, Type: typeDocumentFile, DocumentID: old.ID, Version: v.Version}, itemAbsent)
	t.with(s.outboxPuts([]eventtypes.Envelope{event}))
	err := t.run(ctx)
	switch {
	case failed(err, condDocumentFile):
		return fmt.Errorf("store.AddVersion %s: %w", old.ID, documents.ErrFileUsed)
	case failed(err, condDocumentRead):
		return fmt.Errorf("store.AddVersion %s: %w", old.ID, documents.ErrChanged)
	case err != nil:
		return fmt.Errorf("store.AddVersion %s: %w", old.ID, err)
	}
	return nil
}

func docS(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func docN(v int) types.AttributeValue    { return &types.AttributeValueMemberN{Value: strconv.Itoa(v)} }

// Document implements documents.Store: a GetItem, or with versions one Query of the
// document's partition (pattern 322).
func (s *Documents) Document(ctx context.Context, id string, versions bool) (documents.Document, error) {
	if !versions {
		var it documentItem
		if err := s.get(ctx, "store.Document", documentPK(id), skDocument, time.Now(), &it); err != nil {
			return documents.Document{}, err
		}
		return it.document(), nil
	}
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table), KeyConditionExpression: aws.String(pkIs),
		ExpressionAttributeValues: item{":pk": docS(documentPK(id))}, ConsistentRead: aws.Bool(true), ScanIndexForward: aws.Bool(false)}
	items, err := s.queryAll(ctx, in)
	if err != nil {
		return documents.Document{}, fmt.Errorf("store.Document %s: %w", id, err)
	}
	var d *documents.Document
	var list []documents.FileVersion
	for _, raw := range items {
		switch docTypeOf(raw) {
		case typeDocument:
			var it documentItem
			if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
				return documents.Document{}, fmt.Errorf("store.Document %s: %w", id, err)
			}
			doc := it.document()
			d = &doc
		case typeDocumentVersion:
			var it documentVersionItem
			if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
				return documents.Document{}, fmt.Errorf("store.Document %s: %w", id, err)
			}
			list = append(list, it.version())
		}
	}
	if d == nil {
		return documents.Document{}, fmt.Errorf("store.Document %s: %w", id, errs.ErrNotFound)
	}
	d.Versions = list
	return *d, nil
}

// typeOf is an item's Type.
func docTypeOf(it item) string {
	if v, ok := it[AttrType].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

// Documents implements documents.Store: a space's documents by title in GSI1, filtered
// by folder and tag (pattern 323; a filtered page reads on until full, at most 5 reads).
func (s *Documents) Documents(ctx context.Context, spaceID string, folder *string, tag, cursor string, limit int) ([]documents.Document, string, error) {
	var filters []string
	values := item{":pk": docS(spaceDocumentsPK(spaceID))}
	names := map[string]string{}
	if folder != nil {
		filters = append(filters, "#Folder = :folder")
		names["#Folder"] = attrDocFolder
		values[":folder"] = docS(*folder)
	}
	if tag != "" {
		filters = append(filters, "contains(#Tags, :tag)")
		names["#Tags"] = attrDocTags
		values[":tag"] = docS(tag)
	}
	scope := "docs#" + spaceID + "#" + tag + "#"
	if folder != nil {
		scope += "f:" + *folder
	}
	l := thinList[documents.Document]{op: "store.Documents", scope: scope,
		query: func(_ string, n int) *dynamodb.QueryInput {
			in := &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
				KeyConditionExpression: aws.String(gsi1Is), ExpressionAttributeValues: values, Limit: aws.Int32(int32(n))}
			if len(filters) > 0 {
				in.FilterExpression = aws.String(strings.Join(filters, " AND "))
				in.ExpressionAttributeNames = names
				in.Limit = aws.Int32(100)
			}
			return in
		},
		keyOf: keyOf(AttrPK, AttrSK, AttrGSI1PK, AttrGSI1SK),
		conv: func(raw item) (documents.Document, bool, error) {
			var it documentItem
			err := attributevalue.UnmarshalMap(raw, &it)
			return it.document(), err == nil, err
		}}
	return fillPage(ctx, s.Store, l, cursor, limit, 5)
}

// Index implements documents.Store: one Query of the space's counts (pattern 324).
func (s *Documents) Index(ctx context.Context, spaceID string) ([]documents.Folder, []documents.Tag, error) {
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table), KeyConditionExpression: aws.String(pkIs),
		ExpressionAttributeValues: item{":pk": docS(documentCountsPK(spaceID))}}
	list, err := queryItems[documentCountItem](ctx, s.Store, in)
	if err != nil {
		return nil, nil, fmt.Errorf("store.Index %s: %w", spaceID, err)
	}
	folders, tags := []documents.Folder{}, []documents.Tag{}
	for _, c := range list {
		if c.Documents <= 0 {
			continue
		}
		if p, ok := strings.CutPrefix(c.SK, docCountFolderPrefx); ok {
			folders = append(folders, documents.Folder{Path: p, Documents: c.Documents})
		} else if t, ok := strings.CutPrefix(c.SK, docCountTagPrefix); ok {
			tags = append(tags, documents.Tag{Tag: t, Documents: c.Documents})
		}
	}
	return folders, tags, nil
}

// UpdateDocument implements documents.Store (pattern 325): the document is rewritten on
// the condition that its version and description are as read, with the count moves.
func (s *Documents) UpdateDocument(ctx context.Context, old, d documents.Document) error {
	tags, err := attributevalue.Marshal(nonNilTags(d.Tags))
	if err != nil {
		return fmt.Errorf("store.UpdateDocument %s: %w", d.ID, err)
	}
	oldTags, err := attributevalue.Marshal(nonNilTags(old.Tags))
	if err != nil {
		return fmt.Errorf("store.UpdateDocument %s: %w", d.ID, err)
	}
	t := s.txn()
	t.add(condDocumentRead, s.update(documentKey(d.ID),
		"SET #Title = :title, #Description = :desc, #Folder = :folder, #Tags = :tags, "+setGSI1(":gpk", ":gsk"),
		itemExists+" AND #Version = :v AND #Title = :oldTitle AND #Folder = :oldFolder AND #Tags = :oldTags",
		map[string]string{"#Title": "Title", "#Description": "Description", "#Folder": attrDocFolder, "#Tags": attrDocTags, "#Version": attrDocVersion},
		item{":title": docS(d.Title), ":desc": docS(d.Description), ":folder": docS(d.Folder), ":tags": tags, ":v": docN(old.Version),
			":oldTitle": docS(old.Title), ":oldFolder": docS(old.Folder), ":oldTags": oldTags,
			":gpk": docS(spaceDocumentsPK(d.SpaceID)), ":gsk": docS(spaceDocumentsSK(d.Title, d.ID))}))
	t.add("", s.countMoves(d.SpaceID, &old, &d)...)
	err = t.run(ctx)
	if failed(err, condDocumentRead) {
		return fmt.Errorf("store.UpdateDocument %s: %w", d.ID, documents.ErrChanged)
	}
	if err != nil {
		return fmt.Errorf("store.UpdateDocument %s: %w", d.ID, err)
	}
	return nil
}

// DeleteDocument implements documents.Store (pattern 326): the document goes with its
// counts in one transaction, on the condition it is as read (documents.ErrChanged
// otherwise, nothing written: two deletes count once), then its versions and file
// claims in batches.
func (s *Documents) DeleteDocument(ctx context.Context, old documents.Document, event eventtypes.Envelope) ([]string, error) {
	t := s.txn()
	oldTags, err := attributevalue.Marshal(nonNilTags(old.Tags))
	if err != nil {
		return nil, fmt.Errorf("store.DeleteDocument %s: %w", old.ID, err)
	}
	del := s.del(documentKey(old.ID), itemExists+" AND #Version = :v AND #Folder = :folder AND #Tags = :tags")
	del.Delete.ExpressionAttributeNames = map[string]string{"#Version": attrDocVersion, "#Folder": attrDocFolder, "#Tags": attrDocTags}
	del.Delete.ExpressionAttributeValues = item{":v": docN(old.Version), ":folder": docS(old.Folder), ":tags": oldTags}
	t.add(condDocumentRead, del)
	t.add("", s.countMoves(old.SpaceID, &old, nil)...)
	t.with(s.outboxPuts([]eventtypes.Envelope{event}))
	err = t.run(ctx)
	if failed(err, condDocumentRead) {
		// Gone, or changed since it was read (its counts would move wrongly): the
		// caller reads it again.
		return nil, fmt.Errorf("store.DeleteDocument %s: %w", old.ID, documents.ErrChanged)
	}
	if err != nil {
		return nil, fmt.Errorf("store.DeleteDocument %s: %w", old.ID, err)
	}
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table), KeyConditionExpression: aws.String(pkIs),
		ExpressionAttributeValues: item{":pk": docS(documentPK(old.ID))}}
	versions, err := queryItems[documentVersionItem](ctx, s.Store, in)
	if err != nil {
		return nil, fmt.Errorf("store.DeleteDocument %s: %w", old.ID, err)
	}
	keys := make([]map[string]types.AttributeValue, 0, 2*len(versions))
	files := make([]string, 0, len(versions))
	for _, v := range versions {
		keys = append(keys, documentVersionKey(old.ID, v.Version), documentFileKey(v.FileKey))
		files = append(files, v.FileKey)
	}
	if err := s.batchDelete(ctx, keys); err != nil {
		return nil, fmt.Errorf("store.DeleteDocument %s: %w", old.ID, err)
	}
	return files, nil
}

// CountDownload implements documents.Store (pattern 327): one UpdateItem, ADD.
func (s *Documents) CountDownload(ctx context.Context, spaceID, id string) (documents.Document, error) {
	out, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: documentKey(id),
		UpdateExpression: aws.String("ADD #Downloads :one"), ConditionExpression: aws.String(itemExists + " AND #SpaceID = :space"),
		ExpressionAttributeNames:  map[string]string{"#Downloads": attrDocDownloads, "#SpaceID": attrDocSpaceID},
		ExpressionAttributeValues: item{":one": docN(1), ":space": docS(spaceID)}, ReturnValues: types.ReturnValueAllNew})
	var cond *types.ConditionalCheckFailedException
	if errors.As(err, &cond) {
		return documents.Document{}, fmt.Errorf("store.CountDownload %s: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return documents.Document{}, fmt.Errorf("store.CountDownload %s: %w", id, err)
	}
	var it documentItem
	if err := attributevalue.UnmarshalMap(out.Attributes, &it); err != nil {
		return documents.Document{}, fmt.Errorf("store.CountDownload %s: %w", id, err)
	}
	return it.document(), nil
}

// DisplayName implements documents.Store.
func (s *Documents) DisplayName(ctx context.Context, memberID string) (string, error) {
	m, err := s.Members().GetMember(ctx, memberID)
	if err != nil {
		return "", fmt.Errorf("store.DisplayName %s: %w", memberID, err)
	}
	return m.DisplayName, nil
}

// SearchKindDocument is the search document kind of a space document (search.Doc.Kind).
const SearchKindDocument = search.KindDocument

// SearchDoc is the search document of a document as the table holds it now: its
// title, description, tags and file name, in its space (pattern 328: one GetItem);
// false when it is gone (deleted). For the search indexer (issue 16).
func (s *Documents) SearchDoc(ctx context.Context, id string) (search.Doc, bool, error) {
	d, err := s.Document(ctx, id, false)
	if errors.Is(err, errs.ErrNotFound) {
		return search.Doc{}, false, nil
	}
	if err != nil {
		return search.Doc{}, false, err
	}
	body := strings.TrimSpace(d.Description + "\n" + strings.Join(d.Tags, " ") + "\n" + d.Name)
	return search.Doc{ID: search.DocID(SearchKindDocument, d.ID), Kind: SearchKindDocument, SpaceID: d.SpaceID,
		AuthorID: d.UploadedBy.ID, Title: d.Title, Body: body, Lang: "en", Created: d.CreatedAt, Updated: d.UpdatedAt}, true, nil
}

// nonNilTags stores no tags as an empty list, never NULL, so conditions on the tags as
// read compare like with like.
func nonNilTags(tags []string) []string {
	if tags == nil {
		return []string{}
	}
	return tags
}
