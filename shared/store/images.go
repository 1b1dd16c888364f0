package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/errs"
	"tribune/shared/posts"
)

// Images uploaded before images belonged to a space (key images/<member>/<file>) each
// have one item, written by MigrateLegacyImages, naming the space they were given:
// IMAGE#<member>#<file> / LEGACY. Images uploaded since carry their space in their key.
const (
	typeLegacyImage = "LegacyImage"
)

type legacyImageItem struct {
	PK, SK, Type string
	SpaceID      string
	// PostID is the post whose text (or comment, or earlier version) decided the space.
	PostID string
}

// LegacyImageSpace is the space the migration of round 3 gave an image of before
// (errs.ErrNotFound: no text showed it then). Since round 4 only the migration
// MigrateImageTexts reads it: an image loads by the texts that show it.
func (s *Store) LegacyImageSpace(ctx context.Context, memberID, file string) (string, error) {
	var it legacyImageItem
	if err := s.get(ctx, "store.LegacyImageSpace", legacyImagePK(memberID, file), skLegacyImage, time.Now(), &it); err != nil {
		return "", err
	}
	return it.SpaceID, nil
}

// LegacyImagesPlaced is what MigrateLegacyImages did.
type LegacyImagesPlaced struct {
	// Images were given a space; Texts showed at least one image of before.
	Images, Texts int
}

// legacyUse is one text showing an image of before.
type legacyUse struct {
	spaceID, postID string
	at              time.Time
	// byUploader: the text was written by the member who uploaded the image.
	byUploader bool
}

// better reports whether use u says more surely than v where the image was uploaded
// for: a text by its uploader rather than by someone who copied its address, then the
// earliest.
func (u legacyUse) better(v legacyUse) bool {
	if u.byUploader != v.byUploader {
		return u.byUploader
	}
	return u.at.Before(v.at)
}

// MigrateLegacyImages gives every image uploaded before images belonged to a space
// (issue 9, round 3) the space it was uploaded for, as well as can be told now: the
// space of the earliest post or comment its uploader wrote showing it (earlier versions
// of texts count), or, when its uploader's texts no longer show it, the earliest text
// of anyone else that does. An image no text shows is given no space and is served to
// nobody. The space is the post's space at migration time (a post moved before keeps
// its images in its new space).
//
// Texts have no index by what they show, so this reads the table once with a Scan
// filtered on the type and on the address prefix of such images; each image's item is
// written only if absent, so a second run changes nothing.
func (s *Store) MigrateLegacyImages(ctx context.Context) (LegacyImagesPlaced, error) {
	var done LegacyImagesPlaced
	in := &dynamodb.ScanInput{
		FilterExpression:     aws.String("#t IN (:post, :comment, :rev) AND contains(#b, :legacy)"),
		ProjectionExpression: aws.String(AttrPK + ", #t, #b, SpaceID, AuthorID, CreatedAt, EditedAt"),
		// Named, not written: a name may be a reserved word of DynamoDB.
		ExpressionAttributeNames: map[string]string{"#t": AttrType, "#b": "Body"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":post": &types.AttributeValueMemberS{Value: typePost},
			":comment": &types.AttributeValueMemberS{Value: typeComment}, ":rev": &types.AttributeValueMemberS{Value: typeRevision},
			":legacy": &types.AttributeValueMemberS{Value: "/api/images/m_"}}}
	best := map[posts.LegacyImage]legacyUse{}
	spaceOf := map[string]string{}
	err := s.scanEach(ctx, "store.MigrateLegacyImages", in, func(page []item) error {
		var err error
		for _, item := range page {
			var it struct {
				PK, Type, Body, SpaceID, AuthorID string
				CreatedAt, EditedAt               time.Time
			}
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return fmt.Errorf("store.MigrateLegacyImages: %w", err)
			}
			images := posts.LegacyImagesIn(it.Body)
			if len(images) == 0 {
				continue
			}
			postID := postIDOf(it.PK)
			use := legacyUse{spaceID: it.SpaceID, postID: postID, at: it.CreatedAt}
			if it.Type == typeRevision {
				use.at = it.EditedAt
			}
			if use.spaceID == "" {
				if use.spaceID, err = s.spaceOfPost(ctx, postID, spaceOf); err != nil {
					return err
				}
			}
			if use.spaceID == "" {
				continue
			}
			done.Texts++
			for _, img := range images {
				u := use
				u.byUploader = it.Type != typeRevision && it.AuthorID == img.MemberID
				if cur, ok := best[img]; !ok || u.better(cur) {
					best[img] = u
				}
			}
		}
		return nil
	})
	if err != nil {
		return done, err
	}
	for img, u := range best {
		item, err := attributevalue.MarshalMap(legacyImageItem{PK: legacyImagePK(img.MemberID, img.File), SK: skLegacyImage,
			Type: typeLegacyImage, SpaceID: u.spaceID, PostID: u.postID})
		if err != nil {
			return done, fmt.Errorf("store.MigrateLegacyImages: %w", err)
		}
		_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: item,
			ConditionExpression: aws.String(itemAbsent)})
		if conditionFailedErr(err) {
			continue // placed by an earlier or concurrent run
		}
		if err != nil {
			return done, fmt.Errorf("store.MigrateLegacyImages: %w", err)
		}
		done.Images++
	}
	return done, nil
}

