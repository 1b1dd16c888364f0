package store

// Expressions on the table's key attributes. Key conditions, update and condition
// expressions and projections name a key, index or TTL attribute through these or
// through its constant (AttrPK, AttrSK, AttrGSI1PK, AttrGSI1SK, AttrExpires: table.go),
// concatenated or as a "#" placeholder named from it, never by a literal string:
// TestKeyAttributesAreNeverLiteral (attrs_test.go) fails on one.
const (
	// itemExists is the condition that the item is there.
	itemExists = "attribute_exists(" + AttrPK + ")"
	// itemAbsent is the condition that no item has the key.
	itemAbsent = "attribute_not_exists(" + AttrPK + ")"
	// pkIs is the key condition of one partition of the table, :pk.
	pkIs = AttrPK + " = :pk"
	// gsi1Is is the key condition of one partition of GSI1, :pk.
	gsi1Is = AttrGSI1PK + " = :pk"
	// keysOnly is the projection of an item's primary key.
	keysOnly = AttrPK + ", " + AttrSK
	// gsi1Keys are GSI1's keys, as a REMOVE names them (the item leaves the index).
	gsi1Keys = AttrGSI1PK + ", " + AttrGSI1SK
	// expiredBy is the condition that the item's TTL has passed at :now (DynamoDB
	// deletes expired items late).
	expiredBy = AttrExpires + " <= :now"
)

// skBeginsWith is the condition that the sort key begins with the value placeholder.
func skBeginsWith(placeholder string) string {
	return "begins_with(" + AttrSK + ", " + placeholder + ")"
}

// setGSI1 is an update's assignment of GSI1's keys to two value placeholders.
func setGSI1(pk, sk string) string { return AttrGSI1PK + " = " + pk + ", " + AttrGSI1SK + " = " + sk }
