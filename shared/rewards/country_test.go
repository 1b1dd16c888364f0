package rewards

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"

	"tribune/shared/errs"
)

// The list holds the 249 assigned codes and Kosovo, each a country by CLDR too.
func TestRewardsCountryCodes(t *testing.T) {
	if n := len(strings.Fields(isoCountries)); n != 250 || len(countries) != 250 {
		t.Fatalf("%d codes, %d distinct, want 250", n, len(countries))
	}
	for c := range countries {
		if r, err := language.ParseRegion(c); err != nil || !r.IsCountry() || r.String() != c {
			t.Errorf("%s: %v %v", c, r, err)
		}
	}
	for _, c := range []string{"ZZ", "UK", "EU", "UN", "SU", "YU", "CS", "AN", "XX", "QO", "AA"} {
		if IsCountry(c) {
			t.Errorf("%s taken for a country", c)
		}
	}
}

// A redemption with a code that is no country is refused on address.country.
func TestRewardsAddressCountryMustBeACountry(t *testing.T) {
	g := shirt(t)
	for _, code := range []string{"ZZ", "UK", "eu"} {
		addr := &Address{Name: "Dan", Line1: "1 High Street", City: "London", PostalCode: "SW1A 1AA", Country: code}
		_, err := NewRedemption(g, "m_dan", "Dan", RedeemRequest{VariantID: g.Variants[0].ID, Key: "click-0001", Address: addr}, time.Now())
		if e, ok := errs.As(err); !ok || e.Code != "invalid_address" || e.Field != "address.country" {
			t.Errorf("%s: %v", code, err)
		}
	}
	addr := &Address{Name: "Dan", Line1: "1 High Street", City: "London", PostalCode: "SW1A 1AA", Country: "gb"}
	if r, err := NewRedemption(g, "m_dan", "Dan", RedeemRequest{VariantID: g.Variants[0].ID, Key: "click-0001", Address: addr}, time.Now()); err != nil || r.Address.Country != "GB" {
		t.Fatalf("GB: %v", err)
	}
}