// spaceOfPost is a post's space, remembered in known ("" when the post is gone).
func (s *Store) spaceOfPost(ctx context.Context, postID string, known map[string]string) (string, error) {
	if id, ok := known[postID]; ok {
		return id, nil
	}
	p, err := s.Posts().GetPost(ctx, postID)
	if errors.Is(err, errs.ErrNotFound) {
		known[postID] = ""
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store.MigrateLegacyImages: %w", err)
	}
	known[postID] = p.SpaceID
	return p.SpaceID, nil
}

// Every uploaded image has one record, IMAGE#<space>#<member>#<file> (IMAGE#<member>#
// <file> for an image of before) / IMAGE: its uploader, and ShownIn, the set of texts
// that show it now, kept by the transaction of every text write (the text's images are
// read from the text with posts.ImageChanges). While no text ever showed it, it is in
// the sweeper's index, GSI1 UNUSEDIMAGES / <UnusedUntil>#<id>, and may be taken by a
// text only until UnusedUntil (epoch seconds: compared as a number in conditions).
const (
	typeImage = "Image"
)

// imageItem is an image's record as stored.
type imageItem struct {
	PK, SK, Type            string
	GSI1PK, GSI1SK          string `dynamodbav:",omitempty"`
	SpaceID, MemberID, File string
	UploaderID              string
	UploadedAt              time.Time
	UnusedUntil             int64    `dynamodbav:",omitempty"`
	ShownIn                 []string `dynamodbav:",stringset,omitempty"`
	// ShownAt is absent, not NULL, until a text shows the image: conditions test it with
	// attribute_exists.
	ShownAt *time.Time `dynamodbav:",omitempty"`
}

func (it imageItem) image() posts.Image {
	img := posts.Image{ID: posts.ImageID{SpaceID: it.SpaceID, MemberID: it.MemberID, File: it.File}, UploaderID: it.UploaderID,
		UploadedAt: it.UploadedAt, ShownIn: it.ShownIn, ShownAt: it.ShownAt}
	if it.UnusedUntil > 0 {
		until := time.Unix(it.UnusedUntil, 0).UTC()
		img.UnusedUntil = &until
	}
	return img
}

