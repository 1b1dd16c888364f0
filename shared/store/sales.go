package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/errs"
	"tribune/shared/metrics"
	"tribune/shared/spaces"
)

// The sales upload (KPI XII; docs/data-model.md, patterns 304-306): the matched
// customers, summed, in parts of at most salesPart customers (gzipped JSON), under
// KPISALES#<upload> / PART#<n>; the pointer KPI / SALES names the upload in force. A new
// upload writes its parts, then moves the pointer (a reader sees the old upload or the
// new one, never a mix), then deletes the old parts.

const (
	skKpiSales     = "SALES"
	salesPartPre   = "PART#"
	typeSalesPart  = "SalesPart"
	typeSalesIndex = "SalesUpload"
	// salesPart bounds the customers of one part (about 60 bytes each before gzip).
	salesPart = 4000
)

func salesPK(upload string) string { return "KPISALES#" + upload }

type salesPointer struct {
	PK, SK, Type           string
	Upload                 string
	At                     time.Time
	Rows, Matched, Unmatch int
	Parts                  int
}

type salesPartItem struct {
	PK, SK, Type string
	Customers    []byte // gzipped JSON of []metrics.SalesCustomer
}

// Sales is the sales upload's store.
type Sales struct{ *Store }

// Sales is the sales upload's store.
func (s *Store) Sales() Sales { return Sales{s} }

// SaveSalesUpload replaces the upload in force with up.
func (s Sales) SaveSalesUpload(ctx context.Context, up metrics.SalesUpload) error {
	id := up.At.UTC().Format("20060102T150405Z") + "-" + strings.ToLower(rand.Text()[:8])
	var reqs []types.WriteRequest
	parts := 0
	for start := 0; start == 0 || start < len(up.Customers); start += salesPart {
		body, err := gz(up.Customers[start:min(start+salesPart, len(up.Customers))])
		if err != nil {
			return fmt.Errorf("store.SaveSalesUpload: %w", err)
		}
		av, err := attributevalue.MarshalMap(salesPartItem{PK: salesPK(id), SK: fmt.Sprintf("%s%04d", salesPartPre, parts), Type: typeSalesPart, Customers: body})
		if err != nil {
			return fmt.Errorf("store.SaveSalesUpload: %w", err)
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: av}})
		parts++
	}
	if err := s.batchWrite(ctx, reqs); err != nil {
		return fmt.Errorf("store.SaveSalesUpload: %w", err)
	}
	old, hadOld, err := s.pointer(ctx)
	if err != nil {
		return err
	}
	ptr := salesPointer{PK: pkKpi, SK: skKpiSales, Type: typeSalesIndex, Upload: id, At: up.At.UTC(), Rows: up.Rows, Matched: up.Matched, Unmatch: up.Unmatched, Parts: parts}
	if err := s.txn().put("", ptr, "").run(ctx); err != nil {
		return fmt.Errorf("store.SaveSalesUpload: %w", err)
	}
	if hadOld && old.Upload != id {
		var keys []types.WriteRequest
		for i := 0; i < old.Parts; i++ {
			keys = append(keys, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: key(salesPK(old.Upload), fmt.Sprintf("%s%04d", salesPartPre, i))}})
		}
		if err := s.batchWrite(ctx, keys); err != nil {
			return fmt.Errorf("store.SaveSalesUpload: the previous upload's parts: %w", err)
		}
	}
	return nil
}

func (s Sales) pointer(ctx context.Context) (salesPointer, bool, error) {
	var p salesPointer
	err := s.get(ctx, "store.SalesUpload", pkKpi, skKpiSales, time.Now(), &p)
	if errors.Is(err, errs.ErrNotFound) {
		return p, false, nil
	}
	return p, err == nil, err
}

