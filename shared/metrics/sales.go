package metrics

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"
	"unicode/utf8"

	"tribune/shared/errs"
	"tribune/shared/text"
)

// Sales (KPI XII, docs/kpis.md, "Sales"): an admin uploads a CSV of sales per customer,
// `customer,amount`. A customer is a customer space: the line names it by its name
// (case and surrounding spaces ignored) or by the email of one of its members (the
// member's sign-in email; the first by name of the member's customer spaces). A member's company field is
// not used: it is free text the member writes, a customer space is what the community
// knows. The upload replaces the previous one; the sales per participant compares the
// mean sales of the customers who took part (a customer activity in the range) with
// the others'.

// Sales upload limits.
const (
	// MaxSalesBytes bounds the CSV body.
	MaxSalesBytes = 1 << 20
	// MaxSalesRows bounds its data rows.
	MaxSalesRows = 20000
	// MaxSalesInvalid bounds the invalid lines an answer lists (the count is exact).
	MaxSalesInvalid = 100
	// MaxCustomerLen bounds a customer's text.
	MaxCustomerLen = 320
)

// Problems of a sales upload.
var (
	// ErrSalesFile: not a CSV with the header customer,amount (or too big): 400.
	ErrSalesFile = errs.InvalidField("file", "invalid_sales_file", "Send a CSV file of at most 1 MiB whose first line is customer,amount.")
	// ErrSalesRows: one line or more is invalid: nothing is written (422, the lines listed).
	ErrSalesRows = errs.InvalidField("file", "invalid_sales_rows", "Some lines of the file are invalid: nothing was imported. Correct them and send the whole file again.")
	// ErrSalesEmpty: the header and no sales line (a common export mistake): 400, the
	// previous upload stays (tester 14b, finding 5).
	ErrSalesEmpty = errs.InvalidField("file", "empty_sales_file", "The file has no sales line after its header: nothing was imported.")
)

// Line problem codes (SalesProblem.Code): problem codes, each with a sentence in both
// languages in the web app (a refused file lists its lines with them).
const (
	LineFields   = "invalid_sales_fields"   // not two fields
	LineCustomer = "invalid_sales_customer" // empty, too long or not text
	LineAmount   = "invalid_sales_amount"   // not a decimal number ≥ 0 with at most 2 decimals
)