// SaveImageUpload implements posts.ImageStore.
func (s *Images) SaveImageUpload(ctx context.Context, img posts.Image) error {
	if img.UnusedUntil == nil {
		return errors.New("store.SaveImageUpload: an upload waits for its first text until a time")
	}
	it := imageItem{PK: imagePK(img.ID), SK: skImage, Type: typeImage, GSI1PK: unusedImagesPK,
		GSI1SK:  unusedImageSK(img.UnusedUntil.Unix(), imagePK(img.ID)),
		SpaceID: img.ID.SpaceID, MemberID: img.ID.MemberID, File: img.ID.File, UploaderID: img.UploaderID, UploadedAt: img.UploadedAt.UTC(),
		UnusedUntil: img.UnusedUntil.Unix()}
	av, err := attributevalue.MarshalMap(it)
	if err != nil {
		return fmt.Errorf("store.SaveImageUpload: %w", err)
	}
	_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: av, ConditionExpression: aws.String(itemAbsent)})
	if err != nil {
		return fmt.Errorf("store.SaveImageUpload %s: %w", it.PK, err)
	}
	return nil
}

// Image implements posts.ImageStore (prefetched with the session on image loads).
func (s *Images) Image(ctx context.Context, id posts.ImageID) (posts.Image, error) {
	items, err := s.readKeys(ctx, "store.Image", []map[string]types.AttributeValue{imageKey(id)})
	if err != nil {
		return posts.Image{}, err
	}
	if len(items) == 0 {
		return posts.Image{}, fmt.Errorf("store.Image %s: %w", imagePK(id), errs.ErrNotFound)
	}
	var it imageItem
	if err := attributevalue.UnmarshalMap(items[0], &it); err != nil {
		return posts.Image{}, fmt.Errorf("store.Image: %w", err)
	}
	return it.image(), nil
}

// Images implements posts.ImageStore: one BatchGetItem.
func (s *Images) Images(ctx context.Context, ids []posts.ImageID) (map[posts.ImageID]posts.Image, error) {
	keys := make([]map[string]types.AttributeValue, len(ids))
	for i, id := range ids {
		keys[i] = imageKey(id)
	}
	found, err := s.batchGet(ctx, "store.Images", keys)
	if err != nil {
		return nil, err
	}
	out := make(map[posts.ImageID]posts.Image, len(found))
	for _, item := range found {
		var it imageItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, fmt.Errorf("store.Images: %w", err)
		}
		if it.Type == typeImage {
			img := it.image()
			out[img.ID] = img
		}
	}
	return out, nil
}

func shownInKeys(ref string) (kind string, keys []map[string]types.AttributeValue) {
	kind, rest, _ := strings.Cut(ref, "#")
	parent, child, _ := strings.Cut(rest, "#")
	switch kind {
	case shownPost:
		return kind, []map[string]types.AttributeValue{postKey(parent)}
	case shownComment:
		return kind, []map[string]types.AttributeValue{postKey(parent), key(postPK(parent), child)}
	case shownTicket:
		return kind, []map[string]types.AttributeValue{key(ticketPK(parent), "TICKET")}
	case shownReply:
		return kind, []map[string]types.AttributeValue{key(ticketPK(parent), "TICKET"), key(ticketPK(parent), child)}
	}
	return "", nil
}

