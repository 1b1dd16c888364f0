package app

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"time"

	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/knowledge"
	"tribune/shared/metrics"
	"tribune/shared/policy"
	"tribune/shared/store"
)

// The sales upload (docs/kpis.md, "Sales"). KPI XII itself is store.Sales's
// SalesPerParticipant (metrics.SalesFigures), which the dashboard's cards call.

var (
	errSalesType  = errs.New(errs.UnsupportedMedia, "unsupported_media_type", "Send the sales as text/csv.")
	errSalesLarge = errs.New(errs.TooLarge, "body_too_large", "The sales file is larger than 1 MiB.")
)

// salesRoute is the upload's pattern: its function's handler takes bodies up to
// metrics.MaxSalesBytes (bodyLimit).
const salesRoute = "/api/kpis/sales"

// bodyLimit is the request body bound of a function's handler: the API's 64 KiB, or
// the sales file's 1 MiB for the function that serves the upload (JSON bodies stay
// bounded to 64 KiB by httpx.DecodeJSON whatever this says).
func bodyLimit(routes []httpx.Route) int64 {
	var limit int64
	for _, rt := range routes {
		if rt.Pattern == salesRoute {
			limit = max(limit, metrics.MaxSalesBytes)
		}
		if rt.Pattern == knowledgeArticlesRoute {
			// The knowledge base's articles: 100,000 bytes of text (issue 16).
			limit = max(limit, knowledge.RequestMaxBytes)
		}
	}
	return limit
}

type kpiSales struct {
	store *store.Store
	now   func() time.Time
}

// salesRoutes is the upload's route.
func salesRoutes(k kpiSales) []httpx.Route {
	return []httpx.Route{
		{Method: "POST", Pattern: salesRoute, Tag: "kpis", Action: policy.KpisManage, Handler: k.upload,
			Summary: "Replaces the sales file (text/csv, at most 1 MiB, 20,000 lines: header customer,amount; customer an email of a member or the name of a customer space; " +
				"amount a decimal such as 1250.50 in the community's currency). One invalid line refuses the whole file and writes nothing.",
			Responses: httpx.Answers(200, "Rows read, matched, unmatched", metrics.SalesResult{},
				map[int]string{400: "Not a sales CSV (invalid_sales_file) or invalid lines, listed (invalid_sales_rows)", 413: "Larger than 1 MiB", 415: "Not text/csv"})},
	}
}

func (k kpiSales) upload(w http.ResponseWriter, r *http.Request) {
	res, err := k.Upload(r)
	httpx.Reply(w, r, http.StatusOK, res, err)
}

// Upload reads, checks, matches and stores a sales file (the whole file or nothing).
func (k kpiSales) Upload(r *http.Request) (metrics.SalesResult, error) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "text/csv" {
		return metrics.SalesResult{}, errSalesType
	}
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, metrics.MaxSalesBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return metrics.SalesResult{}, errSalesLarge
	}
	if err != nil {
		return metrics.SalesResult{}, metrics.ErrSalesFile
	}
	rows, err := metrics.ParseSales(raw)
	if err != nil {
		return metrics.SalesResult{}, err
	}
	ctx := r.Context()
	match, err := k.store.Sales().SalesMatches(ctx, rows)
	if err != nil {
		return metrics.SalesResult{}, err
	}
	up := metrics.MatchSales(k.now(), rows, match)
	if err := k.store.Sales().SaveSalesUpload(ctx, up); err != nil {
		return metrics.SalesResult{}, err
	}
	return metrics.SalesResult{Rows: up.Rows, Matched: up.Matched, Unmatched: up.Unmatched, Invalid: []metrics.SalesProblem{}}, nil
}