// SalesProblem is one invalid line of an upload.
type SalesProblem struct {
	Line   int    `json:"line"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// SalesRow is one valid line: the customer as written (an email normalized) and the
// amount in cents of the community's currency.
type SalesRow struct {
	Customer string
	Email    bool
	Cents    int64
}

// ParseSales reads an upload: the header customer,amount (any case, a byte order mark
// allowed) then one sale a line; every line is checked and the invalid ones returned
// together (a file with no sales line, blank lines aside: ErrSalesEmpty; ErrSalesRows with the lines as its Entries, at most MaxSalesInvalid listed,
// Valid counting the good ones: the problem answer's invalid and valid), so nothing is
// written from a file with one bad line.
func ParseSales(body []byte) ([]SalesRow, error) {
	if len(body) > MaxSalesBytes || !utf8.Valid(body) {
		return nil, ErrSalesFile
	}
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil || len(head) != 2 || !strings.EqualFold(strings.TrimSpace(head[0]), "customer") || !strings.EqualFold(strings.TrimSpace(head[1]), "amount") {
		return nil, ErrSalesFile
	}
	var rows []SalesRow
	var bad []errs.Entry
	count := 0
	problem := func(line int, value, code, detail string) {
		count++
		if len(bad) < MaxSalesInvalid {
			bad = append(bad, errs.Entry{Line: line, Value: value, Code: code, Detail: detail})
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				problem(pe.StartLine, "", LineFields, pe.Err.Error())
				continue
			}
			return nil, ErrSalesFile
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rows)+count >= MaxSalesRows {
			return nil, ErrSalesFile
		}
		if len(rec) != 2 {
			problem(line, strings.Join(rec, ","), LineFields, fmt.Sprintf("%d fields, 2 expected", len(rec)))
			continue
		}
		row, code, detail := salesRow(rec[0], rec[1])
		if code != "" {
			problem(line, strings.Join(rec, ","), code, detail)
			continue
		}
		rows = append(rows, row)
	}
	if count > 0 {
		e := *ErrSalesRows
		e.Entries, e.Valid = bad, len(rows)
		return nil, &e
	}
	if len(rows) == 0 {
		return nil, ErrSalesEmpty
	}
	return rows, nil
}

func salesRow(customer, amount string) (SalesRow, string, string) {
	c := strings.TrimSpace(customer)
	if c == "" || utf8.RuneCountInString(c) > MaxCustomerLen || strings.ContainsAny(c, "\x00\r\n") {
		return SalesRow{}, LineCustomer, "an email or a customer space's name, 1 to 320 characters"
	}
	row := SalesRow{Customer: c}
	if strings.Contains(c, "@") {
		email, ok := text.NormalizeEmail(c)
		if !ok {
			return SalesRow{}, LineCustomer, "not a valid email"
		}
		row.Customer, row.Email = email, true
	}
	cents, ok := ParseAmount(amount)
	if !ok {
		return SalesRow{}, LineAmount, "a number such as 1250 or 1250.50, not negative"
	}
	row.Cents = cents
	return row, "", ""
}

// maxCents bounds one amount (10^13 cents: a hundred billion in the currency).
const maxCents = 1e13

// ParseAmount reads a decimal amount ("1250", "1250.5", "1250.50"; a point, no
// thousands separator, no sign, no currency) as cents.
func ParseAmount(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	whole, frac, hasPoint := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || (hasPoint && frac == "") || !digits(whole) || !digits(frac) {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	v, ok := new(big.Int).SetString(whole+frac, 10)
	if !ok || v.Cmp(big.NewInt(maxCents)) > 0 {
		return 0, false
	}
	return v.Int64(), true
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// SalesCustomer is a matched customer of an upload: a customer space, with its sales
// summed over the upload's lines.
type SalesCustomer struct {
	SpaceID string `json:"spaceId"`
	Cents   int64  `json:"cents"`
}

// SalesUpload is the stored upload: what matched, summed per customer, and the counts.
type SalesUpload struct {
	At        time.Time       `json:"at"`
	Rows      int             `json:"rows"`
	Matched   int             `json:"matched"`
	Unmatched int             `json:"unmatched"`
	Customers []SalesCustomer `json:"customers"`
}

// SalesResult is the answer of `POST /api/kpis/sales`.
type SalesResult struct {
	Rows      int            `json:"rows"`
	Matched   int            `json:"matched"`
	Unmatched int            `json:"unmatched"`
	Invalid   []SalesProblem `json:"invalid"`
}

// SalesMatcher finds the customer space a line names: by a member's email (the one
// customer space that member belongs to), by its name ("" when none).
type SalesMatcher interface {
	CustomerSpaceByEmail(email string) string
	CustomerSpaceByName(name string) string
}

// MatchSales sums the rows per matched customer (a space named on several lines, or by
// name and by email, is one customer), in the order first seen.
func MatchSales(at time.Time, rows []SalesRow, m SalesMatcher) SalesUpload {
	up := SalesUpload{At: at.UTC(), Rows: len(rows), Customers: []SalesCustomer{}}
	index := map[string]int{}
	for _, r := range rows {
		id := ""
		if r.Email {
			id = m.CustomerSpaceByEmail(r.Customer)
		} else {
			id = m.CustomerSpaceByName(r.Customer)
		}
		if id == "" {
			up.Unmatched++
			continue
		}
		up.Matched++
		i, ok := index[id]
		if !ok {
			i = len(up.Customers)
			index[id] = i
			up.Customers = append(up.Customers, SalesCustomer{SpaceID: id})
		}
		up.Customers[i].Cents += r.Cents
	}
	return up
}

// SalesComparison is KPI XII: the mean sales of a participating customer (Value) and of
// the others (Other), in the currency (not cents), with how many customers each side
// (a side without customers: nil).
type SalesComparison struct {
	Value, Other                    *float64
	Participating, NotParticipating int
}

// SalesPerParticipant splits the upload's customers: a customer participates when it
// did a customer activity in the range (participating: the customer spaces of those
// activities, metrics.Service.ActiveCustomers).
func SalesPerParticipant(up SalesUpload, participating map[string]bool) SalesComparison {
	var in, out int64
	var cmp SalesComparison
	for _, c := range up.Customers {
		if participating[c.SpaceID] {
			in += c.Cents
			cmp.Participating++
		} else {
			out += c.Cents
			cmp.NotParticipating++
		}
	}
	if cmp.Participating > 0 {
		v := float64(in) / 100 / float64(cmp.Participating)
		cmp.Value = &v
	}
	if cmp.NotParticipating > 0 {
		v := float64(out) / 100 / float64(cmp.NotParticipating)
		cmp.Other = &v
	}
	return cmp
}