// ImageTexts implements posts.ImageStore: one BatchGetItem of the texts (and the posts
// and tickets their comments and replies belong to), at most 2 × posts.MaxImageTexts
// keys for an image shown since this index exists.
func (s *Images) ImageTexts(ctx context.Context, shownIn []string) ([]posts.ImageText, error) {
	var keys []map[string]types.AttributeValue
	for _, ref := range shownIn {
		_, k := shownInKeys(ref)
		keys = append(keys, k...)
	}
	found, err := s.batchGet(ctx, "store.ImageTexts", keys)
	if err != nil {
		return nil, err
	}
	var out []posts.ImageText
	for _, ref := range shownIn {
		kind, k := shownInKeys(ref)
		if len(k) == 0 {
			continue
		}
		parent := found[keyName(k[0])]
		if parent == nil {
			continue
		}
		var child map[string]types.AttributeValue
		if len(k) == 2 {
			if child = found[keyName(k[1])]; child == nil {
				continue
			}
		}
		switch kind {
		case "P", "C":
			var p postItem
			if err := attributevalue.UnmarshalMap(parent, &p); err != nil {
				return nil, fmt.Errorf("store.ImageTexts: %w", err)
			}
			post := p.post()
			text := posts.ImageText{Post: &post}
			if child != nil {
				var c commentItem
				if err := attributevalue.UnmarshalMap(child, &c); err != nil {
					return nil, fmt.Errorf("store.ImageTexts: %w", err)
				}
				comment := c.comment()
				text.Comment = &comment
			}
			out = append(out, text)
		case "T", "R":
			var t ticketItem
			if err := attributevalue.UnmarshalMap(parent, &t); err != nil {
				return nil, fmt.Errorf("store.ImageTexts: %w", err)
			}
			text := posts.TicketText{SpaceID: t.SpaceID, Body: t.Body}
			if child != nil {
				var r ticketReplyItem
				if err := attributevalue.UnmarshalMap(child, &r); err != nil {
					return nil, fmt.Errorf("store.ImageTexts: %w", err)
				}
				text.Body, text.Internal = r.Body, r.Internal
			}
			out = append(out, posts.ImageText{Ticket: &text})
		}
	}
	return out, nil
}

// imageUpdates are the writes that keep the records of the images a text shows in step
// with it, in the text's own transaction (ref names the text): each image it newly shows
// takes the text into ShownIn, if its record exists, is still usable (shown before, or
// waiting for its first text and not expired) and is shown by fewer than
// posts.MaxImageTexts texts (posts.ErrImage otherwise: the transaction names them condImage); each image it no
// longer shows lets it go.
func (s *Images) imageUpdates(ref string, before, after string, now time.Time) []types.TransactWriteItem {
	added, removed := posts.ImageChanges(before, after)
	set := &types.AttributeValueMemberSS{Value: []string{ref}}
	var out []types.TransactWriteItem
	for _, id := range added {
		const update = "ADD #ShownIn :r SET #ShownAt = if_not_exists(#ShownAt, :now) REMOVE " + gsi1Keys + ", #UnusedUntil"
		out = append(out, types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: imageKey(id),
			UpdateExpression: aws.String(update),
			ConditionExpression: aws.String("#t = :image AND (attribute_exists(#ShownAt) OR #UnusedUntil > :epoch) AND " +
				"(attribute_not_exists(#ShownIn) OR size(#ShownIn) < :max)"),
			ExpressionAttributeNames: withNames(map[string]string{"#t": AttrType}, update),
			ExpressionAttributeValues: map[string]types.AttributeValue{":r": set, ":image": &types.AttributeValueMemberS{Value: typeImage},
				":now": &types.AttributeValueMemberS{Value: now.UTC().Format(time.RFC3339Nano)}, ":epoch": &types.AttributeValueMemberN{Value: strconv.FormatInt(now.Unix(), 10)},
				":max": &types.AttributeValueMemberN{Value: strconv.Itoa(posts.MaxImageTexts)}}}})
	}
	for _, id := range removed {
		// Unconditional: a text written before the index existed, whose image the
		// migration has not recorded yet, leaves an empty record (it loads for nobody).
		out = append(out, types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: imageKey(id),
			UpdateExpression:          aws.String("DELETE #ShownIn :r SET #t = if_not_exists(#t, :image)"),
			ExpressionAttributeNames:  withNames(map[string]string{"#t": AttrType}, "#ShownIn"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":r": set, ":image": &types.AttributeValueMemberS{Value: typeImage}}}})
	}
	return out
}

// condImage names the conditions of the image updates a text's transaction makes
// (imageUpdates): an image expired, or taken by too many texts since the check.
const condImage = "image"

