package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/errs"
	"tribune/shared/posts"
)

// Images uploaded before images belonged to a space (key images/<member>/<file>) each
// have one item, written by MigrateLegacyImages, naming the space they now belong to:
// IMAGE#<member>#<file> / LEGACY. Images uploaded since carry their space in their key
// and have no item.
const (
	typeLegacyImage = "LegacyImage"
	skLegacyImage   = "LEGACY"
)

func legacyImagePK(memberID, file string) string { return "IMAGE#" + memberID + "#" + file }

type legacyImageItem struct {
	PK, SK, Type string
	SpaceID      string
	// PostID is the post whose text (or comment, or earlier version) decided the space.
	PostID string
}

// LegacyImageSpace implements posts.LegacyImages (errs.ErrNotFound: no text showed the
// image when the migration ran, so it belongs to no space and is served to nobody).
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
	db, ok := s.DB.(scanner)
	if !ok {
		return done, errors.New("store.MigrateLegacyImages: the table client cannot Scan")
	}
	in := &dynamodb.ScanInput{TableName: aws.String(s.Table),
		FilterExpression:     aws.String("#t IN (:post, :comment, :rev) AND contains(#b, :legacy)"),
		ProjectionExpression: aws.String("PK, #t, #b, SpaceID, AuthorID, CreatedAt, EditedAt"),
		// Named, not written: a name may be a reserved word of DynamoDB.
		ExpressionAttributeNames: map[string]string{"#t": AttrType, "#b": "Body"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":post": &types.AttributeValueMemberS{Value: typePost},
			":comment": &types.AttributeValueMemberS{Value: typeComment}, ":rev": &types.AttributeValueMemberS{Value: typeRevision},
			":legacy": &types.AttributeValueMemberS{Value: "/api/images/m_"}}}
	best := map[posts.LegacyImage]legacyUse{}
	spaceOf := map[string]string{}
	for {
		out, err := db.Scan(ctx, in)
		if err != nil {
			return done, fmt.Errorf("store.MigrateLegacyImages: %w", err)
		}
		for _, item := range out.Items {
			var it struct {
				PK, Type, Body, SpaceID, AuthorID string
				CreatedAt, EditedAt               time.Time
			}
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return done, fmt.Errorf("store.MigrateLegacyImages: %w", err)
			}
			images := posts.LegacyImagesIn(it.Body)
			if len(images) == 0 {
				continue
			}
			postID := it.PK[len("POST#"):]
			use := legacyUse{spaceID: it.SpaceID, postID: postID, at: it.CreatedAt}
			if it.Type == typeRevision {
				use.at = it.EditedAt
			}
			if use.spaceID == "" {
				if use.spaceID, err = s.spaceOfPost(ctx, postID, spaceOf); err != nil {
					return done, err
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
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	for img, u := range best {
		item, err := attributevalue.MarshalMap(legacyImageItem{PK: legacyImagePK(img.MemberID, img.File), SK: skLegacyImage,
			Type: typeLegacyImage, SpaceID: u.spaceID, PostID: u.postID})
		if err != nil {
			return done, fmt.Errorf("store.MigrateLegacyImages: %w", err)
		}
		_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: item,
			ConditionExpression: aws.String("attribute_not_exists(PK)")})
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
	p, err := s.GetPost(ctx, postID)
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