// SalesUpload reads the upload in force (ok false before the first).
func (s Sales) SalesUpload(ctx context.Context) (metrics.SalesUpload, bool, error) {
	p, ok, err := s.pointer(ctx)
	if err != nil || !ok {
		return metrics.SalesUpload{}, false, err
	}
	in := queryPrefix(s.Table, salesPK(p.Upload), salesPartPre)
	in.ConsistentRead = aws.Bool(true)
	items, err := queryItems[salesPartItem](ctx, s.Store, in)
	if err != nil {
		return metrics.SalesUpload{}, false, fmt.Errorf("store.SalesUpload: %w", err)
	}
	up := metrics.SalesUpload{At: p.At, Rows: p.Rows, Matched: p.Matched, Unmatched: p.Unmatch, Customers: []metrics.SalesCustomer{}}
	for _, it := range items {
		var part []metrics.SalesCustomer
		if err := ungz(it.Customers, &part); err != nil {
			return metrics.SalesUpload{}, false, fmt.Errorf("store.SalesUpload: %w", err)
		}
		up.Customers = append(up.Customers, part...)
	}
	return up, true, nil
}

// SalesMatches finds the customer spaces an upload's rows name: every customer space
// (GSI1 CUSTOMERSPACES by pages of 100; names compared without case and surrounding
// spaces), and for the emails their members (one BatchGetItem of EMAIL# items per 100
// addresses), then each such member's spaces (one query per distinct member): the
// member's customer space: the first by name of the customer spaces they are an active
// member of, the customer their activities count for (app.customerOf); none: the line is
// unmatched.
func (s Sales) SalesMatches(ctx context.Context, rows []metrics.SalesRow) (SalesMatch, error) {
	m := SalesMatch{emails: map[string]string{}, spaces: map[string]string{}}
	order := map[string]int{} // a customer space's rank by name
	cursor := ""
	for {
		page, next, err := s.Spaces().CustomerSpaces(ctx, cursor, 100)
		if err != nil {
			return m, err
		}
		for _, sp := range page {
			if sp.Kind == spaces.KindCustomer {
				m.spaces[SalesName(sp.Name)] = sp.ID
				order[sp.ID] = len(order)
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	var keys []map[string]types.AttributeValue
	for _, r := range rows {
		if r.Email {
			keys = append(keys, key(emailPK(r.Customer), skEmail))
		}
	}
	found, err := s.batchGet(ctx, "store.SalesMatches", keys)
	if err != nil {
		return m, err
	}
	spaceOf := map[string]string{}
	for _, av := range found {
		var it emailItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return m, fmt.Errorf("store.SalesMatches: %w", err)
		}
		id, ok := spaceOf[it.MemberID]
		if !ok {
			list, err := s.Spaces().MySpaces(ctx, it.MemberID)
			if err != nil {
				return m, err
			}
			for _, ms := range list {
				rank, isCustomer := order[ms.SpaceID]
				if ms.Status == spaces.StatusActive && isCustomer && (id == "" || rank < order[id]) {
					id = ms.SpaceID
				}
			}
			spaceOf[it.MemberID] = id
		}
		m.emails[emailOf(it.PK)] = id
	}
	return m, nil
}

// SalesPerParticipant is KPI XII over a range (metrics.SalesFigures): the mean sales of
// the uploaded customers among participating (the customer spaces with a customer
// activity in the range) and of the others; nil values for a side without customers;
// metrics.ErrNoSalesFile before any upload.
func (s Sales) SalesPerParticipant(ctx context.Context, from, to string, participating map[string]bool) (value, other *float64, err error) {
	up, ok, err := s.SalesUpload(ctx)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, metrics.ErrNoSalesFile
	}
	cmp := metrics.SalesPerParticipant(up, participating)
	return cmp.Value, cmp.Other, nil
}

// SalesName is a customer's name as matched: without case and surrounding spaces.
func SalesName(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// SalesMatch implements metrics.SalesMatcher from what SalesMatches read.
type SalesMatch struct{ emails, spaces map[string]string }

func (m SalesMatch) CustomerSpaceByEmail(email string) string { return m.emails[email] }
func (m SalesMatch) CustomerSpaceByName(name string) string   { return m.spaces[SalesName(name)] }