// UnusedImages implements posts.ImageStore: one query of the sweeper's index.
func (s *Images) UnusedImages(ctx context.Context, before time.Time, limit int) ([]posts.Image, error) {
	out, err := s.DB.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
		KeyConditionExpression: aws.String(gsi1Is + " AND " + AttrGSI1SK + " < :before"), Limit: aws.Int32(int32(limit)),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: unusedImagesPK},
			":before": &types.AttributeValueMemberS{Value: fmt.Sprintf("%012d#", before.Unix())}}})
	if err != nil {
		return nil, fmt.Errorf("store.UnusedImages: %w", err)
	}
	list := make([]posts.Image, 0, len(out.Items))
	for _, item := range out.Items {
		var it imageItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, fmt.Errorf("store.UnusedImages: %w", err)
		}
		list = append(list, it.image())
	}
	return list, nil
}

// DeleteUnusedImage implements posts.ImageStore: only while no text ever showed it.
func (s *Images) DeleteUnusedImage(ctx context.Context, id posts.ImageID) (bool, error) {
	_, err := s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table), Key: imageKey(id),
		ConditionExpression: aws.String(itemExists + " AND attribute_not_exists(#ShownAt)"), ExpressionAttributeNames: namesIn("#ShownAt")})
	if conditionFailedErr(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store.DeleteUnusedImage %s: %w", imagePK(id), err)
	}
	return true, nil
}

// ImagesRecorded is what MigrateImageTexts did.
type ImagesRecorded struct {
	// Images got (or completed) their record; Texts show at least one that was recorded.
	Images, Texts int
}

// MigrateImageTexts records, for every uploaded image a text written before the index
// existed shows, the texts that show it (issue 9, round 4): posts and comments that are
// not deleted, ticket descriptions and replies, each image by its one address
// (posts.ImagesIn: another spelling is no image of ours). A text is recorded only where
// today's rule would let it show the image, or where its uploader put it: a text of the
// space the image belongs to (its address's, or for an image of before the space the
// migration of round 3 gave it), or a text by the image's uploader (a post of theirs
// moved since). A copy of someone else's image into another space, which round 3
// served to nobody there, stays unrecorded and grants nothing. The image's record is
// written or completed (uploader from its address, shown since now, out of the sweeper's
// index). Images no text shows get no record and load for nobody; their files stay
// until an operator removes them (docs/operations.md).
//
// Texts have no index by what they show, so this reads the table once with a Scan
// filtered on the types and on the address prefix; each record is updated by adding to
// a set, so a second run, or two at once, changes nothing more.
func (s *Store) MigrateImageTexts(ctx context.Context, now time.Time) (ImagesRecorded, error) {
	var done ImagesRecorded
	in := &dynamodb.ScanInput{
		FilterExpression:         aws.String("#t IN (:post, :comment, :ticket, :reply) AND contains(#b, :images) AND NOT #d = :deleted"),
		ProjectionExpression:     aws.String(keysOnly + ", #t, #b, SpaceID, AuthorID, RequesterID"),
		ExpressionAttributeNames: map[string]string{"#t": AttrType, "#b": "Body", "#d": "Deleted"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":post": &types.AttributeValueMemberS{Value: typePost},
			":comment": &types.AttributeValueMemberS{Value: typeComment}, ":ticket": &types.AttributeValueMemberS{Value: typeTicket},
			":reply": &types.AttributeValueMemberS{Value: typeTicketReply}, ":images": &types.AttributeValueMemberS{Value: "/api/images/"},
			":deleted": &types.AttributeValueMemberBOOL{Value: true}}}
	recorded := map[posts.ImageID]bool{}
	postSpaces, ticketSpaces, legacySpaces := map[string]string{}, map[string]string{}, map[posts.ImageID]string{}
	err := s.scanEach(ctx, "store.MigrateImageTexts", in, func(page []item) error {
		var err error
		for _, item := range page {
			var it struct{ PK, SK, Type, Body, SpaceID, AuthorID, RequesterID string }
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return fmt.Errorf("store.MigrateImageTexts: %w", err)
			}
			_, parent, _ := strings.Cut(it.PK, "#")
			ref := map[string]string{typePost: shownInPost(parent), typeComment: shownInChild(shownComment, parent, it.SK),
				typeTicket: shownInTicket(parent), typeTicketReply: shownInChild(shownReply, parent, it.SK)}[it.Type]
			images := posts.ImagesIn(it.Body)
			if ref == "" || len(images) == 0 {
				continue
			}
			author, space := it.AuthorID, it.SpaceID
			switch it.Type {
			case typeComment:
				if space, err = s.spaceOfPost(ctx, parent, postSpaces); err != nil {
					return err
				}
			case typeTicket:
				author = it.RequesterID
			case typeTicketReply:
				if space, err = s.spaceOfTicket(ctx, parent, ticketSpaces); err != nil {
					return err
				}
			}
			shown := false
			for _, id := range images {
				home := id.SpaceID
				if home == "" {
					if home, err = s.legacySpace(ctx, id, legacySpaces); err != nil {
						return err
					}
				}
				if author != id.MemberID && (space == "" || space != home) {
					continue // someone else's image copied where it does not belong
				}
				if err := s.recordShownIn(ctx, id, ref, now); err != nil {
					return err
				}
				recorded[id], shown = true, true
			}
			if shown {
				done.Texts++
			}
		}
		return nil
	})
	if err != nil {
		return done, err
	}
	done.Images = len(recorded)
	return done, nil
}

// spaceOfTicket is a ticket's space, remembered in known ("" when the ticket is gone).
func (s *Store) spaceOfTicket(ctx context.Context, ticketID string, known map[string]string) (string, error) {
	if id, ok := known[ticketID]; ok {
		return id, nil
	}
	t, err := s.Tickets().GetTicket(ctx, ticketID)
	if errors.Is(err, errs.ErrNotFound) {
		known[ticketID] = ""
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store.MigrateImageTexts: %w", err)
	}
	known[ticketID] = t.SpaceID
	return t.SpaceID, nil
}

// legacySpace is the space the migration of round 3 gave an image of before ("" for
// none), remembered in known.
func (s *Store) legacySpace(ctx context.Context, id posts.ImageID, known map[posts.ImageID]string) (string, error) {
	if sp, ok := known[id]; ok {
		return sp, nil
	}
	sp, err := s.LegacyImageSpace(ctx, id.MemberID, id.File)
	if errors.Is(err, errs.ErrNotFound) {
		sp, err = "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store.MigrateImageTexts: %w", err)
	}
	known[id] = sp
	return sp, nil
}

// recordShown is recordShownIn's update.
const recordShown = "SET #t = :image, #SpaceID = :s, #MemberID = :m, #File = :f, #UploaderID = if_not_exists(#UploaderID, :m), " +
	"#UploadedAt = if_not_exists(#UploadedAt, :now), #ShownAt = if_not_exists(#ShownAt, :now) ADD #ShownIn :r REMOVE " + gsi1Keys + ", #UnusedUntil"

// recordShownIn adds a text to an image's record, writing the record if there is none.
func (s *Store) recordShownIn(ctx context.Context, id posts.ImageID, ref string, now time.Time) error {
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: imageKey(id),
		UpdateExpression:         aws.String(recordShown),
		ExpressionAttributeNames: withNames(map[string]string{"#t": AttrType}, recordShown),
		ExpressionAttributeValues: map[string]types.AttributeValue{":image": &types.AttributeValueMemberS{Value: typeImage},
			":s": &types.AttributeValueMemberS{Value: id.SpaceID}, ":m": &types.AttributeValueMemberS{Value: id.MemberID},
			":f": &types.AttributeValueMemberS{Value: id.File}, ":now": &types.AttributeValueMemberS{Value: now.UTC().Format(time.RFC3339Nano)},
			":r": &types.AttributeValueMemberSS{Value: []string{ref}}}})
	if err != nil {
		return fmt.Errorf("store.MigrateImageTexts %s: %w", imagePK(id), err)
	}
	return nil
}
